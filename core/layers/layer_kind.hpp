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
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/ops.hpp"

namespace bpv {

class ScenarioError;
template <class Error>
struct BasicFieldReader;
using FieldReader = BasicFieldReader<ScenarioError>;  // formats/field_reader.hpp
struct LayerInput;                                    // formats/layer_io.hpp

// How the canvas joins a layer to the one below it: edges that carry weights
// (dense), a conv layer's kernels, batch norm's statistics, or one to one
// (pooling windows, dropout).
enum class Join : unsigned char { Edges, Kernels, Statistics, Elementwise };

// One unit of a layer as its hover tooltip asks about it (ui/canvas): the
// kind answers with rows of a label and a value, how it computes the unit.
struct UnitQuery {
  const PassState& state;
  const Layer& layer;
  int l = 0;
  int example = 0;           // the example whose windows and mask are shown
  int unit = 0;              // j, the unit's flat index in layer l
  bool input_ready = false;  // a_{l−1} holds this step's values
  std::function<bool(Buffer)> computed;       // layer l's tensor holds this step's values
  std::function<std::string(Buffer)> value;   // layer l's tensor at this unit, as shown, or not_yet
  std::string not_yet;                         // what a value not computed yet reads
};
using UnitRows = std::vector<std::pair<std::string, std::string>>;

// The square of its input that one output unit reads: at (row, col), `size`
// wide, in input channel `channel`, or in every channel (−1).
struct InputWindow {
  int channel = -1;
  int row = 0, col = 0, size = 0;
};

// A setting of a layer kind as the Edit panel's form offers it, named by its
// key in the kind's file object (formats.md §6).
struct LayerSetting {
  enum class Type : unsigned char { Int, Real, Choice };
  std::string_view key, label;
  Type type = Type::Int;
  double lo = 0.0, hi = 0.0;   // an Int's range in the form
  double fallback = 0.0;       // a new layer's value (a Choice: 0 off, 1 on)
  std::string_view off = "", on = "";  // a Choice: its two words in the file
  std::string_view hint = "";  // a note beside it, or a Choice's tooltip
  bool zero_omits = false;     // 0 means the key's default, and is written as no key
};

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
  // Puts its parameters back where training starts them when the user
  // re-initializes the network. nullptr: W and b drawn by the file's init
  // scheme for the weights' shape (dense, conv2d).
  void (*reset_parameters)(Layer& layer) = nullptr;
  // Why the layer cannot train on batches as small as `smallest_batch`
  // examples (batch norm needs two values per feature); "" when it can.
  // nullptr: any batch will do.
  std::string (*batch_problem)(const Layer& layer, int l, int smallest_batch) = nullptr;
  // Whether its weights read the whole of its input anew (dense, conv2d): a
  // change of the shape below stops at it. Other kinds keep the shape they
  // are given, so the change passes through them to the layers above.
  bool maps_input = false;
  // What its object in the file holds, besides its parameters, that was
  // learned on its input (batch norm's running statistics): dropped with the
  // parameters when that input changes shape.
  std::string_view learned_keys[2] = {};
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
  // Its settings, as the Edit panel's form offers them (besides the activation).
  std::span<const LayerSetting> settings = {};
  // An activation function after its own map (dense, conv2d, batch_norm):
  // the editor offers one, the canvas shows z and a.
  bool activation = false;
  // How the network canvas draws it: what joins it to the layer below; its
  // caption in the column's header ("conv ReLU", "max pool 2×2"; nullptr: its
  // activation, as dense); and the rule of what its circles show, written
  // with the columns' symbols (`below` is the layer below's, `out` its own):
  // its z ("z² = W² ⋆ h1 + b²"; nullptr: "a weighted sum") and, for a kind
  // with no activation, its output ("h2 = max of each window of h1").
  Join join = Join::Edges;
  std::string (*caption)(const Layer& layer) = nullptr;
  std::string (*pre_activation_rule)(int l, const std::string& below) = nullptr;
  std::string (*output_rule)(int l, const std::string& out, const std::string& below) = nullptr;
  // The rows its units' hover tooltip shows before their values and
  // gradients: a conv output's window and products, the pooling window's
  // winner, the dropout mask, batch norm's statistics, x̂ and γ·x̂ + β.
  void (*explain_unit)(const UnitQuery& query, UnitRows& rows) = nullptr;
  // The window of its input that unit j reads, which the canvas outlines on
  // hover (conv: every channel; pooling: its own). nullptr: none.
  InputWindow (*input_window)(const Layer& layer, int unit) = nullptr;
};

// Every kind the engine steps, and the layer's own.
const std::vector<const LayerKindDef*>& all_layer_kinds();
const LayerKindDef* find_layer_kind(std::string_view type);  // nullptr: none of ours
const LayerKindDef& layer_kind(const Layer& layer);

// Whether a layer's output (and so the next layer's input) is an image:
// conv and pooling layers, and dropout and batch norm on an image.
bool shaped(const Layer& layer);

}  // namespace bpv
