#include "expression_layout.hpp"

#include <algorithm>
#include <numeric>

namespace bpv {
namespace {

using Inputs = std::vector<std::vector<int>>;

// A node's column is one past its inputs'; a node marked `beside_reader`
// (a number written in a definition) sits just left of its first reader
// instead, so it draws as a short stub.
std::vector<int> columns_of(const Inputs& inputs, const std::vector<char>& beside_reader) {
  std::vector<int> col(inputs.size(), 0);
  for (std::size_t n = 0; n < inputs.size(); ++n)
    for (int in : inputs[n]) col[n] = std::max(col[n], col[in] + 1);
  std::vector<char> placed(inputs.size(), 0);
  for (std::size_t n = 0; n < inputs.size(); ++n)
    for (int in : inputs[n])
      if (beside_reader[in] && !placed[in]) {
        col[in] = std::max(col[in], col[n] - 1);
        placed[in] = 1;
      }
  return col;
}

int count_crossings(const Inputs& inputs, const std::vector<int>& col, const std::vector<float>& pos) {
  // Wires between column c and c + k are compared with those of the same span start.
  struct Wire { int c; float from, to; };
  std::vector<Wire> wires;
  for (std::size_t n = 0; n < inputs.size(); ++n)
    for (int in : inputs[n]) wires.push_back({col[in], pos[in], pos[n]});
  std::stable_sort(wires.begin(), wires.end(), [](const Wire& x, const Wire& y) { return x.c < y.c; });
  int crossings = 0;
  for (std::size_t i = 0; i < wires.size(); ++i)
    for (std::size_t j = i + 1; j < wires.size() && wires[j].c == wires[i].c; ++j)
      if ((wires[i].from - wires[j].from) * (wires[i].to - wires[j].to) < 0) ++crossings;
  return crossings;
}

}  // namespace

ExprLayout layout_expression(const ExpressionGraph& g) {
  Inputs inputs(g.nodes.size());
  std::vector<char> beside(g.nodes.size(), 0);
  for (std::size_t n = 0; n < g.nodes.size(); ++n) {
    const ExprNode& node = g.nodes[n];
    if (node.a >= 0) inputs[n].push_back(node.a);
    if (node.b >= 0) inputs[n].push_back(node.b);
    beside[n] = node.kind == ExprOpKind::Constant && node.name.empty();
  }
  return layered_layout(inputs, beside);
}

ExprLayout layered_layout(const std::vector<std::vector<int>>& inputs, const std::vector<char>& beside_reader) {
  const std::size_t n = inputs.size();
  const std::vector<int> col = columns_of(inputs, beside_reader);
  ExprLayout out;
  out.columns = n ? *std::max_element(col.begin(), col.end()) + 1 : 0;
  std::vector<std::vector<int>> by_column(out.columns);
  for (std::size_t k = 0; k < n; ++k) by_column[col[k]].push_back(static_cast<int>(k));
  std::vector<std::vector<int>> readers(n);
  for (std::size_t k = 0; k < n; ++k)
    for (int in : inputs[k])
      if (readers[in].empty() || readers[in].back() != static_cast<int>(k)) readers[in].push_back(static_cast<int>(k));

  std::vector<float> pos(n, 0.0f);  // the order within the column
  const auto number = [&](std::vector<int>& nodes) {
    for (std::size_t r = 0; r < nodes.size(); ++r) pos[nodes[r]] = static_cast<float>(r);
  };
  for (auto& c : by_column) number(c);
  // Sweeps: right to left by the readers' mean, then left to right by the inputs'.
  const auto sort_by = [&](std::vector<int>& nodes, auto&& key) {
    std::vector<std::pair<float, int>> keyed;
    for (int v : nodes) keyed.push_back({key(v), v});
    std::stable_sort(keyed.begin(), keyed.end(), [](auto& x, auto& y) { return x.first < y.first; });
    for (std::size_t r = 0; r < nodes.size(); ++r) nodes[r] = keyed[r].second;
    number(nodes);
  };
  std::vector<float> best = pos;
  int best_crossings = count_crossings(inputs, col, pos);
  for (int sweep = 0; sweep < 6 && best_crossings > 0; ++sweep) {
    for (int c = out.columns - 2; c >= 0; --c)
      sort_by(by_column[c], [&](int v) {
        if (readers[v].empty()) return pos[v];
        float s = 0;
        for (int r : readers[v]) s += pos[r];
        return s / static_cast<float>(readers[v].size());
      });
    for (int c = 1; c < out.columns; ++c)
      sort_by(by_column[c], [&](int v) {
        float s = 0;
        for (int in : inputs[v]) s += pos[in];
        return inputs[v].empty() ? pos[v] : s / static_cast<float>(inputs[v].size());
      });
    const int crossings = count_crossings(inputs, col, pos);
    if (crossings < best_crossings) best_crossings = crossings, best = pos;
  }
  out.crossings = best_crossings;
  std::size_t tallest = 0;
  for (const auto& c : by_column) tallest = std::max(tallest, c.size());
  out.rows = static_cast<float>(tallest);
  std::vector<int> count(out.columns, 0);
  for (std::size_t k = 0; k < n; ++k) ++count[col[k]];
  out.column.resize(n);
  out.row.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    out.column[k] = static_cast<float>(col[k]);
    out.row[k] = best[k] + (static_cast<float>(tallest) - static_cast<float>(count[col[k]])) / 2.0f;
  }
  return out;
}

}  // namespace bpv
