// Every text and line colour of both themes reads at WCAG AA (4.5:1) on what
// it is drawn on: a projector washes colours out, and the light theme is the
// one a lecture hall usually picks.
#include <gtest/gtest.h>

#include "theme.hpp"

namespace bpv {
namespace {

TEST(Contrast, KnownRatiosMatchTheWcagFormula) {
  EXPECT_NEAR(contrast_ratio(IM_COL32(0, 0, 0, 255), IM_COL32(255, 255, 255, 255)), 21.0, 1e-9);
  EXPECT_NEAR(contrast_ratio(IM_COL32(118, 118, 118, 255), IM_COL32(255, 255, 255, 255)), 4.54, 0.01);
  EXPECT_NEAR(contrast_ratio(IM_COL32(40, 40, 40, 255), IM_COL32(40, 40, 40, 255)), 1.0, 1e-12);
}

void expect_readable(bool dark) {
  const std::vector<ContrastPair> pairs = contrast_pairs(dark);
  ASSERT_GE(pairs.size(), 30u);
  for (const ContrastPair& p : pairs)
    EXPECT_GE(contrast_ratio(p.fg, p.bg), 4.5)
        << (dark ? "dark" : "light") << " theme: " << p.what << std::hex << " (0x" << p.fg << " on 0x" << p.bg << ")";
}

TEST(Contrast, EveryTextAndLineColourOfTheDarkThemeIsAtLeastAA) { expect_readable(true); }
TEST(Contrast, EveryTextAndLineColourOfTheLightThemeIsAtLeastAA) { expect_readable(false); }

// Numbers on neurons and matrix cells sit on the value colour map, which can
// be any colour: the ink picked for a fill reads on it whatever the fill.
TEST(Contrast, InkChosenForAnyFillIsAtLeastAA) {
  double worst = 21.0;
  for (int r = 0; r < 256; r += 5)
    for (int g = 0; g < 256; g += 5)
      for (int b = 0; b < 256; b += 5) {
        const ImU32 fill = IM_COL32(r, g, b, 255);
        worst = std::min(worst, contrast_ratio(readable_on(fill), fill));
      }
  EXPECT_GE(worst, 4.5);
}

TEST(Contrast, BlendingAHalfTransparentColourLandsHalfway) {
  const ImU32 c = blend_over(IM_COL32(200, 100, 0, 128), IM_COL32(0, 100, 200, 255));
  EXPECT_NEAR(static_cast<int>((c >> IM_COL32_R_SHIFT) & 0xFF), 100, 1);
  EXPECT_EQ(static_cast<int>((c >> IM_COL32_G_SHIFT) & 0xFF), 100);
  EXPECT_NEAR(static_cast<int>((c >> IM_COL32_B_SHIFT) & 0xFF), 100, 1);
}

}  // namespace
}  // namespace bpv
