#include "text_probe.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <cstring>

namespace bpv {
namespace {

bool g_recording = false;
std::vector<DrawnText> g_texts;

void record(const ImDrawList* dl, const ImFont* font, float size, const ImVec2& pos, const char* begin,
            const char* end, float wrap_width, const ImVec4* fine_clip) {
  if (!g_recording || !begin) return;
  if (!end) end = begin + std::strlen(begin);
  if (begin == end) return;
  if (!font) font = dl->_Data->Font;
  if (size <= 0.0f) size = dl->_Data->FontSize;
  if (!font) return;
  const ImVec2 s = font->CalcTextSizeA(size, FLT_MAX, wrap_width > 0.0f ? wrap_width : 0.0f, begin, end);
  ImVec4 clip = dl->_CmdHeader.ClipRect;
  if (fine_clip) {
    clip.x = std::max(clip.x, fine_clip->x);
    clip.y = std::max(clip.y, fine_clip->y);
    clip.z = std::min(clip.z, fine_clip->z);
    clip.w = std::min(clip.w, fine_clip->w);
  }
  g_texts.push_back(DrawnText{dl->_OwnerName ? dl->_OwnerName : "", std::string(begin, end),
                              ImVec4(pos.x, pos.y, pos.x + s.x, pos.y + s.y), clip});
}

}  // namespace

bool DrawnTextSeen() {
#ifdef __EMSCRIPTEN__
  return false;
#else
  return true;
#endif
}

void RecordDrawnText(bool on) {
  g_recording = on;
  g_texts.clear();
}

const std::vector<DrawnText>& DrawnTexts() { return g_texts; }

std::vector<std::string> TextsCut() {
  std::vector<std::string> out;
  for (const DrawnText& t : g_texts) {
    const ImGuiWindow* w = ImGui::FindWindowByName(t.window.c_str());
    if (w && (w->Flags & (ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Popup))) continue;
    // A text field shows the part of its text around the cursor.
    if (w && ImGui::GetActiveID() != 0 && w->ID == ImGui::GetActiveID()) continue;
    // Half a pixel of a glyph's side bearing or of rounding is not a cut.
    constexpr float kSlack = 1.5f;
    const bool cut_x = t.rect.x < t.visible.x - kSlack || t.rect.z > t.visible.z + kSlack;
    const bool cut_y = t.rect.y < t.visible.y - kSlack || t.rect.w > t.visible.w + kSlack;
    // Reachable by scrolling this window or one it sits in.
    bool scrolls_x = false, scrolls_y = false;
    for (const ImGuiWindow* p = w; p; p = p->ParentWindow) {
      scrolls_x = scrolls_x || p->ScrollbarX;
      scrolls_y = scrolls_y || p->ScrollbarY;
    }
    if (!((cut_x && !scrolls_x) || (cut_y && !scrolls_y))) continue;
    char where[160];
    std::snprintf(where, sizeof where, "' drawn at [%.0f, %.0f]–[%.0f, %.0f], shown in [%.0f, %.0f]–[%.0f, %.0f]",
                  t.rect.x, t.rect.y, t.rect.z, t.rect.w, t.visible.x, t.visible.y, t.visible.z, t.visible.w);
    out.push_back("text '" + t.text + where + " is cut (window '" + t.window + "')");
  }
  return out;
}

}  // namespace bpv

#ifndef __EMSCRIPTEN__
// Both overloads of ImDrawList::AddText, as the linker names them
// (--wrap=SYMBOL sends every call from another object file to __wrap_SYMBOL;
// __real_SYMBOL is the original). The member function's `this` is the first
// argument in the Itanium C++ ABI.
#define BPV_ADDTEXT_FONT _ZN10ImDrawList7AddTextEPK6ImFontfRK6ImVec2jPKcS7_fPK6ImVec4
#define BPV_ADDTEXT_PLAIN _ZN10ImDrawList7AddTextERK6ImVec2jPKcS4_
#define BPV_CAT2(a, b) a##b
#define BPV_CAT(a, b) BPV_CAT2(a, b)

extern "C" {
void BPV_CAT(__real_, BPV_ADDTEXT_FONT)(ImDrawList*, const ImFont*, float, const ImVec2&, ImU32, const char*,
                                         const char*, float, const ImVec4*);
void BPV_CAT(__real_, BPV_ADDTEXT_PLAIN)(ImDrawList*, const ImVec2&, ImU32, const char*, const char*);

void BPV_CAT(__wrap_, BPV_ADDTEXT_FONT)(ImDrawList* dl, const ImFont* font, float size, const ImVec2& pos,
                                         ImU32 col, const char* begin, const char* end, float wrap_width,
                                         const ImVec4* fine_clip) {
  if ((col & IM_COL32_A_MASK) != 0) bpv::record(dl, font, size, pos, begin, end, wrap_width, fine_clip);
  BPV_CAT(__real_, BPV_ADDTEXT_FONT)(dl, font, size, pos, col, begin, end, wrap_width, fine_clip);
}

void BPV_CAT(__wrap_, BPV_ADDTEXT_PLAIN)(ImDrawList* dl, const ImVec2& pos, ImU32 col, const char* begin,
                                          const char* end) {
  if ((col & IM_COL32_A_MASK) != 0) bpv::record(dl, nullptr, 0.0f, pos, begin, end, 0.0f, nullptr);
  BPV_CAT(__real_, BPV_ADDTEXT_PLAIN)(dl, pos, col, begin, end);
}
}
#endif
