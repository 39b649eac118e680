// Every malformed scenario is a ScenarioError whose message is
// "FILE: FIELD: problem" (formats.md §2): it names the file and the field.
// Nothing else may escape the loader, whatever the bytes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "test_helpers.hpp"

namespace bpv {
namespace {

// A valid 2-3-2 scenario; each case below replaces one piece of it.
std::string valid_net(const std::string& replace_from = "", const std::string& replace_to = "") {
  std::string text = R"({
  "name": "net",
  "input_size": 2,
  "layers": [
    {"size": 3, "activation": "tanh", "weights": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "bias": [0, 0, 0]},
    {"size": 2, "activation": "softmax", "weights": [[1, 2], [3, 4], [5, 6]], "bias": [0.5, 0.5]}
  ],
  "loss": "cross_entropy",
  "learning_rate": 0.1,
  "inputs": [[1, 2], [3, 4]],
  "targets": [[1, 0], [0, 1]]
})";
  if (!replace_from.empty()) {
    const auto at = text.find(replace_from);
    EXPECT_NE(at, std::string::npos) << replace_from;
    if (at != std::string::npos) text.replace(at, replace_from.size(), replace_to);
  }
  return text;
}

// The message, or "" when parsing succeeded. Anything but ScenarioError fails the test.
std::string error_of(const std::string& text, const std::string& source = "net.json") {
  try {
    parse_scenario(text, source);
  } catch (const ScenarioError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a ScenarioError: " << e.what();
    return "wrong exception";
  }
  return "";
}

// "net.json: FIELD: …" with the field exactly as given.
void expect_error_at(const std::string& text, const std::string& field, const std::string& problem = "") {
  const std::string message = error_of(text);
  ASSERT_FALSE(message.empty()) << "accepted; expected an error at " << field;
  EXPECT_EQ(message.rfind("net.json: " + field + ": ", 0), 0u) << message;
  if (!problem.empty()) {
    EXPECT_NE(message.find(problem), std::string::npos) << message;
  }
  EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
}

TEST(Malformed, TheValidBaseNetIsAccepted) { EXPECT_EQ(error_of(valid_net()), ""); }

TEST(Malformed, NotJson) {
  expect_error_at("{\"input_size\": 2,", "(document)", "not valid JSON");
  expect_error_at("input_size = 2", "(document)", "not valid JSON");
  expect_error_at(valid_net() + " trailing", "(document)", "not valid JSON");
}

TEST(Malformed, TopLevelNotAnObject) {
  expect_error_at("[1, 2, 3]", "(document)", "object");
  expect_error_at("42", "(document)", "object");
  expect_error_at("\"a string\"", "(document)", "object");
  expect_error_at("null", "(document)", "object");
}

TEST(Malformed, InputSizeMissingNegativeZeroOrNotAnInteger) {
  expect_error_at(valid_net("\"input_size\": 2,", ""), "input_size", "missing");
  expect_error_at(valid_net("\"input_size\": 2", "\"input_size\": -2"), "input_size");
  expect_error_at(valid_net("\"input_size\": 2", "\"input_size\": 0"), "input_size");
  expect_error_at(valid_net("\"input_size\": 2", "\"input_size\": 2.5"), "input_size", "integer");
  expect_error_at(valid_net("\"input_size\": 2", "\"input_size\": \"2\""), "input_size", "integer");
  expect_error_at(valid_net("\"input_size\": 2", "\"input_size\": 4097"), "input_size", "4096");
}

TEST(Malformed, InputShapeNotTwoPositiveIntegersOrNotTheInputSize) {
  auto with_shape = [](const std::string& shape) {
    return valid_net("\"input_size\": 2,", "\"input_size\": 2, \"input_shape\": " + shape + ",");
  };
  EXPECT_EQ(error_of(with_shape("[1, 2]")), "");
  EXPECT_EQ(error_of(with_shape("[2, 1]")), "");
  expect_error_at(with_shape("[2, 2]"), "input_shape", "input_size is 2");
  expect_error_at(with_shape("[2]"), "input_shape", "[rows, columns]");
  // [1, 1, 2] is formats.md §6's one-channel [C, H, W] (AnInputShapeOfOneChannelIsAnImage); four numbers are not.
  expect_error_at(with_shape("[1, 1, 1, 2]"), "input_shape", "[rows, columns]");
  expect_error_at(with_shape("\"1x2\""), "input_shape", "[rows, columns]");
  expect_error_at(with_shape("[0, 2]"), "input_shape[0]");
  expect_error_at(with_shape("[1, 2.5]"), "input_shape[1]", "integer");
}

TEST(Malformed, LayersMissingEmptyOrMoreThanSixteen) {
  const std::string no_layers = R"({"input_size": 2, "loss": "mse", "learning_rate": 0.1,
      "inputs": [[1, 2]], "targets": [[1]]})";
  expect_error_at(no_layers, "layers", "missing");
  expect_error_at(valid_net("\"layers\": [", "\"layers\": [], \"x\": ["), "layers", "got 0");
  expect_error_at(valid_net("\"layers\": [", "\"layers\": {\"a\": 1}, \"x\": ["), "layers", "array");
  std::string seventeen = R"({"input_size": 1, "layers": [)";
  for (int l = 0; l < 17; ++l)
    seventeen += std::string(l ? "," : "") + R"({"size": 1, "activation": "identity", "weights": [[1]]})";
  seventeen += R"(], "loss": "mse", "learning_rate": 0.1, "inputs": [[1]], "targets": [[1]]})";
  expect_error_at(seventeen, "layers", "got 17");
  // Sixteen is allowed.
  const std::string sixteen_layers = R"({"size": 1, "activation": "identity", "weights": [[1]]},)";
  std::string sixteen = seventeen;
  sixteen.erase(sixteen.find(sixteen_layers), sixteen_layers.size());
  EXPECT_EQ(error_of(sixteen), "");
}

TEST(Malformed, LayerSizeZeroOrAboveTheLimit) {
  expect_error_at(valid_net("{\"size\": 3,", "{\"size\": 0,"), "layers[0].size", "between 1 and 4096");
  expect_error_at(valid_net("{\"size\": 3,", "{\"size\": 4097,"), "layers[0].size", "between 1 and 4096");
  expect_error_at(valid_net("{\"size\": 3,", "{\"size\": 3.5,"), "layers[0].size", "integer");
  expect_error_at(valid_net("{\"size\": 3, ", "{"), "layers[0].size", "missing");
  expect_error_at(valid_net("\"layers\": [", "\"layers\": [7, "), "layers[0]", "object");
}

TEST(Malformed, UnknownActivationOrLoss) {
  expect_error_at(valid_net("\"activation\": \"softmax\"", "\"activation\": \"softplus\""),
                  "layers[1].activation", "unknown activation 'softplus'");
  expect_error_at(valid_net("\"activation\": \"tanh\"", "\"activation\": 3"), "layers[0].activation", "string");
  expect_error_at(valid_net("\"loss\": \"cross_entropy\"", "\"loss\": \"hinge\""), "loss", "unknown loss 'hinge'");
  expect_error_at(valid_net("\"loss\": \"cross_entropy\",", ""), "loss", "missing");
}

// "type" left out or "dense" is formats.md §1's layer (dropout: test_dropout.cpp);
// §6's kinds this version does not step yet are refused by name, never read as dense.
TEST(Malformed, ALayerTypeIsDenseOrRefusedByName) {
  EXPECT_EQ(error_of(valid_net("{\"size\": 3,", "{\"type\": \"dense\", \"size\": 3,")), "");
  // §6's kinds read their own fields: never a dense layer's.
  for (const char* shaped : {"conv2d", "max_pool", "avg_pool"})
    expect_error_at(valid_net("{\"size\": 3,", std::string("{\"type\": \"") + shaped + "\", \"size\": 3,"),
                    "layers[0].type", std::string("a ") + shaped + " layer needs an image below it");
  expect_error_at(valid_net("{\"size\": 3,", "{\"type\": \"batch_norm\", \"size\": 3,"), "layers[0]",
                  "a batch_norm layer's parameters are gamma and beta");
  expect_error_at(valid_net("{\"size\": 3,", "{\"type\": \"lstm\", \"size\": 3,"), "layers[0].type",
                  "unknown layer type 'lstm'");
  expect_error_at(valid_net("{\"size\": 3,", "{\"type\": 7, \"size\": 3,"), "layers[0].type", "string");
}

// formats.md §6's [C, H, W]: one channel is [H, W], a picture to paint;
// more are channels that conv layers read, and must multiply to input_size.
TEST(Malformed, AnInputShapeOfOneChannelIsAnImage) {
  const std::string base = valid_net("\"input_size\": 2,", "\"input_size\": 2, \"input_shape\": [1, 1, 2],");
  ASSERT_EQ(error_of(base), "");
  EXPECT_EQ(parse_scenario(base, "net.json").input_shape, (std::vector<int>{1, 2}));
  EXPECT_TRUE(parse_scenario(base, "net.json").image_input());
  const Scenario two = parse_scenario(valid_net("\"input_size\": 2,", "\"input_size\": 2, \"input_shape\": [2, 1, 1],"),
                                      "net.json");
  EXPECT_FALSE(two.image_input());
  EXPECT_EQ(two.input_image(), (Shape{2, 1, 1}));
  expect_error_at(valid_net("\"input_size\": 2,", "\"input_size\": 2, \"input_shape\": [2, 1, 2],"),
                  "input_shape", "2 x 1 x 2 = 4 values, but input_size is 2");
  expect_error_at(valid_net("\"input_size\": 2,", "\"input_size\": 2, \"input_shape\": [65, 1, 1],"),
                  "input_shape[0]", "must be between 1 and 64");
  expect_error_at(valid_net("\"input_size\": 2,", "\"input_size\": 2, \"input_shape\": [1, 1, 1, 2],"),
                  "input_shape", "expected [rows, columns] or [channels, rows, columns]");
}

TEST(Malformed, WeightsWithTheWrongNumberOfRowsGetTheExactMessage) {
  const std::string text = valid_net("[[1, 2], [3, 4], [5, 6]]", "[[1, 2], [3, 4]]");
  EXPECT_EQ(error_of(text), "net.json: layers[1].weights: expected 3 rows, got 2");
}

TEST(Malformed, WeightsWithTheWrongNumberOfColumns) {
  expect_error_at(valid_net("[[1, 2], [3, 4], [5, 6]]", "[[1, 2], [3, 4, 9], [5, 6]]"), "layers[1].weights[1]",
                  "expected 2 numbers, got 3");
  expect_error_at(valid_net("[[1, 2], [3, 4], [5, 6]]", "[[1, 2], 3, [5, 6]]"), "layers[1].weights[1]", "array");
  expect_error_at(valid_net("\"bias\": [0.5, 0.5]", "\"bias\": [0.5]"), "layers[1].bias", "expected 2 numbers, got 1");
}

TEST(Malformed, NonNumberCells) {
  expect_error_at(valid_net("[[1, 2], [3, 4], [5, 6]]", "[[1, 2], [3, \"4\"], [5, 6]]"), "layers[1].weights[1][1]",
                  "number");
  expect_error_at(valid_net("[[1, 2], [3, 4], [5, 6]]", "[[1, 2], [3, null], [5, 6]]"), "layers[1].weights[1][1]");
  expect_error_at(valid_net("\"bias\": [0, 0, 0]", "\"bias\": [0, true, 0]"), "layers[0].bias[1]", "number");
  expect_error_at(valid_net("\"inputs\": [[1, 2], [3, 4]]", "\"inputs\": [[1, 2], [3, [4]]]"), "inputs[1][1]");
  expect_error_at(valid_net("\"learning_rate\": 0.1", "\"learning_rate\": \"fast\""), "learning_rate", "number");
  expect_error_at(valid_net("\"learning_rate\": 0.1", "\"learning_rate\": -0.1"), "learning_rate", "negative");
}

TEST(Malformed, NumbersBeyondADoubleAreNotFinite) {
  expect_error_at(valid_net("[[1, 2], [3, 4], [5, 6]]", "[[1, 2], [3, 4], [5, 1e999]]"), "layers[1].weights[2][1]",
                  "finite");
  expect_error_at(valid_net("\"bias\": [0, 0, 0]", "\"bias\": [0, -1e999, 0]"), "layers[0].bias[1]", "finite");
  expect_error_at(valid_net("\"learning_rate\": 0.1", "\"learning_rate\": 1e400"), "learning_rate", "finite");
  expect_error_at(valid_net("\"targets\": [[1, 0], [0, 1]]", "\"targets\": [[1, 0], [0, 1e999]]"), "targets[1][1]",
                  "finite");
  expect_error_at("1e999", "(document)", "finite");
}

TEST(Malformed, InputsWithNoRowsOrTooManyRows) {
  expect_error_at(valid_net("\"inputs\": [[1, 2], [3, 4]]", "\"inputs\": []"), "inputs", "got 0");
  std::string many = "[";
  for (int r = 0; r < 4097; ++r) many += std::string(r ? "," : "") + "[1, 2]";
  many += "]";
  expect_error_at(valid_net("\"inputs\": [[1, 2], [3, 4]]", "\"inputs\": " + many), "inputs", "got 4097");
  expect_error_at(valid_net("\"inputs\": [[1, 2], [3, 4]]", "\"inputs\": [[1, 2], [3]]"), "inputs[1]",
                  "expected 2 numbers, got 1");
  expect_error_at(valid_net("\"inputs\": [[1, 2], [3, 4]],", ""), "inputs", "missing");
}

TEST(Malformed, TargetsThatDoNotMatchTheInputsOrTheOutput) {
  expect_error_at(valid_net("\"targets\": [[1, 0], [0, 1]]", "\"targets\": [[1, 0]]"), "targets",
                  "expected 2 rows, got 1");
  expect_error_at(valid_net("\"targets\": [[1, 0], [0, 1]]", "\"targets\": [[1, 0, 0], [0, 1, 0]]"), "targets[0]",
                  "expected 2 numbers, got 3");
  expect_error_at(valid_net("\"targets\": [[1, 0], [0, 1]]", "\"targets\": 5"), "targets", "array");
}

TEST(Malformed, BadInitBlock) {
  const std::string no_weights = valid_net(R"("weights": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], )", "");
  expect_error_at(no_weights, "layers[0].weights", "missing");
  expect_error_at(no_weights + "x", "(document)");
  auto with_init = [&](const std::string& init) {
    std::string t = no_weights;
    t.insert(t.find("\"name\""), "\"init\": " + init + ",\n");
    return t;
  };
  EXPECT_EQ(error_of(with_init(R"({"scheme": "xavier_uniform", "seed": 1})")), "");
  expect_error_at(with_init(R"({"scheme": "lecun", "seed": 1})"), "init.scheme", "unknown scheme 'lecun'");
  expect_error_at(with_init(R"({"seed": 1})"), "init.scheme", "missing");
  expect_error_at(with_init(R"({"scheme": "xavier_uniform", "seed": -1})"), "init.seed");
  expect_error_at(with_init(R"({"scheme": "xavier_uniform", "seed": 1.5})"), "init.seed");
  expect_error_at(with_init(R"({"scheme": "uniform", "high": 1})"), "init.low", "missing");
  expect_error_at(with_init(R"({"scheme": "uniform", "low": 2, "high": 1})"), "init.low");
  expect_error_at(with_init(R"({"scheme": "constant"})"), "init.value", "missing");
  expect_error_at(with_init(R"("xavier_uniform")"), "init", "object");
}

TEST(Malformed, DeeplyNestedArraysDoNotCrash) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  expect_error_at(deep, "(document)", "object");
  expect_error_at(valid_net("\"input_size\": 2", "\"input_size\": " + deep), "input_size");
  expect_error_at(valid_net("\"inputs\": [[1, 2], [3, 4]]", "\"inputs\": " + deep), "inputs[0]",
                  "expected 2 numbers, got 1");
  expect_error_at(valid_net("\"inputs\": [[1, 2], [3, 4]]", "\"inputs\": " + std::string(100000, '[')),
                  "(document)", "not valid JSON");
  const std::string deep_objects = [] {
    std::string s;
    for (int k = 0; k < 100000; ++k) s += "{\"a\":";
    return s + "1" + std::string(100000, '}');
  }();
  expect_error_at(valid_net("\"learning_rate\": 0.1", "\"learning_rate\": " + deep_objects), "learning_rate");
}

TEST(Malformed, EmptyFileAndWhitespace) {
  expect_error_at("", "(document)", "not valid JSON");
  expect_error_at("   \n\t ", "(document)", "not valid JSON");
}

TEST(Malformed, RandomGarbageBytesAreAnErrorNeverACrash) {
  std::mt19937_64 rng(2024);
  for (int trial = 0; trial < 500; ++trial) {
    std::string bytes(1 + rng() % 300, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
    const std::string message = error_of(bytes);
    EXPECT_EQ(message.rfind("net.json: ", 0), 0u) << "trial " << trial << ": " << message;
  }
}

TEST(Malformed, MutatedValidFilesAreEitherValidOrAScenarioError) {
  // Flip, delete or insert bytes of a valid file: every result is accepted or
  // rejected with a message naming the file, never anything else.
  const std::string base = valid_net();
  const char alphabet[] = "[]{},:\"0123456789.-eE truefalsnul\\\xff";
  std::mt19937_64 rng(7);
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string text = base;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % text.size();
      const char c = alphabet[rng() % (sizeof(alphabet) - 1)];
      switch (rng() % 3) {
        case 0: text[at] = c; break;
        case 1: text.erase(at, 1); break;
        default: text.insert(at, 1, c); break;
      }
    }
    const std::string message = error_of(text);
    if (message.empty()) continue;
    ++rejected;
    EXPECT_EQ(message.rfind("net.json: ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_GT(rejected, 1000);
}

// formats.md §4: the optimizer, the regularization and the optimizer state.
std::string with_extra(const std::string& extra) {
  return valid_net("\"learning_rate\": 0.1,", "\"learning_rate\": 0.1, " + extra + ",");
}

TEST(Malformed, OptimizerNameFieldsAndRanges) {
  EXPECT_EQ(error_of(with_extra(R"("optimizer": {"name": "adam", "beta1": 0.5, "amsgrad": true})")), "");
  EXPECT_EQ(error_of(with_extra(R"("optimizer": {"name": "sgd", "momentum": 0.9, "nesterov": true})")), "");
  expect_error_at(with_extra(R"("optimizer": "adam")"), "optimizer", "object");
  expect_error_at(with_extra(R"("optimizer": {"beta1": 0.9})"), "optimizer.name", "missing");
  expect_error_at(with_extra(R"("optimizer": {"name": "adagrad"})"), "optimizer.name", "unknown optimizer 'adagrad'");
  expect_error_at(with_extra(R"("optimizer": {"name": 3})"), "optimizer.name", "string");
  expect_error_at(with_extra(R"("optimizer": {"name": "sgd", "beta1": 0.9})"), "optimizer.beta1", "not a field of sgd");
  expect_error_at(with_extra(R"("optimizer": {"name": "adam", "weight_decay": 0.1})"), "optimizer.weight_decay",
                  "not a field of adam");
  expect_error_at(with_extra(R"("optimizer": {"name": "rmsprop", "amsgrad": true})"), "optimizer.amsgrad");
  expect_error_at(with_extra(R"("optimizer": {"name": "adam", "beta1": 1})"), "optimizer.beta1", "must be in [0, 1)");
  expect_error_at(with_extra(R"("optimizer": {"name": "adam", "beta2": -0.1})"), "optimizer.beta2", "must be in [0, 1)");
  expect_error_at(with_extra(R"("optimizer": {"name": "adam", "eps": 0})"), "optimizer.eps", "must be > 0");
  expect_error_at(with_extra(R"("optimizer": {"name": "adam", "eps": "small"})"), "optimizer.eps", "number");
  expect_error_at(with_extra(R"("optimizer": {"name": "sgd", "momentum": 1.0})"), "optimizer.momentum", "[0, 1)");
  expect_error_at(with_extra(R"("optimizer": {"name": "sgd", "momentum": 0.5, "dampening": 1.5})"),
                  "optimizer.dampening", "[0, 1]");
  expect_error_at(with_extra(R"("optimizer": {"name": "rmsprop", "alpha": 1})"), "optimizer.alpha", "[0, 1)");
  expect_error_at(with_extra(R"("optimizer": {"name": "adamw", "weight_decay": -1})"), "optimizer.weight_decay", "≥ 0");
  expect_error_at(with_extra(R"("optimizer": {"name": "sgd", "nesterov": true})"), "optimizer.nesterov", "momentum");
  expect_error_at(with_extra(R"("optimizer": {"name": "sgd", "momentum": 0.9, "dampening": 0.1, "nesterov": true})"),
                  "optimizer.nesterov", "dampening");
  expect_error_at(with_extra(R"("optimizer": {"name": "adam", "amsgrad": 1})"), "optimizer.amsgrad", "true or false");
  expect_error_at(with_extra(R"("optimizer": {"name": "rmsprop", "centered": "yes"})"), "optimizer.centered",
                  "true or false");
  expect_error_at(valid_net("\"learning_rate\": 0.1,", "\"learning_rate\": 0, \"optimizer\": {\"name\": \"adam\"},"),
                  "learning_rate", "> 0");
}

TEST(Malformed, RegularizationFields) {
  EXPECT_EQ(error_of(with_extra(R"("regularization": {"l2": 0.01, "l1": 0})")), "");
  expect_error_at(with_extra(R"("regularization": 0.01)"), "regularization", "object");
  expect_error_at(with_extra(R"("regularization": {"l2": -0.01})"), "regularization.l2", "≥ 0");
  expect_error_at(with_extra(R"("regularization": {"l1": -1})"), "regularization.l1", "≥ 0");
  expect_error_at(with_extra(R"("regularization": {"l1": true})"), "regularization.l1", "number");
  expect_error_at(with_extra(R"("regularization": {"l3": 1})"), "regularization.l3", "unknown");
}

TEST(Malformed, OptimizerStateShapesLayersTensorsAndT) {
  const std::string adam = R"("optimizer": {"name": "adam"}, )";
  const std::string good_layers =
      R"("layers": [{"weights": {"m": [[1, 2, 3], [4, 5, 6]]}, "bias": {"v": [1, 2, 3]}}, {"weights": {}, "bias": {}}])";
  EXPECT_EQ(error_of(with_extra(adam + R"("optimizer_state": {"t": 3, )" + good_layers + "}")), "");
  expect_error_at(with_extra(adam + R"("optimizer_state": [1])"), "optimizer_state", "object");
  expect_error_at(with_extra(adam + R"("optimizer_state": {"t": -1})"), "optimizer_state.t");
  expect_error_at(with_extra(adam + R"("optimizer_state": {"t": 1.5})"), "optimizer_state.t", "integer");
  expect_error_at(with_extra(adam + R"("optimizer_state": {"t": "1"})"), "optimizer_state.t", "integer");
  expect_error_at(with_extra(adam + R"("optimizer_state": {"step": 1})"), "optimizer_state.step", "unknown");
  expect_error_at(with_extra(adam + R"("optimizer_state": {"layers": [{}]})"), "optimizer_state.layers",
                  "expected 2 layers");
  expect_error_at(with_extra(adam + R"("optimizer_state": {"layers": {}})"), "optimizer_state.layers", "array");
  expect_error_at(with_extra(adam + R"("optimizer_state": {"layers": [{"weights": {"m": [[1, 2, 3]]}}, {}]})"),
                  "optimizer_state.layers[0].weights.m", "expected 2 rows, got 1");
  expect_error_at(with_extra(adam + R"("optimizer_state": {"layers": [{"bias": {"m": [1, 2]}}, {}]})"),
                  "optimizer_state.layers[0].bias.m", "expected 3 numbers, got 2");
  expect_error_at(with_extra(adam + R"("optimizer_state": {"layers": [{}, {"bias": {"velocity": [1, 2]}}]})"),
                  "optimizer_state.layers[1].bias.velocity", "does not keep velocity");
  expect_error_at(with_extra(adam + R"("optimizer_state": {"layers": [{}, {"bias": {"v_max": [1, 2]}}]})"),
                  "optimizer_state.layers[1].bias.v_max", "does not keep v_max");
  expect_error_at(with_extra(adam + R"("optimizer_state": {"layers": [{}, {"bias": {"q": [1, 2]}}]})"),
                  "optimizer_state.layers[1].bias.q", "unknown state tensor");
  expect_error_at(with_extra(adam + R"("optimizer_state": {"layers": [{}, {"gain": {}}]})"),
                  "optimizer_state.layers[1].gain", "unknown");
  expect_error_at(with_extra(adam + R"("optimizer_state": {"layers": [{}, {"bias": {"m": [1, 1e999]}}]})"),
                  "optimizer_state.layers[1].bias.m[1]", "finite");
  // Plain SGD keeps nothing.
  expect_error_at(with_extra(R"("optimizer_state": {"layers": [{"weights": {"m": [[1, 2, 3], [4, 5, 6]]}}, {}]})"),
                  "optimizer_state.layers[0].weights.m", "plain SGD");
}

TEST(Malformed, MissingFileAndDirectoryNameThePath) {
  const std::string missing = "/nonexistent-bpv-dir/none.json";
  try {
    load_scenario(missing);
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(missing + ": ", 0), 0u) << e.what();
  }
  const std::string dir = std::filesystem::temp_directory_path().string();
  try {
    load_scenario(dir);
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(dir + ": ", 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find("directory"), std::string::npos) << e.what();
  }
}

TEST(Malformed, LoadScenarioNamesTheFileInParseErrors) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("bpv-malformed-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".json");
  {
    std::ofstream out(path);
    out << valid_net("[[1, 2], [3, 4], [5, 6]]", "[[1, 2], [3, 4]]");
  }
  try {
    load_scenario(path.string());
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), path.string() + ": layers[1].weights: expected 3 rows, got 2");
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace bpv
