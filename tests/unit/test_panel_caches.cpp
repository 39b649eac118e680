// Each panel's cache belongs to its UiState (ui/panel_caches.hpp): one per
// type, made on first use, kept between frames, never shared by two UiStates,
// and destroyed with its owner, the newest first.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "panel_caches.hpp"

namespace bpv {
namespace {

std::vector<std::string>* g_destroyed = nullptr;

struct CanvasCache {
  int layout_key = 0;
  ~CanvasCache() { if (g_destroyed) g_destroyed->push_back("canvas"); }
};
struct RegionCache {
  std::vector<int> pixels;
  ~RegionCache() { if (g_destroyed) g_destroyed->push_back("region"); }
};

TEST(PanelCaches, OneCachePerTypeKeptBetweenCalls) {
  PanelCaches caches;
  CanvasCache& a = caches.get<CanvasCache>();
  EXPECT_EQ(a.layout_key, 0) << "made value-initialised";
  a.layout_key = 42;
  caches.get<RegionCache>().pixels.assign(3, 7);
  EXPECT_EQ(&caches.get<CanvasCache>(), &a) << "the same object the next frame";
  EXPECT_EQ(caches.get<CanvasCache>().layout_key, 42);
  EXPECT_EQ(caches.get<RegionCache>().pixels.size(), 3u);
  EXPECT_EQ(caches.size(), 2u);
}

TEST(PanelCaches, TwoOwnersNeverShareACache) {
  PanelCaches first, second;
  first.get<CanvasCache>().layout_key = 1;
  EXPECT_EQ(second.get<CanvasCache>().layout_key, 0);
  EXPECT_NE(&first.get<CanvasCache>(), &second.get<CanvasCache>());
  PanelCaches moved = std::move(first);  // a UiState returned by value keeps its caches
  EXPECT_EQ(moved.get<CanvasCache>().layout_key, 1);
}

TEST(PanelCaches, GoWithTheirOwnerNewestFirst) {
  std::vector<std::string> destroyed;
  g_destroyed = &destroyed;
  {
    PanelCaches caches;
    caches.get<CanvasCache>();
    caches.get<RegionCache>();
    EXPECT_TRUE(destroyed.empty());
  }
  g_destroyed = nullptr;
  EXPECT_EQ(destroyed, (std::vector<std::string>{"region", "canvas"}));
}

}  // namespace
}  // namespace bpv
