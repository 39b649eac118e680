// The built-in scenarios and lessons this executable ships with.
#pragma once

#include <string>

namespace bpv {

// The folder holding scenarios/ and lessons/: the installed copy beside the
// executable (../share/backprop-viz), else the source tree this binary was
// built from (core/lesson.hpp's find_assets_dir). Looked up once.
const std::string& builtin_assets_dir();

}  // namespace bpv
