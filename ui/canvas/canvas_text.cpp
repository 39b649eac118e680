// The graph canvas' text: every label goes through put_text (canvas_draw.hpp).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "canvas/canvas_values.hpp"
#include "engine/describe.hpp"
#include "engine/gradcheck.hpp"
#include "canvas/canvas_draw.hpp"
#include "canvas/graph_canvas_frame.hpp"
#include "canvas/graph_layout.hpp"
#include "optimizers/optimizer.hpp"
#include "engine/parameter_step.hpp"
#include "canvas/heatmap_texture.hpp"
#include "canvas/image_paint.hpp"
#include "panels.hpp"
#include "theme.hpp"
#include "panels/value_input.hpp"

namespace bpv::canvas {

ImU32 with_alpha(ImU32 c, float a) {
  const auto old = static_cast<float>((c >> IM_COL32_A_SHIFT) & 0xFF);
  return (c & ~IM_COL32_A_MASK) | (static_cast<ImU32>(old * a + 0.5f) << IM_COL32_A_SHIFT);
}


// "h1₂" into buf, without allocating: the prefix is the layer's symbol.
void neuron_label(char* buf, std::size_t size, const std::string& prefix, int j) {
  static const char* const digits[10] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
  char num[16];
  std::snprintf(num, sizeof num, "%d", j + 1);
  std::size_t n = std::min(prefix.size(), size - 1);
  std::memcpy(buf, prefix.data(), n);
  for (const char* p = num; *p && n + 4 < size; ++p) {
    const std::size_t len = std::strlen(digits[*p - '0']);
    std::memcpy(buf + n, digits[*p - '0'], len);
    n += len;
  }
  buf[n] = '\0';
}

float text_width(ImFont* font, float size, const char* text) {
  return font->CalcTextSizeA(size, 1e9f, 0.0f, text).x;
}

// Every text the canvas draws goes through here, so that a layout check can
// list their rectangles (ui.layout_probe, for the tests).
void put_text(const Frame& f, ImFont* font, float size, ImVec2 pos, ImU32 col, const char* text) {
  f.dl->AddText(font, size, pos, col, text);
  if (!f.probe) return;
  const ImVec2 ts = font->CalcTextSizeA(size, 1e9f, 0.0f, text);
  f.probe->labels.push_back({text, ImVec4(pos.x, pos.y, pos.x + ts.x, pos.y + ts.y)});
}

void text_centered(const Frame& f, ImFont* font, float size, ImVec2 center, ImU32 col, const char* text) {
  const ImVec2 ts = font->CalcTextSizeA(size, 1e9f, 0.0f, text);
  put_text(f, font, size, ImVec2(std::floor(center.x - 0.5f * ts.x), std::floor(center.y - 0.5f * ts.y)),
                col, text);
}

// Dark text on light fills, light text on dark ones.
ImU32 text_on(ImU32 fill, ImU32 background) { return readable_on(blend_over(fill, background)); }

// The number for a space `room` pixels wide: 4 significant digits, fewer if
// they do not fit, nothing if even 2 do not.
bool fit_number(const Frame& f, double v, float room, char* buf, int size, int most) {
  for (int sig = most; sig >= 2; --sig) {
    format_compact(v, sig, buf, size);
    if (text_width(f.small, f.small_size, buf) <= room) return true;
  }
  return false;
}

// The fewest significant digits (4 to 6) at which no two different values of
// a column print the same: h2₁ 0.9388 and h2₂ 0.9405, never both "0.94".
int distinct_digits(const std::vector<double>& values) {
  char a[48], b[48];
  for (int sig = 4; sig < 6; ++sig) {
    bool clash = false;
    for (std::size_t i = 0; i < values.size() && !clash; ++i)
      for (std::size_t j = i + 1; j < values.size() && !clash; ++j) {
        if (values[i] == values[j]) continue;
        format_compact(values[i], sig, a, sizeof a);
        format_compact(values[j], sig, b, sizeof b);
        clash = std::strcmp(a, b) == 0;
      }
    if (!clash) return sig;
  }
  return 6;
}

// "a=0.9388" under a circle: the neuron's second value (LayerView::below).
const char* below_prefix(Shown s) {
  switch (s) {
    case Shown::Activation: return "a=";
    case Shown::PreActivation: return "z=";
    case Shown::Bias: return "b=";
    default: return "";
  }
}

ImU32 backdrop_color() {
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  return ImGui::ColorConvertFloat4ToU32(ImVec4(bg.x, bg.y, bg.z, 1.0f));
}

}  // namespace bpv::canvas
