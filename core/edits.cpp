#include "edits.hpp"

#include <cmath>

#include "describe.hpp"
#include "optimizer.hpp"
#include "scenario_io.hpp"

namespace bpv {
namespace {

std::string check_finite(double v) { return std::isfinite(v) ? "" : "the value must be a finite number"; }

bool in(int v, int lo, int hi) { return v >= lo && v < hi; }

// Rows `at` of m removed / a row inserted; the same for columns.
Eigen::MatrixXd without_row(const Eigen::MatrixXd& m, int at) {
  Eigen::MatrixXd out(m.rows() - 1, m.cols());
  out << m.topRows(at), m.bottomRows(m.rows() - at - 1);
  return out;
}
Eigen::MatrixXd without_col(const Eigen::MatrixXd& m, int at) {
  Eigen::MatrixXd out(m.rows(), m.cols() - 1);
  out << m.leftCols(at), m.rightCols(m.cols() - at - 1);
  return out;
}

// Draws for new connections: the init scheme's distribution for that shape,
// from a stream of the seed that depends on the layer and the new size, so
// the same edit on the same network gives the same numbers.
Eigen::MatrixXd fresh(const Scenario& sc, int rows, int cols, int fan_in, int fan_out, int layer,
                      int salt, bool bias) {
  const Eigen::MatrixXd full = bias ? init_bias(sc.init, cols, init_stream(sc.init.seed + salt, layer, true))
                                    : init_weights(sc.init, fan_in, fan_out, init_stream(sc.init.seed + salt, layer, false));
  return full.topLeftCorner(rows, cols);
}

std::string add_neuron(Scenario& sc, int l) {
  if (!in(l, 0, sc.layer_count())) return "a neuron can be added to the input or a hidden layer, not the output (it must match the targets)";
  const int n = sc.width(l);
  if (n >= kMaxNeurons) return "a layer has at most " + std::to_string(kMaxNeurons) + " neurons";
  const int salt = n + 1;
  if (l == 0) {
    sc.inputs.conservativeResize(Eigen::NoChange, n + 1);
    sc.inputs.col(n).setZero();
    sc.input_size = n + 1;
  } else {
    Layer& layer = sc.layers[l - 1];
    layer.weights.conservativeResize(Eigen::NoChange, n + 1);
    layer.weights.col(n) = fresh(sc, layer.fan_in(), 1, layer.fan_in(), n + 1, l, salt, false).col(0);
    layer.bias.conservativeResize(Eigen::NoChange, n + 1);
    layer.bias(0, n) = fresh(sc, 1, 1, 1, n + 1, l, salt, true)(0, 0);
  }
  Layer& next = sc.layers[l];
  next.weights.conservativeResize(n + 1, Eigen::NoChange);
  next.weights.row(n) = fresh(sc, 1, next.size(), n + 1, next.size(), l + 1, salt, false).row(0);
  return "";
}

std::string remove_neuron(Scenario& sc, int l, int j) {
  if (!in(l, 0, sc.layer_count())) return "neurons can be removed from the input or a hidden layer, not the output";
  if (!in(j, 0, sc.width(l))) return "no such neuron";
  if (sc.width(l) == 1) return "a layer needs at least one neuron";
  if (l == 0) {
    sc.inputs = without_col(sc.inputs, j);
    sc.input_size -= 1;
  } else {
    Layer& layer = sc.layers[l - 1];
    layer.weights = without_col(layer.weights, j);
    layer.bias = without_col(layer.bias, j);
  }
  sc.layers[l].weights = without_row(sc.layers[l].weights, j);
  return "";
}

struct Applier {
  Scenario& sc;

  std::string operator()(const edit::SetWeight& e) {
    if (!in(e.layer, 1, sc.layer_count() + 1)) return "no such layer";
    Layer& layer = sc.layers[e.layer - 1];
    if (!in(e.row, 0, layer.fan_in()) || !in(e.col, 0, layer.size())) return "no such weight";
    if (auto err = check_finite(e.value); !err.empty()) return err;
    layer.weights(e.row, e.col) = e.value;
    return "";
  }
  std::string operator()(const edit::SetBias& e) {
    if (!in(e.layer, 1, sc.layer_count() + 1) || !in(e.col, 0, sc.width(e.layer))) return "no such bias";
    if (auto err = check_finite(e.value); !err.empty()) return err;
    sc.layers[e.layer - 1].bias(0, e.col) = e.value;
    return "";
  }
  std::string operator()(const edit::SetInput& e) {
    if (!in(e.example, 0, sc.batch_size()) || !in(e.col, 0, sc.input_size)) return "no such input";
    if (auto err = check_finite(e.value); !err.empty()) return err;
    sc.inputs(e.example, e.col) = e.value;
    return "";
  }
  std::string operator()(const edit::SetTarget& e) {
    if (!in(e.example, 0, sc.batch_size()) || !in(e.col, 0, sc.output_size())) return "no such target";
    if (auto err = check_finite(e.value); !err.empty()) return err;
    sc.targets(e.example, e.col) = e.value;
    return "";
  }
  std::string operator()(const edit::AddExample& e) {
    if (sc.batch_size() >= kMaxBatch) return "a batch has at most " + std::to_string(kMaxBatch) + " examples";
    if (!in(e.copy_of, 0, sc.batch_size())) return "no such example";
    const int b = sc.batch_size();
    sc.inputs.conservativeResize(b + 1, Eigen::NoChange);
    sc.inputs.row(b) = sc.inputs.row(e.copy_of);
    sc.targets.conservativeResize(b + 1, Eigen::NoChange);
    sc.targets.row(b) = sc.targets.row(e.copy_of);
    return "";
  }
  std::string operator()(const edit::RemoveExample& e) {
    if (!in(e.example, 0, sc.batch_size())) return "no such example";
    if (sc.batch_size() == 1) return "the batch needs at least one example";
    sc.inputs = without_row(sc.inputs, e.example);
    sc.targets = without_row(sc.targets, e.example);
    return "";
  }
  std::string operator()(const edit::SetLearningRate& e) {
    if (auto err = check_finite(e.value); !err.empty()) return err;
    if (e.value < 0) return "the learning rate must not be negative";
    // The loader's rule: a file with an optimizer needs η > 0.
    if (e.value == 0 && !sc.optimizer.name.empty()) return "the learning rate must be > 0 with an optimizer";
    sc.learning_rate = e.value;
    return "";
  }
  std::string operator()(const edit::SetLoss& e) {
    const Loss* loss = find_loss(e.name);
    if (!loss) return "unknown loss '" + e.name + "'";
    sc.loss = loss;
    return "";
  }
  std::string operator()(const edit::SetActivation& e) {
    if (!in(e.layer, 1, sc.layer_count() + 1)) return "no such layer";
    const Activation* act = find_activation(e.name);
    if (!act) return "unknown activation '" + e.name + "'";
    sc.layers[e.layer - 1].activation = act;
    return "";
  }
  std::string operator()(const edit::AddNeuron& e) { return add_neuron(sc, e.layer); }
  std::string operator()(const edit::RemoveNeuron& e) { return remove_neuron(sc, e.layer, e.index); }
  std::string operator()(const edit::AddLayer& e) {
    if (sc.layer_count() >= kMaxLayers) return "a network has at most " + std::to_string(kMaxLayers) + " layers";
    if (!in(e.after, 0, sc.layer_count())) return "a layer can be added before the output layer only";
    if (!in(e.size, 1, kMaxNeurons + 1)) return "a layer has 1 to " + std::to_string(kMaxNeurons) + " neurons";
    const Activation* act = find_activation(e.activation);
    if (!act) return "unknown activation '" + e.activation + "'";
    const int l = e.after + 1, fan_in = sc.width(e.after);
    Layer layer;
    layer.activation = act;
    layer.weights = fresh(sc, fan_in, e.size, fan_in, e.size, l, 1000 + e.size, false);
    layer.bias = fresh(sc, 1, e.size, 1, e.size, l, 1000 + e.size, true);
    // The layer after it now takes e.size inputs.
    Layer& next = sc.layers[e.after];
    next.weights = fresh(sc, e.size, next.size(), e.size, next.size(), l + 1, 1000 + e.size, false);
    sc.layers.insert(sc.layers.begin() + e.after, std::move(layer));
    return "";
  }
  std::string operator()(const edit::RemoveLayer& e) {
    if (!in(e.layer, 1, sc.layer_count())) return "only a hidden layer can be removed";
    const int fan_in = sc.width(e.layer - 1);
    Layer& next = sc.layers[e.layer];
    next.weights = fresh(sc, fan_in, next.size(), fan_in, next.size(), e.layer, 2000 + fan_in, false);
    sc.layers.erase(sc.layers.begin() + (e.layer - 1));
    return "";
  }
  std::string operator()(const edit::Reinitialize& e) {
    const InitSpec& init = e.init;
    if (init.scheme != "xavier_uniform" && init.scheme != "he_normal" && init.scheme != "uniform" && init.scheme != "constant")
      return "unknown init scheme '" + init.scheme + "'";
    if (!std::isfinite(init.low) || !std::isfinite(init.high) || !std::isfinite(init.value) || init.low > init.high)
      return "the init parameters must be finite, with low ≤ high";
    sc.init = init;
    sc.has_init = true;
    for (int l = 1; l <= sc.layer_count(); ++l) {
      Layer& layer = sc.layers[l - 1];
      layer.weights = init_weights(init, layer.fan_in(), layer.size(), init_stream(init.seed, l, false));
      layer.bias = init_bias(init, layer.size(), init_stream(init.seed, l, true));
    }
    return "";
  }
  std::string operator()(const edit::Rename& e) {
    sc.name = e.name;
    sc.description = e.description;
    return "";
  }
  std::string operator()(const edit::SetOptimizer& e) {
    std::string field;
    if (auto err = optimizer_problem(e.spec, field); !err.empty()) return field + ": " + err;
    if (!e.spec.name.empty() && !(sc.learning_rate > 0))
      return "the learning rate must be > 0 with an optimizer (set η first)";
    const bool same_kind = optimizer_kind(sc.optimizer) == optimizer_kind(e.spec);
    sc.optimizer = file_spec(e.spec);
    if (!same_kind) sc.optimizer_state = OptimizerState{};
    conform_optimizer_state(sc);
    return "";
  }
  std::string operator()(const edit::SetRegularization& e) {
    std::string field;
    if (auto err = regularization_problem(e.reg, field); !err.empty()) return field + ": " + err;
    sc.regularization = e.reg;
    return "";
  }

  // "" (no optimizer in the file) and "sgd" are the same optimizer.
  static std::string_view optimizer_kind(const OptimizerSpec& spec) {
    return spec.name.empty() ? std::string_view("sgd") : std::string_view(spec.name);
  }
};

// "β₁ = 0.95", "amsgrad on": the fields the edit changes, or the optimizer's
// name when it changes (or nothing does).
std::string optimizer_label(const OptimizerSpec& now, const OptimizerSpec& next) {
  const std::string name = next.name.empty() ? "sgd" : next.name;
  const Optimizer* optimizer = find_optimizer(name);
  if ((now.name.empty() ? "sgd" : now.name) != name || !optimizer) return "optimizer = " + name;
  std::string changed;
  for (const OptimizerField& f : optimizer->fields) {
    std::string part;
    if (f.number && now.*f.number != next.*f.number)
      part = std::string(field_symbol(f.name)) + " = " + format_number(next.*f.number);
    if (f.flag && now.*f.flag != next.*f.flag) part = std::string(f.name) + (next.*f.flag ? " on" : " off");
    if (!part.empty()) changed += (changed.empty() ? "" : ", ") + part;
  }
  return changed.empty() ? "optimizer = " + name : changed;
}

std::string regularization_label(const Regularization& now, const Regularization& next) {
  std::string changed;
  if (now.l2 != next.l2) changed = "L2 λ = " + format_number(next.l2);
  if (now.l1 != next.l1) changed += (changed.empty() ? "" : ", ") + std::string("L1 λ = ") + format_number(next.l1);
  if (!next.active()) return "no regularization";
  return changed.empty() ? "regularization" : changed;
}

}  // namespace

std::string apply_edit(Scenario& scenario, const Edit& e) {
  // Structural edits work on a copy so a refusal half-way leaves no trace.
  if (is_value_edit(e)) return std::visit(Applier{scenario}, e);
  Scenario copy = scenario;
  std::string err = std::visit(Applier{copy}, e);
  // The loader's resource bounds hold for edited networks too, so an edit can
  // never make a network that could not be saved and opened again.
  if (err.empty()) err = resource_problem(copy);
  if (err.empty()) scenario = std::move(copy);
  return err;
}

bool is_value_edit(const Edit& e) {
  return std::holds_alternative<edit::SetWeight>(e) || std::holds_alternative<edit::SetBias>(e) ||
         std::holds_alternative<edit::SetInput>(e) || std::holds_alternative<edit::SetTarget>(e) ||
         std::holds_alternative<edit::SetLearningRate>(e);
}

double edited_value(const Scenario& sc, const Edit& e) {
  if (auto* w = std::get_if<edit::SetWeight>(&e)) return sc.layers[w->layer - 1].weights(w->row, w->col);
  if (auto* b = std::get_if<edit::SetBias>(&e)) return sc.layers[b->layer - 1].bias(0, b->col);
  if (auto* x = std::get_if<edit::SetInput>(&e)) return sc.inputs(x->example, x->col);
  if (auto* y = std::get_if<edit::SetTarget>(&e)) return sc.targets(y->example, y->col);
  if (std::holds_alternative<edit::SetLearningRate>(e)) return sc.learning_rate;
  return 0.0;
}

std::string edit_label(const Scenario& sc, const Edit& e) {
  struct Labeler {
    const Scenario& sc;
    std::string operator()(const edit::SetWeight& e) { return weight_symbol(e.layer, e.row, e.col) + " = " + format_number(e.value); }
    std::string operator()(const edit::SetBias& e) { return "b" + superscript(e.layer) + subscript(e.col + 1) + " = " + format_number(e.value); }
    std::string operator()(const edit::SetInput& e) { return neuron_symbol(sc, 0, e.col) + " of example " + std::to_string(e.example + 1) + " = " + format_number(e.value); }
    std::string operator()(const edit::SetTarget& e) { return "y" + subscript(e.col + 1) + " of example " + std::to_string(e.example + 1) + " = " + format_number(e.value); }
    std::string operator()(const edit::AddExample&) { return "add an example"; }
    std::string operator()(const edit::RemoveExample& e) { return "remove example " + std::to_string(e.example + 1); }
    std::string operator()(const edit::SetLearningRate& e) { return "η = " + format_number(e.value); }
    std::string operator()(const edit::SetLoss& e) { return "loss: " + e.name; }
    std::string operator()(const edit::SetActivation& e) { return "activation of layer " + std::to_string(e.layer) + ": " + e.name; }
    std::string operator()(const edit::AddNeuron& e) { return "add a neuron to " + layer_symbol(sc, e.layer); }
    std::string operator()(const edit::RemoveNeuron& e) { return "remove " + neuron_symbol(sc, e.layer, e.index); }
    std::string operator()(const edit::AddLayer& e) { return "add a layer after " + layer_symbol(sc, e.after); }
    std::string operator()(const edit::RemoveLayer& e) { return "remove layer " + layer_symbol(sc, e.layer); }
    std::string operator()(const edit::Reinitialize& e) { return "re-initialise (" + e.init.scheme + ", seed " + std::to_string(e.init.seed) + ")"; }
    std::string operator()(const edit::Rename&) { return "rename"; }
    std::string operator()(const edit::SetOptimizer& e) { return optimizer_label(sc.optimizer, e.spec); }
    std::string operator()(const edit::SetRegularization& e) { return regularization_label(sc.regularization, e.reg); }
  };
  return std::visit(Labeler{sc}, e);
}

}  // namespace bpv
