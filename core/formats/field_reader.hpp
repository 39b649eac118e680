// Reads a JSON document field by field, failing with formats.md §2's one
// line: "FILE: FIELD: problem", thrown as `Error`. The scenario loader
// (scenario_io.cpp, data_io.cpp) reads with FieldReader (a ScenarioError),
// the lesson loader (lesson.cpp) with BasicFieldReader<LessonError>.
#pragma once
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>

#include "formats/scenario_io.hpp"

namespace bpv {

using nlohmann::json;

// Builds the "FILE: FIELD: problem" messages while walking the document.
template <class Error>
struct BasicFieldReader {
  const std::string& source;

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw Error(source + ": " + field + ": " + problem);
  }

  // An object's keys must all be known: a typo ("hightlight") is an error, not silence.
  void only_keys(const json& obj, std::initializer_list<const char*> keys, const std::string& field) const {
    for (auto it = obj.begin(); it != obj.end(); ++it)
      if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return it.key() == k; }))
        fail(field.empty() ? it.key() : field + "." + it.key(), "unknown field");
  }

  static std::string type_of(const json& j) {
    if (j.is_null()) return "null";
    if (j.is_boolean()) return "a boolean";
    if (j.is_number()) return "a number";
    if (j.is_string()) return "a string";
    if (j.is_array()) return "an array";
    return "an object";
  }

  const json* find(const json& obj, const char* key) const {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }

  const json& require(const json& obj, const char* key, const std::string& field) const {
    const json* j = find(obj, key);
    if (!j) fail(field, "missing");
    return *j;
  }

  double number(const json& j, const std::string& field) const {
    if (!j.is_number()) fail(field, "expected a number, got " + type_of(j));
    const double v = j.get<double>();
    if (!std::isfinite(v)) fail(field, "must be a finite number");
    return v;
  }

  long long integer(const json& j, const std::string& field, long long lo, long long hi) const {
    if (!j.is_number()) fail(field, "expected an integer, got " + type_of(j));
    const double v = j.get<double>();
    if (!std::isfinite(v) || v != std::floor(v)) fail(field, "expected an integer");
    if (v < static_cast<double>(lo) || v > static_cast<double>(hi))
      fail(field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                      ", got " + j.dump());
    return j.is_number_unsigned() ? static_cast<long long>(j.get<unsigned long long>())
           : j.is_number_integer() ? j.get<long long>()
                                   : static_cast<long long>(v);
  }

  std::string string(const json& j, const std::string& field) const {
    if (!j.is_string()) fail(field, "expected a string, got " + type_of(j));
    return j.get<std::string>();
  }

  // rows × cols of finite numbers; rows < 0 means "any count from 1 to max_rows".
  Eigen::MatrixXd matrix(const json& j, const std::string& field, int rows, int cols,
                         int max_rows = 0) const {
    if (!j.is_array()) fail(field, "expected an array of rows, got " + type_of(j));
    const long long n = static_cast<long long>(j.size());
    if (rows >= 0 && n != rows)
      fail(field, "expected " + std::to_string(rows) + " rows, got " + std::to_string(n));
    if (rows < 0 && (n < 1 || n > max_rows))
      fail(field, "expected 1 to " + std::to_string(max_rows) + " rows, got " + std::to_string(n));
    Eigen::MatrixXd m(n, cols);
    for (long long r = 0; r < n; ++r) {
      const std::string rf = field + "[" + std::to_string(r) + "]";
      const json& row = j[r];
      if (!row.is_array()) fail(rf, "expected an array of numbers, got " + type_of(row));
      if (static_cast<long long>(row.size()) != cols)
        fail(rf, "expected " + std::to_string(cols) + " numbers, got " + std::to_string(row.size()));
      for (int c = 0; c < cols; ++c) m(r, c) = number(row[c], rf + "[" + std::to_string(c) + "]");
    }
    return m;
  }

  Eigen::MatrixXd row(const json& j, const std::string& field, int cols) const {
    if (!j.is_array()) fail(field, "expected an array of numbers, got " + type_of(j));
    if (static_cast<long long>(j.size()) != cols)
      fail(field, "expected " + std::to_string(cols) + " numbers, got " + std::to_string(j.size()));
    Eigen::MatrixXd m(1, cols);
    for (int c = 0; c < cols; ++c) m(0, c) = number(j[c], field + "[" + std::to_string(c) + "]");
    return m;
  }
};

using FieldReader = BasicFieldReader<ScenarioError>;

// formats.md §4's "optimizer" object (its name and fields, checked against
// the optimizer's table), shared by networks and expressions; an optimizer
// needs learning_rate > 0.
OptimizerSpec read_optimizer_field(const FieldReader& rd, const json& j, double learning_rate);

// "32 examples × 1,000 neurons = … values per buffer; at most …".
std::string too_many_values(long long batch, long long neurons);

}  // namespace bpv
