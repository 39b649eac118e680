#include "window.hpp"

// glad before GLFW, so GLFW does not pull in a system GL header first.
#include <glad/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "theme.hpp"

namespace bpv {
namespace {

std::vector<std::string> g_dropped;  // GLFW's drop callback has no user pointer of ours

void on_drop(GLFWwindow*, int count, const char** paths) {
  for (int i = 0; i < count; ++i) g_dropped.emplace_back(paths[i]);
}

// Kept for the exception text: one error line, not a GLFW line plus ours.
std::string g_last_glfw_error;
void on_glfw_error(int, const char* text) { g_last_glfw_error = text; }

}  // namespace

Window::Window(const WindowOptions& options) {
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit())
    throw std::runtime_error("cannot open a window: " + g_last_glfw_error + " (no display? try xvfb-run -a)");
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_VISIBLE, options.visible ? GLFW_TRUE : GLFW_FALSE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);  // HiDPI: window size in screen units
  window_ = glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr, nullptr);
  if (!window_) {
    glfwTerminate();
    throw std::runtime_error("cannot open an OpenGL 3.3 window: " + g_last_glfw_error);
  }
  glfwMakeContextCurrent(window_);
  if (!gladLoadGL(glfwGetProcAddress)) {
    glfwDestroyWindow(window_);
    glfwTerminate();
    throw std::runtime_error("cannot load OpenGL 3.3 functions");
  }
  glfwSwapInterval(options.vsync ? 1 : 0);
  glfwSetDropCallback(window_, on_drop);

  float sx = 1.0f, sy = 1.0f;
  glfwGetWindowContentScale(window_, &sx, &sy);
  content_scale_ = sx > 0.0f ? sx : 1.0f;

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the layout is computed, not saved
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  load_fonts(content_scale_);
}

Window::~Window() {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
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
  if (wait_seconds > 0.0) glfwWaitEventsTimeout(wait_seconds);
  else glfwPollEvents();
}

void Window::begin_frame() {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
}

void Window::end_frame() {
  ImGui::Render();
  draw();
  present();
}

void Window::finish() { glFinish(); }
void Window::present() { glfwSwapBuffers(window_); }

void Window::draw() {
  const int w = framebuffer_width(), h = framebuffer_height();
  glViewport(0, 0, w, h);
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(bg.x, bg.y, bg.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

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
  std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * h * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  // GL's rows run bottom-up; PNG's top-down. Write through a temp file so a
  // failed write never leaves half a PNG under the asked name.
  stbi_flip_vertically_on_write(1);
  const std::string tmp = path + ".tmp-png";
  if (!stbi_write_png(tmp.c_str(), w, h, 3, pixels.data(), w * 3)) {
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
