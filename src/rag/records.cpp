#include "georune/rag/records.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "georune/common/diagnostic.h"
#include "georune/common/files.h"
#include "georune/common/json_array.h"
#include "georune/common/json_error.h"
#include "georune/common/lines.h"
#include "georune/common/text.h"
#include "rag/record_json.h"

namespace georune::rag {
namespace {

using nlohmann::json;

std::string ValueToText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  if (v.is_number() || v.is_boolean()) return v.dump();
  std::string out;
  if (v.is_array()) {
    for (const auto& e : v) {
      std::string t;
      if (e.is_object() && e.contains("Event")) {
        // Major_Events: {"Event", "Year", "Description"}
        t = ValueToText(e.value("Event", json()));
        const std::string year = ValueToText(e.value("Year", json()));
        if (!year.empty()) t += " (" + year + ")";
        const std::string desc = ValueToText(e.value("Description", json()));
        if (!desc.empty()) t += ": " + desc;
      } else {
        t = ValueToText(e);
      }
      if (t.empty()) continue;
      if (!out.empty()) out += "; ";
      out += t;
    }
    return out;
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string t = ValueToText(it.value());
    if (t.empty()) continue;
    if (!out.empty()) out += "; ";
    out += it.key() + ": " + t;
  }
  return out;
}

constexpr const char* kRswkHint = "an RSWK file is one JSON array of records";

}  // namespace

std::string FieldLabel(const std::string& field) {
  std::string out = field;
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

bool ParseLocation(const std::string& full, double* lat, double* lon) {
  // Wikipedia's "DMS / decimal / lat; lon" repeats the location: the first form is enough.
  const std::string text = full.substr(0, full.find(" / ") == std::string::npos ? full.size() : full.find('/'));
  // Collect numbers and hemisphere letters in order; degree/minute/second marks separate them.
  std::vector<double> nums;
  std::vector<std::pair<size_t, char>> hemis;  // (numbers seen so far, letter)
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        ((c == '-' || c == '.') && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
      size_t j = i + 1;
      while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) ++j;
      nums.push_back(std::strtod(text.substr(i, j - i).c_str(), nullptr));
      i = j;
    } else {
      if (c == 'N' || c == 'S' || c == 'E' || c == 'W') hemis.emplace_back(nums.size(), c);
      ++i;
    }
  }
  if (hemis.size() == 2) {
    const size_t split = hemis[0].first;
    auto dms = [&](size_t from, size_t to) {
      double v = 0, scale = 1;
      for (size_t k = from; k < to && k < from + 3; ++k, scale *= 60) v += nums[k] / scale;
      return v;
    };
    if (split == 0 || hemis[1].first <= split) return false;
    double a = dms(0, split), b = dms(split, hemis[1].first);
    if (hemis[0].second == 'S') a = -a;
    if (hemis[1].second == 'W') b = -b;
    if (hemis[0].second == 'E' || hemis[0].second == 'W') std::swap(a, b);
    if (std::abs(a) > 90 || std::abs(b) > 180) return false;
    *lat = a;
    *lon = b;
    return true;
  }
  if (hemis.empty() && nums.size() == 2 && std::abs(nums[0]) <= 90 && std::abs(nums[1]) <= 180) {
    *lat = nums[0];
    *lon = nums[1];
    return true;
  }
  return false;
}

Result<Record> RswkRecord(const json& r, const std::string& path, int line, size_t index) {
  auto fail = [&](const std::string& msg, const std::string& hint = {}) {
    return FileDiagnostic(path, line, "record " + std::to_string(index + 1) + ": " + msg, hint).ToStatus();
  };
  if (!r.is_object()) return fail("expected a JSON object");
  Record rec;
  rec.source = path + ":" + std::to_string(line);
  if (!r.contains("ID") || !(r["ID"].is_string() || r["ID"].is_number_integer())) {
    return fail("missing \"ID\" (a string)");
  }
  rec.id = r["ID"].is_string() ? r["ID"].get<std::string>() : r["ID"].dump();
  if (rec.id.empty()) return fail("empty \"ID\"");
  const json* wk = r.contains("world knowledge") ? &r["world knowledge"] : nullptr;
  if (!wk || !wk->is_object()) {
    return fail("missing \"world knowledge\" object",
                "RSWK records have ID, image_name, "
                "\"world knowledge\" and \"remote sensing expert knowledge\"");
  }
  for (auto it = wk->begin(); it != wk->end(); ++it) {
    const std::string t(TrimAsciiSpace(ValueToText(it.value())));
    if (!t.empty()) rec.fields[it.key()] = t;
  }
  rec.name = rec.fields.count("Name") ? rec.fields["Name"] : "";
  if (rec.name.empty() && r.contains("image_name") && r["image_name"].is_string())
    rec.name = r["image_name"].get<std::string>();
  if (rec.name.empty()) return fail("no Name in \"world knowledge\" and no image_name");
  rec.category = rec.fields.count("Category") ? rec.fields["Category"] : "";
  if (rec.fields.count("Location")) rec.has_location = ParseLocation(rec.fields["Location"], &rec.lat, &rec.lon);
  if (r.contains("remote sensing expert knowledge")) {
    const json& ek = r["remote sensing expert knowledge"];
    if (!ek.is_object()) return fail("\"remote sensing expert knowledge\" is not an object");
    for (auto it = ek.begin(); it != ek.end(); ++it) {
      if (it.value().is_object()) {  // VAR: {MONTH: value}
        for (auto m = it.value().begin(); m != it.value().end(); ++m)
          rec.monthly[m.key()][it.key()] = ValueToText(m.value());
      } else {
        rec.variables[it.key()] = ValueToText(it.value());
      }
    }
  }
  if (r.contains("monthly expert knowledge")) {
    const json& mk = r["monthly expert knowledge"];
    if (!mk.is_object()) return fail("\"monthly expert knowledge\" is not an object");
    for (auto m = mk.begin(); m != mk.end(); ++m) {
      if (!m.value().is_object()) return fail("month \"" + m.key() + "\" is not an object");
      for (auto v = m.value().begin(); v != m.value().end(); ++v)
        rec.monthly[m.key()][v.key()] = ValueToText(v.value());
    }
  }
  if (r.contains("image_path") && r["image_path"].is_string()) rec.image_path = r["image_path"].get<std::string>();
  if (r.contains("image_description") && r["image_description"].is_string())
    rec.image_description = r["image_description"].get<std::string>();
  return rec;
}

Result<Record> JsonlRecord(const json& j, const std::string& path, int line, const std::string& base_dir) {
  if (!j.is_object()) return FileDiagnostic(path, line, "expected a JSON object").ToStatus();
  Record rec;
  rec.source = path + ":" + std::to_string(line);
  if (!j.contains("id") || !(j["id"].is_string() || j["id"].is_number_integer())) {
    return FileDiagnostic(path, line, "missing \"id\"", "every document needs an id").ToStatus();
  }
  rec.id = j["id"].is_string() ? j["id"].get<std::string>() : j["id"].dump();
  if (rec.id.empty()) return FileDiagnostic(path, line, "empty \"id\"").ToStatus();
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    if (k == "id") continue;
    if (k == "title" || k == "name") {
      rec.name = ValueToText(v);
    } else if (k == "text") {
      if (!v.is_string() && !v.is_array()) {
        return FileDiagnostic(path, line, "\"text\" must be a string or an array of strings").ToStatus();
      }
      rec.text = v.is_string() ? v.get<std::string>() : "";
      if (v.is_array()) {
        for (const auto& e : v) rec.text += (rec.text.empty() ? "" : "\n") + ValueToText(e);
      }
    } else if (k == "category") {
      rec.category = ValueToText(v);
    } else if (k == "image" || k == "image_path") {
      if (!v.is_string()) {
        return FileDiagnostic(path, line, "\"" + k + "\" must be a string").ToStatus();
      }
      rec.image_path = v.get<std::string>();
      if (!rec.image_path.empty() && std::filesystem::path(rec.image_path).is_relative() && !base_dir.empty())
        rec.image_path = base_dir + "/" + rec.image_path;
    } else if (k == "image_description" || k == "caption") {
      rec.image_description = ValueToText(v);
    } else if (k == "location") {
      bool ok = false;
      if (v.is_object() && v.contains("lat") && v.contains("lon") && v["lat"].is_number() && v["lon"].is_number()) {
        rec.lat = v["lat"].get<double>();
        rec.lon = v["lon"].get<double>();
        ok = std::abs(rec.lat) <= 90 && std::abs(rec.lon) <= 180;
      } else if (v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number()) {
        rec.lat = v[0].get<double>();
        rec.lon = v[1].get<double>();
        ok = std::abs(rec.lat) <= 90 && std::abs(rec.lon) <= 180;
      } else if (v.is_string()) {
        ok = ParseLocation(v.get<std::string>(), &rec.lat, &rec.lon);
        rec.fields["Location"] = v.get<std::string>();
      }
      if (!ok) {
        return FileDiagnostic(path, line, "\"location\" is not a location",
                              "use {\"lat\": 40.1, \"lon\": 29.0}, [lat, lon] or "
                              "\"40°11′27″N 29°02′46″E\"")
            .ToStatus();
      }
      rec.has_location = true;
    } else if (k == "fields") {
      if (!v.is_object()) return FileDiagnostic(path, line, "\"fields\" must be an object").ToStatus();
      for (auto f = v.begin(); f != v.end(); ++f) {
        const std::string t(TrimAsciiSpace(ValueToText(f.value())));
        if (!t.empty()) rec.fields[f.key()] = t;
      }
    } else if (v.is_string() || v.is_number()) {
      const std::string t(TrimAsciiSpace(ValueToText(v)));
      if (!t.empty()) rec.fields[k] = t;
    }
  }
  if (rec.name.empty()) rec.name = rec.id;
  if (!rec.category.empty()) rec.fields["Category"] = rec.category;
  rec.fields["Name"] = rec.name;
  return rec;
}

Status ForEachRswkRecord(const std::string& path, const RecordSink& sink, uint64_t max_record_bytes) {
  GEORUNE_ASSIGN_OR_RETURN(int fd, OpenRegularFile(-1, nullptr, path));
  JsonArrayOptions options;
  options.max_element_bytes = max_record_bytes;
  options.element_name = "record";
  options.expected = "a JSON array of RSWK records";
  options.hint = kRswkHint;
  Status st = ForEachJsonArrayElement(fd, path, options, [&](const JsonArrayElement& e) -> Status {
    json r;
    try {
      r = json::parse(e.text.begin(), e.text.end());
    } catch (const json::exception& ex) {
      return ElementJsonDiagnostic(path, e, ex.what(), kRswkHint).ToStatus();
    }
    GEORUNE_ASSIGN_OR_RETURN(Record rec, RswkRecord(r, path, e.line, e.index));
    return sink(std::move(rec));
  });
  ::close(fd);
  return st;
}

Status ForEachJsonlRecord(const std::string& path, const RecordSink& sink, uint64_t max_record_bytes) {
  GEORUNE_ASSIGN_OR_RETURN(int fd, OpenRegularFile(-1, nullptr, path));
  const std::string base_dir = std::filesystem::path(path).parent_path().string();
  std::string buffer;
  Status st = ForEachLineOfFile(
      fd, path, buffer, max_record_bytes,
      [&](int line_no, std::string_view line) -> Status {
        if (TrimAsciiSpace(line).empty()) return Status::Ok();
        json j;
        try {
          j = json::parse(line.begin(), line.end());
        } catch (const json::exception& e) {
          return JsonDiagnostic(path, line_no, e.what(), "one JSON object per line", line).ToStatus();
        }
        GEORUNE_ASSIGN_OR_RETURN(Record rec, JsonlRecord(j, path, line_no, base_dir));
        return sink(std::move(rec));
      },
      [&](int line_no) {
        return FileDiagnostic(path, line_no, "this line is larger than the limit of " + SizeLimitText(max_record_bytes),
                              "one document (one line) may be at most that large; is it the right file?")
            .ToStatus();
      });
  ::close(fd);
  return st;
}

namespace {

Result<std::vector<Record>> Collect(Status (*each)(const std::string&, const RecordSink&, uint64_t),
                                    const std::string& path) {
  std::vector<Record> records;
  GEORUNE_RETURN_IF_ERROR(each(
      path,
      [&](Record&& r) {
        records.push_back(std::move(r));
        return Status::Ok();
      },
      kMaxRecordBytes));
  return records;
}

}  // namespace

Result<std::vector<Record>> ReadRswkFile(const std::string& path) { return Collect(ForEachRswkRecord, path); }
Result<std::vector<Record>> ReadJsonlFile(const std::string& path) { return Collect(ForEachJsonlRecord, path); }

Result<std::vector<Record>> ReadImageDir(const std::string& dir) {
  GEORUNE_RETURN_IF_ERROR(CheckFolder(dir));
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    const std::string ext = AsciiLower(e.path().extension().string());
    if (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".tif" || ext == ".tiff" || ext == ".bmp")
      files.push_back(e.path());
  }
  if (ec) return Status::IoError(dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<Record> records;
  for (const auto& f : files) {
    Record rec;
    rec.id = f.stem().string();
    rec.name = rec.id;
    rec.image_path = f.string();
    rec.source = f.string();
    rec.fields["Name"] = rec.name;
    records.push_back(std::move(rec));
  }
  return records;
}

std::vector<std::string> SplitByTokens(const std::string& text, int max_tokens, int overlap) {
  std::vector<std::string> words;
  std::istringstream in(text);
  std::string w;
  while (in >> w) words.push_back(w);
  std::vector<std::string> out;
  if (words.empty()) return out;
  max_tokens = std::max(1, max_tokens);
  overlap = std::clamp(overlap, 0, max_tokens - 1);
  const size_t step = size_t(max_tokens - overlap);
  for (size_t start = 0; start < words.size(); start += step) {
    const size_t end = std::min(words.size(), start + size_t(max_tokens));
    std::string s;
    for (size_t k = start; k < end; ++k) s += (k > start ? " " : "") + words[k];
    out.push_back(std::move(s));
    if (end == words.size()) break;
  }
  return out;
}

std::vector<Chunk> ChunkRecord(const Record& r, const ChunkOptions& options) {
  std::vector<Chunk> chunks;
  auto group = [&](const char* type, std::initializer_list<const char*> names, bool with_name) {
    std::string text;
    for (const char* n : names) {
      auto it = r.fields.find(n);
      if (it == r.fields.end() || it->second.empty()) continue;
      text += FieldLabel(n) + ": " + it->second + "\n";
    }
    if (text.empty()) return;
    if (with_name) text = r.name + "\n" + text;
    else text = r.name + " — " + text;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    chunks.push_back({r.id, type, text});
  };
  group(kChunkBasicInfo,
        {"Name", "Category", "Area", "Location", "Address", "Physical_Area", "Construction_Period",
         "Historical_Background", "Major_Events"},
        false);
  group(kChunkArchitecture, {"Architectural_Characteristics", "Primary_Function"}, false);
  group(kChunkCulture, {"Cultural_Significance", "Notable_Visitors", "Details"}, false);
  // Other fields of generic documents (not RSWK names) join the basic-info chunk as text.
  static const std::vector<std::string> kKnown = {"Name",
                                                  "Category",
                                                  "Area",
                                                  "Location",
                                                  "Address",
                                                  "Physical_Area",
                                                  "Construction_Period",
                                                  "Historical_Background",
                                                  "Major_Events",
                                                  "Architectural_Characteristics",
                                                  "Primary_Function",
                                                  "Cultural_Significance",
                                                  "Notable_Visitors",
                                                  "Details"};
  std::string extra;
  for (const auto& [k, v] : r.fields) {
    if (std::find(kKnown.begin(), kKnown.end(), k) != kKnown.end()) continue;
    extra += FieldLabel(k) + ": " + v + "\n";
  }
  if (!extra.empty()) {
    for (auto& piece : SplitByTokens(extra, options.max_tokens, options.overlap))
      chunks.push_back({r.id, kChunkText, r.name + " — " + piece});
  }
  if (!r.variables.empty()) {
    std::string text = r.name + " — remote sensing expert knowledge:";
    for (const auto& [k, v] : r.variables) text += " " + k + " = " + v + ";";
    text.pop_back();
    chunks.push_back({r.id, kChunkExpert, text});
  }
  for (const auto& [month, vars] : r.monthly) {
    std::string text = r.name + " — remote sensing expert knowledge in " + month + ":";
    for (const auto& [k, v] : vars) text += " " + k + " = " + v + ";";
    text.pop_back();
    chunks.push_back({r.id, kChunkMonthly, text});
  }
  if (!r.text.empty()) {
    for (auto& piece : SplitByTokens(r.text, options.max_tokens, options.overlap))
      chunks.push_back({r.id, kChunkText, r.name + " — " + piece});
  }
  if (!r.image_path.empty() || !r.image_description.empty()) {
    std::string text = r.name + " — image";
    if (!r.image_description.empty()) text += ": " + r.image_description;
    else if (!r.category.empty()) text += " of a " + r.category;
    chunks.push_back({r.id, kChunkImage, text});
  }
  return chunks;
}

}  // namespace georune::rag
