// A classifier's accuracy (formats.md §5, engine/evaluate.hpp): which
// networks are classifiers, the predicted class of one and of several
// outputs, and the fraction of a set they get right, counted by hand.
#include <gtest/gtest.h>

#include "engine/confusion.hpp"
#include "engine/evaluate.hpp"
#include "formats/scenario_io.hpp"

namespace bpv {
namespace {

// One input, one output a = f(x) with W = 1 and b = 0.
Scenario one_output(const std::string& activation, const std::string& targets, const std::string& loss) {
  return parse_scenario(R"({"input_size": 1, "layers": [{"size": 1, "activation": ")" + activation +
                            R"(", "weights": [[1]], "bias": [0]}], "loss": ")" + loss +
                            R"(", "learning_rate": 0.1, "inputs": [[-1], [2], [3], [-4], [0]], "targets": )" +
                            targets + "}",
                        "one.json");
}

TEST(Accuracy, OneSigmoidOutputIsClassOneFromOneHalf) {
  Scenario sc = one_output("sigmoid", "[[0], [1], [0], [0], [1]]", "binary_cross_entropy");
  const Classifier c = classifier_of(sc);
  ASSERT_TRUE(c.active);
  EXPECT_TRUE(c.one_output);
  SetEvaluator on(sc, sc.inputs, sc.targets);
  on.data_loss(sc);
  // x ≥ 0 gives o ≥ 0.5, class 1: predicted 0 1 1 0 1 against 0 1 0 0 1.
  EXPECT_DOUBLE_EQ(on.accuracy(c), 4.0 / 5.0);
}

TEST(Accuracy, OneTanhOutputIsClassOneFromZeroWithMinusOnePlusOneTargets) {
  Scenario sc = one_output("tanh", "[[-1], [1], [1], [1], [-1]]", "mse");
  const Classifier c = classifier_of(sc);
  ASSERT_TRUE(c.active);
  EXPECT_EQ(c.threshold, 0.0);
  SetEvaluator on(sc, sc.inputs, sc.targets);
  on.data_loss(sc);
  // predicted 0 1 1 0 1 (tanh 0 = 0 is class 1) against 0 1 1 1 0.
  EXPECT_DOUBLE_EQ(on.accuracy(c), 3.0 / 5.0);
}

TEST(Accuracy, OnlyClassTargetsMakeAClassifier) {
  EXPECT_FALSE(classifier_of(one_output("sigmoid", "[[0.2], [1], [0], [0], [1]]", "mse")).active);
  EXPECT_FALSE(classifier_of(one_output("tanh", "[[0], [1], [0], [0], [1]]", "mse")).active)
      << "tanh's classes are -1 and +1";
  EXPECT_FALSE(classifier_of(one_output("identity", "[[-1], [1], [1], [1], [-1]]", "mse")).active);
  EXPECT_TRUE(classifier_of(load_scenario(std::string(BPV_ASSETS_DIR) + "/scenarios/batch.json")).active);
  EXPECT_FALSE(classifier_of(load_scenario(std::string(BPV_ASSETS_DIR) + "/scenarios/regression_mse.json")).active);
}

TEST(Accuracy, SeveralOutputsPredictTheFirstLargest) {
  Classifier c;
  c.active = true;
  Eigen::MatrixXd out(3, 3);
  out << 0.2, 0.5, 0.3,  //
      0.4, 0.4, 0.2,     // a tie: the first
      0.1, 0.1, 0.8;
  EXPECT_EQ(c.predicted_class(out, 0), 1);
  EXPECT_EQ(c.predicted_class(out, 1), 0);
  EXPECT_EQ(c.predicted_class(out, 2), 2);
  Eigen::MatrixXd target(1, 3);
  target << 0, 0, 1;
  EXPECT_EQ(c.target_class(target, 0), 2);
}

TEST(Confusion, CountsEachTrueClassAgainstEachPredictedOneAndKeepsWhichRows) {
  Scenario sc = one_output("sigmoid", "[[0], [1], [0], [0], [1]]", "binary_cross_entropy");
  const std::optional<Confusion> c = confusion_matrix(sc, false);
  ASSERT_TRUE(c.has_value());
  ASSERT_EQ(c->classes, 2);
  // predicted 0 1 1 0 1 against true 0 1 0 0 1: rows 0, 3 right as 0; row 2 a 0 taken for a 1; rows 1, 4 right as 1.
  EXPECT_EQ(c->cells[0], (std::vector<int>{0, 3}));
  EXPECT_EQ(c->cells[1], (std::vector<int>{2}));
  EXPECT_TRUE(c->cells[2].empty());
  EXPECT_EQ(c->cells[3], (std::vector<int>{1, 4}));
  EXPECT_EQ(c->row_total(0), 3);
  EXPECT_EQ(c->total(), 5);
  EXPECT_EQ(c->right(), 4);  // the accuracy's 4 of 5
  // No test set: none to count.
  EXPECT_FALSE(confusion_matrix(sc, true).has_value());
  // A network that is no classifier has no confusion matrix.
  EXPECT_FALSE(confusion_matrix(one_output("identity", "[[0.3], [1], [0], [0], [1]]", "mse"), false).has_value());
}

}  // namespace
}  // namespace bpv
