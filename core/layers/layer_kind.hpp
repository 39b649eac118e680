// A layer kind as a table entry: its "type" in the scenario file
// (formats.md §1, §6), how its object there is read and written, and the ops
// it adds to one training step. build_ops
// (engine/ops.cpp) asks each layer's kind for its ops at each point of the
// step; it knows no kind by name.
//
//   dense_layer.cpp     dense     affine, activation; activation_backward,
//                                 grad_weights, (penalty_gradient), grad_bias,
//                                 grad_input; update_weights, update_bias
//   dropout_layer.cpp   dropout   dropout_mask, dropout; dropout_backward
//   conv_layer.cpp      conv2d    conv (one per output channel), activation;
//                                 activation_backward, conv_grad_weights,
//                                 (penalty_gradient), conv_grad_bias,
//                                 conv_grad_input; update_weights, update_bias
//   pool_layer.cpp      max_pool  max_pool; max_pool_backward
//                       avg_pool  avg_pool; avg_pool_backward
//   batch_norm_layer.cpp batch_norm  batch_mean, batch_variance, normalize,
//                                 scale_shift, activation; activation_backward,
//                                 grad_gamma, grad_beta, batch_norm_grad_input
//   batch_norm_graph.cpp          or ("backward": "graph") batch_norm_grad_x_hat,
//                                 _inverse_std, _var, _centered, _mean, _input_sum;
//                                 update_weights (γ), update_bias (β),
//                                 running_mean, running_variance
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ops.hpp"

namespace bpv {

class ScenarioError;
template <class Error>
struct BasicFieldReader;
using FieldReader = BasicFieldReader<ScenarioError>;  // formats/field_reader.hpp
struct LayerInput;                                    // formats/layer_io.hpp

struct LayerKindDef {
  std::string_view type;     // the file's "type"
  bool parameters = false;   // W and b that the optimizer updates
  bool penalized = false;    // its weights count in the regularization's sums (dense, conv)
  // The symbols of its two parameters, as its equations write them: "W" and
  // "b", or "γ" and "β".
  std::string_view weight_symbol = "", bias_symbol = "";
  // Their names in the file, the trace and the optimizer state.
  std::string_view weight_key = "weights", bias_key = "bias";
  // Layer l's forward ops: read a_{l-1}, write a_l.
  void (*forward_ops)(const Scenario& scenario, int l, std::vector<Op>& ops) = nullptr;
  // Its backward ops, from ∂L/∂a_l (or δ_l, which the loss gradient of a
  // stable output writes): its parameters' gradients (with the penalty's
  // when `regularized`) and, for l > 1, ∂L/∂a_{l-1}.
  void (*backward_ops)(const Scenario& scenario, int l, bool regularized, std::vector<Op>& ops) = nullptr;
  // Plain SGD's update of its parameters (an optimizer with state builds
  // its own update phase, op_update.cpp).
  void (*update_ops)(const Scenario& scenario, int l, std::vector<Op>& ops) = nullptr;
  // What the update phase does besides the optimizer, after every parameter
  // (batch norm's running statistics); nullptr: nothing.
  void (*statistics_ops)(const Scenario& scenario, int l, std::vector<Op>& ops) = nullptr;
  // Sizes (zeroed) the tensors of the pass state that only this kind has,
  // for a batch of `batch` examples: z, a, ∂L/∂a, δ and the parameters'
  // gradients every layer gets. nullptr: none.
  void (*size_state)(const Layer& layer, int batch, LayerState& state) = nullptr;
  // Its object in the scenario file (formats.md §6): read with the one-line
  // errors, filling missing parameters from the file's init, and written
  // back. The helpers they share are core/formats/layer_io.hpp. nullptr for
  // dense, formats.md §1's layer, which the scenario loader reads itself.
  Layer (*read)(const FieldReader& rd, const nlohmann::json& object, const std::string& field,
                const LayerInput& input, const Scenario& scenario, int l) = nullptr;
  void (*write)(const Layer& layer, nlohmann::json& object) = nullptr;
  // A weight-shaped matrix (the weights, their gradient, an optimizer state
  // tensor) as the file spells it, and read back. nullptr: a matrix of
  // fan-in rows (a bias-shaped one is always a row).
  nlohmann::json (*weights_json)(const Layer& layer, const Eigen::MatrixXd& weights) = nullptr;
  Eigen::MatrixXd (*read_weights)(const FieldReader& rd, const nlohmann::json& j, const std::string& field,
                                  const Layer& layer) = nullptr;
  // Its values in the trace's "layers" (formats.md §3, §6) after the step,
  // beside its "type". nullptr: a layer of z, a, δ, W and b (dense, conv2d),
  // which the trace writes itself.
  void (*trace)(const Layer& after, const LayerState& state, const LayerOptimizerState& optimizer_state_after,
                nlohmann::json& out) = nullptr;
};

// Every kind the engine steps, and the layer's own.
const std::vector<const LayerKindDef*>& all_layer_kinds();
const LayerKindDef* find_layer_kind(std::string_view type);  // nullptr: none of ours
const LayerKindDef& layer_kind(const Layer& layer);

// Whether a layer's output (and so the next layer's input) is an image:
// conv and pooling layers, and dropout and batch norm on an image.
bool shaped(const Layer& layer);

}  // namespace bpv
