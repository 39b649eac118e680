// Edits as JSON, so the undo history can outlive the app (the session file).
#pragma once
#include <nlohmann/json.hpp>

#include "engine/edits.hpp"

namespace bpv {

nlohmann::json edit_to_json(const Edit& e);
// Throws std::runtime_error when the JSON is not an edit of ours.
Edit edit_from_json(const nlohmann::json& j);

}  // namespace bpv
