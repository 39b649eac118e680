// Every character the app can put on screen must be in the font atlas, or
// ImGui draws '?' in its place. The atlas holds only the ranges listed in
// ui/theme.cpp (start-up time), so this test reads the sources: each string
// literal in core/, ui/ and app/, and every JSON file under assets/ (lesson
// texts, scenario names), and checks that DejaVu Sans as loaded by the app
// has a glyph for each non-ASCII character found.
#include <gtest/gtest.h>
#include <imgui.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "theme.hpp"

namespace bpv {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Decodes the UTF-8 sequence at text[i], advancing i. Invalid bytes decode to
// U+FFFD (which then fails the test: a source file should be valid UTF-8).
unsigned next_codepoint(const std::string& text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned c = byte(i++);
  if (c < 0x80) return c;
  const int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
  if (extra < 0 || i + extra > text.size()) return 0xFFFD;
  unsigned cp = c & (0x3F >> extra);
  for (int k = 0; k < extra; ++k) {
    if ((byte(i) & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (byte(i++) & 0x3F);
  }
  return cp;
}

// The non-ASCII characters inside string literals of a C++ source, skipping
// comments and character literals; raw strings R"d(...)d" included.
std::set<unsigned> literal_characters(const std::string& src) {
  std::set<unsigned> out;
  std::size_t i = 0;
  while (i < src.size()) {
    if (src.compare(i, 2, "//") == 0) {
      i = src.find('\n', i);
      if (i == std::string::npos) break;
    } else if (src.compare(i, 2, "/*") == 0) {
      i = src.find("*/", i + 2);
      if (i == std::string::npos) break;
      i += 2;
    } else if (src[i] == 'R' && i + 1 < src.size() && src[i + 1] == '"') {
      const std::size_t open = src.find('(', i);
      const std::string close = ")" + src.substr(i + 2, open - i - 2) + "\"";
      const std::size_t end = src.find(close, open);
      for (std::size_t k = open + 1; k < end;) {
        const unsigned cp = next_codepoint(src, k);
        if (cp >= 0x80) out.insert(cp);
      }
      i = end + close.size();
    } else if (src[i] == '"' || src[i] == '\'') {
      const char quote = src[i++];
      while (i < src.size() && src[i] != quote) {
        if (src[i] == '\\') {
          i += 2;
          continue;
        }
        const unsigned cp = next_codepoint(src, i);
        if (cp >= 0x80 && quote == '"') out.insert(cp);
      }
      ++i;
    } else {
      ++i;
    }
  }
  return out;
}

std::set<unsigned> all_characters(const std::string& text) {
  std::set<unsigned> out;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned cp = next_codepoint(text, i);
    if (cp >= 0x80) out.insert(cp);
  }
  return out;
}

// character → one file that uses it (for the failure message)
std::map<unsigned, std::string> characters_on_screen() {
  std::map<unsigned, std::string> used;
  const fs::path root = BPV_SOURCE_DIR;
  for (const char* dir : {"core", "ui", "app"})
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      const std::string ext = e.path().extension().string();
      if (ext != ".cpp" && ext != ".hpp") continue;
      for (unsigned cp : literal_characters(read_file(e.path())))
        used.emplace(cp, fs::relative(e.path(), root).string());
    }
  for (const auto& e : fs::recursive_directory_iterator(root / "assets")) {
    if (e.path().extension() != ".json") continue;
    for (unsigned cp : all_characters(read_file(e.path())))
      used.emplace(cp, fs::relative(e.path(), root).string());
  }
  return used;
}

std::string utf8(unsigned cp) {
  std::string s;
  if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  }
  s += static_cast<char>(0x80 | (cp & 0x3F));
  return s;
}

TEST(GlyphCoverage, TheScannerFindsLiteralsAndSkipsComments) {
  const std::string src =
      "// ∂ in a comment\n/* σ in a block */ const char* a = \"δ = ∂L/∂z\"; char c = 'x';\n"
      "auto r = R\"(→)\";";
  EXPECT_EQ(literal_characters(src), (std::set<unsigned>{0x3B4, 0x2202, 0x2192}));
}

TEST(GlyphCoverage, EveryCharacterTheAppShowsHasAGlyph) {
  FontAtlas loaded = build_font_atlas(1.0f);
  ASSERT_NE(loaded.atlas, nullptr);
  if (loaded.fonts.fallback) {
    IM_DELETE(loaded.atlas);
    GTEST_SKIP() << "DejaVu Sans is not installed here (.ci/setup installs fonts-dejavu-core)";
  }
  const auto used = characters_on_screen();
  EXPECT_GT(used.size(), 20u) << "the scan found almost nothing: is BPV_SOURCE_DIR right?";
  for (const auto& [cp, file] : used)
    for (ImFont* font : {loaded.fonts.regular, loaded.fonts.small, loaded.fonts.large})
      EXPECT_NE(font->FindGlyphNoFallback(static_cast<ImWchar>(cp)), nullptr)
          << "U+" << std::hex << cp << " '" << utf8(cp) << "' (used in " << file
          << ") has no glyph: add it to kGlyphRanges in ui/theme.cpp";
  IM_DELETE(loaded.atlas);
}

}  // namespace
}  // namespace bpv
