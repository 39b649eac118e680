#include "engine/ops.hpp"

#include <algorithm>
#include <stdexcept>

#include "engine/op_kind.hpp"
#include "layers/layer_kind.hpp"
#include "optimizers/optimizer.hpp"
#include "engine/tensors.hpp"

namespace bpv {

std::string_view phase_name(Phase p) {
  switch (p) {
    case Phase::Forward: return "forward";
    case Phase::Loss: return "loss";
    case Phase::Backward: return "backward";
    case Phase::Update: return "update";
  }
  return "?";
}

std::string_view op_kind_name(OpKind k) { return op_kind(k).name; }

// The kinds, one file each (op_kind.hpp), in OpKind's order.
extern const OpKindDef kMiniBatchOp, kAffineOp, kActivateOp, kLossOp, kLossGradientOp, kActivationBackwardOp,
    kGradWeightsOp, kGradBiasOp, kGradInputOp, kUpdateWeightsOp, kUpdateBiasOp, kPenaltyOp, kPenaltyGradientOp,
    kOptimizerStepOp, kOptimizerStateOp, kBiasCorrectionOp, kDropoutMaskOp, kDropoutOp, kDropoutBackwardOp, kUnfoldOp, kConvOp,
    kConvGradWeightsOp, kConvGradBiasOp, kConvGradInputOp, kMaxPoolOp, kMaxPoolBackwardOp, kAvgPoolOp,
    kAvgPoolBackwardOp, kBatchMeanOp, kBatchVarianceOp, kNormalizeOp, kScaleShiftOp, kGradGammaOp, kGradBetaOp,
    kBatchNormGradInputOp, kRunningMeanOp, kRunningVarianceOp, kBatchNormGradNormalizedOp,
    kBatchNormGradInverseStdOp, kBatchNormGradVarianceOp, kBatchNormGradCenteredOp, kBatchNormGradMeanOp,
    kBatchNormGradInputSumOp;

namespace {
const OpKindDef* const kOpKinds[] = {
    &kMiniBatchOp,       &kAffineOp,      &kActivateOp,    &kLossOp,          &kLossGradientOp,
    &kActivationBackwardOp, &kGradWeightsOp, &kGradBiasOp, &kGradInputOp,     &kUpdateWeightsOp,
    &kUpdateBiasOp,      &kPenaltyOp,     &kPenaltyGradientOp, &kOptimizerStepOp, &kOptimizerStateOp,
    &kBiasCorrectionOp,  &kDropoutMaskOp, &kDropoutOp,     &kDropoutBackwardOp,
    &kUnfoldOp,          &kConvOp,            &kConvGradWeightsOp, &kConvGradBiasOp, &kConvGradInputOp,
    &kMaxPoolOp,         &kMaxPoolBackwardOp, &kAvgPoolOp,  &kAvgPoolBackwardOp,
    &kBatchMeanOp,       &kBatchVarianceOp, &kNormalizeOp, &kScaleShiftOp, &kGradGammaOp, &kGradBetaOp,
    &kBatchNormGradInputOp, &kRunningMeanOp, &kRunningVarianceOp,
    &kBatchNormGradNormalizedOp, &kBatchNormGradInverseStdOp, &kBatchNormGradVarianceOp,
    &kBatchNormGradCenteredOp, &kBatchNormGradMeanOp, &kBatchNormGradInputSumOp,
};
}  // namespace

const OpKindDef& op_kind(OpKind kind) { return *kOpKinds[static_cast<int>(kind)]; }

Op make_op(const Scenario& scenario, OpKind kind, int layer) {
  const OpKindDef& def = op_kind(kind);
  Op op{kind, layer, def.phase};
  def.declare(scenario, op);
  return op;
}

void declare_reads(Op& op, std::initializer_list<BufferRef> reads) {
  op.read_count = 0;
  for (const BufferRef& r : reads)
    if (op.read_count < static_cast<int>(op.reads.size())) op.reads[op.read_count++] = r;
}

std::string_view buffer_name(Buffer b) { return tensor_info(b).name; }

PassState make_pass_state(const Scenario& scenario) {
  PassState state;
  state.scenario = scenario;
  const int batch = scenario.batch_size();
  for (int l = 1; l <= scenario.layer_count(); ++l) {
    const int n = scenario.width(l);
    LayerState ls;
    ls.pre_activation = Eigen::MatrixXd::Zero(batch, n);
    ls.activation = Eigen::MatrixXd::Zero(batch, n);
    ls.grad_activation = Eigen::MatrixXd::Zero(batch, n);
    ls.delta = Eigen::MatrixXd::Zero(batch, n);
    const Layer& layer = scenario.layers[l - 1];
    // Gradients shaped like the parameters (none for a layer without).
    ls.grad_weights = Eigen::MatrixXd::Zero(layer.weights.rows(), layer.weights.cols());
    ls.grad_bias = Eigen::MatrixXd::Zero(layer.bias.rows(), layer.bias.cols());
    // The tensors of the kind's own (a dropout mask, a conv layer's windows,
    // batch norm's statistics), sized by its file.
    if (const auto size_own = layer_kind(layer).size_state) size_own(layer, batch, ls);
    state.layers.push_back(std::move(ls));
  }
  state.loss = Eigen::MatrixXd::Zero(1, 1);
  state.penalty = Eigen::MatrixXd::Zero(1, 1);
  state.batch_rows.resize(1, batch);
  for (int r = 0; r < batch; ++r) state.batch_rows(0, r) = r;
  conform_optimizer_state(state.scenario);
  return state;
}

std::vector<Op> build_ops(const Scenario& scenario) {
  const int last = scenario.layer_count();
  std::vector<Op> ops;
  auto add = [&](OpKind kind, int layer) { ops.push_back(make_op(scenario, kind, layer)); };
  const bool regularized = scenario.regularization.active();
  // The step's rows first: everything after reads x and y.
  if (scenario.data.active()) add(OpKind::MiniBatch, 1);
  for (int l = 1; l <= last; ++l) layer_kind(scenario.layers[l - 1]).forward_ops(scenario, l, ops);
  add(OpKind::Loss, last);
  // The penalty belongs to the loss phase: it is part of the loss L the step
  // minimises, so it comes right after the data loss.
  if (regularized) add(OpKind::Penalty, last);
  add(OpKind::LossGradient, last);
  for (int l = last; l >= 1; --l) layer_kind(scenario.layers[l - 1]).backward_ops(scenario, l, regularized, ops);
  if (stateful_optimizer(scenario.optimizer)) {
    const std::vector<Op> update = optimizer_ops(scenario);
    ops.insert(ops.end(), update.begin(), update.end());
  } else {
    for (int l = 1; l <= last; ++l) layer_kind(scenario.layers[l - 1]).update_ops(scenario, l, ops);
  }
  // After every parameter: what the update phase keeps besides them.
  for (int l = 1; l <= last; ++l)
    if (const auto statistics = layer_kind(scenario.layers[l - 1]).statistics_ops) statistics(scenario, l, ops);
  return ops;
}

void conform_batch(PassState& state) {
  const Eigen::Index batch = state.scenario.inputs.rows();
  std::vector<std::array<Eigen::MatrixXd, 10>>& spare = state.spare.layers;
  for (std::size_t k = 0; k < state.layers.size(); ++k) {
    LayerState& ls = state.layers[k];
    if (ls.pre_activation.rows() == batch) continue;
    if (spare.size() != state.layers.size()) spare.resize(state.layers.size());
    const Eigen::Index n = ls.pre_activation.cols();
    const std::array<Eigen::MatrixXd*, 10> live{&ls.pre_activation, &ls.activation, &ls.grad_activation,
                                                &ls.delta, &ls.mask, &ls.normalized, &ls.patches, &ls.scratch,
                                                &ls.grad_normalized, &ls.grad_centered};
    for (std::size_t i = 0; i < live.size(); ++i) {
      if (i >= 4 && live[i]->size() == 0 && spare[k][i].size() == 0) continue;  // a layer without this one
      // A conv layer's windows: one row per output position and example.
      const bool windows = i == 6 || i == 7;
      const Eigen::Index rows = windows ? batch * state.scenario.layers[k].out_shape.plane() : batch;
      const Eigen::Index cols = windows ? std::max(live[i]->cols(), spare[k][i].cols()) : n;
      // swap() trades storage, never copies: the old size waits in the spare.
      live[i]->swap(spare[k][i]);
      if (live[i]->rows() == rows && live[i]->cols() == cols) live[i]->setZero();
      else live[i]->setZero(rows, cols);
    }
  }
}

void apply_op(const Op& op, PassState& state) { op_kind(op.kind).apply(op, state); }

const Eigen::MatrixXd& buffer_matrix(const PassState& state, BufferRef ref) {
  const Scenario& sc = state.scenario;
  const int l = ref.layer;
  switch (ref.buffer) {
    case Buffer::Input: return sc.inputs;
    case Buffer::Target: return sc.targets;
    case Buffer::PreActivation: return state.layers[l - 1].pre_activation;
    case Buffer::Activation: return state.activation(l);
    case Buffer::GradActivation: return state.layers[l - 1].grad_activation;
    case Buffer::Delta: return state.layers[l - 1].delta;
    case Buffer::Weights: return sc.layers[l - 1].weights;
    case Buffer::Bias: return sc.layers[l - 1].bias;
    case Buffer::GradWeights: return state.layers[l - 1].grad_weights;
    case Buffer::GradBias: return state.layers[l - 1].grad_bias;
    case Buffer::LossValue: return state.loss;
    case Buffer::Penalty: return state.penalty;
    case Buffer::Step: return sc.optimizer_state.t;
    case Buffer::WeightState: return sc.optimizer_state.layers[l - 1].weights[ref.slot];
    case Buffer::BiasState: return sc.optimizer_state.layers[l - 1].bias[ref.slot];
    case Buffer::BatchRows: return state.batch_rows;
    case Buffer::BiasCorrection: return sc.optimizer_state.bias_correction;
    case Buffer::Mask: return state.layers[l - 1].mask;
    case Buffer::Mean: return state.layers[l - 1].mean;
    case Buffer::Variance: return state.layers[l - 1].variance;
    case Buffer::Normalized: return state.layers[l - 1].normalized;
    case Buffer::RunningMean: return sc.layers[l - 1].running_mean;
    case Buffer::RunningVariance: return sc.layers[l - 1].running_var;
    case Buffer::Patches: return state.layers[l - 1].patches;
    case Buffer::GradNormalized: return state.layers[l - 1].grad_normalized;
    case Buffer::GradInverseStd: return state.layers[l - 1].grad_inverse_std;
    case Buffer::GradVariance: return state.layers[l - 1].grad_variance;
    case Buffer::GradCentered: return state.layers[l - 1].grad_centered;
    case Buffer::GradMean: return state.layers[l - 1].grad_mean;
    case Buffer::LearningRate: break;
  }
  throw std::logic_error("buffer_matrix: the learning rate is a scalar, not a matrix");
}

Eigen::MatrixXd& buffer_matrix(PassState& state, BufferRef ref) {
  return const_cast<Eigen::MatrixXd&>(buffer_matrix(static_cast<const PassState&>(state), ref));
}

}  // namespace bpv
