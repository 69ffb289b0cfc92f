// A server on an ephemeral port over a small archive built for the test, and a client for it.
#pragma once

#include <gdal_priv.h>
#include <httplib.h>
#include <ogr_spatialref.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "georune/server/server.h"
#include "test_support.h"

namespace georune::server {

// Three images: P1 (two planes, a real 64×48 PNG file), P2 (a plane and a ship, no file),
// P3 (a ship); ids and entities are fixed so that queries have known answers.
// Returns the archive's folder (dir/arch).
inline std::string WriteArchive(const test_support::TempDir& dir);

// A georeferenced archive, dir/geo: G1 (64×48 GeoTIFF, UTM 33N with 2 m pixels, two planes),
// linked by `ingest --images`, and P9 (a plane, no file, no georeference).
inline std::string WriteGeoArchive(const test_support::TempDir& dir);

// Runs `georune ARGS` and returns its standard output; fails the test on a non-zero exit.
inline std::string RunCli(const std::string& args) {
  std::string out;
  FILE* p = ::popen((std::string(GEORUNE_BINARY) + " " + args + " 2>/dev/null").c_str(), "r");
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = ::pclose(p);
  EXPECT_EQ(rc, 0) << args;
  return out;
}

class Running {
 public:
  Running(ServerConfig config, ServerData data) {
    config.port = 0;
    auto s = Server::Create(config, data);
    if (!s.ok()) ADD_FAILURE() << s.status().message();
    if (!s.ok()) return;
    server_ = std::move(s).value();
    auto port = server_->Bind();
    if (!port.ok()) ADD_FAILURE() << port.status().message();
    if (!port.ok()) return;
    port_ = *port;
    thread_ = std::thread([this] { EXPECT_TRUE(server_->Serve().ok()); });
  }
  ~Running() { Stop(); }
  void Stop() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }
  std::unique_ptr<httplib::Client> Client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_read_timeout(30, 0);
    return c;
  }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
};

inline std::string WriteArchive(const test_support::TempDir& dir) {
  const std::string jsonl = dir.Write(
      "in.jsonl",
      R"({"image": "P1", "width": 64, "height": 48, "gsd": 0.5, "path": "p1.png", "entities": [{"class": "plane", "score": 0.9, "obb": [2,2,12,2,12,10,2,10]}, {"class": "plane", "score": 0.8, "obb": [20,2,30,2,30,10,20,10]}]}
{"image": "P2", "width": 100, "height": 80, "gsd": 0.5, "entities": [{"class": "plane", "score": 0.7, "obb": [2,2,12,2,12,10,2,10]}, {"class": "ship", "score": 0.95, "obb": [40,40,60,40,60,50,40,50]}]}
{"image": "P3", "width": 100, "height": 80, "entities": [{"class": "ship", "score": 0.6, "obb": [10,10,30,10,30,20,10,20]}]}
)");
  const std::string archive = dir.path() + "/arch";
  RunCli("ingest --archive " + archive + " --jsonl " + jsonl);
  return archive;
}

// A 64×48 three-band GeoTIFF north-up in UTM 33N: its top-left corner at (x0, y0), `pixel` m.
inline void WriteGeoTiff(const std::string& path, double x0, double y0, double pixel) {
  GDALAllRegister();
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
  ASSERT_NE(driver, nullptr);
  GDALDataset* ds = driver->Create(path.c_str(), 64, 48, 3, GDT_Byte, nullptr);
  ASSERT_NE(ds, nullptr);
  double gt[6] = {x0, pixel, 0, y0, 0, -pixel};
  ds->SetGeoTransform(gt);
  OGRSpatialReference srs;
  srs.importFromEPSG(32633);
  ds->SetSpatialRef(&srs);
  for (int b = 1; b <= 3; ++b) ds->GetRasterBand(b)->Fill(60.0 * b);
  GDALClose(ds);
}

inline std::string WriteGeoArchive(const test_support::TempDir& dir) {
  const std::string jsonl = dir.Write(
      "geo.jsonl",
      R"({"image": "G1", "width": 64, "height": 48, "entities": [{"class": "plane", "score": 0.9, "obb": [2,2,12,2,12,10,2,10]}, {"class": "plane", "score": 0.8, "obb": [20,4,30,2,32,12,22,14]}]}
{"image": "P9", "width": 100, "height": 80, "gsd": 0.5, "entities": [{"class": "plane", "score": 0.7, "obb": [2,2,12,2,12,10,2,10]}]}
)");
  std::filesystem::create_directories(dir.path() + "/geo_images");
  // 45°N, 15°E lies at about (500000, 4982950) in UTM 33N.
  WriteGeoTiff(dir.path() + "/geo_images/G1.tif", 500000, 4982950, 2);
  const std::string archive = dir.path() + "/geo";
  RunCli("ingest --archive " + archive + " --jsonl " + jsonl + " --images " + dir.path() + "/geo_images");
  return archive;
}

}  // namespace georune::server
