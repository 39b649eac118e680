// Where the browser differs from the desktop, for the web page's build
// (web_platform.cpp, JavaScript through EM_JS). The desktop build gets the
// inline no-ops below, so the app loop (gui_app.cpp) calls these
// unconditionally:
//   - a file the app wrote (Save, Export) is offered as a download;
//   - the session file is mirrored in the browser's localStorage;
//   - the page's link (share_link.hpp) can be copied to the clipboard.
#pragma once
#include <string>

namespace bpv {

#ifdef __EMSCRIPTEN__

// Hands the file at `path` (in the page's in-memory file system) to the
// browser as a download named like the file.
void offer_download(const std::string& path);
// Copies the file's text into localStorage / writes it back from there (at
// start, before the session file is read). Missing storage is no error.
void keep_in_browser_storage(const std::string& path);
void restore_from_browser_storage(const std::string& path);
// The page URL's fragment ("" when none), and replacing it (history, no reload).
std::string page_fragment();
// Sets the page URL's fragment and copies the whole URL to the clipboard.
// Returns the URL.
std::string copy_page_link(const std::string& fragment);
// The browser window's inner size in CSS pixels.
void page_size(int& width, int& height);
// Sends performance.now() at the first drawn frame to the page's test hook.
void note_first_frame();

#else

inline void offer_download(const std::string&) {}  // the file is where the user chose
inline void keep_in_browser_storage(const std::string&) {}

#endif

}  // namespace bpv
