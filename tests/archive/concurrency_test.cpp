// One writer at a time, readers always: the writer lock, concurrent ingests through the CLI,
// readers during commits and compactions, kills at random moments, recovery of orphans.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "georune/archive/archive.h"
#include "georune/common/files.h"
#include "georune/common/store_lock.h"
#include "test_support.h"

extern char** environ;

namespace georune {
namespace {

using test_support::TempDir;
namespace fs = std::filesystem;

std::vector<ImageRecord> Batch(const std::string& prefix, int n, int entities = 3) {
  std::vector<ImageRecord> images;
  for (int i = 0; i < n; ++i) {
    ImageRecord im;
    im.id = prefix + std::to_string(i);
    for (int k = 0; k < entities; ++k) {
      EntityRecord e;
      e.class_id = k % Ontology::Default().ClassCount();
      e.corners = {0, 0, 10.0 + k, 0, 10.0 + k, 10, 0, 10};
      im.entities.push_back(e);
    }
    images.push_back(std::move(im));
  }
  return images;
}

// A JSON Lines file of `n` images named prefix0.. (one plane each).
std::string WriteJsonl(const TempDir& tmp, const std::string& name, const std::string& prefix, int n) {
  std::string text;
  for (int i = 0; i < n; ++i)
    text += "{\"image\": \"" + prefix + std::to_string(i) +
            "\", \"entities\": [{\"class\": \"plane\", \"obb\": [0,0,10,0,10,10,0,10]}]}\n";
  return tmp.Write(name, text);
}

// Starts the CLI with `args`, its output to `log`; returns the pid.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> all = {GEORUNE_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::set<std::string> Ids(const std::string& dir) {
  auto a = Archive::Open(dir);
  EXPECT_TRUE(a.ok()) << a.status().message();
  std::set<std::string> ids;
  if (!a.ok()) return ids;
  for (uint32_t i = 0; i < (*a)->ImageCount(); ++i) ids.insert(std::string((*a)->ImageId(i)));
  return ids;
}

std::set<std::string> Names(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

TEST(WriterLock, SecondWriterIsRefusedNamingTheHolderThenWaits) {
  TempDir tmp("lock");
  LockRequest req;
  req.what = "archive";
  auto first = WriterLock::Acquire(tmp.path(), req);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(fs::exists(tmp.path() + "/LOCK"));
  auto second = WriterLock::Acquire(tmp.path(), req);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("pid " + std::to_string(::getpid())), std::string::npos)
      << second.status().message();
  EXPECT_TRUE(test_support::NamesSetting(second.status(), Setting::kWait)) << second.status().message();
  // A waiting writer gets the lock once the holder releases it.
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    first->Release();
  });
  req.wait_seconds = 10;
  auto start = std::chrono::steady_clock::now();
  auto third = WriterLock::Acquire(tmp.path(), req);
  release.join();
  ASSERT_TRUE(third.ok()) << third.status().message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  third->Release();
  // The lock file exists only while held: the folder is as it was.
  EXPECT_TRUE(Names(tmp.path()).empty());
}

TEST(WriterLock, WaitGivesUpAfterTheDeadline) {
  TempDir tmp("lock_wait");
  auto held = WriterLock::Acquire(tmp.path(), {});
  ASSERT_TRUE(held.ok());
  LockRequest req;
  req.wait_seconds = 0.3;
  auto start = std::chrono::steady_clock::now();
  auto waited = WriterLock::Acquire(tmp.path(), req);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(waited.status().code(), StatusCode::kUnavailable);
  EXPECT_GE(secs, 0.3);
  EXPECT_LT(secs, 3.0);
}

TEST(Recovery, OrphanTempFilesOfDeadProcessesAndUnlistedSegmentsAreRemoved) {
  TempDir tmp("recover");
  const std::string dir = tmp.path() + "/a";
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), Batch("x", 5), {false}).ok());
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);  // a pid that is certainly dead now
  const std::string dead = std::to_string(child), alive = std::to_string(::getppid());
  for (const std::string& f : {"seg-000009.grs.tmp." + dead, "MANIFEST.tmp." + dead, std::string("seg-000007.grs"),
                               "seg-000008.grs.tmp." + alive, "notes.tmp." + dead})
    std::ofstream(dir + "/" + f) << "left by a killed writer";
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), Batch("y", 5), {false}).ok());
  const std::set<std::string> after = Names(dir);
  EXPECT_FALSE(after.count("seg-000009.grs.tmp." + dead));
  EXPECT_FALSE(after.count("MANIFEST.tmp." + dead));
  EXPECT_FALSE(after.count("seg-000007.grs"));
  EXPECT_TRUE(after.count("seg-000008.grs.tmp." + alive));  // its writer may still be running
  EXPECT_TRUE(after.count("notes.tmp." + dead));            // not an archive file
  EXPECT_FALSE(after.count("LOCK"));
  EXPECT_EQ(Ids(dir).size(), 10u);
}

TEST(Recovery, CompactionStoppedAfterTheSwitchLeavesOldSegmentsForTheNextWriter) {
  TempDir tmp("recover_compact");
  const std::string dir = tmp.path() + "/a";
  for (int b = 0; b < 3; ++b)
    ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), Batch("b" + std::to_string(b) + "_", 4), {false}).ok());
  CompactOptions opt;
  opt.hook = [](std::string_view step) {
    return step == "manifest-switched" ? Status::IoError("simulated crash") : Status::Ok();
  };
  EXPECT_FALSE(CompactArchive(dir, opt).ok());
  EXPECT_EQ(Names(dir).size(), 5u);  // MANIFEST, 3 old segments, the merged one
  EXPECT_EQ(Ids(dir).size(), 12u);
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), Batch("c", 1), {false}).ok());
  EXPECT_EQ(Names(dir).size(), 3u);  // MANIFEST and two listed segments
  EXPECT_EQ(Ids(dir).size(), 13u);
}

TEST(Concurrency, ReadersAlwaysSeeACompleteVersionWhileWritersCommitAndCompact) {
  TempDir tmp("readers");
  const std::string dir = tmp.path() + "/a";
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), Batch("base", 10), {false}).ok());
  std::atomic<bool> done{false};
  std::atomic<int> opens{0}, failures{0}, bad_counts{0};
  std::thread reader([&] {
    uint32_t last = 0;
    while (!done) {
      auto a = Archive::Open(dir);
      if (!a.ok()) {
        ADD_FAILURE() << a.status().message();
        ++failures;
        continue;
      }
      const uint32_t n = (*a)->ImageCount();
      // Versions hold 10 + 5k images, and never go back.
      if (n % 5 != 0 || n < last) ++bad_counts;
      last = n;
      for (uint32_t i = 0; i < n; ++i)
        if (!(*a)->CheckImage(i).ok()) ++failures;
      ++opens;
    }
  });
  for (int k = 0; k < 30; ++k) {
    IngestOptions opt;
    opt.show_progress = false;
    opt.max_segments = 2;  // compacts every other ingest: old segments disappear under readers
    opt.lock_wait_seconds = 30;
    auto r = AppendToArchive(dir, Ontology::Default(), Batch("k" + std::to_string(k) + "_", 5), opt);
    ASSERT_TRUE(r.ok()) << r.status().message();
  }
  done = true;
  reader.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(bad_counts, 0);
  EXPECT_GT(opens, 0);
  EXPECT_EQ(Ids(dir).size(), 160u);
}

// Two `georune ingest` into one archive at once, 20 times: both batches are present, or one
// writer was refused with a message naming the holder; never a lost batch or a damaged archive.
TEST(Concurrency, TwentyConcurrentIngestPairsLoseNothing) {
  TempDir tmp("pairs");
  const std::string a = WriteJsonl(tmp, "a.jsonl", "a", 300), b = WriteJsonl(tmp, "b.jsonl", "b", 300);
  const std::string base = WriteJsonl(tmp, "base.jsonl", "base", 10);
  int refused = 0;
  for (int trial = 0; trial < 20; ++trial) {
    const std::string dir = tmp.path() + "/archive" + std::to_string(trial);
    if (trial % 2) {  // odd trials add to an existing archive, even ones create it
      pid_t p = Spawn({"ingest", "--archive", dir, "--jsonl", base}, tmp.path() + "/base.log");
      ASSERT_EQ(Wait(p), 0);
    }
    const std::string la = tmp.path() + "/a.log", lb = tmp.path() + "/b.log";
    pid_t pa = Spawn({"ingest", "--archive", dir, "--jsonl", a, "--threads", "1"}, la);
    pid_t pb = Spawn({"ingest", "--archive", dir, "--jsonl", b, "--threads", "1"}, lb);
    const int ra = Wait(pa), rb = Wait(pb);
    std::set<std::string> ids = Ids(dir);
    size_t expected = trial % 2 ? 10 : 0;
    for (auto [rc, log, prefix] : {std::tuple{ra, la, "a"}, std::tuple{rb, lb, "b"}}) {
      const std::string out = *ReadFile(log);
      if (rc == 0) {
        expected += 300;
        EXPECT_TRUE(ids.count(std::string(prefix) + "299")) << "trial " << trial << ": batch " << prefix << " lost";
      } else {
        ++refused;
        EXPECT_EQ(rc, 1) << out;
        EXPECT_NE(out.find("another writer holds this archive: pid "), std::string::npos) << out;
        EXPECT_FALSE(ids.count(std::string(prefix) + "0"));
      }
    }
    EXPECT_TRUE(ra == 0 || rb == 0) << "trial " << trial << ": both writers refused";
    EXPECT_EQ(ids.size(), expected) << "trial " << trial;
    EXPECT_FALSE(fs::exists(dir + "/LOCK"));
  }
  std::printf("[ concurrency ] 20 pairs: %d writers refused\n", refused);
}

TEST(Concurrency, WaitingWritersBothCommit) {
  TempDir tmp("pairs_wait");
  const std::string a = WriteJsonl(tmp, "a.jsonl", "a", 300), b = WriteJsonl(tmp, "b.jsonl", "b", 300);
  for (int trial = 0; trial < 5; ++trial) {
    const std::string dir = tmp.path() + "/archive" + std::to_string(trial);
    pid_t pa = Spawn({"ingest", "--archive", dir, "--jsonl", a, "--wait", "60"}, tmp.path() + "/a.log");
    pid_t pb = Spawn({"ingest", "--archive", dir, "--jsonl", b, "--wait", "60"}, tmp.path() + "/b.log");
    EXPECT_EQ(Wait(pa), 0) << *ReadFile(tmp.path() + "/a.log");
    EXPECT_EQ(Wait(pb), 0) << *ReadFile(tmp.path() + "/b.log");
    EXPECT_EQ(Ids(dir).size(), 600u);
  }
}

// Kills of ingest and compact at random moments leave the archive as before or as after.
TEST(Concurrency, KilledWritersLeaveTheOldOrTheNewVersion) {
  TempDir tmp("kills");
  const std::string dir = tmp.path() + "/a";
  const std::string seed = WriteJsonl(tmp, "seed.jsonl", "s", 2000);
  ASSERT_EQ(Wait(Spawn({"ingest", "--archive", dir, "--jsonl", seed, "--max-segments", "0"}, tmp.path() + "/s.log")),
            0);
  std::mt19937 rng(7);
  size_t images = 2000;
  for (int trial = 0; trial < 20; ++trial) {
    const bool compact = trial % 3 == 2;
    const std::string batch = WriteJsonl(tmp, "k.jsonl", "k" + std::to_string(trial) + "_", 2000);
    std::vector<std::string> args =
        compact ? std::vector<std::string>{"compact", "--archive", dir}
                : std::vector<std::string>{"ingest", "--archive", dir, "--jsonl", batch, "--max-segments", "0"};
    pid_t p = Spawn(args, tmp.path() + "/k.log");
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 150000));
    ::kill(p, SIGKILL);
    const int rc = Wait(p);
    const size_t now = Ids(dir).size();
    if (compact) {
      EXPECT_EQ(now, images);
    } else {
      EXPECT_TRUE(now == images || now == images + 2000) << "trial " << trial << ": " << now;
      if (rc == 0) {
        EXPECT_EQ(now, images + 2000);
      }
      images = now;
    }
  }
}

}  // namespace
}  // namespace georune
