// The command-line contract of formats.md §2–3, through the real executable:
// exit codes, stdout/stderr, the trace's schema, train's CSV and summary line.
// Each run gets stdin from /dev/null and a time limit (a hang fails the test).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "data/batching.hpp"
#include "engine/evaluate.hpp"
#include "optimizers/optimizer.hpp"
#include "formats/scenario_io.hpp"
#include "temp_dir.hpp"
#include "engine/stepper.hpp"
#include "engine/train.hpp"

extern char** environ;

namespace bpv {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kExe = BPV_EXE;
const std::string kScenarios = std::string(BPV_ASSETS_DIR) + "/scenarios";
std::string asset(const std::string& file) { return kScenarios + "/" + file; }

struct ProcessResult {
  int exit_code = -1;  // -1: killed by a signal or timed out
  bool timed_out = false;
  std::string out, err;
  std::vector<std::string> err_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  std::string last_out_line() const {
    std::string s = out;
    while (!s.empty() && s.back() == '\n') s.pop_back();
    const auto nl = s.rfind('\n');
    return nl == std::string::npos ? s : s.substr(nl + 1);
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh empty directory per test, removed afterwards.
class Cli : public test::TempDirTest {
 protected:

  // Runs backprop-viz with args; stdout and stderr go to files in dir_.
  ProcessResult run(const std::vector<std::string>& args, int timeout_s = 60) {
    const fs::path out = dir_ / ".stdout", err = dir_ / ".stderr";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv{const_cast<char*>(kExe.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    ProcessResult r;
    const int rc = posix_spawn(&pid, kExe.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      ADD_FAILURE() << "cannot start " << kExe << ": " << std::strerror(rc);
      return r;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        r.timed_out = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!r.timed_out && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  std::string write(const std::string& name, const std::string& contents) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << contents;
    return p.string();
  }

  // formats.md: exit 2, nothing on stdout, exactly one stderr line "error: …" naming `mentions`.
  void expect_bad_input(const ProcessResult& r, const std::vector<std::string>& mentions, const std::string& what) {
    EXPECT_FALSE(r.timed_out) << what;
    EXPECT_EQ(r.exit_code, 2) << what << "\nstderr: " << r.err;
    EXPECT_EQ(r.out, "") << what;
    const std::vector<std::string> lines = r.err_lines();
    ASSERT_EQ(lines.size(), 1u) << what << "\nstderr: " << r.err;
    EXPECT_EQ(lines[0].rfind("error: ", 0), 0u) << what << ": " << lines[0];
    for (const std::string& m : mentions) EXPECT_NE(lines[0].find(m), std::string::npos) << what << ": " << lines[0];
  }

};

// ------------------------------------------------------------------ trace
void expect_matrix_shape(const json& m, std::size_t rows, std::size_t cols, const std::string& what) {
  ASSERT_TRUE(m.is_array()) << what;
  ASSERT_EQ(m.size(), rows) << what;
  for (const json& row : m) {
    ASSERT_TRUE(row.is_array()) << what;
    ASSERT_EQ(row.size(), cols) << what;
    for (const json& v : row) ASSERT_TRUE(v.is_number()) << what;
  }
}
void expect_row_shape(const json& m, std::size_t cols, const std::string& what) {
  ASSERT_TRUE(m.is_array()) << what;
  ASSERT_EQ(m.size(), cols) << what;
  for (const json& v : m) ASSERT_TRUE(v.is_number()) << what;
}

// Checks a trace document against formats.md §3 for this scenario.
void expect_trace_schema(const json& doc, const Scenario& sc, const std::string& what) {
  ASSERT_TRUE(doc.is_object()) << what;
  ASSERT_TRUE(doc.contains("scenario") && doc["scenario"].is_string()) << what;
  EXPECT_EQ(doc["scenario"].get<std::string>(), sc.name) << what;
  ASSERT_TRUE(doc.contains("loss") && doc["loss"].is_number()) << what;
  ASSERT_TRUE(doc.contains("layers") && doc["layers"].is_array()) << what;
  ASSERT_EQ(doc["layers"].size(), static_cast<std::size_t>(sc.layer_count())) << what;
  const std::size_t batch = static_cast<std::size_t>(sc.batch_size());
  for (int l = 1; l <= sc.layer_count(); ++l) {
    const json& layer = doc["layers"][l - 1];
    const std::string w = what + " layers[" + std::to_string(l - 1) + "]";
    const std::size_t n = static_cast<std::size_t>(sc.width(l)), n_prev = static_cast<std::size_t>(sc.width(l - 1));
    for (const char* key : {"z", "a", "delta", "grad_weights", "grad_bias", "weights_after", "bias_after"})
      ASSERT_TRUE(layer.contains(key)) << w << " has no " << key;
    expect_matrix_shape(layer["z"], batch, n, w + ".z");
    expect_matrix_shape(layer["a"], batch, n, w + ".a");
    expect_matrix_shape(layer["delta"], batch, n, w + ".delta");
    expect_matrix_shape(layer["grad_weights"], n_prev, n, w + ".grad_weights");
    expect_row_shape(layer["grad_bias"], n, w + ".grad_bias");
    expect_matrix_shape(layer["weights_after"], n_prev, n, w + ".weights_after");
    expect_row_shape(layer["bias_after"], n, w + ".bias_after");
  }
  ASSERT_TRUE(doc.contains("steps") && doc["steps"].is_array()) << what;
  const json& steps = doc["steps"];
  ASSERT_EQ(steps.size(), build_ops(sc).size()) << what;
  const std::vector<std::string> phases{"forward", "loss", "backward", "update"};
  std::size_t phase = 0;
  std::vector<bool> seen(phases.size(), false);
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const json& s = steps[k];
    const std::string w = what + " steps[" + std::to_string(k) + "]";
    for (const char* key : {"index", "phase", "layer", "op", "title", "equation"})
      ASSERT_TRUE(s.contains(key)) << w << " has no " << key;
    ASSERT_TRUE(s["index"].is_number_integer()) << w;
    EXPECT_EQ(s["index"].get<std::size_t>(), k) << w;
    ASSERT_TRUE(s["phase"].is_string()) << w;
    const std::string p = s["phase"].get<std::string>();
    const auto it = std::find(phases.begin(), phases.end(), p);
    ASSERT_NE(it, phases.end()) << w << ": phase " << p;
    const std::size_t at = static_cast<std::size_t>(it - phases.begin());
    EXPECT_GE(at, phase) << w << ": phase " << p << " after " << phases[phase];
    phase = std::max(phase, at);
    seen[at] = true;
    ASSERT_TRUE(s["layer"].is_number_integer()) << w;
    EXPECT_GE(s["layer"].get<int>(), 1) << w;
    EXPECT_LE(s["layer"].get<int>(), sc.layer_count()) << w;
    for (const char* key : {"op", "title", "equation"}) {
      ASSERT_TRUE(s[key].is_string()) << w << "." << key;
      EXPECT_FALSE(s[key].get<std::string>().empty()) << w << "." << key;
    }
  }
  for (std::size_t p = 0; p < phases.size(); ++p) EXPECT_TRUE(seen[p]) << what << ": no " << phases[p] << " step";
}

TEST_F(Cli, TraceJsonOnTheSeedPrintsTheSchemaOfFormatsMd) {
  const ProcessResult r = run({"trace", asset("seed.json"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const json doc = json::parse(r.out);  // throws (fails the test) when not valid JSON
  expect_trace_schema(doc, load_scenario(asset("seed.json")), "seed");
  // The op names of the seed's 3 layers, in order.
  std::vector<std::string> ops;
  for (const json& s : doc["steps"]) ops.push_back(s["op"].get<std::string>());
  const std::vector<std::string> expected_start{"affine", "activation", "affine", "activation",
                                                "affine", "activation", "loss", "loss_gradient"};
  EXPECT_EQ(std::vector<std::string>(ops.begin(), ops.begin() + 8), expected_start);
  EXPECT_EQ(ops.back(), "update_bias");
}

TEST_F(Cli, TraceJsonNumbersAreTheEnginesAtFullPrecision) {
  const Scenario sc = load_scenario(asset("batch.json"));
  const ProcessResult r = run({"trace", asset("batch.json"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json doc = json::parse(r.out);
  Trainer engine(sc);
  const double loss = engine.step();
  EXPECT_EQ(doc["loss"].get<double>(), loss);  // exact: JSON carries every digit
  for (int l = 1; l <= sc.layer_count(); ++l) {
    const LayerState& ls = engine.state().layers[l - 1];
    const Layer& after = engine.state().scenario.layers[l - 1];
    const json& layer = doc["layers"][l - 1];
    EXPECT_EQ(layer["z"], matrix_to_json(ls.pre_activation)) << l;
    EXPECT_EQ(layer["a"], matrix_to_json(ls.activation)) << l;
    EXPECT_EQ(layer["delta"], matrix_to_json(ls.delta)) << l;
    EXPECT_EQ(layer["grad_weights"], matrix_to_json(ls.grad_weights)) << l;
    EXPECT_EQ(layer["grad_bias"], row_to_json(ls.grad_bias)) << l;
    EXPECT_EQ(layer["weights_after"], matrix_to_json(after.weights)) << l;
    EXPECT_EQ(layer["bias_after"], row_to_json(after.bias)) << l;
    EXPECT_NE(layer["weights_after"], matrix_to_json(sc.layers[l - 1].weights)) << "not updated, layer " << l;
  }
}

TEST_F(Cli, TraceWithoutJsonPrintsEveryOpAndTheLoss) {
  const ProcessResult r = run({"trace", asset("seed.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.last_out_line().rfind("loss: ", 0), 0u) << r.last_out_line();
  EXPECT_NE(r.out.find("1.35"), std::string::npos);
}

// ------------------------------------------------------------------ train
TEST_F(Cli, TrainWritesNRowsPlusHeaderAndEndsWithTheSummaryLine) {
  const std::string csv = (dir_ / "loss.csv").string();
  const ProcessResult r = run({"train", asset("xor.json"), "--steps", "250", "--csv", csv});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(std::regex_match(r.last_out_line(),
                               std::regex(R"(steps: 250, seconds: [0-9]+(\.[0-9]+)?, us_per_step: [0-9]+(\.[0-9]+)?)")))
      << r.last_out_line();

  std::istringstream rows(slurp(csv));
  std::string line;
  ASSERT_TRUE(std::getline(rows, line));
  EXPECT_EQ(line, "step,loss,epoch,train_loss,test_loss,accuracy,test_accuracy");
  // The losses are the fast path's, to the last bit (17 significant digits
  // round-trip). Without batching every step is an epoch: its epoch column
  // counts from 0 and the training set's loss after it is on every row.
  Trainer engine(load_scenario(asset("xor.json")));
  int n = 0;
  while (std::getline(rows, line)) {
    ++n;
    const auto comma = line.find(',');
    ASSERT_NE(comma, std::string::npos) << line;
    EXPECT_EQ(std::stoi(line.substr(0, comma)), n);
    EXPECT_EQ(std::stod(line.substr(comma + 1)), engine.step()) << "row " << n;
    const auto third = line.find(',', comma + 1);
    ASSERT_NE(third, std::string::npos) << line;
    EXPECT_EQ(std::stoi(line.substr(third + 1)), n - 1) << line;
    EXPECT_EQ(line.back(), ',') << "no test set: test_accuracy stays empty: " << line;
  }
  EXPECT_EQ(n, 250);
  // Written atomically: no temporary left beside it.
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

// ------------------------------------------------------------------ §4: optimizers, resuming
std::vector<std::string> loss_column(const std::string& csv) {
  std::istringstream rows(csv);
  std::vector<std::string> out;
  std::string line;
  std::getline(rows, line);  // header
  while (std::getline(rows, line)) out.push_back(line.substr(line.find(',') + 1));
  return out;
}

TEST_F(Cli, TrainSaveThenTrainTheSavedFileReproducesTheLastStepsBitForBit) {
  for (const char* file : {"seed_adam.json", "seed_momentum.json", "seed.json"}) {
    const std::string saved = path("saved.json"), a = path("a.csv"), b = path("b.csv");
    const std::string end1 = path("end1.json"), end2 = path("end2.json");
    ASSERT_EQ(run({"train", asset(file), "--steps", "4", "--save", saved}).exit_code, 0) << file;
    const ProcessResult resumed = run({"train", saved, "--steps", "3", "--csv", a, "--save", end1});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    ASSERT_EQ(run({"train", asset(file), "--steps", "7", "--csv", b, "--save", end2}).exit_code, 0) << file;
    const std::vector<std::string> last3 = loss_column(slurp(a)), all7 = loss_column(slurp(b));
    ASSERT_EQ(last3.size(), 3u);
    ASSERT_EQ(all7.size(), 7u);
    EXPECT_EQ(last3, std::vector<std::string>(all7.begin() + 4, all7.end())) << file;
    const json x = json::parse(slurp(end1)), y = json::parse(slurp(end2));
    EXPECT_EQ(x["layers"], y["layers"]) << file;
    EXPECT_EQ(x.value("optimizer_state", json()), y.value("optimizer_state", json())) << file;
    if (std::string(file) != "seed.json") {
      EXPECT_EQ(y["optimizer_state"]["t"], 7) << file;
    }
    for (const auto& e : fs::directory_iterator(dir_))
      EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
}

TEST_F(Cli, TraceJsonGivesTTheLossAsDataLossPlusPenaltyAndTheStateAfter) {
  const Scenario sc = load_scenario(asset("seed_adam.json"));
  const ProcessResult r = run({"trace", asset("seed_adam.json"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json doc = json::parse(r.out);
  EXPECT_EQ(doc["t"], 1);
  const double data = doc["data_loss"].get<double>(), penalty = doc["penalty"].get<double>();
  EXPECT_GT(penalty, 0.0);
  EXPECT_EQ(doc["loss"].get<double>(), data + penalty);
  Trainer engine(sc);
  EXPECT_EQ(engine.step(), data + penalty);
  for (int l = 1; l <= sc.layer_count(); ++l) {
    const json& after = doc["layers"][l - 1]["optimizer_state_after"];
    const LayerOptimizerState& st = engine.scenario().optimizer_state.layers[l - 1];
    EXPECT_EQ(after["weights"]["m"], matrix_to_json(st.weights[StateSlot::M])) << l;
    EXPECT_EQ(after["weights"]["v"], matrix_to_json(st.weights[StateSlot::V])) << l;
    EXPECT_EQ(after["bias"]["m"], row_to_json(st.bias[StateSlot::M])) << l;
    EXPECT_EQ(after["bias"]["v"], row_to_json(st.bias[StateSlot::V])) << l;
    EXPECT_FALSE(after["weights"].contains("v_max"));
  }
  // The same sum is the loss of train's CSV rows.
  const std::string csv = path("loss.csv");
  ASSERT_EQ(run({"train", asset("seed_adam.json"), "--steps", "1", "--csv", csv}).exit_code, 0);
  EXPECT_EQ(std::stod(loss_column(slurp(csv)).at(0)), data + penalty);
  // Plain SGD: empty state objects, no penalty, t = 1.
  const json plain = json::parse(run({"trace", asset("seed.json"), "--json"}).out);
  EXPECT_EQ(plain["t"], 1);
  EXPECT_EQ(plain["penalty"].get<double>(), 0.0);
  EXPECT_EQ(plain["loss"], plain["data_loss"]);
  EXPECT_EQ(plain["layers"][0]["optimizer_state_after"], json::parse(R"({"weights": {}, "bias": {}})"));
}

TEST_F(Cli, ExportShowsTheOptimizerAndPenaltyOps) {
  const ProcessResult r = run({"export", asset("seed_adam.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("regularization penalty"), std::string::npos);
  EXPECT_NE(r.out.find("step count t ← t + 1"), std::string::npos);
  EXPECT_NE(r.out.find("m of W¹"), std::string::npos);
}

TEST_F(Cli, ABadOptimizerFieldExitsTwoNamingIt) {
  std::string text = slurp(asset("seed_adam.json"));
  text.replace(text.find("\"beta1\": 0.9"), 12, "\"beta1\": 1.5");
  const std::string bad = write("bad.json", text);
  const ProcessResult r = run({"train", bad, "--steps", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_EQ(r.err_lines()[0].rfind("error: " + bad + ": optimizer.beta1: must be in [0, 1)", 0), 0u) << r.err;
}

TEST_F(Cli, TrainWithoutCsvPrintsOnlyTheSummary) {
  const ProcessResult r = run({"train", asset("seed.json"), "--steps", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex(R"(steps: 3, seconds: \S+, us_per_step: \S+\n)"))) << r.out;
}

TEST_F(Cli, TrainingXorLowersTheLossWell) {
  const std::string csv = (dir_ / "xor.csv").string();
  const ProcessResult r = run({"train", asset("xor.json"), "--steps", "5000", "--csv", csv});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream rows(slurp(csv));
  std::string line;
  std::vector<double> losses;
  std::getline(rows, line);
  while (std::getline(rows, line)) losses.push_back(std::stod(line.substr(line.find(',') + 1)));
  ASSERT_EQ(losses.size(), 5000u);
  EXPECT_LT(losses.back(), 0.01 * losses.front()) << losses.front() << " → " << losses.back();
}

TEST_F(Cli, TrainingThatOverflowsExitsOneNamingTheOp) {
  const std::string path = write("overflow.json", R"({"input_size": 1,
      "layers": [{"size": 1, "activation": "identity", "weights": [[1]], "bias": [0]}],
      "loss": "mse", "learning_rate": 1e308, "inputs": [[2]], "targets": [[0]]})");
  const ProcessResult r = run({"train", path, "--steps", "10"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::vector<std::string> lines = r.err_lines();
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_EQ(lines[0].rfind("error: ", 0), 0u);
  EXPECT_NE(lines[0].find("overflow.json"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("non-finite"), std::string::npos) << lines[0];
}

// ------------------------------------------------------------------ gradcheck
// One test per file in assets/scenarios, so a failure names the file.
std::vector<std::string> asset_scenario_files() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(kScenarios))
    if (entry.path().extension() == ".json") files.push_back(entry.path().filename().string());
  std::sort(files.begin(), files.end());
  return files;
}

// formats.md §5: trace --after K runs K steps first and names the step's rows.
TEST_F(Cli, TraceAfterKTracesTheNextMiniBatchAndNamesItsRows) {
  const Scenario sc = load_scenario(asset("spiral_features.json"));
  const long long per_epoch = steps_per_epoch(sc.data.train_rows(), sc.data.batching);
  ASSERT_EQ(per_epoch, 25);
  for (const long long after : {0LL, 24LL, 27LL}) {
    const ProcessResult r = run({"trace", asset("spiral_features.json"), "--json", "--after", std::to_string(after)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json doc = json::parse(r.out);
    const Progress p{after, after / per_epoch, after % per_epoch};
    EXPECT_EQ(doc["epoch"], p.epoch) << after;
    EXPECT_EQ(doc["step_in_epoch"], p.step_in_epoch) << after;
    const std::vector<int> rows = batch_rows(sc.data.train_rows(), sc.data.batching, p);
    EXPECT_EQ(doc["batch_rows"].get<std::vector<int>>(), rows) << after;
    // x as the network sees it: the seven features of each row's raw inputs.
    ASSERT_EQ(doc["inputs"].size(), rows.size());
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const double x1 = sc.data.train_raw(rows[k], 0), x2 = sc.data.train_raw(rows[k], 1);
      const std::vector<double> x = doc["inputs"][k].get<std::vector<double>>();
      ASSERT_EQ(x.size(), 7u);
      EXPECT_EQ(x[0], x1);
      EXPECT_EQ(x[4], x1 * x2);
      EXPECT_EQ(x[5], std::sin(x1));
      EXPECT_EQ(doc["targets"][k][0].get<double>(), sc.data.train_targets(rows[k], 0));
    }
    EXPECT_EQ(doc["steps"][0]["op"], "mini_batch");
  }
  // Without a data set: the whole batch, rows 0..B−1, each step an epoch.
  const json seed = json::parse(run({"trace", asset("batch.json"), "--json", "--after", "3"}).out);
  EXPECT_EQ(seed["epoch"], 3);
  EXPECT_EQ(seed["step_in_epoch"], 0);
  EXPECT_EQ(seed["batch_rows"].size(), load_scenario(asset("batch.json")).batch_size());
  EXPECT_NE(seed["steps"][0]["op"], "mini_batch");
}

// §5's CSV: epoch on every row; at each epoch's last step the whole training
// set's and test set's data loss with the weights after it, else empty.
TEST_F(Cli, TrainCsvGivesTrainAndTestLossAtEpochEnds) {
  const std::string csv = (dir_ / "epochs.csv").string();
  ASSERT_EQ(run({"train", asset("circle.json"), "--steps", "60", "--csv", csv}).exit_code, 0);
  const Scenario sc = load_scenario(asset("circle.json"));
  Trainer trainer(sc);
  SetEvaluator on_train(sc, sc.data.train_raw, sc.data.train_targets);
  SetEvaluator on_test(sc, sc.data.test_raw, sc.data.test_targets);
  const Classifier classifier = classifier_of(sc);
  ASSERT_TRUE(classifier.active) << "one tanh output, -1/+1 targets";
  std::istringstream rows(slurp(csv));
  std::string line;
  ASSERT_TRUE(std::getline(rows, line));
  EXPECT_EQ(line, "step,loss,epoch,train_loss,test_loss,accuracy,test_accuracy");
  int n = 0, epoch_ends = 0;
  while (std::getline(rows, line)) {
    ++n;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    if (line.back() == ',') cells.push_back("");
    ASSERT_EQ(cells.size(), 7u) << line;
    EXPECT_EQ(std::stoll(cells[0]), n);
    EXPECT_EQ(std::stod(cells[1]), trainer.step()) << line;
    EXPECT_EQ(std::stoll(cells[2]), (n - 1) / 25) << line;  // 250 training rows, batches of 10
    const bool end = n % 25 == 0;
    EXPECT_EQ(!cells[3].empty(), end) << line;
    EXPECT_EQ(!cells[4].empty(), end) << line;
    EXPECT_EQ(!cells[5].empty(), end) << line;
    EXPECT_EQ(!cells[6].empty(), end) << line;
    if (end) {
      ++epoch_ends;
      EXPECT_EQ(std::stod(cells[3]), on_train.data_loss(trainer.scenario())) << line;
      EXPECT_EQ(std::stod(cells[5]), on_train.accuracy(classifier)) << line;
      EXPECT_EQ(std::stod(cells[4]), on_test.data_loss(trainer.scenario())) << line;
      EXPECT_EQ(std::stod(cells[6]), on_test.accuracy(classifier)) << line;
      // Counted by hand from the outputs: tanh's class 1 is o ≥ 0.
      const double right = std::stod(cells[6]) * static_cast<double>(sc.data.test_raw.rows());
      EXPECT_NEAR(right, std::round(right), 1e-9) << "a whole number of test rows: " << line;
    }
  }
  EXPECT_EQ(n, 60);
  EXPECT_EQ(epoch_ends, 2);
}

TEST_F(Cli, TrainSaveAndContinueOverEpochsEqualsOneRunAndNumbersTheSteps) {
  const std::string saved = (dir_ / "saved.json").string(), a = (dir_ / "a.csv").string(),
                    b = (dir_ / "b.csv").string();
  ASSERT_EQ(run({"train", asset("spiral.json"), "--steps", "30", "--save", saved}).exit_code, 0);
  ASSERT_EQ(run({"train", saved, "--steps", "40", "--csv", a}).exit_code, 0);
  ASSERT_EQ(run({"train", asset("spiral.json"), "--steps", "70", "--csv", b}).exit_code, 0);
  std::vector<std::string> resumed, whole;
  std::istringstream ra(slurp(a)), rb(slurp(b));
  for (std::string l; std::getline(ra, l);) resumed.push_back(l);
  for (std::string l; std::getline(rb, l);) whole.push_back(l);
  ASSERT_EQ(resumed.size(), 41u);
  ASSERT_EQ(whole.size(), 71u);
  for (std::size_t k = 1; k < resumed.size(); ++k) EXPECT_EQ(resumed[k], whole[k + 30]) << k;
  const json progress = json::parse(slurp(saved))["progress"];
  EXPECT_EQ(progress, json({{"step", 30}, {"epoch", 1}, {"step_in_epoch", 5}}));
}

class EveryAssetScenario : public Cli, public ::testing::WithParamInterface<std::string> {};

TEST_P(EveryAssetScenario, GradcheckExitsZero) {
  const ProcessResult r = run({"gradcheck", asset(GetParam())}, 280);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.last_out_line().rfind("max relative error: ", 0), 0u) << r.out;
}

TEST_P(EveryAssetScenario, TraceJsonFollowsTheSchema) {
  const ProcessResult r = run({"trace", asset(GetParam()), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  expect_trace_schema(json::parse(r.out), load_scenario(asset(GetParam())), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Assets, EveryAssetScenario, ::testing::ValuesIn(asset_scenario_files()),
                         [](const auto& info) {
                           std::string name = fs::path(info.param).stem().string();
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(AssetScenarioFiles, AtLeastTheTeachingSetIsThere) {
  const std::vector<std::string> files = asset_scenario_files();
  for (const char* f : {"seed.json", "seed_cross_entropy.json", "xor.json", "deep_sigmoid.json", "batch.json"})
    EXPECT_NE(std::find(files.begin(), files.end(), f), files.end()) << f;
}

TEST_F(Cli, GradcheckSkipsProbesThatCrossAReluKink) {
  // z = 0 sits exactly on relu's kink: relu'(0) = 0 analytically, but the
  // central difference of the bias sees the average slope ½. That probe is
  // skipped and reported, not counted as a disagreement.
  const std::string path = write("kink.json", R"({"input_size": 1,
      "layers": [{"size": 1, "activation": "relu", "weights": [[1]], "bias": [0]},
                 {"size": 1, "activation": "identity", "weights": [[1]], "bias": [0]}],
      "loss": "mse", "learning_rate": 0.1, "inputs": [[0]], "targets": [[1]]})");
  const ProcessResult r = run({"gradcheck", path});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("(1 skipped"), std::string::npos) << r.out;
}

TEST_F(Cli, GradcheckExitsOneWhenTheGradientsCannotBeConfirmed) {
  // An input of 1e200 overflows the mse loss and its gradient to ∞: no
  // finite difference can confirm that, so the check fails with exit 1.
  const std::string path = write("overflow.json", R"({"input_size": 1,
      "layers": [{"size": 1, "activation": "identity", "weights": [[1]], "bias": [0]}],
      "loss": "mse", "learning_rate": 0.1, "inputs": [[1e200]], "targets": [[0]]})");
  const ProcessResult r = run({"gradcheck", path});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("max relative error: "), std::string::npos) << r.out;
}

// ------------------------------------------------------------------ export
TEST_F(Cli, ExportPrintsOneStepAsMarkdown) {
  const ProcessResult r = run({"export", asset("seed.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("# Worked example: Seed example", 0), 0u) << r.out.substr(0, 200);
  for (const char* section : {"\n## forward\n", "\n## loss\n", "\n## backward\n", "\n## update\n"})
    EXPECT_NE(r.out.find(section), std::string::npos) << section;
  std::size_t headings = 0;
  for (std::size_t at = r.out.find("\n### "); at != std::string::npos; at = r.out.find("\n### ", at + 1)) ++headings;
  EXPECT_EQ(headings, build_ops(load_scenario(asset("seed.json"))).size());
  EXPECT_NE(r.out.find("1.35"), std::string::npos);  // the first affine's numbers
  EXPECT_NE(r.out.find("|---|"), std::string::npos);  // value tables
}

TEST_F(Cli, ExportWithMinusOWritesTheFileAndNothingToStdout) {
  const std::string md = (dir_ / "step.md").string();
  const ProcessResult r = run({"export", asset("batch.json"), "-o", md});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(slurp(md), run({"export", asset("batch.json")}).out);
}

// ------------------------------------------------------------------ bad input
struct BadFile {
  const char* name;
  std::string contents;
  const char* field;  // what the error line must also mention
};

std::vector<BadFile> bad_files() {
  static const char kGarbage[] = "\x89PNG\r\n\x1a\n\0\0\xff\xfe garbage \x01\x02";
  const std::string seed = slurp(asset("seed.json"));
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string s = seed;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  return {
      {"not_json.json", "{\"input_size\": 3,", "(document)"},
      {"array.json", "[1, 2, 3]", "(document)"},
      {"empty.json", "", "(document)"},
      {"wrong_rows.json", replaced("[[0.2, 0.3, 0.5], [0.3, 0.5, 0.7], [0.6, 0.4, 0.8]]", "[[0.2, 0.3, 0.5], [0.3, 0.5, 0.7]]"),
       "layers[1].weights: expected 3 rows, got 2"},
      {"unknown_activation.json", replaced("\"softmax\"", "\"softmaxx\""), "layers[2].activation"},
      {"unknown_loss.json", replaced("\"binary_cross_entropy\"", "\"hinge\""), "loss"},
      // formats.md §6: a conv layer needs an image below it, never read as dense.
      {"conv2d.json", replaced("\"activation\": \"sigmoid\"", "\"type\": \"conv2d\", \"activation\": \"sigmoid\""),
       "layers[1].type: a conv2d layer needs an image below it"},
      {"dropout_p.json", replaced("{\"size\": 3, \"activation\": \"sigmoid\",", "{\"type\": \"dropout\", \"p\": 1.5}, {\"size\": 3, \"activation\": \"sigmoid\","),
       "layers[1].p: must be in [0, 1)"},
      {"huge_number.json", replaced("0.01", "1e999"), "learning_rate"},
      {"negative_size.json", replaced("\"input_size\": 3", "\"input_size\": -3"), "input_size"},
      {"no_inputs.json", replaced("[[0.1, 0.2, 0.7]]", "[]"), "inputs"},
      {"deep.json", std::string(100000, '[') + std::string(100000, ']'), "(document)"},
      {"garbage.json", std::string(kGarbage, sizeof kGarbage - 1), "(document)"},
  };
}

TEST_F(Cli, EveryBadScenarioExitsTwoWithOneErrorLineNamingFileAndField) {
  for (const BadFile& bad : bad_files()) {
    const std::string path = write(bad.name, bad.contents);
    const std::vector<std::vector<std::string>> commands{{"trace", path, "--json"},
                                                         {"trace", path},
                                                         {"train", path, "--steps", "3"},
                                                         {"gradcheck", path},
                                                         {"export", path},
                                                         {"export", path, "-o", (dir_ / "x.md").string()}};
    for (const auto& args : commands)
      expect_bad_input(run(args), {path, bad.field}, args[0] + " " + bad.name);
    EXPECT_FALSE(fs::exists(dir_ / "x.md")) << bad.name;
  }
}

// formats.md §6's dropout, stepped on the command line.
TEST_F(Cli, ADropoutNetworkStepsOnTheCommandLine) {
  const std::string path = write("drop.json", R"({"input_size": 3, "init": {"scheme": "xavier_uniform", "seed": 3},
      "layers": [{"size": 4, "activation": "relu"}, {"type": "dropout", "p": 0.25, "seed": 9},
                 {"size": 2, "activation": "softmax"}],
      "loss": "cross_entropy", "learning_rate": 0.1,
      "inputs": [[0.5, -1, 2], [1, 0.3, -0.2]], "targets": [[1, 0], [0, 1]]})");
  const ProcessResult t = run({"trace", path, "--json"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const json trace = json::parse(t.out);
  EXPECT_EQ(trace["layers"][1]["type"], "dropout");
  expect_matrix_shape(trace["layers"][1]["mask"], 2, 4, "mask");
  EXPECT_EQ(run({"train", path, "--steps", "20"}).exit_code, 0);
  const ProcessResult g = run({"gradcheck", path});
  EXPECT_EQ(g.exit_code, 0) << g.out;
  EXPECT_EQ(run({"export", path}).out.find("dropout mask") != std::string::npos, true);
}

TEST_F(Cli, AMissingFileOrADirectoryExitsTwoNamingIt) {
  const std::string missing = (dir_ / "does_not_exist.json").string();
  for (const std::string& path : {missing, dir_.string()}) {
    expect_bad_input(run({"trace", path, "--json"}), {path}, "trace " + path);
    expect_bad_input(run({"train", path, "--steps", "1"}), {path}, "train " + path);
    expect_bad_input(run({"gradcheck", path}), {path}, "gradcheck " + path);
    expect_bad_input(run({"export", path}), {path}, "export " + path);
  }
}

TEST_F(Cli, BadArgumentsExitTwoWithOneErrorLine) {
  const std::string seed = asset("seed.json");
  const std::vector<std::vector<std::string>> bad_args{
      {"trace", seed, "--json", "--bogus"},
      {"trace"},
      {"trace", seed, "extra.json"},
      {"train", seed},
      {"train", seed, "--steps", "-1"},
      {"train", seed, "--steps=-1"},
      {"train", seed, "--steps", "abc"},
      {"train", seed, "--steps", "1.5"},
      {"train", seed, "--steps"},
      {"gradcheck"},
      {"gradcheck", seed, "--steps", "3"},
      {"export", seed, "-o"},
  };
  for (const auto& args : bad_args) {
    std::string what;
    for (const std::string& a : args) what += a + " ";
    expect_bad_input(run(args), {}, what);
  }
}

// ------------------------------------------------------------------ import-csv

// 40 rows: two measurements and a species 0, 1 or 2.
std::string species_csv() {
  std::string text = "length,width,species\n";
  for (int r = 0; r < 40; ++r)
    text += std::to_string(1.0 + 0.1 * r) + "," + std::to_string(0.5 * (r % 5)) + "," + std::to_string(r % 3) + "\n";
  return text;
}

TEST_F(Cli, ImportCsvWritesAScenarioThatLoadsTrainsAndSaysWhatItChose) {
  const std::string csv = write("plants.csv", species_csv());
  const std::string out = (dir_ / "plants.json").string();
  const ProcessResult r = run({"import-csv", csv, "--targets", "species", "--hidden", "6", "--test-fraction", "0.25",
                               "--batch", "8", "--seed", "3", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("Classification: 3 classes in column \"species\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2-6-3"), std::string::npos) << r.out;
  const Scenario s = load_scenario(out);
  EXPECT_EQ(s.data.train_rows(), 30);
  EXPECT_EQ(s.data.test_raw.rows(), 10);
  EXPECT_EQ(s.data.batching->size, 8);
  EXPECT_EQ(s.loss->name, "cross_entropy");
  EXPECT_EQ(entries(), (std::vector<std::string>{".stderr", ".stdout", "plants.csv", "plants.json"}));  // no temp file left
  const ProcessResult trained = run({"train", out, "--steps", "8"});
  EXPECT_EQ(trained.exit_code, 0) << trained.err;
}

TEST_F(Cli, ImportCsvWithoutOPrintsTheScenarioJsonAndNothingElse) {
  const std::string csv = write("plants.csv", species_csv());
  const ProcessResult r = run({"import-csv", csv, "--targets", "species", "--regression"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json doc = json::parse(r.out);
  EXPECT_EQ(doc["loss"], "mse");
  EXPECT_EQ(doc["input_size"], 2);
  EXPECT_EQ(doc["inputs"].size() + doc["test_inputs"].size(), 40u);  // default test fraction 0.2: 32 + 8
  EXPECT_EQ(doc["test_inputs"].size(), 8u);
  EXPECT_NO_THROW(parse_scenario(r.out, "stdout"));
}

TEST_F(Cli, ImportCsvReadsGzipAndHeaderlessFilesSuchAsIrisFirstLine) {
  const std::string csv = write("iris.csv", "150,4,setosa,versicolor,virginica\n" + species_csv().substr(21));
  const ProcessResult r = run({"import-csv", csv, "--skip-lines", "1", "--no-header", "--targets", "c3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["layers"][1]["size"], 3);
  const std::string gz = (dir_ / "plants.csv.gz").string();
  write("plants.csv", species_csv());
  ASSERT_EQ(std::system(("gzip -c " + (dir_ / "plants.csv").string() + " > " + gz).c_str()), 0);
  const ProcessResult packed = run({"import-csv", gz, "--targets", "species"});
  const ProcessResult plain = run({"import-csv", (dir_ / "plants.csv").string(), "--targets", "species"});
  ASSERT_EQ(packed.exit_code, 0) << packed.err;
  EXPECT_EQ(json::parse(packed.out)["inputs"], json::parse(plain.out)["inputs"]);
}

TEST_F(Cli, ImportCsvBadFilesExitTwoWithOneLineNamingTheLineAndColumnAndWriteNothing) {
  struct Case {
    std::string name, text;
    std::vector<std::string> args, mentions;
  };
  const std::vector<Case> cases{
      {"ragged.csv", "a,b,c\n1,2,0\n1,2\n", {}, {"ragged.csv:3:", "expected 3 cells", "got 2"}},
      {"text.csv", "a,petal_width,c\n1,2,0\n1,abc,1\n", {}, {"text.csv:3: column \"petal_width\": \"abc\" is not a number"}},
      {"nan.csv", "a,b,c\n1,nan,0\n", {}, {"nan.csv:2: column \"b\": \"nan\" is not a finite number"}},
      {"inf.csv", "a,b,c\n-inf,1,0\n", {}, {"inf.csv:2: column \"a\": \"-inf\" is not a finite number"}},
      {"empty.csv", "", {}, {"empty.csv: the file is empty"}},
      {"header_only.csv", "a,b,c\n", {}, {"header_only.csv: no data rows after the header"}},
      {"plants.csv", species_csv(), {"--targets", "kind"}, {"plants.csv: --targets: no column \"kind\""}},
      {"labels.csv", "a,b\n1,0\n2,3\n", {"--classes", "3"}, {"labels.csv:3: column \"b\": 3 is not a class"}},
  };
  for (const Case& c : cases) {
    const std::string csv = write(c.name, c.text);
    const std::string out = (dir_ / "out.json").string();
    std::vector<std::string> args{"import-csv", csv, "-o", out};
    args.insert(args.end(), c.args.begin(), c.args.end());
    expect_bad_input(run(args), c.mentions, c.name);
    EXPECT_FALSE(fs::exists(out)) << c.name;
  }
  expect_bad_input(run({"import-csv", (dir_ / "none.csv").string()}), {"none.csv: cannot read"}, "a missing file");
  expect_bad_input(run({"import-csv", write("p.csv", species_csv()), "--test-fraction", "1.5"}), {"--test-fraction"},
                   "a test fraction over 1");
}

TEST_F(Cli, ImportCsvHelpListsItsOptions) {
  const ProcessResult r = run({"import-csv", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option : {"--targets", "--hidden", "--classes", "--test-fraction", "--batch", "--seed", "--scale",
                             "--normalize", "--no-header", "--skip-lines", "-o"})
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
}

// ------------------------------------------------------------------ expressions (formats.md §7)
const std::string kExpressions = std::string(BPV_ASSETS_DIR) + "/expressions";

TEST_F(Cli, TraceJsonOfAnExpressionGivesEveryNodesValueAndGradient) {
  const ProcessResult r = run({"trace", kExpressions + "/micrograd_neuron.json", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json doc = json::parse(r.out);
  EXPECT_EQ(doc["kind"], "expression");
  EXPECT_EQ(doc["output"], "o");
  EXPECT_NEAR(doc["value"].get<double>(), std::sqrt(0.5), 1e-15);
  for (const char* name : {"x1", "x2", "w1", "w2", "b", "x1w1", "x2w2", "n", "o"}) {
    EXPECT_TRUE(doc["values"].contains(name)) << name;
    EXPECT_TRUE(doc["grads"].contains(name)) << name;
  }
  EXPECT_EQ(doc["grads"]["w1"].get<double>(), 2.0 * doc["grads"]["n"].get<double>());
  EXPECT_EQ(doc["grads"]["o"], 1.0);
  EXPECT_EQ(doc["values_after"].size(), 3u);
  std::vector<std::string> phases;
  for (std::size_t k = 0; k < doc["steps"].size(); ++k) {
    const json& s = doc["steps"][k];
    EXPECT_EQ(s["index"].get<std::size_t>(), k);
    for (const char* key : {"phase", "op", "title", "equation"}) EXPECT_FALSE(s[key].get<std::string>().empty());
    if (phases.empty() || phases.back() != s["phase"]) phases.push_back(s["phase"]);
  }
  EXPECT_EQ(phases, (std::vector<std::string>{"forward", "backward", "update"}));
  // Without parameters the step ends after the backward pass.
  const ProcessResult c = run({"trace", kExpressions + "/cs231n_circuit.json", "--json"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const json circuit = json::parse(c.out);
  EXPECT_EQ(circuit["value"], -12.0);
  EXPECT_EQ(circuit["grads"]["x"], -4.0);
  EXPECT_EQ(circuit["grads"]["z"], 3.0);
  EXPECT_TRUE(circuit["values_after"].empty());
  EXPECT_EQ(circuit["steps"].back()["phase"], "backward");
}

TEST_F(Cli, TrainOnAnExpressionWritesTheOutputAsTheLossAndSavesToContinue) {
  const std::string csv = (dir_ / "o.csv").string(), saved = (dir_ / "trained.json").string();
  const ProcessResult r =
      run({"train", kExpressions + "/micrograd_neuron.json", "--steps", "5", "--csv", csv, "--save", saved});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.last_out_line(), std::regex(R"(steps: 5, seconds: [0-9.]+, us_per_step: [0-9.]+)")))
      << r.out;
  std::istringstream rows(slurp(csv));
  std::string line;
  std::getline(rows, line);
  EXPECT_EQ(line, "step,loss");
  std::vector<double> outputs;
  while (std::getline(rows, line)) outputs.push_back(std::stod(line.substr(line.find(',') + 1)));
  ASSERT_EQ(outputs.size(), 5u);
  EXPECT_NEAR(outputs[0], std::sqrt(0.5), 1e-15);
  for (std::size_t k = 1; k < outputs.size(); ++k) EXPECT_LT(outputs[k], outputs[k - 1]);
  // The saved file continues where training stopped: its trace's value is step 6's.
  const ProcessResult more = run({"train", saved, "--steps", "1", "--csv", csv});
  ASSERT_EQ(more.exit_code, 0) << more.err;
  const ProcessResult six = run({"train", kExpressions + "/micrograd_neuron.json", "--steps", "6", "--csv",
                                 (dir_ / "six.csv").string()});
  ASSERT_EQ(six.exit_code, 0);
  const std::string six_rows = slurp(dir_ / "six.csv");
  const std::string last = six_rows.substr(six_rows.rfind("\n6,") + 3);
  EXPECT_EQ(slurp(csv), "step,loss\n1," + last);
}

TEST_F(Cli, GradcheckAndExportOpenExpressions) {
  for (const char* file : {"micrograd_neuron.json", "cs231n_circuit.json", "micrograd_L.json", "value_used_twice.json",
                           "sigmoid_vanishing.json"}) {
    const ProcessResult g = run({"gradcheck", kExpressions + "/" + file});
    EXPECT_EQ(g.exit_code, 0) << file << g.out << g.err;
    EXPECT_NE(g.out.find("max relative error: "), std::string::npos);
    const ProcessResult e = run({"export", kExpressions + "/" + file});
    EXPECT_EQ(e.exit_code, 0) << file;
    EXPECT_NE(e.out.find("## Backward pass"), std::string::npos) << file;
  }
}

TEST_F(Cli, ABadExpressionExitsTwoWithOneLineNamingTheFieldAndColumn) {
  const std::string path = write("bad.json", R"({"kind": "expression", "values": {"x": 1},
      "definitions": ["q = x * 2", "p = q + 1", "f = (p * q"]})");
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"trace", path, "--json"}, {"train", path, "--steps", "2"}, {"gradcheck", path}, {"export", path}})
    expect_bad_input(run(args), {path + ": definitions[2]: column 11: expected ')'"}, args[0]);
  // screenshot refuses it before opening any window.
  expect_bad_input(run({"screenshot", path, "-o", (dir_ / "x.png").string()}), {"definitions[2]: column 11"},
                   "screenshot");
  EXPECT_FALSE(fs::exists(dir_ / "x.png"));
}

}  // namespace
}  // namespace bpv
