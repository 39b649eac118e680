#include "app_session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "formats/scenario_io.hpp"

namespace bpv {

namespace fs = std::filesystem;
using nlohmann::json;

// ------------------------------------------------------------ recent files

std::string normalized_path(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  if (ec) p = path;
  return p.lexically_normal().string();
}

void remove_recent_file(std::vector<std::string>& recent, const std::string& path) {
  const std::string key = normalized_path(path);
  std::erase_if(recent, [&](const std::string& p) { return normalized_path(p) == key; });
}

void add_recent_file(std::vector<std::string>& recent, const std::string& path) {
  if (path.empty()) return;
  remove_recent_file(recent, path);
  recent.insert(recent.begin(), normalized_path(path));
  if (recent.size() > kMaxRecentFiles) recent.resize(kMaxRecentFiles);
}

// ------------------------------------------------------------ where

std::string config_dir_from(const char* bpv_config_dir, const char* xdg_config_home, const char* home) {
  auto set = [](const char* v) { return v != nullptr && v[0] != '\0'; };
  if (set(bpv_config_dir)) return bpv_config_dir;
  // XDG Base Directory: a relative XDG_CONFIG_HOME is invalid and is ignored.
  if (set(xdg_config_home) && xdg_config_home[0] == '/')
    return (fs::path(xdg_config_home) / "backprop-viz").string();
  if (set(home)) return (fs::path(home) / ".config" / "backprop-viz").string();
  return "";
}

std::string config_dir() {
  return config_dir_from(std::getenv("BPV_CONFIG_DIR"), std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"));
}

std::string session_file_path(const std::string& dir) {
  return dir.empty() ? "" : (fs::path(dir) / "session.json").string();
}

// ------------------------------------------------------------ to and from JSON

namespace {

constexpr const char* kFormat = "backprop-viz session";
constexpr int kVersion = 1;

[[noreturn]] void bad(const std::string& field, const std::string& problem) {
  throw std::runtime_error(field + ": " + problem);
}

// Each reader leaves `out` as it is when the field is missing.
void read_bool(const json& j, const char* field, bool& out) {
  if (!j.contains(field)) return;
  if (!j[field].is_boolean()) bad(field, "expected true or false");
  out = j[field].get<bool>();
}

void read_int(const json& j, const char* field, int& out, int low, int high) {
  if (!j.contains(field)) return;
  const json& v = j[field];
  if (!v.is_number_integer()) bad(field, "expected an integer");
  const long long x = v.get<long long>();
  if (x < low || x > high) bad(field, "expected " + std::to_string(low) + " to " + std::to_string(high));
  out = static_cast<int>(x);
}

void read_string(const json& j, const char* field, std::string& out) {
  if (!j.contains(field)) return;
  if (!j[field].is_string()) bad(field, "expected a string");
  out = j[field].get<std::string>();
}

}  // namespace

std::string app_session_to_text(const AppSession& s) {
  json losses = json::array();
  for (double l : s.loss_history) losses.push_back(l);  // NaN and ±∞ become null
  json epochs = json::array();
  // NaN (no accuracy: not a classifier) is written as null, as a diverged loss.
  auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  for (const EpochLoss& e : s.epoch_losses)
    epochs.push_back({e.step, e.epoch, number(e.train), number(e.test), number(e.train_accuracy), number(e.test_accuracy)});
  json doc{
      {"format", kFormat},
      {"version", kVersion},
      {"scenario", s.scenario ? scenario_to_json(*s.scenario) : json(nullptr)},
      {"path", s.path},
      {"modified", s.modified},
      {"cursor", s.cursor},
      {"loss_history", std::move(losses)},
      {"epoch_losses", std::move(epochs)},
      {"view",
       {{"dark", s.dark},
        {"example", s.example},
        {"decimals", s.decimals},
        {"ops_per_second", s.ops_per_second},
        {"train_steps", s.train_steps},
        {"loss_log_scale", s.loss_log_scale},
        {"text_scale", s.text_scale}}},
      {"window", {{"width", s.window_width}, {"height", s.window_height}}},
      {"recent", s.recent},
      {"history", s.history},
  };
  return doc.dump(1) + "\n";
}

AppSession parse_app_session(const std::string& text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(std::string("not JSON: ") + e.what());
  }
  if (!doc.is_object()) bad("(file)", "expected a JSON object");
  if (!doc.contains("format") || doc["format"] != kFormat) bad("format", std::string("expected \"") + kFormat + "\"");
  int version = kVersion;
  read_int(doc, "version", version, 1, 1000000);
  if (version > kVersion) bad("version", "written by a newer backprop-viz (" + std::to_string(version) + ")");

  AppSession s;
  if (doc.contains("scenario") && !doc["scenario"].is_null()) {
    if (!doc["scenario"].is_object()) bad("scenario", "expected a scenario object or null");
    try {
      s.scenario = parse_scenario(doc["scenario"].dump(), "scenario");
    } catch (const ScenarioError& e) {
      throw std::runtime_error(e.what());  // "scenario: layers[0].weights: …"
    }
  }
  read_string(doc, "path", s.path);
  read_bool(doc, "modified", s.modified);
  if (doc.contains("history") && !doc["history"].is_null()) {
    if (!doc["history"].is_object()) bad("history", "expected an object");
    s.history = doc["history"];
  }
  if (doc.contains("cursor")) {
    const json& c = doc["cursor"];
    if (!c.is_number_unsigned()) bad("cursor", "expected a non-negative integer");
    s.cursor = c.get<std::size_t>();
  }
  if (doc.contains("loss_history")) {
    const json& h = doc["loss_history"];
    if (!h.is_array()) bad("loss_history", "expected an array of numbers");
    s.loss_history.reserve(h.size());
    for (const json& v : h) {
      if (v.is_null()) s.loss_history.push_back(std::numeric_limits<double>::quiet_NaN());
      else if (v.is_number()) s.loss_history.push_back(v.get<double>());
      else bad("loss_history", "expected an array of numbers");
    }
  }
  if (doc.contains("epoch_losses")) {
    // [step, epoch, train, test] each, steps rising, within the loss history.
    const json& h = doc["epoch_losses"];
    // Two more, the accuracies, since classifiers have them (older files: four).
    if (!h.is_array()) bad("epoch_losses", "expected an array of [step, epoch, train, test]");
    for (const json& e : h) {
      if (!e.is_array() || (e.size() != 4 && e.size() != 6) || !e[0].is_number_unsigned() || !e[1].is_number_integer())
        bad("epoch_losses", "expected an array of [step, epoch, train, test]");
      auto loss = [&](const json& v) {
        if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
        if (!v.is_number()) bad("epoch_losses", "expected an array of [step, epoch, train, test]");
        return v.get<double>();
      };
      EpochLoss r{e[0].get<std::size_t>(), e[1].get<long long>(), loss(e[2]), loss(e[3])};
      if (e.size() == 6) {
        r.train_accuracy = loss(e[4]);
        r.test_accuracy = loss(e[5]);
      }
      if (r.step > s.loss_history.size() || (!s.epoch_losses.empty() && r.step <= s.epoch_losses.back().step))
        bad("epoch_losses", "steps must rise and stay within loss_history");
      s.epoch_losses.push_back(r);
    }
  }
  if (doc.contains("view")) {
    const json& v = doc["view"];
    if (!v.is_object()) bad("view", "expected an object");
    read_bool(v, "dark", s.dark);
    read_int(v, "example", s.example, -1, kMaxBatch - 1);
    read_int(v, "decimals", s.decimals, 0, 17);
    if (v.contains("ops_per_second")) {
      if (!v["ops_per_second"].is_number()) bad("view.ops_per_second", "expected a number");
      const double ops = v["ops_per_second"].get<double>();
      if (!(ops > 0.0 && ops <= 1000.0)) bad("view.ops_per_second", "expected a number in (0, 1000]");
      s.ops_per_second = static_cast<float>(ops);
    }
    read_int(v, "train_steps", s.train_steps, 1, 1000000);
    read_bool(v, "loss_log_scale", s.loss_log_scale);
    if (v.contains("text_scale")) {
      if (!v["text_scale"].is_number()) bad("view.text_scale", "expected a number");
      const double t = v["text_scale"].get<double>();
      // The range of View ▸ Text size (ui_state.hpp's kMinTextScale … kMaxTextScale).
      if (!(t >= 0.75 && t <= 2.5)) bad("view.text_scale", "expected a number in [0.75, 2.5]");
      s.text_scale = static_cast<float>(t);
    }
  }
  if (doc.contains("window")) {
    const json& w = doc["window"];
    if (!w.is_object()) bad("window", "expected an object");
    read_int(w, "width", s.window_width, 0, 32768);
    read_int(w, "height", s.window_height, 0, 32768);
  }
  if (doc.contains("recent")) {
    const json& r = doc["recent"];
    if (!r.is_array()) bad("recent", "expected an array of paths");
    for (const json& p : r) {
      if (!p.is_string()) bad("recent", "expected an array of paths");
      // Appending at the back keeps the order; add_recent_file's rules
      // (no duplicates, at most 10) hold for whatever the file says.
      const std::string path = p.get<std::string>();
      if (path.empty()) continue;
      const std::string key = normalized_path(path);
      if (std::none_of(s.recent.begin(), s.recent.end(), [&](const std::string& q) { return q == key; }) &&
          s.recent.size() < kMaxRecentFiles)
        s.recent.push_back(key);
    }
  }
  return s;
}

AppSessionRead read_app_session(const std::string& path) {
  AppSessionRead out;
  if (path.empty()) return out;
  try {
    std::error_code ec;
    if (!fs::exists(path, ec)) return out;  // the first start: nothing to restore, nothing to say
    out.session = parse_app_session(read_text_file(path));
  } catch (const ScenarioError& e) {  // could not read it; what() names the path
    out.session.reset();
    out.notice = std::string("last session not restored (") + e.what() + ")";
  } catch (const std::exception& e) {
    out.session.reset();
    out.notice = "last session not restored (" + path + ": " + e.what() + ")";
  }
  return out;
}

void write_app_session(const std::string& path, const AppSession& session) {
  std::error_code ec;
  const fs::path dir = fs::path(path).parent_path();
  if (!dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error(dir.string() + ": cannot create: " + ec.message());
  }
  write_file_atomic(path, app_session_to_text(session));
}

}  // namespace bpv
