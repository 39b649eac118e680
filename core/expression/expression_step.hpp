// One training step of an expression graph as a list of ops, and the state
// they read and write: the forward pass one op per node, then ∂out/∂out = 1,
// then one op per node in reverse (it adds its contribution into its inputs'
// gradients), then the update of each parameter (the optimizer's ops, as on a
// network). apply_expr_op() is the only code that does the math, so the
// stepper and the fast path run the same instructions in the same order.
#pragma once
#include <Eigen/Dense>
#include <array>
#include <cstddef>
#include <optional>
#include <vector>

#include "engine/op_cursor.hpp"
#include "engine/ops.hpp"
#include "expression_graph.hpp"

namespace bpv {

struct OptimizerOpDef;

enum class ExprStepKind {
  Forward,         // value(n) = f(inputs)
  SeedGradient,    // ∂out/∂out = 1
  Backward,        // ∂out/∂input += ∂out/∂n · ∂n/∂input, for each input of n
  OptimizerTick,   // t ← t + 1 (optimizers other than plain SGD)
  OptimizerState,  // one state tensor of a parameter (velocity, m, v, …)
  Update,          // the parameter's step
};

// A number of the step: a node's value or gradient, t, or one optimizer
// state tensor of a parameter.
enum class ExprTensor { Value, Grad, Step, State };
struct ExprRef {
  ExprTensor tensor = ExprTensor::Value;
  int node = -1;                     // Value, Grad; State: the parameter's node
  StateSlot slot = StateSlot::None;  // State
  bool operator==(const ExprRef&) const = default;
};

struct ExprStepOp {
  ExprStepKind kind;
  Phase phase;
  int node = -1;       // the node it computes, passes back from, seeds or updates; −1 for t
  int parameter = -1;  // OptimizerState, Update: index into graph.parameters
  const OptimizerOpDef* optimizer = nullptr;  // a stateful optimizer's state op or step
  std::array<ExprRef, 4> reads{};
  int read_count = 0;
  std::array<ExprRef, 2> writes{};  // a backward op writes both inputs' gradients
  int write_count = 0;
  // Backward: which inputs take a gradient (a number written in a definition
  // takes none, as a constant in PyTorch has no .grad).
  bool to_a = false, to_b = false;
};

// Everything a step computes, plus what it carries to the next step.
struct ExprState {
  std::vector<double> value;  // per node: leaves hold their numbers from the start
  std::vector<double> grad;   // per node: ∂out/∂node, 0 until the backward pass reaches it
  double t = 0.0;             // the optimizer's t
  std::vector<ParamState> optimizer_state;  // per parameter
  // 1 × 1 scratch through which a parameter meets the optimizers' matrix
  // interface (core/optimizers/optimizer.hpp); not state.
  Eigen::MatrixXd param_scratch = Eigen::MatrixXd::Zero(1, 1), grad_scratch = Eigen::MatrixXd::Zero(1, 1);
};

// The start of a step: leaves and constants hold their numbers, every other
// value and every gradient 0; t and the optimizer state from the expression.
ExprState make_expr_state(const Expression& expression, const ExpressionGraph& graph);
// Gives the optimizer state the shape its optimizer keeps (1 × 1 tensors, an
// SGD velocity empty until its first step).
void conform_expr_optimizer_state(Expression& expression);

// The ops of one step: the forward pass over every node that computes, the
// backward pass over the nodes the output depends on, the updates.
std::vector<ExprStepOp> build_expr_ops(const Expression& expression, const ExpressionGraph& graph);

void apply_expr_op(const ExprStepOp& op, const Expression& expression, const ExpressionGraph& graph,
                   ExprState& state);

// The index of the first update op (op_count when the step has none): the
// values and gradients before it are the step's forward and backward pass.
std::size_t first_update_op(const std::vector<ExprStepOp>& ops);

// The number behind a reference (a state tensor's, 0 when it does not exist yet).
double expr_number(const ExprState& state, const ExpressionGraph& graph, ExprRef ref);

// The expression with the state's parameters, t and optimizer state: what the
// next step starts from.
Expression expression_after(const Expression& start, const ExpressionGraph& graph, const ExprState& state);

// The fast path: whole steps, no snapshots, no allocation after the first.
class ExprTrainer {
 public:
  explicit ExprTrainer(Expression expression);
  // One step; returns the output's value (before the update).
  double step();
  const ExpressionGraph& graph() const { return graph_; }
  const ExprState& state() const { return state_; }
  // The expression now (its parameters after every step so far).
  Expression expression() const { return expression_after(start_, graph_, state_); }

 private:
  Expression start_;
  ExpressionGraph graph_;
  std::vector<ExprStepOp> ops_;
  std::size_t update_begin_ = 0;
  ExprState state_;
};

// A cursor over one step's ops with exact step back, as Stepper is for a
// network: cursor() ops applied, each leaving what it overwrote.
class ExprStepper {
 public:
  explicit ExprStepper(Expression expression);

  const Expression& expression() const { return start_; }  // at the start of this step
  const ExpressionGraph& graph() const { return graph_; }
  const ExprState& state() const { return state_; }
  const std::vector<ExprStepOp>& ops() const { return ops_; }
  std::size_t cursor() const { return steps_.cursor(); }
  std::size_t op_count() const { return ops_.size(); }
  bool at_end() const { return cursor() == ops_.size(); }

  bool step_forward();
  bool step_back();
  void jump_to(std::size_t k);  // clamped to [0, op_count()]
  void run_to_phase_end();      // apply ops while they share the next op's phase
  // What op k (k < cursor()) overwrote: the old numbers of its writes, in order.
  std::array<double, 2> before(std::size_t k) const { return steps_.undo(k).numbers; }
  // Whether the number behind `ref` has been computed at the cursor (leaves always are).
  bool is_computed(ExprRef ref) const;

  // Start over from an edited expression (same or new definitions) and
  // recompute up to the same cursor, clamped.
  void replace_expression(Expression expression);
  // After the update ops: the updated parameters start the next step.
  bool begin_next_step();

 private:
  struct Undo {
    std::array<double, 2> numbers{};
    Eigen::MatrixXd tensor;  // an optimizer state op's old tensor
  };
  class Program;  // the view of ops_ and state_ that steps_ drives (expression_step.cpp)
  void rebuild(std::size_t target);

  Expression start_;
  ExpressionGraph graph_;
  std::vector<ExprStepOp> ops_;
  ExprState state_;
  OpCursor<Undo> steps_;
};

}  // namespace bpv
