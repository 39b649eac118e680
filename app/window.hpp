// The platform side in one small type: a GLFW window with an OpenGL 3.3 core
// context (loaded through the glad loader generated at build time), Dear
// ImGui with its GLFW and OpenGL3 backends, and the fonts. main's frame loop
// only calls begin_frame() / end_frame().
#pragma once
#include <string>
#include <vector>

struct GLFWwindow;

namespace bpv {

struct WindowOptions {
  int width = 1280, height = 800;
  bool visible = true;
  bool vsync = true;
  std::string title = "backprop-viz";
};

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
  // ImGui::Render(), draw(), present(): the usual end of a frame.
  void end_frame();
  // Draws ImGui's draw data into the back buffer (after ImGui::Render()).
  void draw();
  void finish();   // glFinish: the GPU is done with the frame (for timing)
  void present();  // swap buffers

  float content_scale() const { return content_scale_; }
  int framebuffer_width() const;
  int framebuffer_height() const;
  // Reads the back buffer (RGB) and writes it as a PNG, via a temp file.
  bool save_png(const std::string& path) const;
  // Paths dropped on the window since the last call.
  std::vector<std::string> take_dropped_paths();
  GLFWwindow* handle() const { return window_; }

 private:
  GLFWwindow* window_ = nullptr;
  float content_scale_ = 1.0f;
};

}  // namespace bpv
