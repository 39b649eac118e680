// A weight matrix drawn as an image: one texel per weight, row i = neuron i
// of the layer before, column j = neuron j of this layer, coloured with the
// canvas' diverging colour map. One GL texture per matrix, uploaded again only
// when what it shows changes (its key), drawn with ImDrawList::AddImage.
#pragma once
#include <imgui.h>

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace bpv {

// Both texture types free their GL texture when destroyed, so they live in
// a panel's cache (panel_caches.hpp), which goes while the context is alive.
class HeatmapTexture {
 public:
  HeatmapTexture() = default;
  ~HeatmapTexture();
  HeatmapTexture(HeatmapTexture&& other) noexcept;  // (std::vector of them grows)
  HeatmapTexture(const HeatmapTexture&) = delete;
  HeatmapTexture& operator=(const HeatmapTexture&) = delete;
  HeatmapTexture& operator=(HeatmapTexture&&) = delete;

  // Shows factor · m(i, j) with ±scale as full colour. Uploads only when `key`
  // (which must change whenever m, factor, scale or the theme do) differs
  // from the last upload's.
  void update(const Eigen::MatrixXd& m, double factor, double scale, std::uint64_t key);
  ImTextureID id() const;
  bool ready() const { return texture_ != 0; }
  // Whether update() with this key would upload (so a caller can skip building the matrix).
  bool needs(std::uint64_t key) const { return !ready() || key != key_; }

 private:
  unsigned texture_ = 0;
  int rows_ = 0, cols_ = 0;
  std::uint64_t key_ = 0;
  std::vector<std::uint32_t> pixels_;
};

// An RGBA texture of n × n texels, smoothed when stretched: a decision region
// is a continuous function of the input, not a matrix of separate cells
// (insight_panel.cpp, data_panel.cpp). Texels are ImU32 colours, row 0 on top.
struct RegionTexture {
  RegionTexture() = default;
  ~RegionTexture();
  RegionTexture(const RegionTexture&) = delete;
  RegionTexture& operator=(const RegionTexture&) = delete;
  unsigned id = 0;
  int n = 0;
  void upload(const std::vector<std::uint32_t>& pixels, int size);
  ImTextureID texture_id() const { return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(id)); }
};

// Counts uploads of texture contents (every GL texture the UI draws with,
// the fonts aside): the window redraws a frame whose draw data is unchanged
// when this moved (app/window.cpp). Any code that uploads texels calls
// note_texture_content_changed().
std::uint64_t texture_content_generation();
void note_texture_content_changed();

}  // namespace bpv
