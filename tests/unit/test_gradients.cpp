// Analytic gradients of whole networks against central finite differences
// (core/engine/gradcheck.hpp, relative error ≤ 1e-6), for every activation × loss
// combination, on seeded random networks and batches.
//
// Placement: every activation is put in the first hidden layer, in the second
// hidden layer (after a different activation) and, where the loss allows it,
// as the output layer. cross_entropy and binary_cross_entropy need outputs in
// (0, 1), so their output layer is sigmoid or softmax (both are tried); mse
// takes any output activation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>

#include "engine/gradcheck.hpp"
#include "test_helpers.hpp"
#include "engine/train.hpp"

namespace bpv {
namespace {

using test::random_scenario;

// Finite differences straddling relu's kink at 0 measure neither slope; such
// draws say nothing about the engine, so they are drawn again.
bool away_from_kinks(const Scenario& sc) {
  Trainer t(sc);
  t.step();
  for (int l = 1; l <= sc.layer_count(); ++l) {
    const std::string_view name = sc.layers[l - 1].activation->name;
    if (name != "relu" && name != "leaky_relu") continue;
    if (t.state().layers[l - 1].pre_activation.cwiseAbs().minCoeff() < 1e-3) return false;
  }
  return true;
}

std::vector<const Activation*> output_activations_for(const Loss& loss, const Activation& act) {
  if (loss.name == "mse") return {&act};
  // The cross-entropies need outputs in (0, 1).
  if (act.name == "sigmoid" || act.name == "softmax") return {&act};
  return {find_activation("sigmoid"), find_activation("softmax")};
}

std::vector<std::string> activation_names() {
  std::vector<std::string> names;
  for (const Activation* a : all_activations()) names.emplace_back(a->name);
  return names;
}
std::vector<std::string> loss_names() {
  std::vector<std::string> names;
  for (const Loss* l : all_losses()) names.emplace_back(l->name);
  return names;
}

// Parameters are names (activation, loss), so test names and output read well.
class EveryActivationWithEveryLoss
    : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(EveryActivationWithEveryLoss, AnalyticGradientsMatchCentralDifferences) {
  const Activation& act = *find_activation(std::get<0>(GetParam()));
  const Loss& loss = *find_loss(std::get<1>(GetParam()));
  const auto& all = all_activations();
  const auto index_of = [](const auto& table, const auto* entry) {
    return static_cast<std::uint64_t>(std::find(table.begin(), table.end(), entry) - table.begin());
  };
  std::mt19937_64 rng(1000 + 10 * index_of(all, &act) + index_of(all_losses(), &loss));

  int checked = 0;
  for (const Activation* out : output_activations_for(loss, act)) {
    for (int trial = 0; trial < 3; ++trial) {
      // A different companion activation each trial, so `act` also follows others.
      const Activation* other = all[(trial * 2 + 1 + checked) % all.size()];
      if (other == &act) other = all[(trial * 2 + 2 + checked) % all.size()];
      const int batch = 1 + trial * 2;  // 1, 3, 5
      const std::vector<int> sizes{3, 4, 3, trial == 1 ? 1 : 3};
      const std::vector<const Activation*> layers{&act, other, out};
      const std::vector<const Activation*> layers_second{other, &act, out};
      for (const auto& acts : {layers, layers_second}) {
        if (acts.back()->name == "softmax" && sizes.back() == 1) continue;  // softmax of one is constant
        Scenario sc;
        do {
          sc = random_scenario(rng, sizes, acts, loss, batch);
        } while (!away_from_kinks(sc));
        const GradCheckResult r = gradcheck(sc);
        int params = 0;
        for (const Layer& l : sc.layers) params += static_cast<int>(l.weights.size() + l.bias.size());
        ASSERT_EQ(static_cast<int>(r.entries.size()), params);
        std::string where;
        if (r.worst >= 0) {
          const GradCheckEntry& e = r.entries[r.worst];
          where = "layer " + std::to_string(e.layer) + (e.is_bias ? " bias " : " weight ") +
                  std::to_string(e.row) + "," + std::to_string(e.col) + ": analytic " +
                  std::to_string(e.analytic) + ", numeric " + std::to_string(e.numeric);
        }
        EXPECT_LE(r.max_relative_error, kGradCheckTolerance)
            << acts[0]->name << "-" << acts[1]->name << "-" << acts[2]->name << " with " << loss.name
            << ", batch " << batch << "; worst " << where;
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 4);
}

INSTANTIATE_TEST_SUITE_P(
    AllCombinations, EveryActivationWithEveryLoss,
    ::testing::Combine(::testing::ValuesIn(activation_names()), ::testing::ValuesIn(loss_names())),
    [](const auto& info) { return std::get<0>(info.param) + "_" + std::get<1>(info.param); });

TEST(GradCheck, CoversTheSixActivationsAndThreeLosses) {
  EXPECT_EQ(all_activations().size(), 6u);
  EXPECT_EQ(all_losses().size(), 3u);
}

// gradcheck itself must be able to fail: an activation whose derivative is
// wrong by 1% (a table entry built here, outside the engine) is caught.
double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }
double sigmoid_derivative_off_by_one_percent(double, double a) { return 1.01 * a * (1.0 - a); }
const Activation kWrongSigmoid{"wrong_sigmoid", "σ?", sigmoid, sigmoid_derivative_off_by_one_percent,
                               "wrong", nullptr, nullptr};  // no batched loops: f, df per element

TEST(GradCheck, ReportsAnActivationWhoseDerivativeIsWrong) {
  std::mt19937_64 rng(5);
  Scenario sc = random_scenario(rng, {3, 4, 2}, {&kWrongSigmoid, find_activation("sigmoid")},
                                test::loss("mse"), 2);
  const GradCheckResult r = gradcheck(sc);
  EXPECT_GT(r.max_relative_error, 1e-3);
  ASSERT_GE(r.worst, 0);
  EXPECT_EQ(r.entries[r.worst].layer, 1);  // only the first layer sits behind the wrong derivative
}

TEST(GradCheck, EveryAssetScenarioPasses) {
  for (const char* file : {"seed.json", "seed_cross_entropy.json", "xor.json", "deep_sigmoid.json",
                           "batch.json", "regression_mse.json"}) {
    const GradCheckResult r = gradcheck(load_scenario(test::scenario_path(file)));
    EXPECT_LE(r.max_relative_error, kGradCheckTolerance) << file;
  }
}

}  // namespace
}  // namespace bpv
