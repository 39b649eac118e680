// Fonts, the two colour themes, and the colours that carry meaning: the
// diverging colour map for values, and the read / write / phase colours.
// One place, so the legend and the drawing can never disagree.
#pragma once
#include <imgui.h>

#include <string>
#include <vector>

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

// Every colour that carries meaning. Text and line colours are chosen for at
// least 4.5:1 contrast (WCAG AA) against what they are drawn on, in both
// themes; tests/unit/test_contrast.cpp computes the ratios.
struct Palette {
  ImU32 reads;      // what the current op reads (rings, labels)
  ImU32 writes;     // what it writes
  ImU32 just_computed;  // a faint glow (not text)
  ImU32 text;
  ImU32 text_dim;
  ImU32 canvas_bg;
  ImU32 grid;       // decoration: a faint background grid, not a line to read
  ImU32 neuron_outline;
  ImU32 phase[4];       // timeline cells of forward, loss, backward, update (indexed by Phase)
  ImU32 on_phase;       // the op numbers on an applied (opaque) phase cell
  ImU32 phase_text[4];  // the phase as a text colour: titles, the timeline's phase names
  ImU32 good;       // "Right!"
  ImU32 bad;        // errors, "Not quite", non-finite values
  ImU32 warn;       // a note that needs attention (an edit changed the shape)
  ImU32 info;       // neutral feedback ("Skipped")
  ImU32 lesson;     // a lesson beat's highlights and headings
};
const Palette& palette();

// A theme without an ImGui context (tests, and apply_theme itself).
struct ThemeColors {
  ImGuiStyle style;
  Palette palette;
};
ThemeColors theme_colors(bool dark);

// WCAG 2 contrast ratio of two opaque colours, 1 … 21.
double contrast_ratio(ImU32 a, ImU32 b);
// `top` (with its alpha) painted over an opaque `below`.
ImU32 blend_over(ImU32 top, ImU32 below);
// Near-black or near-white, whichever reads better on an opaque fill: the
// choice flips where both give the same ratio, so either is at least 4.5:1.
ImU32 readable_on(ImU32 fill);

// Every pair (text or line colour, what it is drawn on) the app uses, named.
struct ContrastPair {
  const char* what;
  ImU32 fg, bg;
};
std::vector<ContrastPair> contrast_pairs(bool dark);

}  // namespace bpv
