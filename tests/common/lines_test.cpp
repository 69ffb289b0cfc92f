// common/lines.h beyond the streamed-lines equality (tests/ingest/bounded_input_test.cpp): the
// block chosen for a file, and the limit's words in messages.
#include "georune/common/lines.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "test_support.h"

namespace georune {
namespace {

TEST(Lines, ASmallFileIsReadInABlockOfItsSize) {
  test_support::TempDir d;
  for (const auto& [bytes, want] :
       std::vector<std::pair<size_t, size_t>>{{0, 4096}, {10, 4096}, {4095, 4096}, {4096, 8192}, {100000, 65536}}) {
    const std::string path = d.Write("f", std::string(bytes, 'x'));
    const int fd = ::open(path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(BlockForFile(fd, 65536), want) << bytes << " bytes";
    ::close(fd);
  }
  EXPECT_EQ(BlockForFile(-1, 65536), 65536u);  // not a file: the block asked for
}

TEST(Lines, SizeLimitsReadInMiBWhenWhole) {
  EXPECT_EQ(SizeLimitText(uint64_t{64} << 20), "64 MiB");
  EXPECT_EQ(SizeLimitText(4096), "4096 bytes");
  EXPECT_EQ(SizeLimitText((uint64_t{1} << 20) + 1), "1048577 bytes");
}

}  // namespace
}  // namespace georune
