// Scenario files (formats.md §1): load with one precise error per bad file,
// save atomically (temp file beside the target, then rename).
#pragma once
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "engine/scenario.hpp"

namespace bpv {

// what() is "FILE: FIELD: problem", e.g. "net.json: layers[1].weights: expected
// 3 rows, got 2". The CLI prefixes "error: ".
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Resource bounds (issue 6 §4), enforced by the loader beside formats.md's
// limits, before anything is allocated: a file at every limit at once (16
// layers of 4096 neurons, 4096 examples) would need tens of GB and minutes
// per step, so it is refused with the same one-line error as any bad field.
//   - weights and biases of the whole network: at most kMaxParameters
//     (32 MiB per copy of the network; the stepper keeps about five);
//   - batch × (input_size + Σ layer sizes): at most kMaxExampleValues
//     (32 MiB per B × n buffer; the stepper keeps eight of each).
// Together they also bound one step's work: at most ~2^32 multiply-adds per
// matrix product pass. docs/hardening.md has the measured peak memory.
inline constexpr long long kMaxParameters = 1LL << 22;     // 4,194,304
inline constexpr long long kMaxExampleValues = 1LL << 22;  // 4,194,304
// A scenario file larger than this is refused before it is read (a file
// within the bounds above is well under 200 MB).
inline constexpr long long kMaxScenarioFileBytes = 256LL << 20;

// "" when the scenario is within the resource bounds, else the problem
// ("the network would have N weights and biases; at most M"). For edits.
std::string resource_problem(const Scenario& scenario);

// `source` names the file in error messages.
Scenario parse_scenario(const std::string& text, const std::string& source);
Scenario load_scenario(const std::string& path);

nlohmann::json scenario_to_json(const Scenario& scenario);
// Throws std::runtime_error (with the reason) when the file cannot be written;
// the old file is then left as it was.
void save_scenario(const Scenario& scenario, const std::string& path);

// Reads a whole file; throws ScenarioError "PATH: cannot read: reason".
std::string read_text_file(const std::string& path);
// Writes PATH.tmp-XXXX beside the target, flushes, then renames over PATH.
void write_file_atomic(const std::string& path, const std::string& contents);

nlohmann::json matrix_to_json(const Eigen::MatrixXd& m);
nlohmann::json row_to_json(const Eigen::MatrixXd& m);  // a 1 × n matrix as a flat array

}  // namespace bpv
