// The browser's side of the web page (web_platform.hpp): downloads, storage,
// the link, the page size. The upload (File ▸ Open) is ui/panels/file_dialog.cpp's,
// a drop on the page emscripten's GLFW's; the test hook is in gui_app.cpp.
#include "web_platform.hpp"

#include <emscripten.h>

#include <cstdlib>
#include <filesystem>

#include "formats/scenario_io.hpp"

namespace {

// A string made by JavaScript in the module's heap; the caller frees it.
std::string take_js_string(char* text) {
  std::string out = text ? text : "";
  std::free(text);
  return out;
}

EM_JS(void, js_download, (const char* path, const char* name), {
  const data = FS.readFile(UTF8ToString(path));
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([data], {type : 'application/octet-stream'}));
  link.download = UTF8ToString(name);
  document.body.appendChild(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 10000);
});

EM_JS(char*, js_storage_get, (const char* key), {
  let value = null;
  try { value = window.localStorage.getItem(UTF8ToString(key)); } catch (e) {}
  if (value === null) return 0;
  const bytes = lengthBytesUTF8(value) + 1;
  const p = _malloc(bytes);
  stringToUTF8(value, p, bytes);
  return p;
});

EM_JS(void, js_storage_set, (const char* key, const char* value), {
  try { window.localStorage.setItem(UTF8ToString(key), UTF8ToString(value)); } catch (e) {
    console.warn('backprop-viz: the session is not kept in this browser: ' + e);
  }
});

EM_JS(char*, js_fragment, (), {
  const hash = window.location.hash || "";
  const bytes = lengthBytesUTF8(hash) + 1;
  const p = _malloc(bytes);
  stringToUTF8(hash, p, bytes);
  return p;
});

EM_JS(char*, js_copy_link, (const char* fragment), {
  const url = new URL(window.location.href);
  url.hash = UTF8ToString(fragment);
  history.replaceState(null, "", url.href);
  const text = url.href;
  // The clipboard API wants a secure context and a recent user gesture (the
  // menu click); a selected textarea and execCommand work where it does not.
  const fallback = () => {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand('copy'); } catch (e) {}
    area.remove();
  };
  if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).catch(fallback);
  else fallback();
  const bytes = lengthBytesUTF8(text) + 1;
  const p = _malloc(bytes);
  stringToUTF8(text, p, bytes);
  return p;
});

EM_JS(void, js_page_size, (int* width, int* height), {
  HEAP32[width >> 2] = window.innerWidth;
  HEAP32[height >> 2] = window.innerHeight;
});

EM_JS(void, js_first_frame, (), { Module.bpvFirstFrameMs = performance.now(); });

constexpr const char* kStorageKey = "backprop-viz/session.json";

}  // namespace

namespace bpv {

void offer_download(const std::string& path) {
  js_download(path.c_str(), std::filesystem::path(path).filename().string().c_str());
}

void keep_in_browser_storage(const std::string& path) {
  try {
    js_storage_set(kStorageKey, read_text_file(path).c_str());
  } catch (const std::exception&) {
  }
}

void restore_from_browser_storage(const std::string& path) {
  const std::string text = take_js_string(js_storage_get(kStorageKey));
  if (text.empty()) return;
  try {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    write_file_atomic(path, text);
  } catch (const std::exception&) {
  }
}

std::string page_fragment() { return take_js_string(js_fragment()); }

std::string copy_page_link(const std::string& fragment) { return take_js_string(js_copy_link(fragment.c_str())); }

void page_size(int& width, int& height) { js_page_size(&width, &height); }

void note_first_frame() { js_first_frame(); }

}  // namespace bpv
