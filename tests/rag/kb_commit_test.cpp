// The knowledge base commits through one manifest: old or new after any crash, never a mix;
// files of another build are detected; one writer at a time; orphans removed by the next one.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "georune/common/files.h"
#include "georune/common/store_lock.h"
#include "georune/embed/hashed_text.h"
#include "georune/rag/knowledge_base.h"
#include "test_support.h"

namespace georune::rag {
namespace {

using test_support::TempDir;
namespace fs = std::filesystem;

// `n` records whose text names `tag`, so two builds differ in content but not in shape.
KnowledgeBase MakeKb(const std::string& tag, int n) {
  static embed::HashedTextEmbedder text(64);
  std::vector<Record> records;
  for (int i = 0; i < n; ++i) {
    Record r;
    r.id = tag + std::to_string(i);
    r.name = "Place " + r.id;
    r.category = "Stadium";
    r.text = "The " + tag + " record number " + std::to_string(i) + ".";
    records.push_back(r);
  }
  auto kb = KnowledgeBase::Build(records, text, nullptr, {}, nullptr);
  EXPECT_TRUE(kb.ok()) << kb.status().message();
  return std::move(*kb);
}

std::set<std::string> Names(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

std::string FirstRecordId(const std::string& dir) {
  auto kb = KnowledgeBase::Load(dir);
  EXPECT_TRUE(kb.ok()) << kb.status().message();
  return kb.ok() && !kb->records().empty() ? kb->records()[0].id : "";
}

std::string FileWith(const std::string& dir, const std::string& ext) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ext) return e.path().string();
  return "";
}

TEST(KbCommit, ASaveReplacesTheBuildAndRemovesTheOldFiles) {
  TempDir tmp("kb_commit");
  const std::string dir = tmp.path() + "/kb";
  ASSERT_TRUE(MakeKb("old", 3).Save(dir).ok());
  EXPECT_EQ(Names(dir).size(), 3u);  // MANIFEST, kb-<id>.grkb, vectors-<id>.grvs
  ASSERT_TRUE(MakeKb("new", 3).Save(dir).ok());
  EXPECT_EQ(Names(dir).size(), 3u);
  EXPECT_EQ(FirstRecordId(dir), "new0");
}

TEST(KbCommit, ACrashBeforeTheManifestSwitchLeavesTheOldKnowledgeBase) {
  TempDir tmp("kb_crash1");
  const std::string dir = tmp.path() + "/kb";
  ASSERT_TRUE(MakeKb("old", 3).Save(dir).ok());
  KbSaveOptions crash;
  crash.hook = [](std::string_view step) {
    return step == "files-written" ? Status::IoError("simulated crash") : Status::Ok();
  };
  EXPECT_FALSE(MakeKb("new", 3).Save(dir, crash).ok());
  EXPECT_EQ(FirstRecordId(dir), "old0");
  EXPECT_EQ(Names(dir).size(), 5u);  // the new build's files are orphans now
  // The next writer removes them.
  ASSERT_TRUE(MakeKb("third", 3).Save(dir).ok());
  EXPECT_EQ(Names(dir).size(), 3u);
  EXPECT_EQ(FirstRecordId(dir), "third0");
}

TEST(KbCommit, ACrashAfterTheManifestSwitchLeavesTheNewKnowledgeBase) {
  TempDir tmp("kb_crash2");
  const std::string dir = tmp.path() + "/kb";
  ASSERT_TRUE(MakeKb("old", 3).Save(dir).ok());
  KbSaveOptions crash;
  crash.hook = [](std::string_view step) {
    return step == "manifest-switched" ? Status::IoError("simulated crash") : Status::Ok();
  };
  EXPECT_FALSE(MakeKb("new", 3).Save(dir, crash).ok());
  EXPECT_EQ(FirstRecordId(dir), "new0");
  ASSERT_TRUE(MakeKb("third", 3).Save(dir).ok());
  EXPECT_EQ(Names(dir).size(), 3u);
}

TEST(KbCommit, AVectorFileOfAnotherBuildWithTheSameChunkCountIsDetected) {
  TempDir tmp("kb_mix");
  const std::string a = tmp.path() + "/a", b = tmp.path() + "/b";
  ASSERT_TRUE(MakeKb("aaa", 3).Save(a).ok());
  ASSERT_TRUE(MakeKb("bbb", 3).Save(b).ok());
  ASSERT_EQ(KnowledgeBase::Load(a)->chunks().size(), KnowledgeBase::Load(b)->chunks().size());
  // b's vectors under a's name.
  fs::copy_file(FileWith(b, ".grvs"), FileWith(a, ".grvs"), fs::copy_options::overwrite_existing);
  auto mixed = KnowledgeBase::Load(a);
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(mixed.status().message().find("another build"), std::string::npos) << mixed.status().message();
  // b's records (a valid file of its own build, renamed) under a's name.
  TempDir tmp2("kb_mix2");
  const std::string c = tmp2.path() + "/c";
  ASSERT_TRUE(MakeKb("ccc", 3).Save(c).ok());
  fs::copy_file(FileWith(b, ".grkb"), FileWith(c, ".grkb"), fs::copy_options::overwrite_existing);
  EXPECT_EQ(KnowledgeBase::Load(c).status().code(), StatusCode::kCorrupt);
}

TEST(KbCommit, ADamagedManifestIsDetected) {
  TempDir tmp("kb_rename");
  const std::string a = tmp.path() + "/a";
  ASSERT_TRUE(MakeKb("aaa", 3).Save(a).ok());
  auto m = ReadFile(a + "/MANIFEST");
  ASSERT_TRUE(m.ok());
  std::string bad = *m;
  bad[bad.size() / 2] ^= 1;
  ASSERT_TRUE(WriteFileAtomic(a + "/MANIFEST", bad).ok());
  EXPECT_EQ(KnowledgeBase::Load(a).status().code(), StatusCode::kCorrupt);
}

TEST(KbCommit, OneWriterAtATime) {
  TempDir tmp("kb_lock");
  const std::string dir = tmp.path() + "/kb";
  ASSERT_TRUE(MakeKb("old", 2).Save(dir).ok());
  LockRequest req;
  auto held = WriterLock::Acquire(dir, req);
  ASSERT_TRUE(held.ok());
  Status st = MakeKb("new", 2).Save(dir);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_NE(st.message().find("knowledge base"), std::string::npos) << st.message();
  EXPECT_EQ(FirstRecordId(dir), "old0");  // readers are not blocked
  held->Release();
  EXPECT_TRUE(MakeKb("new", 2).Save(dir).ok());
}

TEST(KbCommit, AFolderWithoutAManifestIsNotAKnowledgeBase) {
  TempDir tmp("kb_legacy");
  EXPECT_EQ(KnowledgeBase::Load(tmp.path()).status().code(), StatusCode::kNotFound);
  tmp.Write("kb.grkb", "an older format");
  auto st = KnowledgeBase::Load(tmp.path()).status();
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_NE(st.message().find("rebuild"), std::string::npos);
}

}  // namespace
}  // namespace georune::rag
