#include "text_wrap.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "imgui_frame.hpp"

namespace bpv {
namespace {

class TextWrap : public ::testing::Test, protected ImGuiFrameFixture {
 protected:
  void SetUp() override { begin(); }
  void TearDown() override { end(); }
  static float width(const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x; }
};

TEST_F(TextWrap, NoLineIsWiderThanAskedAndEveryWordStaysInOrder) {
  const std::string text = "δ³₁ = 0.19845 × (-5.0391 − (0.19845×(-5.0391) + 0.28536×1.3993)) = -1.0925 at op 9";
  float widest_word = 0.0f;  // narrower lines break inside a word (the next test)
  for (std::size_t b = 0, e; b < text.size(); b = e + 1) {
    e = std::min(text.find(' ', b), text.size());
    widest_word = std::max(widest_word, width(text.substr(b, e - b)));
  }
  for (float w : {widest_word, widest_word + 25.0f, 2.0f * widest_word, 400.0f}) {
    const std::vector<std::string> lines = WrapAtSpaces(text, w);
    std::string joined;
    for (const std::string& line : lines) {
      EXPECT_LE(width(line), w) << "'" << line << "' at " << w;
      joined += (joined.empty() ? "" : " ") + line;
    }
    EXPECT_EQ(joined, text) << "at width " << w;
  }
}

TEST_F(TextWrap, ANumberIsNeverSplitAtItsPoint) {
  // ImGui's own wrapping breaks after '.', which reads "-1." then "0925".
  const std::string number = "-1.0925";
  const std::vector<std::string> lines = WrapAtSpaces("result = " + number, width("result = -1.09"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], number);
}

TEST_F(TextWrap, AWordLongerThanALineIsBrokenBetweenCharacters) {
  const std::string path = "/home/teacher/lessons/σ-saturation/very_long_file_name.json";
  const float w = 100.0f;
  const std::vector<std::string> lines = WrapAtSpaces(path, w);
  ASSERT_GT(lines.size(), 1u);
  std::string joined;
  for (const std::string& line : lines) {
    EXPECT_LE(width(line), w);
    EXPECT_FALSE(line.empty());
    joined += line;
  }
  EXPECT_EQ(joined, path);  // no character lost, σ's two bytes kept together
}

TEST_F(TextWrap, AShortTextIsOneLine) {
  EXPECT_EQ(WrapAtSpaces("L = 2.6793", 500.0f), std::vector<std::string>{"L = 2.6793"});
  EXPECT_TRUE(WrapAtSpaces("", 500.0f).empty());
}

}  // namespace
}  // namespace bpv
