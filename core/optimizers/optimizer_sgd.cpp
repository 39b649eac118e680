// SGD with momentum, dampening and Nesterov (PyTorch 1.13 torch.optim.SGD):
//   μ ≠ 0: b ← g when there is no velocity yet, else b ← μ·b + (1 − d)·g;
//          g ← g + μ·b with nesterov, else g ← b;
//   θ ← θ − η·g.
// With μ = 0 the scenario is plain SGD (core/engine/ops.cpp's update ops), which
// keeps no state: this file only runs with momentum.
#include "optimizers/optimizer.hpp"

#include "engine/describe.hpp"

namespace bpv {
namespace {

using S = StateSlot;

void velocity_apply(OptimizerTensors& x, const OptimizerScalars& s) {
  Eigen::MatrixXd& b = x.state[S::Velocity];
  // An empty velocity means none yet (the first step, or a file without one):
  // PyTorch clones the gradient.
  if (b.size() == 0) b = x.grad;
  else b = b * s.spec.momentum + x.grad * (1.0 - s.spec.dampening);
}

OptimizerText velocity_describe(const OptimizerElement& e) {
  const std::string b = slot_symbol(e, S::Velocity), g = "∂L/∂" + e.param_symbol;
  const double now = e.state[static_cast<int>(S::Velocity)];
  const double old = e.state_before[static_cast<int>(S::Velocity)];
  OptimizerText t;
  t.equation = "b ← μ·b + (1 − d)·∂L/∂θ,   b ← ∂L/∂θ on the first step;   μ = " +
               format_number(e.spec.momentum) + ", d = " + format_number(e.spec.dampening);
  if (!e.had_velocity)
    t.numbers = b + " ← " + g + " = " + format_number(now, 8) + "   (no velocity yet: it starts as the gradient)";
  else
    t.numbers = b + " ← " + format_number(e.spec.momentum) + " × " + factor(old) + " + " +
                format_number(1.0 - e.spec.dampening) + " × " + factor(e.grad) + " = " +
                format_number(now, 8);
  t.explanation = "The velocity is a running sum of past gradients: steps that agree build up speed.";
  return t;
}

void param_apply(OptimizerTensors& x, const OptimizerScalars& s) {
  const Eigen::MatrixXd& b = x.state[S::Velocity];
  if (s.spec.nesterov) x.param -= s.learning_rate * (x.grad + b * s.spec.momentum);
  else x.param -= s.learning_rate * b;
}

OptimizerText param_describe(const OptimizerElement& e) {
  const std::string th = e.param_symbol, b = slot_symbol(e, S::Velocity);
  const double vel = e.state[static_cast<int>(S::Velocity)];
  OptimizerText t;
  if (e.spec.nesterov) {
    t.equation = "θ ← θ − η·(∂L/∂θ + μ·b),   η = " + format_number(e.learning_rate);
    t.numbers = th + " ← " + format_number(e.param_before) + " − " + format_number(e.learning_rate) + " × (" +
                format_number(e.grad) + " + " + format_number(e.spec.momentum) + " × " + factor(vel) +
                ") = " + format_number(e.param, 8);
    t.explanation = "Nesterov momentum steps along the gradient plus the velocity it is about to have.";
  } else {
    t.equation = "θ ← θ − η·b,   η = " + format_number(e.learning_rate);
    t.numbers = th + " ← " + format_number(e.param_before) + " − " + format_number(e.learning_rate) + " × " +
                factor(vel) + " = " + format_number(e.param, 8);
    t.explanation = "With momentum the parameter moves along its velocity, not just this step's gradient.";
  }
  return t;
}

const OptimizerOpDef kVelocity{S::Velocity, "b ← μ·b + (1 − d)·∂L/∂θ", velocity_apply, velocity_describe};
const OptimizerOpDef kParam{S::None, "θ ← θ − η·b", param_apply, param_describe};
const OptimizerOpDef kParamNesterov{S::None, "θ ← θ − η·(∂L/∂θ + μ·b)", param_apply, param_describe};

std::array<bool, kStateSlotCount> keeps(const OptimizerSpec& spec) {
  std::array<bool, kStateSlotCount> k{};
  k[static_cast<int>(S::Velocity)] = spec.momentum != 0.0;
  return k;
}

std::vector<const OptimizerOpDef*> param_ops(const OptimizerSpec& spec) {
  return {&kVelocity, spec.nesterov ? &kParamNesterov : &kParam};
}

std::string check(const OptimizerSpec& spec, std::string& field) {
  field = "optimizer.nesterov";
  if (spec.nesterov && spec.momentum <= 0.0) return "needs momentum > 0";
  if (spec.nesterov && spec.dampening != 0.0) return "needs dampening 0";
  return "";
}

}  // namespace

extern const Optimizer kSgdOptimizer;
const Optimizer kSgdOptimizer{
    "sgd",
    {
        {"momentum", &OptimizerSpec::momentum, nullptr, 0.0, false, 0.0, 1.0, true, false, true},
        {"dampening", &OptimizerSpec::dampening, nullptr, 0.0, false, 0.0, 1.0, true, true, true},
        {"nesterov", nullptr, &OptimizerSpec::nesterov, 0.0, false},
    },
    keeps,
    param_ops,
    check,
};

}  // namespace bpv
