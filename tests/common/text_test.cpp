// The shared text helpers (common/text.h) against their definitions, byte by byte.
#include "georune/common/text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <random>
#include <string>

namespace georune {
namespace {

// The plain definition of the optimal-string-alignment distance, by recursion.
size_t OsaReference(const std::string& a, const std::string& b) {
  std::function<size_t(size_t, size_t)> d = [&](size_t i, size_t j) -> size_t {
    if (i == 0) return j;
    if (j == 0) return i;
    size_t best = std::min({d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] != b[j - 1])});
    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) best = std::min(best, d(i - 2, j - 2) + 1);
    return best;
  };
  return d(a.size(), b.size());
}

TEST(Text, EditDistanceMatchesTheRecursiveDefinition) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("ab", "ba"), 1u);
  std::mt19937 rng(7);
  for (int t = 0; t < 300; ++t) {
    auto word = [&] {
      std::string s(rng() % 6, 'a');
      for (auto& c : s) c = char('a' + rng() % 3);
      return s;
    };
    const std::string a = word(), b = word();
    ASSERT_EQ(EditDistance(a, b), OsaReference(a, b)) << a << " / " << b;
  }
}

TEST(Text, EditDistanceAtMostAgreesWithTheFullDistance) {
  std::mt19937 rng(8);
  auto word = [&] {
    std::string s(rng() % 13, 'a');
    for (char& c : s) c = "abcab"[rng() % 5];
    return s;
  };
  for (int trial = 0; trial < 20000; ++trial) {
    const std::string a = word(), b = word();
    const size_t max = rng() % 5;
    ASSERT_EQ(EditDistanceAtMost(a, b, max), std::min(EditDistance(a, b), max + 1))
        << "'" << a << "' '" << b << "' max " << max;
  }
  EXPECT_EQ(EditDistanceAtMost("harbour", "harbor", 2), 1u);
  EXPECT_EQ(EditDistanceAtMost("nera", "near", 1), 1u);  // one transposition
  EXPECT_EQ(EditDistanceAtMost("abcd", "badc", 1), 2u);
  EXPECT_EQ(EditDistanceAtMost("", "abc", 2), 3u);
  EXPECT_EQ(EditDistanceAtMost("abc", "", 3), 3u);
}

TEST(Text, AsciiLowerChangesOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("Near LEFT_of Ship 42"), "near left_of ship 42");
  EXPECT_EQ(AsciiLower("ÉCOLE Straße"), "École straße");  // UTF-8 bytes kept as they are
  for (int b = 0; b < 256; ++b) {
    const char c = char(b);
    const char expect = b >= 'A' && b <= 'Z' ? char(b - 'A' + 'a') : c;
    ASSERT_EQ(AsciiLower(std::string_view(&c, 1)), std::string(1, expect)) << b;
  }
}

TEST(Text, TrimAsciiSpaceStripsTheSixSpacesOnly) {
  EXPECT_EQ(TrimAsciiSpace(" \t\n\v\f\r a b \r\n"), "a b");
  EXPECT_EQ(TrimAsciiSpace(""), "");
  EXPECT_EQ(TrimAsciiSpace(" \n "), "");
  EXPECT_EQ(TrimAsciiSpace("x"), "x");
  EXPECT_EQ(TrimAsciiSpace("\xc2\xa0x\xc2\xa0"), "\xc2\xa0x\xc2\xa0");  // no-break space is no ASCII space
  // The set is exactly isspace's in the C locale.
  for (int b = 0; b < 128; ++b) {
    const std::string s = std::string(1, char(b)) + "x";
    EXPECT_EQ(TrimAsciiSpace(s).size() == 1, std::isspace(b) != 0) << b;
  }
}

}  // namespace
}  // namespace georune
