// Questions of the RSWK benchmark (RS-RAG's DATASET_FULL / DATASET_MINI files), turned into
// text questions that name the landmark, for a knowledge base built without images.
//
// Reads, from a file or every such file under a folder (recursively, sorted by path):
//  - JSON Lines with {"messages":[{"role":"user","content":"<image>Q"},{"role":"assistant",
//    "content":"A"}],"images":["NAME.png"]}: classification files (path contains
//    "classification") become Task::kClassify, the rest Task::kVqa;
//  - a JSON array of {"image_name": NAME, "gpt_output":[{"question","answer"}]} (vqa_c);
//    gpt_output may also be a string holding that array (unparseable ones count as skipped).
// The landmark is the image's file stem; items whose landmark is not the Name of a record of
// the knowledge base are skipped (counted in `skipped`). NameLandmark() removes "<image>" and
// replaces the phrase that points at the image ("the site in the remote image", "this remote
// image", "this area", …) by the landmark's name, or appends " (NAME)" when none is found.
// kInvalidInput with FILE:LINE for malformed lines; kNotFound for a missing path.
#pragma once

#include <string>
#include <vector>

#include "georune/rag/answer.h"
#include "georune/rag/knowledge_base.h"

namespace georune::rag {

struct BenchItem {
  std::string id;    // "FILE_STEM:LINE[:k]"
  std::string kind;  // file stem, e.g. "vqa_wk_full_test_2993"
  Task task = Task::kVqa;
  std::string question;  // with the landmark named
  std::string original;  // as in the file
  std::string gold;
  std::string record_id;
  std::string landmark;
};

std::string NameLandmark(const std::string& question, const std::string& name);

Result<std::vector<BenchItem>> LoadRswkQuestions(const std::string& path, const KnowledgeBase& kb, size_t* skipped);

}  // namespace georune::rag
