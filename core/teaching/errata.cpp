#include "teaching/errata.hpp"

#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "engine/describe.hpp"
#include "formats/scenario_io.hpp"
#include "engine/stepper.hpp"

namespace bpv {
namespace {

using nlohmann::json;
using Matrix = Eigen::MatrixXd;

// ---------------------------------------------------------------- the numbers as printed
// nlohmann keeps a number as a double, which forgets "0.2040"'s last zero; the
// SAX interface still sees the text, so the printed digits come from there.
class PrintedNumbers : public nlohmann::json_sax<json> {
 public:
  std::map<std::string, std::string> text;  // "backward.dW_kl[1][2]" → "-0.5849"

  bool null() override { return element(); }
  bool boolean(bool) override { return element(); }
  bool number_integer(number_integer_t v) override { return record(std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) override { return record(std::to_string(v)); }
  bool number_float(number_float_t, const string_t& s) override { return record(s); }
  bool string(string_t&) override { return element(); }
  bool binary(binary_t&) override { return element(); }
  bool start_object(std::size_t) override { element(); frames_.push_back({false, -1, {}}); return true; }
  bool key(string_t& k) override { frames_.back().key = k; return true; }
  bool end_object() override { frames_.pop_back(); return true; }
  bool start_array(std::size_t) override { element(); frames_.push_back({true, -1, {}}); return true; }
  bool end_array() override { frames_.pop_back(); return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  struct Frame {
    bool is_array;
    long long index;
    std::string key;
  };
  bool element() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
    return true;
  }
  bool record(const std::string& s) {
    element();
    std::string path;
    for (const Frame& f : frames_) {
      if (f.is_array) {
        path += '[';
        path += std::to_string(f.index);
        path += ']';
      } else {
        if (!path.empty()) path += '.';
        path += f.key;
      }
    }
    text[path] = s;
    return true;
  }
  std::vector<Frame> frames_;
};

// One unit of the last printed digit: "0.2040" → 1e-4, "1.0" → 0.1, "4" → 1.
double unit_of(const std::string& printed) {
  std::string mantissa = printed;
  int exponent = 0;
  if (const auto e = printed.find_first_of("eE"); e != std::string::npos) {
    mantissa = printed.substr(0, e);
    exponent = std::stoi(printed.substr(e + 1));
  }
  const auto dot = mantissa.find('.');
  const int decimals = dot == std::string::npos ? 0 : static_cast<int>(mantissa.size() - dot - 1);
  return std::pow(10.0, exponent - decimals);
}

// ---------------------------------------------------------------- one world of numbers
// Every published quantity by its key: either the blog's printed numbers or
// the engine's. The formulas below run on either.
using World = std::map<std::string, Matrix>;

Matrix sigmoid(const Matrix& z) { return (1.0 + (-z.array()).exp()).inverse().matrix(); }
Matrix softmax(const Matrix& z) {
  const Eigen::ArrayXXd e = (z.array() - z.maxCoeff()).exp();
  return (e / e.sum()).matrix();
}
Matrix times(const Matrix& a, const Matrix& b) { return a.cwiseProduct(b); }
Matrix one_minus(const Matrix& a) { return (1.0 - a.array()).matrix(); }

// δ = ∂L/∂z of softmax from ∂L/∂o through the whole Jacobian: δⱼ = Σᵢ gᵢ oᵢ (1[i=j] − oⱼ).
Matrix softmax_delta(const Matrix& g, const Matrix& o) {
  const double dot = (g.array() * o.array()).sum();
  return (o.array() * (g.array() - dot)).matrix();
}

struct Network {  // the fixed part: what the blog starts from
  Matrix x, y, W1, W2, W3, b1, b2, b3;
  double lr = 0.01;
};

// A check: how a quantity follows from the quantities before it.
struct Check {
  std::string key;
  std::vector<std::string> alternates;  // how known_slips may spell it
  std::vector<std::string> inputs;      // the quantities the formula reads
  std::function<Matrix(const Network&, const World&)> formula;  // the correct formula
  // Slip models: each recomputes the quantity the way a known kind of slip would.
  std::vector<std::pair<std::string, std::function<Matrix(const Network&, const World&)>>> slips;
};

std::vector<Check> checks() {
  using W = World;
  using N = Network;
  auto dropped_jacobian = std::string(
      "a dropped Jacobian term: only the diagonal oⱼ(1−oⱼ) of the softmax Jacobian is used, "
      "the off-diagonal −oᵢoⱼ are missing");
  auto decimal_down = std::string("a shifted decimal: W moved by η·∂L/∂W ÷ 10 instead of η·∂L/∂W");
  auto decimal_up = std::string("a shifted decimal: W moved by η·∂L/∂W × 10 instead of η·∂L/∂W");
  auto update = [](const Matrix N::*w, const char* grad) {
    return [w, grad](const N& n, const W& q) -> Matrix { return n.*w - n.lr * q.at(grad); };
  };
  auto update_scaled = [](const Matrix N::*w, const char* grad, double scale) {
    return [w, grad, scale](const N& n, const W& q) -> Matrix { return n.*w - scale * n.lr * q.at(grad); };
  };
  return {
      {"h1_in", {}, {}, [](const N& n, const W&) -> Matrix { return n.x * n.W1 + n.b1; }, {}},
      {"h1_out", {}, {"h1_in"}, [](const N&, const W& q) -> Matrix { return q.at("h1_in").cwiseMax(0.0); }, {}},
      {"h2_in", {}, {"h1_out"}, [](const N& n, const W& q) -> Matrix { return q.at("h1_out") * n.W2 + n.b2; }, {}},
      {"h2_out", {}, {"h2_in"}, [](const N&, const W& q) { return sigmoid(q.at("h2_in")); }, {}},
      {"O_in", {}, {"h2_out"}, [](const N& n, const W& q) -> Matrix { return q.at("h2_out") * n.W3 + n.b3; }, {}},
      {"O_out", {}, {"O_in"}, [](const N&, const W& q) { return softmax(q.at("O_in")); }, {}},
      {"dE_dO_out", {"dE/dO_out"}, {"O_out"},
       [](const N& n, const W& q) -> Matrix {
         const Matrix& o = q.at("O_out");
         return (-n.y.array() / o.array() + (1.0 - n.y.array()) / (1.0 - o.array())).matrix();
       },
       {}},
      {"dO_out_dO_in_diagonal", {"diagonal"}, {"O_out"},
       [](const N&, const W& q) { return times(q.at("O_out"), one_minus(q.at("O_out"))); }, {}},
      {"dW_kl", {}, {"h2_out", "dE_dO_out", "O_out"},
       [](const N&, const W& q) -> Matrix {
         return q.at("h2_out").transpose() * softmax_delta(q.at("dE_dO_out"), q.at("O_out"));
       },
       {{dropped_jacobian,
         [](const N&, const W& q) -> Matrix {
           return q.at("h2_out").transpose() * times(q.at("dE_dO_out"), q.at("dO_out_dO_in_diagonal"));
         }},
        {"the Jacobian's diagonal applied twice: δ³ⱼ = ∂L/∂oⱼ·oⱼ(1−oⱼ) used where ∂L/∂oⱼ belongs",
         [](const N&, const W& q) -> Matrix {
           const Matrix& d = q.at("dO_out_dO_in_diagonal");
           return q.at("h2_out").transpose() * times(times(q.at("dE_dO_out"), d), d);
         }}}},
      {"W_kl_after", {}, {"dW_kl"}, update(&N::W3, "dW_kl"), {{decimal_down, update_scaled(&N::W3, "dW_kl", 0.1)}, {decimal_up, update_scaled(&N::W3, "dW_kl", 10.0)}}},
      {"dh2_out_dh2_in", {"dh2_out/dh2_in"}, {"h2_out"},
       [](const N&, const W& q) { return times(q.at("h2_out"), one_minus(q.at("h2_out"))); }, {}},
      {"dE_dh2_out", {"dE/dh2_out"}, {"dE_dO_out", "O_out"},
       [](const N& n, const W& q) -> Matrix {
         return softmax_delta(q.at("dE_dO_out"), q.at("O_out")) * n.W3.transpose();
       },
       {{dropped_jacobian, [](const N& n, const W& q) -> Matrix {
           return times(q.at("dE_dO_out"), q.at("dO_out_dO_in_diagonal")) * n.W3.transpose();
         }}}},
      {"dW_jk", {}, {"h1_out", "dE_dh2_out", "dh2_out_dh2_in"},
       [](const N&, const W& q) -> Matrix {
         return q.at("h1_out").transpose() * times(q.at("dE_dh2_out"), q.at("dh2_out_dh2_in"));
       },
       {}},
      {"W_jk_after", {}, {"dW_jk"}, update(&N::W2, "dW_jk"), {{decimal_down, update_scaled(&N::W2, "dW_jk", 0.1)}, {decimal_up, update_scaled(&N::W2, "dW_jk", 10.0)}}},
      {"dh1_out_dh1_in", {"dh1_out/dh1_in"}, {"h1_in"},
       [](const N&, const W& q) -> Matrix { return (q.at("h1_in").array() > 0.0).cast<double>().matrix(); }, {}},
      {"dE_dh1_out", {"dE/dh1_out"}, {"dE_dh2_out", "dh2_out_dh2_in"},
       [](const N& n, const W& q) -> Matrix {
         return times(q.at("dE_dh2_out"), q.at("dh2_out_dh2_in")) * n.W2.transpose();
       },
       {{"a missing sum: each ∂L/∂h1ᵢ takes one weight W²ᵢᵢ instead of Σⱼ δ²ⱼ·W²ᵢⱼ over layer 2",
         [](const N& n, const W& q) -> Matrix {
           return times(times(q.at("dE_dh2_out"), q.at("dh2_out_dh2_in")), n.W2.diagonal().transpose());
         }}}},
      {"dW_ij", {}, {"dE_dh1_out", "dh1_out_dh1_in"},
       [](const N& n, const W& q) -> Matrix {
         return n.x.transpose() * times(q.at("dE_dh1_out"), q.at("dh1_out_dh1_in"));
       },
       {}},
      {"W_ij_after", {}, {"dW_ij"}, update(&N::W1, "dW_ij"), {{decimal_down, update_scaled(&N::W1, "dW_ij", 0.1)}, {decimal_up, update_scaled(&N::W1, "dW_ij", 10.0)}}},
  };
}

// The engine's value of every quantity: the stepper run through the whole
// step on the blog's network. The three ∂out/∂in factors are the activation's
// derivative at the engine's own z and a (softmax: the Jacobian's diagonal).
World engine_world(const Scenario& sc) {
  Stepper st(sc);
  st.jump_to(st.op_count());
  const PassState& ps = st.state();
  auto L = [&](int l) -> const LayerState& { return ps.layers[static_cast<std::size_t>(l - 1)]; };
  auto slope = [&](int l) {
    Matrix d = L(l).pre_activation;
    const Activation& act = *sc.layers[static_cast<std::size_t>(l - 1)].activation;
    for (Eigen::Index j = 0; j < d.cols(); ++j)
      d(0, j) = act.elementwise() ? act.df(L(l).pre_activation(0, j), L(l).activation(0, j))
                                  : L(l).activation(0, j) * (1.0 - L(l).activation(0, j));
    return d;
  };
  return {{"h1_in", L(1).pre_activation},       {"h1_out", L(1).activation},
          {"h2_in", L(2).pre_activation},       {"h2_out", L(2).activation},
          {"O_in", L(3).pre_activation},        {"O_out", L(3).activation},
          {"dE_dO_out", L(3).grad_activation},  {"dO_out_dO_in_diagonal", slope(3)},
          {"dW_kl", L(3).grad_weights},         {"W_kl_after", ps.scenario.layers[2].weights},
          {"dh2_out_dh2_in", slope(2)},         {"dE_dh2_out", L(2).grad_activation},
          {"dW_jk", L(2).grad_weights},         {"W_jk_after", ps.scenario.layers[1].weights},
          {"dh1_out_dh1_in", slope(1)},         {"dE_dh1_out", L(1).grad_activation},
          {"dW_ij", L(1).grad_weights},         {"W_ij_after", ps.scenario.layers[0].weights}};
}

// The app's notation for element (i, j) of a quantity (describe.hpp).
std::string app_symbol(const std::string& key, int i, int j) {
  const std::string J = subscript(j + 1);
  if (key == "h1_in") return "z¹" + J;
  if (key == "h1_out") return "h1" + J;
  if (key == "h2_in") return "z²" + J;
  if (key == "h2_out") return "h2" + J;
  if (key == "O_in") return "z³" + J;
  if (key == "O_out") return "o" + J;
  if (key == "dE_dO_out") return "∂L/∂o" + J;
  if (key == "dO_out_dO_in_diagonal") return "∂o" + J + "/∂z³" + J;
  if (key == "dW_kl") return "∂L/∂" + weight_symbol(3, i, j);
  if (key == "W_kl_after") return weight_symbol(3, i, j) + " after";
  if (key == "dh2_out_dh2_in") return "σ′(z²" + J + ")";
  if (key == "dE_dh2_out") return "∂L/∂h2" + J;
  if (key == "dW_jk") return "∂L/∂" + weight_symbol(2, i, j);
  if (key == "W_jk_after") return weight_symbol(2, i, j) + " after";
  if (key == "dh1_out_dh1_in") return "ReLU′(z¹" + J + ")";
  if (key == "dE_dh1_out") return "∂L/∂h1" + J;
  if (key == "dW_ij") return "∂L/∂" + weight_symbol(1, i, j);
  if (key == "W_ij_after") return weight_symbol(1, i, j) + " after";
  return key;
}

// Whether `line` names `word` as a whole token ("O_out" is not in "dE/dO_out").
std::size_t find_token(const std::string& line, const std::string& word) {
  auto inner = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t p = line.find(word); p != std::string::npos; p = line.find(word, p + 1)) {
    const bool left = p == 0 || !(inner(line[p - 1]) || line[p - 1] == '/');
    const bool right = p + word.size() >= line.size() || !inner(line[p + word.size()]);
    if (left && right) return p;
  }
  return std::string::npos;
}

// The first known slip that names this element: by its key (or a spelling of
// it), narrowed by "key[n]", "middle column" or "third" where the line says so.
std::string matching_slip(const std::vector<std::string>& slips, const Check& c, int j) {
  std::vector<std::string> names{c.key};
  names.insert(names.end(), c.alternates.begin(), c.alternates.end());
  for (const std::string& line : slips)
    for (const std::string& name : names) {
      const std::size_t p = find_token(line, name);
      if (p == std::string::npos) continue;
      const std::size_t after = p + name.size();
      if (after < line.size() && line[after] == '[') {
        if (std::atoi(line.c_str() + after + 1) != j) continue;
      } else if (line.find(name + "'s middle column") != std::string::npos && j != 1) {
        continue;
      } else if (line.find("third " + name) != std::string::npos && j != 2) {
        continue;
      }
      return line;
    }
  return "";
}

std::string number_text(double v, int significant) { return format_number(v, significant); }

// Significant digits of a printed number, plus one: enough to show how it differs.
int digits_of(const std::string& printed) {
  int n = 0;
  bool leading = true;
  for (char ch : printed) {
    if (ch == 'e' || ch == 'E') break;
    if (!std::isdigit(static_cast<unsigned char>(ch))) continue;
    if (leading && ch == '0') continue;
    leading = false;
    ++n;
  }
  return std::max(3, n + 1);
}

}  // namespace

double ErrataRow::diff() const { return std::abs(published - engine); }

int Errata::flagged_count() const {
  int n = 0;
  for (const ErrataRow& r : rows) n += r.flagged ? 1 : 0;
  return n;
}

Scenario published_network(const json& net, const std::string& source) {
  auto fail = [&](const std::string& field, const std::string& problem) {
    throw ScenarioError(source + ": network." + field + ": " + problem);
  };
  auto matrix = [&](const char* key, int rows) {
    if (!net.contains(key) || !net[key].is_array() || net[key].size() != 3)
      fail(key, rows == 1 ? "expected 3 numbers" : "expected 3 rows of 3 numbers");
    Matrix m(rows, 3);
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < 3; ++c) {
        const json& row = rows == 1 ? net[key] : net[key][r];
        if (!row.is_array() || row.size() != 3) fail(key, "expected rows of 3 numbers");
        const json& v = row[c];
        if (!v.is_number()) fail(key, "expected numbers");
        m(r, c) = v.get<double>();
      }
    return m;
  };
  Scenario sc;
  sc.name = "Seed example (3-3-3-3), as published";
  sc.input_size = 3;
  if (!net.contains("activations") || !net["activations"].is_array() || net["activations"].size() != 3)
    fail("activations", "expected three activation names");
  const char* weights[3] = {"W_ij", "W_jk", "W_kl"};
  if (!net.contains("biases") || !net["biases"].is_number()) fail("biases", "expected one number");
  for (int l = 0; l < 3; ++l) {
    Layer layer;
    const json& a = net["activations"][l];
    layer.activation = a.is_string() ? find_activation(a.get<std::string>()) : nullptr;
    if (!layer.activation) fail("activations[" + std::to_string(l) + "]", "unknown activation");
    layer.weights = matrix(weights[l], 3);
    layer.bias = Matrix::Constant(1, 3, net["biases"].get<double>());
    sc.layers.push_back(layer);
  }
  sc.loss = find_loss("binary_cross_entropy");  // the blog's own formula (loss_formula)
  if (!net.contains("learning_rate") || !net["learning_rate"].is_number()) fail("learning_rate", "missing");
  sc.learning_rate = net["learning_rate"].get<double>();
  sc.inputs = matrix("input", 1);
  sc.targets = matrix("target", 1);
  return sc;
}

Errata seed_errata(const std::string& text, const std::string& source) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    throw ScenarioError(source + ": (document): not valid JSON");
  }
  PrintedNumbers printed;
  json::sax_parse(text, &printed);
  if (!doc.is_object() || !doc.contains("network")) throw ScenarioError(source + ": network: missing");
  const Scenario sc = published_network(doc["network"], source);

  Network n;
  n.x = sc.inputs;
  n.y = sc.targets;
  n.W1 = sc.layers[0].weights;
  n.W2 = sc.layers[1].weights;
  n.W3 = sc.layers[2].weights;
  n.b1 = sc.layers[0].bias;
  n.b2 = sc.layers[1].bias;
  n.b3 = sc.layers[2].bias;
  n.lr = sc.learning_rate;

  Errata out;
  if (doc.contains("known_slips") && doc["known_slips"].is_array())
    for (const json& s : doc["known_slips"])
      if (s.is_string()) out.known_slips.push_back(s.get<std::string>());

  const World engine = engine_world(sc);
  World blog;  // the published numbers, quantity by quantity
  std::map<std::string, std::string> section_of;
  for (const char* section : {"forward", "backward"}) {
    if (!doc.contains(section) || !doc[section].is_object())
      throw ScenarioError(source + ": " + section + ": missing");
    for (auto it = doc[section].begin(); it != doc[section].end(); ++it) {
      const json& v = it.value();
      const bool matrix = v.is_array() && !v.empty() && v[0].is_array();
      Matrix m(matrix ? static_cast<Eigen::Index>(v.size()) : 1, 3);
      for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (int c = 0; c < 3; ++c) {
          const json& x = matrix ? v[r][c] : v[c];
          if (!x.is_number())
            throw ScenarioError(source + ": " + section + "." + it.key() + ": expected numbers");
          m(r, c) = x.get<double>();
        }
      blog[it.key()] = m;
      section_of[it.key()] = section;
    }
  }

  // A quantity "has a slip" once any of its elements is off for a reason
  // other than rounding; what reads it then carries that slip.
  std::set<std::string> slipped;
  for (const Check& c : checks()) {
    const auto found = blog.find(c.key);
    if (found == blog.end()) continue;  // the file may publish fewer quantities
    const Matrix& p = found->second;
    const Matrix& e = engine.at(c.key);
    if (p.rows() != e.rows() || p.cols() != e.cols())
      throw ScenarioError(source + ": " + section_of[c.key] + "." + c.key + ": expected " +
                          std::to_string(e.rows()) + "×" + std::to_string(e.cols()) + " numbers");
    bool inputs_known = true;
    for (const std::string& in : c.inputs) inputs_known = inputs_known && blog.count(in);
    const Matrix on_blog = inputs_known ? c.formula(n, blog) : e;
    std::vector<Matrix> models;
    for (const auto& [why, model] : c.slips) models.push_back(inputs_known ? model(n, blog) : e);
    std::string upstream_slips, upstream_rounded;
    for (const std::string& in : c.inputs) {
      if (slipped.count(in)) upstream_slips += (upstream_slips.empty() ? "" : ", ") + in;
      const auto b = blog.find(in);
      if (b != blog.end() && b->second != engine.at(in))
        upstream_rounded += (upstream_rounded.empty() ? "" : ", ") + in;
    }
    const bool is_matrix = p.rows() > 1;
    for (Eigen::Index i = 0; i < p.rows(); ++i)
      for (Eigen::Index j = 0; j < p.cols(); ++j) {
        ErrataRow r;
        r.quantity = c.key;
        r.row = is_matrix ? static_cast<int>(i) : -1;
        r.col = static_cast<int>(j);
        const std::string index = is_matrix ? "[" + std::to_string(i) + "][" + std::to_string(j) + "]"
                                            : "[" + std::to_string(j) + "]";
        r.label = c.key + index;
        r.symbol = app_symbol(c.key, static_cast<int>(i), static_cast<int>(j));
        const auto pt = printed.text.find(section_of[c.key] + "." + c.key + index);
        r.printed = pt != printed.text.end() ? pt->second : number_text(p(i, j), 6);
        r.published = p(i, j);
        r.engine = e(i, j);
        r.unit = unit_of(r.printed);
        r.flagged = r.diff() > r.unit;
        if (r.flagged) {
          const int sig = digits_of(r.printed);
          auto near = [&](double v) { return std::abs(r.published - v) <= r.unit; };
          const double b = on_blog(i, j);
          std::string model_reason;
          for (std::size_t k = 0; k < models.size() && model_reason.empty(); ++k)
            if (near(models[k](i, j))) model_reason = c.slips[k].first;
          if (near(b)) {
            if (!upstream_slips.empty()) {
              r.reason = "follows from the slip in " + upstream_slips + " (this step itself is right)";
              slipped.insert(c.key);
            } else {
              r.reason = "rounding carried forward: the same formula on the blog's rounded " +
                         (upstream_rounded.empty() ? std::string("inputs") : upstream_rounded) + " gives " +
                         number_text(b, sig);
            }
          } else if (!model_reason.empty()) {
            r.reason = model_reason;
            slipped.insert(c.key);
          } else if (upstream_slips.empty() && b * r.published < 0.0) {
            r.reason = "a sign: the formula on the blog's own numbers gives " + number_text(b, sig);
            slipped.insert(c.key);
          } else {
            r.reason = "does not follow from the blog's own numbers: they give " + number_text(b, sig);
            if (!models.empty())
              r.reason += " (" + number_text(models[0](i, j), sig) + " with " +
                          c.slips[0].first.substr(0, c.slips[0].first.find(':')) + ")";
            slipped.insert(c.key);
          }
          r.known_slip = matching_slip(out.known_slips, c, static_cast<int>(j));
        }
        out.rows.push_back(std::move(r));
      }
  }
  return out;
}

Errata load_seed_errata(const std::string& path) { return seed_errata(read_text_file(path), path); }

json errata_json(const Errata& errata) {
  json rows = json::array();
  for (const ErrataRow& r : errata.rows)
    rows.push_back({{"quantity", r.quantity},
                    {"label", r.label},
                    {"symbol", r.symbol},
                    {"printed", r.printed},
                    {"published", r.published},
                    {"engine", r.engine},
                    {"diff", r.diff()},
                    {"unit", r.unit},
                    {"flagged", r.flagged},
                    {"reason", r.reason},
                    {"known_slip", r.known_slip}});
  return {{"flagged", errata.flagged_count()}, {"rows", std::move(rows)}};
}

}  // namespace bpv
