#include "canvas/canvas_values.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "engine/describe.hpp"
#include "engine/parameter_step.hpp"
#include "engine/tensors.hpp"
#include "engine/train.hpp"

namespace bpv {
namespace {

Shown default_neurons(const Stepper& st, int l, Phase phase) {
  if (l == 0) return Shown::Input;
  auto done = [&](Buffer b) { return st.is_computed(BufferRef{b, l}); };
  switch (phase) {
    case Phase::Forward:
    case Phase::Loss:
      return done(Buffer::Activation)      ? Shown::Activation
             : done(Buffer::PreActivation) ? Shown::PreActivation
                                           : Shown::Nothing;
    // Until its gradient arrives, a layer keeps showing its forward value.
    case Phase::Backward:
      return done(Buffer::Delta)            ? Shown::Delta
             : done(Buffer::GradActivation) ? Shown::GradActivation
             : done(Buffer::Activation)     ? Shown::Activation
             : done(Buffer::PreActivation)  ? Shown::PreActivation
                                            : Shown::Nothing;
    case Phase::Update: return done(Buffer::GradBias) ? Shown::BiasUpdate : Shown::Nothing;
  }
  return Shown::Nothing;
}

Shown default_edges(const Stepper& st, int l, Phase phase) {
  const bool grad = st.is_computed(BufferRef{Buffer::GradWeights, l});
  switch (phase) {
    case Phase::Forward:
    case Phase::Loss: return Shown::Weight;
    case Phase::Backward: return grad ? Shown::GradWeight : Shown::Nothing;
    case Phase::Update: return grad ? Shown::WeightUpdate : Shown::Nothing;
  }
  return Shown::Nothing;
}

// The picture the canvas draws a per-neuron or per-edge tensor as: its own
// value, and in the update phase the step its parameter takes. A tensor
// missing here (the targets, t, 1 − βᵗ) takes no neurons or edges.
struct CanvasMode {
  Buffer tensor;
  Shown shown, in_update;
};
constexpr CanvasMode kCanvasModes[] = {
    {Buffer::Input, Shown::Input, Shown::Input},
    {Buffer::PreActivation, Shown::PreActivation, Shown::PreActivation},
    {Buffer::Activation, Shown::Activation, Shown::Activation},
    {Buffer::GradActivation, Shown::GradActivation, Shown::GradActivation},
    {Buffer::Delta, Shown::Delta, Shown::Delta},
    {Buffer::GradBias, Shown::GradBias, Shown::BiasUpdate},
    // The affine op reads b, but the z it writes is what its neurons show.
    {Buffer::Bias, Shown::Nothing, Shown::BiasUpdate},
    {Buffer::Weights, Shown::Weight, Shown::WeightUpdate},
    {Buffer::GradWeights, Shown::GradWeight, Shown::WeightUpdate},
    // An optimizer's m, v, velocity, … (BufferRef::slot says which).
    {Buffer::WeightState, Shown::WeightState, Shown::WeightState},
    {Buffer::BiasState, Shown::BiasState, Shown::BiasState},
};

const CanvasMode* canvas_mode(Buffer b) {
  for (const CanvasMode& m : kCanvasModes)
    if (m.tensor == b) return &m;
  return nullptr;
}

// The current op's reads and writes take over what their layer shows. Reads
// are marked first, so a buffer the op writes wins over one it reads. Where a
// tensor goes comes from the registry (core/engine/tensors.hpp): its layout puts it
// on neurons, edges or the loss box; a parameter's optimizer state goes on
// that parameter's edges or neurons; t, the bias corrections and the step's
// rows have no place on the canvas (the equation panel and the matrix
// inspector show them).
void mark(CanvasValues& out, BufferRef ref, Role role) {
  const TensorInfo& info = tensor_info(ref.buffer);
  const CanvasMode* mode = canvas_mode(ref.buffer);
  if (info.role == TensorRole::OptimizerState && !mode) return;  // t, 1 − βᵗ
  if (info.role == TensorRole::Hyperparameter) {
    out.rate_role = role;  // η
    return;
  }
  Shown s = mode ? (out.phase == Phase::Update ? mode->in_update : mode->shown) : Shown::Nothing;
  if (s == Shown::Activation && ref.layer == 0) s = Shown::Input;  // the input layer's a is x
  switch (info.layout) {
    case TensorLayout::Scalar: out.loss_role = role; break;  // L, and the penalty that is part of it
    case TensorLayout::Row: break;
    case TensorLayout::Edges: {
      LayerView& v = out.layers[static_cast<std::size_t>(ref.layer)];
      v.edges = s;
      v.edge_state = ref.slot;
      v.edge_role = role;
      break;
    }
    case TensorLayout::Neurons: {
      if (ref.buffer == Buffer::Target) {  // the labels beside the outputs
        out.target_role = role;
        break;
      }
      // A dropout mask, batch norm's x̂: the layer is touched, its neurons
      // keep showing their value.
      LayerView& v = out.layers[static_cast<std::size_t>(ref.layer)];
      if (s != Shown::Nothing) {
        v.neurons = s;
        v.neuron_state = ref.slot;
      }
      v.neuron_role = role;
      break;
    }
  }
}

const Eigen::MatrixXd& neuron_matrix(const PassState& ps, Shown s, int l) {
  switch (s) {
    case Shown::Input: return ps.scenario.inputs;
    case Shown::PreActivation: return ps.layers[static_cast<std::size_t>(l - 1)].pre_activation;
    case Shown::Activation: return ps.layers[static_cast<std::size_t>(l - 1)].activation;
    case Shown::GradActivation: return ps.layers[static_cast<std::size_t>(l - 1)].grad_activation;
    case Shown::Delta: return ps.layers[static_cast<std::size_t>(l - 1)].delta;
    case Shown::Bias: return ps.scenario.layers[static_cast<std::size_t>(l - 1)].bias;
    default: return ps.layers[static_cast<std::size_t>(l - 1)].grad_bias;  // GradBias, BiasUpdate
  }
}

// What a neuron keeps showing under its circle (LayerView::below).
Shown below_neurons(const Stepper& st, int l, Shown main) {
  if (l == 0) return Shown::Nothing;
  auto done = [&](Buffer b) { return st.is_computed(BufferRef{b, l}); };
  switch (main) {
    case Shown::GradActivation:
    case Shown::Delta:
    case Shown::GradBias:
      return done(Buffer::Activation) ? Shown::Activation : done(Buffer::PreActivation) ? Shown::PreActivation
                                                                                         : Shown::Nothing;
    case Shown::BiasUpdate:
    case Shown::BiasState: return Shown::Bias;
    default: return Shown::Nothing;
  }
}

// Neuron j's column in a tensor of a layer of n neurons: its own, or its
// channel's where the tensor has one value per channel (a conv layer's b and
// ∂L/∂b, batch norm's β); −1 when the tensor is not per neuron at all.
int neuron_column(const Eigen::MatrixXd& m, int j, int n, int plane) {
  if (m.cols() == n) return j;
  if (plane > 1 && m.cols() * plane == n) return j / plane;
  return -1;
}

// 1, 2 or 5 × 10ᵏ, at least m: legend scales a reader can take in at a glance.
double nice_ceiling(double m) {
  if (!(m > 0.0) || !std::isfinite(m)) return m > 0.0 ? m : 0.0;
  const double p = std::pow(10.0, std::floor(std::log10(m)));
  const double f = m / p;
  const double step = f <= 1.0 + 1e-9 ? 1.0 : f <= 2.0 + 1e-9 ? 2.0 : f <= 5.0 + 1e-9 ? 5.0 : 10.0;
  return step * p;
}

double max_abs(const Eigen::MatrixXd& m) {
  double best = 0.0;
  for (Eigen::Index k = 0; k < m.size(); ++k) {
    const double a = std::abs(m.data()[k]);
    if (a > best && std::isfinite(a)) best = a;
  }
  return best;
}

}  // namespace

ScaleGroup scale_group(Shown s) {
  switch (s) {
    case Shown::Nothing:
    case Shown::Input:
    case Shown::PreActivation:
    case Shown::Activation: return ScaleGroup::Values;
    case Shown::GradActivation:
    case Shown::Delta:
    case Shown::GradBias: return ScaleGroup::Gradients;
    case Shown::BiasUpdate: return ScaleGroup::BiasSteps;
    case Shown::Bias: return ScaleGroup::Values;
    case Shown::Weight: return ScaleGroup::Weights;
    case Shown::GradWeight: return ScaleGroup::WeightGradients;
    case Shown::WeightUpdate: return ScaleGroup::WeightSteps;
    case Shown::BiasState: return ScaleGroup::BiasStates;
    case Shown::WeightState: return ScaleGroup::WeightStates;
  }
  return ScaleGroup::Values;
}

bool shown_reveals(Shown s, int l, int i, int j, Buffer b, int layer, int row, int col) {
  if (l != layer || j != col) return false;
  if (i >= 0 && i != row) return false;  // edges: the weight (row, col) only
  // A neuron's values often coincide (a = z through ReLU, ∂L/∂b = δ for one
  // example): any of them would answer a question about another.
  if (i < 0 && s != Shown::Nothing) return b != Buffer::Weights && b != Buffer::GradWeights && b != Buffer::LossValue;
  switch (s) {
    case Shown::Input: return b == Buffer::Input || (b == Buffer::Activation && layer == 0);
    case Shown::PreActivation: return b == Buffer::PreActivation;
    case Shown::Activation: return b == Buffer::Activation;
    case Shown::GradActivation: return b == Buffer::GradActivation;
    case Shown::Delta: return b == Buffer::Delta;
    case Shown::GradBias:
    case Shown::BiasUpdate: return b == Buffer::GradBias;
    case Shown::Bias: return b == Buffer::Bias;
    case Shown::Weight: return b == Buffer::Weights;
    case Shown::GradWeight:
    case Shown::WeightUpdate: return b == Buffer::GradWeights;
    case Shown::WeightState: return b == Buffer::WeightState;
    case Shown::BiasState: return b == Buffer::BiasState;
    case Shown::Nothing: return false;
  }
  return false;
}

double example_value(const Eigen::MatrixXd& m, int example, int j) {
  if (m.rows() == 1) return m(0, j);
  if (example >= 0) return m(example, j);
  return m.col(j).mean();
}

std::array<double, kScaleGroups> compute_step_scales(const Stepper& st, int example) {
  const Scenario& start = st.scenario();
  Trainer run(start);
  run.step();
  const PassState& end = run.state();
  const int batch = start.batch_size();
  const int ex = batch <= 1 ? 0 : (example < 0 ? -1 : std::min(example, batch - 1));
  std::array<double, kScaleGroups> largest{};
  auto take = [&](ScaleGroup g, double v) {
    double& big = largest[static_cast<std::size_t>(g)];
    if (std::isfinite(v)) big = std::max(big, std::abs(v));
  };
  auto neurons = [&](ScaleGroup g, const Eigen::MatrixXd& m, double factor) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) take(g, factor * example_value(m, ex, static_cast<int>(j)));
  };
  neurons(ScaleGroup::Values, start.inputs, 1.0);
  for (int l = 1; l <= start.layer_count(); ++l) {
    const LayerState& ls = end.layers[static_cast<std::size_t>(l - 1)];
    neurons(ScaleGroup::Values, ls.pre_activation, 1.0);
    neurons(ScaleGroup::Values, ls.activation, 1.0);
    neurons(ScaleGroup::Values, start.layers[static_cast<std::size_t>(l - 1)].bias, 1.0);
    neurons(ScaleGroup::Values, end.scenario.layers[static_cast<std::size_t>(l - 1)].bias, 1.0);
    neurons(ScaleGroup::Gradients, ls.grad_activation, 1.0);
    neurons(ScaleGroup::Gradients, ls.delta, 1.0);
    neurons(ScaleGroup::Gradients, ls.grad_bias, 1.0);
    const Eigen::MatrixXd bias_step =
        end.scenario.layers[static_cast<std::size_t>(l - 1)].bias - start.layers[static_cast<std::size_t>(l - 1)].bias;
    neurons(ScaleGroup::BiasSteps, bias_step, 1.0);
    take(ScaleGroup::Weights, max_abs(start.layers[static_cast<std::size_t>(l - 1)].weights));
    take(ScaleGroup::Weights, max_abs(end.scenario.layers[static_cast<std::size_t>(l - 1)].weights));
    take(ScaleGroup::WeightGradients, max_abs(ls.grad_weights));
    // The true moves, whatever the optimizer (new − old over the step).
    take(ScaleGroup::WeightSteps, max_abs(end.scenario.layers[static_cast<std::size_t>(l - 1)].weights -
                                          start.layers[static_cast<std::size_t>(l - 1)].weights));
  }
  std::array<double, kScaleGroups> out{};
  for (int g = 0; g < kScaleGroups; ++g)
    out[static_cast<std::size_t>(g)] = nice_ceiling(largest[static_cast<std::size_t>(g)]);
  return out;
}

void compute_canvas_values(const Stepper& st, int example, const std::array<double, kScaleGroups>& step_scales,
                           CanvasValues& out) {
  const PassState& ps = st.state();
  const Scenario& sc = ps.scenario;
  const int last = sc.layer_count(), batch = sc.batch_size();
  const Op* op = st.last_op();
  out.started = op != nullptr;
  out.phase = op ? op->phase : Phase::Forward;
  out.example = batch <= 1 ? 0 : (example < 0 ? -1 : std::min(example, batch - 1));
  out.loss_role = out.target_role = out.rate_role = Role::None;
  out.layers.resize(static_cast<std::size_t>(last + 1));
  for (int l = 0; l <= last; ++l) {
    LayerView& v = out.layers[static_cast<std::size_t>(l)];
    v.neurons = default_neurons(st, l, out.phase);
    v.edges = l > 0 ? default_edges(st, l, out.phase) : Shown::Nothing;
    v.neuron_role = v.edge_role = Role::None;
  }
  if (op) {
    for (int r = 0; r < op->read_count; ++r) mark(out, op->reads[static_cast<std::size_t>(r)], Role::Read);
    mark(out, op->writes, Role::Write);
  }

  std::array<double, kScaleGroups> largest{};
  out.weight_steps.resize(static_cast<std::size_t>(last + 1));
  out.bias_steps.resize(static_cast<std::size_t>(last + 1));
  for (int l = 0; l <= last; ++l) {
    LayerView& v = out.layers[static_cast<std::size_t>(l)];
    const int n = sc.width(l);
    const int plane = l > 0 && !sc.layers[static_cast<std::size_t>(l - 1)].out_shape.empty()
                          ? sc.layers[static_cast<std::size_t>(l - 1)].out_shape.plane()
                          : 1;
    v.values.resize(static_cast<std::size_t>(n));
    v.below = below_neurons(st, l, v.neurons);
    v.below_values.resize(static_cast<std::size_t>(n));
    if (v.below != Shown::Nothing) {
      const Eigen::MatrixXd& m = neuron_matrix(ps, v.below, l);
      if (neuron_column(m, 0, n, plane) < 0) v.below = Shown::Nothing;  // a layer without b (pooling, dropout)
      for (int j = 0; j < n && v.below != Shown::Nothing; ++j)
        v.below_values[static_cast<std::size_t>(j)] = example_value(m, out.example, neuron_column(m, j, n, plane));
    }
    // The update phase shows each parameter's step where the engine knows it
    // (parameter_step.hpp), else the gradient it comes from.
    if (v.neurons == Shown::BiasUpdate &&
        !parameter_step(st, BufferRef{Buffer::Bias, l}, out.bias_steps[static_cast<std::size_t>(l)]))
      v.neurons = Shown::GradBias;
    const Eigen::MatrixXd* bias_state = nullptr;
    if (v.neurons == Shown::BiasState) {
      bias_state = &sc.optimizer_state.layers[static_cast<std::size_t>(l - 1)].bias[v.neuron_state];
      if (bias_state->size() == 0) v.neurons = Shown::Nothing;  // SGD's velocity before its first step
    }
    if (v.neurons != Shown::Nothing) {
      const Eigen::MatrixXd& m = v.neurons == Shown::BiasUpdate  ? out.bias_steps[static_cast<std::size_t>(l)]
                                 : v.neurons == Shown::BiasState ? *bias_state
                                                                 : neuron_matrix(ps, v.neurons, l);
      const double factor = 1.0;
      double& big = largest[static_cast<int>(scale_group(v.neurons))];
      if (neuron_column(m, 0, n, plane) < 0) v.neurons = Shown::Nothing;
      for (int j = 0; j < n && v.neurons != Shown::Nothing; ++j) {
        const double x = factor * example_value(m, out.example, neuron_column(m, j, n, plane));
        v.values[static_cast<std::size_t>(j)] = x;
        if (std::isfinite(x)) big = std::max(big, std::abs(x));
      }
    }
    v.matrix = nullptr;
    v.factor = 1.0;
    v.edge_max = 0.0;
    if (l == 0 || v.edges == Shown::Nothing) continue;
    const LayerState& ls = ps.layers[static_cast<std::size_t>(l - 1)];
    Eigen::MatrixXd& step = out.weight_steps[static_cast<std::size_t>(l)];
    if (v.edges == Shown::WeightUpdate && !parameter_step(st, BufferRef{Buffer::Weights, l}, step))
      v.edges = Shown::GradWeight;
    const Eigen::MatrixXd* weight_state =
        v.edges == Shown::WeightState ? &sc.optimizer_state.layers[static_cast<std::size_t>(l - 1)].weights[v.edge_state]
                                      : nullptr;
    if (weight_state && weight_state->size() == 0) {  // SGD's velocity before its first step
      v.edges = Shown::Nothing;
      continue;
    }
    v.matrix = v.edges == Shown::Weight         ? &sc.layers[static_cast<std::size_t>(l - 1)].weights
               : v.edges == Shown::WeightUpdate ? &step
               : weight_state                   ? weight_state
                                                : &ls.grad_weights;
    v.factor = 1.0;
    if (v.matrix->size() == 0) {  // a layer without weights (pooling, dropout)
      v.edges = Shown::Nothing;
      v.matrix = nullptr;
      continue;
    }
    v.edge_max = std::abs(v.factor) * max_abs(*v.matrix);
    double& big = largest[static_cast<int>(scale_group(v.edges))];
    big = std::max(big, v.edge_max);
  }
  // The step's scale, unless the state holds more (a value edited to beyond
  // what the step computes would otherwise saturate).
  for (int g = 0; g < kScaleGroups; ++g)
    out.scale[static_cast<std::size_t>(g)] =
        std::max(step_scales[static_cast<std::size_t>(g)], nice_ceiling(largest[static_cast<std::size_t>(g)]));
}

std::string state_slot_label(StateSlot slot) {
  // SGD's velocity is b in the equations (PyTorch's buffer), which on the
  // canvas would read as the bias: "b of b¹".
  return slot == StateSlot::Velocity ? "velocity" : std::string(state_slot_symbol(slot));
}

std::string shown_symbol(Shown s, const Scenario& sc, int l, StateSlot slot) {
  const std::string L = superscript(l);
  switch (s) {
    case Shown::Nothing: return "·";
    case Shown::Input: return "x";
    case Shown::PreActivation: return "z" + L;
    case Shown::Activation: return layer_symbol(sc, l);
    case Shown::GradActivation: return "∂L/∂" + layer_symbol(sc, l);
    case Shown::Delta: return "δ" + L;
    case Shown::GradBias: return "∂L/∂b" + L;
    case Shown::BiasUpdate: return "Δb" + L;
    case Shown::Bias: return "b" + L;
    case Shown::Weight: return "W" + L;
    case Shown::GradWeight: return "∂L/∂W" + L;
    case Shown::WeightUpdate: return "ΔW" + L;
    case Shown::WeightState: return state_slot_label(slot) + " of W" + L;
    case Shown::BiasState: return state_slot_label(slot) + " of b" + L;
  }
  return "?";
}

const char* scale_group_name(ScaleGroup g) {
  switch (g) {
    case ScaleGroup::Values: return "x, z, a, b";
    case ScaleGroup::Gradients: return "δ, ∂L/∂a, ∂L/∂b";
    case ScaleGroup::BiasSteps: return "bias step Δb";
    case ScaleGroup::Weights: return "weight W";
    case ScaleGroup::WeightGradients: return "gradient ∂L/∂W";
    case ScaleGroup::WeightSteps: return "weight step ΔW = new − old";
    case ScaleGroup::BiasStates:
    case ScaleGroup::WeightStates: return "optimizer state";
    case ScaleGroup::Count: break;
  }
  return "";
}

const char* scale_group_symbol(ScaleGroup g) {
  switch (g) {
    case ScaleGroup::Values: return "x, z, a";
    case ScaleGroup::Gradients: return "δ, ∂L/∂·";
    case ScaleGroup::BiasSteps: return "Δb";
    case ScaleGroup::Weights: return "W";
    case ScaleGroup::WeightGradients: return "∂L/∂W";
    case ScaleGroup::WeightSteps: return "ΔW";
    case ScaleGroup::BiasStates:
    case ScaleGroup::WeightStates: return "state";
    case ScaleGroup::Count: break;
  }
  return "";
}

namespace {

// "1.23e-05" → "1.23e-5", "4e+03" → "4e3": every character counts in a circle.
int shorten_exponent(const char* in, char* buf, int size) {
  int n = 0;
  for (const char* p = in; *p && n < size - 1; ++p) {
    buf[n++] = *p;
    if (*p != 'e') continue;
    ++p;
    if (*p == '-' && n < size - 1) buf[n++] = '-';
    if (*p == '-' || *p == '+') ++p;
    while (*p == '0' && p[1]) ++p;
    while (*p && n < size - 1) buf[n++] = *p++;
    break;
  }
  buf[n] = '\0';
  return n;
}

}  // namespace

int format_compact(double v, int significant, char* buf, int size) {
  if (!std::isfinite(v))
    return std::snprintf(buf, static_cast<std::size_t>(size), "%s",
                         std::isnan(v) ? "NaN"
                         : v > 0       ? "∞"
                                       : "-∞");
  if (v == 0.0) return std::snprintf(buf, static_cast<std::size_t>(size), "0");
  // Tiny numbers in exponent notation when that is shorter: 0.000378 is
  // "3.78e-4", but 0.005 stays "0.005".
  char plain[48], sci[48], tmp[48];
  std::snprintf(tmp, sizeof tmp, "%.*g", significant, v);
  const int np = shorten_exponent(tmp, plain, sizeof plain);
  std::snprintf(tmp, sizeof tmp, "%.*e", std::max(0, significant - 1), v);
  // %e keeps trailing zeros ("1.50e-4"): drop them, as %g does.
  if (char* e = std::strchr(tmp, 'e')) {
    char* m = e;
    while (m > tmp && m[-1] == '0') --m;
    if (m > tmp && m[-1] == '.') --m;
    std::memmove(m, e, std::strlen(e) + 1);
  }
  const int ns = shorten_exponent(tmp, sci, sizeof sci);
  const char* best = ns < np && std::abs(v) < 1e-3 ? sci : plain;
  return std::snprintf(buf, static_cast<std::size_t>(size), "%s", best);
}

}  // namespace bpv
