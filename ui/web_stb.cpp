// The web build's one copy of stb_image_write (the PNG export): the desktop
// links Debian's libstb for it, which has no WebAssembly build.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
