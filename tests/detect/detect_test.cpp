// Tests of the detect module: tiling, letterbox, decoders, rotated NMS, classes, GDAL reading,
// and the whole detector on tiny ONNX graphs built here with python3-onnx (data/make_models.py)
// whose outputs are known in advance.
#include <cpl_conv.h>
#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_srs_api.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <random>

#include "georune/common/files.h"
#include "georune/detect/classes.h"
#include "georune/detect/decode.h"
#include "georune/detect/detector.h"
#include "georune/detect/evaluate.h"
#include "georune/detect/nms.h"
#include "georune/detect/onnx_info.h"
#include "georune/detect/raster.h"
#include "georune/detect/segment.h"
#include "georune/detect/tiling.h"
#include "georune/ingest/readers.h"
#include "test_support.h"

namespace georune::detect {
namespace {
using test_support::MakeTempDir;
using test_support::TempDir;

// ---- images written with GDAL -------------------------------------------------------------

struct ImageSpec {
  int w = 64, h = 64, bands = 3;
  GDALDataType type = GDT_Byte;
  std::function<double(int x, int y, int b)> pixel = [](int, int, int) { return 0.0; };
  const double* geotransform = nullptr;
  const char* wkt = nullptr;
  std::optional<double> nodata;
};

// Writes the image with `driver` (GTiff, PNG, …) through an in-memory copy.
void WriteImage(const std::string& path, const char* driver, const ImageSpec& s) {
  GDALAllRegister();
  GDALDatasetH mem = GDALCreate(GDALGetDriverByName("MEM"), "", s.w, s.h, s.bands, s.type, nullptr);
  std::vector<double> row(s.w);
  for (int b = 1; b <= s.bands; ++b) {
    GDALRasterBandH band = GDALGetRasterBand(mem, b);
    if (s.nodata) GDALSetRasterNoDataValue(band, *s.nodata);
    for (int y = 0; y < s.h; ++y) {
      for (int x = 0; x < s.w; ++x) row[x] = s.pixel(x, y, b);
      ASSERT_EQ(GDALRasterIO(band, GF_Write, 0, y, s.w, 1, row.data(), s.w, 1, GDT_Float64, 0, 0), CE_None);
    }
  }
  if (s.geotransform) GDALSetGeoTransform(mem, const_cast<double*>(s.geotransform));
  if (s.wkt) GDALSetProjection(mem, s.wkt);
  GDALDatasetH out = GDALCreateCopy(GDALGetDriverByName(driver), path.c_str(), mem, FALSE, nullptr, nullptr, nullptr);
  ASSERT_NE(out, nullptr) << path;
  GDALClose(out);
  GDALClose(mem);
}

// White (255) inside [x0, x1) × [y0, y1), black elsewhere.
std::function<double(int, int, int)> Block(int x0, int y0, int x1, int y1) {
  return [=](int x, int y, int) { return x >= x0 && x < x1 && y >= y0 && y < y1 ? 255.0 : 0.0; };
}

void ExpectCorners(const Corners& got, const Corners& want, double tol = 1e-9) {
  for (int k = 0; k < 8; ++k) EXPECT_NEAR(got[k], want[k], tol) << "coordinate " << k;
}

Corners Rect(double x0, double y0, double x1, double y1) { return {x0, y0, x1, y0, x1, y1, x0, y1}; }

// ---- tiling and letterbox -----------------------------------------------------------------

TEST(Tiling, StartsAtZeroStrideAndLastFlush) {
  EXPECT_EQ(TileStarts(3000, 1024, 200), (std::vector<int>{0, 824, 1648, 1976}));
  EXPECT_EQ(TileStarts(2000, 1024, 200), (std::vector<int>{0, 824, 976}));
  EXPECT_EQ(TileStarts(1024, 1024, 200), (std::vector<int>{0}));
  EXPECT_EQ(TileStarts(500, 1024, 200), (std::vector<int>{0}));
  EXPECT_EQ(TileStarts(1848, 1024, 200), (std::vector<int>{0, 824}));  // 824 + 1024 = 1848: no extra
}

TEST(Tiling, TilesCoverA3000By2000Scene) {
  const auto tiles = Tiles(3000, 2000, 1024, 200);
  ASSERT_EQ(tiles.size(), 12u);
  std::vector<int> cover(3000 * 2000, 0);
  for (const auto& t : tiles) {
    EXPECT_EQ(t.w, 1024);
    EXPECT_EQ(t.h, 1024);
    EXPECT_LE(t.x + t.w, 3000);
    EXPECT_LE(t.y + t.h, 2000);
    for (int y = t.y; y < t.y + t.h; ++y)
      for (int x = t.x; x < t.x + t.w; ++x) ++cover[y * 3000 + x];
  }
  for (int v : cover) ASSERT_GE(v, 1);
  // Every neighbouring pair overlaps by at least the overlap: an object up to 200 px fits in one tile.
  for (int a : {0, 824, 1648}) EXPECT_GE(a + 1024 - (a == 1648 ? 1976 : a + 824), 200);
}

TEST(Letterbox, UndoIsTheExactInverse) {
  const Letterbox lb = Letterbox::Make(128, 64, 64, 64, ResizeMode::kLetterbox);
  EXPECT_EQ(lb.new_w, 64);
  EXPECT_EQ(lb.new_h, 32);
  EXPECT_EQ(lb.pad_x, 0);
  EXPECT_EQ(lb.pad_y, 16);
  ExpectCorners(lb.Undo(Rect(32, 16, 48, 32), 1000, 2000), Rect(1064, 2000, 1096, 2032));
  std::mt19937 rng(3);
  for (int i = 0; i < 1000; ++i) {
    const int w = 1 + rng() % 3000, h = 1 + rng() % 3000, in = 32 + rng() % 1024;
    for (ResizeMode mode : {ResizeMode::kLetterbox, ResizeMode::kStretch}) {
      const Letterbox l = Letterbox::Make(w, h, in, in, mode);
      ASSERT_LE(l.new_w + l.pad_x, in);
      ASSERT_LE(l.new_h + l.pad_y, in);
      const double x = (rng() % 100000) / 100000.0 * w, y = (rng() % 100000) / 100000.0 * h;
      EXPECT_NEAR(l.UndoX(x * l.sx + l.pad_x), x, 1e-9 * w);
      EXPECT_NEAR(l.UndoY(y * l.sy + l.pad_y), y, 1e-9 * h);
      // The tile's far corner lands on the scaled image's far corner.
      EXPECT_NEAR(l.UndoX(l.pad_x + l.new_w), w, 1e-9 * w);
    }
  }
}

// ---- decoders on tensors ------------------------------------------------------------------

TEST(Decode, ObbRawChannelsFirstAngleInRadians) {
  // (1, 4+2+1, 3): anchor 1 is class 1 at 0.8, angle pi/2.
  std::vector<float> d(7 * 3, 0);
  auto set = [&](int ch, int a, float v) { d[ch * 3 + a] = v; };
  set(0, 1, 100), set(1, 1, 50), set(2, 1, 40), set(3, 1, 10), set(5, 1, 0.8f), set(6, 1, float(M_PI / 2));
  set(4, 2, 0.1f);  // below conf
  auto boxes = Decode(Layout::kObbRaw, d.data(), {1, 7, 3}, 2, 640, 640, 0.25f);
  ASSERT_EQ(boxes.size(), 1u);
  EXPECT_EQ(boxes[0].class_index, 1);
  EXPECT_FLOAT_EQ(boxes[0].score, 0.8f);
  // A 40×10 box turned by 90°: 10 wide, 40 tall.
  ExpectCorners(boxes[0].corners, RotatedCorners(100, 50, 40, 10, float(M_PI / 2)));
  const ConvexPolygon p = ConvexHullOfCorners(boxes[0].corners);
  EXPECT_NEAR(PolygonArea(p), 400, 1e-6);
  EXPECT_NEAR(std::abs(boxes[0].corners[0] - boxes[0].corners[4]), 10, 1e-5);
}

TEST(Decode, LayoutFromShape) {
  EXPECT_EQ(*InferLayout({1, 20, 8400}, 15, 640, 640), Layout::kObbRaw);
  EXPECT_EQ(*InferLayout({1, 19, 8400}, 15, 640, 640), Layout::kYoloV8);
  EXPECT_EQ(*InferLayout({1, 300, 7}, 15, 640, 640), Layout::kObbNms);
  EXPECT_EQ(*InferLayout({1, 25200, 85}, 80, 640, 640), Layout::kYoloV5);
  EXPECT_EQ(*InferLayout({1, 25200, 7}, 2, 640, 640), Layout::kYoloV5);  // YOLOv5 with 2 classes
  EXPECT_EQ(*InferLayout({605, 95}, 80, 352, 352), Layout::kFastestV2);
  auto bad = InferLayout({1, 9, 16}, 2, 64, 64);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("(1, 9, 16)"), std::string::npos) << bad.status().message();
  EXPECT_TRUE(test_support::NamesSetting(bad.status(), Setting::kModelLayout)) << bad.status().message();
  EXPECT_FALSE(CheckShape(Layout::kObbNms, {1, 300, 6}, 2, 64, 64).ok());
  EXPECT_FALSE(CheckShape(Layout::kFastestV2, {605, 95}, 80, 320, 320).ok());
  EXPECT_FALSE(ParseLayout("yolov9").ok());
}

// ---- overlap and suppression --------------------------------------------------------------

TEST(Nms, PolygonIoUIsExact) {
  EXPECT_DOUBLE_EQ(PolygonIoU(Rect(0, 0, 10, 10), Rect(5, 0, 15, 10)), 50.0 / 150.0);
  EXPECT_DOUBLE_EQ(PolygonIoU(Rect(0, 0, 10, 10), Rect(20, 0, 30, 10)), 0.0);
  // A square and the same square turned by 45° about its centre: intersection = octagon.
  const Corners sq = RotatedCorners(0, 0, 2, 2, 0), turned = RotatedCorners(0, 0, 2, 2, M_PI / 4);
  const double octagon = 8 * (std::sqrt(2.0) - 1);  // area of the regular octagon with inradius 1
  EXPECT_NEAR(PolygonIoU(sq, turned), octagon / (8 - octagon), 1e-12);
  EXPECT_NEAR(ProbIoU(sq, sq), 1.0, 1e-3);
  EXPECT_LT(ProbIoU(Rect(0, 0, 10, 10), Rect(100, 0, 110, 10)), 1e-3);
  // ProbIoU is symmetric and decreases with distance.
  EXPECT_NEAR(ProbIoU(Rect(0, 0, 10, 4), Rect(3, 1, 13, 5)), ProbIoU(Rect(3, 1, 13, 5), Rect(0, 0, 10, 4)), 1e-12);
  EXPECT_GT(ProbIoU(Rect(0, 0, 10, 10), Rect(2, 0, 12, 10)), ProbIoU(Rect(0, 0, 10, 10), Rect(5, 0, 15, 10)));
}

TEST(Nms, GreedyPerClassMatchesBruteForce) {
  std::mt19937 rng(11);
  for (int round = 0; round < 50; ++round) {
    std::vector<Candidate> boxes;
    for (int i = 0; i < 40; ++i) {
      const double x = rng() % 100, y = rng() % 100;
      boxes.push_back({static_cast<int>(rng() % 3), (rng() % 1000 + 1) / 1000.0f,
                       RotatedCorners(x, y, 5 + rng() % 30, 5 + rng() % 30, (rng() % 314) / 100.0)});
    }
    const auto kept = GreedyNmsPerClass(boxes, 0.45, Overlap::kIoU);
    // Oracle: no two kept boxes of a class overlap above the threshold, and every dropped box
    // overlaps a kept box of its class with a score at least its own.
    std::vector<bool> is_kept(boxes.size());
    for (size_t k : kept) is_kept[k] = true;
    for (size_t a = 0; a < boxes.size(); ++a)
      for (size_t b = 0; b < boxes.size(); ++b) {
        if (a == b || boxes[a].class_index != boxes[b].class_index) continue;
        if (is_kept[a] && is_kept[b]) {
          EXPECT_LE(PolygonIoU(boxes[a].corners, boxes[b].corners), 0.45);
        }
      }
    for (size_t d = 0; d < boxes.size(); ++d) {
      if (is_kept[d]) continue;
      bool explained = false;
      for (size_t k : kept)
        explained |= boxes[k].class_index == boxes[d].class_index && boxes[k].score >= boxes[d].score &&
                     PolygonIoU(boxes[k].corners, boxes[d].corners) > 0.45;
      EXPECT_TRUE(explained) << "box " << d;
    }
  }
}

TEST(Nms, ProbIoUOption) {
  // Two near-identical boxes and a far one: ProbIoU suppresses the duplicate like IoU does.
  std::vector<Candidate> boxes = {
      {0, 0.9f, Rect(0, 0, 10, 4)}, {0, 0.8f, Rect(0.5, 0, 10.5, 4)}, {0, 0.7f, Rect(50, 0, 60, 4)}};
  EXPECT_EQ(GreedyNmsPerClass(boxes, 0.45, Overlap::kProbIoU), (std::vector<size_t>{0, 2}));
  EXPECT_EQ(GreedyNmsPerClass(boxes, 0.45, Overlap::kIoU), (std::vector<size_t>{0, 2}));
}

TEST(Nms, SeamBoxDefersToTheWholeObjectFromAnotherTile) {
  // Tile 0 sees the left 40% of a car with a high score; tile 1 sees the whole car.
  std::vector<Candidate> boxes = {{0, 0.95f, Rect(60, 0, 64, 10), 0, true},
                                  {0, 0.80f, Rect(60, 0, 70, 10), 1, false},
                                  {1, 0.70f, Rect(61, 0, 69, 10), 1, false}};  // same tile: kept
  const auto kept = MergeAcrossTiles(boxes, 0.45, 0.7, Overlap::kIoU);
  EXPECT_EQ(kept, (std::vector<size_t>{1, 2}));
}

// ---- classes ------------------------------------------------------------------------------

TEST(Classes, NamesFromUltralyticsMetadata) {
  EXPECT_EQ(*NamesFromMetadata("{0: 'plane', 1: 'ship', 2: \"storage tank\"}"),
            (std::vector<std::string>{"plane", "ship", "storage tank"}));
  EXPECT_EQ(*NamesFromMetadata("['a', 'b']"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(NamesFromMetadata("{0: 'a', 2: 'c'}").ok());  // a gap
  EXPECT_FALSE(NamesFromMetadata("nothing").ok());
}

TEST(Classes, MapResolvesAndUnknownClassIsNamed) {
  const Ontology& o = Ontology::Default();
  auto map = ParseClassMap("aeroplane=plane, boat=ship,car=small_vehicle");
  ASSERT_TRUE(map.ok()) << map.status().message();
  auto r = ResolveClasses({"aeroplane", "boat", "car"}, *map, o, false);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->ontology_id,
            (std::vector<int>{*o.FindClass("plane"), *o.FindClass("ship"), *o.FindClass("small-vehicle")}));
  auto unknown = ResolveClasses({"aeroplane", "person"}, {{"aeroplane", "plane"}}, o, false);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("'person'"), std::string::npos) << unknown.status().message();
  auto dropped = ResolveClasses({"aeroplane", "person"}, {{"aeroplane", "plane"}}, o, true);
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(dropped->ontology_id[1], -1);
  EXPECT_EQ(dropped->dropped, (std::vector<std::string>{"person"}));
  EXPECT_FALSE(ResolveClasses({"plane"}, {{"plain", "plane"}}, o, false).ok());  // map names no model class
  EXPECT_FALSE(ParseClassMap("aeroplane").ok());
  EXPECT_EQ(ResolveClasses({"plane", "x"}, {{"x", "-"}}, o, false)->dropped, (std::vector<std::string>{"x"}));
}

// ---- GDAL reading -------------------------------------------------------------------------

TEST(Raster, SixteenBitStretchBandsNodataAndGeoreference) {
  const TempDir temp("raster");
  const std::string& dir = temp.path();
  ImageSpec s;
  s.w = 100, s.h = 50, s.bands = 4, s.type = GDT_UInt16;
  s.pixel = [](int x, int y, int b) { return y < 10 ? 0.0 : 1000.0 * b + 10 * x; };  // rows 0..9 nodata
  s.nodata = 0;
  const double gt[6] = {500000, 0.5, 0, 4000000, 0, -0.5};
  s.geotransform = gt;
  OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
  OSRImportFromEPSG(srs, 32633);
  char* wkt = nullptr;
  OSRExportToWkt(srs, &wkt);
  s.wkt = wkt;
  WriteImage(dir + "/scene.tif", "GTiff", s);
  RasterOptions opt;
  opt.bands = {4, 2, 1};
  auto r = Raster::Open(dir + "/scene.tif", opt);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const RasterInfo& in = (*r)->info();
  EXPECT_EQ(in.band_count, 4);
  EXPECT_EQ(in.data_type, "UInt16");
  ASSERT_TRUE(in.geotransform.has_value());
  EXPECT_EQ((*in.geotransform)[1], 0.5);
  EXPECT_NEAR(in.gsd, 0.5, 1e-12);
  EXPECT_NE(in.crs_wkt.find("32633"), std::string::npos);
  // Band 4 ranges over 4000..4990 on valid rows: 2nd and 98th percentiles of x.
  EXPECT_NEAR(in.low[0], 4000 + 10 * 2, 10.001);
  EXPECT_NEAR(in.high[0], 4000 + 10 * 97, 10.001);
  int64_t valid = 0;
  auto img = (*r)->Read(0, 0, 100, 50, &valid);
  ASSERT_TRUE(img.ok());
  EXPECT_EQ(valid, 100 * 40);
  EXPECT_EQ(img->at<cv::Vec3b>(0, 50), cv::Vec3b(114, 114, 114));  // nodata → fill
  EXPECT_EQ(img->at<cv::Vec3b>(20, 0)[0], 0);                      // below the 2nd percentile
  EXPECT_EQ(img->at<cv::Vec3b>(20, 99)[0], 255);                   // above the 98th
  const double mid = (4000 + 500 - in.low[0]) / (in.high[0] - in.low[0]) * 255;
  EXPECT_NEAR(img->at<cv::Vec3b>(20, 50)[0], mid, 0.5 + 1e-9);
  // A window reads the same pixels as the whole.
  auto win = (*r)->Read(40, 15, 30, 20, nullptr);
  ASSERT_TRUE(win.ok());
  EXPECT_EQ(cv::norm(*win, (*img)(cv::Rect(40, 15, 30, 20)), cv::NORM_INF), 0);
  CPLFree(wkt);
  OSRDestroySpatialReference(srs);
  EXPECT_FALSE(Raster::Open(dir + "/scene.tif", RasterOptions{{5}}).ok());  // no band 5
}

TEST(Raster, CorruptImageIsNamed) {
  const TempDir temp("raster");
  const std::string& dir = temp.path();
  ASSERT_TRUE(WriteFileAtomic(dir + "/broken.png", "\x89PNG\r\n\x1a\n garbage").ok());
  auto r = Raster::Open(dir + "/broken.png", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find("broken.png"), std::string::npos);
}

// ---- the detector on the test graphs ------------------------------------------------------

class DetectorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = MakeTempDir("detect");
    const std::string python = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    const std::string script = std::string(GEORUNE_TEST_DATA_DIR) + "/make_models.py";
    ok_ = std::system((python + " " + script + " " + dir_ + " > " + dir_ + "/log.txt 2>&1").c_str()) == 0;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  void SetUp() override {
    if (!ok_) GTEST_SKIP() << "python3-onnx could not build the test graphs (see " << dir_ << "/log.txt)";
  }
  static Result<std::unique_ptr<Detector>> Load(const std::string& model, DetectorOptions o = {}) {
    o.model = dir_ + "/" + model + ".onnx";
    o.threads = 2;
    return Detector::Load(o, Ontology::Default());
  }
  static std::string Image(const std::string& name, ImageSpec s, const char* driver = "PNG") {
    const std::string p = dir_ + "/" + name;
    WriteImage(p, driver, s);
    return p;
  }
  static int Class(const char* name) { return *Ontology::Default().FindClass(name); }
  static std::string dir_;
  static bool ok_;
};
std::string DetectorTest::dir_;
bool DetectorTest::ok_ = false;

TEST_F(DetectorTest, ObbNmsExportClassesFromMetadata) {
  auto d = Load("obb_nms");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ((*d)->layout(), Layout::kObbNms);
  EXPECT_EQ((*d)->input_w(), 64);
  EXPECT_EQ((*d)->class_names(), (std::vector<std::string>{"plane", "ship"}));
  auto r = (*d)->Run(Image("black.png", {}));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->entities.size(), 2u);  // the 298 zero rows are padding
  EXPECT_EQ(r->entities[0].class_id, Class("ship"));
  EXPECT_FLOAT_EQ(r->entities[0].score, 0.9f);
  ExpectCorners(r->entities[0].corners, RotatedCorners(20, 30, 16, 8, 0.5f));
  EXPECT_EQ(r->entities[1].class_id, Class("plane"));
  ExpectCorners(r->entities[1].corners, RotatedCorners(40, 40, 10, 10, 0));
}

TEST_F(DetectorTest, EveryLayoutDecodesItsKnownOutput) {
  const std::string img = Image("black2.png", {});
  struct Case {
    const char* model;
    Layout layout;
    int cls;
    float score;
    Corners corners;
  } cases[] = {
      {"yolo26", Layout::kObbNms, Class("plane"), 0.8f, RotatedCorners(32, 32, 20, 6, 2.5f)},
      {"yolov5", Layout::kYoloV5, Class("plane"), 0.8f * 0.9f, Rect(6, 9, 14, 15)},
      {"yolov8", Layout::kYoloV8, Class("ship"), 0.7f, Rect(45, 18, 55, 22)},
      {"fastest", Layout::kFastestV2, Class("plane"), 0.9f * 0.8f,
       Rect(24 - 12.64 / 2, 24 - 19.39 / 2, 24 + 12.64 / 2, 24 + 19.39 / 2)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.model);
    DetectorOptions o;
    if (std::string(c.model) == "yolo26") o.layout = Layout::kYolo26Obb;  // same shape as obb-nms
    auto d = Load(c.model, o);
    ASSERT_TRUE(d.ok()) << d.status().message();
    EXPECT_EQ((*d)->layout(), o.layout ? *o.layout : c.layout);
    auto r = (*d)->Run(img);
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_EQ(r->entities.size(), 1u);
    EXPECT_EQ(r->entities[0].class_id, c.cls);
    EXPECT_FLOAT_EQ(r->entities[0].score, c.score);
    ExpectCorners(r->entities[0].corners, c.corners, 1e-5);
  }
}

TEST_F(DetectorTest, ExactCornersAfterLetterboxUndo) {
  // 128×64 image → scale 0.5, 16 px of padding above and below. The white block
  // [64, 96) × [0, 32) fills input cell (2, 1) exactly.
  ImageSpec s;
  s.w = 128, s.h = 64, s.pixel = Block(64, 0, 96, 32);
  DetectorOptions o;
  o.conf = 0.9f;  // the padded cells score 114/255
  auto d = Load("cell_obb", o);
  ASSERT_TRUE(d.ok()) << d.status().message();
  auto r = (*d)->Run(Image("wide.png", s));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->entities.size(), 1u);
  EXPECT_NEAR(r->entities[0].score, 1.0f, 1e-5);  // the mean of 768 ones, in float
  // Input box: centre (40, 24), 16 × 16, angle π/6 → image: centre (80, 16), 32 × 32.
  ExpectCorners(r->entities[0].corners, RotatedCorners(80, 16, 32, 32, float(M_PI / 6)), 1e-5);
}

TEST_F(DetectorTest, ObjectAcrossATileSeamIsKeptOnce) {
  // 112×64, tiles of 64 with overlap 32 → x = 0, 32, 48. The block [48, 64) × [16, 32) lies
  // in all three tiles (at tile 0's right edge, which it shares with tile 1).
  ImageSpec s;
  s.w = 112, s.h = 64, s.pixel = Block(48, 16, 64, 32);
  DetectorOptions o;
  o.tile = 64, o.overlap = 32, o.conf = 0.9f;
  auto d = Load("cell_obb0", o);
  ASSERT_TRUE(d.ok()) << d.status().message();
  auto r = (*d)->Run(Image("seam.png", s));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->tiles, 3);
  EXPECT_EQ(r->tiles_run, 3);
  ASSERT_EQ(r->entities.size(), 1u);
  ExpectCorners(r->entities[0].corners, RotatedCorners(56, 24, 16, 16, 0), 1e-5);
}

TEST_F(DetectorTest, TilesOfA3000By2000GeoTiff) {
  // Tiles of 1024 (overlap 200) scaled by 1/16 to the 64-px input. A 256-px block aligned with
  // the cells of the tile at (1976, 976) is found there once, at its exact image position.
  ImageSpec s;
  s.w = 3000, s.h = 2000, s.pixel = Block(2488, 1232, 2744, 1488);
  DetectorOptions o;
  o.conf = 0.9f;
  auto d = Load("cell_obb0", o);
  ASSERT_TRUE(d.ok()) << d.status().message();
  auto r = (*d)->Run(Image("big.tif", s, "GTiff"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->tiles, 12);
  ASSERT_EQ(r->entities.size(), 1u);
  ExpectCorners(r->entities[0].corners, RotatedCorners(2616, 1360, 256, 256, 0), 1e-4);
}

TEST_F(DetectorTest, ClassMapAndUnknownClass) {
  DetectorOptions o;
  o.class_map = {{"aeroplane", "plane"}, {"boat", "ship"}};
  auto d = Load("coco_like", o);
  ASSERT_TRUE(d.ok()) << d.status().message();
  auto r = (*d)->Run(Image("black3.png", {}));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->entities.size(), 2u);
  EXPECT_EQ(r->entities[0].class_id, Class("plane"));
  EXPECT_EQ(r->entities[1].class_id, Class("ship"));
  // Without the map the names still resolve, through the ontology's synonyms.
  auto no_map = Load("coco_like");
  ASSERT_TRUE(no_map.ok()) << no_map.status().message();
  auto mapped_to_nothing = Load("coco_like", [] {
    DetectorOptions m;
    m.class_map = {{"aeroplane", "zeppelin"}};
    return m;
  }());
  ASSERT_FALSE(mapped_to_nothing.ok());
  EXPECT_NE(mapped_to_nothing.status().message().find("'zeppelin' (from 'aeroplane')"), std::string::npos)
      << mapped_to_nothing.status().message();
  auto unknown = Load("unknown_class");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("'submarine'"), std::string::npos) << unknown.status().message();
}

TEST_F(DetectorTest, BadShapesAndMissingNamesAreRefused) {
  auto bad = Load("bad_shape");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(bad.status().message().find("(1, 9, 16)"), std::string::npos) << bad.status().message();
  DetectorOptions o;
  o.layout = Layout::kYoloV8;
  auto wrong = Load("obb_nms", o);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("yolov8"), std::string::npos) << wrong.status().message();
  auto unnamed = Load("no_names");
  ASSERT_FALSE(unnamed.ok());
  EXPECT_TRUE(test_support::NamesSetting(unnamed.status(), Setting::kClassNames)) << unnamed.status().message();
  auto missing = Load("absent");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_F(DetectorTest, OnnxInfoReadsInputAndMetadata) {
  auto info = ReadOnnxInfo(dir_ + "/obb_nms.onnx");
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->input_name, "images");
  EXPECT_EQ(info->input_shape, (std::vector<long long>{1, 3, 64, 64}));
  EXPECT_EQ(info->output_shape, (std::vector<long long>{1, 300, 7}));
  EXPECT_EQ(info->metadata.at("names"), "{0: 'plane', 1: 'ship'}");
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/trunc.onnx", "\x0a\xff\xff\xff").ok());
  EXPECT_EQ(ReadOnnxInfo(dir_ + "/trunc.onnx").status().code(), StatusCode::kInvalidInput);
}

TEST_F(DetectorTest, CorruptImageIsAnImageError) {
  auto d = Load("obb_nms");
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/bad.tif", "II*\0garbage").ok());
  bool image_error = false;
  auto r = (*d)->Run(dir_ + "/bad.tif", {}, &image_error);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(image_error);
  EXPECT_NE(r.status().message().find("bad.tif"), std::string::npos);
}

}  // namespace
}  // namespace georune::detect

namespace georune::detect {
namespace {

TEST(Evaluate, CountsMatchesByHand) {
  auto e = [](int cls, float score, Corners c, bool difficult = false) {
    return EntityRecord{cls, score, difficult, c, {}};
  };
  const std::vector<EntityRecord> labels = {e(0, 1, Rect(0, 0, 10, 10)), e(0, 1, Rect(20, 0, 30, 10)),
                                            e(1, 1, Rect(40, 0, 50, 10)), e(0, 1, Rect(60, 0, 70, 10), true)};
  const std::vector<EntityRecord> det = {
      e(0, 0.9f, Rect(1, 0, 11, 10)),   // TP (IoU 9/11)
      e(0, 0.8f, Rect(0, 0, 10, 10)),   // FP: its label is taken
      e(1, 0.7f, Rect(20, 0, 30, 10)),  // FP: wrong class
      e(0, 0.6f, Rect(60, 0, 70, 10)),  // matches a difficult label: neither
  };
  const MatchCounts c = CountMatches(det, labels);
  EXPECT_EQ(c.true_positives, 1u);
  EXPECT_EQ(c.false_positives, 2u);
  EXPECT_EQ(c.false_negatives, 2u);
  EXPECT_DOUBLE_EQ(c.Precision(), 1.0 / 3);
  EXPECT_DOUBLE_EQ(c.Recall(), 1.0 / 3);
}

}  // namespace
}  // namespace georune::detect

namespace georune::detect {
namespace {

// The real yolo-fastestv2 model (COCO) on the real DOTA PNGs: precision and recall against the
// images' labels are reported (not asserted: the model is not trained for aerial imagery).
TEST(RealModel, YoloFastestV2OnDotaImages) {
  const std::string shared = GEORUNE_SHARED_DIR;
  const std::string model_dir = shared + "/data/models/yolo-fastestv2", dota = shared + "/data/dota";
  if (!std::filesystem::exists(model_dir + "/model.onnx") || !std::filesystem::exists(dota + "/images"))
    GTEST_SKIP() << "../shared/data is absent: the real-model test needs " << model_dir << " and " << dota;
  const Ontology& o = Ontology::Default();
  DetectorOptions opt;
  opt.model = model_dir + "/model.onnx";
  opt.names_file = model_dir + "/coco.names";
  opt.class_map = {{"aeroplane", "plane"}, {"boat", "ship"}, {"car", "small_vehicle"}, {"truck", "large_vehicle"}};
  opt.drop_unmapped = true;
  opt.threads = 2;
  auto d = Detector::Load(opt, o);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ((*d)->layout(), Layout::kFastestV2);
  EXPECT_EQ((*d)->input_w(), 352);
  auto labels = ingest::ReadDotaLabelDir(dota + "/labelTxt", o);
  ASSERT_TRUE(labels.ok()) << labels.status().message();
  MatchCounts total;
  size_t images = 0, boxes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dota + "/images")) {
    auto r = (*d)->Run(entry.path().string());
    ASSERT_TRUE(r.ok()) << r.status().message();
    const std::string id = entry.path().stem().string();
    auto it = std::find_if(labels->begin(), labels->end(), [&](const ImageRecord& im) { return im.id == id; });
    ASSERT_NE(it, labels->end()) << id;
    for (const EntityRecord& e : r->entities) {
      EXPECT_GE(e.score, 0.25f);
      const int cls = e.class_id;
      EXPECT_TRUE(cls == *o.FindClass("plane") || cls == *o.FindClass("ship") || cls == *o.FindClass("small_vehicle") ||
                  cls == *o.FindClass("large_vehicle"));
    }
    // Only the four mapped classes can be found: the others' labels do not count.
    std::vector<EntityRecord> relevant;
    for (const EntityRecord& e : it->entities)
      if (e.class_id == *o.FindClass("plane") || e.class_id == *o.FindClass("ship") ||
          e.class_id == *o.FindClass("small_vehicle") || e.class_id == *o.FindClass("large_vehicle"))
        relevant.push_back(e);
    total += CountMatches(r->entities, relevant, 0.5);
    ++images, boxes += r->entities.size();
  }
  std::printf(
      "yolo-fastestv2 on %zu DOTA images: %zu boxes, TP %llu FP %llu FN %llu, precision %.4f, recall %.4f (IoU 0.5)\n",
      images, boxes, (unsigned long long)total.true_positives, (unsigned long long)total.false_positives,
      (unsigned long long)total.false_negatives, total.Precision(), total.Recall());
  RecordProperty("precision", std::to_string(total.Precision()));
  RecordProperty("recall", std::to_string(total.Recall()));
  EXPECT_EQ(images, 7u);
}

// ---- segmentation (--task segment) ---------------------------------------------------------

namespace seg {

using ingest::PixelRing;
using ingest::PolygonEntity;

const double kRedProb = std::exp(2.0) / (std::exp(2.0) + std::exp(0.5) + 1.0);  // the graph's softmax

// Red (band 1) where `red`, green (band 2) where `green`, black elsewhere.
std::function<double(int, int, int)> Paint(std::function<bool(int, int)> red, std::function<bool(int, int)> green) {
  return [=](int x, int y, int b) { return (b == 1 && red(x, y)) || (b == 2 && green(x, y)) ? 255.0 : 0.0; };
}

std::function<bool(int, int)> InRect(int x0, int y0, int x1, int y1) {
  return [=](int x, int y) { return x >= x0 && x < x1 && y >= y0 && y < y1; };
}

// Bounding box of a ring: x0, y0, x1, y1.
std::array<double, 4> Bounds(const PixelRing& r) {
  std::array<double, 4> b{1e300, 1e300, -1e300, -1e300};
  for (const auto& p : r) b = {std::min(b[0], p[0]), std::min(b[1], p[1]), std::max(b[2], p[0]), std::max(b[3], p[1])};
  return b;
}

}  // namespace seg

TEST(Segment, OwnedRectsPartitionTheImage) {
  for (auto [w, h, tile, overlap] : {std::array<int, 4>{3000, 2000, 1024, 200}, {112, 64, 64, 32}, {50, 70, 64, 16}}) {
    const auto owned = OwnedRects(w, h, tile, overlap);
    const auto tiles = Tiles(w, h, tile, overlap);
    ASSERT_EQ(owned.size(), tiles.size());
    std::vector<int> cover(size_t(w) * h, 0);
    for (size_t i = 0; i < owned.size(); ++i) {
      const TileRect& o = owned[i];
      const TileRect& t = tiles[i];
      EXPECT_TRUE(o.x >= t.x && o.y >= t.y && o.x + o.w <= t.x + t.w && o.y + o.h <= t.y + t.h) << i;
      for (int y = o.y; y < o.y + o.h; ++y)
        for (int x = o.x; x < o.x + o.w; ++x) {
          ++cover[size_t(y) * w + x];
          // Most central: no other tile holding the pixel has it farther from its shared edges.
          auto depth = [&](const TileRect& r) {
            int d = INT32_MAX;
            if (r.x > 0) d = std::min(d, x - r.x);
            if (r.x + r.w < w) d = std::min(d, r.x + r.w - 1 - x);
            if (r.y > 0) d = std::min(d, y - r.y);
            if (r.y + r.h < h) d = std::min(d, r.y + r.h - 1 - y);
            return d;
          };
          if ((x * 7 + y * 13) % 97) continue;  // sampled: the full check is quadratic
          for (const TileRect& other : tiles)
            if (x >= other.x && x < other.x + other.w && y >= other.y && y < other.y + other.h) {
              ASSERT_GE(depth(t) + 1, depth(other)) << x << "," << y;
            }
        }
    }
    for (int c : cover) ASSERT_EQ(c, 1);
  }
}

TEST_F(DetectorTest, SegmentPolygonWithAHoleAndMeanProbability) {
  // A red 24×24 square with an 8×8 hole at (28, 28); a green 4×4 square inside the hole.
  ImageSpec s;
  s.pixel =
      seg::Paint([](int x, int y) { return seg::InRect(20, 20, 44, 44)(x, y) && !seg::InRect(28, 28, 36, 36)(x, y); },
                 seg::InRect(30, 30, 34, 34));
  DetectorOptions o;
  o.task = Task::kSegment;
  auto d = Load("seg", o);
  ASSERT_TRUE(d.ok()) << d.status().message();
  const auto& notes = (*d)->notes();
  EXPECT_NE(std::find(notes.begin(), notes.end(), "model class 'background' is background: no polygons"), notes.end());
  auto r = (*d)->Run(Image("hole.png", s));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->entities.empty());
  ASSERT_EQ(r->polygons.size(), 2u);
  const seg::PolygonEntity& tank = r->polygons[0];  // 0.736 > the green one's equal score: larger area first
  EXPECT_EQ(tank.class_id, Class("storage_tank"));
  EXPECT_NEAR(tank.confidence, seg::kRedProb, 1e-5);
  ASSERT_EQ(tank.rings.size(), 2u);
  EXPECT_DOUBLE_EQ(ingest::PolygonArea(tank), 24 * 24 - 8 * 8);
  EXPECT_GT(ingest::SignedArea(tank.rings[0]), 0);  // outer counter-clockwise in (x, y)
  EXPECT_LT(ingest::SignedArea(tank.rings[1]), 0);
  EXPECT_EQ(seg::Bounds(tank.rings[0]), (std::array<double, 4>{20, 20, 44, 44}));
  EXPECT_EQ(seg::Bounds(tank.rings[1]), (std::array<double, 4>{28, 28, 36, 36}));
  const seg::PolygonEntity& ship = r->polygons[1];
  EXPECT_EQ(ship.class_id, Class("ship"));
  ASSERT_EQ(ship.rings.size(), 1u);
  EXPECT_DOUBLE_EQ(ingest::PolygonArea(ship), 16);
  EXPECT_EQ(seg::Bounds(ship.rings[0]), (std::array<double, 4>{30, 30, 34, 34}));
  // --min-area and --conf drop components.
  o.min_area = 17;
  auto big = Load("seg", o);
  ASSERT_TRUE(big.ok());
  auto rb = (*big)->Run(Image("hole.png", s));
  ASSERT_TRUE(rb.ok());
  ASSERT_EQ(rb->polygons.size(), 1u);
  o.min_area = 1, o.conf = 0.8f;
  auto strict = Load("seg", o);
  ASSERT_TRUE(strict.ok());
  auto rs = (*strict)->Run(Image("hole.png", s));
  ASSERT_TRUE(rs.ok());
  EXPECT_TRUE(rs->polygons.empty());
}

TEST_F(DetectorTest, SegmentObjectAcrossTileSeamsIsOnePolygon) {
  // 160×150 in tiles of 64 with overlap 24: x and y start at 0, 40, 80 and 96 / 86: 4 × 4 tiles. A red L crosses
  // several seams both ways; a green bar runs along a seam. Tiled, the polygons are exactly those of the whole image in
  // one tile (the model is per pixel, at scale 1), and the L is one polygon.
  ImageSpec s;
  s.w = 160, s.h = 150;
  auto l_shape = [](int x, int y) {
    return seg::InRect(10, 30, 150, 50)(x, y) || seg::InRect(110, 30, 130, 140)(x, y);
  };
  s.pixel = seg::Paint(l_shape, seg::InRect(36, 60, 44, 140));
  const std::string img = Image("seam_seg.png", s);
  DetectorOptions tiled;
  tiled.task = Task::kSegment, tiled.tile = 64, tiled.overlap = 24;
  auto d = Load("seg", tiled);
  ASSERT_TRUE(d.ok()) << d.status().message();
  auto r = (*d)->Run(img);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->tiles, 16);
  ASSERT_EQ(r->polygons.size(), 2u);
  const seg::PolygonEntity& l = r->polygons[0];
  EXPECT_EQ(l.class_id, Class("storage_tank"));
  ASSERT_EQ(l.rings.size(), 1u);
  EXPECT_DOUBLE_EQ(ingest::PolygonArea(l), 140 * 20 + 20 * 90);
  EXPECT_EQ(seg::Bounds(l.rings[0]), (std::array<double, 4>{10, 30, 150, 140}));
  EXPECT_NEAR(l.confidence, seg::kRedProb, 1e-5);
  EXPECT_DOUBLE_EQ(ingest::PolygonArea(r->polygons[1]), 8 * 80);
  // The oracle: the same image as one tile, through a model input of the image's size.
  DetectorOptions whole;
  whole.task = Task::kSegment, whole.tile = 1024, whole.input_w = 160, whole.input_h = 150;
  auto w = Load("seg", whole);
  ASSERT_TRUE(w.ok()) << w.status().message();
  auto rw = (*w)->Run(img);
  ASSERT_TRUE(rw.ok()) << rw.status().message();
  ASSERT_EQ(rw->polygons.size(), r->polygons.size());
  for (size_t i = 0; i < r->polygons.size(); ++i) {
    EXPECT_EQ(rw->polygons[i].class_id, r->polygons[i].class_id);
    EXPECT_DOUBLE_EQ(ingest::PolygonArea(rw->polygons[i]), ingest::PolygonArea(r->polygons[i]));
    EXPECT_EQ(seg::Bounds(rw->polygons[i].rings[0]), seg::Bounds(r->polygons[i].rings[0]));
  }
}

TEST_F(DetectorTest, SegmentLetterboxAndLowResolutionOutput) {
  // 128×64 through the 64×64 input (scale 1/2, 16 px of padding) and a half-resolution output
  // (scale 1/4 overall): a red block of 64×32 on the 4-px grid comes back as the same block.
  ImageSpec s;
  s.w = 128, s.h = 64;
  s.pixel = seg::Paint(seg::InRect(32, 16, 96, 48), [](int, int) { return false; });
  DetectorOptions o;
  o.task = Task::kSegment;
  for (const char* model : {"seg", "seg_half"}) {
    SCOPED_TRACE(model);
    auto d = Load(model, o);
    ASSERT_TRUE(d.ok()) << d.status().message();
    auto r = (*d)->Run(Image("wide_seg.png", s));
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_EQ(r->polygons.size(), 1u);
    const auto b = seg::Bounds(r->polygons[0].rings[0]);
    // Bilinear interpolation moves the boundary by at most one output pixel (2 or 4 image px).
    const double tol = std::string(model) == "seg" ? 2 : 4;
    EXPECT_NEAR(b[0], 32, tol);
    EXPECT_NEAR(b[1], 16, tol);
    EXPECT_NEAR(b[2], 96, tol);
    EXPECT_NEAR(b[3], 48, tol);
  }
}

TEST_F(DetectorTest, SegmentRefusesABoxModel) {
  DetectorOptions o;
  o.task = Task::kSegment;
  auto d = Load("obb_nms", o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(d.status().message().find("(1, C, H, W)"), std::string::npos) << d.status().message();
  EXPECT_NE(d.status().message().find("(1, 300, 7)"), std::string::npos) << d.status().message();
}

}  // namespace
}  // namespace georune::detect
