// The data a scenario learns from (formats.md §5): a training set and a test
// set, generated (Playground's data sets) or given as rows; the input
// features computed from the raw inputs; how the training set is cut into
// mini-batches; and where training stands (progress).
//
// A scenario with a data set (has_data_set()) keeps the whole training set
// here, and Scenario::inputs / targets hold only the current mini-batch as
// the network sees it (features applied), written by the mini-batch op.
// Without one, Scenario::inputs / targets are the training set and the batch.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bpv {

// At most this many samples in a data set (the batch limit of §1 still holds
// for each mini-batch, and for the whole set when there is no batching).
inline constexpr int kMaxSamples = 65536;

// One generated data set: which, how many points, how noisy, from which seed.
struct DataGenerator {
  std::string name;         // circle, xor, gauss, spiral, moons, plane, multi_gauss
  int samples = 500;
  double noise = 0.0;       // [0, 0.5]
  std::uint64_t seed = 0;
  double test_fraction = 0.0;  // [0, 1): the last ⌊f·samples⌋ (after the shuffle) are the test set
  bool operator==(const DataGenerator&) const = default;
};

// The generators' names, classification first.
const std::vector<std::string>& generator_names();
bool is_regression(const std::string& generator);

// One input column the network sees, computed from the raw inputs x1, x2, …
struct Feature {
  enum class Kind { Raw, Square, Product, Sin };
  Kind kind = Kind::Raw;
  int a = 0;  // 0-based raw input
  int b = 0;  // Product: the second raw input
  bool operator==(const Feature&) const = default;
};
// "x1", "x1^2", "x1*x2", "sin(x1)" (the file's spelling) and back; parse
// returns nullopt on anything else.
std::string feature_name(const Feature& f);
std::optional<Feature> parse_feature(const std::string& text);
// x₁, x₁², x₁x₂, sin x₁: as the input layer is labelled.
std::string feature_label(const Feature& f);
// The raw inputs a feature list needs (1 + the largest index it names).
int raw_inputs_needed(const std::vector<Feature>& features);
// Playground's seven, in its order.
const std::vector<Feature>& playground_features();

struct Batching {
  int size = 1;
  bool shuffle = false;
  std::uint64_t seed = 0;
  bool operator==(const Batching&) const = default;
};

// Where the next training step starts (all from 0).
struct Progress {
  long long step = 0;           // training steps done so far
  long long epoch = 0;
  long long step_in_epoch = 0;
  bool operator==(const Progress&) const = default;
};

struct DataSet {
  std::optional<DataGenerator> generator;  // where the rows came from, if generated
  std::vector<Feature> features;           // empty: the raw inputs as they are
  std::optional<Batching> batching;        // none: every step takes the whole training set
  int raw_size = 0;                        // raw inputs per row
  // Rows as given or generated (raw inputs, before the features).
  Eigen::MatrixXd train_raw, train_targets;  // N rows; used only with has_data_set()
  Eigen::MatrixXd test_raw, test_targets;    // the test set; 0 rows: none
  // Whether the training set lives here and a mini-batch op picks each step's rows.
  bool active() const { return generator.has_value() || !features.empty() || batching.has_value(); }
  int train_rows() const { return static_cast<int>(train_raw.rows()); }
  bool has_test_set() const { return test_raw.rows() > 0; }
};

// The network's input columns for raw rows (features.empty(): a copy).
// `out` is resized only when its shape differs.
void compute_features(const std::vector<Feature>& features, const Eigen::MatrixXd& raw,
                      Eigen::MatrixXd& out);
void compute_features_row(const std::vector<Feature>& features, const Eigen::MatrixXd& raw, Eigen::Index row,
                          Eigen::MatrixXd& out, Eigen::Index out_row);

// The generated points: raw (samples × 2) and their targets shaped for an
// output layer of `outputs` neurons (`tanh_output`: one tanh neuron takes
// −1 / +1), shuffled from the seed; split per test_fraction. Throws
// std::invalid_argument with the problem ("a classification data set needs 1
// or 2 output neurons, the network has 3").
struct GeneratedData {
  Eigen::MatrixXd train_raw, train_targets, test_raw, test_targets;
};
GeneratedData generate_data(const DataGenerator& generator, int outputs, bool tanh_output);
// The class (0 or 1) or value of each point before targets are shaped:
// raw points (n × 2) and labels (n), in generation order, unshuffled.
void generate_points(const DataGenerator& generator, Eigen::MatrixXd& points, Eigen::VectorXd& labels);

}  // namespace bpv
