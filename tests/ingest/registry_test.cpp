// The input-format registry: every kind registered once, lookups, and detection by names.
#include "georune/ingest/registry.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <set>

namespace georune::ingest {
namespace {
namespace fs = std::filesystem;

TEST(InputFormats, EveryKindOnceWithItsReader) {
  std::set<std::string> names;
  std::set<SourceKind> kinds;
  for (const auto& f : InputFormats()) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_TRUE(kinds.insert(f.kind).second) << f.name;
    EXPECT_EQ(FindInputFormat(f.name), &f);
    EXPECT_EQ(&InputFormatOf(f.kind), &f);
  }
  EXPECT_EQ(kinds.size(), 6u);
  EXPECT_EQ(FindInputFormat("dota_labels")->read, &ReadDotaLabelDir);
  EXPECT_EQ(FindInputFormat("dota_task1")->read, &ReadDotaTask1Dir);
  EXPECT_EQ(FindInputFormat("jsonl")->read, &ReadJsonLines);
  EXPECT_EQ(FindInputFormat("yolo_obb")->read, &ReadYoloObbDir);
  EXPECT_EQ(FindInputFormat("voc")->read, &ReadVocDir);
  EXPECT_EQ(FindInputFormat("geojson")->read, &ReadGeoJson);
  EXPECT_EQ(FindInputFormat("shapefile"), nullptr);
}

std::vector<std::string> Detected(const fs::path& p) {
  std::vector<std::string> out;
  for (const auto* f : DetectInputFormats(p.string())) out.push_back(f->name);
  return out;
}

void Touch(const fs::path& p) { std::ofstream(p) << "x\n"; }

TEST(InputFormats, DetectionByNames) {
  const fs::path root = fs::temp_directory_path() / ("georune_registry_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "dota" / "labelTxt");
  fs::create_directories(root / "task1");
  Touch(root / "task1" / "Task1_plane.txt");
  fs::create_directories(root / "plain");
  Touch(root / "plain" / "P0001.txt");
  fs::create_directories(root / "yolo" / "labels");
  fs::create_directories(root / "voc" / "Annotations");
  fs::create_directories(root / "xmls");
  Touch(root / "xmls" / "a.xml");
  Touch(root / "scenes.jsonl");
  Touch(root / "scene.geojson");
  fs::create_directories(root / "polygons");
  Touch(root / "polygons" / "P0001.geojson");
  Touch(root / "notes.md");
  using V = std::vector<std::string>;
  EXPECT_EQ(Detected(root / "dota"), V{"dota_labels"});
  EXPECT_EQ(Detected(root / "task1"), V{"dota_task1"});
  EXPECT_EQ(Detected(root / "plain"), V{"dota_labels"});
  EXPECT_EQ(Detected(root / "yolo"), V{"yolo_obb"});
  EXPECT_EQ(Detected(root / "yolo" / "labels"), V{"yolo_obb"});
  EXPECT_EQ(Detected(root / "voc"), V{"voc"});
  EXPECT_EQ(Detected(root / "xmls"), V{"voc"});
  EXPECT_EQ(Detected(root / "scenes.jsonl"), V{"jsonl"});
  EXPECT_EQ(Detected(root / "scene.geojson"), V{"geojson"});
  EXPECT_EQ(Detected(root / "polygons"), V{"geojson"});
  EXPECT_EQ(Detected(root / "notes.md"), V{});
  EXPECT_EQ(Detected(root / "absent"), V{});
  // A labels/ folder of *.txt files could be either: both are named.
  Touch(root / "yolo" / "labels" / "img1.txt");
  EXPECT_EQ(Detected(root / "yolo" / "labels"), (V{"dota_labels", "yolo_obb"}));
  fs::remove_all(root);
}

}  // namespace
}  // namespace georune::ingest
