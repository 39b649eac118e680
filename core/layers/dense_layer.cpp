// The dense layer (formats.md §1): z = a_{l-1}·W + b, a = f(z). Its ops are
// op_affine.cpp's and op_activation.cpp's; this entry says which, in order.
#include "engine/op_kind.hpp"
#include "layers/layer_kind.hpp"

namespace bpv {
namespace {

void add(const Scenario& scenario, std::vector<Op>& ops, OpKind kind, int l) {
  ops.push_back(make_op(scenario, kind, l));
}

void dense_forward(const Scenario& scenario, int l, std::vector<Op>& ops) {
  add(scenario, ops, OpKind::Affine, l);
  add(scenario, ops, OpKind::Activate, l);
}

void dense_backward(const Scenario& scenario, int l, bool regularized, std::vector<Op>& ops) {
  add(scenario, ops, OpKind::ActivationBackward, l);
  add(scenario, ops, OpKind::GradWeights, l);
  if (regularized) add(scenario, ops, OpKind::PenaltyGradient, l);
  add(scenario, ops, OpKind::GradBias, l);
  if (l > 1) add(scenario, ops, OpKind::GradInput, l);  // nothing learns from ∂L/∂x
}

void dense_update(const Scenario& scenario, int l, std::vector<Op>& ops) {
  add(scenario, ops, OpKind::UpdateWeights, l);
  add(scenario, ops, OpKind::UpdateBias, l);
}

}  // namespace

constexpr LayerSetting kDenseSettings[] = {
    {.key = "size", .label = "neurons", .lo = 1, .hi = 64, .fallback = 4},
};

extern const LayerKindDef kDenseLayer{
    .type = "dense",
    .parameters = true,
    .penalized = true,
    .weight_symbol = "W",
    .bias_symbol = "b",
    .forward_ops = dense_forward,
    .backward_ops = dense_backward,
    .update_ops = dense_update,
    .maps_input = true,
    .settings = kDenseSettings,
    .activation = true,
};

}  // namespace bpv
