// JSON Lines: reader and writer (docs/formats.md, "JSON Lines").
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "georune/common/json_error.h"
#include "georune/ingest/readers.h"
#include "ingest/driver.h"
#include "ingest/polygon_input.h"

namespace georune::ingest {
using namespace internal;
using nlohmann::json;

namespace {

constexpr const char* kJsonHint =
    "each line is one image: {\"image\": \"ID\", \"width\": W, \"height\": H, \"gsd\": G, "
    "\"path\": \"...\", \"entities\": [{\"class\": \"plane\", \"score\": 0.9, \"obb\": [x1,y1,...,x4,y4]}]}";

// Parses one non-blank line into `image`; returns the problem, or nullopt. A failure that is not
// the line's fault (GEOS cannot be loaded) is set in `environment` instead, returned as is.
std::optional<Diagnostic> ParseImageLine(FileContext& ctx, int line_no, std::string_view line, ImageRecord& image,
                                         Status& environment) {
  auto diag = [&](std::string message, std::string hint = kJsonHint) {
    return FileDiagnostic(ctx.path, line_no, std::move(message), std::move(hint));
  };
  json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Parsed again, on this error path only, for the reason and the column.
    try {
      [[maybe_unused]] const json again = json::parse(line.begin(), line.end());
    } catch (const json::exception& e) {
      return JsonDiagnostic(ctx.path, line_no, e.what(), kJsonHint, line);
    }
    return diag("not valid JSON");
  }
  if (!j.is_object()) return diag("expected a JSON object");
  auto img = j.find("image");
  if (img == j.end() || !img->is_string() || img->get_ref<const std::string&>().empty())
    return diag("missing or empty \"image\" (the image id, a string)");
  image.id = img->get<std::string>();
  auto int_field = [&](const char* name, int32_t& out) -> std::optional<Diagnostic> {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > INT32_MAX)
      return diag(std::string("\"") + name + "\" must be a non-negative integer (pixels)");
    out = static_cast<int32_t>(it->get<int64_t>());
    return std::nullopt;
  };
  if (auto d = int_field("width", image.width)) return d;
  if (auto d = int_field("height", image.height)) return d;
  if (auto it = j.find("gsd"); it != j.end() && !it->is_null()) {
    if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() <= 0)
      return diag("\"gsd\" must be a positive number (metres per pixel) or null",
                  "write e.g. \"gsd\": 0.5, or leave it out when unknown");
    image.gsd = it->get<double>();
  }
  if (auto it = j.find("path"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) return diag("\"path\" must be a string");
    image.path = it->get<std::string>();
  }
  auto ents = j.find("entities");
  if (ents == j.end() || ents->is_null()) return std::nullopt;
  if (!ents->is_array()) return diag("\"entities\" must be an array");
  image.entities.reserve(ents->size());
  for (size_t i = 0; i < ents->size(); ++i) {
    const json& e = (*ents)[i];
    std::string where = "entity " + std::to_string(i) + ": ";
    if (!e.is_object()) return diag(where + "expected an object");
    EntityRecord rec;
    auto cls = e.find("class");
    if (cls == e.end() || !cls->is_string()) return diag(where + "missing \"class\" (a string)");
    std::optional<int> id = ctx.classes.Find(cls->get_ref<const std::string&>());
    if (!id) {
      Diagnostic d = ctx.classes.Unknown(ctx.path, line_no, cls->get_ref<const std::string&>());
      d.message = where + d.message;
      return d;
    }
    rec.class_id = *id;
    if (auto s = e.find("score"); s != e.end()) {
      if (!s->is_number())
        return diag(where + "\"score\" must be a number in (0, 1]",
                    "leave \"score\" out for a ground-truth box (score 1)");
      double v = s->get<double>();
      if (!(v > 0 && v <= 1))
        return diag(where + "score " + s->dump() + " is outside (0, 1]",
                    "a detection confidence must be greater than 0 and at most 1");
      rec.score = static_cast<float>(v);
      if (rec.score <= 0) rec.score = std::numeric_limits<float>::denorm_min();
    }
    if (auto dflag = e.find("difficult"); dflag != e.end() && !dflag->is_null()) {
      if (dflag->is_boolean()) {
        rec.difficult = dflag->get<bool>();
      } else if (dflag->is_number_integer() && (dflag->get<int64_t>() == 0 || dflag->get<int64_t>() == 1)) {
        rec.difficult = dflag->get<int64_t>() == 1;
      } else {
        return diag(where + "\"difficult\" must be true/false or 0/1");
      }
    }
    auto wkt = e.find("wkt");
    auto geometry = e.find("geometry");
    if (wkt != e.end() || geometry != e.end()) {  // a polygon entity
      if (wkt != e.end() && geometry != e.end()) return diag(where + "give \"wkt\" or \"geometry\", not both");
      if (wkt != e.end() && !wkt->is_string()) return diag(where + "\"wkt\" must be a string: POLYGON ((x y, …))");
      const auto invalid = ctx.options.make_valid ? PolygonShape::Invalid::kRepair : PolygonShape::Invalid::kRefuse;
      auto shape = wkt != e.end() ? PolygonShape::FromWkt(wkt->get<std::string>(), invalid)
                                  : ShapeFromGeoJson(*geometry, invalid, nullptr);
      if (!shape.ok() && shape.status().code() != StatusCode::kInvalidInput) {
        environment = shape.status();
        return diag(where + shape.status().message());
      }
      if (!shape.ok())
        return diag(where + shape.status().message(),
                    "a polygon entity is {\"class\": …, \"wkt\": \"POLYGON ((x y, …))\"} or {\"class\": …, "
                    "\"geometry\": {\"type\": \"Polygon\", \"coordinates\": …}} in pixel coordinates; "
                    "invalid polygons can be repaired (GEOS MakeValid)")
            .With(Setting::kMakeValid);
      SetPolygon(**shape, rec);
      image.entities.push_back(std::move(rec));
      continue;
    }
    auto obb = e.find("obb");
    if (obb == e.end() || !obb->is_array() || obb->size() != 8)
      return diag(where + "\"obb\" must be an array of 8 numbers [x1,y1,x2,y2,x3,y3,x4,y4]");
    for (int k = 0; k < 8; ++k) {
      const json& v = (*obb)[k];
      if (!v.is_number()) return diag(where + "obb coordinate " + std::to_string(k + 1) + " is not a number");
      double x = v.get<double>();
      if (!std::isfinite(x)) return diag(where + "obb coordinate " + std::to_string(k + 1) + " is not finite");
      rec.corners[k] = x;
    }
    image.entities.push_back(rec);
  }
  return std::nullopt;
}

}  // namespace

namespace {

struct Line {
  int no;
  std::string_view text;
};

// Parses `lines` in parallel chunks, appending the images in order; the first bad line (in
// file order) is the error.
Status ParseLines(const std::string& file, const Ontology& ontology, const ReadOptions& options,
                  const std::vector<Line>& lines, std::vector<ImageRecord>& images, uint64_t& skipped_total) {
  constexpr size_t kChunk = 512;
  const size_t chunks = (lines.size() + kChunk - 1) / kChunk;
  std::vector<std::vector<ImageRecord>> out(chunks);
  std::vector<Status> status(chunks);
  std::vector<uint64_t> skipped(chunks, 0);
  ParallelFor(chunks, options.threads, [&](size_t c) {
    FileContext ctx{file, options, ClassLookup(ontology)};
    size_t end = std::min(lines.size(), (c + 1) * kChunk);
    for (size_t i = c * kChunk; i < end; ++i) {
      ImageRecord image;
      Status environment;
      if (auto d = ParseImageLine(ctx, lines[i].no, lines[i].text, image, environment)) {
        status[c] = environment.ok() ? ctx.Bad(*d) : environment;
        if (!status[c].ok()) return;
        continue;
      }
      out[c].push_back(std::move(image));
    }
    skipped[c] = ctx.skipped;
  });
  for (size_t c = 0; c < chunks; ++c) {
    GEORUNE_RETURN_IF_ERROR(status[c]);
    skipped_total += skipped[c];
  }
  for (auto& v : out)
    for (auto& im : v) images.push_back(std::move(im));
  return Status::Ok();
}

}  // namespace

// Streams the file in blocks: memory holds one block of text (plus at most one line) beside
// the records, whatever the file's size.
Result<std::vector<ImageRecord>> ReadJsonLines(const std::string& file, const Ontology& ontology,
                                               const ReadOptions& options, ReadReport* report) {
  GEORUNE_ASSIGN_OR_RETURN(int fd, OpenRegularFile(-1, nullptr, file));
  // 8 MiB blocks; a smaller file gets a block of its size (BlockForFile), so that reading a
  // small file costs no 8 MiB buffer.
  const size_t kBlock = BlockForFile(fd, size_t{8} << 20);
  std::string buf;
  std::vector<ImageRecord> images;
  std::vector<Line> lines;
  uint64_t skipped = 0;
  int line_no = 0;
  bool eof = false;
  Status st;
  while (!eof && st.ok()) {
    const size_t have = buf.size();
    buf.resize(have + kBlock);
    ssize_t n = ::read(fd, buf.data() + have, kBlock);
    if (n < 0 && errno == EINTR) {
      buf.resize(have);
      continue;
    }
    if (n < 0) {
      st = Status::IoError("cannot read " + file + ": " + std::strerror(errno));
      break;
    }
    buf.resize(have + static_cast<size_t>(n));
    eof = n == 0;
    // Complete lines: up to the last line end (all of it at the end of the file).
    size_t complete = eof ? buf.size() : buf.find_last_of("\r\n");
    if (!eof && complete != std::string::npos && complete + 1 == buf.size() && buf[complete] == '\r')
      complete = complete == 0 ? std::string::npos : buf.find_last_of("\r\n", complete - 1);  // "\r" + "\n"?
    if (complete == std::string::npos) {
      if (buf.size() > options.max_record_bytes) st = TooLarge(file, line_no + 1, options.max_record_bytes);
      continue;
    }
    if (!eof) ++complete;
    lines.clear();
    const int base = line_no;
    st = ForEachLine(std::string_view(buf).substr(0, complete), [&](int no, std::string_view l) -> Status {
      line_no = base + no;
      if (l.size() > options.max_record_bytes) return TooLarge(file, line_no, options.max_record_bytes);
      l = TrimBlanks(l);
      if (!l.empty()) lines.push_back({line_no, l});
      return Status::Ok();
    });
    if (st.ok()) st = ParseLines(file, ontology, options, lines, images, skipped);
    buf.erase(0, complete);
  }
  ::close(fd);
  GEORUNE_RETURN_IF_ERROR(st);
  if (options.progress) options.progress->Advance(1);
  if (report) {
    report->files += 1;
    report->skipped_lines += skipped;
  }
  return images;
}

Status WriteJsonLines(const std::string& file, const std::vector<ImageRecord>& images, const Ontology& ontology) {
  std::string out;
  for (const auto& im : images) {
    json j;
    j["image"] = im.id;
    if (im.width > 0) j["width"] = im.width;
    if (im.height > 0) j["height"] = im.height;
    if (std::isfinite(im.gsd)) j["gsd"] = im.gsd;
    if (!im.path.empty()) j["path"] = im.path;
    json ents = json::array();
    for (const auto& e : im.entities) {
      if (e.class_id < 0 || e.class_id >= ontology.ClassCount())
        return Status::InvalidInput("image '" + im.id + "': class id " + std::to_string(e.class_id) +
                                    " is not in the ontology '" + ontology.name() + "'");
      json je;
      je["class"] = ontology.Class(e.class_id).name;
      je["score"] = e.score;
      if (!e.polygon.empty()) {
        auto shape = PolygonShape::FromWkb(e.polygon);
        if (!shape.ok()) return Status::InvalidInput("image '" + im.id + "': " + shape.status().message());
        je["wkt"] = (*shape)->ToWkt();
      } else {
        json obb = json::array();
        for (double v : e.corners) obb.push_back(v);
        je["obb"] = std::move(obb);
      }
      if (e.difficult) je["difficult"] = 1;
      ents.push_back(std::move(je));
    }
    j["entities"] = std::move(ents);
    out += j.dump(-1, ' ', false, json::error_handler_t::replace);
    out += '\n';
  }
  return WritePlainFile(file, out);
}

}  // namespace georune::ingest
