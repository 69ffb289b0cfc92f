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

}  // namespace
}  // namespace georune
