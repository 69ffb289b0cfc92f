// Knowledge-base records and chunks, and the readers that produce them.
//
// A Record is one landmark or document: an id, a name, a category, an optional image and
// location, text fields (world knowledge) and remote-sensing variables (expert knowledge, with
// optional per-month values). Chunks are the retrieval units; each carries its record's id.
//
// Readers (all stream their file: memory holds one record, never the whole file; all return
// kInvalidInput with "FILE:LINE: message" or "FILE: record N (ID x): message" diagnostics for
// bad input, kNotFound for a missing file or folder; never throw):
//  - ReadRswkFile: a JSON array of RSWK records (docs/rag.md, shared/spec/formats.md):
//    ID, image_name, "world knowledge" {Name, Category, Area, Location, …, Major_Events[]},
//    "remote sensing expert knowledge" {VAR: number|string, or VAR: {MONTH: value}}; an optional
//    "monthly expert knowledge" {MONTH: {VAR: value}} is also read.
//  - ReadJsonlFile: one JSON object a line: "id" (string or number, required), "title",
//    "text" (string or array of strings), "category", "image" or "image_path", "location"
//    ({"lat","lon"} or [lat, lon] or a DMS string), "fields" {name: text}; other string
//    members become fields too. Blank lines are skipped.
//  A record (an RSWK array element, a JSONL line) larger than kMaxRecordBytes is an error at
//  its line, and nothing after it is read.
//  ForEachRswkRecord and ForEachJsonlRecord hand each record to `sink` as it is read (stopping
//  at the first non-OK status it returns); ReadRswkFile and ReadJsonlFile collect them.
//  - ReadImageDir: every .png/.jpg/.jpeg/.tif/.tiff/.bmp file of a folder (not recursive), one
//    record each, id and name from the file stem; sorted by file name.
//
// Chunking (ChunkRecord): RS-RAG's field groups, each a chunk when it has any text:
//   basic_info (name, category, area, location, address, physical area, construction period,
//   historical background, major events), architecture_function (architectural
//   characteristics, primary function), culture_visitors (cultural significance, notable
//   visitors, details), expert_knowledge (all variables), monthly_expert_knowledge (one chunk
//   per month), image_description (the image's description, or detected objects).
// Generic documents give "text" chunks of at most `max_tokens` whitespace tokens with
// `overlap` tokens shared between neighbours, each prefixed with the title.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "georune/common/status.h"

namespace georune::rag {

struct Record {
  std::string id;
  std::string name;
  std::string category;
  std::string image_path;         // may be empty
  std::string image_description;  // may be empty
  bool has_location = false;
  double lat = 0, lon = 0;  // degrees
  // World-knowledge fields by their RSWK name (e.g. "Construction_Period"), as text.
  std::map<std::string, std::string> fields;
  // Expert-knowledge variables (e.g. "ALBEDO" -> "0.13", "LST_Day_1km" -> "26.27°C").
  std::map<std::string, std::string> variables;
  // Per-month variables: month ("January 2019") -> variable -> value.
  std::map<std::string, std::map<std::string, std::string>> monthly;
  // Free text of generic documents.
  std::string text;
  // Where it was read, "FILE:LINE" (or the image file); for messages only, not stored.
  std::string source;
};

struct Chunk {
  std::string record_id;
  std::string type;  // one of the chunk type names below
  std::string text;
};

inline constexpr const char* kChunkBasicInfo = "basic_info";
inline constexpr const char* kChunkArchitecture = "architecture_function";
inline constexpr const char* kChunkCulture = "culture_visitors";
inline constexpr const char* kChunkExpert = "expert_knowledge";
inline constexpr const char* kChunkMonthly = "monthly_expert_knowledge";
inline constexpr const char* kChunkImage = "image_description";
inline constexpr const char* kChunkText = "text";

struct ChunkOptions {
  int max_tokens = 200;  // for generic text
  int overlap = 40;
};

// The largest RSWK record or JSONL line the readers accept.
inline constexpr uint64_t kMaxRecordBytes = uint64_t{64} << 20;
using RecordSink = std::function<Status(Record&&)>;

Status ForEachRswkRecord(const std::string& path, const RecordSink& sink, uint64_t max_record_bytes = kMaxRecordBytes);
Status ForEachJsonlRecord(const std::string& path, const RecordSink& sink, uint64_t max_record_bytes = kMaxRecordBytes);
Result<std::vector<Record>> ReadRswkFile(const std::string& path);
Result<std::vector<Record>> ReadJsonlFile(const std::string& path);
Result<std::vector<Record>> ReadImageDir(const std::string& dir);

std::vector<Chunk> ChunkRecord(const Record& record, const ChunkOptions& options = {});
// Splits on whitespace into windows of at most max_tokens tokens, consecutive windows sharing
// `overlap` tokens (clamped to max_tokens-1). Empty text gives no windows.
std::vector<std::string> SplitByTokens(const std::string& text, int max_tokens, int overlap);

// Parses "40°11′27″N 29°02′46″E", "40.19N, 29.04E" or "40.19, 29.04"; of Wikipedia's
// "DMS / decimal / lat; lon" the part before the first " / ". False if not a location.
bool ParseLocation(const std::string& text, double* lat, double* lon);

// "Construction_Period" -> "Construction Period".
std::string FieldLabel(const std::string& field);

}  // namespace georune::rag
