// ForEachJsonArrayElement against a whole-text parse: the same elements, at the lines and
// columns where they stand, at every block size; and located errors for arrays of bad shape.
#include "georune/common/json_array.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "test_support.h"

namespace georune {
namespace {

using nlohmann::json;
using test_support::TempDir;

struct Got {
  std::vector<JsonArrayElement> elements;
  std::vector<std::string> texts;  // the elements' text (their views die with the call)
  Status status;
};

// Every element of `path`; each element's text is parsed, its errors placed by
// ElementJsonDiagnostic.
Got Elements(const std::string& path, size_t block, uint64_t max_bytes = uint64_t{64} << 20) {
  JsonArrayOptions o;
  o.max_element_bytes = max_bytes;
  o.element_name = "thing";
  o.expected = "a JSON array of things";
  Got got;
  const int fd = ::open(path.c_str(), O_RDONLY);
  EXPECT_GE(fd, 0);
  got.status = ForEachJsonArrayElement(
      fd, path, o,
      [&](const JsonArrayElement& e) -> Status {
        try {
          if (json::parse(e.text.begin(), e.text.end()).is_discarded()) return Status::Internal("not parsed");
        } catch (const json::exception& ex) {
          return ElementJsonDiagnostic(path, e, ex.what(), "").ToStatus();
        }
        got.elements.push_back(e);
        got.texts.emplace_back(e.text);
        return Status::Ok();
      },
      block);
  ::close(fd);
  return got;
}

json RandomValue(std::mt19937& rng, int depth) {
  static const std::vector<std::string> kStrings = {
      "",        "plain",       "quote \" inside", "back\\slash\\", "[not, an] {array}",
      "comma, ", "line\nbreak", "tab\t",           "üñí©ødé ✓",     "\\\"",
      "]"};
  switch (rng() % (depth > 3 ? 4 : 6)) {
    case 0: return kStrings[rng() % kStrings.size()];
    case 1: return static_cast<int>(rng() % 2000) - 1000;
    case 2: return (rng() % 2) == 0 ? json(nullptr) : json(rng() % 2 == 0);
    case 3: return static_cast<double>(rng() % 100000) / 7.0;
    case 4: {
      json a = json::array();
      for (size_t n = rng() % 4; n-- > 0;) a.push_back(RandomValue(rng, depth + 1));
      return a;
    }
    default: {
      json o = json::object();
      for (size_t n = rng() % 4; n-- > 0;)
        o[kStrings[rng() % kStrings.size()] + std::to_string(n)] = RandomValue(rng, depth + 1);
      return o;
    }
  }
}

TEST(JsonArray, ElementsMatchAWholeParseAtEveryBlockSize) {
  TempDir d;
  std::mt19937 rng(11);
  for (int trial = 0; trial < 150; ++trial) {
    json doc = json::array();
    for (size_t n = rng() % 6; n-- > 0;) doc.push_back(RandomValue(rng, 0));
    const int indent = static_cast<int>(rng() % 4) - 1;
    std::string text = doc.dump(indent);
    if (trial % 3 == 0) text = "\xEF\xBB\xBF \r\n" + text + "\n\n";
    const std::string path = d.Write("a.json", text);
    const json whole = json::parse(text);
    const auto places = test_support::JsonArrayElementPlaces(text);
    ASSERT_EQ(places.size(), whole.size());
    for (size_t block : {1, 2, 3, 7, 64, 65536}) {
      Got got = Elements(path, block);
      ASSERT_TRUE(got.status.ok()) << got.status.message();
      ASSERT_EQ(got.elements.size(), whole.size()) << text;
      for (size_t i = 0; i < whole.size(); ++i) {
        EXPECT_EQ(json::parse(got.texts[i]), whole[i]) << text << " block " << block;
        EXPECT_EQ(got.elements[i].index, i);
        EXPECT_EQ(std::make_pair(got.elements[i].line, got.elements[i].column), places[i]) << text;
      }
    }
  }
}

TEST(JsonArray, BadShapesAreLocatedErrors) {
  TempDir d;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "f.json:1: expected a JSON array of things, found nothing"},
      {"  \n {}", "f.json:2:2: expected a JSON array of things"},
      {"[1 2]", "f.json:1:4: not valid JSON: "},
      {"[1,]", "f.json:1:4: not valid JSON: a value is missing after ','"},
      {"[1] x", "f.json:1:5: not valid JSON: text after the end of the array"},
      {"[1,\n2", "f.json:2: not valid JSON: the text ends before the array is closed"},
      {"[1,\n2\n", "f.json:2: not valid JSON: the text ends before the array is closed"},
      {"[{\"a\": 1}", "f.json:1: not valid JSON: the text ends before the array is closed"},
      {"[\n {\"a\": [1}", "f.json:2:2: thing 1: not valid JSON: the text ends inside it"},
      {"[{\"a\": 1}}]", "f.json:1:10: not valid JSON: '}' without its '{' after thing 1"},
      {"[1, 2 3]", "f.json:1:7: not valid JSON: "},
      {"[\n  {\"a\": 1,\n   oops}\n]", "f.json:3:4: not valid JSON: "},
      {"[\"a\" \"b\"]", "f.json:1:8: not valid JSON: "},  // the parser's column: the end of "b"
  };
  for (const auto& [text, want] : cases) {
    const std::string path = d.Write("f.json", text);
    for (size_t block : {1, 5, 65536}) {
      Status st = Elements(path, block).status;
      ASSERT_EQ(st.code(), StatusCode::kInvalidInput) << text;
      EXPECT_NE(st.message().find(d.path() + "/" + want), std::string::npos) << text << "\n" << st.message();
      EXPECT_EQ(st.message().find("json.exception"), std::string::npos) << st.message();
    }
  }
}

TEST(JsonArray, AnElementOverTheLimitIsAnErrorAtItsLineAndReadingStops) {
  TempDir d;
  const std::string path = d.Write("f.json", "[1,\n \"" + std::string(100, 'x') + "\",\n 2]");
  for (size_t block : {1, 8, 65536}) {
    Got got = Elements(path, block, 50);
    EXPECT_EQ(got.elements.size(), 1u);
    EXPECT_NE(got.status.message().find("f.json:2: thing 2 is larger than the limit of 50 bytes"), std::string::npos)
        << got.status.message();
  }
  // At the limit exactly: read.
  const std::string at = d.Write("g.json", "[\"" + std::string(48, 'x') + "\"]");
  EXPECT_TRUE(Elements(at, 7, 50).status.ok());
}

}  // namespace
}  // namespace georune
