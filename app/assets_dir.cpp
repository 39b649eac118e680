#include "assets_dir.hpp"

#include "lesson.hpp"

namespace bpv {

const std::string& builtin_assets_dir() {
  static const std::string dir = find_assets_dir({BPV_ASSETS_DIR});
  return dir;
}

}  // namespace bpv
