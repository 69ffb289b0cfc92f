// Ingest readers: real files from ../shared/data, hand-made malformed inputs (exact
// FILE:LINE: diagnostics), garbage, and write → read round trips.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "georune/archive/archive.h"
#include "georune/common/files.h"
#include "georune/common/polygon.h"
#include "georune/ingest/polygon_geojson.h"
#include "georune/ingest/readers.h"
#include "test_support.h"

namespace georune::ingest {
namespace {

using test_support::TempDir;
namespace fs = std::filesystem;

const std::string kShared = GEORUNE_SHARED_DIR;
const Ontology& Dota() { return Ontology::Default(); }

#define REQUIRE_SHARED(rel) \
  if (!fs::exists(kShared + "/" + rel)) GTEST_SKIP() << "shared data absent: " << kShared << "/" << rel

TEST(DotaLabels, RealFilesParse) {
  REQUIRE_SHARED("data/dota/labelTxt");
  ReadReport report;
  auto r = ReadDotaLabelDir(kShared + "/data/dota/labelTxt", Dota(), {}, &report);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->size(), 13u);
  EXPECT_EQ(report.files, 13u);
  EXPECT_EQ((*r)[0].id, "P0003");
  EXPECT_TRUE(std::is_sorted(r->begin(), r->end(), [](auto& a, auto& b) { return a.id < b.id; }));
  // P0003: header gsd, first entity as in the file.
  const ImageRecord& p3 = (*r)[0];
  EXPECT_NEAR(p3.gsd, 0.115726939386, 1e-12);
  ASSERT_FALSE(p3.entities.empty());
  EXPECT_EQ(p3.entities[0].class_id, *Dota().FindClass("small-vehicle"));
  EXPECT_EQ(p3.entities[0].corners[0], 937.0);
  EXPECT_EQ(p3.entities[0].corners[7], 875.0);
  // The folder holding labelTxt/ works too.
  auto r2 = ReadDotaLabelDir(kShared + "/data/dota", Dota());
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->size(), 13u);
}

TEST(DotaLabels, EmptyFileAndNoHeader) {
  REQUIRE_SHARED("data/dota/formats/crops");
  auto r = ReadDotaLabelDir(kShared + "/data/dota/formats/crops", Dota());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  size_t empty = 0;
  for (auto& im : *r) empty += im.entities.empty();
  EXPECT_EQ(empty, 1u);
}

TEST(DotaLabels, CrlfHeadersDifficult) {
  TempDir d;
  d.Write("a.txt",
          "imagesource:GoogleEarth\r\ngsd:null\r\n1 2 3 4 5 6 7 8 plane 1\r\n1 2 3 4 5 6 7 8 small-vehicle\r\n");
  d.Write("b.txt", "gsd:0.5\n1e1 2 3 4 5 6 7 8.25 ship 0\n");
  auto r = ReadDotaLabelDir(d.path(), Dota());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_TRUE(std::isnan((*r)[0].gsd));
  ASSERT_EQ((*r)[0].entities.size(), 2u);
  EXPECT_TRUE((*r)[0].entities[0].difficult);
  EXPECT_FALSE((*r)[0].entities[1].difficult);
  EXPECT_EQ((*r)[1].gsd, 0.5);
  EXPECT_EQ((*r)[1].entities[0].corners[0], 10.0);
  EXPECT_EQ((*r)[1].entities[0].corners[7], 8.25);
}

struct BadCase {
  const char* content;
  int line;
  const char* message;
};

TEST(DotaLabels, MalformedLinesNameFileAndLine) {
  const BadCase cases[] = {
      {"gsd:abc\n", 1, "gsd must be a positive number or null, found 'abc'"},
      {"gsd:-1\n", 1, "gsd must be a positive number or null, found '-1'"},
      {"gsd:0\n", 1, "gsd must be a positive number or null, found '0'"},
      {"1 2 3 4 5 6 7 8 plane 0\n1 2 3 plane\n", 2,
       "expected 8 coordinates, a class and an optional difficult flag, found 4 fields"},
      {"1 2 x 4 5 6 7 8 plane 0\n", 1, "coordinate 3 is not a number: 'x'"},
      {"1 2 nan 4 5 6 7 8 plane 0\n", 1, "coordinate 3 is not finite: 'nan'"},
      {"1 2 3 4 5 6 7 inf plane 0\n", 1, "coordinate 8 is not finite: 'inf'"},
      {"1 2 3 4 5 6 7 1e999 plane 0\n", 1, "coordinate 8 is not finite: '1e999'"},
      {"1 2 3 4 5 6 7 8 plane x\n", 1, "difficult must be 0 or 1, found 'x'"},
      {"\n\n1 2 3 4 5 6 7 8 plane-x 0\n", 3, "unknown class 'plane-x'"},
  };
  for (const auto& c : cases) {
    TempDir d;
    std::string path = d.Write("img.txt", c.content);
    auto r = ReadDotaLabelDir(d.path(), Dota());
    ASSERT_FALSE(r.ok()) << c.content;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
    std::string expect = path + ":" + std::to_string(c.line) + ": " + c.message;
    EXPECT_EQ(r.status().message().substr(0, expect.size()), expect) << r.status().message();
    EXPECT_NE(r.status().message().find("hint:"), std::string::npos) << r.status().message();
  }
}

TEST(DotaLabels, UnknownClassSuggests) {
  TempDir d;
  d.Write("img.txt", "1 2 3 4 5 6 7 8 smal-vehicle 0\n");
  auto r = ReadDotaLabelDir(d.path(), Dota());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("small_vehicle"), std::string::npos) << r.status().message();
  EXPECT_TRUE(test_support::NamesSetting(r.status(), Setting::kOntology)) << r.status().message();
}

TEST(DotaLabels, SkipBadLinesCounts) {
  TempDir d;
  d.Write("img.txt", "1 2 3 4 5 6 7 8 plane 0\nbad line\n1 2 3 4 5 6 7 8 nope 0\n1 2 3 4 5 6 7 8 ship\n");
  ReadOptions opt;
  opt.skip_bad_lines = true;
  ReadReport rep;
  auto r = ReadDotaLabelDir(d.path(), Dota(), opt, &rep);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].entities.size(), 2u);
  EXPECT_EQ(rep.skipped_lines, 2u);
}

TEST(DotaLabels, GarbageNeverCrashes) {
  TempDir d;
  std::mt19937 rng(7);
  std::string garbage(1 << 16, '\0');
  for (auto& ch : garbage) ch = static_cast<char>(rng());
  d.Write("bin.txt", garbage);
  d.Write("huge.txt", std::string(8 << 20, '9'));  // one 8 MiB line
  auto r = ReadDotaLabelDir(d.path(), Dota());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_LT(r.status().message().size(), 1000u);
  auto missing = ReadDotaLabelDir(d.path() + "/nope", Dota());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(DotaLabels, FirstBadFileInNameOrderIsReported) {
  TempDir d;
  for (int i = 0; i < 50; ++i) d.Write("f" + std::to_string(100 + i) + ".txt", "1 2 3 4 5 6 7 8 plane 0\n");
  std::string p1 = d.Write("f120.txt", "oops\n");
  d.Write("f140.txt", "oops too\n");
  ReadOptions opt;
  opt.threads = 4;
  for (int rep = 0; rep < 5; ++rep) {
    auto r = ReadDotaLabelDir(d.path(), Dota(), opt);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message().rfind(p1 + ":1: ", 0), 0u) << r.status().message();
  }
}

TEST(Task1, ReadsAndValidatesScores) {
  TempDir d;
  d.Write("Task1_plane.txt", "P1 0.9 1 2 3 4 5 6 7 8\nP0 1 1 2 3 4 5 6 7 8\n");
  d.Write("Task1_small-vehicle.txt", "P1 0.5 1 2 3 4 5 6 7 8\r\n");
  auto r = ReadDotaTask1Dir(d.path(), Dota());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].id, "P0");
  EXPECT_EQ((*r)[1].id, "P1");
  ASSERT_EQ((*r)[1].entities.size(), 2u);
  EXPECT_FLOAT_EQ((*r)[1].entities[0].score, 0.9f);
  EXPECT_EQ((*r)[1].entities[1].class_id, *Dota().FindClass("small_vehicle"));

  const BadCase cases[] = {
      {"P1 0 1 2 3 4 5 6 7 8\n", 1, "score '0' is outside (0, 1]"},
      {"P1 1.5 1 2 3 4 5 6 7 8\n", 1, "score '1.5' is outside (0, 1]"},
      {"P1 nan 1 2 3 4 5 6 7 8\n", 1, "score 'nan' is outside (0, 1]"},
      {"P1 0.5 1 2 3 4 5 6 7\n", 1, "expected an image id, a score and 8 coordinates, found 9 fields"},
  };
  for (const auto& c : cases) {
    TempDir e;
    std::string path = e.Write("Task1_ship.txt", c.content);
    auto bad = ReadDotaTask1Dir(e.path(), Dota());
    ASSERT_FALSE(bad.ok());
    std::string expect = path + ":" + std::to_string(c.line) + ": " + c.message;
    EXPECT_EQ(bad.status().message().substr(0, expect.size()), expect) << bad.status().message();
  }
  TempDir u;
  u.Write("Task1_spaceship.txt", "P1 0.5 1 2 3 4 5 6 7 8\n");
  auto unknown = ReadDotaTask1Dir(u.path(), Dota());
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown class 'spaceship'"), std::string::npos);
}

TEST(JsonLines, ReadsAndDiagnoses) {
  TempDir d;
  std::string path = d.Write("a.jsonl",
                             "{\"image\": \"P1\", \"width\": 1024, \"height\": 800, \"gsd\": 0.3, \"path\": \"p.png\", "
                             "\"entities\": [{\"class\": \"plane\", \"score\": 0.93, \"obb\": [1,2,3,4,5,6,7,8]}]}\n"
                             "\n{\"image\": \"P2\"}\n");
  auto r = ReadJsonLines(path, Dota());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].width, 1024);
  EXPECT_EQ((*r)[0].gsd, 0.3);
  EXPECT_EQ((*r)[0].path, "p.png");
  EXPECT_FLOAT_EQ((*r)[0].entities[0].score, 0.93f);
  EXPECT_TRUE((*r)[1].entities.empty());

  const BadCase cases[] = {
      {"{\"image\": \"P1\", \"entities\": [{\"class\": \"plane\", \"score\": 0, \"obb\": [1,2,3,4,5,6,7,8]}]}\n", 1,
       "entity 0: score 0 is outside (0, 1]"},
      {"{\"image\": \"P1\", \"entities\": [{\"class\": \"plane\", \"obb\": [1,2,3]}]}\n", 1,
       "entity 0: \"obb\" must be an array of 8 numbers"},
      {"{\"image\": \"P1\", \"entities\": [{\"class\": \"zeppelin\", \"obb\": [1,2,3,4,5,6,7,8]}]}\n", 1,
       "entity 0: unknown class 'zeppelin'"},
      {"{\"image\": \"P1\", \"gsd\": -2}\n", 1, "\"gsd\" must be a positive number"},
      {"[1,2]\n", 1, "expected a JSON object"},
  };
  for (const auto& c : cases) {
    TempDir e;
    std::string p = e.Write("x.jsonl", c.content);
    auto bad = ReadJsonLines(p, Dota());
    ASSERT_FALSE(bad.ok()) << c.content;
    std::string expect = p + ":" + std::to_string(c.line) + ": " + c.message;
    EXPECT_EQ(bad.status().message().substr(0, expect.size()), expect) << bad.status().message();
  }
  // Not JSON: the line and the column, the reason in words, never the JSON library's text.
  TempDir e;
  std::string p = e.Write("x.jsonl", "{\"image\": \"P1\"}\n{\"image\": \"P2\", \"gsd\": 1e999}\n{bad json\n");
  auto bad = ReadJsonLines(p, Dota());
  EXPECT_EQ(bad.status().message().rfind(
                p + ":2:24: not valid JSON: the number '1e999' is out of range\n  hint: each line", 0),
            0u)
      << bad.status().message();
  e.Write("x.jsonl", "{\"image\": \"P1\"}\n{bad json\n");
  bad = ReadJsonLines(p, Dota());
  EXPECT_EQ(bad.status().message().rfind(p + ":2:2: not valid JSON: ", 0), 0u) << bad.status().message();
  EXPECT_EQ(bad.status().message().find("json.exception"), std::string::npos) << bad.status().message();
}

TEST(YoloObb, RealDota8WithYamlNames) {
  REQUIRE_SHARED("data/dota/formats/yolo-obb-dota8");
  ReadOptions opt;
  opt.image_width = 1024;
  opt.image_height = 512;
  ReadReport rep;
  auto r = ReadYoloObbDir(kShared + "/data/dota/formats/yolo-obb-dota8", Dota(), opt, &rep);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->size(), 8u);
  ASSERT_FALSE(rep.notes.empty());
  EXPECT_NE(rep.notes[0].find("dota8.yaml"), std::string::npos);
  // train/P0861…: "1 0.813477 0.523437 …" is a ship, scaled by 1024 x 512.
  const ImageRecord* im = nullptr;
  for (auto& x : *r)
    if (x.id == "P0861__1024__0___1648") im = &x;
  ASSERT_NE(im, nullptr);
  EXPECT_EQ(im->entities[0].class_id, *Dota().FindClass("ship"));
  EXPECT_DOUBLE_EQ(im->entities[0].corners[0], 0.813477 * 1024);
  EXPECT_DOUBLE_EQ(im->entities[0].corners[1], 0.523437 * 512);
  opt.image_width = 0;
  EXPECT_EQ(ReadYoloObbDir(kShared + "/data/dota/formats/yolo-obb-dota8", Dota(), opt).status().code(),
            StatusCode::kInvalidInput);
}

TEST(YoloObb, NamesFileAndBadIndex) {
  TempDir d;
  d.Write("names.txt", "plane\nship\n");
  std::string p = d.Write("labels/a.txt", "1 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2\n5 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2\n");
  ReadOptions opt;
  opt.image_width = opt.image_height = 100;
  opt.yolo_names = d.path() + "/names.txt";
  auto r = ReadYoloObbDir(d.path(), Dota(), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind(p + ":2: class index '5' is not one of the 2 classes", 0), 0u)
      << r.status().message();
}

TEST(Voc, RealDiorRHrscHrrsd) {
  REQUIRE_SHARED("data/dota/formats/hrsc");
  auto hrsc = ReadVocDir(kShared + "/data/dota/formats/hrsc", Dota());
  ASSERT_TRUE(hrsc.ok()) << hrsc.status().message();
  ASSERT_EQ(hrsc->size(), 1u);
  EXPECT_EQ((*hrsc)[0].width, 1172);
  EXPECT_EQ((*hrsc)[0].gsd, 1.07);
  ASSERT_EQ((*hrsc)[0].entities.size(), 1u);
  EXPECT_EQ((*hrsc)[0].entities[0].class_id, *Dota().FindClass("ship"));

  // DIOR-R's golffield is not a DOTA class: an error whose hint names the ontology setting.
  auto dior = ReadVocDir(kShared + "/data/dota/formats/dior-r", Dota());
  ASSERT_FALSE(dior.ok());
  EXPECT_NE(dior.status().message().find("00001.xml:17: unknown class 'golffield'"), std::string::npos)
      << dior.status().message();
  EXPECT_TRUE(test_support::NamesSetting(dior.status(), Setting::kOntology)) << dior.status().message();
  auto onto = Ontology::FromJson(R"({"name":"dior","classes":[{"name":"golf_field","labels":["golffield"]}]})", "t");
  ASSERT_TRUE(onto.ok()) << onto.status().message();
  auto dior2 = ReadVocDir(kShared + "/data/dota/formats/dior-r", *onto);
  ASSERT_TRUE(dior2.ok()) << dior2.status().message();
  Corners expect{133, 237, 684, 237, 684, 672, 133, 672};
  EXPECT_EQ((*dior2)[0].entities[0].corners, expect);
}

TEST(Voc, HorizontalBoxesAndBadXml) {
  TempDir d;
  d.Write("1.xml",
          "<annotation><size><width>10</width><height>20</height></size><object><name>airplane</name>"
          "<bndbox><xmin>1</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax></bndbox></object></annotation>");
  auto r = ReadVocDir(d.path(), Dota());
  ASSERT_TRUE(r.ok()) << r.status().message();
  Corners expect{1, 2, 3, 2, 3, 4, 1, 4};
  EXPECT_EQ((*r)[0].entities[0].corners, expect);
  EXPECT_EQ((*r)[0].width, 10);
  std::string bad = d.Write(
      "2.xml", "<annotation>\n<object>\n<name>plane</name>\n<bndbox><xmin>q</xmin></bndbox></object></annotation>");
  auto b = ReadVocDir(d.path(), Dota());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message().rfind(bad + ":4: <xmin> is not a number: 'q'", 0), 0u) << b.status().message();
  std::string broken = d.Write("2.xml", "<annotation>\n<object>\n</annotation>");
  auto c = ReadVocDir(d.path(), Dota());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message().rfind(broken + ":3: invalid XML: mismatched tag", 0), 0u) << c.status().message();
}

TEST(Voc, HrrsdNeedsItsOwnOntology) {
  REQUIRE_SHARED("data/hrrsd/Annotations");
  auto r = ReadVocDir(kShared + "/data/hrrsd", Dota());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown class"), std::string::npos);
  EXPECT_TRUE(test_support::NamesSetting(r.status(), Setting::kOntology)) << r.status().message();
}

std::vector<ImageRecord> RandomImages(std::mt19937& rng, int n, const Ontology& o, bool scores) {
  std::uniform_real_distribution<double> coord(-10, 5000);
  std::vector<ImageRecord> images;
  for (int i = 0; i < n; ++i) {
    ImageRecord im;
    im.id = "img_" + std::to_string(i);
    if (rng() % 2) im.gsd = std::uniform_real_distribution<double>(0.05, 3)(rng);
    int m = static_cast<int>(rng() % 30);
    for (int k = 0; k < m; ++k) {
      EntityRecord e;
      e.class_id = static_cast<int>(rng() % o.ClassCount());
      if (scores) e.score = std::max(1e-6f, static_cast<float>(std::uniform_real_distribution<double>(0, 1)(rng)));
      e.difficult = rng() % 5 == 0;
      for (auto& c : e.corners) c = coord(rng);
      im.entities.push_back(e);
    }
    images.push_back(std::move(im));
  }
  std::sort(images.begin(), images.end(), [](auto& a, auto& b) { return a.id < b.id; });
  return images;
}

void ExpectSameEntities(const ImageRecord& a, const ImageRecord& b, bool scores, bool difficult) {
  ASSERT_EQ(a.id, b.id);
  ASSERT_EQ(a.entities.size(), b.entities.size()) << a.id;
  for (size_t k = 0; k < a.entities.size(); ++k) {
    EXPECT_EQ(a.entities[k].class_id, b.entities[k].class_id);
    EXPECT_EQ(a.entities[k].corners, b.entities[k].corners);  // exact: shortest round-trip text
    if (scores) {
      EXPECT_EQ(a.entities[k].score, b.entities[k].score);
    }
    if (difficult) {
      EXPECT_EQ(a.entities[k].difficult, b.entities[k].difficult);
    }
  }
}

TEST(RoundTrip, DotaLabelsJsonlTask1) {
  std::mt19937 rng(42);
  const Ontology& o = Dota();
  auto images = RandomImages(rng, 200, o, false);
  TempDir d;
  ASSERT_TRUE(WriteDotaLabelDir(d.path() + "/labels", images, o).ok());
  auto back = ReadDotaLabelDir(d.path() + "/labels", o);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->size(), images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    ExpectSameEntities(images[i], (*back)[i], false, true);
    EXPECT_EQ(std::isnan(images[i].gsd), std::isnan((*back)[i].gsd));
    if (!std::isnan(images[i].gsd)) {
      EXPECT_EQ(images[i].gsd, (*back)[i].gsd);
    }
  }

  auto scored = RandomImages(rng, 200, o, true);
  ASSERT_TRUE(WriteJsonLines(d.path() + "/a.jsonl", scored, o).ok());
  auto jb = ReadJsonLines(d.path() + "/a.jsonl", o);
  ASSERT_TRUE(jb.ok()) << jb.status().message();
  ASSERT_EQ(jb->size(), scored.size());
  for (size_t i = 0; i < scored.size(); ++i) ExpectSameEntities(scored[i], (*jb)[i], true, true);

  ASSERT_TRUE(WriteDotaTask1Dir(d.path() + "/task1", scored, o).ok());
  auto tb = ReadDotaTask1Dir(d.path() + "/task1", o);
  ASSERT_TRUE(tb.ok()) << tb.status().message();
  // Task1 regroups entities by class; compare as multisets per image.
  size_t total = 0;
  for (auto& im : *tb) total += im.entities.size();
  size_t expect = 0;
  for (auto& im : scored) expect += im.entities.size();
  EXPECT_EQ(total, expect);
}

TEST(RoundTrip, WriteIngestReadBack) {
  std::mt19937 rng(3);
  const Ontology& o = Dota();
  auto images = RandomImages(rng, 300, o, true);
  TempDir d;
  ASSERT_TRUE(WriteJsonLines(d.path() + "/a.jsonl", images, o).ok());
  auto read = ReadJsonLines(d.path() + "/a.jsonl", o);
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(AppendToArchive(d.path() + "/archive", o, std::move(*read), {false}).ok());
  auto ar = Archive::Open(d.path() + "/archive");
  ASSERT_TRUE(ar.ok()) << ar.status().message();
  ASSERT_EQ((*ar)->ImageCount(), images.size());
  for (uint32_t i = 0; i < images.size(); ++i) {
    ASSERT_TRUE((*ar)->CheckImage(i).ok());
    EXPECT_EQ((*ar)->ImageId(i), images[i].id);
    EntitySpan s = (*ar)->Entities(i);
    ASSERT_EQ(s.count, images[i].entities.size());
    for (uint32_t k = 0; k < s.count; ++k) {
      EXPECT_EQ(s.class_id[k], images[i].entities[k].class_id);
      EXPECT_EQ(s.score[k], images[i].entities[k].score);
      EXPECT_EQ(s.CornersOf(k), images[i].entities[k].corners);
    }
  }
}

}  // namespace
}  // namespace georune::ingest

// ---- polygon GeoJSON (ingest/polygon_geojson.h) ----------------------------------------------

namespace georune {
namespace {

TEST(PolygonGeoJson, RoundTripsThroughIngestsReaderAndOrients) {
  test_support::TempDir dir("polygeojson");
  const Ontology& o = Ontology::Default();
  ingest::PolygonImage im;
  im.id = "P1", im.width = 100, im.height = 80, im.gsd = 0.5, im.synthetic = true;
  ingest::PolygonEntity p;
  p.class_id = *o.FindClass("ship");
  p.confidence = 0.75f;
  p.rings = {{{0, 0}, {0, 10}, {10, 10}, {10, 0}, {0, 0}},  // clockwise outer: reversed on write
             {{2, 2}, {4, 2}, {4, 4}, {2, 4}, {2, 2}}};     // counter-clockwise hole: reversed
  im.entities = {p};
  ASSERT_TRUE(ingest::WritePolygonGeoJsonDir(dir.path(), {im}, o).ok());
  auto records = ingest::ReadGeoJson(dir.path(), o);
  ASSERT_TRUE(records.ok()) << records.status().message();
  ASSERT_EQ(records->size(), 1u);
  auto back = ingest::PolygonImageOf((*records)[0], o);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->id, "P1");
  EXPECT_EQ(back->width, 100);
  EXPECT_DOUBLE_EQ(back->gsd, 0.5);
  ASSERT_EQ(back->entities.size(), 1u);
  const auto& q = back->entities[0];
  EXPECT_EQ(q.class_id, p.class_id);
  EXPECT_FLOAT_EQ(q.confidence, 0.75f);
  ASSERT_EQ(q.rings.size(), 2u);
  EXPECT_GT(ingest::SignedArea(q.rings[0]), 0);
  EXPECT_LT(ingest::SignedArea(q.rings[1]), 0);
  EXPECT_DOUBLE_EQ(ingest::PolygonArea(q), 96);
}

TEST(PolygonGeoJson, MultiPolygonEntityBecomesOneComponentPerPartAndABoxIsRefused) {
  const Ontology& o = Ontology::Default();
  auto shape = PolygonShape::FromWkt("MULTIPOLYGON (((0 0, 4 0, 4 4, 0 4, 0 0)), ((10 0, 12 0, 12 2, 10 0)))",
                                     PolygonShape::Invalid::kRefuse);
  ASSERT_TRUE(shape.ok()) << shape.status().message();
  ImageRecord r;
  r.id = "M", r.width = 20, r.height = 20;
  EntityRecord e;
  e.class_id = *o.FindClass("ship"), e.score = 0.5f, e.polygon = (*shape)->ToWkb();
  r.entities.push_back(e);
  auto im = ingest::PolygonImageOf(r, o);
  ASSERT_TRUE(im.ok()) << im.status().message();
  ASSERT_EQ(im->entities.size(), 2u);
  EXPECT_DOUBLE_EQ(ingest::PolygonArea(im->entities[0]), 16);
  EXPECT_DOUBLE_EQ(ingest::PolygonArea(im->entities[1]), 2);
  EXPECT_FLOAT_EQ(im->entities[1].confidence, 0.5f);
  r.entities.push_back(EntityRecord{*o.FindClass("ship"), 1.0f, false, Corners{0, 0, 1, 0, 1, 1, 0, 1}, {}});
  auto box = ingest::PolygonImageOf(r, o);
  ASSERT_FALSE(box.ok());
  EXPECT_NE(box.status().message().find("entity 1 (ship) is a box"), std::string::npos) << box.status().message();
}

}  // namespace
}  // namespace georune
