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
    0x0300, 0x0304,  // combining accents: x̂, the running μ̄
    0x0391, 0x03A9, 0x03B1, 0x03C9,  // Greek (δ η σ Σ Δ)
    0x1D2C, 0x1D6A,  // modifier small letters (ᵀ ᵏ ᵢ)
    0x2010, 0x2027,  // dashes, quotes, • …
    0x2030, 0x203A,  // ′ ″
    0x2070, 0x209C,  // super- and subscripts (⁰–⁹ ₀–₉ ₖ ⁽⁾)
    0x2190, 0x2199,  // arrows (← ↑ → ↓)
    0x21D0, 0x21D4,  // ⇐ ⇒ ⇔
    0x2200, 0x2265,  // ∂ ∇ ∑ − √ ∞ ≈ ≠ ≤ ≥
    0x22C5, 0x22C6,  // ⋅ ⋆ (a convolution)
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

ThemeColors theme_colors(bool dark) {
  ThemeColors t;
  ImGuiStyle& style = t.style;
  if (dark) ImGui::StyleColorsDark(&style);
  else ImGui::StyleColorsLight(&style);
  // ImGui's own greys are below 4.5:1 on their backgrounds: dimmed text a
  // little brighter (dark) or darker (light), and the light theme's frames
  // and tabs darker so white-on-blue and black-on-grey both read.
  ImVec4* c = style.Colors;
  if (dark) {
    c[ImGuiCol_TextDisabled] = ImVec4(0.62f, 0.63f, 0.66f, 1.0f);
    c[ImGuiCol_Button] = ImVec4(0.22f, 0.36f, 0.56f, 1.0f);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.20f, 0.42f, 0.70f, 1.0f);
    c[ImGuiCol_ButtonActive] = ImVec4(0.10f, 0.33f, 0.62f, 1.0f);
    c[ImGuiCol_Tab] = ImVec4(0.18f, 0.30f, 0.46f, 1.0f);
    c[ImGuiCol_TabHovered] = ImVec4(0.20f, 0.42f, 0.70f, 1.0f);
    c[ImGuiCol_TabActive] = ImVec4(0.17f, 0.38f, 0.64f, 1.0f);
    c[ImGuiCol_Header] = ImVec4(0.22f, 0.36f, 0.56f, 1.0f);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.20f, 0.42f, 0.70f, 1.0f);
    c[ImGuiCol_HeaderActive] = ImVec4(0.10f, 0.33f, 0.62f, 1.0f);
  } else {
    c[ImGuiCol_WindowBg] = ImVec4(0.97f, 0.97f, 0.97f, 1.0f);
    c[ImGuiCol_TextDisabled] = ImVec4(0.33f, 0.33f, 0.36f, 1.0f);
    c[ImGuiCol_Button] = ImVec4(0.80f, 0.86f, 0.95f, 1.0f);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.70f, 0.80f, 0.95f, 1.0f);
    c[ImGuiCol_ButtonActive] = ImVec4(0.60f, 0.73f, 0.93f, 1.0f);
    c[ImGuiCol_Tab] = ImVec4(0.82f, 0.86f, 0.92f, 1.0f);
    c[ImGuiCol_TabHovered] = ImVec4(0.70f, 0.80f, 0.95f, 1.0f);
    c[ImGuiCol_TabActive] = ImVec4(0.74f, 0.82f, 0.95f, 1.0f);
    c[ImGuiCol_Header] = ImVec4(0.78f, 0.85f, 0.95f, 1.0f);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.70f, 0.80f, 0.95f, 1.0f);
    c[ImGuiCol_HeaderActive] = ImVec4(0.62f, 0.74f, 0.93f, 1.0f);
  }
  style.WindowRounding = 4.0f;
  style.FrameRounding = 3.0f;
  style.WindowPadding = ImVec2(10, 8);
  style.ItemSpacing = ImVec2(8, 6);

  Palette& p = t.palette;
  p.reads = dark ? IM_COL32(90, 200, 255, 255) : IM_COL32(0, 95, 175, 255);
  p.writes = dark ? IM_COL32(255, 200, 60, 255) : IM_COL32(170, 80, 0, 255);
  p.just_computed = dark ? IM_COL32(255, 235, 150, 255) : IM_COL32(200, 90, 0, 255);
  p.text = ImGui::ColorConvertFloat4ToU32(c[ImGuiCol_Text]);
  p.text_dim = ImGui::ColorConvertFloat4ToU32(c[ImGuiCol_TextDisabled]);
  p.canvas_bg = dark ? IM_COL32(22, 24, 30, 255) : IM_COL32(252, 252, 253, 255);
  p.grid = dark ? IM_COL32(45, 48, 58, 255) : IM_COL32(225, 228, 235, 255);
  p.neuron_outline = dark ? IM_COL32(200, 205, 215, 255) : IM_COL32(60, 64, 75, 255);
  // Fills dark enough for white numbers in both themes; the text colours of
  // the same hues are lighter on dark and darker on light.
  p.phase[0] = IM_COL32(40, 95, 175, 255);   // forward
  p.phase[1] = IM_COL32(120, 65, 165, 255);  // loss
  p.phase[2] = IM_COL32(170, 75, 20, 255);   // backward
  p.phase[3] = IM_COL32(30, 120, 70, 255);   // update
  p.on_phase = IM_COL32(255, 255, 255, 255);
  p.phase_text[0] = dark ? IM_COL32(110, 165, 240, 255) : IM_COL32(30, 85, 165, 255);
  p.phase_text[1] = dark ? IM_COL32(190, 145, 230, 255) : IM_COL32(115, 55, 160, 255);
  p.phase_text[2] = dark ? IM_COL32(240, 145, 80, 255) : IM_COL32(160, 70, 15, 255);
  p.phase_text[3] = dark ? IM_COL32(90, 200, 130, 255) : IM_COL32(25, 115, 65, 255);
  p.good = dark ? IM_COL32(90, 215, 115, 255) : IM_COL32(20, 120, 50, 255);
  p.bad = dark ? IM_COL32(255, 120, 110, 255) : IM_COL32(185, 30, 30, 255);
  p.warn = dark ? IM_COL32(255, 215, 10, 255) : IM_COL32(140, 95, 0, 255);
  p.info = dark ? IM_COL32(165, 180, 205, 255) : IM_COL32(70, 80, 100, 255);
  p.lesson = dark ? IM_COL32(70, 215, 120, 255) : IM_COL32(15, 125, 60, 255);
  return t;
}

void apply_theme(bool dark, float scale) {
  g_dark = dark;
  ThemeColors t = theme_colors(dark);
  t.style.ScaleAllSizes(scale);
  ImGui::GetStyle() = t.style;
  g_palette = t.palette;
}

namespace {

double linear(int channel) {
  const double c = channel / 255.0;
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(ImU32 c) {
  return 0.2126 * linear((c >> IM_COL32_R_SHIFT) & 0xFF) + 0.7152 * linear((c >> IM_COL32_G_SHIFT) & 0xFF) +
         0.0722 * linear((c >> IM_COL32_B_SHIFT) & 0xFF);
}

ImU32 u32(const ImVec4& c) { return ImGui::ColorConvertFloat4ToU32(ImVec4(c.x, c.y, c.z, 1.0f)); }

}  // namespace

double contrast_ratio(ImU32 a, ImU32 b) {
  const double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

ImU32 blend_over(ImU32 top, ImU32 below) {
  const float a = ((top >> IM_COL32_A_SHIFT) & 0xFF) / 255.0f;
  auto ch = [&](int shift) {
    const float t = (top >> shift) & 0xFF, b = (below >> shift) & 0xFF;
    return static_cast<ImU32>(std::lround(t * a + b * (1.0f - a))) << shift;
  };
  return ch(IM_COL32_R_SHIFT) | ch(IM_COL32_G_SHIFT) | ch(IM_COL32_B_SHIFT) | IM_COL32_A_MASK;
}

ImU32 readable_on(ImU32 fill) {
  const ImU32 dark_ink = IM_COL32(0, 0, 0, 255), light_ink = IM_COL32(255, 255, 255, 255);
  return contrast_ratio(dark_ink, fill) >= contrast_ratio(light_ink, fill) ? dark_ink : light_ink;
}

std::vector<ContrastPair> contrast_pairs(bool dark) {
  const ThemeColors t = theme_colors(dark);
  const ImVec4* c = t.style.Colors;
  const Palette& p = t.palette;
  const ImU32 window = u32(c[ImGuiCol_WindowBg]), canvas = p.canvas_bg;
  // Widget colours are translucent: what shows is their blend over the window.
  auto over_window = [&](ImGuiCol_ col) { return blend_over(ImGui::ColorConvertFloat4ToU32(c[col]), window); };
  std::vector<ContrastPair> out = {
      {"text on the window", p.text, window},
      {"dim text on the window", p.text_dim, window},
      {"text on a popup", p.text, u32(c[ImGuiCol_PopupBg])},
      {"dim text on a popup", p.text_dim, u32(c[ImGuiCol_PopupBg])},
      {"text on a number field", p.text, u32(c[ImGuiCol_FrameBg])},
      {"text on a button", p.text, u32(c[ImGuiCol_Button])},
      {"text on a hovered button", p.text, u32(c[ImGuiCol_ButtonHovered])},
      {"text on a pressed button", p.text, u32(c[ImGuiCol_ButtonActive])},
      {"text on a tab", p.text, u32(c[ImGuiCol_Tab])},
      {"text on the open tab", p.text, u32(c[ImGuiCol_TabActive])},
      {"text on a hovered tab", p.text, u32(c[ImGuiCol_TabHovered])},
      {"text on a selected row", p.text, u32(c[ImGuiCol_Header])},
      {"text on a hovered row", p.text, u32(c[ImGuiCol_HeaderHovered])},
      {"text on the menu bar", p.text, u32(c[ImGuiCol_MenuBarBg])},
      {"text on a table header", p.text, u32(c[ImGuiCol_TableHeaderBg])},
      {"text on the timeline's start cell", p.text, p.grid},
      {"text on the canvas", p.text, canvas},
      {"dim text on the canvas", p.text_dim, canvas},
      {"read marks on the canvas", p.reads, canvas},
      {"write marks on the canvas", p.writes, canvas},
      {"read marks on the window", p.reads, window},
      {"write marks on the window", p.writes, window},
      {"neuron outlines on the canvas", p.neuron_outline, canvas},
      {"lesson highlights on the canvas", p.lesson, canvas},
      {"lesson text on the window", p.lesson, window},
      {"\"right\" on the window", p.good, window},
      {"errors on the window", p.bad, window},
      {"warnings on the window", p.warn, window},
      {"notes on the window", p.info, window},
      {"op numbers on an applied timeline cell", p.on_phase, p.phase[0]},
      {"op numbers on an applied timeline cell", p.on_phase, p.phase[1]},
      {"op numbers on an applied timeline cell", p.on_phase, p.phase[2]},
      {"op numbers on an applied timeline cell", p.on_phase, p.phase[3]},
  };
  for (int k = 0; k < 4; ++k) {
    out.push_back({"a phase name or title on the window", p.phase_text[k], window});
    // A cell not yet applied: the phase colour at 27 % over the window.
    out.push_back({"op numbers on a pending timeline cell", p.text,
                   blend_over((p.phase[k] & ~IM_COL32_A_MASK) | (70u << IM_COL32_A_SHIFT), window)});
  }
  return out;
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
