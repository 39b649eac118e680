#include "engine/tensors.hpp"

#include "engine/describe.hpp"

namespace bpv {
namespace {

using R = TensorRole;
constexpr TensorLayout N = TensorLayout::Neurons, E = TensorLayout::Edges, S = TensorLayout::Scalar,
                       W = TensorLayout::Row;

// In Buffer's order (tensor_info indexes it; a test checks the order).
const std::vector<TensorInfo> kTensors = {
    {Buffer::Input, "input", R::Data, N, true, false},
    {Buffer::Target, "target", R::Data, N, true, false},
    {Buffer::PreActivation, "z", R::Value, N, true, true},
    {Buffer::Activation, "a", R::Value, N, true, true},
    {Buffer::GradActivation, "grad_a", R::Gradient, N, true, true},
    {Buffer::Delta, "delta", R::Gradient, N, true, true},
    {Buffer::Weights, "weights", R::Parameter, E, false, true},
    {Buffer::Bias, "bias", R::Parameter, N, false, true},
    {Buffer::GradWeights, "grad_weights", R::Gradient, E, false, true},
    {Buffer::GradBias, "grad_bias", R::Gradient, N, false, true},
    {Buffer::LossValue, "loss", R::Value, S, false, false},
    {Buffer::LearningRate, "learning_rate", R::Hyperparameter, S, false, false},
    {Buffer::Penalty, "penalty", R::Value, S, false, false},
    {Buffer::Step, "t", R::OptimizerState, S, false, false},
    {Buffer::WeightState, "weights_state", R::OptimizerState, E, false, true},
    {Buffer::BiasState, "bias_state", R::OptimizerState, N, false, true},
    {Buffer::BatchRows, "batch_rows", R::Data, W, false, false},
    {Buffer::BiasCorrection, "bias_correction", R::OptimizerState, W, false, false},
    {Buffer::Mask, "mask", R::Data, N, true, true},
    {Buffer::Mean, "mean", R::Value, W, false, true},
    {Buffer::Variance, "var", R::Value, W, false, true},
    {Buffer::Normalized, "x_hat", R::Value, N, true, true},
    {Buffer::RunningMean, "running_mean", R::Value, W, false, true},
    {Buffer::RunningVariance, "running_var", R::Value, W, false, true},
    {Buffer::Patches, "patches", R::Value, W, false, true},
    {Buffer::GradNormalized, "grad_x_hat", R::Gradient, N, true, true},
    {Buffer::GradInverseStd, "grad_inverse_std", R::Gradient, W, false, true},
    {Buffer::GradVariance, "grad_var", R::Gradient, W, false, true},
    {Buffer::GradCentered, "grad_centered", R::Gradient, N, true, true},
    {Buffer::GradMean, "grad_mean", R::Gradient, W, false, true},
};

}  // namespace

std::string_view tensor_role_name(TensorRole role) {
  switch (role) {
    case R::Data: return "data";
    case R::Parameter: return "parameter";
    case R::OptimizerState: return "optimizer state";
    case R::Value: return "value";
    case R::Gradient: return "gradient";
    case R::Hyperparameter: return "hyperparameter";
  }
  return "?";
}

const TensorInfo& tensor_info(Buffer buffer) { return kTensors[static_cast<std::size_t>(buffer)]; }
const std::vector<TensorInfo>& all_tensor_kinds() { return kTensors; }

std::vector<BufferRef> registered_tensors(const PassState& state) {
  const int last = state.scenario.layer_count();
  std::vector<BufferRef> refs = {{Buffer::Input, 0}, {Buffer::Target, last}, {Buffer::BatchRows, 0}};
  for (int l = 1; l <= last; ++l) {
    // Those the layer's kind has (a dropout layer has no W; a dense one no mask).
    for (const TensorInfo& t : kTensors)
      if (t.per_layer && t.role != R::OptimizerState && buffer_matrix(state, {t.buffer, l}).size() > 0)
        refs.push_back({t.buffer, l});
    for (const Buffer b : {Buffer::WeightState, Buffer::BiasState})
      for (int s = 0; s < kStateSlotCount; ++s) {
        const BufferRef ref{b, l, static_cast<StateSlot>(s)};
        if (buffer_matrix(state, ref).size() > 0) refs.push_back(ref);
      }
  }
  refs.push_back({Buffer::LossValue, last});
  refs.push_back({Buffer::Penalty, last});
  refs.push_back({Buffer::Step, 0});
  if (state.scenario.optimizer_state.bias_correction.size() > 0) refs.push_back({Buffer::BiasCorrection, 0});
  return refs;
}

std::string element_symbol(const Scenario& sc, BufferRef ref, int row, int col) {
  const int l = ref.layer;
  const std::string L = superscript(l), j = subscript(col + 1);
  std::string s;
  switch (ref.buffer) {
    case Buffer::Input: return neuron_symbol(sc, 0, col);
    case Buffer::Target: return "y" + j;
    case Buffer::PreActivation: return "z" + L + j;
    case Buffer::Activation: return neuron_symbol(sc, l, col);
    case Buffer::GradActivation: s = "∂L/∂"; s += neuron_symbol(sc, l, col); return s;
    case Buffer::Delta: return "δ" + L + j;
    case Buffer::Weights: return weight_symbol(l, row, col);
    case Buffer::Bias: return "b" + L + j;
    case Buffer::GradWeights: s = "∂L/∂"; s += weight_symbol(l, row, col); return s;
    case Buffer::GradBias: return "∂L/∂b" + L + j;
    case Buffer::LossValue: return "L";
    case Buffer::LearningRate: return "η";
    case Buffer::Penalty: return "P";
    case Buffer::Step: return "t";
    // A state tensor is written like its parameter, its own letter for W or b.
    case Buffer::WeightState: s = state_slot_symbol(ref.slot); s += weight_symbol(l, row, col).substr(1); return s;
    case Buffer::BiasState: s = state_slot_symbol(ref.slot); s += L + j; return s;
    case Buffer::BatchRows: return "row" + subscript(col + 1);
    case Buffer::BiasCorrection: return col == 0 ? "1 − β₁ᵗ" : "1 − β₂ᵗ";
    case Buffer::Mask: return "m" + L + j;
    case Buffer::Mean: return "μ" + L + j;
    case Buffer::Variance: return "σ²" + L + j;
    case Buffer::Normalized: return "x̂" + L + j;
    case Buffer::RunningMean: return "μ̄" + L + j;
    case Buffer::RunningVariance: return "σ̄²" + L + j;
    case Buffer::Patches: return "window" + subscript(row + 1) + "," + subscript(col + 1);
    // Without the layer's superscript, which beside σ² or (x − μ) would read as a square.
    case Buffer::GradNormalized: return "∂L/∂x̂" + j;
    case Buffer::GradInverseStd: return "∂L/∂(1/s" + j + ")";
    case Buffer::GradVariance: return "∂L/∂σ²" + j;
    case Buffer::GradCentered: return "∂L/∂(x − μ)" + j;
    case Buffer::GradMean: return "∂L/∂μ" + j;
  }
  return "?";
}

}  // namespace bpv
