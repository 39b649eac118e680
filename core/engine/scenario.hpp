// A scenario: one network, one batch of examples, the training set-up
// (formats.md §1). Plain data; the engine reads it, commands edit it.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "layers/activations.hpp"
#include "data/dataset.hpp"
#include "layers/losses.hpp"
#include "optimizers/optimizer_state.hpp"

namespace bpv {

// Limits of formats.md §1, enforced by the loader and by every edit.
inline constexpr int kMaxLayers = 16;
inline constexpr int kMaxNeurons = 4096;
inline constexpr int kMaxBatch = 4096;

struct LayerKindDef;  // layers/layer_kind.hpp

// A channels × rows × cols image, flattened channel, then row, then column
// (PyTorch's order). channels 0: no shape (a dense layer's output).
struct Shape {
  int channels = 0, rows = 0, cols = 0;
  bool empty() const { return channels == 0; }
  int plane() const { return rows * cols; }
  int size() const { return channels * rows * cols; }
  bool operator==(const Shape&) const = default;
};

struct Layer {
  const Activation* activation = nullptr;
  Eigen::MatrixXd weights;  // (neurons of the layer before) × (neurons of this layer); empty but for dense
  Eigen::MatrixXd bias;     // 1 × (neurons of this layer)
  // Its kind (layers/layer_kind.hpp); nullptr is formats.md §1's dense layer.
  const LayerKindDef* kind = nullptr;
  // A layer without weights (dropout) keeps its input's size here.
  int width = 0;
  // dropout (formats.md §6): the probability p of dropping a unit, and the
  // mask's seed.
  double dropout_p = 0.5;
  std::uint64_t dropout_seed = 0;
  // formats.md §6's shaped layers. `in_shape` is what a conv, pooling,
  // dropout or batch-norm layer sees; `out_shape` what it gives (empty for
  // a dense layer, and for dropout and batch norm on an unshaped input).
  Shape in_shape{}, out_shape{};
  // conv2d: `channels` output channels; conv2d and pooling: a square
  // `kernel`, its `stride` and (conv) zero `padding`. A conv layer's weights
  // are (C·k·k) × C′, row (c·k + u)·k + v, so that z = patches · W + b as a
  // dense layer's; its bias is 1 × C′.
  int channels = 0, kernel = 0, stride = 1, padding = 0;
  // batch_norm: γ is `weights` and β is `bias` (1 × features), so that the
  // optimizers update them as they do W and b; the running statistics.
  double momentum = 0.1, eps = 1e-5;
  Eigen::MatrixXd running_mean{}, running_var{};  // 1 × features
  // batch_norm's "backward": "graph" steps ∂L/∂x through each node of the
  // forward's graph (x − μ, 1/√(σ² + ε), σ², μ) instead of the closed form.
  bool graph_backward = false;
  bool dense() const { return kind == nullptr; }
  int size() const { return dense() ? static_cast<int>(weights.cols()) : width; }
  int fan_in() const { return static_cast<int>(weights.rows()); }
};

struct InitSpec {
  std::string scheme = "xavier_uniform";  // xavier_uniform, he_normal, uniform, constant
  std::uint64_t seed = 0;
  double low = -1.0, high = 1.0;  // uniform
  double value = 0.0;             // constant
};

struct Scenario {
  std::string name;
  std::string description;
  int input_size = 0;
  // {rows, cols} when the inputs are the pixels of an image, row by row
  // (rows·cols = input_size); empty otherwise. The canvas draws such an input
  // layer as the image and lets the user paint it.
  std::vector<int> input_shape;
  // formats.md §6: an input of more than one channel, [C, H, W]; then
  // input_shape holds {H, W} and image_input() is false (it is no picture to
  // paint), but conv and pooling layers see input_image().
  int input_channels = 1;
  std::vector<Layer> layers;  // the non-input layers, in order
  const Loss* loss = nullptr;
  double learning_rate = 0.01;
  Eigen::MatrixXd inputs;   // B × input_size
  Eigen::MatrixXd targets;  // B × (size of the last layer)
  bool has_init = false;    // whether the file named an "init" block
  InitSpec init;
  // formats.md §4: the optimizer (name "" = plain SGD), the regularization
  // and the optimizer's state, carried from one training step to the next.
  OptimizerSpec optimizer;
  Regularization regularization;
  OptimizerState optimizer_state;
  // formats.md §5: the training and test sets, features and mini-batches
  // (dataset.hpp says how inputs / targets relate to them), and where
  // training stands.
  DataSet data;
  Progress progress;

  int layer_count() const { return static_cast<int>(layers.size()); }
  // Whether input_shape still fits the input layer (an edit may have resized it).
  bool image_input() const {
    return input_channels == 1 && input_shape.size() == 2 && input_shape[0] * input_shape[1] == input_size;
  }
  // The input as an image for conv and pooling layers; empty: it has no shape.
  Shape input_image() const {
    if (input_shape.size() != 2 || input_channels * input_shape[0] * input_shape[1] != input_size) return {};
    return {input_channels, input_shape[0], input_shape[1]};
  }
  int batch_size() const { return static_cast<int>(inputs.rows()); }  // this step's rows
  // Rows of the training set (with a data set, all of them; else the batch).
  int train_rows() const { return data.active() ? data.train_rows() : batch_size(); }
  int output_size() const { return layers.empty() ? 0 : layers.back().size(); }
  // Neurons of layer l, where l = 0 is the input and l = 1..L the layers.
  int width(int l) const { return l == 0 ? input_size : layers[l - 1].size(); }
};

// Deterministic, platform-independent fills (our own uniform and normal draws
// on top of mt19937_64, whose sequence the C++ standard fixes).
// The init schemes, in the order the app offers them: xavier_uniform,
// he_normal, uniform, constant. The file format, the edits and the UI read
// them from here.
const std::vector<std::string_view>& init_schemes();
bool is_init_scheme(std::string_view scheme);

Eigen::MatrixXd init_weights(const InitSpec& init, int fan_in, int fan_out,
                             std::uint64_t stream);
Eigen::MatrixXd init_bias(const InitSpec& init, int size, std::uint64_t stream);
// The stream for layer l (1-based) of a seed: the same layer gets the same
// draws whatever the other layers are.
std::uint64_t init_stream(std::uint64_t seed, int layer, bool bias);

// The seed example of the blog post: 3-3-3-3, relu/sigmoid/softmax,
// binary_cross_entropy, lr 0.01 (assets/scenarios/seed.json holds the same).
Scenario seed_scenario();

// One training step done: progress moves to the next mini-batch (and epoch).
void advance_progress(Scenario& scenario);

// The mini-batch `progress` points at, as the network sees it: x (features
// applied), y and the rows' indices in the training set (1 × B). `order` is
// the epoch's row order (batching.hpp, epoch_order). Outputs are resized only
// when the batch size changes. Needs data.active().
void fill_mini_batch(const Scenario& scenario, const std::vector<int>& order, Eigen::MatrixXd& inputs,
                     Eigen::MatrixXd& targets, Eigen::MatrixXd& rows);
// The same for the scenario's own inputs / targets (at load, after an edit of
// the data set).
void load_mini_batch(Scenario& scenario);

}  // namespace bpv
