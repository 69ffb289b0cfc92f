// DOTA labelTxt and Task1: readers and writers (docs/formats.md).
#include <algorithm>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "georune/ingest/readers.h"
#include "ingest/driver.h"

namespace georune::ingest {
namespace fs = std::filesystem;
using namespace internal;

namespace {

constexpr const char* kLabelHint =
    "a DOTA labelTxt line is 'x1 y1 x2 y2 x3 y3 x4 y4 class [difficult]', after optional "
    "'imagesource:' and 'gsd:' header lines";
constexpr const char* kTask1Hint = "a DOTA Task1 line is '<image_id> <score> x1 y1 x2 y2 x3 y3 x4 y4'";

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

Status ParseLabelFile(FileContext& ctx, std::string_view text, ImageRecord& image) {
  image.id = FileStem(ctx.path);
  image.entities.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  return ForEachLine(text, [&](int line_no, std::string_view line) -> Status {
    std::string_view t = TrimBlanks(line);
    if (t.empty()) return Status::Ok();
    if (StartsWith(t, "imagesource:")) return Status::Ok();
    if (StartsWith(t, "gsd:")) {
      std::string_view v = TrimBlanks(t.substr(4));
      if (v == "null" || v == "None" || v == "none" || v == "NaN" || v == "nan") {
        image.gsd = std::nan("");
        return Status::Ok();
      }
      std::optional<double> g = ParseDouble(v);
      if (!g || !std::isfinite(*g) || *g <= 0)
        return ctx.Bad(line_no, "gsd must be a positive number or null, found " + Quote(v),
                       "write e.g. 'gsd:0.5' (metres per pixel) or 'gsd:null' when unknown");
      image.gsd = *g;
      return Status::Ok();
    }
    std::string_view tok[10];
    size_t n = Tokenize(t, tok, 10);
    if (n != 9 && n != 10)
      return ctx.Bad(line_no,
                     "expected 8 coordinates, a class and an optional difficult flag, found " + std::to_string(n) +
                         " field" + (n == 1 ? "" : "s"),
                     kLabelHint);
    EntityRecord e;
    if (auto err = ParseCorners(tok, e.corners)) return ctx.Bad(line_no, *err, kLabelHint);
    std::optional<int> cls = ctx.classes.Find(tok[8]);
    if (!cls) return ctx.Bad(ctx.classes.Unknown(ctx.path, line_no, tok[8]));
    e.class_id = *cls;
    if (n == 10) {
      // formats.md says 0 or 1; real DOTA files (mmrotate test data) also hold 2. Any
      // non-negative integer is accepted; a non-zero value marks the entity difficult.
      std::optional<long long> d = ParseInt(tok[9]);
      if (!d || *d < 0) return ctx.Bad(line_no, "difficult must be 0 or 1, found " + Quote(tok[9]), kLabelHint);
      e.difficult = *d != 0;
    }
    image.entities.push_back(e);
    return Status::Ok();
  });
}

std::string LabelOf(const Ontology& ontology, int id) {
  const OntologyClass& c = ontology.Class(id);
  return c.labels.empty() ? c.name : c.labels.front();
}

Status CheckClasses(const std::vector<ImageRecord>& images, const Ontology& ontology) {
  for (const auto& im : images)
    for (const auto& e : im.entities)
      if (e.class_id < 0 || e.class_id >= ontology.ClassCount())
        return Status::InvalidInput("image '" + im.id + "': class id " + std::to_string(e.class_id) +
                                    " is not in the ontology '" + ontology.name() + "'");
  return Status::Ok();
}

Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create folder " + dir + ": " + ec.message());
  return Status::Ok();
}

void AppendCorners(std::string& out, const Corners& c) {
  for (int k = 0; k < 8; ++k) {
    if (k) out += ' ';
    AppendDouble(out, c[k]);
  }
}

}  // namespace

Result<std::vector<ImageRecord>> ReadDotaLabelDir(const std::string& dir, const Ontology& ontology,
                                                  const ReadOptions& options, ReadReport* report) {
  std::string folder = dir;
  std::error_code ec;
  if (fs::is_directory(fs::path(dir) / "labelTxt", ec)) folder = (fs::path(dir) / "labelTxt").string();
  GEORUNE_ASSIGN_OR_RETURN(std::vector<std::string> files, ListFiles(folder, ".txt", false));
  GEORUNE_RETURN_IF_ERROR(
      RequireFiles(files, folder, "DOTA label files (*.txt)",
                   "give the labelTxt folder (one <image_id>.txt per image), or the folder holding it"));
  return ParseFiles<ImageRecord>(files, ontology, options, report, ParseLabelFile);
}

Result<std::vector<ImageRecord>> ReadDotaTask1Dir(const std::string& dir, const Ontology& ontology,
                                                  const ReadOptions& options, ReadReport* report) {
  GEORUNE_ASSIGN_OR_RETURN(std::vector<std::string> all, ListFiles(dir, ".txt", false));
  std::vector<std::string> files;
  for (auto& f : all)
    if (StartsWith(FileName(f), "Task1_")) files.push_back(f);
  GEORUNE_RETURN_IF_ERROR(RequireFiles(files, dir, "Task1_<class>.txt files",
                                       "DOTA Task1 results are one file per class named Task1_<class>.txt"));
  // Each file parses into a list of (image id, entity) pairs.
  struct Detections {
    std::vector<std::pair<std::string, EntityRecord>> rows;
  };
  // Streamed: a Task1 file holds every image's detections of its class, of any size.
  auto parse = [&](FileContext& ctx, FileLines& lines, Detections& out) -> Status {
    std::string stem = FileStem(ctx.path).substr(6);
    std::optional<int> cls = ctx.classes.Find(stem);
    if (!cls) {
      // Located at the first detection, the first line that would need the class.
      int first = 0;
      Status st = lines.ForEach([&](int line_no, std::string_view line) {
        if (TrimBlanks(line).empty()) return Status::Ok();
        first = line_no;
        return Status::Internal("stop");  // ends the read at the first detection
      });
      if (first == 0 && !st.ok()) return st;
      Diagnostic d = ctx.classes.Unknown(ctx.path, first, stem);
      d.message = "unknown class " + Quote(stem) + " in the file name";
      return d.ToStatus();  // a whole file cannot be skipped line by line
    }
    return lines.ForEach([&](int line_no, std::string_view line) -> Status {
      std::string_view t = TrimBlanks(line);
      if (t.empty()) return Status::Ok();
      std::string_view tok[10];
      size_t n = Tokenize(t, tok, 10);
      if (n != 10)
        return ctx.Bad(line_no,
                       "expected an image id, a score and 8 coordinates, found " + std::to_string(n) + " field" +
                           (n == 1 ? "" : "s"),
                       kTask1Hint);
      EntityRecord e;
      e.class_id = *cls;
      std::optional<double> score = ParseDouble(tok[1]);
      if (!score) return ctx.Bad(line_no, "score is not a number: " + Quote(tok[1]), kTask1Hint);
      if (!(*score > 0 && *score <= 1))
        return ctx.Bad(line_no, "score " + Quote(tok[1]) + " is outside (0, 1]",
                       "a detection confidence must be greater than 0 and at most 1");
      e.score = static_cast<float>(*score);
      if (e.score <= 0) e.score = std::numeric_limits<float>::denorm_min();
      if (auto err = ParseCorners(tok + 2, e.corners)) return ctx.Bad(line_no, *err, kTask1Hint);
      if (!IsValidUtf8(tok[0]))
        return ctx.Bad(line_no, "the image id " + Quote(tok[0]) + " is not valid UTF-8",
                       "image ids must be UTF-8 text");
      out.rows.emplace_back(std::string(tok[0]), e);
      return Status::Ok();
    });
  };
  GEORUNE_ASSIGN_OR_RETURN(std::vector<Detections> per_file,
                           ParseFiles<Detections>(files, ontology, options, report, parse));
  std::unordered_map<std::string, size_t> index;
  std::vector<ImageRecord> images;
  for (auto& d : per_file) {
    for (auto& [id, e] : d.rows) {
      auto [it, inserted] = index.emplace(id, images.size());
      if (inserted) {
        images.emplace_back();
        images.back().id = id;
      }
      images[it->second].entities.push_back(e);
    }
  }
  std::sort(images.begin(), images.end(), [](const ImageRecord& a, const ImageRecord& b) { return a.id < b.id; });
  return images;
}

Status WriteDotaLabelDir(const std::string& dir, const std::vector<ImageRecord>& images, const Ontology& ontology) {
  GEORUNE_RETURN_IF_ERROR(CheckClasses(images, ontology));
  GEORUNE_RETURN_IF_ERROR(MakeDirs(dir));
  std::vector<std::string> labels;
  for (int i = 0; i < ontology.ClassCount(); ++i) labels.push_back(LabelOf(ontology, i));
  std::vector<Status> status(images.size());
  ParallelFor(images.size(), 0, [&](size_t i) {
    const ImageRecord& im = images[i];
    std::string out;
    out.reserve(64 + im.entities.size() * 80);
    if (std::isfinite(im.gsd)) {
      out += "imagesource:georune\r\ngsd:";
      AppendDouble(out, im.gsd);
      out += "\r\n";
    }
    for (const auto& e : im.entities) {
      AppendCorners(out, e.corners);
      out += ' ';
      out += labels[e.class_id];
      out += e.difficult ? " 1\r\n" : " 0\r\n";
    }
    status[i] = WritePlainFile((fs::path(dir) / (im.id + ".txt")).string(), out);
  });
  for (auto& st : status) GEORUNE_RETURN_IF_ERROR(st);
  return Status::Ok();
}

Status WriteDotaTask1Dir(const std::string& dir, const std::vector<ImageRecord>& images, const Ontology& ontology) {
  GEORUNE_RETURN_IF_ERROR(CheckClasses(images, ontology));
  GEORUNE_RETURN_IF_ERROR(MakeDirs(dir));
  std::vector<std::string> per_class(ontology.ClassCount());
  std::vector<bool> present(ontology.ClassCount(), false);
  for (const auto& im : images) {
    for (const auto& e : im.entities) {
      std::string& out = per_class[e.class_id];
      present[e.class_id] = true;
      out += im.id;
      out += ' ';
      AppendFloat(out, e.score);
      out += ' ';
      AppendCorners(out, e.corners);
      out += '\n';
    }
  }
  for (int c = 0; c < ontology.ClassCount(); ++c) {
    if (!present[c]) continue;
    GEORUNE_RETURN_IF_ERROR(
        WritePlainFile((fs::path(dir) / ("Task1_" + LabelOf(ontology, c) + ".txt")).string(), per_class[c]));
  }
  return Status::Ok();
}

}  // namespace georune::ingest
