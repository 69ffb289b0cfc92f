// The shared text helpers (common/text.h) against their definitions, byte by byte.
#include "georune/common/text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <string>

namespace georune {
namespace {

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
