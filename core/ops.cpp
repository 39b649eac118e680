#include "ops.hpp"

#include <stdexcept>

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

std::string_view op_kind_name(OpKind k) {
  switch (k) {
    case OpKind::Affine: return "affine";
    case OpKind::Activate: return "activation";
    case OpKind::Loss: return "loss";
    case OpKind::LossGradient: return "loss_gradient";
    case OpKind::ActivationBackward: return "activation_backward";
    case OpKind::GradWeights: return "grad_weights";
    case OpKind::GradBias: return "grad_bias";
    case OpKind::GradInput: return "grad_input";
    case OpKind::UpdateWeights: return "update_weights";
    case OpKind::UpdateBias: return "update_bias";
  }
  return "?";
}

std::string_view buffer_name(Buffer b) {
  switch (b) {
    case Buffer::Input: return "input";
    case Buffer::Target: return "target";
    case Buffer::PreActivation: return "z";
    case Buffer::Activation: return "a";
    case Buffer::GradActivation: return "grad_a";
    case Buffer::Delta: return "delta";
    case Buffer::Weights: return "weights";
    case Buffer::Bias: return "bias";
    case Buffer::GradWeights: return "grad_weights";
    case Buffer::GradBias: return "grad_bias";
    case Buffer::LossValue: return "loss";
    case Buffer::LearningRate: return "learning_rate";
  }
  return "?";
}

PassState make_pass_state(const Scenario& scenario) {
  PassState state;
  state.scenario = scenario;
  const int batch = scenario.batch_size();
  for (int l = 1; l <= scenario.layer_count(); ++l) {
    const int n = scenario.width(l), n_prev = scenario.width(l - 1);
    LayerState ls;
    ls.pre_activation = Eigen::MatrixXd::Zero(batch, n);
    ls.activation = Eigen::MatrixXd::Zero(batch, n);
    ls.grad_activation = Eigen::MatrixXd::Zero(batch, n);
    ls.delta = Eigen::MatrixXd::Zero(batch, n);
    ls.grad_weights = Eigen::MatrixXd::Zero(n_prev, n);
    ls.grad_bias = Eigen::MatrixXd::Zero(1, n);
    state.layers.push_back(std::move(ls));
  }
  state.loss = Eigen::MatrixXd::Zero(1, 1);
  return state;
}

std::vector<Op> build_ops(const Scenario& scenario) {
  const int last = scenario.layer_count();
  std::vector<Op> ops;
  auto add = [&](OpKind kind, int layer, Phase phase, std::initializer_list<BufferRef> reads,
                 BufferRef writes) {
    Op op{kind, layer, phase, {}, 0, writes};
    for (const BufferRef& r : reads) op.reads[op.read_count++] = r;
    ops.push_back(op);
  };
  for (int l = 1; l <= last; ++l) {
    const Buffer prev = l == 1 ? Buffer::Input : Buffer::Activation;
    add(OpKind::Affine, l, Phase::Forward,
        {{prev, l - 1}, {Buffer::Weights, l}, {Buffer::Bias, l}}, {Buffer::PreActivation, l});
    add(OpKind::Activate, l, Phase::Forward, {{Buffer::PreActivation, l}},
        {Buffer::Activation, l});
  }
  // A sigmoid or softmax output under a cross-entropy loss is read through its
  // logits z, and its δ comes straight from (z, o, y) (losses.hpp).
  const bool logits = uses_logits(*scenario.loss, *scenario.layers[last - 1].activation);
  if (logits) {
    add(OpKind::Loss, last, Phase::Loss,
        {{Buffer::PreActivation, last}, {Buffer::Activation, last}, {Buffer::Target, last}},
        {Buffer::LossValue, last});
    add(OpKind::LossGradient, last, Phase::Backward,
        {{Buffer::PreActivation, last}, {Buffer::Activation, last}, {Buffer::Target, last}},
        {Buffer::GradActivation, last});
  } else {
    add(OpKind::Loss, last, Phase::Loss, {{Buffer::Activation, last}, {Buffer::Target, last}},
        {Buffer::LossValue, last});
    add(OpKind::LossGradient, last, Phase::Backward,
        {{Buffer::Activation, last}, {Buffer::Target, last}}, {Buffer::GradActivation, last});
  }
  for (int l = last; l >= 1; --l) {
    const Buffer prev = l == 1 ? Buffer::Input : Buffer::Activation;
    if (l == last && logits)
      add(OpKind::ActivationBackward, l, Phase::Backward,
          {{Buffer::PreActivation, l}, {Buffer::Activation, l}, {Buffer::Target, l}},
          {Buffer::Delta, l});
    else
      add(OpKind::ActivationBackward, l, Phase::Backward,
          {{Buffer::PreActivation, l}, {Buffer::Activation, l}, {Buffer::GradActivation, l}},
          {Buffer::Delta, l});
    add(OpKind::GradWeights, l, Phase::Backward, {{prev, l - 1}, {Buffer::Delta, l}},
        {Buffer::GradWeights, l});
    add(OpKind::GradBias, l, Phase::Backward, {{Buffer::Delta, l}}, {Buffer::GradBias, l});
    if (l > 1)
      add(OpKind::GradInput, l, Phase::Backward, {{Buffer::Delta, l}, {Buffer::Weights, l}},
          {Buffer::GradActivation, l - 1});
  }
  for (int l = 1; l <= last; ++l) {
    add(OpKind::UpdateWeights, l, Phase::Update,
        {{Buffer::Weights, l}, {Buffer::GradWeights, l}, {Buffer::LearningRate, 0}},
        {Buffer::Weights, l});
    add(OpKind::UpdateBias, l, Phase::Update,
        {{Buffer::Bias, l}, {Buffer::GradBias, l}, {Buffer::LearningRate, 0}}, {Buffer::Bias, l});
  }
  return ops;
}

void apply_op(const Op& op, PassState& state) {
  Scenario& sc = state.scenario;
  const int l = op.layer;
  Layer& layer = sc.layers[l - 1];
  LayerState& ls = state.layers[l - 1];
  const Eigen::MatrixXd& a_prev = state.activation(l - 1);
  switch (op.kind) {
    case OpKind::Affine:
      ls.pre_activation.noalias() = a_prev * layer.weights;
      ls.pre_activation.rowwise() += layer.bias.row(0);
      break;
    case OpKind::Activate:
      layer.activation->forward(ls.pre_activation, ls.activation);
      break;
    case OpKind::Loss:
      state.loss(0, 0) =
          output_loss(*sc.loss, *layer.activation, ls.pre_activation, ls.activation, sc.targets);
      break;
    case OpKind::LossGradient:
      output_loss_gradient(*sc.loss, *layer.activation, ls.pre_activation, ls.activation,
                           sc.targets, ls.grad_activation);
      break;
    case OpKind::ActivationBackward:
      // The output layer under a cross-entropy loss: δ from the logits.
      if (l == sc.layer_count() &&
          output_delta(*sc.loss, *layer.activation, ls.pre_activation, ls.activation, sc.targets,
                       ls.delta))
        break;
      layer.activation->backward(ls.pre_activation, ls.activation, ls.grad_activation, ls.delta);
      break;
    case OpKind::GradWeights:
      ls.grad_weights.noalias() = a_prev.transpose() * ls.delta;
      break;
    case OpKind::GradBias:
      // Σ_b δ, one contiguous column per neuron. Written as a loop because
      // colwise().sum() into a dynamic 1 × n matrix costs about 4× as much
      // on small layers (docs/performance.md).
      for (Eigen::Index j = 0; j < ls.delta.cols(); ++j)
        ls.grad_bias(0, j) = ls.delta.col(j).sum();
      break;
    case OpKind::GradInput:
      state.layers[l - 2].grad_activation.noalias() = ls.delta * layer.weights.transpose();
      break;
    case OpKind::UpdateWeights:
      layer.weights.noalias() -= sc.learning_rate * ls.grad_weights;
      break;
    case OpKind::UpdateBias:
      layer.bias.noalias() -= sc.learning_rate * ls.grad_bias;
      break;
  }
}

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
    case Buffer::LearningRate: break;
  }
  throw std::logic_error("buffer_matrix: the learning rate is a scalar, not a matrix");
}

Eigen::MatrixXd& buffer_matrix(PassState& state, BufferRef ref) {
  return const_cast<Eigen::MatrixXd&>(buffer_matrix(static_cast<const PassState&>(state), ref));
}

}  // namespace bpv
