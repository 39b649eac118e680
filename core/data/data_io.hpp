// The data part of a scenario file (formats.md §5 and §1's rows): inputs /
// targets or a generator, the test set, features, batching and progress.
#pragma once
#include <nlohmann/json.hpp>

#include "formats/field_reader.hpp"
#include "engine/scenario.hpp"

namespace bpv {

// Reads the rows (or generates them) into `scenario`, whose input_size,
// layers and loss are already read; `neurons` is input_size + Σ layer sizes
// (for the resource bound on B × neurons).
void read_data_fields(const FieldReader& rd, const nlohmann::json& doc, Scenario& scenario, long long neurons);
// Writes them back so that parse(write(s)) == s.
void write_data_fields(const Scenario& scenario, nlohmann::json& doc);

}  // namespace bpv
