// The JSON library's exception texts become located, human messages (issue 10): the tag is
// gone, the line and column are kept, number overflow is said in words.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "georune/common/json_error.h"

namespace georune {
namespace {

// what() of the exception the JSON library throws for `text`.
std::string ParseErrorOf(const std::string& text) {
  try {
    [[maybe_unused]] const nlohmann::json parsed = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return e.what();
  }
  ADD_FAILURE() << "parsed: " << text;
  return "";
}

TEST(JsonError, NumberOverflowIsSaidInWordsAndPlacedAtItsToken) {
  // The library reports it without a place (out_of_range.406): the token is found in the text.
  const std::string text = "[\n  {\"id\": \"1e999\", \"score\": 1e999}\n]";
  JsonProblem p = DescribeJsonError(ParseErrorOf(text));
  EXPECT_EQ(p.reason, "the number '1e999' is out of range");
  EXPECT_EQ(p.token, "1e999");
  EXPECT_EQ(JsonDiagnostic("f.json", 0, ParseErrorOf(text), "", text).Format(),
            "f.json:2:28: not valid JSON: the number '1e999' is out of range");
  EXPECT_EQ(JsonDiagnostic("f.jsonl", 4, ParseErrorOf(R"({"score": 1e999})"), "", R"({"score": 1e999})").Format(),
            "f.jsonl:4:11: not valid JSON: the number '1e999' is out of range");
}

TEST(JsonError, NoMessageKeepsTheLibraryTag) {
  for (const std::string text : {"{", "[1,,2]", "{\"a\" 1}", "\"abc", "tru", "{\"a\": 1}}", "\n\n  [1, 2", "\xff"}) {
    const std::string what = ParseErrorOf(text);
    const std::string message = JsonErrorMessage(what);
    EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
    EXPECT_EQ(message.find("syntax error while parsing"), std::string::npos) << message;
    EXPECT_EQ(message.rfind("not valid JSON", 0), 0u) << message;
    EXPECT_GT(DescribeJsonError(what).column, 0) << what;
  }
}

TEST(JsonError, TheLineOfAMultiLineTextIsKept) {
  JsonProblem p = DescribeJsonError(ParseErrorOf("[\n  1,\n  2,,\n]"));
  EXPECT_EQ(p.line, 3);
  EXPECT_EQ(p.column, 5);
  Diagnostic d = JsonDiagnostic("f.json", 0, ParseErrorOf("[\n  1,\n  2,,\n]"), "one JSON array");
  EXPECT_EQ(d.Format().rfind("f.json:3:5: not valid JSON: ", 0), 0u) << d.Format();
  // One JSON text per line: the caller's line stands.
  EXPECT_EQ(JsonDiagnostic("f.jsonl", 7, ParseErrorOf("{"), "")
                .Format()
                .rfind("f.jsonl:7:2: not valid JSON: the text ends too early", 0),
            0u)
      << JsonDiagnostic("f.jsonl", 7, ParseErrorOf("{"), "").Format();
}

TEST(JsonError, TypeErrorsLoseTheirTag) {
  std::string what;
  try {
    (void)nlohmann::json::parse("[1]").at(0).get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    what = e.what();
  }
  EXPECT_EQ(DescribeJsonError(what).reason, "type must be string, but is number");
}

}  // namespace
}  // namespace georune
