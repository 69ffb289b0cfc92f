// The server's error JSON parts: from a Status's diagnostic when it has one, else from its text.
#include "server/errors.h"

#include <gtest/gtest.h>

#include "georune/common/diagnostic.h"

namespace georune::server {
namespace {

TEST(ErrorParts, ComeFromTheDiagnostic) {
  ErrorParts q = PartsOf(QueryDiagnostic("plane(a) AND", 9, 3, "expected a formula", "finish it").ToStatus());
  EXPECT_EQ(q.where, "query:1:10");
  EXPECT_EQ(q.error, "expected a formula\n  plane(a) AND\n           ^^^");
  EXPECT_EQ(q.hint, "finish it");
  // Settings are the CLI's to spell; the hint's words stand alone here.
  ErrorParts p = PartsOf(PlainDiagnostic("nothing to serve", "give an archive").With(Setting::kArchive).ToStatus());
  EXPECT_EQ(p.where, "");
  EXPECT_EQ(p.error, "nothing to serve");
  EXPECT_EQ(p.hint, "give an archive");
  ErrorParts f = PartsOf(FileDiagnostic("/a/b", 0, "no archive here", "ingest one").ToStatus(StatusCode::kNotFound));
  EXPECT_EQ(f.where, "/a/b");
  EXPECT_EQ(f.error, "no archive here");
}

TEST(ErrorParts, ComeFromTheTextOfAMessageInEitherHintForm) {
  ErrorParts a = PartsOf(Status::InvalidInput("f.jsonl:3: bad line (hint: fix it)"));
  EXPECT_EQ(a.where, "f.jsonl:3");
  EXPECT_EQ(a.error, "bad line");
  EXPECT_EQ(a.hint, "fix it");
  ErrorParts b = PartsOf(Status::InvalidInput("f.jsonl:3: bad line\n  hint: fix it (or not)"));
  EXPECT_EQ(b.where, "f.jsonl:3");
  EXPECT_EQ(b.error, "bad line");
  EXPECT_EQ(b.hint, "fix it (or not)");
  ErrorParts c = PartsOf(Status::Unavailable("the endpoint is down"));
  EXPECT_EQ(c.where, "");
  EXPECT_EQ(c.error, "the endpoint is down");
  EXPECT_EQ(c.hint, "");
}

}  // namespace
}  // namespace georune::server
