#include "optimizers/optimizer.hpp"

#include <cmath>
#include <sstream>
#include <utility>

#include "engine/describe.hpp"
#include "engine/scenario.hpp"

namespace bpv {

// Defined in their own files.
extern const Optimizer kSgdOptimizer;
extern const Optimizer kRmspropOptimizer;
extern const Optimizer kAdamOptimizer;
extern const Optimizer kAdamWOptimizer;

std::string_view state_slot_name(StateSlot s) {
  switch (s) {
    case StateSlot::Velocity: return "velocity";
    case StateSlot::SquareAvg: return "square_avg";
    case StateSlot::GradAvg: return "grad_avg";
    case StateSlot::M: return "m";
    case StateSlot::V: return "v";
    case StateSlot::VMax: return "v_max";
    case StateSlot::None: break;
  }
  return "?";
}

std::string_view state_slot_symbol(StateSlot s) {
  switch (s) {
    case StateSlot::Velocity: return "b";
    case StateSlot::SquareAvg: return "v";
    case StateSlot::GradAvg: return "gₐᵥ";
    case StateSlot::M: return "m";
    case StateSlot::V: return "v";
    case StateSlot::VMax: return "vₘₐₓ";
    case StateSlot::None: break;
  }
  return "?";
}

const std::vector<const Optimizer*>& all_optimizers() {
  static const std::vector<const Optimizer*> table{&kSgdOptimizer, &kRmspropOptimizer, &kAdamOptimizer,
                                                   &kAdamWOptimizer};
  return table;
}

const Optimizer* find_optimizer(std::string_view name) {
  for (const Optimizer* o : all_optimizers())
    if (o->name == name) return o;
  return nullptr;
}

bool is_plain_sgd(const OptimizerSpec& spec) {
  return spec.name.empty() || (spec.name == "sgd" && spec.momentum == 0.0);
}

const Optimizer* stateful_optimizer(const OptimizerSpec& spec) {
  return is_plain_sgd(spec) ? nullptr : find_optimizer(spec.name);
}

std::array<bool, kStateSlotCount> kept_state(const OptimizerSpec& spec) {
  const Optimizer* o = stateful_optimizer(spec);
  return o ? o->keeps(spec) : std::array<bool, kStateSlotCount>{};
}

OptimizerSpec default_spec(const Optimizer& optimizer) {
  OptimizerSpec spec;
  spec.name = std::string(optimizer.name);
  for (const OptimizerField& f : optimizer.fields) {
    if (f.number) spec.*f.number = f.default_number;
    if (f.flag) spec.*f.flag = f.default_flag;
  }
  return spec;
}

std::string range_text(const OptimizerField& f) {
  auto num = [](double v) {
    std::ostringstream ss;
    ss << v;
    return ss.str();
  };
  if (!f.has_high) return std::string(f.low_included ? "must be ≥ " : "must be > ") + num(f.low);
  return "must be in " + std::string(f.low_included ? "[" : "(") + num(f.low) + ", " + num(f.high) +
         (f.high_included ? "]" : ")");
}

bool in_range(const OptimizerField& f, double v) {
  const bool low_ok = f.low_included ? v >= f.low : v > f.low;
  const bool high_ok = !f.has_high || (f.high_included ? v <= f.high : v < f.high);
  return std::isfinite(v) && low_ok && high_ok;
}

std::string optimizer_problem(const OptimizerSpec& spec, std::string& field) {
  field = "optimizer.name";
  if (spec.name.empty()) return "";
  const Optimizer* optimizer = find_optimizer(spec.name);
  if (!optimizer) {
    std::string names;
    for (const Optimizer* o : all_optimizers()) names += (names.empty() ? "" : ", ") + std::string(o->name);
    return "unknown optimizer '" + spec.name + "' (expected one of " + names + ")";
  }
  for (const OptimizerField& f : optimizer->fields) {
    if (!f.number) continue;
    field = "optimizer." + std::string(f.name);
    const double v = spec.*f.number;
    if (!std::isfinite(v)) return "must be a finite number";
    if (!in_range(f, v)) return range_text(f);
  }
  return optimizer->check(spec, field);
}

OptimizerSpec file_spec(const OptimizerSpec& spec) {
  const Optimizer* optimizer = find_optimizer(spec.name);
  if (!optimizer) return OptimizerSpec{};
  OptimizerSpec out = default_spec(*optimizer);
  for (const OptimizerField& f : optimizer->fields) {
    if (f.number) out.*f.number = spec.*f.number;
    if (f.flag) out.*f.flag = spec.*f.flag;
  }
  return out;
}

std::string regularization_problem(const Regularization& reg, std::string& field) {
  for (const auto& [name, v] : {std::pair{"regularization.l1", reg.l1}, std::pair{"regularization.l2", reg.l2}}) {
    field = name;
    if (!std::isfinite(v)) return "must be a finite number";
    if (v < 0) return "must be ≥ 0";
  }
  return "";
}

std::string_view field_symbol(std::string_view name) {
  if (name == "momentum") return "μ";
  if (name == "dampening") return "dampening";
  if (name == "alpha") return "α";
  if (name == "eps") return "ε";
  if (name == "beta1") return "β₁";
  if (name == "beta2") return "β₂";
  if (name == "weight_decay") return "weight decay λ";
  return name;
}

void conform_optimizer_state(Scenario& sc) {
  OptimizerState& os = sc.optimizer_state;
  if (os.t.rows() != 1 || os.t.cols() != 1) os.t = Eigen::MatrixXd::Zero(1, 1);
  if (static_cast<int>(os.layers.size()) != sc.layer_count()) os.layers.resize(sc.layers.size());
  const std::array<bool, kStateSlotCount> keep = kept_state(sc.optimizer);
  const Optimizer* optimizer = stateful_optimizer(sc.optimizer);
  if (optimizer && optimizer->bias_corrections) {
    if (os.bias_correction.rows() != 1 || os.bias_correction.cols() != 2) os.bias_correction = Eigen::MatrixXd::Zero(1, 2);
  } else if (os.bias_correction.size() != 0) {
    os.bias_correction.resize(0, 0);
  }
  // SGD's velocity is "none yet" until its first step (§4), so it is never zero-filled.
  const bool velocity_may_be_absent = sc.optimizer.name == "sgd";
  for (int l = 1; l <= sc.layer_count(); ++l) {
    const Layer& layer = sc.layers[l - 1];
    for (int p = 0; p < 2; ++p) {
      ParamState& ps = p == 0 ? os.layers[l - 1].weights : os.layers[l - 1].bias;
      const Eigen::MatrixXd& param = p == 0 ? layer.weights : layer.bias;
      for (int s = 0; s < kStateSlotCount; ++s) {
        Eigen::MatrixXd& m = ps.tensors[s];
        const bool fits = m.rows() == param.rows() && m.cols() == param.cols();
        if (!keep[s]) {
          if (m.size() != 0) m.resize(0, 0);
        } else if (!fits) {
          if (s == static_cast<int>(StateSlot::Velocity) && velocity_may_be_absent) m.resize(0, 0);
          else m = Eigen::MatrixXd::Zero(param.rows(), param.cols());
        }
      }
    }
  }
}

std::string slot_symbol(const OptimizerElement& e, StateSlot s) {
  return std::string(state_slot_symbol(s)) + e.index;
}

}  // namespace bpv
