#include "engine/op_graph.hpp"

#include <map>

#include "engine/describe.hpp"
#include "engine/op_kind.hpp"
#include "optimizers/optimizer_state.hpp"

namespace bpv {

std::string tensor_symbol(const Scenario& sc, BufferRef ref) {
  const int l = ref.layer;
  const std::string sup = superscript(l);
  switch (ref.buffer) {
    case Buffer::Input: return "x";
    case Buffer::Target: return "y";
    case Buffer::PreActivation: return "z" + sup;
    case Buffer::Activation: return layer_symbol(sc, l);
    case Buffer::GradActivation: return "∂L/∂" + layer_symbol(sc, l);
    case Buffer::Delta: return "δ" + sup;
    case Buffer::Weights: return "W" + sup;
    case Buffer::Bias: return "b" + sup;
    case Buffer::GradWeights: return "∂L/∂W" + sup;
    case Buffer::GradBias: return "∂L/∂b" + sup;
    case Buffer::LossValue: return "L";
    case Buffer::LearningRate: return "η";
    case Buffer::Penalty: return "P";
    case Buffer::Step: return "t";
    case Buffer::WeightState:
    case Buffer::BiasState: {
      const std::string of = (ref.buffer == Buffer::WeightState ? "W" : "b") + sup;
      const std::string what = ref.slot == StateSlot::Velocity ? "velocity" : std::string(state_slot_name(ref.slot));
      return what + " of " + of;
    }
    case Buffer::BatchRows: return "rows";
    case Buffer::BiasCorrection: return "1 − βᵗ";
    case Buffer::Mask: return "m" + sup;
    case Buffer::Mean: return "μ" + sup;
    case Buffer::Variance: return "σ²" + sup;
    case Buffer::Normalized: return "x̂" + sup;
    case Buffer::RunningMean: return "running μ" + sup;
    case Buffer::RunningVariance: return "running σ²" + sup;
    case Buffer::Patches: return "windows" + sup;
    // No layer superscript: beside σ² or (x − μ) it would read as a square,
    // and the boxes are narrow; the wires show whose they are.
    case Buffer::GradNormalized: return "∂L/∂x̂";
    case Buffer::GradInverseStd: return "∂L/∂(1/s)";
    case Buffer::GradVariance: return "∂L/∂σ²";
    case Buffer::GradCentered: return "∂L/∂(x−μ)";
    case Buffer::GradMean: return "∂L/∂μ";
  }
  return "?";
}

namespace {

struct RefLess {
  bool operator()(const BufferRef& a, const BufferRef& b) const {
    if (a.buffer != b.buffer) return a.buffer < b.buffer;
    if (a.layer != b.layer) return a.layer < b.layer;
    return a.slot < b.slot;
  }
};

}  // namespace

OpGraph build_op_graph(const PassState& state, const std::vector<Op>& ops) {
  OpGraph g;
  std::map<BufferRef, int, RefLess> latest;  // each tensor's newest version's node
  std::map<BufferRef, int, RefLess> versions;
  const auto shape_of = [&](BufferRef ref) -> std::string {
    if (ref.buffer == Buffer::LearningRate) return "scalar";
    const Eigen::MatrixXd& m = buffer_matrix(state, ref);
    return std::to_string(m.rows()) + " × " + std::to_string(m.cols());
  };
  const auto tensor_node = [&](BufferRef ref, int writer) {
    OpGraphNode n;
    n.tensor = ref;
    n.version = versions[ref]++;
    n.label = tensor_symbol(state.scenario, ref);
    for (int v = 0; v < n.version && v < 3; ++v) n.label += "′";
    n.shape = shape_of(ref);
    if (writer >= 0) n.inputs.push_back(writer);
    g.nodes.push_back(std::move(n));
    latest[ref] = static_cast<int>(g.nodes.size()) - 1;
    return latest[ref];
  };
  for (std::size_t k = 0; k < ops.size(); ++k) {
    const Op& op = ops[k];
    OpGraphNode on;
    on.is_op = true;
    on.op_index = k;
    on.label = std::string(op_kind(op.kind).graph_label);
    for (int r = 0; r < op.read_count; ++r) {
      const auto it = latest.find(op.reads[r]);
      on.inputs.push_back(it != latest.end() ? it->second : tensor_node(op.reads[r], -1));
    }
    g.nodes.push_back(std::move(on));
    const int me = static_cast<int>(g.nodes.size()) - 1;
    g.op_node.push_back(me);
    tensor_node(op.writes, me);
    for (int w = 0; w < op.also_write_count; ++w) tensor_node(op.also_writes[w], me);
  }
  return g;
}

}  // namespace bpv
