#include "teaching/lesson.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/describe.hpp"
#include "formats/field_reader.hpp"
#include "engine/scenario_compare.hpp"
#include "formats/scenario_io.hpp"
#include "engine/stepper.hpp"
#include "engine/tensors.hpp"
#include "engine/train.hpp"

namespace bpv {

const std::vector<std::string_view>& tab_names() {
  static const std::vector<std::string_view> names = {"matrices", "edit", "lesson", "gradcheck", "insight", "data"};
  return names;
}

const std::vector<std::string_view>& presenter_panel_names() {
  static const std::vector<std::string_view> names = {"loss", "matrices", "gradcheck", "insight", "data"};
  return names;
}

namespace {
bool named_in(const std::vector<std::string_view>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}
std::string joined(const std::vector<std::string_view>& names) {
  std::string s;
  for (std::string_view n : names) (s += s.empty() ? "" : ", ") += n;
  return s;
}
}  // namespace
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

using Reader = BasicFieldReader<LessonError>;

// A scenario given as a path (relative to the lesson file) or inline.
Scenario read_scenario(const Reader& rd, const json& j, const std::string& field, const fs::path& base) {
  try {
    if (j.is_string()) {
      const fs::path p = base / j.get<std::string>();
      return load_scenario(p.lexically_normal().string());
    }
    if (j.is_object()) return parse_scenario(j.dump(), rd.source + ": " + field);
  } catch (const ScenarioError& e) {
    rd.fail(field, e.what());
  }
  rd.fail(field, "expected a scenario file's path or a scenario object");
}

const Buffer kQuantityBuffers[] = {Buffer::Input,   Buffer::Target,      Buffer::PreActivation,
                                   Buffer::Activation, Buffer::GradActivation, Buffer::Delta,
                                   Buffer::Weights, Buffer::Bias,        Buffer::GradWeights,
                                   Buffer::GradBias, Buffer::LossValue,
                                   // batch norm's statistics and its backward graph's nodes
                                   Buffer::Mean, Buffer::Variance, Buffer::Normalized, Buffer::GradNormalized,
                                   Buffer::GradInverseStd, Buffer::GradVariance, Buffer::GradCentered,
                                   Buffer::GradMean};

std::string quantity_names() {
  std::string s;
  for (Buffer b : kQuantityBuffers) s += (s.empty() ? "" : ", ") + std::string(buffer_name(b));
  return s;
}

// {"quantity": "delta", "layer": 2, "index": 1, "example": 0} or
// {"quantity": "grad_weights", "layer": 3, "row": 0, "col": 1}.
QuantityRef read_quantity(const Reader& rd, const json& j, const std::string& field, const Scenario& sc) {
  if (!j.is_object()) rd.fail(field, "expected an object such as {\"quantity\": \"delta\", \"layer\": 2, \"index\": 0}");
  rd.only_keys(j, {"quantity", "layer", "index", "col", "row", "example"}, field);
  const json* name = rd.find(j, "quantity");
  if (!name) rd.fail(field + ".quantity", "missing (one of " + quantity_names() + ")");
  const std::string n = rd.string(*name, field + ".quantity");
  const Buffer* b = std::find_if(std::begin(kQuantityBuffers), std::end(kQuantityBuffers),
                                 [&](Buffer x) { return buffer_name(x) == n; });
  if (b == std::end(kQuantityBuffers)) rd.fail(field + ".quantity", "unknown '" + n + "' (one of " + quantity_names() + ")");
  QuantityRef q;
  q.buffer = *b;
  const int L = sc.layer_count();
  if (q.buffer == Buffer::LossValue || q.buffer == Buffer::Target) {
    q.layer = L;
  } else if (q.buffer == Buffer::Input) {
    q.layer = 0;
  } else {
    const json* layer = rd.find(j, "layer");
    if (!layer) rd.fail(field + ".layer", "missing");
    const int lo = q.buffer == Buffer::Activation ? 0 : 1;
    q.layer = static_cast<int>(rd.integer(*layer, field + ".layer", lo, L));
    if (q.buffer == Buffer::Activation && q.layer == 0) q.buffer = Buffer::Input;  // a⁰ = x
  }
  const json* col = rd.find(j, "index");
  if (!col) col = rd.find(j, "col");
  const json* row = rd.find(j, "row");
  if (!row) row = rd.find(j, "example");
  const PassState shapes = make_pass_state(sc);
  const Eigen::MatrixXd& m = buffer_matrix(shapes, BufferRef{q.buffer, q.layer});
  if (q.buffer != Buffer::LossValue) {
    if (!col) rd.fail(field + ".index", "missing (the neuron j, 0-based)");
    q.col = static_cast<int>(rd.integer(*col, field + (rd.find(j, "index") ? ".index" : ".col"), 0, m.cols() - 1));
    if (row)
      q.row = static_cast<int>(rd.integer(*row, field + (rd.find(j, "row") ? ".row" : ".example"), 0, m.rows() - 1));
    else if (!tensor_info(q.buffer).per_example && m.rows() > 1)
      rd.fail(field + ".row", "missing (the neuron i of the layer before, 0-based)");
  }
  return q;
}

NeuronRef read_neuron(const Reader& rd, const json& j, const std::string& field, const Scenario& sc) {
  if (!j.is_array() || j.size() != 2) rd.fail(field, "expected [layer, neuron]");
  NeuronRef n;
  n.layer = static_cast<int>(rd.integer(j[0], field + "[0]", 0, sc.layer_count()));
  n.j = static_cast<int>(rd.integer(j[1], field + "[1]", 0, sc.width(n.layer) - 1));
  return n;
}

EdgeRef read_edge(const Reader& rd, const json& j, const std::string& field, const Scenario& sc) {
  if (!j.is_array() || j.size() != 3) rd.fail(field, "expected [layer, i, j] (the weight from neuron i of layer−1 to j)");
  EdgeRef e;
  e.layer = static_cast<int>(rd.integer(j[0], field + "[0]", 1, sc.layer_count()));
  e.i = static_cast<int>(rd.integer(j[1], field + "[1]", 0, sc.width(e.layer - 1) - 1));
  e.j = static_cast<int>(rd.integer(j[2], field + "[2]", 0, sc.width(e.layer) - 1));
  return e;
}

Highlight read_highlight(const Reader& rd, const json& j, const std::string& field, const Scenario& sc) {
  if (!j.is_object()) rd.fail(field, "expected an object");
  rd.only_keys(j, {"neurons", "edges", "cell", "focus"}, field);
  Highlight h;
  if (const json* ns = rd.find(j, "neurons")) {
    if (!ns->is_array()) rd.fail(field + ".neurons", "expected a list of [layer, neuron]");
    for (std::size_t k = 0; k < ns->size(); ++k)
      h.neurons.push_back(read_neuron(rd, (*ns)[k], field + ".neurons[" + std::to_string(k) + "]", sc));
  }
  if (const json* es = rd.find(j, "edges")) {
    if (!es->is_array()) rd.fail(field + ".edges", "expected a list of [layer, i, j]");
    for (std::size_t k = 0; k < es->size(); ++k)
      h.edges.push_back(read_edge(rd, (*es)[k], field + ".edges[" + std::to_string(k) + "]", sc));
  }
  if (const json* c = rd.find(j, "cell")) {
    h.cell = read_quantity(rd, *c, field + ".cell", sc);
    const Buffer b = h.cell->buffer;
    if (b != Buffer::Weights && b != Buffer::GradWeights && b != Buffer::Bias && b != Buffer::GradBias)
      rd.fail(field + ".cell.quantity", "a cell is one of weights, grad_weights, bias, grad_bias");
  }
  if (const json* f = rd.find(j, "focus")) h.focus = read_neuron(rd, *f, field + ".focus", sc);
  return h;
}

// "at": "start" | "end" | "first_non_finite" | {"op": "grad_bias", "layer": 2} | {"index": 14}
void read_at(const Reader& rd, const json& j, const std::string& field, const std::vector<Op>& ops, Beat& beat) {
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    if (s == "start") beat.at = BeatAt::Start;
    else if (s == "end") beat.at = BeatAt::End;
    else if (s == "first_non_finite") beat.at = BeatAt::FirstNonFinite;
    else rd.fail(field, "unknown '" + s + "' (start, end, first_non_finite, or {\"op\": …, \"layer\": …})");
    return;
  }
  if (!j.is_object()) rd.fail(field, "expected \"start\", \"end\", \"first_non_finite\" or an object");
  rd.only_keys(j, {"op", "layer", "index"}, field);
  beat.at = BeatAt::Op;
  if (const json* index = rd.find(j, "index")) {
    beat.op_index = static_cast<std::size_t>(rd.integer(*index, field + ".index", 0, static_cast<long long>(ops.size()) - 1));
    if (const json* op = rd.find(j, "op")) {  // both: they must agree
      const Op& o = ops[beat.op_index];
      if (op_kind_name(o.kind) != rd.string(*op, field + ".op"))
        rd.fail(field + ".op", "op " + std::to_string(beat.op_index) + " is '" + std::string(op_kind_name(o.kind)) + "'");
    }
    return;
  }
  const json* op = rd.find(j, "op");
  if (!op) rd.fail(field, "expected \"op\" (a trace op name such as \"grad_bias\") or \"index\"");
  const std::string name = rd.string(*op, field + ".op");
  const json* layer = rd.find(j, "layer");
  const int l = layer ? static_cast<int>(rd.integer(*layer, field + ".layer", 1, 1 << 20)) : -1;
  for (std::size_t k = 0; k < ops.size(); ++k)
    if (op_kind_name(ops[k].kind) == name && (l < 0 || ops[k].layer == l)) {
      if (l < 0 && ops[k].phase != Phase::Loss && ops[k].kind != OpKind::LossGradient)
        rd.fail(field + ".layer", "missing: '" + name + "' runs once per layer");
      beat.op_index = k;
      return;
    }
  rd.fail(field + ".op", "no op '" + name + "'" + (l >= 0 ? " at layer " + std::to_string(l) : "") +
                             " in this scenario's step");
}

std::size_t cursor_of(const Beat& b, std::size_t op_count) {
  switch (b.at) {
    case BeatAt::Start: return 0;
    case BeatAt::End: return op_count;
    case BeatAt::Op: return b.op_index + 1;
    case BeatAt::FirstNonFinite: return op_count;
  }
  return 0;
}

Beat read_beat(const Reader& rd, const json& j, const std::string& field, const Lesson& lesson) {
  if (!j.is_object()) rd.fail(field, "expected an object");
  rd.only_keys(j, {"text", "scenario", "trained", "at", "example", "highlight", "tab", "panel", "errata", "question"}, field);
  Beat b;
  const json* text = rd.find(j, "text");
  if (!text) rd.fail(field + ".text", "missing");
  b.text = rd.string(*text, field + ".text");
  if (b.text.empty()) rd.fail(field + ".text", "must not be empty");
  if (const json* s = rd.find(j, "scenario")) {
    b.scenario = rd.string(*s, field + ".scenario");
    if (!lesson.scenarios.count(b.scenario)) rd.fail(field + ".scenario", "no scenario named '" + b.scenario + "' in \"scenarios\"");
  }
  const Scenario& sc = lesson.scenarios.at(b.scenario);
  if (const json* t = rd.find(j, "trained")) {
    if (t->is_string() && t->get<std::string>() == "until_non_finite") b.trained = kUntilNonFinite;
    else b.trained = static_cast<int>(rd.integer(*t, field + ".trained", 0, kMaxLessonTraining));
  }
  const std::vector<Op> ops = build_ops(sc);
  if (const json* at = rd.find(j, "at")) read_at(rd, *at, field + ".at", ops, b);
  if (const json* e = rd.find(j, "example"))
    b.example = static_cast<int>(rd.integer(*e, field + ".example", -1, sc.batch_size() - 1));
  if (const json* h = rd.find(j, "highlight")) b.highlight = read_highlight(rd, *h, field + ".highlight", sc);
  if (const json* t = rd.find(j, "tab")) {
    b.tab = rd.string(*t, field + ".tab");
    if (!named_in(tab_names(), b.tab)) rd.fail(field + ".tab", "unknown '" + b.tab + "' (" + joined(tab_names()) + ")");
  }
  // The panel presenter mode shows beside the graph; by default the one the tab names.
  if (named_in(presenter_panel_names(), b.tab)) b.panel = b.tab;
  if (const json* p = rd.find(j, "panel")) {
    b.panel = rd.string(*p, field + ".panel");
    if (!named_in(presenter_panel_names(), b.panel))
      rd.fail(field + ".panel", "unknown '" + b.panel + "' (" + joined(presenter_panel_names()) + ")");
  }
  if (const json* e = rd.find(j, "errata")) {
    if (!e->is_boolean()) rd.fail(field + ".errata", "expected true or false");
    b.errata = e->get<bool>();
    if (b.errata && lesson.errata_path.empty()) rd.fail(field + ".errata", "the lesson names no \"errata\" file");
  }
  if (const json* q = rd.find(j, "question")) {
    if (!q->is_object()) rd.fail(field + ".question", "expected an object");
    rd.only_keys(*q, {"text", "answer", "tolerance"}, field + ".question");
    Question question;
    const json* qt = rd.find(*q, "text");
    if (!qt) rd.fail(field + ".question.text", "missing");
    question.text = rd.string(*qt, field + ".question.text");
    const json* a = rd.find(*q, "answer");
    if (!a) rd.fail(field + ".question.answer", "missing (a quantity of the engine, not a number)");
    question.answer = read_quantity(rd, *a, field + ".question.answer", sc);
    if (const json* tol = rd.find(*q, "tolerance")) {
      if (!tol->is_number() || !(tol->get<double>() > 0.0) || !std::isfinite(tol->get<double>()))
        rd.fail(field + ".question.tolerance", "expected a positive number");
      question.tolerance = tol->get<double>();
    }
    // The answer must be computed at the beat's op (not a zero left from before).
    if (b.at != BeatAt::FirstNonFinite) {
      Stepper st(sc);
      st.jump_to(cursor_of(b, st.op_count()));
      if (!st.is_computed(BufferRef{question.answer.buffer, question.answer.layer}))
        rd.fail(field + ".question.answer", quantity_symbol(question.answer, sc) + " is not computed yet at this beat's op");
    }
    b.question = question;
  }
  return b;
}

}  // namespace

Lesson parse_lesson(const std::string& text, const std::string& path) {
  const Reader rd{path};
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    rd.fail("(document)", "not valid JSON");
  }
  if (!doc.is_object()) rd.fail("(document)", "expected a JSON object");
  rd.only_keys(doc, {"title", "summary", "scenario", "scenarios", "errata", "hide", "beats"}, "");
  const fs::path base = fs::path(path).parent_path();
  Lesson lesson;
  lesson.path = path;
  const json* title = rd.find(doc, "title");
  if (!title) rd.fail("title", "missing");
  lesson.title = rd.string(*title, "title");
  if (const json* s = rd.find(doc, "summary")) lesson.summary = rd.string(*s, "summary");
  const json* sc = rd.find(doc, "scenario");
  if (!sc) rd.fail("scenario", "missing (a scenario file's path, relative to the lesson, or an object)");
  lesson.scenarios[""] = read_scenario(rd, *sc, "scenario", base);
  if (const json* more = rd.find(doc, "scenarios")) {
    if (!more->is_object()) rd.fail("scenarios", "expected an object of name: scenario");
    for (auto it = more->begin(); it != more->end(); ++it) {
      if (it.key().empty()) rd.fail("scenarios", "a name must not be empty");
      lesson.scenarios[it.key()] = read_scenario(rd, it.value(), "scenarios." + it.key(), base);
    }
  }
  if (const json* e = rd.find(doc, "errata")) {
    lesson.errata_path = (base / rd.string(*e, "errata")).lexically_normal().string();
    std::error_code ec;
    if (!fs::is_regular_file(lesson.errata_path, ec)) rd.fail("errata", "no file " + lesson.errata_path);
  }
  if (const json* hide = rd.find(doc, "hide")) {
    if (!hide->is_array()) rd.fail("hide", "expected a list of names");
    for (std::size_t k = 0; k < hide->size(); ++k) {
      const std::string field = "hide[" + std::to_string(k) + "]";
      const std::string name = rd.string((*hide)[k], field);
      if (std::none_of(std::begin(kLockableParts), std::end(kLockableParts), [&](const char* p) { return name == p; })) {
        std::string known;
        for (const char* p : kLockableParts) known += (known.empty() ? "" : ", ") + std::string(p);
        rd.fail(field, "unknown '" + name + "' (" + known + ")");
      }
      if (std::find(lesson.hide.begin(), lesson.hide.end(), name) == lesson.hide.end()) lesson.hide.push_back(name);
    }
  }
  const json* beats = rd.find(doc, "beats");
  if (!beats || !beats->is_array() || beats->empty()) rd.fail("beats", "expected a non-empty list of beats");
  for (std::size_t k = 0; k < beats->size(); ++k)
    lesson.beats.push_back(read_beat(rd, (*beats)[k], "beats[" + std::to_string(k) + "]", lesson));
  return lesson;
}

Lesson load_lesson(const std::string& path) {
  std::string text;
  try {
    text = read_text_file(path);
  } catch (const ScenarioError& e) {
    throw LessonError(e.what());
  }
  return parse_lesson(text, path);
}

std::vector<std::string> list_lessons(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec) && it->path().extension() == ".json") out.push_back(it->path().string());
  // By the number a file name starts with ("10_…" after "9_…"), then by name.
  auto number = [](const std::string& path) {
    const std::string name = fs::path(path).filename().string();
    long n = 0;
    std::size_t k = 0;
    for (; k < name.size() && k < 9 && std::isdigit(static_cast<unsigned char>(name[k])); ++k) n = 10 * n + (name[k] - '0');
    return k == 0 ? -1L : n;
  };
  std::sort(out.begin(), out.end(), [&](const std::string& a, const std::string& b) {
    const long na = number(a), nb = number(b);
    return na != nb ? na < nb : a < b;
  });
  return out;
}

BeatPlan plan_beat(const Lesson& lesson, std::size_t index) {
  const Beat& beat = lesson.beats.at(index);
  const std::string where = lesson.path + ": beats[" + std::to_string(index) + "]";
  BeatPlan plan;
  plan.scenario_key = beat.scenario;
  plan.scenario = &lesson.scenarios.at(beat.scenario);
  Trainer trainer(*plan.scenario);
  if (beat.trained == kUntilNonFinite) {
    // Every step that stays finite; the next one is where it breaks.
    Scenario before = *plan.scenario;
    int s = 0;
    for (; s < kMaxLessonTraining; ++s) {
      const double loss = trainer.step();
      bool finite = std::isfinite(loss);
      for (const Layer& l : trainer.scenario().layers)
        finite = finite && l.weights.allFinite() && l.bias.allFinite();
      if (!finite) break;
      before = trainer.scenario();
    }
    if (s == kMaxLessonTraining)
      throw LessonError(where + ".trained: no value becomes non-finite within " + std::to_string(s) + " steps");
    plan.train_steps = s;
    plan.start = std::move(before);
  } else {
    for (int s = 0; s < beat.trained; ++s) trainer.step();
    plan.train_steps = beat.trained;
    plan.start = trainer.scenario();
  }
  Stepper st(plan.start);
  plan.cursor = cursor_of(beat, st.op_count());
  if (beat.at == BeatAt::FirstNonFinite) {
    st.jump_to(st.op_count());
    const auto bad = st.first_non_finite();
    if (!bad) throw LessonError(where + ".at: no op of this step produces a non-finite value");
    plan.cursor = bad->op_index + 1;
  }
  return plan;
}

double resolve_quantity(const QuantityRef& q, const PassState& state) {
  if (q.layer < 0 || q.layer > static_cast<int>(state.layers.size()))
    throw LessonError(std::string(buffer_name(q.buffer)) + ": no layer " + std::to_string(q.layer));
  const Eigen::MatrixXd& m = buffer_matrix(state, BufferRef{q.buffer, q.layer});
  if (q.row < 0 || q.row >= m.rows() || q.col < 0 || q.col >= m.cols())
    throw LessonError(std::string(buffer_name(q.buffer)) + ": no element (" + std::to_string(q.row) + ", " +
                      std::to_string(q.col) + ")");
  return m(q.row, q.col);
}

std::string quantity_symbol(const QuantityRef& q, const Scenario& sc) {
  std::string s = element_symbol(sc, BufferRef{q.buffer, q.layer}, q.row, q.col);
  if (tensor_info(q.buffer).per_example && sc.batch_size() > 1) s += " (example " + std::to_string(q.row + 1) + ")";
  return s;
}

std::string find_assets_dir(const std::string& executable, const std::vector<std::string>& candidates) {
  std::error_code ec;
  auto holds_assets = [&](const fs::path& p) { return fs::is_directory(p / "scenarios", ec); };
  if (!executable.empty()) {
    const fs::path bin = fs::path(executable).parent_path();
    for (const fs::path& p : {bin / "../share/backprop-viz", bin / "assets"})
      if (holds_assets(p)) return p.lexically_normal().string();
  }
  for (const std::string& c : candidates)
    if (!c.empty() && holds_assets(c)) return c;
  return "assets";
}

std::string find_assets_dir(const std::vector<std::string>& candidates) {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return find_assets_dir(ec ? std::string() : exe.string(), candidates);
}

}  // namespace bpv
