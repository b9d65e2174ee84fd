#pragma once
// What the engine runs, chosen by the file's content (docs/sonata-input.md): a parnet JSON model
// (docs/model-format.md), answered by Network, or a SONATA circuit or simulation config, answered
// by SonataRecipe. Either way the run gets a recipe, the Model that names its populations and
// recordings for the output files, and the memory estimate checked against the ranks' memory.
#include "engine/memory_estimate.hpp"
#include "engine/recipe.hpp"
#include "io/model_reader.hpp"
#include "io/sonata_recipe.hpp"

#include <filesystem>
#include <memory>
#include <span>

namespace parnet::io {

class NetworkInput {
public:
    // Throws input_error naming the file and field of the first problem (see io::check_model).
    // `bytes_per_rank` <= 0: this node's memory shared by `ranks_on_node` ranks; infinite: no limit.
    NetworkInput(const std::filesystem::path& file, const RunOverrides& overrides, double flush_ms, int ranks, int ranks_on_node,
                 double bytes_per_rank);
    NetworkInput(const NetworkInput&) = delete;
    NetworkInput& operator=(const NetworkInput&) = delete;

    const Recipe& recipe() const { return *recipe_; }
    // Populations, run settings, recordings; for a SONATA circuit derived from it, with the
    // fingerprint of the config's text.
    Model& model() { return model_; }
    const Model& model() const { return model_; }
    const MemoryEstimate& estimate() const { return estimate_; }
    // The SONATA circuit, or nullptr for a JSON model.
    SonataRecipe* sonata() { return sonata_; }
    // Connections the estimate counts (for --check's summary).
    double connections() const;

    // Reads what this rank's cells need before they are built (a SONATA circuit's edges onto
    // them); a no-op for a JSON model. After the build, release() frees it.
    void prepare(std::span<const Gid> gids);
    void release();

private:
    Model model_;
    MemoryEstimate estimate_;
    std::unique_ptr<Recipe> recipe_;
    SonataRecipe* sonata_ = nullptr;
};

}  // namespace parnet::io
