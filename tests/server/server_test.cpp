// The HTTP API against a server on an ephemeral port: CLI and HTTP give identical answers,
// every documented error status, limits, the API key, traversal, images, exports, shutdown.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <regex>

#include "server_fixture.h"

namespace georune::server {
namespace {

// The answer without its timings: stats.ms, and --explain's time per component.
nlohmann::json WithoutTime(nlohmann::json j) {
  j["stats"].erase("ms");
  if (j.contains("plan") && j["plan"].is_string()) {
    static const std::regex kComponentTime(R"([0-9.]+ ms \(summed over threads\))");
    j["plan"] = std::regex_replace(j["plan"].get<std::string>(), kComponentTime, "T ms (summed over threads)");
  }
  return j;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    archive_ = WriteArchive(dir_);
    cv::imwrite(archive_ + "/p1.png", cv::Mat(48, 64, CV_8UC3, cv::Scalar(20, 120, 40)));
  }
  ServerConfig Config() const {
    ServerConfig c;
    c.workers = 2;
    c.queue_limit = 4;
    c.read_timeout_s = 2;
    c.keep_alive_timeout_s = 1;
    return c;
  }
  test_support::TempDir dir_{"server"};
  std::string archive_;
};

nlohmann::json Body(const httplib::Result& r) {
  EXPECT_TRUE(r) << "no response";
  return r ? nlohmann::json::parse(r->body, nullptr, false) : nlohmann::json();
}

TEST_F(ServerTest, QueryAnswersAsTheCli) {
  Running s(Config(), {{archive_}, ""});
  auto client = s.Client();
  struct Case {
    std::string cli, body;
  };
  const Case cases[] = {
      {"--logic 'plane(a)'", R"j({"logic": "plane(a)"})j"},
      {"--logic 'plane(a) AND plane(b)' --explain", R"j({"logic": "plane(a) AND plane(b)", "explain": true})j"},
      {"--logic 'exists s: ship(s)' --crisp --semantics godel",
       R"j({"logic": "exists s: ship(s)", "crisp": true, "semantics": "godel"})j"},
      {"--logic 'plane(a) OR ship(b)' --top 1 --offset 1",
       R"j({"logic": "plane(a) OR ship(b)", "top": 1, "offset": 1})j"},
      {"'two planes'", R"j({"text": "two planes"})j"},
  };
  for (const auto& c : cases) {
    const auto cli = nlohmann::json::parse(RunCli("query --archive " + archive_ + " --format json " + c.cli));
    auto r = client->Post("/v1/query", c.body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    const auto http = Body(r);
    EXPECT_EQ(WithoutTime(http), WithoutTime(cli)) << c.cli;
    EXPECT_FALSE(http["results"].empty()) << c.cli;
  }
}

TEST_F(ServerTest, ResultsCarryWitnessEntitiesAndTheImage) {
  Running s(Config(), {{archive_}, ""});
  auto j = Body(s.Client()->Post("/v1/query", R"j({"logic": "plane(a) AND ship(s)"})j", "application/json"));
  ASSERT_EQ(j["results"].size(), 1u) << j.dump();
  const auto& r = j["results"][0];
  EXPECT_EQ(r["image"], "P2");
  EXPECT_EQ(r["path"], "");
  EXPECT_EQ(r["width"], 100);
  EXPECT_EQ(r["height"], 80);
  ASSERT_EQ(r["entities"].size(), 2u);
  for (const auto& e : r["entities"]) {
    EXPECT_EQ(r["witness"][e["variable"].get<std::string>()], e["id"]);
    if (e["variable"] == "s") {
      EXPECT_EQ(e["class"], "ship");
      EXPECT_NEAR(e["confidence"].get<double>(), 0.95, 1e-6);
      EXPECT_EQ(e["corners"], nlohmann::json({40, 40, 60, 40, 60, 50, 40, 50}));
    }
  }
}

void ExpectError(const httplib::Result& r, int status, const std::string& text, const std::string& where = "") {
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, status) << r->body;
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r->body;
  EXPECT_NE(j["error"].get<std::string>().find(text), std::string::npos) << r->body;
  EXPECT_TRUE(j.contains("hint") && j.contains("where")) << r->body;
  if (!where.empty()) {
    EXPECT_EQ(j["where"], where) << r->body;
  }
  EXPECT_EQ(j["status"], status);
}

TEST_F(ServerTest, ErrorsAreLocatedJson) {
  auto c = Config();
  c.body_limit = 1000;
  Running s(c, {{archive_}, ""});
  auto client = s.Client();
  ExpectError(client->Post("/v1/query", R"j({"logic": "plane(a) AND # ship(b)"})j", "application/json"), 400,
              "unexpected character '#'", "query:1:14");
  ExpectError(client->Post("/v1/query", R"j({"logic": "unicorn(u)"})j", "application/json"), 400, "unicorn");
  ExpectError(client->Post("/v1/query", R"j({"logic": "plane(a)",})j", "application/json"), 400, "not valid JSON",
              "body:byte 22");
  ExpectError(client->Post("/v1/query", "[1]", "application/json"), 400, "JSON object");
  ExpectError(client->Post("/v1/query", R"j({"logic": "plane(a)", "tpo": 3})j", "application/json"), 400,
              "unknown key 'tpo'", "request:tpo");
  ExpectError(client->Post("/v1/query", R"j({"logic": "plane(a)", "top": 0})j", "application/json"), 400, "'top'");
  ExpectError(client->Post("/v1/query", R"j({"logic": "plane(a)", "top": "3"})j", "application/json"), 400, "'top'");
  ExpectError(client->Post("/v1/query", R"j({})j", "application/json"), 400, "either");
  ExpectError(client->Post("/v1/query", R"j({"logic": "plane(a)", "semantics": "fuzzy"})j", "application/json"), 400,
              "unknown semantics");
  ExpectError(client->Post("/v1/query", R"j({"logic": "plane(a)", "archive": "nope"})j", "application/json"), 404,
              "no archive named 'nope'");
  ExpectError(client->Get("/v1/images/arch/P9"), 404, "no image 'P9'");
  ExpectError(client->Get("/v1/nothing"), 404, "no such route");
  ExpectError(client->Post("/v1/query", std::string(2000, ' '), "application/json"), 413, "over the limit");
  ExpectError(client->Post("/v1/ask", R"j({"question": "x"})j", "application/json"), 404, "no knowledge base");
  ExpectError(client->Get("/v1/images/arch/P1/thumbnail?size=5"), 400, "'size'", "request:size");
  ExpectError(client->Get("/v1/images/arch/P1/overlay.png?witness=a:7"), 400, "witness entry 'a:7'");
  // The server still serves after all of that.
  EXPECT_EQ(client->Post("/v1/query", R"j({"logic": "plane(a)"})j", "application/json")->status, 200);
}

TEST_F(ServerTest, OverTheTimeBudgetIs504) {
  auto c = Config();
  c.query_budget_seconds = 1e-9;
  Running s(c, {{archive_}, ""});
  ExpectError(s.Client()->Post("/v1/query", R"j({"logic": "plane(a) AND plane(b)"})j", "application/json"), 504, "");
}

TEST_F(ServerTest, ApiKeyIsCheckedBeforeRouting) {
  auto c = Config();
  c.api_key = "s3cret";
  Running s(c, {{archive_}, ""});
  auto client = s.Client();
  ExpectError(client->Get("/v1/archives"), 401, "API key");
  ExpectError(client->Get("/v1/no-such-route"), 401, "API key");  // before routing
  ExpectError(client->Get("/v1/archives", {{"X-API-Key", "s3creT"}}), 401, "API key");
  EXPECT_EQ(client->Get("/v1/archives", {{"X-API-Key", "s3cret"}})->status, 200);
  EXPECT_EQ(client->Get("/v1/archives", {{"Authorization", "Bearer s3cret"}})->status, 200);
}

TEST_F(ServerTest, ArchivesAndTranslate) {
  Running s(Config(), {{archive_}, ""});
  auto client = s.Client();
  auto a = Body(client->Get("/v1/archives"));
  ASSERT_EQ(a["archives"].size(), 1u);
  EXPECT_EQ(a["archives"][0]["name"], "arch");
  EXPECT_EQ(a["archives"][0]["images"], 3);
  auto t = Body(client->Post("/v1/translate", R"j({"text": "two planes"})j", "application/json"));
  const auto cli = nlohmann::json::parse(RunCli("translate --format json 'two planes'"));
  EXPECT_EQ(t["logic"], cli["logic"]);
  ExpectError(client->Post("/v1/translate", R"j({"text": "zorblax the quux"})j", "application/json"), 400, "");
}

bool IsPng(const std::string& body) { return body.size() > 8 && body.compare(1, 3, "PNG") == 0; }

TEST_F(ServerTest, ImagesThumbnailsAndOverlays) {
  Running s(Config(), {{archive_}, ""});
  auto client = s.Client();
  auto meta = Body(client->Get("/v1/images/arch/P2"));
  EXPECT_EQ(meta["entities"].size(), 2u);
  EXPECT_EQ(meta["entities"][1]["class"], "ship");
  auto file = client->Get("/v1/images/arch/P1/thumbnail?size=32");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->status, 200);
  EXPECT_TRUE(IsPng(file->body));
  EXPECT_EQ(file->get_header_value("X-Georune-Source"), "file");
  cv::Mat png = cv::imdecode(std::vector<unsigned char>(file->body.begin(), file->body.end()), cv::IMREAD_COLOR);
  EXPECT_EQ(png.cols, 32);
  EXPECT_EQ(png.rows, 24);
  EXPECT_NEAR(png.at<cv::Vec3b>(12, 16)[1], 120, 2);  // the file's green, no boxes on a thumbnail
  auto schematic = client->Get("/v1/images/arch/P2/overlay.png?witness=a:0,s:1");
  ASSERT_TRUE(schematic);
  EXPECT_TRUE(IsPng(schematic->body));
  EXPECT_EQ(schematic->get_header_value("X-Georune-Source"), "schematic");
  cv::Mat over =
      cv::imdecode(std::vector<unsigned char>(schematic->body.begin(), schematic->body.end()), cv::IMREAD_COLOR);
  ASSERT_EQ(over.cols, 100);
  EXPECT_EQ(over.at<cv::Vec3b>(45, 40), cv::Vec3b(0, 255, 255));  // the ship's edge, highlighted
  // A query in the URL: its witness on this image, as the query's answer gives it.
  auto answer = Body(client->Post("/v1/query", R"j({"logic": "plane(a) AND ship(s)"})j", "application/json"));
  std::string want;
  for (const auto& e : answer["results"][0]["entities"]) {
    want += (want.empty() ? "" : ",") + e["variable"].get<std::string>() + ":" + std::to_string(e["id"].get<int>());
  }
  auto by_query = client->Get("/v1/images/arch/P2/overlay.png?logic=plane(a)%20AND%20ship(s)");
  ASSERT_TRUE(by_query);
  EXPECT_EQ(by_query->status, 200) << by_query->body;
  EXPECT_EQ(by_query->get_header_value("X-Georune-Witness"), want);
  EXPECT_EQ(nlohmann::json::parse(by_query->get_header_value("X-Georune-Score")), answer["results"][0]["score"]);
  auto none = client->Get("/v1/images/arch/P3/overlay.png?logic=plane(a)");
  EXPECT_EQ(none->get_header_value("X-Georune-Witness"), "");
  ExpectError(client->Get("/v1/images/arch/P3/overlay.png?logic=plane(a"), 400, "");
  // A recorded file that cannot be read is said so, never passed off as the image.
  std::filesystem::remove(archive_ + "/p1.png");
  auto missing = client->Get("/v1/images/arch/P1/overlay.png");
  EXPECT_EQ(missing->get_header_value("X-Georune-Source").rfind("schematic (unreadable: ", 0), 0u);
}

TEST_F(ServerTest, NoTraversal) {
  ServerConfig c = Config();
  c.web_dir = dir_.path() + "/web";
  dir_.Write("web/index.html", "<html>page</html>");
  dir_.Write("secret.txt", "SECRET");
  Running s(c, {{archive_}, ""});
  auto client = s.Client();
  for (const char* path :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2Fsecret.txt", "/v1/images/arch/..%2F..%2Fsecret.txt",
        "/v1/images/arch/../../secret.txt/thumbnail", "/v1/images/..%2Farch/P1", "/leaflet/../../../etc/passwd",
        "/v1/images/arch/%2E%2E%2Fin.jsonl/thumbnail"}) {
    auto r = client->Get(path);
    if (!r) continue;  // refused outright is fine
    EXPECT_NE(r->status, 200) << path;
    EXPECT_EQ(r->body.find("SECRET"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << path;
  }
  auto page = client->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->body, "<html>page</html>");
}

// The exports are the geo module's files: byte for byte what `georune query --format geojson|csv`
// writes for the same query and options.
TEST_F(ServerTest, ExportsAreTheClisFiles) {
  Running s(Config(), {{archive_}, ""});
  auto client = s.Client();
  struct Case {
    std::string url, cli;
  };
  const Case cases[] = {
      {"/v1/results.geojson?logic=plane(a)%20AND%20plane(b)&pixel_coords=1",
       "--logic 'plane(a) AND plane(b)' --format geojson --pixel-coords"},
      {"/v1/results.csv?logic=plane(a)%20OR%20ship(b)&top=2&offset=1",
       "--logic 'plane(a) OR ship(b)' --top 2 --offset 1 --format csv"},
      {"/v1/results.csv?logic=ship(s)&footprints=true", "--logic 'ship(s)' --format csv --footprints"},
      {"/v1/results.geojson?q=two%20planes&pixel_coords=1", "'two planes' --format geojson --pixel-coords"},
  };
  for (const auto& c : cases) {
    auto r = client->Get(c.url);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    const std::string cli = RunCli("query --archive " + archive_ + " " + c.cli);
    EXPECT_GT(std::count(cli.begin(), cli.end(), '\n'), 1) << c.cli;
    EXPECT_EQ(r->body, cli) << c.url;
  }
  auto csv = client->Get("/v1/results.csv?logic=plane(a)%20AND%20plane(b)");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv->body.rfind("WKT,image,rank,score,variable,class,confidence,entity,atoms,coords\n", 0), 0u)
      << csv->body;
  // GeoJSON holds WGS84 only: images without a georeference need pixel_coords, as in the CLI.
  ExpectError(client->Get("/v1/results.geojson?logic=plane(a)"), 400, "has no georeference");
  ExpectError(client->Get("/v1/results.geojson?logic=plane(a)&pixel_coords=maybe"), 400, "pixel_coords");
  ExpectError(client->Get("/v1/results.csv?logic=plane(a&top=2"), 400, "");
}

TEST_F(ServerTest, GeoreferencedExportsAreInLonLat) {
  const std::string geo = WriteGeoArchive(dir_);
  Running s(Config(), {{geo}, ""});
  auto client = s.Client();
  auto r = client->Get("/v1/results.geojson?logic=plane(a)%20AND%20plane(b)");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, RunCli("query --archive " + geo + " --logic 'plane(a) AND plane(b)' --format geojson"));
  const auto j = nlohmann::json::parse(r->body);
  ASSERT_EQ(j["features"].size(), 2u);
  for (const auto& f : j["features"]) {
    EXPECT_EQ(f["properties"]["coords"], "lonlat");
    for (const auto& p : f["geometry"]["coordinates"][0]) {  // UTM 33N near 15°E, 45°N
      EXPECT_NEAR(p[0].get<double>(), 15.0, 0.01);
      EXPECT_NEAR(p[1].get<double>(), 45.0, 0.01);
    }
  }
  // A mixed answer (G1 georeferenced, P9 not) is refused as GeoJSON but written as CSV.
  ExpectError(client->Get("/v1/results.geojson?logic=plane(a)"), 400, "'P9' has no georeference");
  auto csv = client->Get("/v1/results.csv?logic=plane(a)");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->body, RunCli("query --archive " + geo + " --logic 'plane(a)' --format csv"));
  EXPECT_NE(csv->body.find(",lonlat\n"), std::string::npos);
  EXPECT_NE(csv->body.find(",pixel\n"), std::string::npos);
  // One result's features, for the page's map: the same features, that result only.
  auto one = Body(client->Get("/v1/results.geojson?logic=plane(a)%20AND%20plane(b)&image=G1"));
  EXPECT_EQ(one["features"], j["features"]);
  ExpectError(client->Get("/v1/results.geojson?logic=plane(a)%20AND%20plane(b)&image=P9"), 404, "not among");
}

// The image's corners in WGS84, for the page's map, are those of the CLI's footprint export.
TEST_F(ServerTest, ImageGeoreferenceCornersAreTheFootprint) {
  const std::string geo = WriteGeoArchive(dir_);
  Running s(Config(), {{geo}, ""});
  auto meta = Body(s.Client()->Get("/v1/images/geo/G1"));
  ASSERT_TRUE(meta["georeference"].is_object()) << meta.dump();
  EXPECT_EQ(meta["georeference"]["geotransform"], nlohmann::json({500000, 2, 0, 4982950, 0, -2}));
  const auto corners = meta["georeference"]["corners"];
  ASSERT_EQ(corners.size(), 4u);
  const auto footprint = nlohmann::json::parse(
      RunCli("query --archive " + geo + " --logic 'plane(a) AND plane(b)' --format geojson --footprints"));
  ASSERT_EQ(footprint["features"].size(), 1u);
  const auto ring = footprint["features"][0]["geometry"]["coordinates"][0];
  ASSERT_EQ(ring.size(), 5u);
  for (const auto& c : corners) {
    bool found = false;
    for (const auto& p : ring) {
      found |= std::abs(p[0].get<double>() - c[0].get<double>()) < 1e-9 &&
               std::abs(p[1].get<double>() - c[1].get<double>()) < 1e-9;
    }
    EXPECT_TRUE(found) << c << " not in " << ring;
  }
  // Top-left is west and north of bottom-right.
  EXPECT_LT(corners[0][0].get<double>(), corners[2][0].get<double>());
  EXPECT_GT(corners[0][1].get<double>(), corners[2][1].get<double>());
  EXPECT_TRUE(Body(s.Client()->Get("/v1/images/geo/P9"))["georeference"].is_null());
  auto archives = Body(s.Client()->Get("/v1/archives"));
  EXPECT_EQ(archives["archives"][0]["georeferenced"], 1);
}

// A raw connection that sends `head` and waits.
int SlowClient(int port, const std::string& head) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(::send(fd, head.data(), head.size(), 0), static_cast<ssize_t>(head.size()));
  return fd;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

TEST_F(ServerTest, FullQueueGets503AndTheServerRecovers) {
  auto c = Config();
  c.workers = 1;
  c.queue_limit = 1;
  c.read_timeout_s = 3;
  Running s(c, {{archive_}, ""});
  const int busy = SlowClient(s.port(), "GET /v1/archives HTTP/1.1\r\n");  // holds the worker
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const int queued = SlowClient(s.port(), "GET /v1/archives HTTP/1.1\r\n");  // fills the queue
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto client = s.Client();
  ExpectError(client->Get("/v1/archives"), 503, "busy");
  ::close(busy);
  ::close(queued);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(client->Get("/v1/archives")->status, 200);
}

// A client that sends `prefix`, then `drip` one byte every `every`, until the server replies or
// closes; the reply (empty when closed unanswered) and the seconds from the first byte.
struct Dripped {
  std::string reply;
  double seconds = 0;
};
Dripped Drip(int port, const std::string& prefix, const std::string& drip, std::chrono::milliseconds every) {
  const auto start = std::chrono::steady_clock::now();
  const int fd = SlowClient(port, prefix);
  Dripped out;
  for (char c : drip) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(every.count())) > 0) break;  // a reply, or closed
    if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) break;
  }
  out.reply = ReadAll(fd);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(fd);
  return out;
}

// Slowloris: each byte comes well within the read timeout, but the whole request is cut at the
// deadline (408 once the request line is in, closed before), while others are served.
TEST_F(ServerTest, SlowClientsAreCutAtTheRequestDeadline) {
  auto c = Config();
  c.workers = 4;
  c.read_timeout_s = 5;
  c.request_deadline_s = 2;
  Running s(c, {{archive_}, ""});
  const auto every = std::chrono::milliseconds(250);
  const std::string lots(100, 'a');
  Dripped line, head, body;
  std::thread t1([&] { line = Drip(s.port(), "", "GET /v1/archives?x=" + lots, every); });
  std::thread t2([&] { head = Drip(s.port(), "GET /v1/archives HTTP/1.1\r\nHost: x\r\n", "X-Slow: " + lots, every); });
  std::thread t3([&] {
    body = Drip(s.port(),
                "POST /v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n",
                "{\"logic\": \"" + lots, every);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto client = s.Client();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client->Get("/v1/archives")->status, 200);  // served meanwhile
  t1.join();
  t2.join();
  t3.join();
  EXPECT_EQ(line.reply, "");  // not even a request line: closed unanswered
  for (const Dripped* d : {&head, &body}) {
    EXPECT_EQ(d->reply.rfind("HTTP/1.1 408", 0), 0u) << d->reply;
    EXPECT_NE(d->reply.find("\"status\":408"), std::string::npos) << d->reply;
    EXPECT_NE(d->reply.find("deadline of 2 s"), std::string::npos) << d->reply;
  }
  for (const Dripped* d : {&line, &head, &body}) {
    EXPECT_GT(d->seconds, 1.8);
    EXPECT_LT(d->seconds, 3.5);  // the deadline, not the 25 s the drip would last
  }
  EXPECT_EQ(client->Get("/v1/archives")->status, 200);
}

TEST_F(ServerTest, StopAnswersRequestsInFlight) {
  Running s(Config(), {{archive_}, ""});
  const int fd = SlowClient(s.port(), "GET /v1/archives HTTP/1.1\r\nHost: x\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::thread stopper([&] { s.Stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::string rest = "Connection: close\r\n\r\n";
  ASSERT_EQ(::send(fd, rest.data(), rest.size(), 0), static_cast<ssize_t>(rest.size()));
  const std::string reply = ReadAll(fd);
  ::close(fd);
  stopper.join();
  EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;
  EXPECT_NE(reply.find("\"archives\""), std::string::npos);
}

TEST(ServerCreate, RefusesBadConfiguration) {
  ServerConfig c;
  c.workers = 0;
  EXPECT_EQ(Server::Create(c, {{"x"}, ""}).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(Server::Create(ServerConfig{}, {{}, ""}).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(Server::Create(ServerConfig{}, {{"/nonexistent/archive"}, ""}).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace georune::server

namespace georune::server {
namespace {

// POST /v1/ask against `georune ask --format json` on the shared RSWK records (skipped without).
TEST(ServerAsk, AnswersAsTheCli) {
  const std::string rswk = std::string(GEORUNE_SHARED_DIR) + "/data/rswk/ORI_DATASET/ori_data_test.partial.json";
  if (!std::filesystem::exists(rswk)) GTEST_SKIP() << rswk << " is absent";
  test_support::TempDir dir("server_ask");
  RunCli("kb build --rswk " + rswk + " --out " + dir.path() + "/kb");
  ServerConfig c;
  c.workers = 2;
  Running s(c, {{}, dir.path() + "/kb"});
  auto r =
      s.Client()->Post("/v1/ask", R"j({"question": "When was Salts Mill built?", "top_k": 3})j", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto http = nlohmann::json::parse(r->body);
  const auto cli = nlohmann::json::parse(
      RunCli("ask --kb " + dir.path() + "/kb --top-k 3 --format json 'When was Salts Mill built?'"));
  EXPECT_EQ(http["answer"], "1853");
  EXPECT_EQ(http["answer"], cli["answer"]);
  EXPECT_EQ(http["answer_source"], cli["answer_source"]);
  ASSERT_EQ(http["retrieved"].size(), cli["retrieved"].size());
  for (size_t i = 0; i < cli["retrieved"].size(); ++i) {
    for (const char* key : {"rank", "record_id", "name", "chunk", "chunk_type", "score", "text"}) {
      EXPECT_EQ(http["retrieved"][i][key], cli["retrieved"][i][key]) << key << " at " << i;
    }
  }
  // A server without archives answers queries with a clear 404.
  auto q = s.Client()->Post("/v1/query", R"j({"logic": "plane(a)"})j", "application/json");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->status, 404);
  ExpectError(s.Client()->Post("/v1/ask", R"j({"question": "x", "top_k": 0})j", "application/json"), 400, "'top_k'",
              "request:top_k");
}

}  // namespace
}  // namespace georune::server
