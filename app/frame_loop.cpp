#include "frame_loop.hpp"

#include <imgui.h>

#include "panels.hpp"
#include "theme.hpp"

namespace bpv {

void apply_queued(Session& session, UiState& ui, CommandQueue& commands) {
  for (const Command& c : commands) {
    const std::string refused = session.apply(c);
    if (!refused.empty()) show_status(ui, refused);
  }
  commands.clear();
}

// Between frames: the fonts and the style follow the monitor's content scale
// times the user's text size.
void sync_ui_scale(Window& window, UiState& ui) {
  const float scale = window.content_scale() * ui.text_scale;
  if (scale == ui.content_scale) return;
  window.set_font_scale(scale);
  ui.content_scale = scale;
  apply_theme(ui.dark, scale);
  ui.fit_requested = true;
}

void build_frame(FrameContext& f, double wait_seconds, const std::function<void()>& between, bool draw_ui) {
  f.window.poll_events(wait_seconds);
  apply_queued(f.session, f.ui, f.commands);
  if (between) between();
  f.session.poll();
  sync_ui_scale(f.window, f.ui);
  f.window.begin_frame();
  if (draw_ui) DrawApp(f.session, f.ui, f.commands);
  ImGui::Render();
}

}  // namespace bpv
