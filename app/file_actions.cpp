#include "file_actions.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "formats/export_markdown.hpp"
#include "formats/scenario_io.hpp"
#include "formats/trace.hpp"
#include "layers/layer_kind.hpp"

namespace bpv {
namespace {

constexpr const char* kBusy = "training is running; wait for it or cancel it";

// Runs a write; returns "" or the reason (scenario_io's messages name the path).
template <class F>
std::string attempt(F&& write) {
  try {
    write();
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace

std::string save_session_as(Session& session, const std::string& path) {
  if (path.empty()) return "no file name given";
  if (session.training()) return kBusy;  // the weights are about to change under us
  const std::string failed = attempt([&] { save_scenario(session.scenario(), path); });
  if (!failed.empty()) return failed;
  return session.apply(command::MarkSaved{path});
}

std::string open_into_session(Session& session, const std::string& path) {
  if (session.training()) return kBusy;
  Scenario scenario;
  try {
    scenario = load_scenario(path);
  } catch (const std::exception& e) {
    return e.what();  // "net.json: layers[1].weights: expected 3 rows, got 2"
  }
  return session.apply(command::LoadScenario{std::move(scenario), path});
}

std::string import_into_session(Session& session, const std::string& csv_path, const CsvReadOptions& read,
                                const ImportOptions& options, std::string& summary) {
  if (session.training()) return kBusy;
  Scenario scenario;
  try {
    const ImportResult result = import_table(read_csv_file(csv_path, read), options);
    scenario = parse_scenario(result.scenario.dump(), csv_path);
    summary = result.summary;
  } catch (const std::exception& e) {
    return e.what();  // "data.csv:17: column \"petal_width\": \"abc\" is not a number"
  }
  return session.apply(command::LoadScenario{std::move(scenario), ""});
}

std::vector<ScenarioListing> list_scenarios(const std::string& folder) {
  namespace fs = std::filesystem;
  std::vector<ScenarioListing> found;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".json" || !it->is_regular_file(ec)) continue;
    ScenarioListing entry{it->path().stem().string(), it->path().string()};
    std::ifstream in(it->path());
    const nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_object() && doc.contains("name") && doc["name"].is_string() && !doc["name"].get<std::string>().empty())
      entry.title = doc["name"].get<std::string>();
    found.push_back(std::move(entry));
  }
  std::sort(found.begin(), found.end(), [](const ScenarioListing& a, const ScenarioListing& b) {
    return a.title != b.title ? a.title < b.title : a.path < b.path;
  });
  return found;
}

std::string export_worked_example(const Session& session, const std::string& path) {
  return attempt([&] { write_file_atomic(path, worked_example_markdown(session.scenario())); });
}

std::string export_trace(const Session& session, const std::string& path) {
  return attempt([&] { write_file_atomic(path, trace_json(session.scenario()).dump(2) + "\n"); });
}

std::string export_loss_csv(const Session& session, const std::string& path) {
  return attempt([&] { write_file_atomic(path, loss_history_csv(session.loss_history())); });
}

std::string loss_history_csv(const std::vector<double>& losses) {
  std::ostringstream csv;
  csv.precision(17);
  csv << "step,loss\n";
  for (std::size_t s = 0; s < losses.size(); ++s) csv << (s + 1) << "," << losses[s] << "\n";
  return csv.str();
}

}  // namespace bpv
