// `backprop-viz screenshot`: the network's window drawn off screen into a
// PNG, after K ops, a lesson's beat or a dialog; with --frames its timing
// figures, with --check-layout every op checked for text a class cannot read.
// Never reads or writes the session file: its pictures depend on its
// arguments only.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "app_loop.hpp"
#include "expression/expression_io.hpp"
#include "expression_app.hpp"
#include "panels/file_dialog.hpp"
#include "teaching/lesson.hpp"
#include "text_probe.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

const Clock::time_point g_process_start = Clock::now();

// What a frame got wrong for a class at the back (ui.layout_probe): a cut
// equation, canvas labels that overlap each other or a neuron not theirs, a
// label cut by the canvas' edge, a lesson control out of its window.
std::vector<std::string> layout_problems(const Session& session, const UiState& ui, ImVec2 display) {
  std::vector<std::string> out;
  const LayoutProbe& p = ui.layout_probe;
  // While a lesson asks for a value, no canvas label may print it.
  if (const QuantityRef* q = asked_quantity(ui.lesson); q && ui.lesson.plan &&
                                                        session.stepper().cursor() == ui.lesson.plan->cursor) {
    double answer = 0.0;
    try {
      answer = resolve_quantity(*q, session.stepper().state());
    } catch (const std::exception&) {
      answer = std::nan("");
    }
    for (const LayoutProbe::Label& l : p.labels) {
      const std::size_t at = l.text.find_first_of("-0123456789");
      if (at == std::string::npos || !std::isfinite(answer)) continue;
      char* end = nullptr;
      const double shown = std::strtod(l.text.c_str() + at, &end);
      // Significant digits printed: "0.25" has two, and may round from another value by chance;
      // three or more that agree with the answer give it away.
      int significant = 0;
      bool leading = true;
      for (const char* c = l.text.c_str() + at; c < end && *c != 'e'; ++c) {
        if (*c < '0' || *c > '9') continue;
        if (*c != '0') leading = false;
        if (!leading) ++significant;
      }
      if (significant >= 3 && std::abs(shown - answer) <= 5e-4 * std::max(1.0, std::abs(answer)))
        out.push_back("label '" + l.text + "' prints the answer of the open question");
    }
  }
  if (!p.equation_in_view) out.push_back("the equation panel cuts its numbers: " + p.equation_cut);
  auto overlap = [](const ImVec4& a, const ImVec4& b) {
    return std::min(a.z, b.z) - std::max(a.x, b.x) > 1.0f && std::min(a.w, b.w) - std::max(a.y, b.y) > 1.0f;
  };
  auto inside = [](const ImVec4& a, const ImVec4& box) {
    return a.x >= box.x - 1.0f && a.y >= box.y - 1.0f && a.z <= box.z + 1.0f && a.w <= box.w + 1.0f;
  };
  const auto& labels = p.labels;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const ImVec4& a = labels[i].rect;
    if (!inside(a, p.canvas)) out.push_back("label '" + labels[i].text + "' is cut by the canvas' edge");
    for (std::size_t j = i + 1; j < labels.size(); ++j)
      if (overlap(a, labels[j].rect))
        out.push_back("labels '" + labels[i].text + "' and '" + labels[j].text + "' overlap");
    const float cx = 0.5f * (a.x + a.z), cy = 0.5f * (a.y + a.w);
    for (const ImVec4& c : p.circles) {
      // The circle's own number: centred in it, or on a plate across its centre.
      const bool own = (cx - c.x) * (cx - c.x) + (cy - c.y) * (cy - c.y) <= c.z * c.z ||
                       (a.x <= c.x && c.x <= a.z && std::abs(cy - c.y) <= 2.0f);
      const float nx = std::clamp(c.x, a.x, a.z), ny = std::clamp(c.y, a.y, a.w);
      const float d = std::sqrt((nx - c.x) * (nx - c.x) + (ny - c.y) * (ny - c.y));
      if (!own && d < c.z - 1.0f) out.push_back("label '" + labels[i].text + "' overlaps a neuron");
    }
    // A frame's tag sits above it, inside its sides; no number crosses a side.
    for (const ImVec4& fr : p.frames) {
      const bool level = std::min(a.w, fr.w) - std::max(a.y, fr.y) > 1.0f;
      const auto crosses = [&](float side) { return a.x < side - 1.0f && a.z > side + 1.0f; };
      if (level && (crosses(fr.x) || crosses(fr.z)))
        out.push_back("label '" + labels[i].text + "' crosses the frame round the op's edges");
    }
  }
  const ImVec4 screen(0.0f, 0.0f, display.x, display.y);
  for (const LayoutProbe::Control& c : p.controls)
    if (!inside(c.rect, c.window) || !inside(c.rect, screen)) out.push_back("control '" + c.name + "' is cut off");
  return out;
}

// `screenshot --list-text`: every text of the last frame, one JSON object a
// line: the window, the text, its rectangle and the rectangle that shows it.
void print_drawn_text() {
  for (const DrawnText& t : DrawnTexts()) {
    const nlohmann::json line = {{"window", t.window},
                                 {"text", t.text},
                                 {"rect", {std::round(t.rect.x), std::round(t.rect.y), std::round(t.rect.z), std::round(t.rect.w)}},
                                 {"visible", {std::round(t.visible.x), std::round(t.visible.y), std::round(t.visible.z), std::round(t.visible.w)}}};
    std::printf("%s\n", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

int run_screenshot(const ScreenshotRequest& request) {
  if (is_expression_file(request.scenario_path)) return run_expression_screenshot(request);
  try {
    Scenario scenario = open_scenario(request.scenario_path);
    Window window(offscreen_window(request.width, request.height));
    Session session(std::move(scenario), file_of(request.scenario_path));
    UiState ui = make_ui_state(window);
    CommandQueue commands;
    if (request.step >= 0) session.apply(command::JumpTo{static_cast<std::size_t>(request.step)});
    // --dialog: a picture of one of the File menu's modals.
    if (request.dialog == "open") OpenPathDialog(session, ui.files, FileAction::Open);
    else if (request.dialog == "save-as") OpenPathDialog(session, ui.files, FileAction::SaveAs);
    else if (request.dialog == "export") OpenPathDialog(session, ui.files, FileAction::ExportWorkedExample);
    else if (request.dialog == "unsaved") ui.files.ask_unsaved = FileRequest{FileAction::Quit, "", false};
    else if (request.dialog == "error")
      report_failure(ui, "Not saved",
                     "/home/me/net.json: cannot replace: Directory not empty\nThe file on disk was not changed.");
    if (!request.import_csv.empty()) preview_csv(ui, request.import_csv);
    // --tab: the right column's middle slot. --training: a training job runs
    // through every frame and the Insight tab recomputes its decision region
    // each frame; --refresh-insight: the recomputation alone, no job competing
    // for the CPU (the timing figures in README).
    if (!request.tab.empty()) {
      ui.right_tab = right_tab_named(request.tab);
      ui.right_tab_requested = true;
    }
    ui.insight_force_refresh = request.training || request.refresh_insight;
    ui.gradcheck_edges = request.tab == "gradcheck";  // its picture shows the edge colours too
    // --lesson, --beat, --presenter: a lesson's beat as a class would see it.
    if (!request.lesson.empty()) {
      ui.lesson.lesson = std::make_shared<const Lesson>(load_lesson(request.lesson));
      ui.lesson.beat = static_cast<std::size_t>(std::clamp<int>(
          request.beat, 0, static_cast<int>(ui.lesson.lesson->beats.size()) - 1));
      ui.lesson.enter_requested = true;
      if (request.tab.empty()) {
        ui.right_tab = RightTab::Lesson;
        ui.right_tab_requested = true;
      }
    }
    if (request.record) {
      StartRecording(session, ui, !request.lesson.empty());
      ui.right_tab = RightTab::Lesson;
      ui.right_tab_requested = true;
    }
    ui.presenter = request.presenter;
    ui.op_graph = request.op_graph;
    ui.help_open = request.help;
    ui.compare.open = request.compare;
    ui.confusion.open = request.confusion;
    ui.confusion.test_set = request.confusion;  // the test set where there is one (the window falls back)
    if (request.confusion) ui.confusion.truth = ui.confusion.predicted = 0;
    ui.text_scale = std::clamp(request.text_scale, kMinTextScale, kMaxTextScale);
    if (request.light) {
      ui.dark = false;
      apply_theme(ui.dark, ui.content_scale);
    }
    std::vector<double> insight_grid_ms, insight_upload_ms;

    FrameContext f{window, session, ui, commands};
    auto frame = [&](double* build_ms) {
      const Clock::time_point t0 = Clock::now();
      if (request.training && !session.training()) session.apply(command::TrainSteps{1000000});
      build_frame(f, 0.0, {}, !request.empty_frame);
      if (build_ms) *build_ms = ms_since(t0);
    };
    // The first frame, timed from process start: what a user waits for.
    frame(nullptr);
    window.draw();
    window.finish();
    const double first_frame_ms = ms_since(g_process_start);
    window.present();
    // A lesson beat takes a few frames to enter (load, train in chunks, jump).
    for (int i = 0; i < 10000 && ui.lesson.lesson &&
                    (ui.lesson.enter_requested || ui.lesson.stage != LessonUiState::Stage::Idle || session.training());
         ++i) {
      frame(nullptr);
      window.draw();
      window.present();
      if (session.training()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }

    if (request.check_layout) {
      // Every op (or every beat), a few frames each to settle, then the checks.
      ui.layout_probe.on = true;
      int problems = 0;
      auto check = [&](const std::string& where) {
        // Until the panels stop resizing (the equation panel takes the
        // height its text needed last frame), at least 4 frames, then one
        // more whose text is recorded item by item.
        float last_h = -1.0f;
        for (int i = 0, stable = 0; i < 40 && (i < 4 || stable < 2); ++i) {
          ui.layout_probe.controls.clear();
          frame(nullptr);
          window.draw();
          window.present();
          stable = ui.equation_essential_h == last_h ? stable + 1 : 0;
          last_h = ui.equation_essential_h;
        }
        ui.layout_probe.controls.clear();
        RecordDrawnText(true);
        frame(nullptr);
        window.draw();
        window.present();
        std::vector<std::string> found = layout_problems(session, ui, ImGui::GetIO().DisplaySize);
        for (std::string& w : WindowsThatCutText()) found.push_back(std::move(w));
        for (std::string& t : TextsCut()) found.push_back(std::move(t));
        RecordDrawnText(false);
        for (const std::string& p : found) {
          std::printf("%s: %s\n", where.c_str(), p.c_str());
          ++problems;
        }
      };
      if (ui.lesson.lesson) {
        for (std::size_t b = 0; b < ui.lesson.lesson->beats.size(); ++b) {
          ui.lesson.beat = b;
          ui.lesson.enter_requested = true;
          for (int i = 0; i < 10000 && (ui.lesson.enter_requested || ui.lesson.stage != LessonUiState::Stage::Idle ||
                                        session.training());
               ++i) {
            frame(nullptr);
            if (session.training()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
          }
          check("beat " + std::to_string(b + 1));
        }
      } else {
        for (std::size_t k = 0; k <= session.stepper().op_count(); ++k) {
          session.apply(command::JumpTo{k});
          check("op " + std::to_string(k));
        }
      }
      std::printf("layout: %d problem%s\n", problems, problems == 1 ? "" : "s");
      if (!window.save_png(request.output_png)) return 1;
      return problems == 0 ? 0 : 1;
    }

    if (request.frames > 0) {
      // Two passes of N frames. "redraw": every frame drawn in full, as the
      // plainest ImGui program does. Then the app's own loop, where a frame
      // identical to the one on screen is not drawn again (Window::draw).
      // The --empty-frame baseline is always the plain loop.
      auto timed = [&](bool force, std::vector<double>& frame_ms, std::vector<double>& build_ms) {
        for (int i = 0; i < request.frames; ++i) {
          const Clock::time_point t0 = Clock::now();
          double b = 0.0;
          frame(&b);
          insight_grid_ms.push_back(ui.insight_grid_ms);
          insight_upload_ms.push_back(ui.insight_upload_ms);
          window.draw(force);
          window.finish();
          frame_ms.push_back(ms_since(t0));
          build_ms.push_back(b);
          window.present();
        }
      };
      std::vector<double> redraw_ms, redraw_build_ms, frame_ms, build_ms;
      timed(true, redraw_ms, redraw_build_ms);
      timed(request.empty_frame, frame_ms, build_ms);
      const ImDrawData* dd = ImGui::GetDrawData();
      int draw_calls = 0;
      for (int n = 0; n < dd->CmdListsCount; ++n) draw_calls += dd->CmdLists[n]->CmdBuffer.Size;
      std::printf("first_frame_ms: %.1f\n", first_frame_ms);
      std::printf("draw_calls: %d, vertices: %d\n", draw_calls, dd->TotalVtxCount);
      std::printf("redraw_ms_median: %.3f, build_ms_median: %.3f\n", median(redraw_ms), median(redraw_build_ms));
      std::printf("frames: %d, ms_per_frame_median: %.3f, build_ms_median: %.3f\n", request.frames,
                  median(frame_ms), median(build_ms));
      if (ui.right_tab == RightTab::Insight)  // the decision region's own share of a frame
        std::printf("insight_grid_ms_median: %.3f, insight_upload_ms_median: %.3f\n", median(insight_grid_ms),
                    median(insight_upload_ms));
    }
    // A few settling frames (ImGui sizes some items on their second frame; a
    // modal's dimmed background fades in over a fraction of a second), then
    // the picture.
    const int settle = request.dialog.empty() ? 3 : 40;
    // The gradient check runs on a worker thread: wait (up to a minute) for it.
    for (int i = 0; i < 6000 && ui.right_tab == RightTab::GradCheck && !CurrentGradCheckMaps(session, ui); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    for (int i = 0; i < settle; ++i) {
      if (request.list_text) RecordDrawnText(i + 1 == settle);
      frame(nullptr);
      // The decision region's job, started by this frame: the next one shows it.
      for (int k = 0; k < 6000 && ui.right_tab == RightTab::Insight && InsightRegionPending(ui); ++k)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      window.draw(/*force=*/i + 1 == settle);  // the last one is read back: draw it whatever
      if (i + 1 < settle) window.present();
      if (!request.dialog.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(8));
    }
    if (request.list_text) print_drawn_text();
    if (!window.save_png(request.output_png)) {
      std::fprintf(stderr, "error: %s: cannot write the PNG\n", request.output_png.c_str());
      return 1;
    }
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const LessonError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace bpv
