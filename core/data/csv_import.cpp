// [SECTION] index: reading the file (gzip too) · parsing the table · choosing
// the network and the split · the scenario file.
#include "data/csv_import.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <sstream>

#include "data/dataset.hpp"
#include "engine/random.hpp"

#if BPV_HAVE_ZLIB
#include <zlib.h>
#endif

namespace bpv {
namespace {

using json = nlohmann::ordered_json;

[[noreturn]] void fail(const std::string& message) { throw CsvError(message); }

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

// [SECTION] reading the file

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string read_plain(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) fail(path + ": cannot read: " + ec.message());
  if (static_cast<long long>(size) > kMaxCsvBytes)
    fail(path + ": the file is " + std::to_string(size >> 20) + " MiB; at most " + std::to_string(kMaxCsvBytes >> 20) +
         " MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path + ": cannot read: cannot open the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string read_gzip(const std::string& path) {
#if BPV_HAVE_ZLIB
  if (!std::filesystem::is_regular_file(path)) fail(path + ": cannot read: no such file");
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) fail(path + ": cannot read: cannot open the file");
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const int n = gzread(file, buffer, sizeof buffer);
    if (n < 0) {
      int code = 0;
      const std::string why = gzerror(file, &code);
      gzclose(file);
      fail(path + ": not a readable gzip file (" + why + ")");
    }
    if (n == 0) {
      // End of the data, or of a file cut short (zlib says so only here).
      int code = Z_OK;
      const std::string why = gzerror(file, &code);
      if (code != Z_OK && code != Z_STREAM_END) {
        gzclose(file);
        fail(path + ": not a readable gzip file (" + why + ")");
      }
      break;
    }
    text.append(buffer, static_cast<std::size_t>(n));
    if (static_cast<long long>(text.size()) > kMaxCsvBytes) {
      gzclose(file);
      fail(path + ": more than " + std::to_string(kMaxCsvBytes >> 20) + " MiB once unpacked");
    }
  }
  gzclose(file);
  return text;
#else
  fail(path + ": this build reads no .gz files (it was built without zlib); unpack it with gzip -d first");
#endif
}

// [SECTION] parsing the table

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

// One line's cells: comma-separated, each trimmed; "…" quotes a cell ("" is
// a quote inside it).
std::vector<std::string> split_cells(std::string_view line) {
  std::vector<std::string> cells;
  std::size_t i = 0;
  for (;;) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::string cell;
    if (i < line.size() && line[i] == '"') {
      for (++i; i < line.size(); ++i) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            cell += '"';
            ++i;
          } else {
            ++i;
            break;
          }
        } else {
          cell += line[i];
        }
      }
      const auto comma = line.find(',', i);
      i = comma == std::string_view::npos ? line.size() : comma;
    } else {
      const auto comma = line.find(',', i);
      const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
      cell = trim(line.substr(i, end - i));
      i = end;
    }
    cells.push_back(std::move(cell));
    if (i >= line.size()) break;
    ++i;  // the comma
  }
  return cells;
}

// std::from_chars where the library has it for double; the web build's
// libc++ (emscripten 3.1.6) does not, so strtod there (the program never
// changes the C locale, so the decimal point is '.').
double parse_cell(const std::string& cell, const std::string& where) {
  if (cell.empty()) fail(where + " is empty");
  const char* begin = cell.data();
  const char* end = cell.data() + cell.size();
  if (*begin == '+') ++begin;
  double value = 0.0;
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  const bool out_of_range = ec == std::errc::result_out_of_range;
  const bool parsed = ec == std::errc() && ptr == end;
#else
  // strtod also takes what from_chars does not: leading blanks and hex.
  char* stop = nullptr;
  errno = 0;
  const bool plain = begin != end && (std::isdigit(static_cast<unsigned char>(*begin)) || *begin == '-' ||
                                      *begin == '.' || std::isalpha(static_cast<unsigned char>(*begin)));
  value = plain ? std::strtod(begin, &stop) : 0.0;
  const bool out_of_range = plain && errno == ERANGE && std::isinf(value);
  const bool parsed = plain && stop == end && cell.find_first_of("xX") == std::string::npos;
#endif
  if (out_of_range) fail(where + ": " + in_quotes(cell) + " is out of range");
  if (!parsed) fail(where + ": " + in_quotes(cell) + " is not a number");
  if (!std::isfinite(value)) fail(where + ": " + in_quotes(cell) + " is not a finite number");
  return value;
}

// [SECTION] choosing the network and the split

std::string stem_of(const std::string& source) {
  std::filesystem::path p(source);
  std::string name = p.filename().string();
  for (const char* ext : {".gz", ".csv", ".txt"})
    if (ends_with(name, ext)) name.resize(name.size() - std::string(ext).size());
  return name;
}

std::string format_short(double v) {
  std::ostringstream s;
  s.precision(4);
  s << v;
  return s.str();
}

std::string column_list(const CsvTable& t, const std::vector<int>& columns) {
  std::string s;
  for (std::size_t k = 0; k < columns.size() && k < 12; ++k) s += (k ? ", " : "") + t.header[columns[k]];
  if (columns.size() > 12) s += ", … (" + std::to_string(columns.size()) + " in all)";
  return s;
}

std::string column_list(const CsvTable& t) {
  std::vector<int> all(static_cast<std::size_t>(t.columns()));
  std::iota(all.begin(), all.end(), 0);
  return column_list(t, all);
}

bool is_integer(double v) { return std::floor(v) == v; }

// The class of each row: labels mapped to 0 … K−1 in increasing order (or
// taken as they are with --classes K).
struct Classes {
  std::vector<int> of_row;
  std::vector<double> labels;  // labels[k]: the file's value for class k
};

Classes read_classes(const CsvTable& t, int column, int given) {
  Classes c;
  c.of_row.resize(static_cast<std::size_t>(t.rows()));
  const std::string where_col = "column " + in_quotes(t.header[column]);
  if (given > 0) {
    for (int k = 0; k < given; ++k) c.labels.push_back(k);
    for (int r = 0; r < t.rows(); ++r) {
      const double v = t.values(r, column);
      if (!is_integer(v) || v < 0 || v >= given)
        fail(t.source + ":" + std::to_string(t.lines[r]) + ": " + where_col + ": " + format_short(v) +
             " is not a class (--classes " + std::to_string(given) + ": expected an integer 0 to " +
             std::to_string(given - 1) + ")");
      c.of_row[r] = static_cast<int>(v);
    }
    return c;
  }
  std::set<double> distinct(t.values.col(column).begin(), t.values.col(column).end());
  c.labels.assign(distinct.begin(), distinct.end());
  std::map<double, int> index;
  for (std::size_t k = 0; k < c.labels.size(); ++k) index[c.labels[k]] = static_cast<int>(k);
  for (int r = 0; r < t.rows(); ++r) c.of_row[r] = index.at(t.values(r, column));
  return c;
}

// Row order: a Fisher–Yates shuffle drawn from the seed (random.hpp, the same
// on every platform).
std::vector<int> shuffled_rows(int n, std::uint64_t seed) {
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(mix_seed(seed, 0x637376));  // "csv": apart from the weights' streams
  for (int i = n - 1; i > 0; --i)
    std::swap(order[i], order[uniform_index(rng, static_cast<std::uint64_t>(i) + 1)]);
  return order;
}

json rows_json(const Eigen::MatrixXd& m, const std::vector<int>& order, std::size_t from, std::size_t to) {
  json rows = json::array();
  for (std::size_t i = from; i < to; ++i) {
    json row = json::array();
    for (Eigen::Index c = 0; c < m.cols(); ++c) row.push_back(m(order[i], c));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

int CsvTable::column(const std::string& name) const {
  for (int c = 0; c < columns(); ++c)
    if (header[c] == name) return c;
  return -1;
}

CsvTable parse_csv(const std::string& text, const std::string& source, const CsvReadOptions& options) {
  CsvTable t;
  t.source = source;
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) fail(source + ": the file is empty");
  std::vector<std::vector<double>> rows;
  int line_no = 0;
  bool have_header = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_no <= options.skip_lines) continue;
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank
    if (line.find('\0') != std::string_view::npos) fail(source + ":" + std::to_string(line_no) + ": not a text file");
    std::vector<std::string> cells = split_cells(line);
    const std::string at = source + ":" + std::to_string(line_no);
    if (!have_header) {
      have_header = true;
      if (static_cast<int>(cells.size()) > kMaxNeurons)
        fail(at + ": " + std::to_string(cells.size()) + " columns; at most " + std::to_string(kMaxNeurons));
      if (options.header) {
        for (std::size_t c = 0; c < cells.size(); ++c) {
          std::string name = cells[c].empty() ? "c" + std::to_string(c + 1) : cells[c];
          for (std::size_t d = 0; d < c; ++d)
            if (t.header[d] == name)
              fail(at + ": column " + std::to_string(c + 1) + " repeats the name " + in_quotes(name) + " of column " +
                   std::to_string(d + 1));
          t.header.push_back(std::move(name));
        }
        continue;
      }
      for (std::size_t c = 0; c < cells.size(); ++c) t.header.push_back("c" + std::to_string(c + 1));
    }
    if (cells.size() != t.header.size())
      fail(at + ": expected " + std::to_string(t.header.size()) + " cells (as " +
           (options.header ? std::string("in the header") : std::string("in the first row")) + "), got " +
           std::to_string(cells.size()));
    if (static_cast<int>(rows.size()) >= kMaxSamples)
      fail(at + ": more than " + std::to_string(kMaxSamples) + " data rows");
    std::vector<double> row(cells.size());
    for (std::size_t c = 0; c < cells.size(); ++c)
      row[c] = parse_cell(cells[c], at + ": column " + in_quotes(t.header[c]));
    rows.push_back(std::move(row));
    t.lines.push_back(line_no);
  }
  if (!have_header) fail(source + ": nothing left after skipping " + std::to_string(options.skip_lines) + " lines");
  if (!options.names.empty()) {
    if (options.names.size() != t.header.size())
      fail(source + ": --names: " + std::to_string(options.names.size()) + " names for " +
           std::to_string(t.header.size()) + " columns");
    for (std::size_t c = 0; c < options.names.size(); ++c)
      for (std::size_t d = 0; d < c; ++d)
        if (options.names[c] == options.names[d]) fail(source + ": --names: " + in_quotes(options.names[c]) + " twice");
    t.header = options.names;
  }
  if (rows.empty()) fail(source + ": no data rows" + std::string(options.header ? " after the header" : ""));
  t.values.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(t.header.size()));
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < rows[r].size(); ++c) t.values(r, c) = rows[r][c];
  return t;
}

CsvTable read_csv_file(const std::string& path, const CsvReadOptions& options) {
  const std::string text = ends_with(path, ".gz") ? read_gzip(path) : read_plain(path);
  return parse_csv(text, path, options);
}

bool first_line_is_header(const std::string& path, int skip_lines) {
  try {
    const CsvTable t = read_csv_file(path, CsvReadOptions{false, skip_lines, {}});
    (void)t;
    return false;  // every line, the first too, is numbers
  } catch (const CsvError&) {
    // A first line of names makes the header-less read fail there; a later
    // failure (a bad cell further down) says nothing about the first line.
  }
  const std::string text = ends_with(path, ".gz") ? read_gzip(path) : read_plain(path);
  int line_no = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    if (++line_no <= skip_lines || line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    for (const std::string& cell : split_cells(line)) {
      try {
        parse_cell(cell, "");
      } catch (const CsvError&) {
        return true;
      }
    }
    return false;
  }
  return true;
}

bool looks_like_classes(const CsvTable& t, int column) {
  if (column < 0 || column >= t.columns()) return false;
  std::set<double> distinct;
  for (int r = 0; r < t.rows(); ++r) {
    const double v = t.values(r, column);
    if (!is_integer(v) || v < 0) return false;
    distinct.insert(v);
    if (static_cast<int>(distinct.size()) > kMaxDetectedClasses) return false;
  }
  return distinct.size() >= 2;
}

ImportResult import_table(const CsvTable& t, const ImportOptions& o) {
  const std::string& src = t.source;
  // [SECTION] the columns
  std::vector<std::string> target_names = o.targets;
  if (target_names.empty()) target_names.push_back(t.header.back());
  std::vector<int> target_cols;
  for (const std::string& name : target_names) {
    const int c = t.column(name);
    if (c < 0) fail(src + ": --targets: no column " + in_quotes(name) + " (the columns are " + column_list(t) + ")");
    if (std::find(target_cols.begin(), target_cols.end(), c) != target_cols.end())
      fail(src + ": --targets: column " + in_quotes(name) + " is named twice");
    target_cols.push_back(c);
  }
  std::vector<int> input_cols;
  for (int c = 0; c < t.columns(); ++c)
    if (std::find(target_cols.begin(), target_cols.end(), c) == target_cols.end()) input_cols.push_back(c);
  if (input_cols.empty()) fail(src + ": --targets: every column is a target; no input column is left");
  if (o.hidden < 1 || o.hidden > kMaxNeurons)
    fail(src + ": --hidden: expected 1 to " + std::to_string(kMaxNeurons) + ", got " + std::to_string(o.hidden));
  if (o.batch < 1 || o.batch > kMaxBatch)
    fail(src + ": --batch: expected 1 to " + std::to_string(kMaxBatch) + ", got " + std::to_string(o.batch));
  if (!(o.test_fraction >= 0 && o.test_fraction < 1))
    fail(src + ": --test-fraction: must be at least 0 and less than 1, got " + format_short(o.test_fraction));
  if (o.scale < 0 || !std::isfinite(o.scale)) fail(src + ": --scale: must be positive, got " + format_short(o.scale));
  if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate))
    fail(src + ": --learning-rate: must be positive, got " + format_short(o.learning_rate));
  if (o.classes > 0 && o.regression) fail(src + ": --classes and --regression: choose one");
  if (o.classes > kMaxNeurons)
    fail(src + ": --classes: at most " + std::to_string(kMaxNeurons) + ", got " + std::to_string(o.classes));

  // [SECTION] classification or regression
  const bool classify =
      !o.regression && target_cols.size() == 1 && (o.classes > 0 || looks_like_classes(t, target_cols[0]));
  if (o.classes > 0 && target_cols.size() != 1)
    fail(src + ": --classes: needs exactly one target column, got " + std::to_string(target_cols.size()));
  Eigen::MatrixXd x(t.rows(), static_cast<Eigen::Index>(input_cols.size()));
  for (std::size_t k = 0; k < input_cols.size(); ++k) x.col(static_cast<Eigen::Index>(k)) = t.values.col(input_cols[k]);
  Eigen::MatrixXd y;
  Classes classes;
  if (classify) {
    classes = read_classes(t, target_cols[0], o.classes);
    y = Eigen::MatrixXd::Zero(t.rows(), static_cast<Eigen::Index>(classes.labels.size()));
    for (int r = 0; r < t.rows(); ++r) y(r, classes.of_row[r]) = 1.0;
  } else {
    y.resize(t.rows(), static_cast<Eigen::Index>(target_cols.size()));
    for (std::size_t k = 0; k < target_cols.size(); ++k) y.col(static_cast<Eigen::Index>(k)) = t.values.col(target_cols[k]);
  }

  // [SECTION] the split and the scaling
  const int n = t.rows();
  const int test_rows = static_cast<int>(std::floor(o.test_fraction * n));
  const int train_rows = n - test_rows;
  if (train_rows < 1) fail(src + ": --test-fraction " + format_short(o.test_fraction) + " leaves no training rows of " + std::to_string(n));
  const std::vector<int> order = shuffled_rows(n, o.seed);
  if (o.scale > 0) x /= o.scale;
  std::string scaling;
  if (o.scale > 0) scaling = " Inputs divided by " + format_short(o.scale) + ".";
  if (o.normalize) {
    // The training rows' mean and standard deviation, so the test set stays unseen.
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
      double mean = 0.0, sq = 0.0;
      for (int i = 0; i < train_rows; ++i) mean += x(order[i], c);
      mean /= train_rows;
      for (int i = 0; i < train_rows; ++i) sq += (x(order[i], c) - mean) * (x(order[i], c) - mean);
      const double sd = std::sqrt(sq / train_rows);
      x.col(c) = (x.col(c).array() - mean) / (sd > 0 ? sd : 1.0);
    }
    scaling += " Inputs normalized to mean 0, standard deviation 1 (the training rows' figures).";
  }

  // [SECTION] the scenario file
  const int inputs = static_cast<int>(input_cols.size());
  const int outputs = static_cast<int>(y.cols());
  json hidden_layers = json::array({{{"size", o.hidden}, {"activation", "relu"}}});
  std::string middle = std::to_string(o.hidden);
  if (!o.layers.empty()) {
    hidden_layers = json::parse(o.layers, nullptr, false);
    if (!hidden_layers.is_array() || hidden_layers.empty())
      fail(src + ": --layers: expected a JSON array of layer objects, such as [{\"type\": \"conv2d\", \"channels\": 4, "
                 "\"kernel\": 3}]");
    middle.clear();
    for (const json& layer : hidden_layers) {
      const std::string type = layer.is_object() && layer.contains("type") && layer["type"].is_string()
                                   ? layer["type"].get<std::string>()
                                   : "dense";
      middle += (middle.empty() ? "" : "-") + (type == "dense" && layer.is_object() && layer.contains("size")
                                                   ? layer["size"].dump()
                                                   : type);
    }
  }
  const std::string shape = std::to_string(inputs) + "-" + middle + "-" + std::to_string(outputs);
  std::string target_text;
  for (const std::string& name : target_names) target_text += (target_text.empty() ? "" : ", ") + in_quotes(name);
  ImportResult result;
  result.classification = classify;
  std::string choice;
  if (classify) {
    choice = "Classification: " + std::to_string(outputs) + " classes in column " + target_text +
             " (one-hot targets), " + shape + ", relu then softmax, cross_entropy";
    bool identity = true;
    for (std::size_t k = 0; k < classes.labels.size(); ++k) identity = identity && classes.labels[k] == static_cast<double>(k);
    if (!identity) {
      choice += "; classes in the file's order:";
      for (std::size_t k = 0; k < classes.labels.size() && k < 12; ++k)
        choice += (k ? ", " : " ") + std::to_string(k) + " = " + format_short(classes.labels[k]);
      if (classes.labels.size() > 12) choice += ", …";
    }
  } else {
    choice = "Regression on " + target_text + ", " + shape + ", relu then identity, mse";
  }
  result.summary = choice + "; " + std::to_string(train_rows) + " training rows, " + std::to_string(test_rows) +
                   " test rows, mini-batches of " + std::to_string(std::min(o.batch, train_rows)) + ", Adam, η " +
                   format_short(o.learning_rate) + ", seed " + std::to_string(o.seed);
  json& j = result.scenario;
  j["name"] = o.name.empty() ? stem_of(src) + " (" + shape + ")" : o.name;
  j["description"] = (o.description.empty() ? "" : o.description + " ") + "Imported from " + std::filesystem::path(src).filename().string() + " with backprop-viz import-csv: " +
                     std::to_string(n) + " rows. Inputs: " + column_list(t, input_cols) + ". " + result.summary +
                     "." + scaling + " The rows were shuffled from the seed before the test split.";
  j["input_size"] = inputs;
  if (!o.input_shape.empty()) {
    if (o.input_shape.size() != 2 || o.input_shape[0] < 1 || o.input_shape[1] < 1 ||
        o.input_shape[0] * o.input_shape[1] != inputs)
      throw CsvError(src + ": --input-shape " +
                     (o.input_shape.size() == 2 ? std::to_string(o.input_shape[0]) + " " + std::to_string(o.input_shape[1])
                                                : std::string("needs two numbers")) +
                     " does not hold the " + std::to_string(inputs) + " input columns");
    j["input_shape"] = o.input_shape;
  }
  hidden_layers.push_back({{"size", outputs}, {"activation", classify ? "softmax" : "identity"}});
  j["layers"] = hidden_layers;
  j["init"] = {{"scheme", "he_normal"}, {"seed", o.seed}};
  j["loss"] = classify ? "cross_entropy" : "mse";
  j["learning_rate"] = o.learning_rate;
  j["optimizer"] = {{"name", "adam"}};
  j["inputs"] = rows_json(x, order, 0, static_cast<std::size_t>(train_rows));
  j["targets"] = rows_json(y, order, 0, static_cast<std::size_t>(train_rows));
  if (test_rows > 0) {
    j["test_inputs"] = rows_json(x, order, static_cast<std::size_t>(train_rows), static_cast<std::size_t>(n));
    j["test_targets"] = rows_json(y, order, static_cast<std::size_t>(train_rows), static_cast<std::size_t>(n));
  }
  j["batching"] = {{"size", o.batch}, {"shuffle", true}, {"seed", o.seed}};
  // The loader's own checks (limits, resource bounds) on what we made.
  try {
    parse_scenario(j.dump(), src);
  } catch (const ScenarioError& e) {
    fail(std::string(e.what()));
  }
  return result;
}

std::string scenario_file_text(const json& scenario) {
  std::string text = "{\n";
  bool first = true;
  for (auto it = scenario.begin(); it != scenario.end(); ++it) {
    text += first ? "  " : ",\n  ";
    first = false;
    text += json(it.key()).dump() + ": ";
    // Rows, and the layers: one line each.
    const bool rows = it->is_array() && !it->empty() && ((*it)[0].is_array() || (*it)[0].is_object());
    if (!rows) {
      // dump(2) indents from column 0; shift its inner lines under the key.
      std::string value = it->dump(2);
      for (std::size_t p = value.find('\n'); p != std::string::npos; p = value.find('\n', p + 3)) value.insert(p + 1, "  ");
      text += value;
      continue;
    }
    text += "[\n";
    for (std::size_t r = 0; r < it->size(); ++r) text += "    " + (*it)[r].dump() + (r + 1 < it->size() ? ",\n" : "\n");
    text += "  ]";
  }
  return text + "\n}\n";
}

}  // namespace bpv
