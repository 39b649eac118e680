#include "text_wrap.hpp"

#include <imgui.h>

#include <algorithm>

namespace bpv {
namespace {

float width_of(const std::string& text, std::size_t begin, std::size_t end) {
  return ImGui::GetFont()->CalcTextSizeA(ImGui::GetFontSize(), 1e9f, 0.0f, text.data() + begin, text.data() + end).x;
}

// Past the UTF-8 character that starts at i.
std::size_t next_char(const std::string& text, std::size_t i) {
  ++i;
  while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  return i;
}

}  // namespace

std::vector<std::string> WrapAtSpaces(const std::string& text, float width) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = begin;
    bool any_word = false;
    while (end < text.size()) {  // the longest run of words that fits
      const std::size_t next = text.find(' ', end + (any_word ? 1 : 0));
      const std::size_t stop = next == std::string::npos ? text.size() : next;
      if (width_of(text, begin, stop) > width) break;
      end = stop;
      any_word = true;
    }
    if (!any_word) {  // one word wider than the line: as many characters as fit, at least one
      end = next_char(text, begin);
      while (end < text.size() && text[end] != ' ' && width_of(text, begin, next_char(text, end)) <= width)
        end = next_char(text, end);
    }
    lines.emplace_back(text, begin, end - begin);
    begin = end < text.size() && text[end] == ' ' ? end + 1 : end;
  }
  return lines;
}

void TextWrappedAtSpaces(const std::string& text) {
  for (const std::string& line : WrapAtSpaces(text, std::max(50.0f, ImGui::GetContentRegionAvail().x)))
    ImGui::TextUnformatted(line.c_str());
}

}  // namespace bpv
