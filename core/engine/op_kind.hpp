// An op kind as a table entry: its name, its phase, the tensors it reads and
// writes, its math and its words. The kinds live beside what they belong to,
// each forward with its backward:
//
//   op_mini_batch.cpp       mini_batch              x, y ← the step's rows
//   op_affine.cpp           affine                  z = a·W + b
//                           grad_weights, grad_bias, grad_input  (its backward)
//   op_activation.cpp       activation, activation_backward
//   op_loss.cpp             loss, loss_gradient
//   op_regularization.cpp   penalty, penalty_gradient
//   op_update.cpp           update_weights, update_bias, optimizer_step,
//                           optimizer_state  (the optimizers' own math is in
//                           optimizers/optimizer_*.cpp, one file per optimizer)
//
// build_ops (ops.cpp) decides the order of the step's parts; a layer's ops
// are its layer kind's (layers/layer_kind.hpp). Adding a kind: its OpKind
// value, its file with its entry, its line in the table in ops.cpp and where
// a layer kind or build_ops places it; its test checks it against
// a finite difference and EveryOpTouchesOnlyTheTensorsItDeclares checks that
// it keeps to what `declare` says.
#pragma once
#include <Eigen/Dense>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "engine/describe.hpp"
#include "engine/ops.hpp"

namespace bpv {

struct OpKindDef {
  OpKind kind;
  std::string_view name;  // snake_case id in the trace
  Phase phase;
  // Sets op.reads and op.writes for an op of this kind at op.layer. An
  // optimizer's op has op.optimizer (and a state op its op.writes) set first.
  void (*declare)(const Scenario& scenario, Op& op);
  // The math: reads only what declare listed, writes only op.writes (and
  // op.also_writes). No allocation once the state is sized.
  void (*apply)(const Op& op, PassState& state);
  std::string (*title)(const Op& op, const Scenario& scenario);
  // The equation, the same with one element's numbers, one sentence. `before`
  // is the old value of op.writes once the op ran (nullptr: not run yet);
  // describe() (describe.hpp) clamps the element into the output's shape first.
  OpText (*describe)(const Op& op, const PassState& state, const Eigen::MatrixXd* before, Element element);
  // The op's box on the computational graph: its math, short ("a·W + b").
  std::string_view graph_label;
};

const OpKindDef& op_kind(OpKind kind);

// An op of `kind` at `layer`, declared by its table entry.
Op make_op(const Scenario& scenario, OpKind kind, int layer);
// For declare functions: sets op.reads to `reads` (up to eight).
void declare_reads(Op& op, std::initializer_list<BufferRef> reads);
// The update phase of an optimizer other than plain SGD (op_update.cpp).
std::vector<Op> optimizer_ops(const Scenario& scenario);

}  // namespace bpv
