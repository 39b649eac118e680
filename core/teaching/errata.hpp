// The seed blog's errata, found by comparison: every number the blog post
// publishes (published-values.json) beside the engine's value for the same
// formula on the same network, flagged when the two differ by more than the
// blog's printed digits allow, with a one-line reason.
//
// How a number is judged (docs/lessons.md, "The errata view"):
// - unit: one unit of its last printed digit ("0.2040" → 1e-4). The blog
//   rounds and sometimes truncates (0.93883 printed as 0.938), so a number
//   within one unit of the engine's full-precision value agrees.
// - flagged: |published − engine| > unit. Nothing else decides a flag.
// - reason, for a flagged number only, from recomputations on the blog's OWN
//   printed inputs (never from a list of answers):
//     the correct formula reproduces it → "rounding carried forward" when
//       those inputs are only rounded, else "follows from the slip in …";
//     a slip model reproduces it → that slip ("a dropped Jacobian term",
//       "a missing sum", "a shifted decimal");
//     otherwise "a sign" when the signs disagree, else "an arithmetic slip".
//   The known_slips line that names the number, if any, goes beside it.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/scenario.hpp"

namespace bpv {

struct ErrataRow {
  std::string quantity;  // the key in published-values.json: "dW_kl"
  int row = -1, col = 0;  // the element; row −1 for a vector
  std::string label;     // "dW_kl[1][2]" (the blog's name) …
  std::string symbol;    // … and the same in the app's notation: "∂L/∂W³₂₃"
  std::string printed;   // the number exactly as the blog prints it
  double published = 0, engine = 0, unit = 0;
  double diff() const;   // |published − engine|
  bool flagged = false;
  std::string reason;      // one line, "" when not flagged
  std::string known_slip;  // the known_slips line that names this number, if any
};

struct Errata {
  std::vector<ErrataRow> rows;  // in the order the blog publishes them
  std::vector<std::string> known_slips;
  int flagged_count() const;
};

// `text` is published-values.json; `source` names it in errors (ScenarioError,
// "FILE: FIELD: problem"). The network is built from the file's own
// "network" block, so the comparison runs on exactly what the blog used.
Errata seed_errata(const std::string& text, const std::string& source);
Errata load_seed_errata(const std::string& path);
// The network of published-values.json's "network" block as a scenario.
Scenario published_network(const nlohmann::json& network, const std::string& source);

nlohmann::json errata_json(const Errata& errata);

}  // namespace bpv
