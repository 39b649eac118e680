#include "engine/train.hpp"

namespace bpv {

std::optional<TrainingNonFinite> find_first_non_finite(const Scenario& scenario,
                                                       std::size_t steps) {
  Stepper stepper(scenario);
  for (std::size_t s = 0; s < steps; ++s) {
    stepper.jump_to(stepper.op_count());
    if (auto report = stepper.first_non_finite()) return TrainingNonFinite{s, *report};
    stepper.begin_next_step();
  }
  return std::nullopt;
}

}  // namespace bpv
