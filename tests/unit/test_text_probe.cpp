#include "text_probe.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "imgui_frame.hpp"

namespace bpv {
namespace {

class TextProbe : public ::testing::Test, protected ImGuiFrameFixture {
 protected:
  // One frame: a fixed window of `width` pixels with a button and a line of text.
  std::vector<std::string> frame_with_window(float width) {
    begin();
    RecordDrawnText(true);
    ImGui::SetNextWindowPos(ImVec2(10, 10));
    ImGui::SetNextWindowSize(ImVec2(width, 120));
    ImGui::Begin("Lesson", nullptr, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoSavedSettings);
    ImGui::Button("Next beat", ImVec2(50, 0));  // a button narrower than its label
    ImGui::TextUnformatted("The loss falls by a third");
    ImGui::End();
    end();
    std::vector<std::string> cut = TextsCut();
    RecordDrawnText(false);
    return cut;
  }
  static bool mentions(const std::vector<std::string>& lines, const std::string& what) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.find(what) != std::string::npos; });
  }
};

TEST_F(TextProbe, SeesEveryTextWithItsRectangleAndWindow) {
  ASSERT_TRUE(DrawnTextSeen());
  frame_with_window(400.0f);
  frame_with_window(400.0f);  // a window's first frame lays it out
  begin();
  RecordDrawnText(true);
  ImGui::SetNextWindowPos(ImVec2(10, 10));
  ImGui::Begin("Lesson", nullptr, ImGuiWindowFlags_NoSavedSettings);
  ImGui::TextUnformatted("The loss falls by a third");
  ImGui::End();
  end();
  const std::vector<DrawnText>& texts = DrawnTexts();
  const auto it = std::find_if(texts.begin(), texts.end(),
                               [](const DrawnText& t) { return t.text == "The loss falls by a third"; });
  ASSERT_NE(it, texts.end());
  EXPECT_EQ(it->window, "Lesson");
  EXPECT_NEAR(it->rect.z - it->rect.x, ImGui::CalcTextSize("The loss falls by a third").x, 0.5f);
  EXPECT_GT(it->visible.z, it->visible.x);
  RecordDrawnText(false);
  EXPECT_TRUE(DrawnTexts().empty());
}

TEST_F(TextProbe, FindsAButtonLabelItsButtonCutsAndTextPastTheWindowsEdge) {
  frame_with_window(400.0f);
  const std::vector<std::string> cut = frame_with_window(400.0f);
  EXPECT_TRUE(mentions(cut, "'Next beat'")) << "the 50 px button cuts its label";
  EXPECT_FALSE(mentions(cut, "The loss falls")) << "400 px hold the line";

  frame_with_window(90.0f);
  const std::vector<std::string> narrow = frame_with_window(90.0f);
  EXPECT_TRUE(mentions(narrow, "The loss falls by a third")) << "a 90 px window cuts the line";
}

}  // namespace
}  // namespace bpv
