// The conv2d layer (formats.md §6, core/layers/conv_layer.cpp): values worked
// by hand with and without stride and padding, an independent direct
// convolution, gradients against a finite difference, stepped == fast path,
// step back, save → load → continue, the file's C′ × C × k × k weights, and
// the one-line errors.
#include <gtest/gtest.h>

#include "engine/gradcheck.hpp"
#include "engine/stepper.hpp"
#include "engine/train.hpp"
#include "formats/scenario_io.hpp"
#include "formats/trace.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

// x = 1..9 as a 3×3 image, one 2×2 kernel [[1, 2], [3, 4]], bias 0.5, then a
// dense identity output of the conv's values.
std::string hand_text(int stride, int padding) {
  const int side = (3 + 2 * padding - 2) / stride + 1;
  const int n = side * side;
  std::string eye = "[";
  for (int r = 0; r < n; ++r) {
    eye += r ? ", [" : "[";
    for (int c = 0; c < n; ++c) eye += std::string(c ? ", " : "") + (r == c ? "1" : "0");
    eye += "]";
  }
  eye += "]";
  return R"({"input_size": 9, "input_shape": [1, 3, 3],
    "layers": [{"type": "conv2d", "channels": 1, "kernel": 2, "stride": )" + std::to_string(stride) +
         R"(, "padding": )" + std::to_string(padding) + R"(, "weights": [[[[1, 2], [3, 4]]]], "bias": [0.5]},
               {"size": )" + std::to_string(n) + R"(, "activation": "identity", "weights": )" + eye + R"(}],
    "loss": "mse", "learning_rate": 0.1, "inputs": [[1, 2, 3, 4, 5, 6, 7, 8, 9]], "targets": [)" +
         [&] {
           std::string t = "[";
           for (int k = 0; k < n; ++k) t += std::string(k ? ", " : "") + "0";
           return t + "]";
         }() + "]}";
}

Eigen::MatrixXd conv_output(const std::string& text) {
  Stepper s(parse_scenario(text, "hand.json"));
  s.jump_to(s.op_count());
  return s.state().layers[0].pre_activation;
}

TEST(Conv, ValuesWorkedByHand) {
  // Stride 1, no padding: z[i,j] = Σ x[i+u, j+v]·W[u,v] + 0.5.
  Eigen::MatrixXd want(1, 4);
  want << 37.5, 47.5, 67.5, 77.5;
  EXPECT_EQ(conv_output(hand_text(1, 0)), want);
  // Stride 2 over padding 1: each window sees 1, 2, 2 and 4 of the image.
  //   (0,0): x₀₀·W₁₁ = 4;  (0,1): x₀₁·W₁₀ + x₀₂·W₁₁ = 6 + 12;
  //   (1,0): x₁₀·W₀₁ + x₂₀·W₁₁ = 8 + 28;  (1,1): 5 + 12 + 24 + 36.
  want << 4.5, 18.5, 36.5, 77.5;
  EXPECT_EQ(conv_output(hand_text(2, 1)), want);
}

// 2 × 5 × 4 input, conv 3 channels k 3 (stride, padding varied), tanh, then a
// dense softmax: a net every test below uses.
std::string net_text(int stride, int padding, const std::string& extra = "") {
  return R"({"input_size": 40, "input_shape": [2, 5, 4], "init": {"scheme": "xavier_uniform", "seed": 7},
    "layers": [{"type": "conv2d", "channels": 3, "kernel": 3, "stride": )" + std::to_string(stride) +
         R"(, "padding": )" + std::to_string(padding) + R"(, "activation": "tanh"},
               {"size": 2, "activation": "softmax"}],
    "loss": "cross_entropy", "learning_rate": 0.1, )" + extra + R"(
    "inputs": [)" + [] {
           std::string rows;
           for (int b = 0; b < 3; ++b) {
             rows += b ? ", [" : "[";
             for (int k = 0; k < 40; ++k) rows += (k ? ", " : "") + std::to_string(((k * 7 + b * 13) % 11) / 5.0 - 1.0);
             rows += "]";
           }
           return rows;
         }() + R"(], "targets": [[1, 0], [0, 1], [1, 0]]})";
}

Scenario net(int stride = 1, int padding = 1, const std::string& extra = "") {
  return parse_scenario(net_text(stride, padding, extra), "net.json");
}

// z[c′,i,j] computed straight from the definition, with the zeros of the
// padding as an explicit padded image.
double direct(const Scenario& sc, int b, int c_out, int i, int j) {
  const Layer& layer = sc.layers[0];
  const int C = 2, H = 5, W = 4, k = 3, p = layer.padding, s = layer.stride;
  double sum = layer.bias(0, c_out);
  for (int c = 0; c < C; ++c)
    for (int u = 0; u < k; ++u)
      for (int v = 0; v < k; ++v) {
        const int y = s * i + u - p, x = s * j + v - p;
        const double value = (y < 0 || y >= H || x < 0 || x >= W) ? 0.0 : sc.inputs(b, (c * H + y) * W + x);
        sum += layer.weights((c * k + u) * k + v, c_out) * value;
      }
  return sum;
}

TEST(Conv, AgreesWithTheDefinitionAtEveryStrideAndPadding) {
  for (const auto& [stride, padding] : {std::pair{1, 0}, std::pair{1, 1}, std::pair{2, 0}, std::pair{2, 1}}) {
    const Scenario sc = net(stride, padding);
    const Shape& out = sc.layers[0].out_shape;
    EXPECT_EQ(out.rows, (5 + 2 * padding - 3) / stride + 1);
    EXPECT_EQ(out.cols, (4 + 2 * padding - 3) / stride + 1);
    Stepper s(sc);
    s.jump_to(s.op_count());
    const Eigen::MatrixXd& z = s.state().layers[0].pre_activation;
    for (int b = 0; b < 3; ++b)
      for (int c = 0; c < 3; ++c)
        for (int i = 0; i < out.rows; ++i)
          for (int j = 0; j < out.cols; ++j)
            EXPECT_NEAR(z(b, (c * out.rows + i) * out.cols + j), direct(sc, b, c, i, j), 1e-12)
                << "stride " << stride << " padding " << padding;
  }
}

TEST(Conv, GradientsMatchAFiniteDifference) {
  for (const auto& [stride, padding] : {std::pair{1, 0}, std::pair{1, 1}, std::pair{2, 1}}) {
    // A second conv behind a first, so that a conv's ∂L/∂x is checked too.
    nlohmann::json doc = nlohmann::json::parse(net_text(stride, padding));
    doc["layers"][0]["activation"] = "sigmoid";
    doc["layers"].insert(doc["layers"].begin(),
                         nlohmann::json{{"type", "conv2d"}, {"channels", 2}, {"kernel", 2}, {"activation", "tanh"}});
    const Scenario sc = parse_scenario(doc.dump(), "two_convs.json");
    const GradCheckResult r = gradcheck(sc);
    EXPECT_EQ(r.parameter_count, static_cast<std::size_t>(2 * 2 * 2 * 2 + 2 + 3 * 2 * 9 + 3) +
                                     sc.layers[2].weights.size() + sc.layers[2].bias.size());
    EXPECT_LT(r.max_relative_error, 1e-6) << "stride " << stride << " padding " << padding;
  }
}

TEST(Conv, SteppedAndFastPathAgreeBitForBitWithEveryOptimizer) {
  for (const std::string& optimizer :
       {std::string(""), std::string(R"("optimizer": {"name": "adam"},)"),
        std::string(R"("optimizer": {"name": "sgd", "momentum": 0.9},)"), std::string(R"("regularization": {"l2": 0.01},)")}) {
    Trainer fast(net(1, 1, optimizer));
    Stepper stepped(net(1, 1, optimizer));
    for (int step = 0; step < 3; ++step) {
      fast.step();
      stepped.jump_to(stepped.op_count());
      EXPECT_EQ(test::state_difference(fast.state(), stepped.state()), "") << optimizer << " step " << step;
      stepped.begin_next_step();
    }
  }
}

TEST(Conv, StepBackRestoresEveryTensor) {
  Stepper s(net(2, 1, R"("optimizer": {"name": "adam"},)"));
  s.jump_to(s.op_count());
  s.begin_next_step();
  const PassState start = s.state();
  s.jump_to(s.op_count());
  s.jump_to(0);
  EXPECT_EQ(test::state_difference(start, s.state()), "");
}

TEST(Conv, SaveLoadContinueIsBitForBitWithTheKernelsNested) {
  const std::string adam = R"("optimizer": {"name": "adam"},)";
  Trainer straight(net(1, 1, adam));
  for (int k = 0; k < 4; ++k) straight.step();
  Trainer first(net(1, 1, adam));
  for (int k = 0; k < 2; ++k) first.step();
  const nlohmann::json saved = scenario_to_json(first.scenario());
  // C′ × C × k × k, as PyTorch's Conv2d.weight; the optimizer state likewise.
  EXPECT_EQ(saved["layers"][0]["weights"].size(), 3u);
  EXPECT_EQ(saved["layers"][0]["weights"][0].size(), 2u);
  EXPECT_EQ(saved["layers"][0]["weights"][0][0].size(), 3u);
  EXPECT_EQ(saved["layers"][0]["weights"][0][0][0].size(), 3u);
  EXPECT_EQ(saved["optimizer_state"]["layers"][0]["weights"]["m"].size(), 3u);
  EXPECT_EQ(saved["input_shape"], nlohmann::json::array({2, 5, 4}));
  Trainer second(parse_scenario(saved.dump(), "saved.json"));
  for (int k = 0; k < 2; ++k) second.step();
  EXPECT_EQ(test::state_difference(straight.state(), second.state()), "");
}

TEST(Conv, TheFileKernelIsPyTorchsLayout) {
  // W[c′=0, c=1, u=2, v=0] = 5 lands at row (1·3 + 2)·3 + 0 = 15, column 0.
  nlohmann::json doc = nlohmann::json::parse(net_text(1, 1));
  nlohmann::json w = nlohmann::json::array();
  for (int o = 0; o < 3; ++o) {
    nlohmann::json per = nlohmann::json::array();
    for (int c = 0; c < 2; ++c) per.push_back({{0, 0, 0}, {0, 0, 0}, {0, 0, 0}});
    w.push_back(per);
  }
  w[0][1][2][0] = 5;
  doc["layers"][0]["weights"] = w;
  const Scenario sc = parse_scenario(doc.dump(), "w.json");
  EXPECT_EQ(sc.layers[0].weights(15, 0), 5.0);
  EXPECT_EQ(sc.layers[0].weights.sum(), 5.0);
  EXPECT_EQ(trace_json(sc)["layers"][0]["weights_after"][0][1][2].size(), 3u);
}

TEST(Conv, TheTraceNamesEveryOpAndLayer) {
  const nlohmann::json t = trace_json(net());
  EXPECT_EQ(t["layers"][0]["type"], "conv2d");
  EXPECT_EQ(t["layers"][1]["type"], "dense");
  int forward_convs = 0;
  for (const auto& step : t["steps"]) forward_convs += step["op"] == "conv2d";
  EXPECT_EQ(forward_convs, 3) << "one op per output channel";
  for (const char* op : {"conv2d_grad_weights", "conv2d_grad_bias"}) {
    bool found = false;
    for (const auto& step : t["steps"]) found = found || step["op"] == op;
    EXPECT_TRUE(found) << op;
  }
}

std::string error_of(const std::string& text) { return test::load_error(text); }

TEST(Conv, BadFieldsAreOneLineErrors) {
  const std::string good = net_text(1, 1);
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const std::string k = "\"kernel\": 3";
  EXPECT_EQ(error_of(good), "");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with(k, "\"kernel\": 8"), "layers[0].kernel: must be between 1 and 7"},
      {with("\"channels\": 3", "\"channels\": 65"), "layers[0].channels: must be between 1 and 64"},
      {[] {
         std::string s = net_text(1, 0);
         return s.replace(s.find("\"kernel\": 3"), 11, "\"kernel\": 6");
       }(),
       "layers[0].kernel: a 6×6 window does not fit the 5×4 input: no output is left"},
      {with("\"channels\": 3", "\"chanels\": 3"), "layers[0].chanels: unknown field"},
      {with("\"input_shape\": [2, 5, 4]", "\"input_shape\": [2, 5, 5]"), "input_shape: 2 x 5 x 5 = 50 values"},
      {with("\"input_shape\": [2, 5, 4], ", ""), "layers[0].type: a conv2d layer needs an image below it"},
      {with("\"activation\": \"tanh\"", "\"activation\": \"tanh\", \"size\": 7"), "layers[0].size: a conv2d layer's size is C′·H′·W′"},
      {with("\"activation\": \"tanh\"", "\"activation\": \"tanh\", \"weights\": [[[[1]]]]"), "layers[0].weights: expected 3 entries"},
      {with("{\"size\": 2, \"activation\": \"softmax\"}",
            "{\"size\": 4, \"activation\": \"relu\"}, {\"type\": \"conv2d\", \"channels\": 1, \"kernel\": 1}, "
            "{\"size\": 2, \"activation\": \"softmax\"}"),
       "layers[2].type: a conv2d layer needs an image below it (input_shape [C, H, W], or a conv or pooling layer), "
       "but layer 2's output is flat"},
      {with("{\"size\": 2, \"activation\": \"softmax\"}", "{\"size\": 2, \"activation\": \"softmax\"}, "
            "{\"type\": \"conv2d\", \"channels\": 1, \"kernel\": 1}"), "the last layer"},
  };
  for (const auto& [text, want] : cases) {
    const std::string e = error_of(text);
    EXPECT_NE(e.find(want), std::string::npos) << e << "\n  wanted: " << want;
    EXPECT_EQ(e.find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace bpv
