// Where the program looks for its built-in scenarios and lessons
// (core/teaching/lesson.hpp's find_assets_dir): its own installed copy beside bin/
// wins over the build's compiled-in source path, so a package extracted
// anywhere runs on the files it ships.
#include <gtest/gtest.h>

#include <filesystem>

#include "teaching/lesson.hpp"
#include "temp_dir.hpp"

namespace bpv {
namespace {

namespace fs = std::filesystem;

class AssetsDir : public test::TempDirTest {
 protected:
  // A folder that find_assets_dir accepts: it holds scenarios/.
  std::string make_assets(const fs::path& where) const {
    fs::create_directories(where / "scenarios");
    return where.string();
  }
};

TEST_F(AssetsDir, AnInstalledProgramUsesShareBesideItsBinFolderBeforeTheSourceTree) {
  make_assets(dir_ / "root/usr/share/backprop-viz");
  fs::create_directories(dir_ / "root/usr/bin");
  const std::string source = make_assets(dir_ / "source/assets");
  EXPECT_EQ(find_assets_dir((dir_ / "root/usr/bin/backprop-viz").string(), {source}),
            (dir_ / "root/usr/share/backprop-viz").string());
}

TEST_F(AssetsDir, AnAssetsFolderBesideTheExecutableComesNext) {
  make_assets(dir_ / "portable/assets");
  const std::string source = make_assets(dir_ / "source/assets");
  EXPECT_EQ(find_assets_dir((dir_ / "portable/backprop-viz").string(), {source}),
            (dir_ / "portable/assets").string());
}

TEST_F(AssetsDir, TheBuildTreeFallsBackToTheFirstCandidateThatHoldsScenarios) {
  fs::create_directories(dir_ / "build");
  const std::string source = make_assets(dir_ / "source/assets");
  EXPECT_EQ(find_assets_dir((dir_ / "build/backprop-viz").string(), {"", path("missing"), source}), source);
}

TEST_F(AssetsDir, NothingFoundGivesTheRelativeAssetsFolder) {
  EXPECT_EQ(find_assets_dir(path("bin/backprop-viz"), {path("missing")}), "assets");
  EXPECT_EQ(find_assets_dir("", {}), "assets");
}

}  // namespace
}  // namespace bpv
