// Scenario files (formats.md §1): load with one precise error per bad file,
// save atomically (temp file beside the target, then rename).
#pragma once
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "scenario.hpp"

namespace bpv {

// what() is "FILE: FIELD: problem", e.g. "net.json: layers[1].weights: expected
// 3 rows, got 2". The CLI prefixes "error: ".
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

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
