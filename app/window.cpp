#include "window.hpp"

// The GL header (glad, or GLES 3 on the web) before GLFW, so GLFW does not
// pull in a system GL header first.
#include "gl_api.hpp"
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <chrono>
#ifdef __EMSCRIPTEN__
#include <emscripten/html5.h>
#endif
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <future>
#include <stdexcept>
#include <thread>

#include "canvas/heatmap_texture.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

std::vector<std::string> g_dropped;  // GLFW's drop callback has no user pointer of ours

void on_drop(GLFWwindow*, int count, const char** paths) {
  for (int i = 0; i < count; ++i) g_dropped.emplace_back(paths[i]);
}

// The window was uncovered or must be drawn again: what is on screen is lost.
bool g_refresh_requested = false;
void on_refresh(GLFWwindow*) { g_refresh_requested = true; }

// Kept for the exception text: one error line, not a GLFW line plus ours.
std::string g_last_glfw_error;
void on_glfw_error(int, const char* text) { g_last_glfw_error = text; }

#ifdef __EMSCRIPTEN__
// The page's content scale: the browser's device pixels per CSS pixel (a
// HiDPI screen, or the page zoomed). emscripten's GLFW 3.2 has no content
// scale of its own.
float page_pixel_ratio() {
  const double r = emscripten_get_device_pixel_ratio();
  return r >= 0.5 && r <= 4.0 ? static_cast<float>(r) : 1.0f;
}
#endif

}  // namespace

Window::Window(const WindowOptions& options) : vsync_(options.vsync) {
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit())
    throw std::runtime_error("cannot open a window: " + g_last_glfw_error + " (no display? try xvfb-run -a)");
  // The fonts are rasterised on a worker thread while GLFW and the GL driver
  // start (the slowest part of start-up: about 0.2 s under Mesa llvmpipe).
  // Nothing here touches ImGui until the worker is done: its allocator
  // counters live in the context, which does not exist yet.
  float monitor_scale = 1.0f;
#ifdef __EMSCRIPTEN__
  // The page has no threads: the atlas is built when it is taken, below.
  // The page draws at the device's pixels: the canvas' backing store is its
  // CSS size (web_shell.html) times the pixel ratio, and the UI scales by
  // that ratio as it does by a HiDPI monitor's content scale.
  monitor_scale = page_pixel_ratio();
  content_scale_ = monitor_scale;
  std::future<FontAtlas> fonts = std::async(std::launch::deferred, build_font_atlas, monitor_scale);
#else
  float unused = 1.0f;
  if (GLFWmonitor* monitor = glfwGetPrimaryMonitor()) glfwGetMonitorContentScale(monitor, &monitor_scale, &unused);
  if (!(monitor_scale > 0.0f)) monitor_scale = 1.0f;
  std::future<FontAtlas> fonts = std::async(std::launch::async, build_font_atlas, monitor_scale);
#endif

  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_VISIBLE, options.visible ? GLFW_TRUE : GLFW_FALSE);
#ifdef GLFW_SCALE_TO_MONITOR  // GLFW 3.3 (emscripten's is 3.2)
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);  // HiDPI: window size in screen units
#endif
#ifdef GLFW_X11_CLASS_NAME  // GLFW 3.3 on X11
  // The X11 class the desktop entry's StartupWMClass names, so that the
  // task bar shows the window under the installed icon (GLFW's default is
  // the window title, which changes with the open file).
  glfwWindowHintString(GLFW_X11_CLASS_NAME, "backprop-viz");
  glfwWindowHintString(GLFW_X11_INSTANCE_NAME, "backprop-viz");
#endif
  window_ = glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr, nullptr);
  if (!window_) {
    IM_DELETE(fonts.get().atlas);
    glfwTerminate();
    throw std::runtime_error("cannot open an OpenGL 3.3 window: " + g_last_glfw_error);
  }
  glfwMakeContextCurrent(window_);
#ifndef __EMSCRIPTEN__
  if (!gladLoadGL(glfwGetProcAddress)) {
    IM_DELETE(fonts.get().atlas);
    glfwDestroyWindow(window_);
    glfwTerminate();
    throw std::runtime_error("cannot load OpenGL 3.3 functions");
  }
  glfwSwapInterval(options.vsync ? 1 : 0);
#endif
  // A file dropped on the page's canvas arrives here too: emscripten's GLFW
  // copies it into the in-memory file system and passes its path.
  glfwSetDropCallback(window_, on_drop);
  glfwSetWindowRefreshCallback(window_, on_refresh);
  glfwSetWindowUserPointer(window_, this);
#ifndef __EMSCRIPTEN__
  glfwSetWindowContentScaleCallback(window_, on_content_scale);
  float sx = 1.0f, sy = 1.0f;
  glfwGetWindowContentScale(window_, &sx, &sy);
  content_scale_ = sx > 0.0f ? sx : 1.0f;
#endif

  FontAtlas loaded = fonts.get();
  if (content_scale_ != monitor_scale) {  // the window opened on another monitor than the primary
    IM_DELETE(loaded.atlas);
    loaded = build_font_atlas(content_scale_);
  }
  font_atlas_ = loaded.atlas;
  font_scale_ = content_scale_;
  IMGUI_CHECKVERSION();
  ImGui::CreateContext(font_atlas_);
  ImGui::GetIO().IniFilename = nullptr;  // the layout is computed, not saved
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
#ifdef __EMSCRIPTEN__
  ImGui_ImplOpenGL3_Init("#version 300 es");  // WebGL 2
#else
  ImGui_ImplOpenGL3_Init("#version 330 core");
#endif
  use_fonts(loaded.fonts);
}

Window::~Window() {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  IM_DELETE(font_atlas_);  // shared with the context, so not freed by it
  glfwDestroyWindow(window_);
  glfwTerminate();
}

void Window::on_content_scale(GLFWwindow* w, float sx, float) {
  if (sx > 0.0f) static_cast<Window*>(glfwGetWindowUserPointer(w))->content_scale_ = sx;
}

void Window::set_font_scale(float scale) {
  if (scale == font_scale_) return;
  FontAtlas loaded = build_font_atlas(scale);
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui::GetIO().Fonts = loaded.atlas;
  use_fonts(loaded.fonts);
  ImGui_ImplOpenGL3_CreateFontsTexture();
  IM_DELETE(font_atlas_);
  font_atlas_ = loaded.atlas;
  font_scale_ = scale;
  note_texture_content_changed();  // a new atlas: the next frame is drawn
}

bool Window::should_close() const { return glfwWindowShouldClose(window_); }
void Window::request_close() { glfwSetWindowShouldClose(window_, GLFW_TRUE); }
void Window::cancel_close() { glfwSetWindowShouldClose(window_, GLFW_FALSE); }
void Window::set_title(const std::string& title) { glfwSetWindowTitle(window_, title.c_str()); }

int Window::unscaled_width() const {
  int w = 0, h = 0;
  glfwGetWindowSize(window_, &w, &h);
  return static_cast<int>(std::lround(w / content_scale_));
}

int Window::unscaled_height() const {
  int w = 0, h = 0;
  glfwGetWindowSize(window_, &w, &h);
  return static_cast<int>(std::lround(h / content_scale_));
}

void Window::poll_events(double wait_seconds) {
#ifdef __EMSCRIPTEN__
  (void)wait_seconds;  // the browser delivers events between frames and paces the loop
  content_scale_ = page_pixel_ratio();  // zoomed, or moved to another screen: the app rescales
#else
  if (wait_seconds > 0.0) glfwWaitEventsTimeout(wait_seconds);
  else glfwPollEvents();
#endif
}

void Window::begin_frame() {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  if (synthetic_) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = synthetic_->mouse_x < 0.0f ? ImVec2(-FLT_MAX, -FLT_MAX)
                                             : ImVec2(synthetic_->mouse_x, synthetic_->mouse_y);
    io.MouseDown[0] = synthetic_->mouse_down[0];
    io.MouseDown[1] = synthetic_->mouse_down[1];
    io.MouseWheel = synthetic_->wheel;
    // The 1.86 GLFW backend indexes KeysDown by GLFW key code.
    for (int k = 0; k < IM_ARRAYSIZE(io.KeysDown); ++k) io.KeysDown[k] = k == synthetic_->key_down;
    io.KeyCtrl = synthetic_->ctrl;
    io.KeyShift = synthetic_->shift;
    io.KeyAlt = io.KeySuper = false;
    for (char c : synthetic_->text) io.AddInputCharacter(static_cast<unsigned char>(c));
  }
  ImGui::NewFrame();
}

void Window::resize(int width, int height) {
  const int w = static_cast<int>(std::lround(width * content_scale_));
  int h = static_cast<int>(std::lround(height * content_scale_));
#ifdef __EMSCRIPTEN__
  // emscripten's GLFW takes a window exactly the screen's size as a request
  // for full screen.
  int screen_w = 0, screen_h = 0;
  emscripten_get_screen_size(&screen_w, &screen_h);
  if (w == screen_w && h == screen_h) --h;
#endif
  glfwSetWindowSize(window_, w, h);
}

void Window::end_frame() {
  ImGui::Render();
  draw();
  present();
}

void Window::finish() { glFinish(); }

void Window::present() {
  if (drawn_since_present_) {
    glfwSwapBuffers(window_);
    drawn_since_present_ = false;
    return;
  }
  // Nothing new was drawn, so nothing is swapped, and the swap's wait for
  // the display does not pace the loop: wait here instead, up to one 60 Hz
  // frame since the last present, so a busy loop (playing, training) does
  // not spin a core.
  // (The browser paces the page's loop itself, and a sleep there would spin.)
#ifndef __EMSCRIPTEN__
  const double now = glfwGetTime();
  if (vsync_ && now - last_present_time_ < 1.0 / 60.0)
    std::this_thread::sleep_for(std::chrono::duration<double>(1.0 / 60.0 - (now - last_present_time_)));
#endif
  last_present_time_ = glfwGetTime();
}

// What a frame draws is fully given by ImGui's draw data (every vertex,
// index and command), the framebuffer size, the clear colour and the
// contents of the textures it samples. Serialised into one byte string so
// that "the same as the frame on screen" is an exact comparison, not a hash.
void Window::describe_frame(std::vector<unsigned char>& out) const {
  out.clear();
  auto put = [&out](const void* data, std::size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    out.insert(out.end(), p, p + bytes);
  };
  const ImDrawData* dd = ImGui::GetDrawData();
  const int size[2] = {framebuffer_width(), framebuffer_height()};
  put(size, sizeof size);
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  put(&bg, sizeof bg);
  const std::uint64_t textures = texture_content_generation();
  put(&textures, sizeof textures);
  if (!dd) return;
  put(&dd->DisplayPos, sizeof dd->DisplayPos);
  put(&dd->DisplaySize, sizeof dd->DisplaySize);
  put(&dd->FramebufferScale, sizeof dd->FramebufferScale);
  for (int n = 0; n < dd->CmdListsCount; ++n) {
    const ImDrawList* list = dd->CmdLists[n];
    put(list->VtxBuffer.Data, static_cast<std::size_t>(list->VtxBuffer.Size) * sizeof(ImDrawVert));
    put(list->IdxBuffer.Data, static_cast<std::size_t>(list->IdxBuffer.Size) * sizeof(ImDrawIdx));
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      put(&cmd.ClipRect, sizeof cmd.ClipRect);
      put(&cmd.TextureId, sizeof cmd.TextureId);
      put(&cmd.VtxOffset, sizeof cmd.VtxOffset);
      put(&cmd.IdxOffset, sizeof cmd.IdxOffset);
      put(&cmd.ElemCount, sizeof cmd.ElemCount);
      const void* callback = reinterpret_cast<const void*>(cmd.UserCallback);
      put(&callback, sizeof callback);
    }
    const int counts[2] = {list->VtxBuffer.Size, list->CmdBuffer.Size};
    put(counts, sizeof counts);
  }
}

bool Window::draw(bool force) {
  // Skip the GL work when the frame would be pixel for pixel the one on
  // screen: an idle app (or one whose mouse moves over nothing that reacts)
  // then costs the frame build only. Under software GL a full redraw of this
  // window is ~10× an empty frame.
  describe_frame(frame_scratch_);
  const bool same = on_screen_valid_ && frame_scratch_ == on_screen_;
  if (same && !force && !g_refresh_requested) return false;
  g_refresh_requested = false;
  on_screen_.swap(frame_scratch_);
  on_screen_valid_ = true;
  const int w = framebuffer_width(), h = framebuffer_height();
  glViewport(0, 0, w, h);
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(bg.x, bg.y, bg.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  drawn_since_present_ = true;
  return true;
}

void Window::invalidate() { on_screen_valid_ = false; }

int Window::framebuffer_width() const {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  return w;
}

int Window::framebuffer_height() const {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  return h;
}

bool Window::save_png(const std::string& path) const {
  const int w = framebuffer_width(), h = framebuffer_height();
#ifdef __EMSCRIPTEN__
  constexpr int channels = 4;  // WebGL 2 reads the default framebuffer as RGBA only
  constexpr GLenum format = GL_RGBA;
#else
  constexpr int channels = 3;
  constexpr GLenum format = GL_RGB;
#endif
  std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * h * channels);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, format, GL_UNSIGNED_BYTE, pixels.data());
  if (channels == 4)  // the picture is opaque, whatever blending left in alpha
    for (std::size_t i = 3; i < pixels.size(); i += 4) pixels[i] = 255;
  // GL's rows run bottom-up; PNG's top-down. Write through a temp file so a
  // failed write never leaves half a PNG under the asked name.
  stbi_flip_vertically_on_write(1);
  const std::string tmp = path + ".tmp-png";
  if (!stbi_write_png(tmp.c_str(), w, h, channels, pixels.data(), w * channels)) {
    std::remove(tmp.c_str());
    return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

std::vector<std::string> Window::take_dropped_paths() {
  std::vector<std::string> out;
  out.swap(g_dropped);
  return out;
}

}  // namespace bpv
