// RMSprop (PyTorch 1.13 torch.optim.RMSprop):
//   v ← α·v + (1 − α)·g²;
//   centered: gₐᵥ ← α·gₐᵥ + (1 − α)·g, D = √(v − gₐᵥ²) + ε; else D = √v + ε;
//   μ > 0: b ← μ·b + g/D, θ ← θ − η·b; else θ ← θ − η·g/D.
#include "optimizers/optimizer.hpp"

#include "engine/describe.hpp"

namespace bpv {
namespace {

using S = StateSlot;

void square_avg_apply(OptimizerTensors& x, const OptimizerScalars& s) {
  const double a = s.spec.alpha;
  Eigen::MatrixXd& v = x.state[S::SquareAvg];
  v.array() = v.array() * a + ((1.0 - a) * x.grad.array()) * x.grad.array();
}

void grad_avg_apply(OptimizerTensors& x, const OptimizerScalars& s) {
  const double a = s.spec.alpha;
  Eigen::MatrixXd& ga = x.state[S::GradAvg];
  ga = ga * a + x.grad * (1.0 - a);
}

void velocity_apply(OptimizerTensors& x, const OptimizerScalars& s) {
  Eigen::MatrixXd& b = x.state[S::Velocity];
  const Eigen::MatrixXd& v = x.state[S::SquareAvg];
  if (s.spec.centered) {
    const Eigen::MatrixXd& ga = x.state[S::GradAvg];
    b.array() = b.array() * s.spec.momentum +
                x.grad.array() / ((v.array() - ga.array() * ga.array()).sqrt() + s.spec.eps);
  } else {
    b.array() = b.array() * s.spec.momentum + x.grad.array() / (v.array().sqrt() + s.spec.eps);
  }
}

void param_apply(OptimizerTensors& x, const OptimizerScalars& s) {
  if (s.spec.momentum > 0.0) {
    x.param -= s.learning_rate * x.state[S::Velocity];
    return;
  }
  const Eigen::MatrixXd& v = x.state[S::SquareAvg];
  if (s.spec.centered) {
    const Eigen::MatrixXd& ga = x.state[S::GradAvg];
    x.param.array() -=
        s.learning_rate * (x.grad.array() / ((v.array() - ga.array() * ga.array()).sqrt() + s.spec.eps));
  } else {
    x.param.array() -= s.learning_rate * (x.grad.array() / (v.array().sqrt() + s.spec.eps));
  }
}

double at(const OptimizerElement& e, S s) { return e.state[static_cast<int>(s)]; }
double before(const OptimizerElement& e, S s) { return e.state_before[static_cast<int>(s)]; }

std::string d_text(const OptimizerElement& e) {
  const std::string v = format_number(at(e, S::SquareAvg));
  if (e.spec.centered)
    return "(√(" + v + " − " + factor(at(e, S::GradAvg)) + "²) + " + format_number(e.spec.eps) + ")";
  return "(√" + v + " + " + format_number(e.spec.eps) + ")";
}

std::string d_symbolic(const OptimizerSpec& spec) {
  return spec.centered ? "D = √(v − gₐᵥ²) + ε" : "D = √v + ε";
}

OptimizerText square_avg_describe(const OptimizerElement& e) {
  OptimizerText t;
  t.equation = "v ← α·v + (1 − α)·(∂L/∂θ)²,   α = " + format_number(e.spec.alpha);
  t.numbers = slot_symbol(e, S::SquareAvg) + " ← " + format_number(e.spec.alpha) + " × " +
              format_number(before(e, S::SquareAvg)) + " + " + format_number(1.0 - e.spec.alpha) + " × " +
              factor(e.grad) + "² = " + format_number(at(e, S::SquareAvg), 8);
  t.explanation = "A running average of the squared gradient: how large this parameter's gradients have been.";
  return t;
}

OptimizerText grad_avg_describe(const OptimizerElement& e) {
  OptimizerText t;
  t.equation = "gₐᵥ ← α·gₐᵥ + (1 − α)·∂L/∂θ,   α = " + format_number(e.spec.alpha);
  t.numbers = slot_symbol(e, S::GradAvg) + " ← " + format_number(e.spec.alpha) + " × " +
              factor(before(e, S::GradAvg)) + " + " + format_number(1.0 - e.spec.alpha) + " × " +
              factor(e.grad) + " = " + format_number(at(e, S::GradAvg), 8);
  t.explanation = "Centered RMSprop also averages the gradient itself, to divide by its spread, not its size.";
  return t;
}

OptimizerText velocity_describe(const OptimizerElement& e) {
  OptimizerText t;
  t.equation = "b ← μ·b + ∂L/∂θ / D,   " + d_symbolic(e.spec) + ",   μ = " + format_number(e.spec.momentum);
  t.numbers = slot_symbol(e, S::Velocity) + " ← " + format_number(e.spec.momentum) + " × " +
              factor(before(e, S::Velocity)) + " + " + factor(e.grad) + " / " + d_text(e) +
              " = " + format_number(at(e, S::Velocity), 8);
  t.explanation = "The scaled gradient is gathered into a velocity, as momentum does with the plain one.";
  return t;
}

OptimizerText param_describe(const OptimizerElement& e) {
  OptimizerText t;
  const std::string head = e.param_symbol + " ← " + format_number(e.param_before) + " − " +
                           format_number(e.learning_rate) + " × ";
  if (e.spec.momentum > 0.0) {
    t.equation = "θ ← θ − η·b,   η = " + format_number(e.learning_rate);
    t.numbers = head + factor(at(e, S::Velocity)) + " = " + format_number(e.param, 8);
  } else {
    t.equation = "θ ← θ − η·∂L/∂θ / D,   " + d_symbolic(e.spec) + ",   η = " + format_number(e.learning_rate);
    t.numbers = head + factor(e.grad) + " / " + d_text(e) + " = " + format_number(e.param, 8);
  }
  t.explanation = "Each parameter's step is divided by the size of its recent gradients, so all move at a similar pace.";
  return t;
}

const OptimizerOpDef kSquareAvg{S::SquareAvg, "v ← α·v + (1 − α)·(∂L/∂θ)²", square_avg_apply, square_avg_describe};
const OptimizerOpDef kGradAvg{S::GradAvg, "gₐᵥ ← α·gₐᵥ + (1 − α)·∂L/∂θ", grad_avg_apply, grad_avg_describe};
const OptimizerOpDef kVelocity{S::Velocity, "b ← μ·b + ∂L/∂θ / D", velocity_apply, velocity_describe};
const OptimizerOpDef kParamMomentum{S::None, "θ ← θ − η·b", param_apply, param_describe};
const OptimizerOpDef kParam{S::None, "θ ← θ − η·∂L/∂θ / D", param_apply, param_describe};

std::array<bool, kStateSlotCount> keeps(const OptimizerSpec& spec) {
  std::array<bool, kStateSlotCount> k{};
  k[static_cast<int>(S::SquareAvg)] = true;
  k[static_cast<int>(S::GradAvg)] = spec.centered;
  k[static_cast<int>(S::Velocity)] = spec.momentum > 0.0;
  return k;
}

std::vector<const OptimizerOpDef*> param_ops(const OptimizerSpec& spec) {
  std::vector<const OptimizerOpDef*> ops{&kSquareAvg};
  if (spec.centered) ops.push_back(&kGradAvg);
  if (spec.momentum > 0.0) ops.push_back(&kVelocity);
  ops.push_back(spec.momentum > 0.0 ? &kParamMomentum : &kParam);
  return ops;
}

std::string check(const OptimizerSpec&, std::string&) { return ""; }

}  // namespace

extern const Optimizer kRmspropOptimizer;
const Optimizer kRmspropOptimizer{
    "rmsprop",
    {
        {"alpha", &OptimizerSpec::alpha, nullptr, 0.99, false, 0.0, 1.0, true, false, true},
        {"eps", &OptimizerSpec::eps, nullptr, 1e-8, false, 0.0, 0.0, false, false, false},
        {"momentum", &OptimizerSpec::momentum, nullptr, 0.0, false, 0.0, 1.0, true, false, true},
        {"centered", nullptr, &OptimizerSpec::centered, 0.0, false},
    },
    keeps,
    param_ops,
    check,
};

}  // namespace bpv
