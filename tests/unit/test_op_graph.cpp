// The network's step as its computational graph (core/engine/op_graph.hpp): built
// from the ops' declared reads and writes, acyclic, one node per op, every
// tensor named as the app names it.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "engine/op_graph.hpp"
#include "formats/scenario_io.hpp"
#include "engine/stepper.hpp"

namespace bpv {
namespace {

const std::string kScenarios = std::string(BPV_ASSETS_DIR) + "/scenarios";

TEST(OpGraph, EveryOpSitsBetweenWhatItDeclaresItReadsAndWrites) {
  for (const char* file : {"seed.json", "seed_adam.json", "spiral.json", "overfit.json"}) {
    const Stepper s(load_scenario(kScenarios + "/" + file));
    const OpGraph g = build_op_graph(s.state(), s.ops());
    ASSERT_EQ(g.op_node.size(), s.op_count()) << file;
    for (std::size_t k = 0; k < s.op_count(); ++k) {
      const Op& op = s.ops()[k];
      const OpGraphNode& node = g.nodes[g.op_node[k]];
      ASSERT_TRUE(node.is_op);
      EXPECT_EQ(node.op_index, k);
      ASSERT_EQ(node.inputs.size(), static_cast<std::size_t>(op.read_count)) << file << " op " << k;
      for (int r = 0; r < op.read_count; ++r) {
        const OpGraphNode& in = g.nodes[node.inputs[r]];
        EXPECT_FALSE(in.is_op);
        EXPECT_EQ(in.tensor, op.reads[r]) << file << " op " << k;
        EXPECT_LT(node.inputs[r], g.op_node[k]) << "every input comes before its node";
      }
      // What it writes is the node right after it, with the op as its one input.
      const OpGraphNode& out = g.nodes[g.op_node[k] + 1];
      EXPECT_EQ(out.tensor, op.writes) << file << " op " << k;
      EXPECT_EQ(out.inputs, std::vector<int>{g.op_node[k]});
    }
  }
}

TEST(OpGraph, AnOverwrittenTensorIsANewVersionSoTheGraphStaysAcyclic) {
  const Stepper s(load_scenario(kScenarios + "/seed.json"));
  const OpGraph g = build_op_graph(s.state(), s.ops());
  std::set<std::string> labels;
  for (const OpGraphNode& n : g.nodes)
    if (!n.is_op) labels.insert(n.label + " " + n.shape);
  for (const char* expected : {"x 1 × 3", "W¹ 3 × 3", "W¹′ 3 × 3", "z¹ 1 × 3", "h1 1 × 3", "o 1 × 3", "L 1 × 1",
                               "δ³ 1 × 3", "∂L/∂W² 3 × 3", "∂L/∂h1 1 × 3", "η scalar"})
    EXPECT_TRUE(labels.count(expected)) << expected;
  for (std::size_t n = 0; n < g.nodes.size(); ++n)
    for (int in : g.nodes[n].inputs) EXPECT_LT(in, static_cast<int>(n));
}

}  // namespace
}  // namespace bpv
