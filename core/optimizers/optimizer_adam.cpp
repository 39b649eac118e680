// Adam and AdamW (PyTorch 1.13 torch.optim.Adam / AdamW, _single_tensor_*):
//   (AdamW first: θ ← θ·(1 − η·λ))
//   m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;
//   amsgrad: vₘₐₓ ← max(vₘₐₓ, v), and vₘₐₓ stands for v below;
//   θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
// AdamW's decay is folded into the parameter's op: m and v never read θ, so
// decaying θ there gives the same numbers as decaying it first, and the op
// still writes one tensor.
#include <cmath>

#include "engine/describe.hpp"
#include "optimizers/optimizer.hpp"

namespace bpv {
namespace {

using S = StateSlot;

void m_apply(OptimizerTensors& x, const OptimizerScalars& s) {
  Eigen::MatrixXd& m = x.state[S::M];
  m = m * s.spec.beta1 + x.grad * (1.0 - s.spec.beta1);
}

void v_apply(OptimizerTensors& x, const OptimizerScalars& s) {
  const double b2 = s.spec.beta2;
  Eigen::MatrixXd& v = x.state[S::V];
  v.array() = v.array() * b2 + ((1.0 - b2) * x.grad.array()) * x.grad.array();
}

void v_max_apply(OptimizerTensors& x, const OptimizerScalars&) {
  x.state[S::VMax] = x.state[S::VMax].cwiseMax(x.state[S::V]);
}

void param_apply(OptimizerTensors& x, const OptimizerScalars& s) {
  const OptimizerSpec& p = s.spec;
  const double step_size = s.learning_rate / s.bias_correction1;
  const double bias_correction2_sqrt = std::sqrt(s.bias_correction2);
  const Eigen::MatrixXd& v = p.amsgrad ? x.state[S::VMax] : x.state[S::V];
  x.param.array() -=
      step_size * (x.state[S::M].array() / (v.array().sqrt() / bias_correction2_sqrt + p.eps));
}

void param_apply_decoupled(OptimizerTensors& x, const OptimizerScalars& s) {
  x.param *= 1.0 - s.learning_rate * s.spec.weight_decay;
  param_apply(x, s);
}

double at(const OptimizerElement& e, S s) { return e.state[static_cast<int>(s)]; }
double before(const OptimizerElement& e, S s) { return e.state_before[static_cast<int>(s)]; }

OptimizerText m_describe(const OptimizerElement& e) {
  OptimizerText t;
  t.equation = "m ← β₁·m + (1 − β₁)·∂L/∂θ,   β₁ = " + format_number(e.spec.beta1);
  t.numbers = slot_symbol(e, S::M) + " ← " + format_number(e.spec.beta1) + " × " + factor(before(e, S::M)) +
              " + " + format_number(1.0 - e.spec.beta1) + " × " + factor(e.grad) + " = " +
              format_number(at(e, S::M), 8);
  t.explanation = "The first moment m: a running average of the gradient, Adam's momentum.";
  return t;
}

OptimizerText v_describe(const OptimizerElement& e) {
  OptimizerText t;
  t.equation = "v ← β₂·v + (1 − β₂)·(∂L/∂θ)²,   β₂ = " + format_number(e.spec.beta2);
  t.numbers = slot_symbol(e, S::V) + " ← " + format_number(e.spec.beta2) + " × " + format_number(before(e, S::V)) +
              " + " + format_number(1.0 - e.spec.beta2) + " × " + factor(e.grad) + "² = " +
              format_number(at(e, S::V), 8);
  t.explanation = "The second moment v: a running average of the squared gradient, the size of recent steps.";
  return t;
}

OptimizerText v_max_describe(const OptimizerElement& e) {
  OptimizerText t;
  t.equation = "vₘₐₓ ← max(vₘₐₓ, v)";
  t.numbers = slot_symbol(e, S::VMax) + " ← max(" + format_number(before(e, S::VMax)) + ", " +
              format_number(at(e, S::V)) + ") = " + format_number(at(e, S::VMax), 8);
  t.explanation = "AMSGrad divides by the largest v seen so far, so a step can never grow because v shrank.";
  return t;
}

OptimizerText param_describe(const OptimizerElement& e) {
  const OptimizerSpec& p = e.spec;
  const bool decoupled = p.name == "adamw";
  const std::string v_sym = p.amsgrad ? "vₘₐₓ" : "v";
  const double v = p.amsgrad ? at(e, S::VMax) : at(e, S::V);
  const std::string t_sup = superscript(static_cast<int>(e.t));
  OptimizerText t;
  t.equation = std::string(decoupled ? "θ ← θ·(1 − η·λ)" : "θ ← θ") + " − η/(1 − β₁ᵗ) · m / (√" + v_sym +
               " / √(1 − β₂ᵗ) + ε),   η = " + format_number(e.learning_rate) + ", t = " + format_number(e.t) +
               (decoupled ? ", λ = " + format_number(p.weight_decay) : "");
  const std::string theta = decoupled ? format_number(e.param_before) + " × (1 − " + format_number(e.learning_rate) +
                                            " × " + format_number(p.weight_decay) + ")"
                                      : format_number(e.param_before);
  t.numbers = e.param_symbol + " ← " + theta + " − " + format_number(e.learning_rate) + "/(1 − " +
              format_number(p.beta1) + t_sup + ") × " + factor(at(e, S::M)) + " / (√" + format_number(v) +
              " / √(1 − " + format_number(p.beta2) + t_sup + ") + " + format_number(p.eps) + ") = " +
              format_number(e.param, 8);
  t.explanation = decoupled
                      ? "AdamW shrinks the parameter by its weight decay, then takes Adam's step: the average "
                        "gradient over its typical size, with the early averages' bias toward 0 corrected."
                      : "Adam steps by the average gradient over its typical size, each corrected for starting "
                        "at 0 (the 1 − βᵗ factors), so every parameter moves about η at most.";
  return t;
}

const OptimizerOpDef kM{S::M, "m ← β₁·m + (1 − β₁)·∂L/∂θ", m_apply, m_describe};
const OptimizerOpDef kV{S::V, "v ← β₂·v + (1 − β₂)·(∂L/∂θ)²", v_apply, v_describe};
const OptimizerOpDef kVMax{S::VMax, "vₘₐₓ ← max(vₘₐₓ, v)", v_max_apply, v_max_describe};
const OptimizerOpDef kParam{S::None, "θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)", param_apply,
                            param_describe, true};
const OptimizerOpDef kParamAms{S::None, "θ ← θ − η/(1 − β₁ᵗ) · m / (√vₘₐₓ / √(1 − β₂ᵗ) + ε)", param_apply,
                               param_describe, true};
const OptimizerOpDef kParamW{S::None, "θ ← θ·(1 − η·λ) − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)", param_apply_decoupled,
                             param_describe, true};
const OptimizerOpDef kParamWAms{S::None, "θ ← θ·(1 − η·λ) − η/(1 − β₁ᵗ) · m / (√vₘₐₓ / √(1 − β₂ᵗ) + ε)",
                                param_apply_decoupled, param_describe, true};

std::array<bool, kStateSlotCount> keeps(const OptimizerSpec& spec) {
  std::array<bool, kStateSlotCount> k{};
  k[static_cast<int>(S::M)] = true;
  k[static_cast<int>(S::V)] = true;
  k[static_cast<int>(S::VMax)] = spec.amsgrad;
  return k;
}

std::vector<const OptimizerOpDef*> param_ops(const OptimizerSpec& spec) {
  std::vector<const OptimizerOpDef*> ops{&kM, &kV};
  if (spec.amsgrad) ops.push_back(&kVMax);
  if (spec.name == "adamw") ops.push_back(spec.amsgrad ? &kParamWAms : &kParamW);
  else ops.push_back(spec.amsgrad ? &kParamAms : &kParam);
  return ops;
}

std::string check(const OptimizerSpec&, std::string&) { return ""; }

#define BPV_ADAM_FIELDS                                                                           \
  {"beta1", &OptimizerSpec::beta1, nullptr, 0.9, false, 0.0, 1.0, true, false, true},             \
      {"beta2", &OptimizerSpec::beta2, nullptr, 0.999, false, 0.0, 1.0, true, false, true},       \
      {"eps", &OptimizerSpec::eps, nullptr, 1e-8, false, 0.0, 0.0, false, false, false},          \
      {"amsgrad", nullptr, &OptimizerSpec::amsgrad, 0.0, false}

}  // namespace

extern const Optimizer kAdamOptimizer;
const Optimizer kAdamOptimizer{"adam", {BPV_ADAM_FIELDS}, keeps, param_ops, check, true};

extern const Optimizer kAdamWOptimizer;
const Optimizer kAdamWOptimizer{
    "adamw",
    {BPV_ADAM_FIELDS,
     {"weight_decay", &OptimizerSpec::weight_decay, nullptr, 0.01, false, 0.0, 0.0, true, false, false}},
    keeps,
    param_ops,
    check,
    true};

#undef BPV_ADAM_FIELDS

}  // namespace bpv
