#include "assets_dir.hpp"

#include <filesystem>

#include "teaching/lesson.hpp"

namespace bpv {

const std::string& builtin_assets_dir() {
  static const std::string dir = find_assets_dir({BPV_ASSETS_DIR});
  return dir;
}

const std::string& real_data_dir() {
  static const std::string dir = [] {
    const std::string installed = builtin_assets_dir() + "/real-data";
    std::error_code ec;
    return std::filesystem::is_directory(installed, ec) ? installed : std::string(BPV_REAL_DATA_DIR);
  }();
  return dir;
}

}  // namespace bpv
