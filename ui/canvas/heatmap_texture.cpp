#include "canvas/heatmap_texture.hpp"

#include "gl_api.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "theme.hpp"

namespace bpv {
namespace {

// diverging_color() sampled once per theme: a texture of 100 000 weights is
// coloured in a table look-up each.
constexpr int kLutSize = 1024;

const std::array<std::uint32_t, kLutSize>& color_table() {
  static std::array<std::uint32_t, kLutSize> table{};
  static int built_for = -1;  // 0 light, 1 dark
  const int dark = theme_is_dark() ? 1 : 0;
  if (built_for != dark) {
    for (int k = 0; k < kLutSize; ++k)
      table[static_cast<std::size_t>(k)] = diverging_color(2.0 * k / (kLutSize - 1) - 1.0);
    built_for = dark;
  }
  return table;
}

std::uint64_t g_texture_generation = 0;

// Uploads width × height ImU32 texels into `texture` (made on first use),
// allocating storage only when the size changed from the texture's
// (width_now × height_now, updated). The caller's texture binding is kept.
void upload_texels(unsigned& texture, int& width_now, int& height_now, const std::uint32_t* pixels, int width,
                   int height, GLint filter) {
  GLint previous = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous);
  if (texture == 0) {
    GLuint t = 0;
    glGenTextures(1, &t);
    texture = t;
    width_now = height_now = -1;
  }
  glBindTexture(GL_TEXTURE_2D, texture);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  // ImU32 is 0xAABBGGRR: in memory, on a little-endian machine, R G B A.
  if (width != width_now || height != height_now) {
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
    width_now = width;
    height_now = height;
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  }
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous));
  ++g_texture_generation;  // the window must draw this frame (app/window.cpp)
}

void delete_texture(unsigned& texture) {
  if (texture == 0) return;
  const GLuint t = texture;
  glDeleteTextures(1, &t);
  texture = 0;
}

}  // namespace

std::uint64_t texture_content_generation() { return g_texture_generation; }
void note_texture_content_changed() { ++g_texture_generation; }

void HeatmapTexture::update(const Eigen::MatrixXd& m, double factor, double scale, std::uint64_t key) {
  if (texture_ != 0 && key == key_ && m.rows() == rows_ && m.cols() == cols_) return;
  const auto& table = color_table();
  const int rows = static_cast<int>(m.rows()), cols = static_cast<int>(m.cols());
  pixels_.resize(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols));
  const double to_index = scale > 0.0 ? factor / scale : 0.0;
  const std::uint32_t not_finite = value_color(NAN, 1.0);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      const double t = m(i, j) * to_index;
      std::uint32_t c = not_finite;
      if (std::isfinite(t)) {
        const double u = (std::clamp(t, -1.0, 1.0) + 1.0) * 0.5 * (kLutSize - 1);
        c = table[static_cast<std::size_t>(std::lround(u))];
      }
      pixels_[static_cast<std::size_t>(i) * static_cast<std::size_t>(cols) + static_cast<std::size_t>(j)] = c;
    }

  upload_texels(texture_, cols_, rows_, pixels_.data(), cols, rows, GL_NEAREST);
  key_ = key;
}

ImTextureID HeatmapTexture::id() const {
  // The OpenGL3 backend of ImGui 1.86 takes the GL texture name as the ID.
  return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(texture_));
}

HeatmapTexture::~HeatmapTexture() { delete_texture(texture_); }

HeatmapTexture::HeatmapTexture(HeatmapTexture&& o) noexcept
    : texture_(std::exchange(o.texture_, 0)), rows_(o.rows_), cols_(o.cols_), key_(o.key_),
      pixels_(std::move(o.pixels_)) {}

void RegionTexture::upload(const std::vector<std::uint32_t>& pixels, int size) {
  int width = n, height = n;
  upload_texels(id, width, height, pixels.data(), size, size, GL_LINEAR);
  n = size;
}

RegionTexture::~RegionTexture() { delete_texture(id); }

}  // namespace bpv
