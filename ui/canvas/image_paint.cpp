#include "canvas/image_paint.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace bpv {

void Brush(std::vector<double>& pixels, int rows, int cols, int j, bool erase) {
  const int r = j / cols, c = j % cols;
  auto put = [&](int rr, int cc, double v) {
    if (rr < 0 || rr >= rows || cc < 0 || cc >= cols) return;
    double& p = pixels[static_cast<std::size_t>(rr * cols + cc)];
    p = erase ? 0.0 : std::max(p, v);
  };
  put(r, c, kPaintValue);
  put(r - 1, c, 0.5 * kPaintValue);
  put(r + 1, c, 0.5 * kPaintValue);
  put(r, c - 1, 0.5 * kPaintValue);
  put(r, c + 1, 0.5 * kPaintValue);
}

namespace {

// Every pixel on the line from a to b (a fast drag skips pixels between frames).
void brush_line(std::vector<double>& pixels, int rows, int cols, int a, int b, bool erase) {
  int r0 = a / cols, c0 = a % cols;
  const int r1 = b / cols, c1 = b % cols;
  const int dr = std::abs(r1 - r0), dc = std::abs(c1 - c0);
  const int sr = r0 < r1 ? 1 : -1, sc = c0 < c1 ? 1 : -1;
  int err = dc - dr;
  for (;;) {
    Brush(pixels, rows, cols, r0 * cols + c0, erase);
    if (r0 == r1 && c0 == c1) break;
    const int e2 = 2 * err;
    if (e2 > -dr) {
      err -= dr;
      c0 += sc;
    }
    if (e2 < dc) {
      err += dc;
      r0 += sr;
    }
  }
}

}  // namespace

bool PaintImageInput(const Session& session, UiState& ui, CommandQueue& commands, const ColumnLayout& input,
                     const CanvasView& view, bool canvas_hovered) {
  PaintUi& p = ui.paint;
  const Scenario& sc = session.scenario();
  if (!sc.image_input() || !input.image || ui.example < 0 || ui.example >= sc.batch_size() || session.training()) {
    p.active = false;
    return false;
  }
  const int j = input.neuron_at(view.to_canvas(ImGui::GetIO().MousePos));
  if (!p.active) {
    const bool left = ImGui::IsMouseClicked(ImGuiMouseButton_Left), right = ImGui::IsMouseClicked(ImGuiMouseButton_Right);
    if (!canvas_hovered || j < 0 || !(left || right)) return false;
    p.active = true;
    p.erase = right;
    p.example = ui.example;
    p.last = -1;
    // Eigen keeps a row of a column-major matrix strided: element by element.
    p.pixels.resize(static_cast<std::size_t>(sc.input_size));
    for (int k = 0; k < sc.input_size; ++k) p.pixels[static_cast<std::size_t>(k)] = sc.inputs(ui.example, k);
  }
  if (j >= 0 && j != p.last) {
    if (p.last < 0) Brush(p.pixels, input.rows, input.cols, j, p.erase);
    else brush_line(p.pixels, input.rows, input.cols, p.last, j, p.erase);
    p.last = j;
  }
  if (!ImGui::IsMouseDown(p.erase ? ImGuiMouseButton_Right : ImGuiMouseButton_Left)) {
    commands.push_back(command::ApplyEdit{edit::PaintImage{p.example, p.pixels}});
    p.active = false;
  }
  return true;
}

}  // namespace bpv
