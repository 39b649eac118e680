// An ImGui context with the built-in font and a 800×600 display, for tests
// that lay out text without a window or GL.
#pragma once
#include <imgui.h>

struct ImGuiFrameFixture {
  ImGuiFrameFixture() {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(800.0f, 600.0f);
    io.IniFilename = nullptr;
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // builds the font atlas
  }
  ~ImGuiFrameFixture() { ImGui::DestroyContext(); }
  void begin() {
    ImGui::GetIO().DeltaTime = 1.0f / 60.0f;
    ImGui::NewFrame();
  }
  void end() {
    ImGui::Render();
  }
};
