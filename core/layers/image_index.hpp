// Where the values of an image sit in a layer's B × n buffer: one row per
// example, flattened channel, then row, then column (PyTorch's order), and
// how a formula names one of them ("x[1,2,3]", 1-based as the equations are).
#pragma once
#include <string>

#include "engine/ops.hpp"

namespace bpv {

struct Pixel {
  int channel = 0, row = 0, col = 0;
};

inline int flat_index(const Shape& s, int channel, int row, int col) { return (channel * s.rows + row) * s.cols + col; }
inline Pixel pixel_at(const Shape& s, int index) {
  const int plane = s.plane();
  return {index / plane, (index % plane) / s.cols, index % s.cols};
}

// a_{l-1}: the input x below layer 1.
inline BufferRef layer_input(int l) { return l == 1 ? BufferRef{Buffer::Input, 0} : BufferRef{Buffer::Activation, l - 1}; }

// The input a_{l−1} of example b at a pixel, or 0 outside the image (padding).
inline double input_at(const PassState& ps, const Shape& in, int l, int b, int channel, int row, int col) {
  if (row < 0 || col < 0 || row >= in.rows || col >= in.cols) return 0.0;
  return ps.activation(l - 1)(b, flat_index(in, channel, row, col));
}

// The pixel of layer l's output that unit j is, or (0, 0, j) on a layer of neurons.
inline Pixel unit_pixel(const Layer& layer, int j) {
  return layer.out_shape.empty() ? Pixel{0, 0, j} : pixel_at(layer.out_shape, j);
}

// "[c,i,j]" with 1-based numbers, as a person counts.
inline std::string pixel_text(const Pixel& p) {
  return "[" + std::to_string(p.channel + 1) + "," + std::to_string(p.row + 1) + "," + std::to_string(p.col + 1) + "]";
}

}  // namespace bpv
