#pragma once
// Plan files for recipes written in Python and SONATA circuits. The planner library
// (balance/planner.hpp) reads parnet model files, whose cells it measures; these are planned from
// the static cost model instead (engine/cost_estimate.hpp): longest processing time first over the
// ranks, then over each rank's threads; round-robin; or, for a recipe that can answer incoming()
// for every gid, METIS over its connection graph as the planner builds it (balance/traffic_graph.hpp).
// The file is the planner's format, so parnet.run(plan=...) reads it as any plan.
#include "engine/recipe.hpp"

#include <cstdint>
#include <string>

namespace parnet::python {

// Throws input_error for a method other than "metis", "lpt" or "round-robin", or a file that cannot be written.
void write_recipe_plan(const Recipe& recipe, std::uint64_t fingerprint, const std::string& file, std::uint32_t ranks,
                       std::uint32_t threads, const std::string& method);

}  // namespace parnet::python
