// The platform side in one small type: a GLFW window with an OpenGL 3.3 core
// context (loaded through the glad loader generated at build time), Dear
// ImGui with its GLFW and OpenGL3 backends, and the fonts. main's frame loop
// only calls begin_frame() / end_frame().
#pragma once
#include <string>
#include <vector>

struct GLFWwindow;
struct ImFontAtlas;

namespace bpv {

// Input a test drives the UI with instead of the devices (the soak test):
// applied each frame after the platform backend's NewFrame, before ImGui's.
struct SyntheticInput {
  float mouse_x = -1.0f, mouse_y = -1.0f;  // −1: no mouse over the window
  bool mouse_down[2] = {false, false};     // left, right
  float wheel = 0.0f;                      // this frame's turn
  int key_down = -1;                       // a GLFW key code held this frame (−1: none)
  bool ctrl = false, shift = false;
  std::string text;                        // characters typed this frame
};

struct WindowOptions {
  int width = 1280, height = 800;
  bool visible = true;
  bool vsync = true;
  std::string title = "backprop-viz";
};

// The screenshot command's window: off screen, no vsync, the size asked for.
inline WindowOptions offscreen_window(int width, int height) {
  WindowOptions options;
  options.width = width;
  options.height = height;
  options.visible = false;
  options.vsync = false;
  return options;
}

class Window {
 public:
  // Throws std::runtime_error with the reason when no window can be made.
  explicit Window(const WindowOptions& options);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  bool should_close() const;
  void request_close();
  // The close button sets should_close(); the app may take it back (to ask
  // about unsaved changes first).
  void cancel_close();
  void set_title(const std::string& title);
  // The window's size in screen units divided by the content scale: what
  // WindowOptions takes to make the same window again.
  int unscaled_width() const;
  int unscaled_height() const;
  // Polls events (blocking up to `wait_seconds` when > 0 and nothing moves).
  void poll_events(double wait_seconds = 0.0);
  void begin_frame();  // backends' NewFrame + ImGui::NewFrame
  // nullptr (the default): the real mouse and keyboard.
  void set_synthetic_input(const SyntheticInput* input) { synthetic_ = input; }
  void resize(int width, int height);  // in screen units, like WindowOptions
  // ImGui::Render(), draw(), present(): the usual end of a frame.
  void end_frame();
  // Draws ImGui's draw data into the back buffer (after ImGui::Render()),
  // unless it is exactly what the window already shows (then it draws
  // nothing and returns false). `force` draws anyway (before save_png).
  bool draw(bool force = false);
  void finish();   // glFinish: the GPU is done with the frame (for timing)
  // Swaps buffers when draw() drew since the last present(); otherwise
  // keeps what is on screen (with vsync: waits out the rest of a 60 Hz frame).
  void present();
  // Forget what is on screen: the next draw() draws whatever it gets.
  void invalidate();

  // The monitor's content scale for this window (it changes when the window
  // moves to another monitor).
  float content_scale() const { return content_scale_; }
  // Rebuilds the fonts for this UI scale (between frames only).
  void set_font_scale(float scale);
  int framebuffer_width() const;
  int framebuffer_height() const;
  // Reads the back buffer (RGB) and writes it as a PNG, via a temp file.
  bool save_png(const std::string& path) const;
  // Paths dropped on the window since the last call.
  std::vector<std::string> take_dropped_paths();
  GLFWwindow* handle() const { return window_; }

 private:
  void describe_frame(std::vector<unsigned char>& out) const;

  GLFWwindow* window_ = nullptr;
  ImFontAtlas* font_atlas_ = nullptr;
  const SyntheticInput* synthetic_ = nullptr;
  float content_scale_ = 1.0f;
  float font_scale_ = 1.0f;
  static void on_content_scale(GLFWwindow* window, float sx, float sy);  // the scale the font atlas was built for
  [[maybe_unused]] bool vsync_ = true;  // (the browser paces the web page)
  // The frame on screen, as describe_frame() wrote it, and a buffer reused
  // for the next one (no allocation per frame once warm).
  std::vector<unsigned char> on_screen_, frame_scratch_;
  bool on_screen_valid_ = false;
  bool drawn_since_present_ = false;
  double last_present_time_ = 0.0;
};

}  // namespace bpv
