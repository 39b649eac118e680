#include "optimizer.hpp"

#include "describe.hpp"
#include "scenario.hpp"

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

void conform_optimizer_state(Scenario& sc) {
  OptimizerState& os = sc.optimizer_state;
  if (os.t.rows() != 1 || os.t.cols() != 1) os.t = Eigen::MatrixXd::Zero(1, 1);
  if (static_cast<int>(os.layers.size()) != sc.layer_count()) os.layers.resize(sc.layers.size());
  const std::array<bool, kStateSlotCount> keep = kept_state(sc.optimizer);
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

std::string optimizer_number(double v) {
  const std::string s = format_number(v);
  return v < 0 ? "(" + s + ")" : s;
}

std::string slot_symbol(const OptimizerElement& e, StateSlot s) {
  return std::string(state_slot_symbol(s)) + e.index;
}

}  // namespace bpv
