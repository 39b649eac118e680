// The seed's errata (core/teaching/errata.hpp): every number the blog publishes is
// compared with the engine's value for the same formula, and flagged exactly
// when they differ by more than one unit of the blog's last printed digit.
// Checked here against (a) the engine computed independently in the test,
// (b) the known_slips the JSON lists, and (c) the forward numbers that the
// blog gets right up to its rounding (tests/unit/test_seed_forward.cpp).
// test_blog_slips.cpp proves the engine right on each slip; this file proves
// the comparison finds them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "teaching/errata.hpp"
#include "formats/scenario_io.hpp"
#include "engine/stepper.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

std::string published_path() { return test::assets_dir() + "/lessons/errata/published-values.json"; }

class SeedErrata : public ::testing::Test {
 protected:
  void SetUp() override {
    errata_ = load_seed_errata(published_path());
    for (const ErrataRow& r : errata_.rows) by_label_[r.label] = &r;
  }
  const ErrataRow& row(const std::string& label) {
    EXPECT_TRUE(by_label_.count(label)) << label;
    return *by_label_.at(label);
  }
  bool flagged(const std::string& label) { return row(label).flagged; }
  Errata errata_;
  std::map<std::string, const ErrataRow*> by_label_;
};

TEST_F(SeedErrata, EveryPublishedNumberIsComparedOnce) {
  // 6 forward vectors, 6 backward vectors, 6 backward 3×3 matrices.
  EXPECT_EQ(errata_.rows.size(), 6u * 3 + 6u * 3 + 6u * 9);
  for (const ErrataRow& r : errata_.rows) {
    EXPECT_GT(r.unit, 0.0) << r.label;
    EXPECT_FALSE(r.symbol.empty()) << r.label;
    EXPECT_EQ(r.flagged, r.diff() > r.unit) << r.label;  // the flag is the comparison and nothing else
    EXPECT_EQ(r.flagged, !r.reason.empty()) << r.label;
  }
}

TEST_F(SeedErrata, TheUnitIsOneDigitOfTheNumberAsPrintedTrailingZerosIncluded) {
  EXPECT_EQ(row("dO_out_dO_in_diagonal[1]").printed, "0.2040");
  EXPECT_DOUBLE_EQ(row("dO_out_dO_in_diagonal[1]").unit, 1e-4);
  EXPECT_DOUBLE_EQ(row("h2_in[2]").unit, 1e-3);
  EXPECT_DOUBLE_EQ(row("dh1_out_dh1_in[0]").unit, 0.1);  // "1.0"
  EXPECT_DOUBLE_EQ(row("W_ij_after[0][0]").unit, 1e-8);
}

TEST_F(SeedErrata, EngineColumnIsTheEnginesOwnValue) {
  Stepper st(load_scenario(test::scenario_path("seed.json")));
  st.jump_to(st.op_count());
  const PassState& s = st.state();
  for (int j = 0; j < 3; ++j) {
    const std::string J = "[" + std::to_string(j) + "]";
    EXPECT_EQ(row("h2_in" + J).engine, s.layers[1].pre_activation(0, j));
    EXPECT_EQ(row("O_out" + J).engine, s.layers[2].activation(0, j));
    EXPECT_EQ(row("dE_dO_out" + J).engine, s.layers[2].grad_activation(0, j));
    EXPECT_EQ(row("dE_dh1_out" + J).engine, s.layers[0].grad_activation(0, j));
    for (int i = 0; i < 3; ++i) {
      const std::string IJ = "[" + std::to_string(i) + "]" + J;
      EXPECT_EQ(row("dW_kl" + IJ).engine, s.layers[2].grad_weights(i, j));
      EXPECT_EQ(row("W_ij_after" + IJ).engine, s.scenario.layers[0].weights(i, j));
    }
  }
}

TEST_F(SeedErrata, ForwardNumbersWithinTheBlogsRoundingStayUnflagged) {
  for (const char* q : {"h1_in", "h1_out", "h2_out"})
    for (int j = 0; j < 3; ++j) EXPECT_FALSE(flagged(std::string(q) + "[" + std::to_string(j) + "]")) << q << j;
  EXPECT_FALSE(flagged("h2_in[0]"));  // 2.731 printed as 2.73
  EXPECT_FALSE(flagged("h2_in[1]"));
  for (int j = 0; j < 3; ++j) EXPECT_FALSE(flagged("dh1_out_dh1_in[" + std::to_string(j) + "]"));
}

// Each known slip that is about published numbers, and what the comparison must find there.
TEST_F(SeedErrata, EveryKnownSlipAboutANumberIsFlaggedForTheRightReason) {
  ASSERT_EQ(errata_.known_slips.size(), 8u);
  // "h2_in[2] is published as 4.001; … = 4.004."
  EXPECT_TRUE(flagged("h2_in[2]"));
  EXPECT_EQ(row("h2_in[2]").known_slip, errata_.known_slips[0]);
  // "h2_out is rounded to three decimals before layer 3, so O_in and O_out differ …"
  for (const char* q : {"O_in", "O_out"})
    for (int j = 0; j < 3; ++j) {
      const ErrataRow& r = row(std::string(q) + "[" + std::to_string(j) + "]");
      EXPECT_TRUE(r.flagged) << r.label;
      EXPECT_EQ(r.reason.rfind("rounding carried forward", 0), 0u) << r.label << ": " << r.reason;
      EXPECT_EQ(r.known_slip, errata_.known_slips[1]) << r.label;
      EXPECT_LT(r.diff(), 4e-3) << r.label;  // the bound of test_seed_forward.cpp
    }
  // "dE/dO_out does not follow from the blog's own loss …; the sign … is also flipped"
  for (int j = 0; j < 3; ++j) {
    EXPECT_TRUE(flagged("dE_dO_out[" + std::to_string(j) + "]"));
    EXPECT_EQ(row("dE_dO_out[" + std::to_string(j) + "]").known_slip, errata_.known_slips[3]);
  }
  EXPECT_EQ(row("dE_dO_out[1]").reason.rfind("a sign", 0), 0u) << row("dE_dO_out[1]").reason;
  EXPECT_EQ(row("dE_dO_out[2]").reason.rfind("a sign", 0), 0u);
  // "Only the diagonal of the softmax Jacobian is used … The third diagonal value is published as 0.3685"
  EXPECT_TRUE(flagged("dO_out_dO_in_diagonal[2]"));
  EXPECT_EQ(row("dO_out_dO_in_diagonal[2]").known_slip, errata_.known_slips[4]);
  EXPECT_FALSE(flagged("dO_out_dO_in_diagonal[1]"));
  for (int i = 0; i < 3; ++i)
    for (int j : {0, 2}) {
      const ErrataRow& r = row("dW_kl[" + std::to_string(i) + "][" + std::to_string(j) + "]");
      EXPECT_TRUE(r.flagged);
      EXPECT_EQ(r.reason.rfind("a dropped Jacobian term", 0), 0u) << r.label << ": " << r.reason;
    }
  // "dW_kl's middle column uses -0.301 where the blog's own dE/dO_out2 is -1.4755."
  for (int i = 0; i < 3; ++i) {
    const ErrataRow& r = row("dW_kl[" + std::to_string(i) + "][1]");
    EXPECT_TRUE(r.flagged);
    EXPECT_EQ(r.known_slip, errata_.known_slips[5]);
    EXPECT_NE(r.reason.find("diagonal applied twice"), std::string::npos) << r.reason;
  }
  // "dE/dh1_out uses only one weight per neuron … instead of summing"
  for (int j = 0; j < 3; ++j) {
    const ErrataRow& r = row("dE_dh1_out[" + std::to_string(j) + "]");
    EXPECT_TRUE(r.flagged);
    EXPECT_EQ(r.reason.rfind("a missing sum", 0), 0u) << r.reason;
    EXPECT_EQ(r.known_slip, errata_.known_slips[6]);
  }
}

TEST_F(SeedErrata, NumbersComputedCorrectlyFromEarlierSlipsSayWhereTheSlipCameFrom) {
  // The blog's ∂L/∂W¹ is x·(its own ∂L/∂h1): right arithmetic, wrong input.
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const ErrataRow& r = row("dW_ij[" + std::to_string(i) + "][" + std::to_string(j) + "]");
      EXPECT_TRUE(r.flagged);
      EXPECT_EQ(r.reason, "follows from the slip in dE_dh1_out (this step itself is right)");
    }
  // σ′ from the rounded h2_out: rounding carried forward, not a slip.
  for (int j = 0; j < 3; ++j)
    EXPECT_EQ(row("dh2_out_dh2_in[" + std::to_string(j) + "]").reason.rfind("rounding carried forward", 0), 0u);
}

TEST(ErrataFile, TheShippedCopyIsTheSharedSeedFile) {
  const std::filesystem::path shared =
      std::filesystem::path(test::assets_dir()) / "../../shared/seed/published-values.json";
  if (!std::filesystem::exists(shared)) GTEST_SKIP() << "no ../shared beside the checkout";
  EXPECT_EQ(nlohmann::json::parse(read_text_file(shared.string())),
            nlohmann::json::parse(read_text_file(published_path())));
}

TEST(ErrataFile, TheNetworkBlockIsTheSeedScenario) {
  const auto doc = nlohmann::json::parse(read_text_file(published_path()));
  const Scenario published = published_network(doc["network"], "published-values.json");
  const Scenario seed = seed_scenario();
  for (int l = 0; l < 3; ++l) {
    EXPECT_EQ(published.layers[l].weights, seed.layers[l].weights);
    EXPECT_EQ(published.layers[l].bias, seed.layers[l].bias);
    EXPECT_EQ(published.layers[l].activation, seed.layers[l].activation);
  }
  EXPECT_EQ(published.inputs, seed.inputs);
  EXPECT_EQ(published.targets, seed.targets);
  EXPECT_EQ(published.learning_rate, seed.learning_rate);
}

TEST(ErrataFile, ABrokenFileIsOneLineNamingTheField) {
  auto doc = nlohmann::json::parse(read_text_file(published_path()));
  doc["network"]["input"] = {0.1, 0.2};
  try {
    seed_errata(doc.dump(), "p.json");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(), "p.json: network.input: expected 3 numbers");
  }
}

}  // namespace
}  // namespace bpv
