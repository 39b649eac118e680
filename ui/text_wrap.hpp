// Text that wraps to the panel at spaces only. ImGui's TextWrapped also breaks
// after '.', ',' and '-', which splits "-1.0925" into "-1." and "0925" and a
// path anywhere; here a word longer than a line (a path) is broken between
// characters, so nothing runs past the panel's edge.
#pragma once
#include <string>
#include <vector>

namespace bpv {

// The lines of `text` in the current font, each at most `width` pixels wide.
std::vector<std::string> WrapAtSpaces(const std::string& text, float width);
// Draws `text` wrapped to what is left of the current line's width.
void TextWrappedAtSpaces(const std::string& text);

}  // namespace bpv
