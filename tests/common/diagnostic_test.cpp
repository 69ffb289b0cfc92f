// Diagnostic: its text, and the parts a Status keeps of it for the edges (CLI flags, server JSON).
#include "georune/common/diagnostic.h"

#include <gtest/gtest.h>

namespace georune {
namespace {

TEST(Diagnostic, FormatsPlaceMessageCaretAndHint) {
  Diagnostic d = QueryDiagnostic("plane(a) AND", 9, 3, "expected a formula after AND", "finish the formula");
  EXPECT_EQ(d.Where(), "query:1:10");
  EXPECT_EQ(d.Format(),
            "query:1:10: expected a formula after AND\n  plane(a) AND\n           ^^^\n  hint: finish the formula");
  EXPECT_EQ(FileDiagnostic("a.jsonl", 3, "bad", "fix it").Format(), "a.jsonl:3: bad\n  hint: fix it");
  EXPECT_EQ(FileDiagnostic("dir", 0, "no archive").Format(), "dir: no archive");
  EXPECT_EQ(PlainDiagnostic("nothing to serve").Format(), "nothing to serve");
  EXPECT_EQ(PlainDiagnostic("nothing to serve").Where(), "");
}

TEST(Diagnostic, AnEdgeSpellsTheSettingsAfterTheHintOrOnTheirOwnLine) {
  Diagnostic hinted = PlainDiagnostic("too slow", "raise the LLM request timeout").With(Setting::kLlmTimeout);
  ASSERT_EQ(hinted.settings.size(), 1u);
  EXPECT_EQ(hinted.settings[0], Setting::kLlmTimeout);
  EXPECT_EQ(hinted.Format(), "too slow\n  hint: raise the LLM request timeout");  // the library's words only
  EXPECT_EQ(hinted.Format("--llm-timeout"), "too slow\n  hint: raise the LLM request timeout (--llm-timeout)");
  Diagnostic bare = PlainDiagnostic("the IoU threshold must be in (0, 1]").With(Setting::kIou);
  EXPECT_EQ(bare.Format("--iou"), "the IoU threshold must be in (0, 1]\n  option: --iou");
}

TEST(Diagnostic, AStatusKeepsItsParts) {
  Status plain = Status::InvalidInput("a message");
  EXPECT_EQ(plain.diagnostic(), nullptr);
  Status st = FileDiagnostic("f.geojson", 4, "bad polygon", "repair it").With(Setting::kMakeValid).ToStatus();
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(st.ExitCode(), 2);
  EXPECT_EQ(st.message(), "f.geojson:4: bad polygon\n  hint: repair it");
  ASSERT_NE(st.diagnostic(), nullptr);
  EXPECT_EQ(st.diagnostic()->Where(), "f.geojson:4");
  EXPECT_EQ(st.diagnostic()->hint, "repair it");
  Status copy = st;  // copies share the parts
  EXPECT_EQ(copy.diagnostic(), st.diagnostic());
  Status corrupt = FileDiagnostic("kb", 0, "damaged").ToStatus(StatusCode::kCorrupt);
  EXPECT_EQ(corrupt.code(), StatusCode::kCorrupt);
  EXPECT_EQ(corrupt.ExitCode(), 1);
}

TEST(Diagnostic, APrefixGoesBeforeTheMessageAndKeepsTheParts) {
  Status st =
      PlainDiagnostic("over budget", "raise the budget").With(Setting::kQueryBudget).ToStatus(StatusCode::kTooComplex);
  Status blamed = st.Prefixed("image P1: ");
  EXPECT_EQ(blamed.code(), StatusCode::kTooComplex);
  EXPECT_EQ(blamed.message(), "image P1: over budget\n  hint: raise the budget");
  ASSERT_NE(blamed.diagnostic(), nullptr);
  EXPECT_EQ(blamed.diagnostic()->settings, std::vector<Setting>{Setting::kQueryBudget});
  EXPECT_EQ(st.message(), "over budget\n  hint: raise the budget");  // the original is unchanged
  Status plain = Status::NotFound("no file").Prefixed("image P1: ");
  EXPECT_EQ(plain.message(), "image P1: no file");
  EXPECT_EQ(plain.code(), StatusCode::kNotFound);
  EXPECT_EQ(plain.diagnostic(), nullptr);
}

// The parts the structured edges (server JSON, Python's exceptions) show.
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
}  // namespace georune
