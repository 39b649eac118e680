// The op list of one training step, and the state the ops read and write.
//
// One training step = forward (affine, activation per layer), the loss, the
// backward pass from the last layer to the first, then SGD on every W and b.
// Each op is a small record (kind, layer); apply_op() is the only code that
// does the math, so the stepped path (Stepper) and the fast path (train_step)
// run exactly the same instructions in the same order.
#pragma once
#include <Eigen/Dense>
#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include "engine/scenario.hpp"

namespace bpv {

enum class Phase { Forward, Loss, Backward, Update };
std::string_view phase_name(Phase p);  // "forward", "loss", "backward", "update"

enum class OpKind {
  MiniBatch,           // x, y ← the step's rows of the training set (only with a data set)
  Affine,              // z_l = a_{l-1} · W_l + b_l
  Activate,            // a_l = f(z_l)
  Loss,                // L = (1/B) Σ_b loss(a_L, y)
  LossGradient,        // ∂L/∂a_L
  ActivationBackward,  // δ_l = ∂L/∂z_l = ∂L/∂a_l through ∂a_l/∂z_l
  GradWeights,         // ∂L/∂W_l = a_{l-1}ᵀ · δ_l
  GradBias,            // ∂L/∂b_l = Σ_b δ_l
  GradInput,           // ∂L/∂a_{l-1} = δ_l · W_lᵀ   (l ≥ 2: nothing learns from ∂L/∂x)
  UpdateWeights,       // W_l ← W_l − η ∂L/∂W_l
  UpdateBias,          // b_l ← b_l − η ∂L/∂b_l (or the optimizer's step for b_l)
  // formats.md §4, present only when the scenario asks for them:
  Penalty,             // P = (l2/2)·Σ W² + l1·Σ |W| over every layer (loss phase)
  PenaltyGradient,     // ∂L/∂W_l += l2·W_l + l1·sign(W_l) (after GradWeights of layer l)
  OptimizerStep,       // t ← t + 1 (first op of the update phase)
  OptimizerState,      // one state tensor of W_l or b_l (velocity, m, v, …)
  BiasCorrection,      // 1 − β₁ᵗ and 1 − β₂ᵗ, once per step (Adam, AdamW; after the t op)
  // formats.md §6's dropout layer (layers/dropout_layer.cpp):
  DropoutMask,         // m_l ← 0 or 1 per unit, drawn from (seed, step, layer); all 1 in evaluation
  Dropout,             // a_l = a_{l-1} ⊙ m_l / (1 − p)
  DropoutBackward,     // ∂L/∂a_{l-1} = ∂L/∂a_l ⊙ m_l / (1 − p)
  // conv2d (layers/conv_layer.cpp); its activation is Activate's:
  Unfold,              // the windows of a_{l-1}, one row per output position and example (im2col)
  Conv,                // z_l[c′] = W_l[c′] ⋆ a_{l-1} + b_l[c′], one op per output channel (op.part)
  ConvGradWeights,     // ∂L/∂W_l = a_{l-1} ⋆ δ_l
  ConvGradBias,        // ∂L/∂b_l[c′] = Σ δ_l[c′]
  ConvGradInput,       // ∂L/∂a_{l-1} = δ_l through the flipped kernels
  // pooling (layers/pool_layer.cpp):
  MaxPool,             // a_l = the largest of each window
  MaxPoolBackward,     // ∂L/∂a_{l-1}: each window's gradient to its first largest element
  AvgPool,             // a_l = the mean of each window
  AvgPoolBackward,     // ∂L/∂a_{l-1}: each window's gradient shared out evenly
  // batch_norm (layers/batch_norm_layer.cpp); its activation is Activate's:
  BatchMean,           // μ_l = the batch's mean per feature (running mean in evaluation)
  BatchVariance,       // σ²_l = the batch's biased variance per feature (running var in evaluation)
  Normalize,           // x̂_l = (a_{l-1} − μ) / √(σ² + ε)
  ScaleShift,          // z_l = γ·x̂ + β
  GradGamma,           // ∂L/∂γ = Σ δ·x̂
  GradBeta,            // ∂L/∂β = Σ δ
  BatchNormGradInput,  // ∂L/∂a_{l-1}, the closed form through μ and σ²
  RunningMean,         // running_mean ← (1 − m)·running_mean + m·μ   (update phase)
  RunningVariance,     // running_var ← (1 − m)·running_var + m·σ²·n/(n − 1)
  // batch_norm's backward as its graph (layers/batch_norm_graph.cpp), s = √(σ² + ε):
  BatchNormGradNormalized,   // ∂L/∂x̂ = γ·δ
  BatchNormGradInverseStd,   // ∂L/∂(1/s) = Σ ∂L/∂x̂·(x − μ)
  BatchNormGradVariance,     // ∂L/∂σ² = ∂L/∂(1/s) · (−1/s²) · 1/(2s)
  BatchNormGradCentered,     // ∂L/∂(x − μ) = ∂L/∂x̂ / s + ∂L/∂σ² · 2(x − μ)/n
  BatchNormGradMean,         // ∂L/∂μ = −Σ ∂L/∂(x − μ)
  BatchNormGradInputSum,     // ∂L/∂x = ∂L/∂(x − μ) + ∂L/∂μ / n
};
std::string_view op_kind_name(OpKind k);  // snake_case id used in the trace

// Every value an op can read or write. Layer l: 0 is the input, 1..L the layers.
enum class Buffer {
  Input,        // x = a_0 (B × n_0)
  Target,       // y (B × n_L)
  PreActivation,  // z_l
  Activation,   // a_l
  GradActivation,  // ∂L/∂a_l
  Delta,        // δ_l = ∂L/∂z_l
  Weights,      // W_l
  Bias,         // b_l
  GradWeights,  // ∂L/∂W_l
  GradBias,     // ∂L/∂b_l
  LossValue,    // L (1 × 1)
  LearningRate, // η
  Penalty,      // the regularization term P (1 × 1)
  Step,         // the optimizer's t (1 × 1), layer 0
  WeightState,  // a state tensor of W_l (BufferRef::slot says which)
  BiasState,    // a state tensor of b_l
  BatchRows,    // the step's row indices in the training set (1 × B), layer 0
  BiasCorrection,  // Adam's 1 − β₁ᵗ and 1 − β₂ᵗ (1 × 2), layer 0
  Mask,         // a dropout layer's mask m_l (B × n of 0 and 1)
  Mean,         // a batch-norm layer's μ_l (1 × features)
  Variance,     // its σ²_l (1 × features)
  Normalized,   // its x̂_l (B × n)
  RunningMean,  // its running mean (1 × features), carried from step to step
  RunningVariance,  // its running variance
  Patches,      // a conv layer's windows of its input ((P·B) × (C·k·k), row q·B + b for position q)
  // batch norm's backward as its graph: the gradients of its forward's nodes
  GradNormalized,   // ∂L/∂x̂ (B × n)
  GradInverseStd,   // ∂L/∂(1/√(σ² + ε)) (1 × features)
  GradVariance,     // ∂L/∂σ² (1 × features)
  GradCentered,     // ∂L/∂(x − μ) (B × n)
  GradMean,         // ∂L/∂μ (1 × features)
};
std::string_view buffer_name(Buffer b);

struct BufferRef {
  Buffer buffer = Buffer::Input;
  int layer = 0;
  StateSlot slot = StateSlot::None;  // WeightState, BiasState: which tensor
  bool operator==(const BufferRef&) const = default;
};

struct OptimizerOpDef;  // core/optimizers/optimizer.hpp

struct Op {
  OpKind kind;
  int layer;  // 1..L; the loss ops and the penalty carry L, the t op and the mini-batch 1
  Phase phase;
  int part = 0;  // a conv forward op's output channel (0 for every other op)
  std::array<BufferRef, 8> reads{};
  int read_count = 0;
  BufferRef writes{};
  // OptimizerState, and UpdateWeights / UpdateBias of an optimizer other than
  // plain SGD: the table entry whose apply and describe it runs.
  const OptimizerOpDef* optimizer = nullptr;
  // What else the op writes (the mini-batch: y and the rows beside x). The
  // stepper restores these too; everything else reads `writes` only.
  std::array<BufferRef, 2> also_writes{};
  int also_write_count = 0;
  bool operator==(const Op&) const = default;
};


// Everything one training step computes, sized once for a scenario.
struct LayerState {
  Eigen::MatrixXd pre_activation;   // z (B × n)
  Eigen::MatrixXd activation;       // a (B × n)
  Eigen::MatrixXd grad_activation;  // ∂L/∂a (B × n)
  Eigen::MatrixXd delta;            // ∂L/∂z (B × n)
  Eigen::MatrixXd grad_weights;     // ∂L/∂W (n_prev × n)
  Eigen::MatrixXd grad_bias;        // ∂L/∂b (1 × n)
  Eigen::MatrixXd mask;             // a dropout layer's m (B × n); empty for the others
  Eigen::MatrixXd mean, variance;   // a batch-norm layer's μ and σ² (1 × features); else empty
  Eigen::MatrixXd normalized;       // its x̂ (B × n); else empty
  Eigen::MatrixXd patches;          // a conv layer's windows ((P·B) × (C·k·k)); else empty
  // Not state: a conv layer's workspace for ∂L/∂x (the windows' gradients
  // before they are added back into place), never read across ops.
  Eigen::MatrixXd scratch;
  // A batch-norm layer with "backward": "graph": ∂L/∂x̂ and ∂L/∂(x − μ)
  // (B × n), ∂L/∂(1/s), ∂L/∂σ² and ∂L/∂μ (1 × features); else empty.
  Eigen::MatrixXd grad_normalized, grad_centered;
  Eigen::MatrixXd grad_inverse_std, grad_variance, grad_mean;
};

struct PassState {
  Scenario scenario;               // weights here are the live ones: the update ops write them
  std::vector<LayerState> layers;  // layers[l-1] for layer l
  Eigen::MatrixXd loss;            // 1 × 1: the data loss (1/B) Σ_b L_b
  Eigen::MatrixXd penalty;         // 1 × 1: the regularization term (0 without one)
  Eigen::MatrixXd batch_rows;      // 1 × B: the mini-batch's rows in the training set
  // The current epoch's row order, kept so a step does not redraw it (not
  // state: a function of the epoch; order_epoch −1 means "not drawn yet").
  std::vector<int> order;
  long long order_epoch = -1;
  // The B-row buffers at the other batch size of an epoch (its short last
  // batch while full ones run, and the other way round), swapped in when the
  // size changes: after one epoch neither size allocates. Not state: their
  // contents are never read (conform_batch zeroes what it swaps in).
  struct SpareBatch {
    Eigen::MatrixXd inputs, targets, batch_rows;
    // z, a, ∂L/∂a, δ, the mask, x̂, the windows, scratch, ∂L/∂x̂, ∂L/∂(x − μ)
    std::vector<std::array<Eigen::MatrixXd, 10>> layers;
  };
  SpareBatch spare;
  // Evaluation (formats.md §6: the test loss, the decision region), as
  // PyTorch's eval(): no dropout, batch norm with its running statistics.
  bool evaluation = false;

  // The loss the step minimises: data loss + penalty.
  double loss_value() const { return loss(0, 0) + penalty(0, 0); }
  double data_loss() const { return loss(0, 0); }
  double penalty_value() const { return penalty(0, 0); }
  const Eigen::MatrixXd& activation(int l) const {
    return l == 0 ? scenario.inputs : layers[l - 1].activation;
  }
};

// Sizes every buffer for the scenario and zeroes the computed ones; gives the
// optimizer state its shapes (conform_optimizer_state).
PassState make_pass_state(const Scenario& scenario);
// The ops of one training step for this architecture, in order.
std::vector<Op> build_ops(const Scenario& scenario);

// Does op's math on the state. No allocation once the state is sized: when
// the batch size changes (at the short last batch of an epoch and the step
// after it) the mini-batch op swaps in the spare B-row buffers, which
// allocate only the first time they take a size.
void apply_op(const Op& op, PassState& state);

// Gives every B-row buffer the rows of x (zeroed where the size changed;
// the spare buffers are swapped in first, so a size seen before allocates
// nothing).
void conform_batch(PassState& state);

// The matrix behind a buffer. LearningRate is a scalar of the scenario and has
// no matrix: asking for it throws std::logic_error.
Eigen::MatrixXd& buffer_matrix(PassState& state, BufferRef ref);
const Eigen::MatrixXd& buffer_matrix(const PassState& state, BufferRef ref);

}  // namespace bpv
