// The mini-batch op: x, y ← the step's rows of the training set (only with a
// data set, formats.md §5). It is the first op of a step: everything after
// reads the x and y it writes.
#include <string>

#include "data/batching.hpp"
#include "engine/describe_text.hpp"
#include "engine/op_kind.hpp"

namespace bpv {
namespace {

void declare_mini_batch(const Scenario& sc, Op& op) {
  op.writes = {Buffer::Input, 0};
  op.also_writes = {BufferRef{Buffer::Target, sc.layer_count()}, BufferRef{Buffer::BatchRows, 0}};
  op.also_write_count = 2;
}

void apply_mini_batch(const Op&, PassState& state) {
  Scenario& sc = state.scenario;
  if (state.order_epoch != sc.progress.epoch) {
    epoch_order(sc.data.train_rows(), sc.data.batching, sc.progress.epoch, state.order);
    state.order_epoch = sc.progress.epoch;
  }
  // Another batch size than the last step's: take the spare x, y and rows,
  // which fill_mini_batch resizes only the first time.
  if (sc.inputs.rows() != batch_span(sc.data.train_rows(), sc.data.batching, sc.progress).count) {
    sc.inputs.swap(state.spare.inputs);
    sc.targets.swap(state.spare.targets);
    state.batch_rows.swap(state.spare.batch_rows);
  }
  fill_mini_batch(sc, state.order, sc.inputs, sc.targets, state.batch_rows);
  conform_batch(state);
}

std::string title_mini_batch(const Op&, const Scenario& sc) { return "Mini-batch: " + batch_position(sc); }

OpText mini_batch_text(const PassState& st, Element e) {
  const Scenario& sc = st.scenario;
  const DataSet& d = sc.data;
  const int n = d.train_rows(), b = sc.batch_size();
  const BatchSpan span = batch_span(n, d.batching, sc.progress);
  const bool shuffled = d.batching && d.batching->shuffle;
  OpText t;
  t.equation = "x, y ← rows " + std::to_string(span.first + 1) + "–" + std::to_string(span.first + span.count) +
               " of the training set (" + std::to_string(n) + " rows" +
               (shuffled ? ", in this epoch's shuffled order)" : ", in file order)");
  if (!d.features.empty()) t.equation += "; x = features of the raw inputs";
  if (e.example < st.batch_rows.cols() && e.example < b) {
    const int row = static_cast<int>(st.batch_rows(0, e.example));
    std::string xs, ys;
    for (Eigen::Index c = 0; c < sc.inputs.cols() && c < 4; ++c)
      xs += (c ? ", " : "") + format_number(sc.inputs(e.example, c));
    if (sc.inputs.cols() > 4) xs += ", …";
    for (Eigen::Index c = 0; c < sc.targets.cols() && c < 4; ++c)
      ys += (c ? ", " : "") + format_number(sc.targets(e.example, c));
    if (sc.targets.cols() > 4) ys += ", …";
    t.numbers = "example " + std::to_string(e.example + 1) + " of " + std::to_string(b) + " = training row " +
                std::to_string(row + 1) + ": x = (" + xs + "), y = (" + ys + ")";
  }
  t.explanation = d.batching
                      ? "Each training step learns from one mini-batch; an epoch is N/B steps (rounded up), one pass over "
                        "the training set, and the loss and gradients are means over this mini-batch."
                      : "Every step learns from the whole training set (no batching): each step is an epoch.";
  return t;
}

OpText describe_mini_batch(const Op&, const PassState& st, const Eigen::MatrixXd*, Element e) {
  return mini_batch_text(st, e);
}

}  // namespace

extern const OpKindDef kMiniBatchOp{OpKind::MiniBatch, "mini_batch", Phase::Forward, declare_mini_batch,
                                    apply_mini_batch, title_mini_batch, describe_mini_batch, "batch"};

}  // namespace bpv
