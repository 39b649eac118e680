// One training step written up as a worked example in Markdown: every op in
// order, its equation, its numbers for one element, and the values it wrote.
#pragma once
#include <string>

#include "engine/scenario.hpp"

namespace bpv {

std::string worked_example_markdown(const Scenario& scenario);

}  // namespace bpv
