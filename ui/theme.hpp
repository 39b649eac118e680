// Fonts, the two colour themes, and the colours that carry meaning: the
// diverging colour map for values, and the read / write / phase colours.
// One place, so the legend and the drawing can never disagree.
#pragma once
#include <imgui.h>

#include <string>

namespace bpv {

struct Fonts {
  ImFont* regular = nullptr;  // panels and labels
  ImFont* small = nullptr;    // numbers on the canvas
  ImFont* large = nullptr;    // the current equation and the loss
  ImFont* presenter = nullptr;  // presenter mode: the beat text and the canvas labels
  bool fallback = false;      // DejaVu Sans missing: ImGui's built-in font (no ∂, σ, …)
  std::string notice;         // why, when fallback
};

// DejaVu Sans (fonts-dejavu-core) with the glyphs our equations use, scaled
// for the monitor, rasterised into a new atlas. Needs no ImGui context and
// no GL, so it runs on a worker thread while the window opens (window.cpp);
// the context is then created on the atlas (ImGui::CreateContext(atlas)).
struct FontAtlas {
  ImFontAtlas* atlas = nullptr;  // IM_NEW'd; the caller IM_DELETEs it after the context
  Fonts fonts;
};
FontAtlas build_font_atlas(float content_scale);
// After ImGui::CreateContext(atlas): these become fonts() and ImGui's default.
void use_fonts(const Fonts& loaded);
const Fonts& fonts();
// The characters the fonts cover, as ImGui's zero-terminated list of ranges.
const ImWchar* glyph_ranges();

void apply_theme(bool dark, float content_scale);
bool theme_is_dark();

// Diverging colour map: t in [−1, 1] → blue (negative), neutral (0), orange
// (positive). The neutral is the canvas colour's opposite, so 0 reads as "nothing".
ImU32 diverging_color(double t, float alpha = 1.0f);
// Colour of a value v on a scale where ±scale is full colour.
ImU32 value_color(double v, double scale, float alpha = 1.0f);

struct Palette {
  ImU32 reads;      // what the current op reads
  ImU32 writes;     // what it writes
  ImU32 just_computed;
  ImU32 text;
  ImU32 text_dim;
  ImU32 canvas_bg;
  ImU32 grid;
  ImU32 neuron_outline;
  ImU32 phase[4];   // forward, loss, backward, update (indexed by Phase)
};
const Palette& palette();

}  // namespace bpv
