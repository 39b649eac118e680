// A link that opens the web page exactly where a teacher was: the scenario
// (the start of its current training step), the op, and a built-in lesson's
// beat, in the URL's fragment:
//   #scenario=<base64url of the scenario's JSON>&op=K&lesson=<file stem>&beat=B
// or, for an expression graph (formats.md §7), the same with
//   #expression=<base64url of the expression's JSON>&op=K
// Every part is optional. The fragment never reaches a server, so a link
// works from a static web server and from disk alike.
#pragma once
#include <cstddef>
#include <optional>
#include <string>

#include "expression/expression_graph.hpp"
#include "engine/scenario.hpp"
#include "formats/scenario_io.hpp"

namespace bpv {

// The largest scenario a link carries, in bytes of JSON (a URL of about
// 1.4 MB: Chromium takes up to 2 MB). Larger networks are shared as files.
constexpr std::size_t kMaxLinkScenarioBytes = std::size_t{1} << 20;

struct ShareLink {
  std::optional<Scenario> scenario;      // none: the page's usual start
  std::optional<Expression> expression;  // an expression graph instead of a network
  std::optional<std::size_t> op;     // the cursor: ops applied
  std::string lesson;                // a lesson file's stem in assets/lessons ("" = none)
  std::size_t beat = 0;              // 0-based
};

// RFC 4648 §5, without padding; decoding accepts padding and refuses any
// other character (returns nullopt).
std::string base64url_encode(const std::string& bytes);
std::optional<std::string> base64url_decode(const std::string& text);

// The fragment (without '#'). Throws ScenarioError with the reason when the
// scenario's JSON is larger than kMaxLinkScenarioBytes.
std::string share_link_fragment(const Scenario& scenario, std::size_t op, const std::string& lesson,
                                std::size_t beat);
// An expression at the start of its training step, and the cursor.
std::string expression_link_fragment(const Expression& expression, std::size_t op);
// Parses a fragment (with or without its '#'). Throws ScenarioError ("link:
// FIELD: problem", the loader's own messages for the scenario) when any part
// is bad or oversized; unknown keys are ignored, as the page may add some.
ShareLink parse_share_link(const std::string& fragment);

}  // namespace bpv
