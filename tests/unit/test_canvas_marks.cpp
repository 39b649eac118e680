// What the canvas marks for the current op follows the tensor registry
// (core/engine/tensors.hpp): a per-edge tensor the op writes rings its layer's
// edges, a per-neuron one its neurons, the loss and the penalty the loss box.
// An optimizer's m, v or velocity shows on its parameter's edges or neurons
// (the equation panel and the matrix inspector show it too), while t and
// 1 − βᵗ, scalars of the step, ring nothing as written.
#include <gtest/gtest.h>

#include <string>

#include "canvas/canvas_values.hpp"
#include "formats/scenario_io.hpp"
#include "engine/stepper.hpp"
#include "engine/tensors.hpp"

namespace bpv {
namespace {

Scenario scenario_named(const std::string& file) {
  return load_scenario(std::string(BPV_SOURCE_DIR) + "/assets/scenarios/" + file);
}

bool anything_written(const CanvasValues& v) {
  if (v.loss_role == Role::Write || v.target_role == Role::Write || v.rate_role == Role::Write) return true;
  for (const LayerView& l : v.layers)
    if (l.neuron_role == Role::Write || l.edge_role == Role::Write) return true;
  return false;
}

TEST(CanvasMarks, TheWrittenTensorIsRingedWhereItsLayoutPutsIt) {
  for (const char* file : {"seed.json", "seed_adam.json", "seed_momentum.json", "overfit.json", "spiral.json"}) {
    Stepper st(scenario_named(file));
    const std::array<double, kScaleGroups> scales = compute_step_scales(st, 0);
    int checked = 0;
    while (st.step_forward()) {
      const Op& op = *st.last_op();
      CanvasValues v;
      compute_canvas_values(st, 0, scales, v);
      const TensorInfo& info = tensor_info(op.writes.buffer);
      const std::string where = std::string(file) + " op " + std::to_string(st.cursor()) + " (" +
                                std::string(info.name) + " of layer " + std::to_string(op.writes.layer) + ")";
      const auto l = static_cast<std::size_t>(op.writes.layer);
      if (op.writes.buffer == Buffer::WeightState) {
        EXPECT_EQ(v.layers[l].edges, Shown::WeightState) << where;
        EXPECT_EQ(v.layers[l].edge_state, op.writes.slot) << where;
        EXPECT_EQ(v.layers[l].edge_role, Role::Write) << where;
        EXPECT_EQ(v.layers[l].matrix, &st.state().scenario.optimizer_state.layers[l - 1].weights[op.writes.slot])
            << where << ": the edges show the state tensor itself";
        EXPECT_NE(v.scale[static_cast<int>(ScaleGroup::WeightStates)], 0.0) << where;
      } else if (op.writes.buffer == Buffer::BiasState) {
        EXPECT_EQ(v.layers[l].neurons, Shown::BiasState) << where;
        EXPECT_EQ(v.layers[l].neuron_state, op.writes.slot) << where;
        EXPECT_EQ(v.layers[l].neuron_role, Role::Write) << where;
        const Eigen::MatrixXd& state = st.state().scenario.optimizer_state.layers[l - 1].bias[op.writes.slot];
        for (int j = 0; j < state.cols(); ++j) EXPECT_EQ(v.layers[l].values[static_cast<std::size_t>(j)], state(0, j)) << where;
      } else if (info.role == TensorRole::OptimizerState || info.layout == TensorLayout::Row) {
        EXPECT_FALSE(anything_written(v)) << where << ": t, 1 − βᵗ and the rows have no place on the canvas";
      } else if (info.layout == TensorLayout::Edges) {
        EXPECT_EQ(v.layers[l].edge_role, Role::Write) << where;
        EXPECT_NE(v.layers[l].edges, Shown::Nothing) << where;
      } else if (info.layout == TensorLayout::Neurons) {
        EXPECT_EQ(v.layers[l].neuron_role, Role::Write) << where;
        EXPECT_NE(v.layers[l].neurons, Shown::Nothing) << where;
      } else {
        EXPECT_EQ(v.loss_role, Role::Write) << where << ": the loss and the penalty are the loss box";
      }
      // Every per-edge parameter or gradient it reads is ringed too.
      for (int r = 0; r < op.read_count; ++r) {
        const BufferRef read = op.reads[static_cast<std::size_t>(r)];
        const TensorInfo& ri = tensor_info(read.buffer);
        if (ri.layout == TensorLayout::Edges && ri.role != TensorRole::OptimizerState)
          EXPECT_NE(v.layers[static_cast<std::size_t>(read.layer)].edge_role, Role::None)
              << where << " reads " << ri.name << " of layer " << read.layer;
        if (read.buffer == Buffer::LearningRate) EXPECT_EQ(v.rate_role, Role::Read) << where;
        if (read.buffer == Buffer::Target) EXPECT_EQ(v.target_role, Role::Read) << where;
      }
      ++checked;
    }
    EXPECT_GT(checked, 20) << file;
  }
}

}  // namespace
}  // namespace bpv
