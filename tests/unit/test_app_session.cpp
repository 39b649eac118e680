// The app's session file and recent-files list (app/app_session.hpp): what a
// restart brings back, and that a bad file never stops the app.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <unistd.h>

#include "app_session.hpp"
#include "engine/session.hpp"
#include "temp_dir.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

namespace fs = std::filesystem;

using TempDir = test::TempDirTest;

// ------------------------------------------------------------ recent files

TEST(RecentFiles, MostRecentFirstWithoutDuplicatesAndAtMostTen) {
  std::vector<std::string> recent;
  for (int i = 0; i < 14; ++i) add_recent_file(recent, "/data/net" + std::to_string(i) + ".json");
  ASSERT_EQ(recent.size(), kMaxRecentFiles);
  EXPECT_EQ(recent.front(), "/data/net13.json");
  EXPECT_EQ(recent.back(), "/data/net4.json");

  // Opening one again moves it to the front, once.
  add_recent_file(recent, "/data/net7.json");
  ASSERT_EQ(recent.size(), kMaxRecentFiles);
  EXPECT_EQ(recent[0], "/data/net7.json");
  EXPECT_EQ(recent[1], "/data/net13.json");
  EXPECT_EQ(std::count(recent.begin(), recent.end(), "/data/net7.json"), 1);

  remove_recent_file(recent, "/data/net13.json");
  EXPECT_EQ(recent.size(), kMaxRecentFiles - 1);
  EXPECT_EQ(recent[1], "/data/net12.json");
}

TEST(RecentFiles, TheSameFileSpelledTwoWaysIsOneEntryWithAnAbsolutePath) {
  std::vector<std::string> recent;
  add_recent_file(recent, "nets/a.json");
  add_recent_file(recent, "nets/sub/../a.json");
  add_recent_file(recent, "./nets/a.json");
  ASSERT_EQ(recent.size(), 1u);
  EXPECT_TRUE(fs::path(recent[0]).is_absolute()) << recent[0];
  EXPECT_EQ(recent[0], (fs::current_path() / "nets" / "a.json").string());
  add_recent_file(recent, "");  // nothing to remember
  EXPECT_EQ(recent.size(), 1u);
}

// ------------------------------------------------------------ where the file is

TEST(ConfigDir, BpvConfigDirWinsThenXdgThenHome) {
  EXPECT_EQ(config_dir_from("/tmp/cfg", "/x", "/home/u"), "/tmp/cfg");
  EXPECT_EQ(config_dir_from(nullptr, "/x", "/home/u"), "/x/backprop-viz");
  EXPECT_EQ(config_dir_from("", "", "/home/u"), "/home/u/.config/backprop-viz");
  // A relative XDG_CONFIG_HOME is invalid by the XDG spec: ignored.
  EXPECT_EQ(config_dir_from(nullptr, "relative/cfg", "/home/u"), "/home/u/.config/backprop-viz");
  EXPECT_EQ(config_dir_from(nullptr, nullptr, nullptr), "");
  EXPECT_EQ(session_file_path("/x/backprop-viz"), "/x/backprop-viz/session.json");
  EXPECT_EQ(session_file_path(""), "");
}

// ------------------------------------------------------------ the session file

AppSession full_session() {
  AppSession s;
  s.scenario = load_scenario(test::scenario_path("batch.json"));
  s.scenario->layers[0].weights(0, 0) = 0.1 + 0.2;  // a number with all 17 digits
  s.path = "/home/me/nets/batch.json";
  s.modified = true;
  s.cursor = 17;
  s.loss_history = {0.75, 0.5000000000000001, std::numeric_limits<double>::quiet_NaN(), 1e-300};
  s.epoch_losses = {{2, 0, 0.61, 0.70000000000000007, 0.875, 0.75},
                    {4, 1, 0.25, std::numeric_limits<double>::quiet_NaN()}};
  s.loss_log_scale = true;
  s.dark = false;
  s.example = -1;
  s.decimals = 6;
  s.text_scale = 1.5f;
  s.ops_per_second = 7.5f;
  s.train_steps = 250;
  s.window_width = 1500;
  s.window_height = 900;
  s.recent = {"/home/me/nets/batch.json", "/home/me/nets/xor.json"};
  s.history = {{"undo", nlohmann::json::array({{{"label", "W¹₁₁ = 0.9"}}})}, {"redo", nlohmann::json::array()}};
  return s;
}

using SessionFile = TempDir;

TEST_F(SessionFile, RoundTripBringsBackEverythingExactly) {
  const AppSession a = full_session();
  const std::string file = path("cfg/backprop-viz/session.json");  // folders made as needed
  write_app_session(file, a);
  EXPECT_EQ(entries(dir_ / "cfg" / "backprop-viz"), std::vector<std::string>{"session.json"})
      << "no temporary file left";

  const AppSessionRead r = read_app_session(file);
  EXPECT_EQ(r.notice, "");
  ASSERT_TRUE(r.session.has_value());
  const AppSession& b = *r.session;
  ASSERT_TRUE(b.scenario.has_value());
  EXPECT_EQ(scenario_to_json(*b.scenario), scenario_to_json(*a.scenario));
  EXPECT_TRUE(test::bit_identical(b.scenario->layers[0].weights, a.scenario->layers[0].weights));
  EXPECT_TRUE(test::bit_identical(b.scenario->inputs, a.scenario->inputs));
  EXPECT_EQ(b.path, a.path);
  EXPECT_EQ(b.modified, true);
  EXPECT_EQ(b.cursor, 17u);
  ASSERT_EQ(b.loss_history.size(), 4u);
  EXPECT_EQ(b.loss_history[0], 0.75);
  EXPECT_EQ(b.loss_history[1], 0.5000000000000001);
  EXPECT_TRUE(std::isnan(b.loss_history[2])) << "a diverged step stays non-finite";
  EXPECT_EQ(b.loss_history[3], 1e-300);
  ASSERT_EQ(b.epoch_losses.size(), 2u);  // the loss plot's training and test curves
  EXPECT_EQ(b.epoch_losses[0].step, 2u);
  EXPECT_EQ(b.epoch_losses[1].epoch, 1);
  EXPECT_EQ(b.epoch_losses[0].test, 0.70000000000000007);
  EXPECT_TRUE(std::isnan(b.epoch_losses[1].test));
  EXPECT_EQ(b.epoch_losses[0].test_accuracy, 0.75) << "a classifier's accuracies are kept";
  EXPECT_TRUE(std::isnan(b.epoch_losses[1].train_accuracy)) << "none: not a classifier";
  EXPECT_EQ(b.loss_log_scale, true);
  EXPECT_EQ(b.dark, false);
  EXPECT_EQ(b.example, -1);
  EXPECT_EQ(b.decimals, 6);
  EXPECT_EQ(b.text_scale, 1.5f);
  EXPECT_EQ(b.ops_per_second, 7.5f);
  EXPECT_EQ(b.train_steps, 250);
  EXPECT_EQ(b.window_width, 1500);
  EXPECT_EQ(b.window_height, 900);
  EXPECT_EQ(b.recent, a.recent);
  EXPECT_EQ(b.history, a.history);  // the undo history travels as it was written
  // And the same text again: nothing drifts from one start to the next.
  EXPECT_EQ(app_session_to_text(b), app_session_to_text(a));
}

TEST_F(SessionFile, AfterDiscardOnlyThePathIsKept) {
  AppSession a = full_session();
  a.scenario.reset();
  a.loss_history.clear();
  a.epoch_losses.clear();
  a.modified = false;
  write_app_session(path("session.json"), a);
  const AppSessionRead r = read_app_session(path("session.json"));
  ASSERT_TRUE(r.session.has_value());
  EXPECT_FALSE(r.session->scenario.has_value());
  EXPECT_EQ(r.session->path, a.path);
}

TEST_F(SessionFile, AMissingFileIsNoSessionAndNoNotice) {
  const AppSessionRead r = read_app_session(path("never-written/session.json"));
  EXPECT_FALSE(r.session.has_value());
  EXPECT_EQ(r.notice, "");
  EXPECT_FALSE(read_app_session("").session.has_value());  // no config folder at all
}

TEST_F(SessionFile, MissingFieldsTakeTheirDefaults) {
  write("session.json", R"({"format": "backprop-viz session"})");
  const AppSessionRead r = read_app_session(path("session.json"));
  ASSERT_TRUE(r.session.has_value()) << r.notice;
  EXPECT_FALSE(r.session->scenario.has_value());
  EXPECT_EQ(r.session->cursor, 0u);
  EXPECT_TRUE(r.session->dark);
  EXPECT_EQ(r.session->decimals, 4);
  EXPECT_TRUE(r.session->recent.empty());
}

TEST_F(SessionFile, ACorruptFileIsIgnoredWithTheReason) {
  const std::string good = app_session_to_text(full_session());
  struct Case {
    std::string text, reason;
  };
  const std::vector<Case> cases = {
      {"", "not JSON"},
      {good.substr(0, good.size() / 2), "not JSON"},  // cut off mid-write
      {"\x89PNG\r\n\x1a\n garbage", "not JSON"},
      {"[1, 2, 3]", "expected a JSON object"},
      {R"({"format": "something else"})", "format"},
      {R"({"format": "backprop-viz session", "version": 99})", "newer"},
      {R"({"format": "backprop-viz session", "cursor": -3})", "cursor"},
      {R"({"format": "backprop-viz session", "cursor": "five"})", "cursor"},
      {R"({"format": "backprop-viz session", "recent": [1, 2]})", "recent"},
      {R"({"format": "backprop-viz session", "view": {"decimals": 1e9}})", "decimals"},
      {R"({"format": "backprop-viz session", "view": {"text_scale": 9}})", "text_scale"},
      {R"({"format": "backprop-viz session", "loss_history": "none"})", "loss_history"},
      {R"({"format": "backprop-viz session", "epoch_losses": [[1, 0, 0.5]]})", "epoch_losses"},
      {R"({"format": "backprop-viz session", "loss_history": [0.5], "epoch_losses": [[2, 0, 0.5, 0.6]]})",
       "epoch_losses"},
      {R"({"format": "backprop-viz session", "view": {"loss_log_scale": "yes"}})", "loss_log_scale"},
      {R"({"format": "backprop-viz session", "window": {"width": -5}})", "width"},
      {R"({"format": "backprop-viz session", "scenario": {"input_size": 3, "layers": []}})", "scenario"},
  };
  for (const Case& c : cases) {
    write("session.json", c.text);
    AppSessionRead r;
    ASSERT_NO_THROW(r = read_app_session(path("session.json"))) << c.text;
    EXPECT_FALSE(r.session.has_value()) << c.text;
    EXPECT_NE(r.notice.find("last session not restored"), std::string::npos) << r.notice;
    EXPECT_NE(r.notice.find(c.reason), std::string::npos) << "notice '" << r.notice << "' should say " << c.reason;
    EXPECT_NE(r.notice.find("session.json"), std::string::npos) << "the notice names the file: " << r.notice;
  }
}

TEST_F(SessionFile, AScenarioWithABadNumberIsIgnoredNotLoaded) {
  AppSession a = full_session();
  std::string text = app_session_to_text(a);
  // Over the limits of formats.md: 5000 neurons.
  const std::string from = "\"input_size\": ";
  const std::size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos);
  const std::size_t end = text.find_first_of(",\n", at + from.size());
  text.replace(at, end - at, from + "5000");
  write("session.json", text);
  const AppSessionRead r = read_app_session(path("session.json"));
  EXPECT_FALSE(r.session.has_value());
  EXPECT_NE(r.notice.find("scenario"), std::string::npos) << r.notice;
}

TEST_F(SessionFile, AnUnreadableFileIsIgnoredWithTheReason) {
  fs::create_directories(dir_ / "session.json" / "oops");  // a folder where the file should be
  const AppSessionRead r = read_app_session(path("session.json"));
  EXPECT_FALSE(r.session.has_value());
  EXPECT_NE(r.notice.find("is a directory"), std::string::npos) << r.notice;
}

TEST_F(SessionFile, AFailedWriteThrowsAndKeepsThePreviousSession) {
  const std::string file = path("session.json");
  write_app_session(file, full_session());
  const std::string before = app_session_to_text(*read_app_session(file).session);
  // The config "folder" is a file: nothing can be created in it.
  write("not-a-folder", "x");
  EXPECT_THROW(write_app_session(path("not-a-folder/session.json"), full_session()), std::runtime_error);
  EXPECT_EQ(app_session_to_text(*read_app_session(file).session), before);
}

// ------------------------------------------------------------ what the app restores into

TEST(SessionRestoreInto, TheSessionCarriesItsLossesAndItsUnsavedFlag) {
  Session s(seed_scenario(), "/x/seed.json", SessionRestore{{0.9, 0.8, 0.7}, {{2, 0, 0.5, 0.6}}, true});
  EXPECT_EQ(s.loss_history(), (std::vector<double>{0.9, 0.8, 0.7}));
  ASSERT_EQ(s.epoch_losses().size(), 1u);
  EXPECT_EQ(s.epoch_losses()[0].test, 0.6);
  EXPECT_EQ(s.training_step(), 3u);
  EXPECT_TRUE(s.modified());
  EXPECT_EQ(s.path(), "/x/seed.json");
  EXPECT_EQ(s.apply(command::MarkSaved{"/y/net.json"}), "");
  EXPECT_FALSE(s.modified());
  EXPECT_EQ(s.path(), "/y/net.json");
}

}  // namespace
}  // namespace bpv
