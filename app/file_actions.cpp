#include "file_actions.hpp"

#include <sstream>

#include "export_markdown.hpp"
#include "scenario_io.hpp"
#include "trace.hpp"

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
