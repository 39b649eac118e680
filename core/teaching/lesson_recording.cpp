#include "teaching/lesson_recording.hpp"

#include <algorithm>

#include "engine/describe.hpp"
#include "engine/train.hpp"

namespace bpv {

Lesson new_lesson_draft(const Scenario& scenario, std::string title) {
  Lesson draft;
  draft.title = std::move(title);
  draft.scenarios[""] = scenario;
  return draft;
}

BeatPlace place_beat(Lesson& draft, const Scenario& start, std::size_t cursor, int trained_hint) {
  BeatPlace place;
  const std::size_t op_count = build_ops(start).size();
  if (cursor == 0) place.at = BeatAt::Start;
  else if (cursor >= op_count) place.at = BeatAt::End;
  else {
    place.at = BeatAt::Op;
    place.op_index = cursor - 1;
  }
  const auto own = draft.scenarios.find("");
  if (own != draft.scenarios.end() && trained_hint >= 0 && trained_hint <= kMaxLessonTraining) {
    Trainer trainer(own->second);
    for (int s = 0; s < trained_hint; ++s) trainer.step();
    if (same_network(trainer.scenario(), start)) {
      place.trained = trained_hint;
      return place;
    }
  }
  for (const auto& [name, sc] : draft.scenarios)
    if (same_network(sc, start)) {
      place.scenario = name;
      return place;
    }
  for (int n = 1;; ++n) {
    const std::string name = "beat " + std::to_string(n);
    if (draft.scenarios.count(name)) continue;
    draft.scenarios[name] = start;
    place.scenario = name;
    return place;
  }
}

void set_place(Beat& beat, const BeatPlace& place) {
  beat.scenario = place.scenario;
  beat.trained = place.trained;
  beat.at = place.at;
  beat.op_index = place.op_index;
}

std::string describe_place(const Beat& beat, const Lesson& draft) {
  std::string s;
  const auto sc = draft.scenarios.find(beat.scenario);
  switch (beat.at) {
    case BeatAt::Start: s = "before op 1"; break;
    case BeatAt::End: s = "after the whole step"; break;
    case BeatAt::FirstNonFinite: s = "at the first ∞ or NaN"; break;
    case BeatAt::Op: {
      s = "after op " + std::to_string(beat.op_index + 1);
      if (sc != draft.scenarios.end()) {
        const std::vector<Op> ops = build_ops(sc->second);
        if (beat.op_index < ops.size()) s += " (" + describe_title(ops[beat.op_index], sc->second) + ")";
      }
      break;
    }
  }
  if (beat.trained == kUntilNonFinite) s += ", trained until it breaks";
  else if (beat.trained > 0) s += ", " + std::to_string(beat.trained) + " training steps in";
  if (!beat.scenario.empty()) s += ", network '" + beat.scenario + "'";
  return s;
}

namespace {

// Orders quantities by the op that last wrote them (latest first); those
// never written in this step (parameters, inputs) keep their order at the end.
std::vector<QuantityRef> by_recency(const Stepper& st, std::vector<QuantityRef> qs) {
  std::vector<QuantityRef> out;
  const std::vector<Op>& ops = st.ops();
  for (std::size_t k = st.cursor(); k-- > 0;) {
    for (auto it = qs.begin(); it != qs.end(); ++it)
      if (ops[k].writes.buffer == it->buffer && ops[k].writes.layer == it->layer) {
        out.push_back(*it);
        qs.erase(it);
        break;
      }
  }
  out.insert(out.end(), qs.begin(), qs.end());
  return out;
}

}  // namespace

std::vector<QuantityRef> neuron_quantities(const Stepper& st, int layer, int j, int example) {
  const Scenario& sc = st.scenario();
  const int L = sc.layer_count();
  const int row = std::clamp(example, 0, std::max(0, sc.batch_size() - 1));
  std::vector<QuantityRef> qs;
  auto add = [&](Buffer b, int l, int r) {
    if (st.is_computed(BufferRef{b, l})) qs.push_back(QuantityRef{b, l, r, j});
  };
  if (layer == 0) {
    qs.push_back(QuantityRef{Buffer::Input, 0, row, j});
    return qs;
  }
  for (Buffer b : {Buffer::PreActivation, Buffer::Activation, Buffer::GradActivation, Buffer::Delta})
    add(b, layer, row);
  add(Buffer::GradBias, layer, 0);
  qs.push_back(QuantityRef{Buffer::Bias, layer, 0, j});
  if (layer == L) qs.push_back(QuantityRef{Buffer::Target, L, row, j});
  return by_recency(st, std::move(qs));
}

std::vector<QuantityRef> edge_quantities(const Stepper& st, int layer, int i, int j) {
  std::vector<QuantityRef> qs;
  if (st.is_computed(BufferRef{Buffer::GradWeights, layer})) qs.push_back(QuantityRef{Buffer::GradWeights, layer, i, j});
  qs.push_back(QuantityRef{Buffer::Weights, layer, i, j});
  return by_recency(st, std::move(qs));
}

namespace {
void drop_unused_scenarios(Lesson& draft) {
  for (auto it = draft.scenarios.begin(); it != draft.scenarios.end();) {
    const bool used = it->first.empty() || std::any_of(draft.beats.begin(), draft.beats.end(),
                                                       [&](const Beat& b) { return b.scenario == it->first; });
    it = used ? std::next(it) : draft.scenarios.erase(it);
  }
}
}  // namespace

void move_beat(Lesson& draft, std::size_t k, int by) {
  const long long to = static_cast<long long>(k) + by;
  if (k >= draft.beats.size() || to < 0 || to >= static_cast<long long>(draft.beats.size())) return;
  std::swap(draft.beats[k], draft.beats[static_cast<std::size_t>(to)]);
}

void delete_beat(Lesson& draft, std::size_t k) {
  if (k >= draft.beats.size()) return;
  draft.beats.erase(draft.beats.begin() + static_cast<long>(k));
  drop_unused_scenarios(draft);
}

}  // namespace bpv
