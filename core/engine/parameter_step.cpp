#include "engine/parameter_step.hpp"

#include "optimizers/optimizer.hpp"

namespace bpv {

const Op* parameter_update_op(const Stepper& st, BufferRef param, std::size_t* index) {
  for (std::size_t k = 0; k < st.op_count(); ++k) {
    const Op& op = st.ops()[k];
    if (op.phase == Phase::Update && op.writes == param) {
      if (index) *index = k;
      return &op;
    }
  }
  return nullptr;
}

bool parameter_step(const Stepper& st, BufferRef param, Eigen::MatrixXd& step) {
  std::size_t k = 0;
  if (!parameter_update_op(st, param, &k)) return false;
  const Eigen::MatrixXd& now = buffer_matrix(st.state(), param);
  if (k < st.cursor()) {  // applied: the op's snapshot holds the old value
    step = now - st.value_before(k);
    return true;
  }
  const Scenario& sc = st.state().scenario;
  const BufferRef grad{param.buffer == Buffer::Weights ? Buffer::GradWeights : Buffer::GradBias, param.layer};
  if (!is_plain_sgd(sc.optimizer) || !st.is_computed(grad)) return false;
  step = -sc.learning_rate * buffer_matrix(st.state(), grad);
  return true;
}

}  // namespace bpv
