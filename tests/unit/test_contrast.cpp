// Every text and line colour of both themes reads at WCAG AA (4.5:1) on what
// it is drawn on: a projector washes colours out, and the light theme is the
// one a lecture hall usually picks.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

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

// The value colour map under colour-vision deficiency: the simulation of
// Machado, Oliveira & Fernandes (2009) at full severity, applied in linear
// RGB; then the CIE76 distance in L*a*b* between what a viewer sees for a
// negative and a positive value. 40 is "obviously different colours".
using Matrix3 = std::array<std::array<double, 3>, 3>;
constexpr Matrix3 kNormal = {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
constexpr Matrix3 kProtanopia = {{{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216},
                                  {-0.003882, -0.048116, 1.051998}}};
constexpr Matrix3 kDeuteranopia = {{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413},
                                    {-0.011820, 0.042940, 0.968881}}};

std::array<double, 3> seen_lab(ImU32 c, const Matrix3& m) {
  auto lin = [](int v) {
    const double x = v / 255.0;
    return x <= 0.04045 ? x / 12.92 : std::pow((x + 0.055) / 1.055, 2.4);
  };
  const double rgb[3] = {lin((c >> IM_COL32_R_SHIFT) & 0xFF), lin((c >> IM_COL32_G_SHIFT) & 0xFF),
                         lin((c >> IM_COL32_B_SHIFT) & 0xFF)};
  double s[3];
  for (int i = 0; i < 3; ++i) s[i] = std::clamp(m[i][0] * rgb[0] + m[i][1] * rgb[1] + m[i][2] * rgb[2], 0.0, 1.0);
  // linear sRGB → XYZ (D65) → L*a*b*
  const double X = (0.4124 * s[0] + 0.3576 * s[1] + 0.1805 * s[2]) / 0.95047;
  const double Y = 0.2126 * s[0] + 0.7152 * s[1] + 0.0722 * s[2];
  const double Z = (0.0193 * s[0] + 0.1192 * s[1] + 0.9505 * s[2]) / 1.08883;
  auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116.0; };
  return {116.0 * f(Y) - 16.0, 500.0 * (f(X) - f(Y)), 200.0 * (f(Y) - f(Z))};
}

double seen_distance(ImU32 a, ImU32 b, const Matrix3& m) {
  const auto p = seen_lab(a, m), q = seen_lab(b, m);
  return std::sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]));
}

TEST(ColourVision, NegativeAndPositiveValuesStayApartUnderProtanopiaAndDeuteranopia) {
  for (const Matrix3* m : {&kNormal, &kProtanopia, &kDeuteranopia}) {
    EXPECT_GE(seen_distance(diverging_color(-1.0), diverging_color(1.0), *m), 40.0);
    EXPECT_GE(seen_distance(diverging_color(-0.5), diverging_color(0.5), *m), 25.0);
  }
  // The simulation itself: red and green, told apart with normal vision, merge under deuteranopia.
  const ImU32 red = IM_COL32(200, 60, 40, 255), green = IM_COL32(90, 150, 40, 255);
  EXPECT_GE(seen_distance(red, green, kNormal), 40.0);
  EXPECT_LT(seen_distance(red, green, kDeuteranopia), seen_distance(red, green, kNormal) / 2.0);
}

}  // namespace
}  // namespace bpv
