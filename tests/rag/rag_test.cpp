// Tests of the RS-RAG path: ingest and chunking, knowledge-base persistence, fused retrieval
// (both modalities, one modality, RRF, filters), extractive answers, prompts, the RSWK question
// rewriting, and generation through a local OpenAI-compatible server.
#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "georune/common/files.h"
#include "georune/embed/hashed_text.h"
#include "georune/embed/image_stats.h"
#include "georune/rag/pipeline.h"
#include "georune/rag/rswk_bench.h"
#include "llm/local_server.h"
#include "test_support.h"

namespace georune::rag {
namespace {

using test_support::MakeTempDir;
using test_support::TempDir;

const char* kRswk = R"([
  {
    "ID": "000001",
    "image_name": "Salts Mill",
    "world knowledge": {
      "Name": "Salts Mill",
      "Category": "Historic Site",
      "Area": "Saltaire, Bradford, West Yorkshire, England",
      "Location": "53°50′20″N 1°47′16″W",
      "Construction_Period": "1853",
      "Historical_Background": "Salts Mill was commissioned by Sir Titus Salt. It opened in 1853.",
      "Major_Events": [{"Event": "Closure", "Year": "1986", "Description": "The mill closed."}],
      "Architectural_Characteristics": "A large Italianate textile mill.",
      "Primary_Function": "Former textile mill, now an art gallery",
      "Cultural_Significance": "Part of a UNESCO World Heritage Site.",
      "Notable_Visitors": ["David Hockney"]
    },
    "remote sensing expert knowledge": {
      "ALBEDO": 0.13, "LST_Day_1km": "26.27°C",
      "SR_B1": {"January 2019": 1523.5, "February 2019": 1620.0}
    }
  },
  {
    "ID": "000002",
    "image_name": "Wembley Stadium",
    "world knowledge": {
      "Name": "Wembley Stadium",
      "Category": "Stadium",
      "Area": "London, England",
      "Location": "51.556, -0.2796",
      "Construction_Period": "2003-2007",
      "Historical_Background": "Wembley Stadium replaced the original stadium of 1923.",
      "Primary_Function": "Football stadium and concert venue"
    },
    "remote sensing expert knowledge": {"ALBEDO": 0.2}
  }
])";

std::vector<Record> ReadSample(const std::string& dir) {
  EXPECT_TRUE(WriteFileAtomic(dir + "/rswk.json", kRswk).ok());
  auto records = ReadRswkFile(dir + "/rswk.json");
  EXPECT_TRUE(records.ok()) << records.status().message();
  return records.ok() ? *records : std::vector<Record>{};
}

TEST(Records, ReadsRswk) {
  const TempDir temp("rswk");
  auto records = ReadSample(temp.path());
  ASSERT_EQ(records.size(), 2u);
  const Record& r = records[0];
  EXPECT_EQ(r.id, "000001");
  EXPECT_EQ(r.name, "Salts Mill");
  EXPECT_EQ(r.category, "Historic Site");
  EXPECT_TRUE(r.has_location);
  EXPECT_NEAR(r.lat, 53.8389, 1e-3);
  EXPECT_NEAR(r.lon, -1.7878, 1e-3);
  EXPECT_EQ(r.fields.at("Major_Events"), "Closure (1986): The mill closed.");
  EXPECT_EQ(r.fields.at("Notable_Visitors"), "David Hockney");
  EXPECT_EQ(r.variables.at("ALBEDO"), "0.13");
  EXPECT_EQ(r.monthly.at("January 2019").at("SR_B1"), "1523.5");
  EXPECT_NEAR(records[1].lon, -0.2796, 1e-9);
}

TEST(Records, BadInputNamesFileAndLine) {
  const TempDir temp("bad");
  const std::string& dir = temp.path();
  ASSERT_TRUE(WriteFileAtomic(dir + "/a.json",
                              "[\n {\"ID\": \"1\",\n  \"world knowledge\": {\"Name\": \"A\"}},\n {\"ID\": \"2\"}\n]")
                  .ok());
  auto r = ReadRswkFile(dir + "/a.json");
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find(dir + "/a.json:4: record 2: missing \"world knowledge\""), std::string::npos)
      << r.status().message();
  ASSERT_TRUE(WriteFileAtomic(dir + "/b.json", "[\n {\"ID\": \"1\",\n  oops}\n]").ok());
  r = ReadRswkFile(dir + "/b.json");
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find("b.json:3:3: not valid JSON: "), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().find("json.exception"), std::string::npos) << r.status().message();
  EXPECT_EQ(ReadRswkFile(dir + "/none.json").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(
      WriteFileAtomic(dir + "/c.jsonl", "{\"id\": 1, \"title\": \"A\", \"text\": \"x\"}\n\n{\"title\": \"B\"}\n").ok());
  auto j = ReadJsonlFile(dir + "/c.jsonl");
  ASSERT_EQ(j.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(j.status().message().find("c.jsonl:3: missing \"id\""), std::string::npos) << j.status().message();
  // A number out of range: located, in words, without the JSON library's text.
  ASSERT_TRUE(WriteFileAtomic(dir + "/e.jsonl", "{\"id\": \"a\"}\n{\"id\": \"b\", \"n\": 1e999}\n").ok());
  auto e = ReadJsonlFile(dir + "/e.jsonl");
  EXPECT_NE(e.status().message().find("e.jsonl:2:"), std::string::npos) << e.status().message();
  EXPECT_NE(e.status().message().find(": not valid JSON: the number '1e999' is out of range"), std::string::npos)
      << e.status().message();
  EXPECT_NE(e.status().message().find("hint: one JSON object per line"), std::string::npos) << e.status().message();
  ASSERT_TRUE(WriteFileAtomic(dir + "/d.jsonl", "{\"id\": \"x\", \"location\": \"nowhere\"}\n").ok());
  EXPECT_NE(ReadJsonlFile(dir + "/d.jsonl").status().message().find("d.jsonl:1: \"location\""), std::string::npos);
}

TEST(Records, JsonlAndChunking) {
  const TempDir temp("jsonl");
  const std::string& dir = temp.path();
  std::string long_text;
  for (int i = 0; i < 450; ++i) long_text += "word" + std::to_string(i) + " ";
  ASSERT_TRUE(WriteFileAtomic(dir + "/d.jsonl", "{\"id\": \"d1\", \"title\": \"Harbour\", \"text\": \"" + long_text +
                                                    "\", \"category\": \"Port\", \"location\": [10.5, 20.25], "
                                                    "\"image\": \"h.png\", \"note\": \"busy\"}\n")
                  .ok());
  auto recs = ReadJsonlFile(dir + "/d.jsonl");
  ASSERT_TRUE(recs.ok()) << recs.status().message();
  ASSERT_EQ(recs->size(), 1u);
  const Record& r = (*recs)[0];
  EXPECT_EQ(r.image_path, dir + "/h.png");
  EXPECT_TRUE(r.has_location);
  EXPECT_EQ(r.fields.at("note"), "busy");
  auto chunks = ChunkRecord(r, {200, 40});
  int text_chunks = 0;
  for (const auto& c : chunks) {
    EXPECT_EQ(c.record_id, "d1");
    text_chunks += c.type == kChunkText && c.text.find("word") != std::string::npos;
  }
  EXPECT_EQ(text_chunks, 3);  // 450 words, windows of 200 sharing 40: 0-199, 160-359, 320-449
  auto windows = SplitByTokens(long_text, 200, 40);
  ASSERT_EQ(windows.size(), 3u);
  EXPECT_EQ(windows[1].substr(0, 8), "word160 ");
  EXPECT_TRUE(SplitByTokens("   ", 10, 2).empty());
  const TempDir sample_dir("chunks");
  auto sample = ReadSample(sample_dir.path());
  std::set<std::string> types;
  for (const auto& c : ChunkRecord(sample[0])) types.insert(c.type);
  EXPECT_EQ(types,
            (std::set<std::string>{kChunkBasicInfo, kChunkArchitecture, kChunkCulture, kChunkExpert, kChunkMonthly}));
}

TEST(Records, ParseLocation) {
  double lat, lon;
  ASSERT_TRUE(ParseLocation("40°11′27″N 29°02′46″E", &lat, &lon));
  EXPECT_NEAR(lat, 40.19083, 1e-4);
  EXPECT_NEAR(lon, 29.04611, 1e-4);
  ASSERT_TRUE(ParseLocation("33.9°S 18.4°W", &lat, &lon));
  EXPECT_NEAR(lat, -33.9, 1e-9);
  EXPECT_NEAR(lon, -18.4, 1e-9);
  EXPECT_FALSE(ParseLocation("somewhere in France", &lat, &lon));
  // Wikipedia's repeated form: DMS / decimal / lat; lon.
  ASSERT_TRUE(
      ParseLocation("24°35′18″S 26°9′26″E \ufeff / \ufeff 24.58833°S 26.15722°E \ufeff / "
                    "-24.58833; 26.15722",
                    &lat, &lon));
  EXPECT_NEAR(lat, -24.58833, 1e-4);
  EXPECT_NEAR(lon, 26.15722, 1e-4);
}

struct Fixture {
  embed::HashedTextEmbedder text{256};
  embed::ImageStatsEmbedder image;
  std::string dir;  // made by MakeKb, removed with the fixture
  KnowledgeBase kb;
  ~Fixture() { std::filesystem::remove_all(dir); }
};

// Two records with images: Salts Mill red-ish, Wembley green.
std::unique_ptr<Fixture> MakeKb(bool with_images) {
  auto f = std::make_unique<Fixture>();
  f->dir = MakeTempDir(with_images ? "kbimg" : "kbtext");
  auto records = ReadSample(f->dir);
  if (with_images) {
    cv::imwrite(f->dir + "/mill.png", cv::Mat(64, 64, CV_8UC3, cv::Scalar(30, 40, 200)));
    cv::imwrite(f->dir + "/wembley.png", cv::Mat(64, 64, CV_8UC3, cv::Scalar(40, 180, 40)));
    cv::imwrite(f->dir + "/query_green.png", cv::Mat(32, 32, CV_8UC3, cv::Scalar(42, 178, 42)));
    records[0].image_path = f->dir + "/mill.png";
    records[1].image_path = f->dir + "/wembley.png";
  }
  std::vector<std::string> warnings;
  auto kb = KnowledgeBase::Build(records, f->text, &f->image, {}, &warnings);
  EXPECT_TRUE(kb.ok()) << kb.status().message();
  EXPECT_TRUE(warnings.empty());
  f->kb = std::move(*kb);
  return f;
}

TEST(KnowledgeBase, SaveLoadAndCorruption) {
  auto f = MakeKb(true);
  EXPECT_EQ(f->kb.image_count(), 2u);
  const std::string out = f->dir + "/kb";
  ASSERT_TRUE(f->kb.Save(out).ok());
  auto loaded = KnowledgeBase::Load(out);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->records().size(), 2u);
  EXPECT_EQ(loaded->chunks().size(), f->kb.chunks().size());
  EXPECT_EQ(loaded->records()[0].monthly, f->kb.records()[0].monthly);
  EXPECT_EQ(loaded->text_embedder(), "hashed-text-v1/256");
  EXPECT_EQ(loaded->image_embedder(), "image-stats-v1/128");
  std::string records_file;
  for (const auto& e : std::filesystem::directory_iterator(out))
    if (e.path().extension() == ".grkb") records_file = e.path().string();
  auto bytes = ReadFile(records_file);
  ASSERT_TRUE(bytes.ok());
  std::string bad = *bytes;
  bad[bad.size() / 2] ^= 1;
  ASSERT_TRUE(WriteFileAtomic(records_file, bad).ok());
  EXPECT_EQ(KnowledgeBase::Load(out).status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(KnowledgeBase::Load(f->dir + "/nothing").status().code(), StatusCode::kNotFound);
  // Duplicate ids are refused.
  auto records = f->kb.records();
  records.push_back(records[0]);
  EXPECT_EQ(KnowledgeBase::Build(records, f->text, nullptr, {}, nullptr).status().code(), StatusCode::kInvalidInput);
  // Read from a file, a duplicate names both places.
  ASSERT_TRUE(WriteFileAtomic(f->dir + "/dup.jsonl",
                              "{\"id\": \"a\", \"text\": \"x\"}\n{\"id\": \"b\", \"text\": \"y\"}\n\n"
                              "{\"id\": \"a\", \"text\": \"z\"}\n")
                  .ok());
  auto dup = ReadJsonlFile(f->dir + "/dup.jsonl");
  ASSERT_TRUE(dup.ok()) << dup.status().message();
  auto built = KnowledgeBase::Build(*dup, f->text, nullptr, {}, nullptr);
  ASSERT_EQ(built.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(built.status().message().find(f->dir + "/dup.jsonl:4: duplicate record id \"a\" (first at " + f->dir +
                                          "/dup.jsonl:1)"),
            std::string::npos)
      << built.status().message();
}

TEST(Retrieve, TextOnly) {
  auto f = MakeKb(false);
  Retriever r(f->kb, f->text, &f->image, nullptr);
  RetrieveOptions o;
  o.top_k = 3;
  auto got = r.Retrieve({"When was Salts Mill built?", ""}, o);
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_FALSE(got->empty());
  EXPECT_EQ((*got)[0].record_id, "000001");
  EXPECT_EQ((*got)[0].rank, 1);
  EXPECT_TRUE((*got)[0].s_text.has_value());
  EXPECT_FALSE((*got)[0].s_image.has_value());
  EXPECT_DOUBLE_EQ((*got)[0].score, *(*got)[0].s_text);
  for (size_t i = 1; i < got->size(); ++i) EXPECT_GE((*got)[i - 1].score, (*got)[i].score);
  // Exact and HNSW agree on a tiny base.
  o.exact = true;
  auto exact = r.Retrieve({"When was Salts Mill built?", ""}, o);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ((*exact)[0].chunk, (*got)[0].chunk);
  // Filters.
  o.filter.category = "stadium";
  auto filtered = r.Retrieve({"When was Salts Mill built?", ""}, o);
  ASSERT_TRUE(filtered.ok());
  for (const auto& x : *filtered) EXPECT_EQ(x.record_id, "000002");
  o.filter = {};
  o.filter.chunk_types = {kChunkExpert};
  filtered = r.Retrieve({"albedo of Wembley Stadium", ""}, o);
  ASSERT_TRUE(filtered.ok());
  ASSERT_FALSE(filtered->empty());
  for (const auto& x : *filtered) EXPECT_EQ(x.chunk_type, kChunkExpert);
  EXPECT_EQ((*filtered)[0].record_id, "000002");
  // Bad options.
  o.alpha = 1.5;
  EXPECT_EQ(r.Retrieve({"x", ""}, o).status().code(), StatusCode::kInvalidInput);
  // No modality: empty, not an error.
  auto none = r.Retrieve({"", ""}, RetrieveOptions{});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(Retrieve, BothModalitiesAlphaAndRrf) {
  auto f = MakeKb(true);
  Retriever r(f->kb, f->text, &f->image, nullptr);
  const std::string q = f->dir + "/query_green.png";
  RetrieveOptions o;
  o.top_k = 20;
  // Image only: the green image finds Wembley.
  auto img = r.Retrieve({"", q}, o);
  ASSERT_TRUE(img.ok()) << img.status().message();
  ASSERT_FALSE(img->empty());
  EXPECT_EQ((*img)[0].record_id, "000002");
  EXPECT_EQ((*img)[0].chunk_type, kChunkImage);
  EXPECT_FALSE((*img)[0].s_text.has_value());
  // Text about Salts Mill with a green image: α decides.
  o.alpha = 0;
  auto text_wins = r.Retrieve({"Salts Mill textile mill Titus Salt", q}, o);
  ASSERT_TRUE(text_wins.ok());
  EXPECT_EQ((*text_wins)[0].record_id, "000001");
  o.alpha = 1;
  auto image_wins = r.Retrieve({"Salts Mill textile mill Titus Salt", q}, o);
  ASSERT_TRUE(image_wins.ok());
  EXPECT_EQ((*image_wins)[0].record_id, "000002");
  o.alpha = 0.5;
  auto both = r.Retrieve({"Salts Mill textile mill Titus Salt", q}, o);
  ASSERT_TRUE(both.ok());
  for (const auto& x : *both) {
    ASSERT_TRUE(x.s_text && x.s_image);
    EXPECT_NEAR(x.score, 0.5 * *x.s_text + 0.5 * *x.s_image, 1e-12);
  }
  o.fusion = Fusion::kRrf;
  auto rrf = r.Retrieve({"Salts Mill textile mill Titus Salt", q}, o);
  ASSERT_TRUE(rrf.ok());
  ASSERT_FALSE(rrf->empty());
  EXPECT_LE((*rrf)[0].score, 2.0 / 61.0 + 1e-12);
  EXPECT_EQ(r.Retrieve({"", f->dir + "/missing.png"}, o).status().code(), StatusCode::kNotFound);
}

TEST(Answer, ExtractiveTasks) {
  auto f = MakeKb(false);
  Retriever r(f->kb, f->text, nullptr, nullptr);
  auto ask = [&](const std::string& q, Task t) {
    auto got = r.Retrieve({q, ""}, RetrieveOptions{});
    EXPECT_TRUE(got.ok());
    return AnswerExtractive(f->kb, *got, t, q);
  };
  auto a = ask("When was Salts Mill built?", Task::kVqa);
  EXPECT_EQ(a.answer, "1853");
  EXPECT_EQ(a.field, "Construction_Period");
  EXPECT_EQ(ask("What is the ALBEDO of Wembley Stadium?", Task::kVqa).answer, "0.2");
  EXPECT_EQ(ask("What is the SR_B1 of Salts Mill in February 2019?", Task::kVqa).answer, "1620.0");
  EXPECT_EQ(ask("Who are the notable visitors of Salts Mill?", Task::kVqa).answer, "David Hockney");
  EXPECT_EQ(ask("What is the expected daytime surface temperature at Salts Mill?", Task::kVqa).answer,
            "The daytime land surface temperature (LST_Day_1km) is 26.27°C.");
  EXPECT_EQ(ask("What is the category of Wembley Stadium? Answer from the following 3 "
                "categories: Stadium, Park, Historic Site.",
                Task::kClassify)
                .answer,
            "Stadium");
  auto cap = ask("Salts Mill", Task::kCaption);
  EXPECT_EQ(cap.answer.substr(0, 62), "Salts Mill is a historic site in Saltaire, Bradford, West York");
  EXPECT_NE(cap.answer.find("built in 1853."), std::string::npos);
  EXPECT_EQ(AnswerExtractive(f->kb, {}, Task::kVqa, "x").status, AnswerStatus::kNotFound);
  EXPECT_EQ(DetectField("What is the address of X?"), "Address");
  EXPECT_EQ(DetectField("Which area is covered by X?"), "Area");
  EXPECT_EQ(DetectField("What is the physical area of X?"), "Physical_Area");
}

TEST(Answer, PromptAndFusion) {
  auto f = MakeKb(false);
  Retriever r(f->kb, f->text, nullptr, nullptr);
  auto got = r.Retrieve({"Salts Mill history", ""}, RetrieveOptions{});
  ASSERT_TRUE(got.ok());
  auto ctx = FuseExtractive(f->kb, *got, 400);
  ASSERT_FALSE(ctx.chunks.empty());
  EXPECT_EQ(ctx.chunks[0], (*got)[0].chunk);
  EXPECT_EQ(ctx.text.substr(0, 4), "[1] ");
  auto small = FuseExtractive(f->kb, *got, 1);
  EXPECT_EQ(small.chunks.size(), 1u);  // the first pick always fits
  EXPECT_EQ(BuildPrompt(Task::kVqa, "Q?", "CTX"),
            "Answer the following question using only the retrieved context below. If the "
            "context does not contain the answer, reply exactly: The context does not contain "
            "the answer.\nQ?\nRetrieved context:\nCTX");
  EXPECT_EQ(ParseTask("caption").value(), Task::kCaption);
  EXPECT_FALSE(ParseTask("summarise").ok());
}

TEST(Bench, NameLandmark) {
  EXPECT_EQ(NameLandmark("<image>What is the category of the site in the remote image? Answer.", "Salts Mill"),
            "What is the category of Salts Mill? Answer.");
  EXPECT_EQ(NameLandmark("<image>Can you name notable visitors who have visited this site?", "X"),
            "Can you name notable visitors who have visited X?");
  EXPECT_EQ(NameLandmark("Is this area likely to flood?", "Y"), "Is Y likely to flood?");
  EXPECT_EQ(NameLandmark("How old is it?", "Z"), "How old is it? (Z)");
}

TEST(Generate, ThroughLocalServer) {
  auto f = MakeKb(true);
  Retriever r(f->kb, f->text, &f->image, nullptr);
  georune::testing::LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.set_content(georune::testing::LocalChatServer::CompletionBody({"It was built in 1853."}), "application/json");
  });
  llm::ClientConfig cc;
  cc.base_url = server.url();
  auto client = llm::HttpChatClient::Create(cc);
  ASSERT_TRUE(client.ok());
  AskRequest req;
  req.question = "When was Salts Mill built?";
  req.image_path = f->dir + "/mill.png";
  req.generate.model = "m";
  auto res = Ask(f->kb, r, req, client->get());
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_TRUE(res->generated);
  EXPECT_EQ(res->answer, "It was built in 1853.");
  EXPECT_EQ(res->extractive.answer, "1853");
  EXPECT_TRUE(
      res->prompt.starts_with(Instruction(Task::kVqa) + "\nWhen was Salts Mill built?\nRetrieved context:\n[1] "))
      << res->prompt;
  ASSERT_EQ(server.calls(), 1);
  const auto body = nlohmann::json::parse(server.body(0));
  EXPECT_EQ(body["model"], "m");
  const auto& content = body["messages"][0]["content"];
  ASSERT_TRUE(content.is_array());
  EXPECT_EQ(content[0]["text"], res->prompt);
  EXPECT_EQ(content[1]["image_url"]["url"].get<std::string>().substr(0, 22), "data:image/png;base64,");
  // Offline: no prompt sent, the extractive answer.
  auto offline = Ask(f->kb, r, req, nullptr);
  ASSERT_TRUE(offline.ok());
  EXPECT_EQ(offline->answer, "1853");
  EXPECT_TRUE(offline->prompt.empty());
  // An endpoint that is down is an error, not a silent offline answer.
  llm::ClientConfig down;
  down.base_url = "http://127.0.0.1:1";
  down.max_retries = 0;
  down.connect_timeout_s = 1;
  auto dead = llm::HttpChatClient::Create(down);
  ASSERT_TRUE(dead.ok());
  EXPECT_EQ(Ask(f->kb, r, req, dead->get()).status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace georune::rag
