// The window for an expression graph (formats.md §7): the app opened on an
// expression file, and `screenshot` of one. The network's window (gui_app)
// hands over to these when the file's "kind" is "expression".
#pragma once
#include "gui_entry.hpp"

namespace bpv {

int run_expression_window(const WindowRequest& request);
// File ▸ New expression graph…: a small graph to start from, the editor open, no file yet.
int run_new_expression_window();
int run_expression_screenshot(const ScreenshotRequest& request);

}  // namespace bpv
