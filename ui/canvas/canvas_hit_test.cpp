// What is under the mouse on the graph canvas: a neuron (its circle or cell),
// else an edge (its number plate, its cell of a heatmap, or within 5 pixels
// of its line).
#include "canvas/graph_canvas_frame.hpp"

namespace bpv::canvas {

CanvasItem hit_test(const Frame& f, ImVec2 mouse) {
  CanvasItem item;
  const ImVec2 p = f.view.to_canvas(mouse);
  const int last = static_cast<int>(f.layout.columns.size()) - 1;
  for (int l = 0; l <= last; ++l) {
    const int j = f.column(l).neuron_at(p);
    if (j >= 0) return CanvasItem{CanvasItem::Kind::Neuron, l, 0, j};
  }
  for (int l = 1; l <= last; ++l) {
    const GapLayout& g = f.layout.gaps[static_cast<std::size_t>(l)];
    const ColumnLayout& s = f.column(l - 1);
    const ColumnLayout& t = f.column(l);
    if (!g.edges()) continue;  // kernels, statistics: their own tooltips (canvas_layers.cpp)
    int i = 0, j = 0;
    if (g.heatmap) {
      if (g.edge_at(p, s.size, t.size, i, j)) return CanvasItem{CanvasItem::Kind::Edge, l, i, j};
      continue;
    }
    if (p.x < s.x || p.x > t.x) continue;
    if (on_edge_number(f, l, mouse, i, j)) return CanvasItem{CanvasItem::Kind::Edge, l, i, j};
    float best = 5.0f / f.view.zoom;  // within 5 pixels of a line
    for (i = 0; i < s.size; ++i)
      for (j = 0; j < t.size; ++j) {
        ImVec2 b;
        const ImVec2 a = edge_start(s, t, i, j, b);
        const float d = distance_to_segment(p, a, b);
        if (d < best) {
          best = d;
          item = CanvasItem{CanvasItem::Kind::Edge, l, i, j};
        }
      }
    if (item.kind != CanvasItem::Kind::None) return item;
  }
  return item;
}

}  // namespace bpv::canvas
