// OpCursor, the one stepping driver, on a toy engine of its own: the rules a
// network and an expression both step by (exact step back, phases, clamping,
// undo storage kept), and the expression stepper's use of them.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <vector>

#include "engine/op_cursor.hpp"
#include "engine/ops.hpp"
#include "expression/expression_io.hpp"
#include "expression/expression_step.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

// A toy engine: op k writes slots[k % 2] = slots[0] · slots[1] + k (elementwise),
// so every op overwrites something an earlier op wrote.
struct ToyOp {
  Phase phase;
};

struct ToyProgram {
  const std::vector<ToyOp>& ops;
  std::vector<Eigen::MatrixXd>& slots;
  std::size_t size() const { return ops.size(); }
  Phase phase(std::size_t k) const { return ops[k].phase; }
  void keep(std::size_t k, Eigen::MatrixXd& u) const { u = slots[k % 2]; }
  void apply(std::size_t k) const {
    const Eigen::MatrixXd product = slots[0].cwiseProduct(slots[1]);
    slots[k % 2] = product.array() + static_cast<double>(k);
  }
  void restore(std::size_t k, Eigen::MatrixXd& u) const { slots[k % 2].swap(u); }
};

struct Toy {
  std::vector<ToyOp> ops{{Phase::Forward}, {Phase::Forward}, {Phase::Forward}, {Phase::Loss},
                         {Phase::Backward}, {Phase::Backward}, {Phase::Update}};
  std::vector<Eigen::MatrixXd> slots{Eigen::MatrixXd::Constant(2, 3, 0.5), Eigen::MatrixXd::Constant(2, 3, -1.25)};
  OpCursor<Eigen::MatrixXd> cursor;
  ToyProgram program() { return {ops, slots}; }
};

TEST(OpCursor, StepBackRestoresEveryEarlierStateBitForBit) {
  Toy toy;
  std::vector<std::vector<Eigen::MatrixXd>> seen{toy.slots};
  while (toy.cursor.step_forward(toy.program())) seen.push_back(toy.slots);
  ASSERT_EQ(toy.cursor.cursor(), toy.ops.size());
  EXPECT_FALSE(toy.cursor.step_forward(toy.program()));
  // The last op changed something, or the test proves nothing.
  EXPECT_FALSE(test::bit_identical(seen.back()[0], seen[seen.size() - 2][0]));
  for (std::size_t k = toy.ops.size(); k-- > 0;) {
    ASSERT_TRUE(toy.cursor.step_back(toy.program()));
    EXPECT_EQ(toy.cursor.cursor(), k);
    for (int s = 0; s < 2; ++s) EXPECT_TRUE(test::bit_identical(toy.slots[s], seen[k][s])) << k << " " << s;
  }
  EXPECT_FALSE(toy.cursor.step_back(toy.program()));
}

TEST(OpCursor, UndoHoldsWhatEachOpOverwrote) {
  Toy toy;
  std::vector<Eigen::MatrixXd> before;
  for (std::size_t k = 0; k < toy.ops.size(); ++k) {
    before.push_back(toy.slots[k % 2]);
    toy.cursor.step_forward(toy.program());
  }
  for (std::size_t k = 0; k < toy.ops.size(); ++k) EXPECT_TRUE(test::bit_identical(toy.cursor.undo(k), before[k])) << k;
}

TEST(OpCursor, RunsToTheEndOfEachPhaseAndNoFurther) {
  Toy toy;
  std::vector<std::size_t> stops;
  while (toy.cursor.cursor() < toy.ops.size()) {
    toy.cursor.run_to_phase_end(toy.program());
    stops.push_back(toy.cursor.cursor());
  }
  EXPECT_EQ(stops, (std::vector<std::size_t>{3, 4, 6, 7}));
  toy.cursor.run_to_phase_end(toy.program());  // at the end: nothing to run
  EXPECT_EQ(toy.cursor.cursor(), 7u);
}

TEST(OpCursor, JumpsAreClampedAndEqualSteppingThere) {
  Toy jumped, stepped;
  jumped.cursor.jump_to(jumped.program(), 99);
  EXPECT_EQ(jumped.cursor.cursor(), jumped.ops.size());
  jumped.cursor.jump_to(jumped.program(), 2);
  for (int i = 0; i < 2; ++i) stepped.cursor.step_forward(stepped.program());
  EXPECT_EQ(jumped.cursor.cursor(), 2u);
  for (int s = 0; s < 2; ++s) EXPECT_TRUE(test::bit_identical(jumped.slots[s], stepped.slots[s]));
}

TEST(OpCursor, RestartKeepsTheUndoStorageForTheNextPass) {
  Toy toy;
  toy.cursor.jump_to(toy.program(), toy.ops.size());
  std::vector<const double*> storage;
  for (std::size_t k = 0; k < toy.ops.size(); ++k) storage.push_back(toy.cursor.undo(k).data());
  // The next step starts from the state the caller resets; the slots are reused.
  toy.cursor.restart();
  EXPECT_EQ(toy.cursor.cursor(), 0u);
  toy.cursor.jump_to(toy.program(), toy.ops.size());
  // keep() copies into a slot of the same shape: Eigen reuses its storage,
  // except where step_back's swap moved it (none here).
  for (std::size_t k = 0; k < toy.ops.size(); ++k) EXPECT_EQ(toy.cursor.undo(k).data(), storage[k]) << k;
}

// The expression stepper drives the same cursor: its phases stop where the
// op list's phases change.
TEST(OpCursor, AnExpressionRunsPhaseByPhase) {
  const Expression e = parse_expression(R"json({
    "kind": "expression", "values": {"a": 2, "b": -3},
    "definitions": ["e = a * b", "out = tanh(e)"], "output": "out",
    "parameters": ["a"], "learning_rate": 0.1})json", "test");
  ExprStepper s(e);
  std::vector<Phase> phases;
  while (!s.at_end()) {
    s.run_to_phase_end();
    phases.push_back(s.ops()[s.cursor() - 1].phase);
    if (!s.at_end()) EXPECT_NE(s.ops()[s.cursor()].phase, phases.back());
  }
  EXPECT_EQ(phases.front(), Phase::Forward);
  EXPECT_EQ(phases.back(), Phase::Update);
  // And back to the start restores the leaves' gradients to 0.
  s.jump_to(0);
  for (double g : s.state().grad) EXPECT_EQ(g, 0.0);
}

}  // namespace
}  // namespace bpv
