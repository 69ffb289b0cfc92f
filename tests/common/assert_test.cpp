// GEORUNE_ASSERT: aborts with file:line and the message where GEORUNE_ASSERTS is on (the
// debug-asan tree); elsewhere the condition is not evaluated.
#include "georune/common/assert.h"

#include <gtest/gtest.h>

namespace georune {
namespace {

#if defined(GEORUNE_ASSERTS) && GEORUNE_ASSERTS
TEST(Assert, AbortsWithWhereAndWhy) {
  int evaluated = 0;
  GEORUNE_ASSERT(++evaluated == 1, "evaluated once");
  EXPECT_EQ(evaluated, 1);
  EXPECT_DEATH(GEORUNE_ASSERT(evaluated == 2, "two expected"),
               "assert_test.cpp:[0-9]+: GEORUNE_ASSERT\\(evaluated == 2\\) failed: two expected");
}
#else
TEST(Assert, OffMeansNotEvaluated) {
  int evaluated = 0;
  GEORUNE_ASSERT(++evaluated == 1, "not evaluated");
  GEORUNE_ASSERT(false, "off");
  EXPECT_EQ(evaluated, 0);
}
#endif

}  // namespace
}  // namespace georune
