#include "heatmap_texture.hpp"

#include "gl_api.hpp"

#include <algorithm>
#include <array>
#include <cmath>

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

  GLint previous = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous);
  if (texture_ == 0) {
    GLuint t = 0;
    glGenTextures(1, &t);
    texture_ = t;
  }
  glBindTexture(GL_TEXTURE_2D, texture_);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  // ImU32 is 0xAABBGGRR: in memory, on a little-endian machine, R G B A.
  if (rows != rows_ || cols != cols_) {
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, cols, rows, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels_.data());
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, cols, rows, GL_RGBA, GL_UNSIGNED_BYTE, pixels_.data());
  }
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous));
  note_texture_content_changed();
  rows_ = rows;
  cols_ = cols;
  key_ = key;
}

ImTextureID HeatmapTexture::id() const {
  // The OpenGL3 backend of ImGui 1.86 takes the GL texture name as the ID.
  return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(texture_));
}

HeatmapTexture& heatmap_for_layer(int layer) {
  static auto* slots = new std::vector<HeatmapTexture>();  // never destroyed: see the header
  if (layer >= static_cast<int>(slots->size())) slots->resize(static_cast<std::size_t>(layer) + 1);
  return (*slots)[static_cast<std::size_t>(layer)];
}

void RegionTexture::upload(const std::vector<std::uint32_t>& pixels, int size) {
  GLint previous = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous);
  if (id == 0) {
    GLuint t = 0;
    glGenTextures(1, &t);
    id = t;
  }
  glBindTexture(GL_TEXTURE_2D, id);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  if (size != n) {
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, size, size, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    n = size;
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, size, size, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  }
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous));
  note_texture_content_changed();  // the window must draw this frame (app/window.cpp)
}

}  // namespace bpv
