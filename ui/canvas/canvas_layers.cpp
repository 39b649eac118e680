// The layers that are not neurons and edges: a conv or pooling layer's
// feature maps (one tile per channel, one texel per value), a conv layer's
// kernels in the gap before it, a batch-norm layer's μ, σ², γ, β per
// feature, a dropout layer's dropped units crossed out, and, under the mouse,
// the window an output pixel reads on the maps before it.
//
// Maps and kernels are textures (heatmap_texture.hpp), uploaded only when
// what they show changes: 8 maps of 28×28 are one image each frame, not
// 6,272 rectangles.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "canvas/canvas_draw.hpp"
#include "engine/describe.hpp"
#include "layers/layer_kind.hpp"

namespace bpv::canvas {
namespace {

std::uint64_t key_of(const Frame& f, int l, Shown shown, double scale, std::uint64_t extra) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &scale, sizeof bits);  // no std::bit_cast in the web build's libc++
  std::uint64_t k = mix(f.revision, static_cast<std::uint64_t>(l) * 131 + static_cast<std::uint64_t>(shown));
  k = mix(mix(k, bits), extra);
  return mix(k, theme_is_dark() ? 1 : 2);
}

HeatmapTexture& texture(std::vector<HeatmapTexture>& list, int l) {
  if (static_cast<std::size_t>(l) >= list.size()) list.resize(static_cast<std::size_t>(l) + 1);
  return list[static_cast<std::size_t>(l)];
}

// A short caption centred under (or over) a box, when it fits `room`.
void caption(const Frame& f, ImVec2 centre, float room, ImU32 ink, const char* text) {
  if (text_width(f.small, f.small_size, text) <= room) text_centered(f, f.small, f.small_size, centre, ink, text);
}

const Layer& layer_of(const Frame& f, int l) { return f.sc.layers[static_cast<std::size_t>(l - 1)]; }

}  // namespace

namespace {

// One set of a layer's maps, `dx` right of its place: `shown` (Nothing: the
// neutral colour, "not yet") from one value per unit.
void draw_mosaic(const Frame& f, int l, float dx, Shown shown, const std::vector<double>& values, Shown name,
                 HeatmapTexture& tex, float alpha) {
  const ColumnLayout& c = f.column(l);
  const float mosaic_w = c.cell_w * static_cast<float>(c.mosaic_cols());
  const ImVec2 lo_c{c.cells_min.x + dx, c.cells_min.y};
  const ImVec2 a = f.screen(lo_c), b = f.screen(ImVec2(lo_c.x + mosaic_w, c.max.y));
  const double scale = f.values.scale_of(shown == Shown::Nothing ? name : shown);
  const std::uint64_t key = key_of(f, l, shown, scale,
                                   static_cast<std::uint64_t>(f.values.example + 2) * 64 + static_cast<std::uint64_t>(c.tiles_across));
  if (tex.needs(key)) {
    Eigen::MatrixXd& mosaic = f.cache->mosaic;
    mosaic.setZero(c.mosaic_rows(), c.mosaic_cols());  // spaces and values not yet computed: the neutral colour
    if (shown != Shown::Nothing)
      for (int j = 0; j < c.size; ++j) {
        const ImVec2 m = c.cell_min(j);
        const int row = static_cast<int>(std::lround((m.y - c.cells_min.y) / c.cell_h));
        const int col = static_cast<int>(std::lround((m.x - c.cells_min.x) / c.cell_w));
        mosaic(row, col) = values[static_cast<std::size_t>(j)];
      }
    tex.update(mosaic, 1.0, scale, key);
  }
  f.dl->AddImage(tex.id(), a, b, ImVec2(0, 0), ImVec2(1, 1), IM_COL32(255, 255, 255, static_cast<int>(alpha * 255)));
  // Each map's edge, so a tile reads as one channel.
  const float tile_w = static_cast<float>(c.cols) * c.cell_w, tile_h = static_cast<float>(c.rows) * c.cell_h;
  for (int ch = 0; ch < c.channels; ++ch) {
    const ImVec2 m = c.cell_min(ch * c.rows * c.cols);
    f.dl->AddRect(f.screen(ImVec2(m.x + dx - 0.5f, m.y - 0.5f)), f.screen(ImVec2(m.x + dx + tile_w + 0.5f, m.y + tile_h + 0.5f)),
                  with_alpha(f.pal.neuron_outline, 0.6f * alpha), 0.0f, 0, 1.0f);
  }
  // Under the maps: what they show; under the values their count and size too.
  char text[96];
  const std::string sym = shown_symbol(shown == Shown::Nothing ? name : shown, f.sc, l, f.layer(l).neuron_state);
  if (dx == 0.0f)
    std::snprintf(text, sizeof text, "%s: %d×%d×%d%s", sym.c_str(), c.channels, c.rows, c.cols,
                  shown == Shown::Nothing ? "  not yet" : "");
  else
    std::snprintf(text, sizeof text, "%s%s", sym.c_str(), shown == Shown::Nothing ? ": not yet" : "");
  caption(f, ImVec2(0.5f * (a.x + b.x), b.y + 6.0f + 0.5f * f.small_size),
          b.x - a.x + (c.twin ? 0.5f * (c.twin_dx - mosaic_w) : 20.0f) * f.view.zoom,
          f.layer(l).neuron_role != Role::None ? f.pal.text : f.pal.text_dim, text);
}

bool is_value(Shown s) { return s != Shown::Nothing && scale_group(s) == ScaleGroup::Values; }

}  // namespace

void draw_feature_maps(const Frame& f, int l) {
  const LayerView& v = f.layer(l);
  const ColumnLayout& c = f.column(l);
  const ImVec2 a = f.screen(c.min), b = f.screen(c.max);
  if (!f.visible(a, b)) return;
  const float alpha = f.alpha(v.neuron_role);
  // The values on the left; a gradient or a step, when the layer shows one, on the right.
  const bool main_is_value = is_value(v.neurons) || !c.twin;
  const Shown value = main_is_value ? v.neurons : is_value(v.below) ? v.below : Shown::Nothing;
  const std::vector<double>& value_numbers = main_is_value ? v.values : v.below_values;
  draw_mosaic(f, l, 0.0f, value, value_numbers, Shown::Activation, texture(f.cache->maps, l), alpha);
  if (c.twin)
    draw_mosaic(f, l, c.twin_dx, main_is_value ? Shown::Nothing : v.neurons, v.values,
                f.values.phase == Phase::Update ? Shown::BiasUpdate : Shown::GradActivation,
                texture(f.cache->gradient_maps, l), alpha);
  if (v.neuron_role == Role::Write)
    f.dl->AddRect(ImVec2(a.x - 6, a.y - 6), ImVec2(b.x + 6, b.y + 6), with_alpha(f.pal.just_computed, 0.35f), 2.0f, 0,
                  5.0f);
  if (v.neuron_role != Role::None)
    f.dl->AddRect(ImVec2(a.x - 3, a.y - 3), ImVec2(b.x + 3, b.y + 3), role_color(f.pal, v.neuron_role), 2.0f, 0, 2.5f);
}

void draw_kernels(const Frame& f, int l) {
  const LayerView& v = f.layer(l);
  const GapLayout& g = f.layout.gaps[static_cast<std::size_t>(l)];
  const ImVec2 a = f.screen(g.min), b = f.screen(g.max);
  if (!f.visible(a, b)) return;
  const float alpha = f.alpha(v.edge_role);
  const int k = g.kernel, rows = g.out_channels * (k + 1) - 1, cols = g.in_channels * (k + 1) - 1;
  if (v.matrix && v.edges != Shown::Nothing && v.matrix->rows() == g.in_channels * k * k &&
      v.matrix->cols() == g.out_channels) {
    const double scale = f.values.scale_of(v.edges);
    HeatmapTexture& tex = texture(f.cache->kernels, l);
    const std::uint64_t key = key_of(f, l, v.edges, scale * v.factor, static_cast<std::uint64_t>(v.edge_state));
    if (tex.needs(key)) {
      Eigen::MatrixXd& mosaic = f.cache->mosaic;
      mosaic.setZero(rows, cols);
      // W's row (c·k + u)·k + w, column c′: kernel (c′, c) at tile row c′, tile column c.
      for (int co = 0; co < g.out_channels; ++co)
        for (int ci = 0; ci < g.in_channels; ++ci)
          for (int u = 0; u < k; ++u)
            for (int w = 0; w < k; ++w)
              mosaic(co * (k + 1) + u, ci * (k + 1) + w) = (*v.matrix)((ci * k + u) * k + w, co);
      tex.update(mosaic, v.factor, scale, key);
    }
    f.dl->AddImage(tex.id(), a, b, ImVec2(0, 0), ImVec2(1, 1), IM_COL32(255, 255, 255, static_cast<int>(alpha * 255)));
  } else {
    f.dl->AddRectFilled(a, b, diverging_color(0.0, alpha));
  }
  const float texel_w = (b.x - a.x) / static_cast<float>(cols), texel_h = (b.y - a.y) / static_cast<float>(rows);
  for (int co = 0; co < g.out_channels; ++co)
    for (int ci = 0; ci < g.in_channels; ++ci) {
      const ImVec2 lo(a.x + static_cast<float>(ci * (k + 1)) * texel_w, a.y + static_cast<float>(co * (k + 1)) * texel_h);
      f.dl->AddRect(lo, ImVec2(lo.x + static_cast<float>(k) * texel_w, lo.y + static_cast<float>(k) * texel_h),
                    with_alpha(f.pal.neuron_outline, 0.5f * alpha), 0.0f, 0, 1.0f);
    }
  if (v.edge_role != Role::None)
    draw_role_frame(f, ImVec2(a.x - 4, a.y - 4), ImVec2(b.x + 4, b.y + 4), v.edge_role, v.edges, l);
  char text[96];
  const std::string sym = shown_symbol(v.edges == Shown::Nothing ? Shown::GradWeight : v.edges, f.sc, l, v.edge_state);
  std::snprintf(text, sizeof text, "%s: %d kernels %d×%d%s", sym.c_str(), g.out_channels * g.in_channels, k, k,
                v.edges == Shown::Nothing ? "  not yet" : "");
  caption(f, ImVec2(0.5f * (a.x + b.x), b.y + 6.0f + 0.5f * f.small_size), b.x - a.x + 60.0f * f.view.zoom,
          v.edge_role != Role::None ? f.pal.text : f.pal.text_dim, text);
  // A kernel texel under the mouse: which weight it is, and its value.
  if (!f.hovered || !ImGui::IsMouseHoveringRect(a, b)) return;
  const ImVec2 p = ImGui::GetIO().MousePos;
  const int tr = static_cast<int>((p.y - a.y) / texel_h), tc = static_cast<int>((p.x - a.x) / texel_w);
  const int co = tr / (k + 1), u = tr % (k + 1), ci = tc / (k + 1), w = tc % (k + 1);
  if (u == k || w == k || co >= g.out_channels || ci >= g.in_channels || !v.matrix || v.edges == Shown::Nothing) return;
  const double value = v.factor * (*v.matrix)((ci * k + u) * k + w, co);
  const std::string L = superscript(l);
  ImGui::SetTooltip("%s[%d,%d,%d,%d] = %s\nkernel of output channel %d on input channel %d, row %d, column %d",
                    sym.c_str(), co + 1, ci + 1, u + 1, w + 1, format_number(value).c_str(), co + 1, ci + 1, u + 1, w + 1);
}

void draw_statistics(const Frame& f, int l) {
  const GapLayout& g = f.layout.gaps[static_cast<std::size_t>(l)];
  const ImVec2 a = f.screen(g.min), b = f.screen(g.max);
  if (!f.visible(a, b) || g.stats_y.empty()) return;
  const Layer& layer = layer_of(f, l);
  const LayerState& ls = f.st.state().layers[static_cast<std::size_t>(l - 1)];
  const bool have_mean = f.st.is_computed(BufferRef{Buffer::Mean, l});
  const bool have_var = f.st.is_computed(BufferRef{Buffer::Variance, l});
  const Eigen::MatrixXd* columns[4] = {&ls.mean, &ls.variance, &layer.weights, &layer.bias};
  const bool shown[4] = {have_mean, have_var, true, true};
  const Buffer buffers[4] = {Buffer::Mean, Buffer::Variance, Buffer::Weights, Buffer::Bias};
  const std::string L = superscript(l);
  const std::string heads[4] = {"μ" + L, "σ²" + L, "γ" + L, "β" + L};
  const Op* op = f.st.last_op();
  const float w = g.stats_cell_w * f.view.zoom, h = g.stats_cell_h * f.view.zoom;
  const double value_scale = f.values.scale[static_cast<int>(ScaleGroup::Values)];
  char buf[32];
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (int k = 0; k < 4; ++k) {
    Role role = Role::None;
    if (op && op->writes == BufferRef{buffers[k], l}) role = Role::Write;
    for (int r = 0; op && r < op->read_count; ++r)
      if (op->reads[static_cast<std::size_t>(r)] == BufferRef{buffers[k], l} && role == Role::None) role = Role::Read;
    const float alpha = f.alpha(role);
    const float x = a.x + static_cast<float>(k) * w;
    caption(f, ImVec2(x + 0.5f * w, a.y - 4.0f - 0.5f * f.small_size), w - 2.0f,
            role != Role::None ? role_color(f.pal, role) : f.pal.text_dim, heads[k].c_str());
    for (std::size_t feature = 0; feature < g.stats_y.size(); ++feature) {
      const float y = f.view.to_screen(ImVec2(0.0f, g.stats_y[feature])).y;
      const ImVec2 lo(x + 1.0f, y + 0.5f), hi(x + w - 1.0f, y + h - 0.5f);
      const Eigen::MatrixXd& m = *columns[k];
      const bool known = shown[k] && static_cast<Eigen::Index>(feature) < m.cols();
      const double value = known ? m(0, static_cast<Eigen::Index>(feature)) : 0.0;
      const ImU32 fill = known && value_scale > 0.0 ? diverging_color(value / value_scale, alpha)
                                                    : diverging_color(0.0, alpha);
      f.dl->AddRectFilled(lo, hi, fill, 2.0f);
      if (role != Role::None) f.dl->AddRect(lo, hi, role_color(f.pal, role), 2.0f, 0, 1.5f);
      if (!known) {
        if (h >= f.small_size) text_centered(f, f.small, f.small_size, ImVec2(0.5f * (lo.x + hi.x), 0.5f * (lo.y + hi.y)),
                                             f.pal.text_dim, "·");
      } else if (h >= f.small_size && fit_number(f, value, w - 4.0f, buf, sizeof buf, 3)) {
        text_centered(f, f.small, f.small_size, ImVec2(0.5f * (lo.x + hi.x), 0.5f * (lo.y + hi.y)), text_on(fill, f.backdrop),
                      buf);
      }
      if (f.hovered && mouse.x >= lo.x && mouse.x < hi.x && mouse.y >= lo.y && mouse.y < hi.y) {
        static const char* const kMeaning[4] = {"the batch mean of the feature's input", "the batch variance (biased, 1/B)",
                                                "the learned scale γ", "the learned shift β"};
        const std::string J = subscript(static_cast<int>(feature) + 1);
        ImGui::SetTooltip("%s%s = %s\n%s\nrunning mean %s, running variance %s (used in evaluation)",
                          heads[k].c_str(), J.c_str(), known ? format_number(value).c_str() : "· (not computed yet)",
                          kMeaning[k], format_number(layer.running_mean(0, static_cast<Eigen::Index>(feature))).c_str(),
                          format_number(layer.running_var(0, static_cast<Eigen::Index>(feature))).c_str());
      }
    }
  }
}

void draw_elementwise(const Frame& f, int l) {
  const GapLayout& g = f.layout.gaps[static_cast<std::size_t>(l)];
  const ColumnLayout& s = f.column(l - 1);
  const ColumnLayout& t = f.column(l);
  const ImU32 ink = with_alpha(f.layer(l).neuron_role != Role::None ? f.pal.text : f.pal.text_dim, 0.6f);
  if (!s.compact && !t.compact && s.size == t.size) {  // unit j reads unit j: one line each
    for (int j = 0; j < s.size; ++j) {
      ImVec2 b;
      const ImVec2 a = edge_start(s, t, j, j, b);
      f.dl->AddLine(f.screen(a), f.screen(b), ink, 1.5f);
    }
    return;
  }
  // Maps to maps (pooling), or strips: an arrow; the header names the kind.
  const ImVec2 a = f.screen(g.min), b = f.screen(g.max);
  const float y = 0.5f * (a.y + b.y);
  f.dl->AddLine(ImVec2(a.x + 4.0f, y), ImVec2(b.x - 8.0f, y), ink, 1.5f);
  f.dl->AddTriangleFilled(ImVec2(b.x - 4.0f, y), ImVec2(b.x - 10.0f, y - 4.0f), ImVec2(b.x - 10.0f, y + 4.0f), ink);
}

void draw_dropped(const Frame& f, int l) {
  const Layer& layer = layer_of(f, l);
  // A layer with a mask (dropout's) crosses out the units it dropped.
  const Eigen::MatrixXd& mask = f.st.state().layers[static_cast<std::size_t>(l - 1)].mask;
  if (mask.size() == 0 || !f.st.is_computed(BufferRef{Buffer::Mask, l})) return;
  const ColumnLayout& c = f.column(l);
  const int ex = f.values.example;
  if (ex < 0 || ex >= mask.rows()) return;  // the batch mean: each example drops other units
  const ImU32 ink = with_alpha(f.pal.text, 0.85f);
  for (int j = 0; j < c.size && j < mask.cols(); ++j) {
    if (mask(ex, j) != 0.0) continue;
    ImVec2 lo, hi;
    if (c.compact) {
      const ImVec2 m = c.cell_min(j);
      lo = f.screen(m);
      hi = f.screen(ImVec2(m.x + c.cell_w, m.y + c.cell_h));
    } else {
      const ImVec2 p = f.screen(c.center(j));
      const float r = 0.75f * c.radius * f.view.zoom;
      lo = ImVec2(p.x - r, p.y - r);
      hi = ImVec2(p.x + r, p.y + r);
    }
    f.dl->AddLine(lo, hi, ink, 2.5f);
    f.dl->AddLine(ImVec2(lo.x, hi.y), ImVec2(hi.x, lo.y), ink, 2.5f);
  }
}

void draw_window_hover(const Frame& f) {
  if (f.hover.kind != CanvasItem::Kind::Neuron || f.hover.layer < 1) return;
  const int l = f.hover.layer;
  const Layer& layer = layer_of(f, l);
  const auto window_of = layer_kind(layer).input_window;
  if (!window_of) return;
  const ColumnLayout& s = f.column(l - 1);
  if (!s.image || layer.out_shape.empty()) return;
  const InputWindow w = window_of(layer, f.hover.j);
  const int r0 = w.row, c0 = w.col, k = w.size;
  for (int in = 0; in < s.channels; ++in) {
    if (w.channel >= 0 && in != w.channel) continue;
    const ImVec2 tile = s.cell_min(in * s.rows * s.cols);
    const ImVec2 lo(tile.x + static_cast<float>(c0) * s.cell_w, tile.y + static_cast<float>(r0) * s.cell_h);
    const ImVec2 hi(lo.x + static_cast<float>(k) * s.cell_w, lo.y + static_cast<float>(k) * s.cell_h);
    f.dl->AddRect(f.screen(lo), f.screen(hi), f.pal.lesson, 0.0f, 0, 2.5f);
  }
}

}  // namespace bpv::canvas
