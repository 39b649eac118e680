// The OpenGL functions the app calls itself (textures, the frame's clear and
// read-back). Desktop: OpenGL 3.3 core through the glad loader generated at
// build time. Web: WebGL 2, which is OpenGL ES 3.0, from emscripten's own
// GLES 3 header (no loader: emscripten binds the calls at link time).
#pragma once
#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#include <glad/gl.h>
#endif
