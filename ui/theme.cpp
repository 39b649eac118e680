#include "theme.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace bpv {
namespace {

Fonts g_fonts;
bool g_dark = true;
Palette g_palette;

constexpr const char* kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// The characters the app shows, and no more: each one is rasterised at every
// font size before the first frame, so a whole Unicode block costs start-up
// time. tests/unit/test_glyph_coverage.cpp fails when a string literal in
// core/, ui/ or app/ (or a lesson file) uses a character missing here.
// ImGui keeps a pointer to the list: static.
const ImWchar kGlyphRanges[] = {
    0x0020, 0x007E,  // ASCII
    0x00A0, 0x017F,  // Latin-1 and Latin Extended-A: names users type; × · ± ² ½ ŷ
    0x02B0, 0x02E4,  // modifier letters (ˡ)
    0x0391, 0x03A9, 0x03B1, 0x03C9,  // Greek (δ η σ Σ Δ)
    0x1D2C, 0x1D6A,  // modifier small letters (ᵀ ᵏ ᵢ)
    0x2010, 0x2027,  // dashes, quotes, • …
    0x2030, 0x203A,  // ′ ″
    0x2070, 0x209C,  // super- and subscripts (⁰–⁹ ₀–₉ ₖ ⁽⁾)
    0x2190, 0x2199,  // arrows (← ↑ → ↓)
    0x21D0, 0x21D4,  // ⇐ ⇒ ⇔
    0x2200, 0x2265,  // ∂ ∇ ∑ − √ ∞ ≈ ≠ ≤ ≥
    0x22C5, 0x22C5,  // ⋅
    0x25A0, 0x25D0,  // shapes (■ ▲ ▶ ▸ ▼ ◀ ○ ●)
    0x2713, 0x2718,  // ✓ ✗
    0x2C7C, 0x2C7C,  // ⱼ
    0};

ImVec4 mix(ImVec4 a, ImVec4 b, float t) {
  return ImVec4(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t,
                a.w + (b.w - a.w) * t);
}

}  // namespace

FontAtlas build_font_atlas(float scale) {
  FontAtlas out;
  out.atlas = IM_NEW(ImFontAtlas)();
  ImFontAtlas* atlas = out.atlas;
  Fonts& f = out.fonts;
  std::error_code ec;
  if (std::filesystem::exists(kFontPath, ec)) {
    f.regular = atlas->AddFontFromFileTTF(kFontPath, 16.0f * scale, nullptr, kGlyphRanges);
    f.small = atlas->AddFontFromFileTTF(kFontPath, 13.0f * scale, nullptr, kGlyphRanges);
    f.large = atlas->AddFontFromFileTTF(kFontPath, 21.0f * scale, nullptr, kGlyphRanges);
    f.presenter = atlas->AddFontFromFileTTF(kFontPath, 28.0f * scale, nullptr, kGlyphRanges);
  }
  if (!f.regular || !f.small || !f.large || !f.presenter) {
    atlas->Clear();
    ImFontConfig cfg;
    cfg.SizePixels = 13.0f * scale;
    f = Fonts{};
    f.regular = f.small = f.large = f.presenter = atlas->AddFontDefault(&cfg);
    f.fallback = true;
    f.notice = std::string("Font ") + kFontPath + " not found: math symbols show as '?'. Install fonts-dejavu-core.";
  }
  // Rasterise now, and in the RGBA form the OpenGL3 backend uploads, so the
  // first frame only has to copy it to the GPU.
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  atlas->GetTexDataAsRGBA32(&pixels, &width, &height);
  return out;
}

void use_fonts(const Fonts& loaded) {
  g_fonts = loaded;
  ImGui::GetIO().FontDefault = g_fonts.regular;
}

const ImWchar* glyph_ranges() { return kGlyphRanges; }

const Fonts& fonts() { return g_fonts; }

void apply_theme(bool dark, float scale) {
  g_dark = dark;
  ImGuiStyle style;
  if (dark) ImGui::StyleColorsDark(&style);
  else ImGui::StyleColorsLight(&style);
  style.WindowRounding = 4.0f;
  style.FrameRounding = 3.0f;
  style.WindowPadding = ImVec2(10, 8);
  style.ItemSpacing = ImVec2(8, 6);
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;

  Palette& p = g_palette;
  p.reads = dark ? IM_COL32(90, 200, 255, 255) : IM_COL32(0, 110, 200, 255);
  p.writes = dark ? IM_COL32(255, 200, 60, 255) : IM_COL32(215, 120, 0, 255);
  p.just_computed = dark ? IM_COL32(255, 235, 150, 255) : IM_COL32(200, 90, 0, 255);
  p.text = ImGui::GetColorU32(style.Colors[ImGuiCol_Text]);
  p.text_dim = ImGui::GetColorU32(style.Colors[ImGuiCol_TextDisabled]);
  p.canvas_bg = dark ? IM_COL32(22, 24, 30, 255) : IM_COL32(250, 250, 252, 255);
  p.grid = dark ? IM_COL32(45, 48, 58, 255) : IM_COL32(225, 228, 235, 255);
  p.neuron_outline = dark ? IM_COL32(200, 205, 215, 255) : IM_COL32(60, 64, 75, 255);
  p.phase[0] = dark ? IM_COL32(60, 120, 200, 255) : IM_COL32(120, 170, 235, 255);   // forward
  p.phase[1] = dark ? IM_COL32(150, 90, 190, 255) : IM_COL32(190, 150, 225, 255);   // loss
  p.phase[2] = dark ? IM_COL32(200, 110, 50, 255) : IM_COL32(240, 170, 110, 255);   // backward
  p.phase[3] = dark ? IM_COL32(60, 160, 100, 255) : IM_COL32(120, 205, 150, 255);   // update
}

bool theme_is_dark() { return g_dark; }

const Palette& palette() { return g_palette; }

ImU32 diverging_color(double t, float alpha) {
  t = std::clamp(t, -1.0, 1.0);
  // Endpoints chosen to stay distinguishable for the common colour-vision
  // deficiencies (blue vs orange), with a neutral that matches the theme.
  const ImVec4 negative(0.16f, 0.47f, 0.85f, 1.0f);
  const ImVec4 positive(0.93f, 0.46f, 0.10f, 1.0f);
  const ImVec4 neutral = g_dark ? ImVec4(0.20f, 0.21f, 0.25f, 1.0f) : ImVec4(0.93f, 0.93f, 0.95f, 1.0f);
  // sqrt: small values still get a visible tint.
  const float s = static_cast<float>(std::sqrt(std::abs(t)));
  ImVec4 c = mix(neutral, t < 0 ? negative : positive, s);
  c.w = alpha;
  return ImGui::ColorConvertFloat4ToU32(c);
}

ImU32 value_color(double v, double scale, float alpha) {
  if (!std::isfinite(v)) return IM_COL32(220, 30, 200, static_cast<int>(alpha * 255));  // NaN/∞: magenta
  return diverging_color(scale > 0 ? v / scale : 0.0, alpha);
}

}  // namespace bpv
