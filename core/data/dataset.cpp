#include "data/dataset.hpp"

#include <cmath>
#include <numbers>
#include <random>
#include <regex>
#include <stdexcept>

#include "engine/random.hpp"

namespace bpv {

// ---------------------------------------------------------------- [SECTION] features
namespace {

std::string sub(int k) {  // 0-based raw input → "₁"
  static const char* const digits[10] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
  std::string s, d = std::to_string(k + 1);
  for (char c : d) s += digits[c - '0'];
  return s;
}

double feature_value(const Feature& f, const Eigen::MatrixXd& raw, Eigen::Index r) {
  const double x = raw(r, f.a);
  switch (f.kind) {
    case Feature::Kind::Raw: return x;
    case Feature::Kind::Square: return x * x;
    case Feature::Kind::Product: return x * raw(r, f.b);
    case Feature::Kind::Sin: return std::sin(x);
  }
  return x;
}

}  // namespace

std::string feature_name(const Feature& f) {
  const std::string a = "x" + std::to_string(f.a + 1);
  switch (f.kind) {
    case Feature::Kind::Raw: return a;
    case Feature::Kind::Square: return a + "^2";
    case Feature::Kind::Product: return a + "*x" + std::to_string(f.b + 1);
    case Feature::Kind::Sin: return "sin(" + a + ")";
  }
  return a;
}

std::string feature_label(const Feature& f) {
  const std::string a = "x" + sub(f.a);
  switch (f.kind) {
    case Feature::Kind::Raw: return a;
    case Feature::Kind::Square: return a + "²";
    case Feature::Kind::Product: return a + "x" + sub(f.b);
    case Feature::Kind::Sin: return "sin " + a;
  }
  return a;
}

std::optional<Feature> parse_feature(const std::string& text) {
  static const std::regex raw(R"(x([1-9][0-9]{0,3}))"), square(R"(x([1-9][0-9]{0,3})\^2)"),
      product(R"(x([1-9][0-9]{0,3})\*x([1-9][0-9]{0,3}))"), sine(R"(sin\(x([1-9][0-9]{0,3})\))");
  std::smatch m;
  auto index = [&](int g) { return std::stoi(m[g].str()) - 1; };
  if (std::regex_match(text, m, raw)) return Feature{Feature::Kind::Raw, index(1), 0};
  if (std::regex_match(text, m, square)) return Feature{Feature::Kind::Square, index(1), 0};
  if (std::regex_match(text, m, product)) return Feature{Feature::Kind::Product, index(1), index(2)};
  if (std::regex_match(text, m, sine)) return Feature{Feature::Kind::Sin, index(1), 0};
  return std::nullopt;
}

int raw_inputs_needed(const std::vector<Feature>& features) {
  int n = 0;
  for (const Feature& f : features) {
    n = std::max(n, f.a + 1);
    if (f.kind == Feature::Kind::Product) n = std::max(n, f.b + 1);
  }
  return n;
}

const std::vector<Feature>& playground_features() {
  using K = Feature::Kind;
  static const std::vector<Feature> all{{K::Raw, 0, 0},    {K::Raw, 1, 0},     {K::Square, 0, 0},
                                        {K::Square, 1, 0}, {K::Product, 0, 1}, {K::Sin, 0, 0},
                                        {K::Sin, 1, 0}};
  return all;
}

void compute_features_row(const std::vector<Feature>& features, const Eigen::MatrixXd& raw, Eigen::Index row,
                          Eigen::MatrixXd& out, Eigen::Index out_row) {
  if (features.empty()) {
    out.row(out_row) = raw.row(row);
    return;
  }
  for (std::size_t c = 0; c < features.size(); ++c)
    out(out_row, static_cast<Eigen::Index>(c)) = feature_value(features[c], raw, row);
}

void compute_features(const std::vector<Feature>& features, const Eigen::MatrixXd& raw, Eigen::MatrixXd& out) {
  const Eigen::Index cols = features.empty() ? raw.cols() : static_cast<Eigen::Index>(features.size());
  if (out.rows() != raw.rows() || out.cols() != cols) out.resize(raw.rows(), cols);
  for (Eigen::Index r = 0; r < raw.rows(); ++r) compute_features_row(features, raw, r, out, r);
}

// ---------------------------------------------------------------- [SECTION] generators
// TensorFlow Playground's data sets (its src/dataset.ts), label +1 / −1 (or a
// value), drawn with our own random numbers. As in Playground, noise moves
// the points of gauss and spiral; for circle, xor, plane and multi_gauss it
// perturbs the point the label is computed from, so some labels flip.
namespace {

using Points = std::vector<std::array<double, 3>>;  // x1, x2, label

void circle(int n, double noise, std::mt19937_64& rng, Points& p) {
  const double radius = 5.0;
  auto label = [&](double x, double y) { return std::hypot(x, y) < radius * 0.5 ? 1.0 : -1.0; };
  const int inside = n / 2;
  for (int i = 0; i < n; ++i) {
    const bool in = i < inside;
    const double r = in ? uniform_between(rng, 0.0, radius * 0.5) : uniform_between(rng, radius * 0.7, radius);
    const double angle = uniform_between(rng, 0.0, 2.0 * std::numbers::pi);
    const double x = r * std::sin(angle), y = r * std::cos(angle);
    const double nx = uniform_between(rng, -radius, radius) * noise;
    const double ny = uniform_between(rng, -radius, radius) * noise;
    p.push_back({x, y, label(x + nx, y + ny)});
  }
}

// Each quadrant pair drawn for alternate points, so that without noise the
// two classes are exactly balanced (Playground draws the quadrant at random).
void xor_points(int n, double noise, std::mt19937_64& rng, Points& p) {
  const double padding = 0.3;
  for (int i = 0; i < n; ++i) {
    const double cls = i % 2 == 0 ? 1.0 : -1.0;
    const double sx = unit_uniform(rng) < 0.5 ? -1.0 : 1.0;
    const double sy = cls > 0 ? sx : -sx;
    const double x = sx * (uniform_between(rng, 0.0, 5.0) + padding);
    const double y = sy * (uniform_between(rng, 0.0, 5.0) + padding);
    const double nx = uniform_between(rng, -5.0, 5.0) * noise;
    const double ny = uniform_between(rng, -5.0, 5.0) * noise;
    p.push_back({x, y, (x + nx) * (y + ny) >= 0 ? 1.0 : -1.0});
  }
}

void gauss(int n, double noise, std::mt19937_64& rng, Points& p) {
  const double variance = 0.5 + (4.0 - 0.5) * (noise / 0.5);  // Playground's scale [0, 0.5] → [0.5, 4]
  const double sd = std::sqrt(variance);
  const int positives = n / 2;
  for (int i = 0; i < n; ++i) {
    const double c = i < positives ? 2.0 : -2.0;
    const double x = c + sd * standard_normal(rng);
    const double y = c + sd * standard_normal(rng);
    p.push_back({x, y, i < positives ? 1.0 : -1.0});
  }
}

void spiral(int n, double noise, std::mt19937_64& rng, Points& p) {
  const int half = n / 2;
  for (int arm = 0; arm < 2; ++arm) {
    const int count = arm == 0 ? half : n - half;
    const double delta_t = arm == 0 ? 0.0 : std::numbers::pi;
    for (int i = 0; i < count; ++i) {
      const double r = static_cast<double>(i) / count * 5.0;
      const double t = 1.75 * i / count * 2.0 * std::numbers::pi + delta_t;
      const double x = r * std::sin(t) + uniform_between(rng, -1.0, 1.0) * noise;
      const double y = r * std::cos(t) + uniform_between(rng, -1.0, 1.0) * noise;
      p.push_back({x, y, arm == 0 ? 1.0 : -1.0});
    }
  }
}

// scikit-learn's make_moons (outer moon class 0, inner class 1, Gaussian noise
// of standard deviation `noise`), scaled by 3 about its centre (0.5, 0.25).
void moons(int n, double noise, std::mt19937_64& rng, Points& p) {
  const int outer = n / 2, inner = n - outer;
  auto at = [](int i, int count) { return count > 1 ? std::numbers::pi * i / (count - 1) : 0.0; };
  for (int i = 0; i < n; ++i) {
    const bool is_outer = i < outer;
    const double t = is_outer ? at(i, outer) : at(i - outer, inner);
    double x = is_outer ? std::cos(t) : 1.0 - std::cos(t);
    double y = is_outer ? std::sin(t) : 1.0 - std::sin(t) - 0.5;
    if (noise > 0) {
      x += noise * standard_normal(rng);
      y += noise * standard_normal(rng);
    }
    p.push_back({3.0 * (x - 0.5), 3.0 * (y - 0.25), is_outer ? -1.0 : 1.0});
  }
}

void plane(int n, double noise, std::mt19937_64& rng, Points& p) {
  const double radius = 6.0;
  for (int i = 0; i < n; ++i) {
    const double x = uniform_between(rng, -radius, radius), y = uniform_between(rng, -radius, radius);
    const double nx = uniform_between(rng, -radius, radius) * noise;
    const double ny = uniform_between(rng, -radius, radius) * noise;
    p.push_back({x, y, (x + nx + y + ny) / 10.0});  // [−10, 10] → [−1, 1]
  }
}

void multi_gauss(int n, double noise, std::mt19937_64& rng, Points& p) {
  static const double centres[6][3] = {{-4, 2.5, 1}, {0, 2.5, -1}, {4, 2.5, 1},
                                       {-4, -2.5, -1}, {0, -2.5, 1}, {4, -2.5, -1}};
  auto label = [](double x, double y) {
    double best = 0.0;  // the Gaussian largest in absolute value
    for (const auto& c : centres) {
      const double v = c[2] * std::clamp(1.0 - std::hypot(x - c[0], y - c[1]) / 2.0, 0.0, 1.0);
      if (std::abs(v) > std::abs(best)) best = v;
    }
    return best;
  };
  const double radius = 6.0;
  for (int i = 0; i < n; ++i) {
    const double x = uniform_between(rng, -radius, radius), y = uniform_between(rng, -radius, radius);
    const double nx = uniform_between(rng, -radius, radius) * noise;
    const double ny = uniform_between(rng, -radius, radius) * noise;
    p.push_back({x, y, label(x + nx, y + ny)});
  }
}

using Generate = void (*)(int, double, std::mt19937_64&, Points&);
struct GeneratorEntry {
  const char* name;
  Generate generate;
  bool regression;
};
const GeneratorEntry kGenerators[] = {
    {"circle", circle, false}, {"xor", xor_points, false}, {"gauss", gauss, false},
    {"spiral", spiral, false}, {"moons", moons, false},    {"plane", plane, true},
    {"multi_gauss", multi_gauss, true},
};

const GeneratorEntry* find_generator(const std::string& name) {
  for (const GeneratorEntry& g : kGenerators)
    if (name == g.name) return &g;
  return nullptr;
}

}  // namespace

const std::vector<std::string>& generator_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const GeneratorEntry& g : kGenerators) v.push_back(g.name);
    return v;
  }();
  return names;
}

bool is_regression(const std::string& generator) {
  const GeneratorEntry* g = find_generator(generator);
  return g && g->regression;
}

void generate_points(const DataGenerator& gen, Eigen::MatrixXd& points, Eigen::VectorXd& labels) {
  const GeneratorEntry* g = find_generator(gen.name);
  if (!g) throw std::invalid_argument("unknown data set '" + gen.name + "'");
  std::mt19937_64 rng(mix_seed(gen.seed, 0));
  Points p;
  p.reserve(static_cast<std::size_t>(gen.samples));
  g->generate(gen.samples, gen.noise, rng, p);
  points.resize(static_cast<Eigen::Index>(p.size()), 2);
  labels.resize(static_cast<Eigen::Index>(p.size()));
  for (std::size_t k = 0; k < p.size(); ++k) {
    points(k, 0) = p[k][0];
    points(k, 1) = p[k][1];
    labels(k) = p[k][2];
  }
}

GeneratedData generate_data(const DataGenerator& gen, int outputs, bool tanh_output) {
  const bool regression = is_regression(gen.name);
  if (regression && outputs != 1)
    throw std::invalid_argument("a regression data set needs 1 output neuron, the network has " +
                                std::to_string(outputs));
  if (!regression && outputs != 1 && outputs != 2)
    throw std::invalid_argument("a classification data set needs 1 or 2 output neurons, the network has " +
                                std::to_string(outputs));
  Eigen::MatrixXd points;
  Eigen::VectorXd labels;
  generate_points(gen, points, labels);
  const Eigen::Index n = points.rows();
  // Shuffled from the seed (a stream of its own) before the split.
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  for (Eigen::Index k = 0; k < n; ++k) order[k] = k;
  std::mt19937_64 rng(mix_seed(gen.seed, 1));
  for (Eigen::Index k = n - 1; k > 0; --k)
    std::swap(order[k], order[uniform_index(rng, static_cast<std::uint64_t>(k) + 1)]);
  const Eigen::Index test = static_cast<Eigen::Index>(std::floor(gen.test_fraction * static_cast<double>(n)));
  const Eigen::Index train = n - test;
  GeneratedData d;
  d.train_raw.resize(train, 2);
  d.test_raw.resize(test, 2);
  d.train_targets.resize(train, outputs);
  d.test_targets.resize(test, outputs);
  for (Eigen::Index k = 0; k < n; ++k) {
    const bool is_train = k < train;
    Eigen::MatrixXd& raw = is_train ? d.train_raw : d.test_raw;
    Eigen::MatrixXd& y = is_train ? d.train_targets : d.test_targets;
    const Eigen::Index r = is_train ? k : k - train;
    raw.row(r) = points.row(order[k]);
    const double label = labels(order[k]);
    if (regression) {
      y(r, 0) = label;
    } else if (outputs == 2) {
      y(r, 0) = label > 0 ? 0.0 : 1.0;  // class 0 → [1, 0]; Playground's +1 is class 1
      y(r, 1) = label > 0 ? 1.0 : 0.0;
    } else {
      y(r, 0) = label > 0 ? 1.0 : (tanh_output ? -1.0 : 0.0);
    }
  }
  return d;
}

}  // namespace bpv
