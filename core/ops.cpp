#include "ops.hpp"

#include <stdexcept>

#include "batching.hpp"
#include "optimizer.hpp"

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
    case OpKind::MiniBatch: return "mini_batch";
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
    case OpKind::Penalty: return "penalty";
    case OpKind::PenaltyGradient: return "penalty_gradient";
    case OpKind::OptimizerStep: return "optimizer_step";
    case OpKind::OptimizerState: return "optimizer_state";
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
    case Buffer::Penalty: return "penalty";
    case Buffer::Step: return "t";
    case Buffer::WeightState: return "weights_state";
    case Buffer::BiasState: return "bias_state";
    case Buffer::BatchRows: return "batch_rows";
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
  state.penalty = Eigen::MatrixXd::Zero(1, 1);
  state.batch_rows.resize(1, batch);
  for (int r = 0; r < batch; ++r) state.batch_rows(0, r) = r;
  conform_optimizer_state(state.scenario);
  return state;
}

std::vector<Op> build_ops(const Scenario& scenario) {
  const int last = scenario.layer_count();
  std::vector<Op> ops;
  auto add = [&](OpKind kind, int layer, Phase phase, std::initializer_list<BufferRef> reads,
                 BufferRef writes) {
    Op op{kind, layer, phase, {}, 0, writes};
    for (const BufferRef& r : reads)
      if (op.read_count < static_cast<int>(op.reads.size())) op.reads[op.read_count++] = r;
    ops.push_back(op);
  };
  const bool regularized = scenario.regularization.active();
  if (scenario.data.active()) {
    // The step's rows first: everything after reads x and y.
    // It carries layer 1, like the t op: every op of the trace names a layer from 1.
    Op batch{OpKind::MiniBatch, 1, Phase::Forward, {}, 0, {Buffer::Input, 0}};
    batch.also_writes = {BufferRef{Buffer::Target, scenario.layer_count()}, BufferRef{Buffer::BatchRows, 0}};
    batch.also_write_count = 2;
    ops.push_back(batch);
  }
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
  if (regularized) {
    // The penalty belongs to the loss phase: it is part of the loss L the
    // step minimises. It reads every layer's weights (the first few are
    // listed: reads are for highlighting).
    Op penalty{OpKind::Penalty, last, Phase::Loss, {}, 0, {Buffer::Penalty, last}};
    for (int l = 1; l <= last && penalty.read_count < static_cast<int>(penalty.reads.size()); ++l)
      penalty.reads[penalty.read_count++] = {Buffer::Weights, l};
    // Right after the data loss, before the backward pass starts.
    ops.insert(ops.end() - 1, penalty);
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
    if (regularized)
      add(OpKind::PenaltyGradient, l, Phase::Backward, {{Buffer::Weights, l}, {Buffer::GradWeights, l}},
          {Buffer::GradWeights, l});
    add(OpKind::GradBias, l, Phase::Backward, {{Buffer::Delta, l}}, {Buffer::GradBias, l});
    if (l > 1)
      add(OpKind::GradInput, l, Phase::Backward, {{Buffer::Delta, l}, {Buffer::Weights, l}},
          {Buffer::GradActivation, l - 1});
  }
  if (const Optimizer* optimizer = stateful_optimizer(scenario.optimizer)) {
    // t ← t + 1 once, then per layer the ops of W, then those of b, each
    // state tensor's update before the parameter's step (PyTorch's order).
    add(OpKind::OptimizerStep, 1, Phase::Update, {{Buffer::Step, 0}}, {Buffer::Step, 0});
    const std::vector<const OptimizerOpDef*> defs = optimizer->param_ops(scenario.optimizer);
    const std::array<bool, kStateSlotCount> keep = optimizer->keeps(scenario.optimizer);
    for (int l = 1; l <= last; ++l) {
      for (const bool bias : {false, true}) {
        const Buffer param = bias ? Buffer::Bias : Buffer::Weights;
        const Buffer grad = bias ? Buffer::GradBias : Buffer::GradWeights;
        const Buffer state = bias ? Buffer::BiasState : Buffer::WeightState;
        for (const OptimizerOpDef* def : defs) {
          Op op{def->writes == StateSlot::None ? (bias ? OpKind::UpdateBias : OpKind::UpdateWeights)
                                               : OpKind::OptimizerState,
                l, Phase::Update, {}, 0,
                def->writes == StateSlot::None ? BufferRef{param, l} : BufferRef{state, l, def->writes}, def};
          op.reads[op.read_count++] = {grad, l};
          if (def->writes == StateSlot::None) op.reads[op.read_count++] = {param, l};
          for (int s = 0; s < kStateSlotCount; ++s)
            if (keep[s]) op.reads[op.read_count++] = {state, l, static_cast<StateSlot>(s)};
          if (def->reads_step) op.reads[op.read_count++] = {Buffer::Step, 0};
          if (op.read_count < static_cast<int>(op.reads.size())) op.reads[op.read_count++] = {Buffer::LearningRate, 0};
          ops.push_back(op);
        }
      }
    }
    return ops;
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

namespace {

void apply_optimizer_op(const Op& op, PassState& state) {
  Scenario& sc = state.scenario;
  const int l = op.layer;
  const bool bias = op.writes.buffer == Buffer::Bias || op.writes.buffer == Buffer::BiasState;
  Layer& layer = sc.layers[l - 1];
  LayerState& ls = state.layers[l - 1];
  LayerOptimizerState& os = sc.optimizer_state.layers[l - 1];
  OptimizerTensors tensors{bias ? layer.bias : layer.weights, bias ? ls.grad_bias : ls.grad_weights,
                           bias ? os.bias : os.weights};
  const OptimizerScalars scalars{sc.optimizer, sc.learning_rate, sc.optimizer_state.step()};
  op.optimizer->apply(tensors, scalars);
}

}  // namespace

void conform_batch(PassState& state) {
  const Eigen::Index batch = state.scenario.inputs.rows();
  std::vector<std::array<Eigen::MatrixXd, 4>>& spare = state.spare.layers;
  for (std::size_t k = 0; k < state.layers.size(); ++k) {
    LayerState& ls = state.layers[k];
    if (ls.pre_activation.rows() == batch) continue;
    if (spare.size() != state.layers.size()) spare.resize(state.layers.size());
    const Eigen::Index n = ls.pre_activation.cols();
    const std::array<Eigen::MatrixXd*, 4> live{&ls.pre_activation, &ls.activation, &ls.grad_activation, &ls.delta};
    for (std::size_t i = 0; i < live.size(); ++i) {
      // swap() trades storage, never copies: the old size waits in the spare.
      live[i]->swap(spare[k][i]);
      if (live[i]->rows() == batch && live[i]->cols() == n) live[i]->setZero();
      else live[i]->setZero(batch, n);
    }
  }
}

void apply_op(const Op& op, PassState& state) {
  if (op.optimizer) {
    apply_optimizer_op(op, state);
    return;
  }
  Scenario& sc = state.scenario;
  if (op.kind == OpKind::MiniBatch) {
    if (state.order_epoch != sc.progress.epoch) {
      epoch_order(sc.data.train_rows(), sc.data.batching, sc.progress.epoch, state.order);
      state.order_epoch = sc.progress.epoch;
    }
    // Another batch size than the last step's: take the spare x, y and rows,
    // which fill_mini_batch resizes only the first time.
    if (sc.inputs.rows() != batch_span(sc.data.train_rows(), sc.data.batching, sc.progress).count) {
      sc.inputs.swap(state.spare.inputs);
      sc.targets.swap(state.spare.targets);
      state.batch_rows.swap(state.spare.batch_rows);
    }
    fill_mini_batch(sc, state.order, sc.inputs, sc.targets, state.batch_rows);
    conform_batch(state);
    return;
  }
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
    case OpKind::Penalty: {
      // Over the weights of every layer, never the biases (formats.md §4).
      const Regularization& reg = sc.regularization;
      double squares = 0.0, absolutes = 0.0;
      for (const Layer& each : sc.layers) {
        if (reg.l2 != 0.0) squares += each.weights.squaredNorm();
        if (reg.l1 != 0.0) absolutes += each.weights.cwiseAbs().sum();
      }
      state.penalty(0, 0) = 0.5 * reg.l2 * squares + reg.l1 * absolutes;
      break;
    }
    case OpKind::PenaltyGradient: {
      const Regularization& reg = sc.regularization;
      if (reg.l2 != 0.0) ls.grad_weights.noalias() += reg.l2 * layer.weights;
      // Eigen's sign() is 0 at 0: ∂|w|/∂w = 0 there, as §4 fixes it.
      if (reg.l1 != 0.0) ls.grad_weights.array() += reg.l1 * layer.weights.array().sign();
      break;
    }
    case OpKind::OptimizerStep:
      sc.optimizer_state.t(0, 0) += 1.0;
      break;
    case OpKind::OptimizerState:
    case OpKind::MiniBatch:
      break;  // handled above
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
    case Buffer::Penalty: return state.penalty;
    case Buffer::Step: return sc.optimizer_state.t;
    case Buffer::WeightState: return sc.optimizer_state.layers[l - 1].weights[ref.slot];
    case Buffer::BiasState: return sc.optimizer_state.layers[l - 1].bias[ref.slot];
    case Buffer::BatchRows: return state.batch_rows;
    case Buffer::LearningRate: break;
  }
  throw std::logic_error("buffer_matrix: the learning rate is a scalar, not a matrix");
}

Eigen::MatrixXd& buffer_matrix(PassState& state, BufferRef ref) {
  return const_cast<Eigen::MatrixXd&>(buffer_matrix(static_cast<const PassState&>(state), ref));
}

}  // namespace bpv
