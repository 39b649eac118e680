// The dropout layer (formats.md §6, core/layers/dropout_layer.cpp): the mask
// is drawn from (seed, step, layer) and scales by 1/(1 − p); the gradient goes
// back through the same units; evaluation drops nothing; the stepped and the
// fast path agree bit for bit; stepping back restores the mask; a saved
// network continues bit for bit; bad fields are one-line errors.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/evaluate.hpp"
#include "engine/gradcheck.hpp"
#include "engine/stepper.hpp"
#include "engine/train.hpp"
#include "formats/scenario_io.hpp"
#include "formats/trace.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

// 3 → dense 4 relu → dropout p → dense 2 softmax, cross-entropy, batch 4.
std::string net_text(double p = 0.5, const std::string& optimizer = "") {
  return R"({"input_size": 3, "init": {"scheme": "xavier_uniform", "seed": 3},
    "layers": [{"size": 4, "activation": "relu", "bias": [0.1, 0.1, 0.1, 0.1]},
               {"type": "dropout", "p": )" + std::to_string(p) + R"(, "seed": 9},
               {"size": 2, "activation": "softmax"}],
    "loss": "cross_entropy", "learning_rate": 0.1, )" + optimizer + R"(
    "inputs": [[0.5, -1, 2], [1, 0.3, -0.2], [-0.7, 0.8, 0.1], [0.2, 0.2, 0.9]],
    "targets": [[1, 0], [0, 1], [1, 0], [0, 1]]})";
}

Scenario net(double p = 0.5, const std::string& optimizer = "") { return parse_scenario(net_text(p, optimizer), "net.json"); }

TEST(Dropout, TheMaskDropsUnitsAndScalesWhatItKeeps) {
  Stepper s(net());
  s.jump_to(s.op_count());
  const PassState& st = s.state();
  const Eigen::MatrixXd m = st.layers[1].mask;
  ASSERT_EQ(m.rows(), 4);
  ASSERT_EQ(m.cols(), 4);
  EXPECT_TRUE(((m.array() == 0.0) || (m.array() == 1.0)).all());
  EXPECT_GT(m.sum(), 0.0);
  EXPECT_LT(m.sum(), 16.0) << "p = 0.5 over 16 units dropped none";
  const Eigen::MatrixXd& x = st.layers[0].activation;
  const Eigen::MatrixXd& a = st.layers[1].activation;
  for (Eigen::Index b = 0; b < 4; ++b)
    for (Eigen::Index j = 0; j < 4; ++j) {
      EXPECT_EQ(a(b, j), x(b, j) * m(b, j) * 2.0);
      EXPECT_EQ(st.layers[0].grad_activation(b, j), st.layers[1].grad_activation(b, j) * m(b, j) * 2.0);
    }
  // The same file and step give the same mask; the next step another.
  Stepper again(net());
  again.jump_to(again.op_count());
  EXPECT_TRUE(test::bit_identical(again.state().layers[1].mask, m));
  ASSERT_TRUE(s.begin_next_step());
  s.jump_to(s.op_count());
  EXPECT_FALSE(test::bit_identical(s.state().layers[1].mask, m)) << "step 2 drew step 1's mask again";
}

TEST(Dropout, GradientsMatchAFiniteDifferenceWithTheMaskHeldFixed) {
  const GradCheckResult r = gradcheck(net());
  EXPECT_LT(r.max_relative_error, 1e-6);
}

TEST(Dropout, SteppedAndFastPathAgreeBitForBitOverSeveralSteps) {
  for (const std::string& optimizer : {std::string(""), std::string(R"("optimizer": {"name": "adam"},)")}) {
    Trainer fast(net(0.3, optimizer));
    Stepper stepped(net(0.3, optimizer));
    for (int step = 0; step < 5; ++step) {
      fast.step();
      stepped.jump_to(stepped.op_count());
      EXPECT_EQ(test::state_difference(fast.state(), stepped.state()), "") << optimizer << " step " << step;
      stepped.begin_next_step();
    }
  }
}

TEST(Dropout, StepBackRestoresTheMask) {
  Stepper s(net());
  s.jump_to(s.op_count());
  s.begin_next_step();
  const Eigen::MatrixXd before = s.state().layers[1].mask;  // step 1's
  s.jump_to(s.op_count());
  ASSERT_FALSE(test::bit_identical(s.state().layers[1].mask, before));
  s.jump_to(0);
  EXPECT_TRUE(test::bit_identical(s.state().layers[1].mask, before));
}

TEST(Dropout, SaveLoadContinueIsBitForBit) {
  Trainer straight(net());
  for (int k = 0; k < 6; ++k) straight.step();
  Trainer first(net());
  for (int k = 0; k < 3; ++k) first.step();
  Trainer second(parse_scenario(scenario_to_json(first.scenario()).dump(), "saved.json"));
  for (int k = 0; k < 3; ++k) second.step();
  EXPECT_EQ(test::state_difference(straight.state(), second.state()), "");
}

TEST(Dropout, EvaluationDropsNothing) {
  const Scenario sc = net(0.9);
  SetEvaluator eval(sc, sc.inputs, sc.targets);
  // The loss of the network without its dropout layer, as PyTorch's eval().
  Scenario plain = sc;
  plain.layers.erase(plain.layers.begin() + 1);
  EXPECT_EQ(eval.data_loss(sc), forward_loss(plain));
}

TEST(Dropout, TheTraceGivesEveryLayerItsTypeMaskAndGradA) {
  const nlohmann::json t = trace_json(net());
  ASSERT_EQ(t["layers"].size(), 3u);
  EXPECT_EQ(t["layers"][0]["type"], "dense");
  EXPECT_EQ(t["layers"][1]["type"], "dropout");
  EXPECT_EQ(t["layers"][1]["mask"].size(), 4u);
  for (const auto& layer : t["layers"]) EXPECT_TRUE(layer.contains("grad_a")) << layer.dump();
  // A network of dense layers keeps §3's fields only, as before.
  EXPECT_FALSE(trace_json(load_scenario(test::scenario_path("seed.json")))["layers"][0].contains("type"));
}

TEST(Dropout, ADropoutLayerHasNoUpdateOps) {
  const Scenario sc = net(0.5, R"("optimizer": {"name": "adam"},)");
  for (const Op& op : build_ops(sc)) {
    if (op.phase == Phase::Update) {
      EXPECT_NE(op.layer, 2) << op_kind_name(op.kind);
    }
  }
}

std::string error_of(const std::string& text) { return test::load_error(text); }

TEST(Dropout, BadFieldsAreOneLineErrors) {
  const std::string good = net_text();
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const std::string p = "\"p\": 0.500000";
  EXPECT_EQ(error_of(good), "");
  EXPECT_NE(error_of(with(p, "\"p\": 1")).find("layers[1].p: must be in [0, 1)"), std::string::npos);
  EXPECT_NE(error_of(with(p, "\"p\": -0.1")).find("layers[1].p"), std::string::npos);
  EXPECT_NE(error_of(with("\"seed\": 9", "\"seed\": -9")).find("layers[1].seed"), std::string::npos);
  EXPECT_NE(error_of(with(p, p + ", \"size\": 5")).find("layers[1].size: a dropout layer keeps its input's size"),
            std::string::npos);
  EXPECT_NE(error_of(with(p, p + ", \"weights\": [[1]]")).find("no weights"), std::string::npos);
  // The last layer is the output the loss reads.
  const std::string last = R"({"input_size": 2, "layers": [{"size": 2, "activation": "tanh", "weights": [[1, 0], [0, 1]]},
    {"type": "dropout", "p": 0.5}], "loss": "mse", "learning_rate": 0.1, "inputs": [[1, 2]], "targets": [[0, 1]]})";
  EXPECT_NE(error_of(last).find("layers[1].type: the last layer"), std::string::npos) << error_of(last);
  for (const std::string& e : {error_of(with(p, "\"p\": 1")), error_of(last)})
    EXPECT_EQ(e.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace bpv
