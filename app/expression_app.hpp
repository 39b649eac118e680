// The window for an expression graph (formats.md §7): the app opened on an
// expression file, and `screenshot` of one. The network's window (gui_app)
// hands over to these when the file's "kind" is "expression"; the web page,
// which has one canvas, shows an ExpressionLoop in the network's window.
#pragma once
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "expressions/expression_ui_state.hpp"
#include "gui_entry.hpp"

namespace bpv {

class Window;

int run_expression_window(const WindowRequest& request);
// File ▸ New expression graph…: a small graph to start from, the editor open,
// no file yet; the GUI tests read its state from dump_state_path ("" = none).
int run_new_expression_window(const std::string& dump_state_path = "");
int run_expression_screenshot(const ScreenshotRequest& request);

// An expression drawn in a window it borrows: the session, the view's state
// and the commands the view queued for the next frame.
class ExpressionLoop {
 public:
  ExpressionLoop(Window& window, ExpressionSession session, std::shared_ptr<const ExprLesson> lesson = nullptr,
                 bool editor_open = false);
  // One frame (poll, commands, draw, show); false once the user left (Ctrl+Q,
  // or the page's "◀ Networks").
  bool frame();
  // The GUI tests' view: where the cursor is, and the numbers.
  nlohmann::ordered_json state() const;
  ExpressionSession& session() { return session_; }

 private:
  void save();
  void save_lesson();
  void copy_link();

  Window& window_;
  ExpressionSession session_;
  ExpressionUiState ui_;
  ExprCommandQueue commands_;
};

// An expression file or a lesson on one, or File ▸ New expression graph…'s
// start; throws ScenarioError for a bad file.
std::unique_ptr<ExpressionLoop> open_expression_loop(Window& window, const std::string& path);
std::unique_ptr<ExpressionLoop> new_expression_loop(Window& window);

}  // namespace bpv
