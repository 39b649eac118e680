// The built-in scenarios and lessons this executable ships with.
#pragma once

#include <string>

namespace bpv {

// The folder holding scenarios/ and lessons/: the installed copy beside the
// executable (../share/backprop-viz), else the source tree this binary was
// built from (core/teaching/lesson.hpp's find_assets_dir). Looked up once.
const std::string& builtin_assets_dir();

// The scenarios made from the real data sets (docs/data.md): the installed
// copy (real-data/ in the assets folder), else the build tree's, where the
// build imports .ci/setup's downloads. May not exist: then set-up was not run.
const std::string& real_data_dir();

}  // namespace bpv
