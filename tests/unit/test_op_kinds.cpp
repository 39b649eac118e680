// The op-kind table and the tensor registry are what build_ops, apply_op,
// describe and the UI read: every entry must sit where its enum value says,
// and every op build_ops makes must be what its table entry declares.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <tuple>
#include <string>

#include "engine/describe.hpp"
#include "engine/op_kind.hpp"
#include "optimizers/optimizer.hpp"
#include "engine/stepper.hpp"
#include "formats/scenario_io.hpp"
#include "engine/tensors.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

constexpr int kOpKindCount = static_cast<int>(OpKind::BiasCorrection) + 1;

TEST(OpKinds, EveryKindHasItsOwnEntryNameAndFunctions) {
  std::set<std::string> names;
  for (int k = 0; k < kOpKindCount; ++k) {
    const OpKindDef& def = op_kind(static_cast<OpKind>(k));
    EXPECT_EQ(static_cast<int>(def.kind), k) << def.name;
    EXPECT_FALSE(def.name.empty());
    EXPECT_TRUE(names.insert(std::string(def.name)).second) << def.name << " twice";
    EXPECT_TRUE(def.declare && def.apply && def.title && def.describe) << def.name;
    // Its box on the computational graph.
    EXPECT_FALSE(def.graph_label.empty()) << def.name;
  }
}

std::vector<Scenario> every_kind_of_step() {
  Scenario seed = seed_scenario();
  Scenario adam = seed;
  adam.optimizer = default_spec(*find_optimizer("adam"));
  adam.regularization = {0.01, 0.02};
  Scenario rms = seed;
  rms.optimizer = default_spec(*find_optimizer("rmsprop"));
  return {seed, adam, rms, load_scenario(test::scenario_path("regression_mse.json")),
          load_scenario(test::scenario_path("spiral.json"))};
}

TEST(OpKinds, EveryOpIsWhatItsEntryDeclares) {
  for (const Scenario& sc : every_kind_of_step())
    for (const Op& op : build_ops(sc)) {
      const OpKindDef& def = op_kind(op.kind);
      EXPECT_EQ(op.phase, def.phase) << def.name;
      if (!op.optimizer) {
        EXPECT_EQ(op, make_op(sc, op.kind, op.layer)) << def.name << " layer " << op.layer;
      }
      EXPECT_FALSE(describe_title(op, sc).empty()) << def.name;
    }
}

TEST(OpKinds, EveryKindAppearsInSomeStep) {
  std::set<OpKind> seen;
  for (const Scenario& sc : every_kind_of_step())
    for (const Op& op : build_ops(sc)) seen.insert(op.kind);
  EXPECT_EQ(static_cast<int>(seen.size()), kOpKindCount);
}

TEST(Tensors, TheRegistryIsInBufferOrderWithOneNameEach) {
  std::set<std::string> names;
  const std::vector<TensorInfo>& kinds = all_tensor_kinds();
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    EXPECT_EQ(static_cast<std::size_t>(kinds[k].buffer), k) << kinds[k].name;
    EXPECT_EQ(&tensor_info(kinds[k].buffer), &kinds[k]);
    EXPECT_EQ(buffer_name(kinds[k].buffer), kinds[k].name);
    EXPECT_TRUE(names.insert(std::string(kinds[k].name)).second) << kinds[k].name << " twice";
  }
  EXPECT_EQ(tensor_info(Buffer::Weights).role, TensorRole::Parameter);
  EXPECT_EQ(tensor_info(Buffer::Delta).role, TensorRole::Gradient);
  EXPECT_TRUE(tensor_info(Buffer::Delta).per_example);
  EXPECT_FALSE(tensor_info(Buffer::GradWeights).per_example);
}

TEST(Tensors, EveryTensorAnOpWritesIsRegisteredAndHasItsShape) {
  for (const Scenario& sc : every_kind_of_step()) {
    PassState state = make_pass_state(sc);
    const std::vector<Op> ops = build_ops(sc);
    for (const Op& op : ops) apply_op(op, state);  // every optimizer tensor exists now
    const std::vector<BufferRef> tensors = registered_tensors(state);
    std::set<std::tuple<int, int, int>> unique;
    for (const BufferRef& r : tensors)
      EXPECT_TRUE(unique.insert({static_cast<int>(r.buffer), r.layer, static_cast<int>(r.slot)}).second)
          << buffer_name(r.buffer) << " of layer " << r.layer << " twice";
    for (const Op& op : ops) {
      EXPECT_NE(std::find(tensors.begin(), tensors.end(), op.writes), tensors.end())
          << op_kind_name(op.kind) << " writes " << buffer_name(op.writes.buffer) << ", not registered";
      const Eigen::MatrixXd& m = buffer_matrix(state, op.writes);
      if (tensor_info(op.writes.buffer).per_example) {
        EXPECT_EQ(m.rows(), sc.batch_size()) << buffer_name(op.writes.buffer);
      }
    }
  }
}

TEST(Tensors, ElementSymbolsAreTheEquationsSymbols) {
  const Scenario sc = seed_scenario();
  EXPECT_EQ(element_symbol(sc, {Buffer::Delta, 2}, 0, 0), "δ²₁");
  EXPECT_EQ(element_symbol(sc, {Buffer::GradWeights, 3}, 0, 1), "∂L/∂W³₁₂");
  EXPECT_EQ(element_symbol(sc, {Buffer::WeightState, 3, StateSlot::M}, 0, 1), "m³₁₂");
  EXPECT_EQ(element_symbol(sc, {Buffer::BiasState, 2, StateSlot::V}, 0, 0), "v²₁");
  EXPECT_EQ(element_symbol(sc, {Buffer::Activation, 1}, 0, 1), "h1₂");
  EXPECT_EQ(element_symbol(sc, {Buffer::Activation, 3}, 0, 2), "o₃");
  EXPECT_EQ(element_symbol(sc, {Buffer::Input, 0}, 0, 0), "x₁");
  EXPECT_EQ(element_symbol(sc, {Buffer::LossValue, 3}, 0, 0), "L");
  // The equation panel writes a weight the same way.
  EXPECT_EQ(element_symbol(sc, {Buffer::Weights, 2}, 0, 2), weight_symbol(2, 0, 2));
}

}  // namespace
}  // namespace bpv

namespace bpv {
namespace {

// describe() of an op that ran shows the number the op wrote, never one it
// works out again: a different number planted in the output must show up.
TEST(OpKinds, DescribeShowsWhatTheOpWrote) {
  for (const Scenario& start : every_kind_of_step()) {
    Stepper st(start);
    while (st.step_forward()) {
      const std::size_t k = st.cursor() - 1;
      const Op& op = st.ops()[k];
      if (op.kind == OpKind::MiniBatch) continue;  // it writes rows, and lists them as rows
      PassState planted = st.state();
      Eigen::MatrixXd& out = buffer_matrix(planted, op.writes);
      if (out.size() == 0) continue;
      out(0, 0) = 4321.5;
      const OpText text = describe(op, planted, &st.value_before(k), Element{0, 0, 0});
      EXPECT_NE(text.numbers.find("4321.5"), std::string::npos)
          << op_kind_name(op.kind) << " layer " << op.layer << ": " << text.numbers;
    }
  }
}

}  // namespace
}  // namespace bpv
