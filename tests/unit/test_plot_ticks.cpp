#include <gtest/gtest.h>

#include <cmath>

#include "insight/plot_ticks.hpp"

namespace bpv {
namespace {

TEST(PlotTicks, LinearTicksAreRoundMultiplesInsideTheRange) {
  const std::vector<double> t = linear_ticks(0.0757, 1.338, 4);
  ASSERT_FALSE(t.empty());
  EXPECT_LE(t.size(), 4u);
  for (double v : t) {
    EXPECT_GE(v, 0.0757);
    EXPECT_LE(v, 1.338);
    const double step = t.size() > 1 ? t[1] - t[0] : 1.0;
    const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    EXPECT_TRUE(std::abs(mantissa - 1) < 1e-9 || std::abs(mantissa - 2) < 1e-9 || std::abs(mantissa - 5) < 1e-9)
        << "step " << step;
  }
  EXPECT_EQ(linear_ticks(0.0757, 1.338, 4), (std::vector<double>{0.5, 1.0}));
  EXPECT_EQ(linear_ticks(-1.0, 1.0, 5), (std::vector<double>{-1.0, -0.5, 0.0, 0.5, 1.0}));
  EXPECT_EQ(linear_ticks(0.0, 0.3, 4), (std::vector<double>{0.0, 0.1, 0.2, 0.30000000000000004}));
}

TEST(PlotTicks, DegenerateRangesGiveOneTickOrNone) {
  EXPECT_EQ(linear_ticks(2.5, 2.5, 4), (std::vector<double>{2.5}));
  EXPECT_TRUE(linear_ticks(1.0, 0.0, 4).empty());
  EXPECT_TRUE(linear_ticks(0.0, NAN, 4).empty());
  EXPECT_TRUE(linear_ticks(0.0, 1.0, 0).empty());
}

TEST(PlotTicks, LogTicksArePowersOfTenAndFallBackToLinear) {
  EXPECT_EQ(log_ticks(0.0006, 0.6, 5), (std::vector<double>{0.001, 0.01, 0.1}));
  EXPECT_EQ(log_ticks(1e-6, 10.0, 3).size(), 3u);  // 1e-6, 1e-3, 1 (every third)
  EXPECT_EQ(log_ticks(1e-6, 10.0, 3).front(), 1e-6);
  EXPECT_EQ(log_ticks(0.2, 0.9, 4), linear_ticks(0.2, 0.9, 4)) << "no two powers of ten inside";
  EXPECT_EQ(log_ticks(0.0, 1.0, 4), linear_ticks(0.0, 1.0, 4)) << "a log axis needs lo > 0";
}

}  // namespace
}  // namespace bpv
