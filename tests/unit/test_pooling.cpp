// Max and average pooling (formats.md §6, core/layers/pool_layer.cpp):
// values and gradients worked by hand, max pooling's tie going to the first
// largest element (row-major, as PyTorch), overlapping windows adding up, a
// finite difference through a conv net, and the one-line errors.
#include <gtest/gtest.h>

#include "engine/gradcheck.hpp"
#include "engine/stepper.hpp"
#include "engine/train.hpp"
#include "formats/scenario_io.hpp"
#include "formats/trace.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

// A 1 × 4 × 4 image → pool (kernel, stride) → dense identity to 1 output,
// every weight 1, mse against 0: ∂L/∂a of the pool is then o, the same for
// every pooled value.
std::string pool_text(const std::string& type, int kernel, int stride, const std::string& pixels) {
  const int side = (4 - kernel) / stride + 1;
  std::string ones = "[";
  for (int k = 0; k < side * side; ++k) ones += std::string(k ? ", " : "") + "[1]";
  ones += "]";
  return R"({"input_size": 16, "input_shape": [1, 4, 4],
    "layers": [{"type": ")" + type + R"(", "kernel": )" + std::to_string(kernel) + R"(, "stride": )" +
         std::to_string(stride) + R"(},
               {"size": 1, "activation": "identity", "weights": )" + ones + R"(, "bias": [0]}],
    "loss": "mse", "learning_rate": 0.1, "inputs": [)" + pixels + R"(], "targets": [[0]]})";
}

const std::string kPixels = "[1, 3, 0, 2,  3, 2, 5, 5,  -1, 0, 4, 1,  2, 2, 1, 0]";

PassState stepped(const std::string& text) {
  Stepper s(parse_scenario(text, "pool.json"));
  s.jump_to(s.op_count());
  return s.state();
}

TEST(Pooling, MaxTakesEachWindowsLargestAndSendsTheGradientToItsFirst) {
  const PassState st = stepped(pool_text("max_pool", 2, 2, kPixels));
  Eigen::MatrixXd want(1, 4);
  want << 3, 5, 2, 4;
  EXPECT_EQ(st.layers[0].activation, want);
  const double g = st.layers[0].grad_activation(0, 0);  // ∂L/∂a, the same for all four
  EXPECT_EQ(g, 14.0) << "o = 3 + 5 + 2 + 4, mse against 0";
  // Ties: window 1 holds 3 at (0,1) and (1,0), window 2 holds 5 twice, window
  // 3 holds 2 twice: the gradient goes to the first in row-major order only.
  Eigen::MatrixXd grad = Eigen::MatrixXd::Zero(1, 16);
  grad(0, 1) = grad(0, 6) = grad(0, 12) = grad(0, 10) = g;
  // The input's gradient is not computed (nothing learns from ∂L/∂x): check
  // it through a layer below instead.
  for (const Op& op : build_ops(parse_scenario(pool_text("max_pool", 2, 2, kPixels), "pool.json")))
    EXPECT_NE(op.kind, OpKind::MaxPoolBackward) << "no op passes the gradient into x";
  const std::string below = R"({"input_size": 16, "input_shape": [1, 4, 4],
    "layers": [{"type": "conv2d", "channels": 1, "kernel": 1, "weights": [[[[1]]]], "bias": [0]},)";
  std::string text = pool_text("max_pool", 2, 2, kPixels);
  text.replace(0, text.find("\"layers\": [") + 11, below);
  const PassState deep = stepped(text);
  EXPECT_EQ(deep.layers[0].grad_activation, grad);
}

TEST(Pooling, AverageSharesTheGradientOutEvenlyAndOverlapsAdd) {
  // Kernel 2, stride 1: nine overlapping windows.
  std::string text = pool_text("avg_pool", 2, 1, kPixels);
  const std::string below = R"({"input_size": 16, "input_shape": [1, 4, 4],
    "layers": [{"type": "conv2d", "channels": 1, "kernel": 1, "weights": [[[[1]]]], "bias": [0]},)";
  text.replace(0, text.find("\"layers\": [") + 11, below);
  const PassState st = stepped(text);
  EXPECT_EQ(st.layers[1].activation(0, 0), (1 + 3 + 3 + 2) / 4.0);
  EXPECT_EQ(st.layers[1].activation(0, 8), (4 + 1 + 1 + 0) / 4.0);
  const double g = st.layers[1].grad_activation(0, 0);
  // A corner pixel is in one window, an edge pixel in two, an inner one in four.
  EXPECT_DOUBLE_EQ(st.layers[0].grad_activation(0, 0), g / 4);
  EXPECT_DOUBLE_EQ(st.layers[0].grad_activation(0, 1), 2 * g / 4);
  EXPECT_DOUBLE_EQ(st.layers[0].grad_activation(0, 5), 4 * g / 4);
}

TEST(Pooling, GradientsMatchAFiniteDifferenceThroughAConvNet) {
  for (const std::string& type : {std::string("max_pool"), std::string("avg_pool")}) {
    const Scenario sc = parse_scenario(R"({"input_size": 36, "input_shape": [1, 6, 6],
      "init": {"scheme": "xavier_uniform", "seed": 4},
      "layers": [{"type": "conv2d", "channels": 2, "kernel": 3, "padding": 1, "activation": "tanh"},
                 {"type": ")" + type + R"(", "kernel": 3, "stride": 2},
                 {"size": 3, "activation": "softmax"}],
      "loss": "cross_entropy", "learning_rate": 0.1,
      "inputs": [[)" + [] {
                                         std::string v;
                                         for (int k = 0; k < 36; ++k) v += (k ? ", " : "") + std::to_string((k * 37 % 17) / 8.0 - 1.0);
                                         return v;
                                       }() + R"(]], "targets": [[0, 1, 0]]})",
                                       "pool_net.json");
    EXPECT_EQ(sc.layers[1].out_shape, (Shape{2, 2, 2}));
    const GradCheckResult r = gradcheck(sc);
    EXPECT_LT(r.max_relative_error, 1e-6) << type;
  }
}

TEST(Pooling, SteppedFastPathAndStepBackAgree) {
  const std::string text = pool_text("max_pool", 3, 1, kPixels);
  Trainer fast(parse_scenario(text, "p.json"));
  Stepper s(parse_scenario(text, "p.json"));
  const PassState start = s.state();
  fast.step();
  s.jump_to(s.op_count());
  EXPECT_EQ(test::state_difference(fast.state(), s.state()), "");
  s.jump_to(0);
  EXPECT_EQ(test::state_difference(start, s.state()), "");
  EXPECT_EQ(trace_json(parse_scenario(text, "p.json"))["layers"][0]["type"], "max_pool");
}

std::string error_of(const std::string& text) { return test::load_error(text); }

TEST(Pooling, BadFieldsAreOneLineErrors) {
  const std::string good = pool_text("max_pool", 2, 2, kPixels);
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  EXPECT_EQ(error_of(good), "");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with("\"kernel\": 2", "\"kernel\": 5"), "layers[0].kernel: a 5×5 window does not fit the 4×4 input"},
      {with("\"kernel\": 2", "\"kernel\": 0"), "layers[0].kernel: must be between 1 and 7"},
      {with("\"stride\": 2", "\"stride\": 0"), "layers[0].stride: must be between 1"},
      {with("\"stride\": 2", "\"stride\": 2, \"padding\": 1"), "layers[0].padding: unknown field"},
      {with("\"stride\": 2", "\"stride\": 2, \"weights\": []"), "layers[0].weights: unknown field"},
      {with("\"input_shape\": [1, 4, 4],", ""), "layers[0].type: a max_pool layer needs an image below it"},
      {with("\"type\": \"max_pool\"", "\"type\": \"min_pool\""), "layers[0].type: unknown layer type 'min_pool'"},
  };
  for (const auto& [text, want] : cases) {
    const std::string e = error_of(text);
    EXPECT_NE(e.find(want), std::string::npos) << e << "\n  wanted: " << want;
    EXPECT_EQ(e.find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace bpv
