// What each op means, in words and in Unicode math: the title, the symbolic
// equation, the same equation with the numbers of one element substituted,
// and a one-line explanation. Everything the equation panel, the trace and
// the Markdown export print comes from here.
//
// Notation (the same on the canvas): the input is x, hidden layer l is h<l>,
// the last layer is o; so the activations are x₁, h1₁, o₁. Layer l's
// pre-activation is zˡ, its weights Wˡᵢⱼ (row i = neuron of the layer before,
// column j = neuron of this layer), its bias bˡⱼ and δˡⱼ = ∂L/∂zˡⱼ.
#pragma once
#include <Eigen/Dense>
#include <string>

#include "engine/ops.hpp"

namespace bpv {

// Which element of the op's output the numbers are shown for.
struct Element {
  int example = 0;  // row of a B × n buffer
  int row = 0;      // i of a weight matrix
  int col = 0;      // j: the neuron
};

struct OpText {
  std::string title;
  std::string equation;     // symbolic
  std::string numbers;      // the equation for one element, numbers substituted
  std::string explanation;  // one plain-language sentence
};

std::string subscript(int n);    // 12 → "₁₂"
std::string superscript(int n);  // 3 → "³"
// "x", "h1", "h2", …, "o" for l = 0..L.
std::string layer_symbol(const Scenario& scenario, int l);
// "h1₂": neuron j (0-based) of layer l, as labelled on the canvas.
std::string neuron_symbol(const Scenario& scenario, int l, int j);
// "W²₁₃" for weight (i, j) of layer l (0-based i, j).
std::string weight_symbol(int l, int i, int j);
// Compact, round-trippable-enough number for equations: 5 significant digits
// ("NaN", "∞" and "−∞" for the others, as a diverged loss is shown).
std::string format_number(double v, int significant = 5);
// A number as a factor of a product: negative ones in brackets, "0.5 × (-0.3)".
std::string factor(double v, int significant = 5);

// The element clamped into the shape of op's output (a state tensor has its
// parameter's shape: an SGD velocity may not exist yet); the indices the
// output does not have are 0.
Element clamp_element(const Op& op, const PassState& state, Element element);

std::string describe_title(const Op& op, const Scenario& scenario);
// `state` holds the values after the op when `before` is the old value of the
// op's output (the stepper keeps it); with before == nullptr the op is taken
// as not yet applied and the result is computed for display.
OpText describe(const Op& op, const PassState& state, const Eigen::MatrixXd* before,
                Element element = {});

}  // namespace bpv
