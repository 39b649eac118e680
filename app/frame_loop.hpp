// The one frame every window of the program turns: the app (and the web
// page), `screenshot` and `soak`. They differ only in what they do between
// the commands and the drawing (file requests: done, dropped, or none) and
// with the picture afterwards (shown, timed, read back), so those are the
// caller's; the order of everything else is here, once.
#pragma once
#include <functional>

#include "engine/session.hpp"
#include "ui_state.hpp"
#include "window.hpp"

namespace bpv {

struct FrameContext {
  Window& window;
  Session& session;
  UiState& ui;
  CommandQueue& commands;
};

// Applies the commands queued last frame, each once; a refused one is shown
// in the status line.
void apply_queued(Session& session, UiState& ui, CommandQueue& commands);

// Rebuilds the fonts and the style when the monitor's content scale or the
// user's text size changed (step 5 of build_frame).
void sync_ui_scale(Window& window, UiState& ui);

// One frame up to its draw lists:
//   1. input (waiting up to wait_seconds while nothing moves),
//   2. the commands the UI queued last frame,
//   3. between(): the caller's disk work (file requests) and anything that
//      must see the commands applied but come before the session's poll,
//   4. the session takes in a finished training job,
//   5. fonts and style follow the content scale,
//   6. the UI is built from what the session publishes (panels queue
//      commands for the next frame) and rendered to draw lists.
// draw_ui false builds an empty ImGui frame (the timing baseline).
void build_frame(FrameContext& frame, double wait_seconds = 0.0, const std::function<void()>& between = {},
                 bool draw_ui = true);

}  // namespace bpv
