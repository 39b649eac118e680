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

// Layer l (1-based) of kind `kind` from `lj`, at field `f`. Fills missing
// parameters from the scenario's init as dense layers are filled.
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

// formats.md §6: the smallest training batch a batch-norm layer would see
// has fewer than 2 values per feature: the problem, else "".
std::string batch_norm_batch_problem(const Scenario& sc);

}  // namespace bpv
