// The input formats, as a registry: each format registers its name, how to recognise a path of
// it, and its reader (readers.h). The CLI and the Python module look readers up here by name;
// DetectInputFormats says which formats a path looks like (for messages and tools).
//
// Names (the Python keywords; the CLI flags are the same with '-' for '_' and "jsonl"):
//   dota_labels  DOTA labelTxt folder        (ReadDotaLabelDir)
//   dota_task1   DOTA Task1 results folder   (ReadDotaTask1Dir)
//   jsonl        JSON Lines file             (ReadJsonLines)
//   yolo_obb     YOLO-OBB label folder       (ReadYoloObbDir)
//   voc          Pascal-VOC style XML folder (ReadVocDir)
// Detection looks at names only (the folder's entries, the file's extension), never parses:
//   dota_labels: a folder holding labelTxt/, or *.txt files none of which is Task1_*.txt;
//   dota_task1: a folder holding Task1_*.txt files; jsonl: a regular file *.jsonl or *.ndjson;
//   yolo_obb: a folder named labels, or holding labels/; voc: a folder holding Annotations/ or
//   *.xml files. A labels/ folder of *.txt files is both dota_labels and yolo_obb: detection
//   returns every match, in registry order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "georune/ingest/readers.h"

namespace georune::ingest {

using ReaderFn = Result<std::vector<ImageRecord>> (*)(const std::string& path, const Ontology& ontology,
                                                      const ReadOptions& options, ReadReport* report);

struct InputFormat {
  const char* name;
  SourceKind kind;
  const char* description;
  ReaderFn read;
  bool (*detect)(const std::string& path);
};

// Every format, in the order above (the order the CLI reads its sources in).
const std::vector<InputFormat>& InputFormats();
// nullptr when no format has that name.
const InputFormat* FindInputFormat(std::string_view name);
// The format of a SourceKind (every kind is registered).
const InputFormat& InputFormatOf(SourceKind kind);
// The formats `path` looks like (empty when none, or when it does not exist).
std::vector<const InputFormat*> DetectInputFormats(const std::string& path);

}  // namespace georune::ingest
