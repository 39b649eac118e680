// The batch-norm layer (formats.md §6, core/layers/batch_norm_layer.cpp):
// values and running statistics worked by hand, 1-d and 2-d gradients
// against a finite difference, the closed-form ∂L/∂x against the chain rule
// through μ and σ² written out step by step, evaluation with the running
// statistics, every optimizer on γ and β, stepped == fast path, step back,
// save → load → continue, the trace's fields and the one-line errors.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/evaluate.hpp"
#include "engine/gradcheck.hpp"
#include "engine/stepper.hpp"
#include "engine/train.hpp"
#include "formats/scenario_io.hpp"
#include "formats/trace.hpp"
#include "optimizers/optimizer.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

// 2 inputs → dense 3 tanh → batch_norm (relu) → dense 2 softmax, batch 4.
std::string net_text(const std::string& extra = "", const std::string& bn = "") {
  return R"({"input_size": 2, "init": {"scheme": "xavier_uniform", "seed": 9},
    "layers": [{"size": 3, "activation": "tanh"},
               {"type": "batch_norm", "activation": "relu")" + bn + R"(},
               {"size": 2, "activation": "softmax"}],
    "loss": "cross_entropy", "learning_rate": 0.1, )" + extra + R"(
    "inputs": [[0.5, -1], [1, 0.3], [-0.7, 0.8], [0.2, 0.9]],
    "targets": [[1, 0], [0, 1], [1, 0], [0, 1]]})";
}

Scenario net(const std::string& extra = "", const std::string& bn = "") {
  return parse_scenario(net_text(extra, bn), "bn.json");
}

// One feature, batch [1, 3]: μ = 2, σ² = 1, x̂ = ∓1/√(1 + ε).
std::string hand_text(const std::string& bn) {
  return R"({"input_size": 1,
    "layers": [{"size": 1, "activation": "identity", "weights": [[1]], "bias": [0]},
               {"type": "batch_norm")" + bn + R"(},
               {"size": 1, "activation": "identity", "weights": [[1]], "bias": [0]}],
    "loss": "mse", "learning_rate": 0.5, "inputs": [[1], [3]], "targets": [[0], [0]]})";
}

TEST(BatchNorm, ValuesAndRunningStatisticsWorkedByHand) {
  Stepper s(parse_scenario(hand_text(R"(, "gamma": [2], "beta": [0.5])"), "hand.json"));
  s.jump_to(s.op_count());
  const PassState& st = s.state();
  const LayerState& bn = st.layers[1];
  EXPECT_EQ(bn.mean(0, 0), 2.0);
  EXPECT_EQ(bn.variance(0, 0), 1.0);
  const double xh = 1.0 / std::sqrt(1.0 + 1e-5);
  EXPECT_DOUBLE_EQ(bn.normalized(0, 0), -xh);
  EXPECT_DOUBLE_EQ(bn.normalized(1, 0), xh);
  EXPECT_DOUBLE_EQ(bn.pre_activation(0, 0), 0.5 - 2 * xh);
  // running_mean = 0.9·0 + 0.1·2; running_var = 0.9·1 + 0.1·(1·2/1), the unbiased σ².
  EXPECT_DOUBLE_EQ(st.scenario.layers[1].running_mean(0, 0), 0.2);
  EXPECT_DOUBLE_EQ(st.scenario.layers[1].running_var(0, 0), 1.1);
  // mse: ∂L/∂o_b = o_b / B; δ = ∂L/∂z the same (identity). ∂L/∂β = Σδ, ∂L/∂γ = Σ δ·x̂.
  const double o0 = 0.5 - 2 * xh, o1 = 0.5 + 2 * xh;
  EXPECT_DOUBLE_EQ(bn.grad_bias(0, 0), (o0 + o1) / 2);
  EXPECT_DOUBLE_EQ(bn.grad_weights(0, 0), (-o0 * xh + o1 * xh) / 2);
  // γ and β took plain SGD steps with η = 0.5.
  EXPECT_DOUBLE_EQ(st.scenario.layers[1].weights(0, 0), 2 - 0.5 * bn.grad_weights(0, 0));
  EXPECT_DOUBLE_EQ(st.scenario.layers[1].bias(0, 0), 0.5 - 0.5 * bn.grad_bias(0, 0));
}

// ∂L/∂x step by step, as Kratzert's graph: through x̂, then σ², then μ.
Eigen::MatrixXd chain_rule(const Eigen::MatrixXd& x, const Eigen::MatrixXd& dz, double gamma, double eps) {
  const double n = static_cast<double>(x.rows());
  const double mu = x.mean();
  const Eigen::ArrayXd xmu = x.col(0).array() - mu;
  const double var = (xmu * xmu).sum() / n;
  const double ivar = 1.0 / std::sqrt(var + eps);
  const Eigen::ArrayXd dxhat = dz.col(0).array() * gamma;
  const double divar = (dxhat * xmu).sum();
  const Eigen::ArrayXd dxmu1 = dxhat * ivar;
  const double dsqrtvar = -1.0 / (var + eps) * divar;  // d(1/s)/ds = −1/s²
  const double dvar = 0.5 / std::sqrt(var + eps) * dsqrtvar;
  const Eigen::ArrayXd dxmu2 = 2.0 * xmu * dvar / n;
  const Eigen::ArrayXd dx1 = dxmu1 + dxmu2;
  const double dmu = -dx1.sum();
  const Eigen::ArrayXd dx = dx1 + dmu / n;
  return dx.matrix();
}

TEST(BatchNorm, TheClosedFormEqualsTheChainRuleThroughEveryStep) {
  const Scenario sc = net("", R"(, "gamma": [1.5, -0.5, 2], "beta": [0.1, 0.2, 0.3])");
  Stepper s(sc);
  s.jump_to(s.op_count());
  const PassState& st = s.state();
  for (int f = 0; f < 3; ++f) {
    const Eigen::MatrixXd want = chain_rule(st.layers[0].activation.col(f), st.layers[1].delta.col(f),
                                            sc.layers[1].weights(0, f), 1e-5);
    for (int b = 0; b < 4; ++b)
      EXPECT_NEAR(st.layers[0].grad_activation(b, f), want(b, 0), 1e-12) << "feature " << f << " example " << b;
  }
}

TEST(BatchNorm, GradientsMatchAFiniteDifferenceIn1dAnd2d) {
  EXPECT_LT(gradcheck(net("", R"(, "gamma": [1.5, -0.5, 2], "beta": [0.1, 0.2, 0.3])")).max_relative_error, 1e-6);
  // 2-d: per channel over the batch and the positions, behind a conv layer.
  const Scenario conv = parse_scenario(R"({"input_size": 16, "input_shape": [1, 4, 4],
    "init": {"scheme": "xavier_uniform", "seed": 2},
    "layers": [{"type": "conv2d", "channels": 2, "kernel": 3, "activation": "identity"},
               {"type": "batch_norm", "activation": "tanh", "gamma": [0.7, 1.3], "beta": [0.2, -0.1]},
               {"size": 2, "activation": "softmax"}],
    "loss": "cross_entropy", "learning_rate": 0.1,
    "inputs": [[1, 2, 0, -1, 3, 1, 0, 2, -2, 1, 1, 0, 2, 0, -1, 1], [0, 1, 1, 2, -1, 0, 2, 1, 1, 1, 0, -2, 3, 1, 0, 0]],
    "targets": [[1, 0], [0, 1]]})",
                                       "bn2d.json");
  EXPECT_EQ(conv.layers[1].running_mean.cols(), 2) << "one statistic per channel";
  EXPECT_LT(gradcheck(conv).max_relative_error, 1e-6);
  Stepper s(conv);
  s.jump_to(s.op_count());
  // Channel 1's mean is over both examples' four positions.
  const Eigen::MatrixXd& x = s.state().layers[0].activation;
  EXPECT_NEAR(s.state().layers[1].mean(0, 0), (x.block(0, 0, 2, 4).sum()) / 8.0, 1e-15);
}

TEST(BatchNorm, EvaluationUsesTheRunningStatistics) {
  const Scenario sc = net("", R"(, "running_mean": [0.1, -0.2, 0.3], "running_var": [2, 0.5, 1])");
  SetEvaluator eval(sc, sc.inputs, sc.targets);
  // The same network with the batch norm folded into an affine map by hand.
  Scenario folded = sc;
  Layer& bn = folded.layers[1];
  const Layer& before = sc.layers[1];
  Layer affine;
  affine.activation = before.activation;
  affine.weights = Eigen::MatrixXd::Zero(3, 3);
  affine.bias = Eigen::MatrixXd::Zero(1, 3);
  for (int f = 0; f < 3; ++f) {
    const double scale = before.weights(0, f) / std::sqrt(before.running_var(0, f) + before.eps);
    affine.weights(f, f) = scale;
    affine.bias(0, f) = before.bias(0, f) - scale * before.running_mean(0, f);
  }
  bn = affine;
  EXPECT_NEAR(eval.data_loss(sc), forward_loss(folded), 1e-14);
}

TEST(BatchNorm, EveryOptimizerLearnsGammaAndBetaAndResumesBitForBit) {
  for (const Optimizer* optimizer : all_optimizers()) {
    const std::string extra = R"("optimizer": {"name": ")" + std::string(optimizer->name) + R"("},)";
    Trainer straight(net(extra));
    for (int k = 0; k < 4; ++k) straight.step();
    EXPECT_FALSE(test::bit_identical(straight.scenario().layers[1].weights, net(extra).layers[1].weights))
        << optimizer->name << " left γ alone";
    Trainer first(net(extra));
    for (int k = 0; k < 2; ++k) first.step();
    const nlohmann::json saved = scenario_to_json(first.scenario());
    EXPECT_TRUE(saved["layers"][1].contains("running_var"));
    Trainer second(parse_scenario(saved.dump(), "saved.json"));
    for (int k = 0; k < 2; ++k) second.step();
    EXPECT_EQ(test::state_difference(straight.state(), second.state()), "") << optimizer->name;
    Stepper stepped(net(extra));
    Trainer fast(net(extra));
    fast.step();
    stepped.jump_to(stepped.op_count());
    EXPECT_EQ(test::state_difference(fast.state(), stepped.state()), "") << optimizer->name;
  }
}

TEST(BatchNorm, StepBackRestoresTheRunningStatistics) {
  Stepper s(net(R"("optimizer": {"name": "adam"},)"));
  s.jump_to(s.op_count());
  s.begin_next_step();
  const PassState start = s.state();
  s.jump_to(s.op_count());
  EXPECT_FALSE(test::bit_identical(start.scenario.layers[1].running_mean, s.state().scenario.layers[1].running_mean));
  s.jump_to(0);
  EXPECT_EQ(test::state_difference(start, s.state()), "");
}

TEST(BatchNorm, GammaIsNoWeightForTheRegularization) {
  const Scenario sc = net(R"("regularization": {"l2": 0.5},)", R"(, "gamma": [10, 10, 10])");
  Stepper s(sc);
  s.jump_to(s.op_count());
  const double squares = sc.layers[0].weights.squaredNorm() + sc.layers[2].weights.squaredNorm();
  EXPECT_DOUBLE_EQ(s.state().penalty_value(), 0.25 * squares);
}

TEST(BatchNorm, TheTraceGivesItsStatisticsAndParameters) {
  const nlohmann::json t = trace_json(net(R"("optimizer": {"name": "adam"},)"));
  const nlohmann::json& bn = t["layers"][1];
  EXPECT_EQ(bn["type"], "batch_norm");
  for (const char* key : {"mean", "var", "x_hat", "z", "a", "delta", "grad_a", "grad_gamma", "grad_beta",
                          "gamma_after", "beta_after", "running_mean_after", "running_var_after"})
    EXPECT_TRUE(bn.contains(key)) << key;
  EXPECT_EQ(bn["mean"].size(), 3u);
  EXPECT_EQ(bn["x_hat"].size(), 4u);
  EXPECT_TRUE(bn["optimizer_state_after"].contains("gamma"));
  const nlohmann::json saved = scenario_to_json(Trainer(net(R"("optimizer": {"name": "adam"},)")).scenario());
  EXPECT_FALSE(saved["layers"][1].contains("weights"));
}

std::string error_of(const std::string& text) { return test::load_error(text); }

TEST(BatchNorm, BadFieldsAreOneLineErrors) {
  const std::string good = net_text();
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const std::string bn = "\"activation\": \"relu\"";
  EXPECT_EQ(error_of(good), "");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with(bn, bn + ", \"momentum\": 1.5"), "layers[1].momentum: must be in [0, 1]"},
      {with(bn, bn + ", \"eps\": 0"), "layers[1].eps: must be > 0"},
      {with(bn, bn + ", \"gamma\": [1, 2]"), "layers[1].gamma: expected 3 numbers, got 2"},
      {with(bn, bn + ", \"running_var\": [1, -1, 1]"), "layers[1].running_var: a variance must not be negative"},
      {with(bn, bn + ", \"weights\": [[1]]"), "layers[1]: a batch_norm layer's parameters are gamma and beta"},
      {with(bn, bn + ", \"size\": 4"), "layers[1].size: a batch_norm layer keeps its input's size, 3"},
      {with(bn, "\"activation\": \"softmax\""), "layers[1].activation: softmax is for the dense output layer"},
      {[&] {
         nlohmann::json one = nlohmann::json::parse(good);
         one["inputs"] = {{0.5, -1}};
         one["targets"] = {{1, 0}};
         return one.dump();
       }(),
       "inputs: layer 2 (batch_norm) would normalise over a training batch of 1 example"},
  };
  for (const auto& [text, want] : cases) {
    const std::string e = error_of(text);
    EXPECT_NE(e.find(want), std::string::npos) << e << "\n  wanted: " << want;
    EXPECT_EQ(e.find('\n'), std::string::npos);
  }
  // A data set whose last mini-batch of an epoch would hold one example.
  nlohmann::json doc = nlohmann::json::parse(good);
  doc.erase("inputs");
  doc.erase("targets");
  doc["data"] = {{"generator", "xor"}, {"samples", 9}};
  doc["batching"] = {{"size", 4}};
  EXPECT_NE(error_of(doc.dump()).find("batching.size: layer 2 (batch_norm) would normalise over a training batch of 1"),
            std::string::npos)
      << error_of(doc.dump());
  doc["batching"] = {{"size", 3}};
  EXPECT_EQ(error_of(doc.dump()), "");
}

}  // namespace
}  // namespace bpv
