#include "formats/export_markdown.hpp"

#include <sstream>

#include "engine/describe.hpp"
#include "engine/stepper.hpp"

namespace bpv {
namespace {

constexpr int kMaxShown = 8;  // rows and columns of a value table

// A matrix as a Markdown table, the first kMaxShown rows and columns.
void write_table(std::ostringstream& md, const Eigen::MatrixXd& m) {
  const int rows = static_cast<int>(std::min<Eigen::Index>(m.rows(), kMaxShown));
  const int cols = static_cast<int>(std::min<Eigen::Index>(m.cols(), kMaxShown));
  md << "|   |";
  for (int c = 0; c < cols; ++c) md << " " << c + 1 << " |";
  md << "\n|---|";
  for (int c = 0; c < cols; ++c) md << "---|";
  md << "\n";
  for (int r = 0; r < rows; ++r) {
    md << "| " << r + 1 << " |";
    for (int c = 0; c < cols; ++c) md << " " << format_number(m(r, c), 8) << " |";
    md << "\n";
  }
  if (rows < m.rows() || cols < m.cols())
    md << "\n(" << m.rows() << " × " << m.cols() << "; the first " << rows << " × " << cols
       << " are shown)\n";
}

std::string architecture(const Scenario& sc) {
  std::string s = std::to_string(sc.input_size);
  for (const Layer& layer : sc.layers)
    s += " → " + std::to_string(layer.size()) + " (" + std::string(layer.activation->name) + ")";
  return s;
}

}  // namespace

std::string worked_example_markdown(const Scenario& scenario) {
  std::ostringstream md;
  md << "# Worked example: " << scenario.name << "\n\n";
  if (!scenario.description.empty()) md << scenario.description << "\n\n";
  md << "- Network: " << architecture(scenario) << "\n"
     << "- Loss: " << scenario.loss->name << " — `" << scenario.loss->formula
     << "`, averaged over the batch\n"
     << "- Learning rate η = " << format_number(scenario.learning_rate) << "\n"
     << "- Batch: " << scenario.batch_size() << " example(s)\n\n"
     << "Notation: x is the input, h1, h2, … the hidden layers, o the output; zˡ is layer l's "
        "weighted sum, Wˡᵢⱼ the weight from neuron i of the layer before to neuron j of layer l, "
        "δˡ = ∂L/∂zˡ.\n\n"
     << "Each step shows its equation, the same equation with the numbers of its first "
        "element, and every value it wrote (rows = examples, or rows of W).\n";

  Stepper stepper(scenario);
  Phase phase = Phase::Forward;
  bool first = true;
  while (stepper.step_forward()) {
    const std::size_t k = stepper.cursor() - 1;
    const Op& op = stepper.ops()[k];
    if (first || op.phase != phase) {
      md << "\n## " << phase_name(op.phase) << "\n";
      phase = op.phase;
      first = false;
    }
    const OpText t = describe(op, stepper.state(), &stepper.value_before(k));
    md << "\n### " << k + 1 << ". " << t.title << "\n\n"
       << t.explanation << "\n\n"
       << "- Equation: `" << t.equation << "`\n"
       << "- Numbers: `" << t.numbers << "`\n\n";
    write_table(md, buffer_matrix(stepper.state(), op.writes));
  }
  md << "\n## Result\n\nLoss before the update: " << format_number(stepper.state().loss_value(), 10)
     << "\n";
  if (auto bad = stepper.first_non_finite())
    md << "\n**Warning:** step " << bad->op_index + 1 << " (" << bad->op_title
       << ") produced a non-finite value.\n";
  return md.str();
}

}  // namespace bpv
