// What the File menu does on disk (app/file_actions.hpp), through the very
// functions the app loop calls: save and open round trip, a save that fails
// halfway leaves the old file as it was, exports match the engine.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/resource.h>
#include <unistd.h>

#include "formats/export_markdown.hpp"
#include "file_actions.hpp"
#include "optimizers/optimizer.hpp"
#include "engine/session.hpp"
#include "temp_dir.hpp"
#include "test_helpers.hpp"
#include "formats/trace.hpp"

namespace bpv {
namespace {

namespace fs = std::filesystem;

class FileActions : public test::TempDirTest {
 protected:
  static std::string bytes(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

// A session with unsaved edits of several kinds.
void edit_a_little(Session& s) {
  ASSERT_EQ(s.apply(command::ApplyEdit{edit::SetWeight{1, 0, 2, 0.1 + 0.2}}), "");
  ASSERT_EQ(s.apply(command::ApplyEdit{edit::SetBias{2, 1, -1.0 / 3.0}}), "");
  ASSERT_EQ(s.apply(command::ApplyEdit{edit::AddNeuron{1}}), "");
  ASSERT_EQ(s.apply(command::ApplyEdit{edit::SetLearningRate{0.125}}), "");
  ASSERT_TRUE(s.modified());
}

TEST_F(FileActions, SaveWritesTheOptimizerChosenInTheAppAndItsStateSoTrainingResumesExactly) {
  Session s(seed_scenario());
  OptimizerSpec adam = default_spec(*find_optimizer("adam"));
  adam.amsgrad = true;
  ASSERT_EQ(s.apply(command::ApplyEdit{edit::SetOptimizer{adam}}), "");
  ASSERT_EQ(s.apply(command::ApplyEdit{edit::SetRegularization{Regularization{0.01, 0.0}}}), "");
  s.apply(command::NextTrainingStep{});
  s.apply(command::NextTrainingStep{});
  const std::string file = path("adam.json");
  ASSERT_EQ(save_session_as(s, file), "");

  Session reopened(seed_scenario());
  ASSERT_EQ(open_into_session(reopened, file), "");
  EXPECT_EQ(reopened.scenario().optimizer, adam);
  EXPECT_EQ(reopened.scenario().regularization, (Regularization{0.01, 0.0}));
  EXPECT_EQ(reopened.scenario().optimizer_state.step(), 2.0);
  // The third step from the file equals the third step of the running session.
  s.apply(command::RunToEnd{});
  reopened.apply(command::RunToEnd{});
  EXPECT_EQ(test::state_difference(reopened.stepper().state(), s.stepper().state()), "");
}

TEST_F(FileActions, SaveThenOpenRoundTripsTheNetworkBitForBit) {
  Session s(seed_scenario());
  edit_a_little(s);
  s.apply(command::JumpTo{12});
  const std::string file = path("mine.json");

  EXPECT_EQ(save_session_as(s, file), "");
  EXPECT_FALSE(s.modified()) << "saved: nothing left to lose";
  EXPECT_EQ(s.path(), file);
  EXPECT_EQ(entries(), std::vector<std::string>{"mine.json"}) << "no temporary file left";

  Session reopened(seed_scenario());
  EXPECT_EQ(open_into_session(reopened, file), "");
  EXPECT_EQ(reopened.path(), file);
  EXPECT_FALSE(reopened.modified());
  EXPECT_EQ(scenario_to_json(reopened.scenario()), scenario_to_json(s.scenario()));
  for (int l = 0; l < s.scenario().layer_count(); ++l) {
    EXPECT_TRUE(test::bit_identical(reopened.scenario().layers[l].weights, s.scenario().layers[l].weights));
    EXPECT_TRUE(test::bit_identical(reopened.scenario().layers[l].bias, s.scenario().layers[l].bias));
  }
  reopened.apply(command::JumpTo{12});
  EXPECT_EQ(test::state_difference(reopened.stepper().state(), s.stepper().state()), "");

  // Opening is undoable: back to the seed it replaced.
  EXPECT_EQ(reopened.apply(command::Undo{}), "");
  EXPECT_EQ(scenario_to_json(reopened.scenario()), scenario_to_json(seed_scenario()));
}

TEST_F(FileActions, SavingAgainReplacesTheFile) {
  Session s(seed_scenario());
  const std::string file = path("net.json");
  ASSERT_EQ(save_session_as(s, file), "");
  edit_a_little(s);
  ASSERT_EQ(save_session_as(s, s.path()), "");
  EXPECT_EQ(load_scenario(file).learning_rate, 0.125);
  EXPECT_EQ(entries(), std::vector<std::string>{"net.json"});
}

// RLIMIT_FSIZE cuts the write of the temporary file short after a few bytes:
// a save interrupted between starting to write and the rename.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);  // the write then fails with EFBIG
    rlimit r = old_;
    r.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &r);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    std::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit old_{};
  void (*old_handler_)(int) = nullptr;
};

TEST_F(FileActions, AnInterruptedSaveLeavesTheOldFileIntactAndNoTemporary) {
  Session s(seed_scenario());
  const std::string file = path("net.json");
  ASSERT_EQ(save_session_as(s, file), "");
  const std::string old_bytes = bytes(file);
  ASSERT_GT(old_bytes.size(), 200u);
  edit_a_little(s);

  std::string failed;
  {
    FileSizeLimit limit(100);  // the new file is over 1 KB: its write stops at 100 bytes
    failed = save_session_as(s, file);
  }
  EXPECT_NE(failed, "") << "the save must report the failure";
  EXPECT_NE(failed.find("net.json"), std::string::npos) << failed;
  EXPECT_NE(failed.find("cannot write"), std::string::npos) << failed;
  EXPECT_EQ(bytes(file), old_bytes) << "the old file must be untouched";
  EXPECT_EQ(entries(), std::vector<std::string>{"net.json"}) << "the partial temporary must be removed";
  EXPECT_TRUE(s.modified()) << "nothing was saved: the edits are still unsaved";
  EXPECT_EQ(s.path(), file);
  EXPECT_NO_THROW(load_scenario(file));
}

TEST_F(FileActions, ASaveWhoseRenameFailsLeavesTheTargetAsItWas) {
  // A non-empty folder where the file should go: writing the temporary works,
  // the rename over the target fails.
  fs::create_directories(dir_ / "net.json" / "keep");
  std::ofstream(dir_ / "net.json" / "keep" / "data.txt") << "precious";
  Session s(seed_scenario());
  edit_a_little(s);
  const std::string failed = save_session_as(s, path("net.json"));
  EXPECT_NE(failed.find("cannot replace"), std::string::npos) << failed;
  EXPECT_EQ(bytes(path("net.json/keep/data.txt")), "precious");
  EXPECT_EQ(entries(), std::vector<std::string>{"net.json"}) << "no temporary file left";
  EXPECT_TRUE(s.modified());
  EXPECT_EQ(s.path(), "");
}

TEST_F(FileActions, ASaveIntoAMissingFolderSaysWhyAndWritesNothing) {
  Session s(seed_scenario());
  const std::string failed = save_session_as(s, path("no/such/folder/net.json"));
  EXPECT_NE(failed.find("No such file or directory"), std::string::npos) << failed;
  EXPECT_TRUE(entries().empty());
  EXPECT_EQ(save_session_as(s, ""), "no file name given");
}

TEST_F(FileActions, SavingWhileTrainingIsRefusedAndWritesNothing) {
  Session s(seed_scenario());
  ASSERT_EQ(s.apply(command::TrainSteps{1000000}), "");
  // training() stays true until poll() takes the job in, so this is not a race.
  EXPECT_NE(save_session_as(s, path("net.json")).find("training is running"), std::string::npos);
  EXPECT_NE(open_into_session(s, test::scenario_path("xor.json")).find("training is running"), std::string::npos);
  s.apply(command::CancelTraining{});
  EXPECT_TRUE(entries().empty());
}

TEST_F(FileActions, OpeningABadFileLeavesTheSessionAsItWas) {
  Session s(seed_scenario());
  edit_a_little(s);
  const std::string before = scenario_to_json(s.scenario()).dump();
  std::ofstream(dir_ / "bad.json") << R"({"input_size": 3, "layers": [{"size": 2, "weights": [[1, 2]]}]})";
  const std::string failed = open_into_session(s, path("bad.json"));
  EXPECT_NE(failed.find("bad.json"), std::string::npos) << failed;
  EXPECT_NE(failed.find("layers[0]"), std::string::npos) << failed;
  EXPECT_EQ(scenario_to_json(s.scenario()).dump(), before);
  EXPECT_TRUE(s.modified());

  EXPECT_NE(open_into_session(s, path("missing.json")).find("cannot read"), std::string::npos);
  EXPECT_NE(open_into_session(s, dir_.string()).find("is a directory"), std::string::npos);
}

TEST_F(FileActions, ExportsWriteWhatTheEngineComputes) {
  Session s(load_scenario(test::scenario_path("batch.json")));
  s.apply(command::NextTrainingStep{});
  s.apply(command::NextTrainingStep{});
  s.apply(command::JumpTo{5});  // the cursor does not change what is exported

  ASSERT_EQ(export_worked_example(s, path("step.md")), "");
  EXPECT_EQ(bytes(path("step.md")), worked_example_markdown(s.scenario()));

  ASSERT_EQ(export_trace(s, path("step.trace.json")), "");
  EXPECT_EQ(nlohmann::json::parse(bytes(path("step.trace.json"))), trace_json(s.scenario()));

  ASSERT_EQ(export_loss_csv(s, path("loss.csv")), "");
  std::istringstream csv(bytes(path("loss.csv")));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "step,loss");
  for (std::size_t k = 0; k < s.loss_history().size(); ++k) {
    ASSERT_TRUE(std::getline(csv, line));
    const std::size_t comma = line.find(',');
    EXPECT_EQ(line.substr(0, comma), std::to_string(k + 1));
    EXPECT_EQ(std::stod(line.substr(comma + 1)), s.loss_history()[k]) << "full precision, as train --csv";
  }
  EXPECT_FALSE(std::getline(csv, line)) << "one row per training step";
  EXPECT_EQ(entries(), (std::vector<std::string>{"loss.csv", "step.md", "step.trace.json"}));

  EXPECT_NE(export_trace(s, path("no/folder/t.json")), "");
}

TEST(LossHistoryCsv, IsTheTrainCommandsFormat) {
  EXPECT_EQ(loss_history_csv({}), "step,loss\n");
  EXPECT_EQ(loss_history_csv({0.5, 0.1}), "step,loss\n1,0.5\n2,0.10000000000000001\n");
}

TEST_F(FileActions, ImportDataOpensTheImportedScenarioUnsavedAndUndoBringsBackTheOldOne) {
  Session s(seed_scenario(), "seed.json");
  std::string text = "x1,x2,class\n";
  for (int r = 0; r < 20; ++r) text += std::to_string(r) + "," + std::to_string(r % 4) + "," + std::to_string(r % 2) + "\n";
  write("points.csv", text);
  ImportOptions options;
  options.hidden = 4;
  options.test_fraction = 0.25;
  std::string summary;
  ASSERT_EQ(import_into_session(s, path("points.csv"), {}, options, summary), "");
  EXPECT_NE(summary.find("Classification: 2 classes"), std::string::npos) << summary;
  EXPECT_EQ(s.path(), "");  // a new scenario: Save asks for a name
  EXPECT_EQ(s.scenario().input_size, 2);
  EXPECT_EQ(s.scenario().data.train_rows(), 15);
  EXPECT_EQ(s.scenario().data.test_raw.rows(), 5);
  ASSERT_TRUE(s.can_undo());
  ASSERT_EQ(s.apply(command::Undo{}), "");
  EXPECT_EQ(s.scenario().input_size, 3);
  EXPECT_EQ(s.path(), "seed.json");
}

TEST_F(FileActions, ImportDataOfABadFileSaysWhyAndChangesNothing) {
  Session s(seed_scenario(), "seed.json");
  write("bad.csv", "a,b\n1,2\n3,oops\n");
  std::string summary;
  EXPECT_EQ(import_into_session(s, path("bad.csv"), {}, {}, summary),
            path("bad.csv") + ":3: column \"b\": \"oops\" is not a number");
  EXPECT_EQ(s.scenario().input_size, 3);
  EXPECT_FALSE(s.can_undo());
  EXPECT_EQ(entries(), (std::vector<std::string>{"bad.csv"}));
}

TEST_F(FileActions, TheExampleListingTitlesEachScenarioByItsNameInOrder) {
  write("b.json", R"({"name": "Alpha"})");
  write("a.json", R"({"name": "Beta"})");
  write("broken.json", "{");
  write("notes.txt", "not a scenario");
  const std::vector<ScenarioListing> found = list_scenarios(dir_.string());
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].title, "Alpha");
  EXPECT_EQ(found[0].path, path("b.json"));
  EXPECT_EQ(found[1].title, "Beta");
  EXPECT_EQ(found[2].title, "broken");  // unreadable: its file name
  EXPECT_TRUE(list_scenarios(path("no-such-folder")).empty());
  // The shipped ones are all there.
  EXPECT_EQ(list_scenarios(std::string(BPV_ASSETS_DIR) + "/scenarios").size(),
            static_cast<std::size_t>(std::count_if(fs::directory_iterator(std::string(BPV_ASSETS_DIR) + "/scenarios"),
                                                   fs::directory_iterator{}, [](const fs::directory_entry& e) {
                                                     return e.path().extension() == ".json";
                                                   })));
}

}  // namespace
}  // namespace bpv
