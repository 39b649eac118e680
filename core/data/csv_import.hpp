// Importing a CSV file as a scenario (docs/data.md, "Your own data"): a table
// of numbers with a header row, some of its columns named as targets. The
// importer picks a network that can learn it (one hidden layer; softmax and
// cross-entropy for a column of class labels, else identity and MSE), splits
// off a test set and turns on mini-batches. `backprop-viz import-csv` and the
// app's File ▸ Import data… both come here.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "formats/scenario_io.hpp"

namespace bpv {

// what() is one line naming the file, the line and the column where it can:
// `data.csv:17: column "petal_width": "abc" is not a number`. A ScenarioError,
// so every caller that reports bad scenarios reports these the same way.
class CsvError : public ScenarioError {
 public:
  using ScenarioError::ScenarioError;
};

// A file larger than this (after gunzip) is refused before it is parsed.
inline constexpr long long kMaxCsvBytes = 256LL << 20;

struct CsvReadOptions {
  bool header = true;  // false: the columns are named c1, c2, …
  int skip_lines = 0;  // lines dropped before the header (or the first row)
  std::vector<std::string> names;  // not empty: the columns' names, in place of the header's or c1, c2, …
};

struct CsvTable {
  std::string source;               // the file name, for messages
  std::vector<std::string> header;  // one name per column
  Eigen::MatrixXd values;           // rows × columns, every value finite
  std::vector<int> lines;           // the file's line number (from 1) of each row
  int rows() const { return static_cast<int>(values.rows()); }
  int columns() const { return static_cast<int>(header.size()); }
  // The index of the column named `name`, or -1.
  int column(const std::string& name) const;
};

// Comma-separated; blank lines are skipped, cells are trimmed, a cell may be
// quoted ("a, b"). Every data cell must be a finite number.
CsvTable parse_csv(const std::string& text, const std::string& source, const CsvReadOptions& options = {});
// Whether the first line that `options` would read as the header holds
// names: false when every cell of it is a number (then it is data). For the
// app's preview, which guesses the header option before the user sees it.
bool first_line_is_header(const std::string& path, int skip_lines);
// Reads PATH (gunzipped first when it ends in .gz) and parses it.
CsvTable read_csv_file(const std::string& path, const CsvReadOptions& options = {});

struct ImportOptions {
  std::vector<std::string> targets;  // column names; empty: the last column
  int hidden = 16;                   // neurons of the one hidden layer
  int classes = 0;                   // > 0: the single target holds classes 0 … classes−1
  bool regression = false;           // never treat the targets as classes
  double test_fraction = 0.2;        // the last ⌊f·N⌋ shuffled rows become the test set
  int batch = 32;                    // mini-batch size (shuffled every epoch)
  std::uint64_t seed = 0;            // the row shuffle, the weights and the batches
  double scale = 0.0;                // > 0: every input divided by it (pixels 0–16: 16)
  bool normalize = false;            // every input column to mean 0, sd 1 (training rows' figures)
  double learning_rate = 0.01;       // with Adam
  std::string name;                  // the scenario's name; empty: from the file name
  std::string description;           // put before what the importer says of the file
  std::vector<int> input_shape;      // {rows, cols}: the inputs are an image's pixels, row by row
  // The layers before the output (formats.md §6's kinds, a JSON array), in
  // place of the one relu layer of `hidden` neurons; empty: that layer.
  std::string layers;
};

// What the importer chose, in words and as the scenario file.
struct ImportResult {
  nlohmann::ordered_json scenario;  // formats.md §1–§5 in a reader's order; loads with load_scenario
  std::string summary;      // one line: "classification, 3 classes …: 4-16-3, softmax + cross_entropy, …"
  bool classification = false;
};

// Throws CsvError (one line, the file named) when the options do not fit the
// table: a target column that is not there, no input column left, labels
// that are not classes, a test fraction that leaves no training row, …
ImportResult import_table(const CsvTable& table, const ImportOptions& options);
// The scenario file's text: indented as save_scenario's, but one line per row
// of inputs / targets, so a file of a few thousand rows stays readable.
std::string scenario_file_text(const nlohmann::ordered_json& scenario);

// How a table would be imported, for a preview: is `column` (alone) a column
// of class labels (2 to kMaxDetectedClasses distinct non-negative integers)?
inline constexpr int kMaxDetectedClasses = 32;
bool looks_like_classes(const CsvTable& table, int column);

}  // namespace bpv
