# The web build with Debian's emscripten 3.1.6 (the `web` preset, set up by
# .ci/setup-web): the app alone, as one self-contained page.
#
# emcc must not see /usr/include as a whole (glibc's headers would shadow its
# own libc), so each header-only library the desktop uses is given on its
# own: Eigen and stb have folders of their own; nlohmann-json lives in
# /usr/include/nlohmann, reached through a folder of links in the build tree.
set(BPV_WEB_INCLUDE ${CMAKE_BINARY_DIR}/web-include)
file(MAKE_DIRECTORY ${BPV_WEB_INCLUDE})
file(CREATE_LINK /usr/include/nlohmann ${BPV_WEB_INCLUDE}/nlohmann SYMBOLIC)

add_library(Eigen3::Eigen INTERFACE IMPORTED)
target_include_directories(Eigen3::Eigen SYSTEM INTERFACE /usr/include/eigen3)
add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
target_include_directories(nlohmann_json::nlohmann_json SYSTEM INTERFACE ${BPV_WEB_INCLUDE})

# Dear ImGui 1.86 from Debian's source package, unpacked by .ci/setup-web.
set(BPV_IMGUI_DIR ${PROJECT_SOURCE_DIR}/build/web-deps/imgui CACHE PATH "Dear ImGui's sources (Debian's imgui source package)")
if(NOT EXISTS ${BPV_IMGUI_DIR}/imgui.h)
  message(FATAL_ERROR "No Dear ImGui sources in ${BPV_IMGUI_DIR}: run bash .ci/setup-web first")
endif()

# The engine reports bad files with exceptions, and the app shows them: keep
# C++ exceptions, as WebAssembly's own (-fwasm-exceptions; Chromium 95+,
# Firefox 100+). emscripten's JavaScript-based ones (-fexceptions) route
# every call that may unwind through JavaScript, which made the training
# step five times slower than natively.
add_compile_options(-fwasm-exceptions)
add_link_options(-fwasm-exceptions)
