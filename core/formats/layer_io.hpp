// formats.md §6's layers other than dense in the scenario file: conv2d,
// max_pool, avg_pool, batch_norm and dropout read with their defaults,
// limits and one-line errors, and written back; and the file's spelling of
// a layer's parameters, which a conv layer nests C′ × C × k × k and a batch
// norm names gamma and beta.
#pragma once
#include <string>
#include <string_view>

#include "formats/field_reader.hpp"

namespace bpv {

inline constexpr int kMaxChannels = 64;
inline constexpr int kMaxKernel = 7;

struct LayerKindDef;

// What a layer sees: its input's width and, where it is an image, its shape.
struct LayerInput {
  int width = 0;
  Shape shape;
};

// Layer l (1-based) of kind `kind` from `lj`, at field `f`, by the kind's own
// read function. Fills missing parameters from the scenario's init as dense
// layers are filled.
Layer read_typed_layer(const FieldReader& rd, const json& lj, const std::string& f, const LayerKindDef& kind,
                       const LayerInput& input, const Scenario& sc, int l, bool last);
// The layer's object in the file (not for dense layers).
json typed_layer_json(const Layer& layer);

// "weights" / "bias", or a batch norm's "gamma" / "beta".
std::string_view parameter_key(const Layer& layer, bool bias);
// A parameter-shaped matrix (the parameter, its gradient, an optimizer
// state tensor) as the file writes it, and read back.
json parameter_json(const Layer& layer, const Eigen::MatrixXd& m, bool bias);
Eigen::MatrixXd read_parameter(const FieldReader& rd, const json& j, const std::string& f, const Layer& layer,
                               bool bias);

// What the layer kinds' read and write functions (LayerKindDef::read, ::write,
// in each kind's own file) share: the fields every kind spells the same way
// and their one-line errors.
namespace layer_io {
// An optional integer field in [lo, hi], `fallback` when it is missing.
int read_int(const FieldReader& rd, const json& lj, const char* key, const std::string& f, int lo, int hi,
             int fallback);
// "activation": an elementwise one; identity when missing.
const Activation* read_activation(const FieldReader& rd, const json& lj, const std::string& f);
// Fails unless the layer's input is an image.
void need_image(const FieldReader& rd, const std::string& f, std::string_view type, const LayerInput& input, int l);
// H′ = ⌊(H + 2p − k)/s⌋ + 1, W′ likewise; none left, or over kMaxNeurons values, is an error.
Shape output_shape(const FieldReader& rd, const std::string& f, const Shape& in, int channels, int k, int s, int p);
// A "size" field, where one is given, must be the size the layer has.
void no_size_but(const FieldReader& rd, const json& lj, const std::string& f, int size, const char* why);
// C′ × C × k × k nested arrays as the (C·k·k) × C′ matrix, and back.
Eigen::MatrixXd read_kernels(const FieldReader& rd, const json& j, const std::string& f, const Layer& layer);
json kernels_json(const Layer& layer, const Eigen::MatrixXd& w);
// A 1 × n row, `fill` where the field is missing; `positive`: no negative entry.
Eigen::MatrixXd feature_row(const FieldReader& rd, const json& lj, const char* key, const std::string& f, int n,
                            double fill, bool positive);
}  // namespace layer_io

// Why a layer cannot train on the smallest batch training will give it
// (formats.md §6: batch norm's two values per feature), else "".
std::string training_batch_problem(const Scenario& sc);

}  // namespace bpv
