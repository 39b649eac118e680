// The pieces the op kinds' describe functions write their equations with
// (describe.hpp has the symbols the rest of the app shares).
#pragma once
#include <string>
#include <string_view>

#include "engine/describe.hpp"

namespace bpv {

inline constexpr int kMaxTermsShown = 4;  // longer sums show the first 3 terms, "…", the last

// "  (example 2)" when the batch has more than one example, else "".
std::string example_note(const Scenario& sc, int b);
// "(1/B)·" when the batch has more than one example, else "".
std::string batch_prefix(const Scenario& sc);
// "layer 2 (h2)": where an op is, in titles.
std::string layer_where(const Scenario& sc, int l);
// "epoch 1, mini-batch 4 of 25" (1-based: what a person counts).
std::string batch_position(const Scenario& sc);
// "m ← β₁·m + (1 − β₁)·∂L/∂θ" with θ spelled as the parameter: W² or b².
std::string with_parameter(std::string_view formula, const std::string& param);

struct SumText {
  std::string symbols, numbers;
};

// Σ over k of lhs(k)·rhs(k), written out with symbols and with numbers.
template <class Sym, class Val>
SumText written_sum(int count, Sym symbols_of, Val values_of) {
  SumText t;
  for (int k = 0; k < count; ++k) {
    const bool shown = count <= kMaxTermsShown || k < 3 || k == count - 1;
    if (!shown) {
      if (k == 3) {
        t.symbols += " + …";
        t.numbers += " + …";
      }
      continue;
    }
    if (k > 0) {
      t.symbols += " + ";
      t.numbers += " + ";
    }
    t.symbols += symbols_of(k);
    t.numbers += values_of(k);
  }
  return t;
}

}  // namespace bpv
