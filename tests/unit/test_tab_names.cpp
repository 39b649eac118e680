// The tab names of lesson files and `screenshot --tab` (core) and the app's
// tabs (ui) are one list: every name picks its own tab, in the same order.
#include <gtest/gtest.h>

#include "teaching/lesson.hpp"
#include "ui_state.hpp"

namespace bpv {
namespace {

TEST(TabNames, EveryNamePicksItsOwnTab) {
  const std::vector<std::string_view>& names = tab_names();
  ASSERT_EQ(names.size(), 6u);
  EXPECT_EQ(right_tab_named("matrices"), RightTab::Matrices);
  EXPECT_EQ(right_tab_named("edit"), RightTab::Edit);
  EXPECT_EQ(right_tab_named("lesson"), RightTab::Lesson);
  EXPECT_EQ(right_tab_named("gradcheck"), RightTab::GradCheck);
  EXPECT_EQ(right_tab_named("insight"), RightTab::Insight);
  EXPECT_EQ(right_tab_named("data"), RightTab::Data);
  EXPECT_EQ(right_tab_named("no such tab"), RightTab::Matrices);
}

TEST(TabNames, EveryPresenterPanelButTheLossIsATab) {
  for (std::string_view panel : presenter_panel_names()) {
    if (panel == "loss") continue;
    EXPECT_NE(std::find(tab_names().begin(), tab_names().end(), panel), tab_names().end()) << panel;
  }
}

TEST(InitSchemes, TheListIsWhatTheLoaderAccepts) {
  for (std::string_view s : init_schemes()) EXPECT_TRUE(is_init_scheme(s)) << s;
  EXPECT_FALSE(is_init_scheme("he_uniform"));
  EXPECT_FALSE(is_init_scheme(""));
}

}  // namespace
}  // namespace bpv
