// Batch norm's backward stepped as its graph ("backward": "graph",
// core/layers/batch_norm_graph.cpp): the six ops in place of the closed
// form's one, each node's gradient worked by hand, ∂L/∂x equal to the compact
// mode's in 1-d and 2-d, a finite difference, stepped == fast path, step
// back, save → load and the trace's extra fields.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/describe.hpp"
#include "engine/gradcheck.hpp"
#include "engine/stepper.hpp"
#include "engine/train.hpp"
#include "formats/scenario_io.hpp"
#include "formats/trace.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

// 2 inputs → dense 3 tanh → batch_norm (relu) → dense 2 softmax, batch 4.
std::string dense_net(const std::string& bn) {
  return R"({"input_size": 2, "init": {"scheme": "xavier_uniform", "seed": 9},
    "layers": [{"size": 3, "activation": "tanh"},
               {"type": "batch_norm", "activation": "relu", "gamma": [1.5, -0.5, 2], "beta": [0.1, 0.2, 0.3])" +
         bn + R"(},
               {"size": 2, "activation": "softmax"}],
    "loss": "cross_entropy", "learning_rate": 0.1, "optimizer": {"name": "adam"},
    "inputs": [[0.5, -1], [1, 0.3], [-0.7, 0.8], [0.2, 0.9]],
    "targets": [[1, 0], [0, 1], [1, 0], [0, 1]]})";
}

// 1×4×4 → conv 2×3×3 → batch_norm (per channel over batch and positions) → dense 2.
std::string conv_net(const std::string& bn) {
  return R"({"input_size": 16, "input_shape": [1, 4, 4], "init": {"scheme": "xavier_uniform", "seed": 2},
    "layers": [{"type": "conv2d", "channels": 2, "kernel": 3, "activation": "identity"},
               {"type": "batch_norm", "activation": "tanh", "gamma": [0.7, 1.3], "beta": [0.2, -0.1])" +
         bn + R"(},
               {"size": 2, "activation": "softmax"}],
    "loss": "cross_entropy", "learning_rate": 0.1,
    "inputs": [[1, 2, 0, -1, 3, 1, 0, 2, -2, 1, 1, 0, 2, 0, -1, 1], [0, 1, 1, 2, -1, 0, 2, 1, 1, 1, 0, -2, 3, 1, 0, 0]],
    "targets": [[1, 0], [0, 1]]})";
}

const std::string kGraph = R"(, "backward": "graph")";

std::vector<std::string> op_names(const Stepper& s) {
  std::vector<std::string> names;
  for (const Op& op : s.ops()) names.emplace_back(op_kind_name(op.kind));
  return names;
}

TEST(BatchNormGraph, SixOpsReplaceTheClosedFormsOne) {
  const Stepper compact(parse_scenario(dense_net(""), "c.json"));
  const Stepper graph(parse_scenario(dense_net(kGraph), "g.json"));
  std::vector<std::string> want = op_names(compact);
  const auto at = std::find(want.begin(), want.end(), "batch_norm_grad_input");
  ASSERT_NE(at, want.end());
  const auto next = want.erase(at);
  want.insert(next, {"batch_norm_grad_x_hat", "batch_norm_grad_inverse_std", "batch_norm_grad_var",
                     "batch_norm_grad_centered", "batch_norm_grad_mean", "batch_norm_grad_input_sum"});
  EXPECT_EQ(op_names(graph), want);
}

// One feature, x = [1, 3] (μ = 2, σ² = 1), γ = 2, identity after it and an
// output o = z with mse against 0: δ = z/B.
TEST(BatchNormGraph, EachNodesGradientWorkedByHand) {
  Stepper s(parse_scenario(R"({"input_size": 1,
    "layers": [{"size": 1, "activation": "identity", "weights": [[1]], "bias": [0]},
               {"type": "batch_norm", "gamma": [2], "beta": [0.5], "backward": "graph"},
               {"size": 1, "activation": "identity", "weights": [[1]], "bias": [0]}],
    "loss": "mse", "learning_rate": 0.5, "inputs": [[1], [3]], "targets": [[0], [0]]})",
                           "hand.json"));
  s.jump_to(s.op_count());
  const LayerState& bn = s.state().layers[1];
  const double eps = 1e-5, sd = std::sqrt(1.0 + eps), n = 2.0;
  const double c[2] = {-1.0, 1.0};  // x − μ
  double delta[2], dxhat[2];
  for (int b = 0; b < 2; ++b) {
    delta[b] = (2.0 * c[b] / sd + 0.5) / 2.0;  // z / B
    dxhat[b] = 2.0 * delta[b];
    EXPECT_NEAR(bn.delta(b, 0), delta[b], 1e-15);
    EXPECT_NEAR(bn.grad_normalized(b, 0), dxhat[b], 1e-15);
  }
  const double dinv = dxhat[0] * c[0] + dxhat[1] * c[1];
  EXPECT_NEAR(bn.grad_inverse_std(0, 0), dinv, 1e-15);
  const double dvar = dinv * (-1.0 / (1.0 + eps)) * (1.0 / (2.0 * sd));
  EXPECT_NEAR(bn.grad_variance(0, 0), dvar, 1e-15);
  double dc[2];
  for (int b = 0; b < 2; ++b) {
    dc[b] = dxhat[b] / sd + dvar * 2.0 * c[b] / n;
    EXPECT_NEAR(bn.grad_centered(b, 0), dc[b], 1e-15);
  }
  EXPECT_NEAR(bn.grad_mean(0, 0), -(dc[0] + dc[1]), 1e-15);
  // What is left of x's two paths is tiny: x̂ of two values is ±1 whatever
  // x is, so the loss barely depends on x (only through ε).
  for (int b = 0; b < 2; ++b)
    EXPECT_NEAR(s.state().layers[0].grad_activation(b, 0), dc[b] - (dc[0] + dc[1]) / n, 1e-15);
  EXPECT_LT(std::abs(s.state().layers[0].grad_activation(0, 0)), 1e-4);
}

// ∂L/∂x of the layer before, in graph and compact mode, after one step.
void expect_modes_agree(const std::string& compact_text, const std::string& graph_text) {
  Stepper compact(parse_scenario(compact_text, "c.json")), graph(parse_scenario(graph_text, "g.json"));
  compact.jump_to(compact.op_count());
  graph.jump_to(graph.op_count());
  const Eigen::MatrixXd& want = compact.state().layers[0].grad_activation;
  const Eigen::MatrixXd& got = graph.state().layers[0].grad_activation;
  ASSERT_EQ(want.rows(), got.rows());
  ASSERT_EQ(want.cols(), got.cols());
  EXPECT_GT(want.cwiseAbs().maxCoeff(), 1e-3) << "a gradient worth comparing";
  EXPECT_LT((want - got).cwiseAbs().maxCoeff(), 1e-14 * (1.0 + want.cwiseAbs().maxCoeff()));
  // The forward and γ, β's gradients are the same ops in both modes.
  EXPECT_TRUE(test::bit_identical(compact.state().layers[1].normalized, graph.state().layers[1].normalized));
  EXPECT_TRUE(test::bit_identical(compact.state().layers[1].grad_weights, graph.state().layers[1].grad_weights));
}

TEST(BatchNormGraph, AgreesWithTheCompactFormIn1dAnd2d) {
  expect_modes_agree(dense_net(""), dense_net(kGraph));
  expect_modes_agree(conv_net(""), conv_net(kGraph));
}

TEST(BatchNormGraph, GradientsMatchAFiniteDifference) {
  EXPECT_LT(gradcheck(parse_scenario(dense_net(kGraph), "g.json")).max_relative_error, 1e-6);
  EXPECT_LT(gradcheck(parse_scenario(conv_net(kGraph), "g.json")).max_relative_error, 1e-6);
}

TEST(BatchNormGraph, SteppedEqualsTheFastPathAndStepBackRestoresEveryNode) {
  for (const std::string& text : {dense_net(kGraph), conv_net(kGraph)}) {
    Stepper stepped(parse_scenario(text, "g.json"));
    Trainer fast(parse_scenario(text, "g.json"));
    fast.step();
    stepped.jump_to(stepped.op_count());
    EXPECT_EQ(test::state_difference(fast.state(), stepped.state()), "");
    stepped.begin_next_step();
    const PassState start = stepped.state();
    stepped.jump_to(stepped.op_count());
    EXPECT_FALSE(test::bit_identical(start.layers[1].grad_centered, stepped.state().layers[1].grad_centered));
    stepped.jump_to(0);
    EXPECT_EQ(test::state_difference(start, stepped.state()), "");
  }
}

TEST(BatchNormGraph, SavedAndLoadedKeepsTheModeAndTheTraceGivesEveryNode) {
  Trainer first(parse_scenario(dense_net(kGraph), "g.json"));
  first.step();
  const nlohmann::json saved = scenario_to_json(first.scenario());
  EXPECT_EQ(saved["layers"][1]["backward"], "graph");
  EXPECT_FALSE(scenario_to_json(parse_scenario(dense_net(""), "c.json"))["layers"][1].contains("backward"))
      << "the default is not written, so every existing file saves as before";
  Trainer straight(parse_scenario(dense_net(kGraph), "g.json"));
  straight.step();
  straight.step();
  Trainer second(parse_scenario(saved.dump(), "saved.json"));
  second.step();
  EXPECT_EQ(test::state_difference(straight.state(), second.state()), "");

  const nlohmann::json graph = trace_json(parse_scenario(dense_net(kGraph), "g.json"))["layers"][1];
  for (const char* key : {"grad_x_hat", "grad_inverse_std", "grad_var", "grad_centered", "grad_mean"})
    EXPECT_TRUE(graph.contains(key)) << key;
  EXPECT_EQ(graph["grad_centered"].size(), 4u);
  EXPECT_EQ(graph["grad_mean"].size(), 3u);
  const nlohmann::json compact = trace_json(parse_scenario(dense_net(""), "c.json"))["layers"][1];
  EXPECT_FALSE(compact.contains("grad_x_hat"));

  EXPECT_NE(test::load_error(dense_net(R"(, "backward": "chain")")).find(
                R"(layers[1].backward: expected "compact" or "graph")"),
            std::string::npos);
}

// The last op's numbers end in the graph's sum, its explanation gives the
// closed form's value: the same.
TEST(BatchNormGraph, TheLastOpShowsTheClosedFormBesideTheSum) {
  Stepper s(parse_scenario(dense_net(kGraph), "g.json"));
  int last = -1;
  for (int i = 0; i < s.op_count(); ++i)
    if (s.ops()[i].kind == OpKind::BatchNormGradInputSum) last = i;
  ASSERT_GE(last, 0);
  s.jump_to(last + 1);
  const double value = s.state().layers[0].grad_activation(2, 1);
  const OpText t = describe(s.ops()[last], s.state(), nullptr, Element{2, 0, 1});
  const std::string v = format_number(value);
  const std::size_t sum = t.numbers.find(" = " + v);
  const std::size_t closed = t.explanation.find("gives " + v + " for it");
  EXPECT_NE(sum, std::string::npos) << t.numbers;
  EXPECT_NE(closed, std::string::npos) << t.explanation;
}

}  // namespace
}  // namespace bpv
