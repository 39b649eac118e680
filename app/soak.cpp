// The soak test (soak.hpp). One action, then a frame or two of the real UI
// (DrawApp, rendered), then the checks:
//   1. consistency: a fresh Stepper on the session's scenario, jumped to the
//      session's cursor, holds bit for bit the numbers the session shows
//      (after steps back and forth, edits, undo/redo, opens and training);
//   2. a refused open (a corrupt file) changed nothing;
//   3. resident memory, sampled every action; at the end, its growth since
//      a quarter of the run is within the bound.
// Every random draw comes from one seeded generator: a failing run is
// repeated exactly by its seed.
#include "soak.hpp"

#define GLFW_INCLUDE_NONE  // no GL header: this file draws through DrawApp only
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "layers/activations.hpp"
#include "assets_dir.hpp"
#include "file_actions.hpp"
#include "frame_loop.hpp"
#include "layers/losses.hpp"
#include "optimizers/optimizer.hpp"
#include "panels.hpp"
#include "formats/scenario_io.hpp"
#include "engine/session.hpp"
#include "engine/stepper.hpp"
#include "theme.hpp"
#include "window.hpp"

namespace bpv {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double resident_mb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

double peak_resident_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux: kilobytes
}

// "" when a and b hold the same bits (NaN included), else where they differ.
std::string matrix_difference(const char* what, int layer, const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  char where[96];
  std::snprintf(where, sizeof where, "%s of layer %d", what, layer);
  if (a.rows() != b.rows() || a.cols() != b.cols()) return std::string(where) + ": shapes differ";
  if (a.size() > 0 && std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(double)) != 0) {
    for (Eigen::Index k = 0; k < a.size(); ++k)
      if (std::memcmp(a.data() + k, b.data() + k, sizeof(double)) != 0) {
        char msg[200];
        std::snprintf(msg, sizeof msg, "%s, element %ld: %.17g shown, %.17g recomputed", where,
                      static_cast<long>(k), a.data()[k], b.data()[k]);
        return msg;
      }
  }
  return "";
}

std::string state_difference(const PassState& shown, const PassState& fresh) {
  if (shown.layers.size() != fresh.layers.size()) return "layer counts differ";
  std::string d;
  auto check = [&d](const char* what, int l, const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    if (d.empty()) d = matrix_difference(what, l, a, b);
  };
  check("inputs", 0, shown.scenario.inputs, fresh.scenario.inputs);
  check("targets", 0, shown.scenario.targets, fresh.scenario.targets);
  for (std::size_t i = 0; i < shown.layers.size(); ++i) {
    const int l = static_cast<int>(i) + 1;
    const LayerState& a = shown.layers[i];
    const LayerState& b = fresh.layers[i];
    check("W", l, shown.scenario.layers[i].weights, fresh.scenario.layers[i].weights);
    check("b", l, shown.scenario.layers[i].bias, fresh.scenario.layers[i].bias);
    check("z", l, a.pre_activation, b.pre_activation);
    check("a", l, a.activation, b.activation);
    check("dL/da", l, a.grad_activation, b.grad_activation);
    check("delta", l, a.delta, b.delta);
    check("dL/dW", l, a.grad_weights, b.grad_weights);
    check("dL/db", l, a.grad_bias, b.grad_bias);
  }
  check("loss", 0, shown.loss, fresh.loss);
  return d;
}

std::string check_consistent(const Session& session) {
  const Stepper& shown = session.stepper();
  Stepper fresh(session.scenario());
  fresh.jump_to(shown.cursor());
  if (fresh.cursor() != shown.cursor()) return "cursor out of range";
  std::string d = state_difference(shown.state(), fresh.state());
  const auto a = shown.first_non_finite(), b = fresh.first_non_finite();
  if (d.empty() && a.has_value() != b.has_value()) d = "first non-finite op: reported on one side only";
  if (d.empty() && a && b && a->op_index != b->op_index) d = "first non-finite op differs";
  return d;
}

// The files an "open" action picks from: copies of the built-in scenarios,
// and corrupt variants of them made here (truncated, bytes flipped, a number
// out of range, not JSON at all, empty, a folder, missing).
struct SoakFiles {
  std::vector<std::string> good, corrupt;
};

SoakFiles make_files(const fs::path& dir, std::mt19937_64& rng) {
  SoakFiles files;
  fs::create_directories(dir);
  std::vector<std::string> texts;
  for (const auto& e : fs::directory_iterator(fs::path(builtin_assets_dir()) / "scenarios")) {
    if (e.path().extension() != ".json") continue;
    if (fs::file_size(e.path()) > 4u << 20) continue;  // the big ones only slow the run down
    const fs::path copy = dir / e.path().filename();
    fs::copy_file(e.path(), copy, fs::copy_options::overwrite_existing);
    files.good.push_back(copy.string());
    std::ifstream in(copy);
    std::stringstream s;
    s << in.rdbuf();
    texts.push_back(s.str());
  }
  std::sort(files.good.begin(), files.good.end());  // directory order is not reproducible
  auto write = [&](const std::string& name, const std::string& text) {
    const fs::path p = dir / name;
    std::ofstream(p, std::ios::binary) << text;
    files.corrupt.push_back(p.string());
  };
  for (std::size_t k = 0; k < texts.size() && k < 6; ++k) {
    const std::string& t = texts[k];
    std::uniform_int_distribution<std::size_t> at(0, t.empty() ? 0 : t.size() - 1);
    // Cut well before the end: a cut in the trailing newline would still be a scenario.
    write("truncated_" + std::to_string(k) + ".json", t.substr(0, at(rng) * 9 / 10));
    std::string flipped = t;
    for (int f = 0; f < 4 && !flipped.empty(); ++f) flipped[at(rng)] = static_cast<char>(rng() & 0xFF);
    write("flipped_" + std::to_string(k) + ".json", flipped);
    std::string huge = t;
    if (const std::size_t p = huge.find("\"learning_rate\""); p != std::string::npos) {
      const std::size_t colon = huge.find(':', p);
      huge.insert(colon + 1, " 1e999, \"x\":");
    }
    write("out_of_range_" + std::to_string(k) + ".json", huge);
  }
  write("empty.json", "");
  write("not_json.json", "this is not a scenario\n");
  write("wrong_types.json", "{\"layers\": \"three\", \"inputs\": {}}");
  fs::create_directories(dir / "a_folder.json");
  files.corrupt.push_back((dir / "a_folder.json").string());
  files.corrupt.push_back((dir / "missing.json").string());
  return files;
}

class Soak {
 public:
  Soak(const SoakRequest& request, Window& window, Session& session, UiState& ui, const SoakFiles& files)
      : request_(request), rng_(request.seed), window_(window), session_(session), ui_(ui), files_(files) {}

  // Applies one random action; returns its description for the log.
  std::string act() {
    std::uniform_int_distribution<int> pick(0, 99);
    const int r = pick(rng_);
    if (r < 14) return step(r);
    if (r < 30) return value_edit();
    if (r < 38) return structural_edit();
    if (r < 44) return undo_redo(r);
    if (r < 48) return open_file(/*corrupt=*/false);
    if (r < 53) return open_file(/*corrupt=*/true);
    if (r < 55) return train();
    if (r < 58) return resize();
    if (r < 62) return view_change();
    return ui_input();
  }

  // One frame of the real app (frame_loop.hpp) on synthetic input. File
  // requests from random clicks (Save, Quit, Open…) are dropped where the
  // app would do them: the soak must not write over anything, and opens are
  // its own actions.
  void frame() {
    window_.set_synthetic_input(&input_);
    FrameContext f{window_, session_, ui_, commands_};
    build_frame(f, 0.0, [&] {
      ui_.files.requests.clear();
      ui_.files.ask_unsaved.reset();
      ui_.files.after_save.reset();
    });
    window_.draw();
    window_.present();
    ++frames_;
  }

  // Lets a training job finish (or cancels it after a while), so the state can be checked.
  void settle() {
    for (int k = 0; session_.training() && k < 400; ++k) {
      if (k == 200) session_.apply(command::CancelTraining{});
      frame();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  std::string last_refused_open_check() const { return open_check_; }
  long frames() const { return frames_; }

 private:
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  double value() {
    // Mostly ordinary numbers, sometimes extreme ones.
    static constexpr double kSpecial[] = {0.0, -0.0, 1e-300, -1e-300, 1e6, -1e6, 1e100, 710.0, -745.0, 1.0};
    if (uniform(0, 9) == 0) return kSpecial[uniform(0, 9)];
    return std::uniform_real_distribution<double>(-3.0, 3.0)(rng_);
  }
  const Scenario& sc() const { return session_.scenario(); }

  std::string step(int r) {
    const std::size_t n = session_.stepper().op_count();
    switch (r % 7) {
      case 0: commands_.push_back(command::StepForward{}); return "step forward";
      case 1: commands_.push_back(command::StepBack{}); return "step back";
      case 2: {
        const std::size_t k = static_cast<std::size_t>(uniform(0, static_cast<int>(n) + 2));
        commands_.push_back(command::JumpTo{k});
        return "jump to " + std::to_string(k);
      }
      case 3: commands_.push_back(command::RunToPhaseEnd{}); return "run to phase end";
      case 4: commands_.push_back(command::RunToEnd{}); return "run to end";
      case 5: commands_.push_back(command::Reset{}); return "reset";
      default: commands_.push_back(command::NextTrainingStep{}); return "next training step";
    }
  }

  std::string value_edit() {
    // Indices now and then out of range: the edit must be refused, not crash.
    const int L = sc().layer_count();
    const int l = uniform(0, 20) == 0 ? uniform(-1, L + 2) : uniform(1, std::max(1, L));
    auto size = [&](int layer) { return layer >= 0 && layer <= L ? sc().width(layer) : 1; };
    const int i = uniform(0, 30) == 0 ? uniform(-1, 5000) : uniform(0, std::max(0, size(l - 1) - 1));
    const int j = uniform(0, 30) == 0 ? uniform(-1, 5000) : uniform(0, std::max(0, size(l) - 1));
    const int e = uniform(0, std::max(0, sc().batch_size() - 1));
    const double v = value();
    Edit edit;
    std::string what;
    switch (uniform(0, 4)) {
      case 0: edit = edit::SetWeight{l, i, j, v}; what = "set W"; break;
      case 1: edit = edit::SetBias{l, j, v}; what = "set b"; break;
      case 2: edit = edit::SetInput{e, uniform(0, std::max(0, sc().input_size - 1)), v}; what = "set x"; break;
      case 3: edit = edit::SetTarget{e, uniform(0, std::max(0, sc().output_size() - 1)), v}; what = "set y"; break;
      default: edit = edit::SetLearningRate{uniform(0, 3) == 0 ? v : std::abs(v) * 0.1}; what = "set η"; break;
    }
    commands_.push_back(command::ApplyEdit{edit});
    char buf[64];
    std::snprintf(buf, sizeof buf, " (%d,%d,%d) = %g", l, i, j, v);
    return what + buf;
  }

  std::string structural_edit() {
    const int L = sc().layer_count();
    const auto& acts = all_activations();
    const auto& losses = all_losses();
    Edit edit;
    std::string what;
    switch (uniform(0, 10)) {
      case 0: edit = edit::AddNeuron{uniform(0, L)}; what = "add neuron"; break;
      case 1: edit = edit::RemoveNeuron{uniform(0, L), uniform(0, 3)}; what = "remove neuron"; break;
      case 2:
        edit = edit::AddLayer{uniform(0, std::max(0, L - 1)), uniform(1, 6),
                              std::string(acts[static_cast<std::size_t>(uniform(0, static_cast<int>(acts.size()) - 1))]->name)};
        what = "add layer";
        break;
      case 3: edit = edit::RemoveLayer{uniform(1, std::max(1, L - 1))}; what = "remove layer"; break;
      case 4:
        edit = edit::SetActivation{uniform(1, std::max(1, L)),
                                   std::string(acts[static_cast<std::size_t>(uniform(0, static_cast<int>(acts.size()) - 1))]->name)};
        what = "set activation";
        break;
      case 5:
        edit = edit::SetLoss{std::string(losses[static_cast<std::size_t>(uniform(0, static_cast<int>(losses.size()) - 1))]->name)};
        what = "set loss";
        break;
      case 6: edit = edit::AddExample{uniform(0, std::max(0, sc().batch_size() - 1))}; what = "add example"; break;
      case 7: edit = edit::RemoveExample{uniform(0, std::max(0, sc().batch_size() - 1))}; what = "remove example"; break;
      case 8: {
        // Another optimizer (or none) at its defaults, or this one with one
        // field moved, now and then out of its range: refused, not a crash.
        const auto& optimizers = all_optimizers();
        const int k = uniform(-1, static_cast<int>(optimizers.size()) - 1);
        OptimizerSpec spec = k < 0 ? OptimizerSpec{} : default_spec(*optimizers[static_cast<std::size_t>(k)]);
        if (const Optimizer* o = find_optimizer(spec.name); o && uniform(0, 1) == 0) {
          const OptimizerField& f = o->fields[static_cast<std::size_t>(uniform(0, static_cast<int>(o->fields.size()) - 1))];
          if (f.number) spec.*f.number = uniform(0, 4) == 0 ? value() : std::uniform_real_distribution<double>(0.0, 0.999)(rng_);
          if (f.flag) spec.*f.flag = !(spec.*f.flag);
        }
        edit = edit::SetOptimizer{spec};
        what = "set optimizer " + (spec.name.empty() ? std::string("(none)") : spec.name);
        break;
      }
      case 9: {
        const double l2 = uniform(0, 2) == 0 ? 0.0 : std::abs(value()) * 0.01;
        const double l1 = uniform(0, 2) == 0 ? 0.0 : (uniform(0, 4) == 0 ? value() : std::abs(value()) * 0.01);
        edit = edit::SetRegularization{Regularization{l2, l1}};
        what = "set regularization";
        break;
      }
      default: {
        InitSpec init;
        init.scheme = std::string(init_schemes()[static_cast<std::size_t>(uniform(0, 3))]);
        init.seed = static_cast<std::uint64_t>(uniform(0, 1000));
        init.value = value();
        edit = edit::Reinitialize{init};
        what = "reinitialise " + init.scheme;
      }
    }
    commands_.push_back(command::ApplyEdit{edit});
    return what;
  }

  std::string undo_redo(int r) {
    if (r % 2 == 0) commands_.push_back(command::Undo{});
    else commands_.push_back(command::Redo{});
    return r % 2 == 0 ? "undo" : "redo";
  }

  std::string open_file(bool corrupt) {
    const auto& list = corrupt ? files_.corrupt : files_.good;
    if (list.empty()) return "open (no files)";
    const std::string& path = list[static_cast<std::size_t>(uniform(0, static_cast<int>(list.size()) - 1))];
    if (session_.training()) settle();
    const Scenario before = session_.scenario();
    const std::size_t cursor = session_.stepper().cursor();
    const std::string path_before = session_.path();
    const std::string why = open_into_session(session_, path);
    open_check_.clear();
    if (corrupt && why.empty() && fs::path(path).filename().string().rfind("flipped_", 0) != 0)
      open_check_ = "the corrupt file " + path + " was accepted";
    if (!why.empty()) {  // refused: nothing may have changed
      if (session_.path() != path_before || session_.stepper().cursor() != cursor)
        open_check_ = "a refused open changed the path or the cursor";
      Stepper was(before);
      was.jump_to(cursor);
      if (open_check_.empty()) {
        const std::string d = state_difference(session_.stepper().state(), was.state());
        if (!d.empty()) open_check_ = "a refused open changed the network: " + d;
      }
      if (why.find('\n') != std::string::npos) open_check_ = "the error is not one line: " + why;
    }
    ui_.example = std::min(ui_.example, session_.scenario().batch_size() - 1);
    return (corrupt ? "open corrupt " : "open ") + fs::path(path).filename().string() +
           (why.empty() ? "" : " (refused)");
  }

  std::string train() {
    const int steps = uniform(1, 30);
    commands_.push_back(command::TrainSteps{steps});
    if (uniform(0, 3) == 0) {
      apply_queued(session_, ui_, commands_);  // the job starts, then is cancelled
      commands_.push_back(command::CancelTraining{});
      return "train " + std::to_string(steps) + " then cancel";
    }
    return "train " + std::to_string(steps);
  }

  std::string resize() {
    const int w = uniform(480, 1920), h = uniform(360, 1200);
    window_.resize(w, h);
    return "resize to " + std::to_string(w) + "x" + std::to_string(h);
  }

  std::string view_change() {
    switch (uniform(0, 4)) {
      case 0: ui_.example = uniform(-1, std::max(0, sc().batch_size() - 1)); return "show example " + std::to_string(ui_.example);
      case 1: ui_.right_tab = static_cast<RightTab>(uniform(0, 4)); ui_.right_tab_requested = true; return "right tab";
      case 2: ui_.dark = !ui_.dark; apply_theme(ui_.dark, ui_.content_scale); return "toggle theme";
      case 3: ui_.decimals = uniform(0, 8); return "decimals";
      default: ui_.fit_requested = true; return "fit";
    }
  }

  // Random input through ImGui: a click, a drag, a wheel turn, a shortcut
  // key or typed characters (then Enter or Escape), over the whole window.
  std::string ui_input() {
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    const float x = std::uniform_real_distribution<float>(0.0f, std::max(1.0f, size.x))(rng_);
    const float y = std::uniform_real_distribution<float>(0.0f, std::max(1.0f, size.y))(rng_);
    static constexpr int kKeys[] = {GLFW_KEY_SPACE, GLFW_KEY_RIGHT, GLFW_KEY_LEFT, GLFW_KEY_BACKSPACE,
                                    GLFW_KEY_HOME,  GLFW_KEY_END,   GLFW_KEY_P,    GLFW_KEY_F,
                                    GLFW_KEY_Z,     GLFW_KEY_Y,     GLFW_KEY_ESCAPE, GLFW_KEY_ENTER,
                                    GLFW_KEY_TAB,   GLFW_KEY_UP,    GLFW_KEY_DOWN};
    input_ = SyntheticInput{};
    input_.mouse_x = x;
    input_.mouse_y = y;
    std::string what;
    switch (uniform(0, 5)) {
      case 0:
      case 1: {  // click (left, now and then right), then let go
        const int button = uniform(0, 5) == 0 ? 1 : 0;
        frame();
        input_.mouse_down[button] = true;
        frame();
        input_.mouse_down[button] = false;
        what = button ? "right click" : "click";
        break;
      }
      case 2: {  // drag
        input_.mouse_down[0] = true;
        frame();
        for (int k = 0; k < 4; ++k) {
          input_.mouse_x += std::uniform_real_distribution<float>(-60.0f, 60.0f)(rng_);
          input_.mouse_y += std::uniform_real_distribution<float>(-60.0f, 60.0f)(rng_);
          frame();
        }
        input_.mouse_down[0] = false;
        what = "drag";
        break;
      }
      case 3:
        input_.wheel = std::uniform_real_distribution<float>(-3.0f, 3.0f)(rng_);
        what = "wheel";
        break;
      case 4: {  // a key, sometimes with Ctrl or Shift
        input_.key_down = kKeys[uniform(0, static_cast<int>(std::size(kKeys)) - 1)];
        input_.ctrl = uniform(0, 3) == 0;
        input_.shift = uniform(0, 3) == 0;
        frame();
        input_.key_down = -1;
        input_.ctrl = input_.shift = false;
        what = "key";
        break;
      }
      default: {  // type: the field under a double click gets the characters
        frame();
        input_.mouse_down[0] = true;
        frame();
        input_.mouse_down[0] = false;
        frame();
        input_.mouse_down[0] = true;
        frame();
        input_.mouse_down[0] = false;
        static constexpr char kChars[] = "0123456789.-e+ xq";
        for (int k = uniform(1, 8); k > 0; --k) input_.text += kChars[uniform(0, sizeof kChars - 2)];
        frame();
        input_.text.clear();
        input_.key_down = uniform(0, 2) == 0 ? GLFW_KEY_ESCAPE : GLFW_KEY_ENTER;
        frame();
        input_.key_down = -1;
        what = "type";
      }
    }
    frame();
    input_.wheel = 0.0f;
    char buf[48];
    std::snprintf(buf, sizeof buf, " at (%.0f, %.0f)", x, y);
    return what + buf;
  }

  const SoakRequest& request_;
  std::mt19937_64 rng_;
  Window& window_;
  Session& session_;
  UiState& ui_;
  const SoakFiles& files_;
  CommandQueue commands_;
  SyntheticInput input_;
  std::string open_check_;
  long frames_ = 0;
};

}  // namespace

int run_soak(const SoakRequest& request) {
  const Clock::time_point start = Clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  try {
    std::mt19937_64 file_rng(request.seed ^ 0x5eedf11e5ULL);
    const fs::path dir = request.work_dir.empty()
                             ? fs::temp_directory_path() / ("bpv-soak-" + std::to_string(getpid()))
                             : fs::path(request.work_dir);
    const SoakFiles files = make_files(dir, file_rng);

    WindowOptions options;
    options.width = 1280;
    options.height = 800;
    options.vsync = false;
    Window window(options);
    Session session(seed_scenario(), "");
    session.set_history_limit(std::size_t{32} << 20);
    UiState ui;
    ui.content_scale = window.content_scale();
    apply_theme(ui.dark, ui.content_scale);
    Soak soak(request, window, session, ui, files);

    std::deque<std::string> log;  // the last actions, printed on a failure
    std::vector<double> rss;
    double quarter_rss = 0.0;
    int done = 0;
    const int progress_every = std::max(1, request.actions / 10);
    for (; done < request.actions; ++done) {
      if (request.minutes > 0.0 && seconds() > request.minutes * 60.0) break;
      std::string what = soak.act();
      soak.frame();
      soak.settle();
      log.push_back(std::to_string(done) + ": " + what);
      if (log.size() > 25) log.pop_front();
      std::string problem = soak.last_refused_open_check();
      if (problem.empty()) problem = check_consistent(session);
      if (!problem.empty()) {
        std::fprintf(stderr, "soak: inconsistent after action %d (seed %llu): %s\nthe last actions:\n", done,
                     static_cast<unsigned long long>(request.seed), problem.c_str());
        for (const std::string& line : log) std::fprintf(stderr, "  %s\n", line.c_str());
        return 1;
      }
      rss.push_back(resident_mb());
      if (done == request.actions / 4) quarter_rss = rss.back();
      if ((done + 1) % progress_every == 0)
        std::printf("soak: %d actions, %.0f s, resident %.1f MB, undo depth %zu\n", done + 1, seconds(),
                    rss.back(), session.undo_depth());
      std::fflush(stdout);
    }
    if (quarter_rss == 0.0 && !rss.empty()) quarter_rss = rss[rss.size() / 4];
    const double end_rss = rss.empty() ? 0.0 : rss.back();
    const double growth = end_rss - quarter_rss;
    std::printf(
        "soak: %d actions, %ld frames, %.1f s, seed %llu; resident %.1f MB at a quarter, %.1f MB at the end "
        "(growth %.1f MB, bound %.0f MB), peak %.1f MB\n",
        done, soak.frames(), seconds(), static_cast<unsigned long long>(request.seed), quarter_rss, end_rss,
        growth, request.max_growth_mb, peak_resident_mb());
    std::error_code ec;
    if (request.work_dir.empty()) fs::remove_all(dir, ec);
    if (growth > request.max_growth_mb) {
      std::fprintf(stderr, "soak: memory grew by %.1f MB after the first quarter (bound %.0f MB)\n", growth,
                   request.max_growth_mb);
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace bpv
