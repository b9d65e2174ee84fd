#include "io/network_input.hpp"

#include "engine/network.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace parnet::io {

namespace {

std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

void refuse_if_too_large_for(const Model& model, const MemoryEstimate& estimate, int ranks, int ranks_on_node,
                             double bytes_per_rank) {
    if (bytes_per_rank > 0) {
        refuse_if_too_large(model, estimate, ranks, bytes_per_rank, "--max-memory");
    } else if (const double node = node_memory_bytes(); node > 0) {
        refuse_if_too_large(model, estimate, ranks, node / ranks_on_node,
                            "this node's " + format_bytes(node) + " shared by " + std::to_string(ranks_on_node) +
                                (ranks_on_node == 1 ? " rank" : " ranks"));
    }
}

}  // namespace

NetworkInput::NetworkInput(const std::filesystem::path& file, const RunOverrides& overrides, double flush_ms, int ranks,
                           int ranks_on_node, double bytes_per_rank) {
    const nlohmann::json document = read_json_file(file, "model file");
    if (is_sonata_config(document)) {
        auto sonata = std::make_unique<SonataRecipe>(read_sonata_config(file, overrides));
        model_ = sonata->circuit().model();
        std::ifstream in(file, std::ios::binary);
        model_.fingerprint = fnv1a(std::string(std::istreambuf_iterator<char>(in), {}));
        estimate_ = estimate_memory(model_, flush_ms);
        const double edges = static_cast<double>(sonata->circuit().edge_count());
        if (edges > 0) {
            estimate_.items.push_back({"networks.edges", std::to_string(sonata->circuit().edge_count()) + " edges",
                                       edges * bytes_per_connection});
            std::stable_sort(estimate_.items.begin(), estimate_.items.end(),
                             [](const MemoryItem& a, const MemoryItem& b) { return a.bytes > b.bytes; });
        }
        sonata_ = sonata.get();
        recipe_ = std::move(sonata);
    } else {
        model_ = parse_model(document, file.string(), overrides);
        estimate_ = estimate_memory(model_, flush_ms);
        recipe_ = std::make_unique<Network>(model_);
    }
    refuse_if_too_large_for(model_, estimate_, ranks, ranks_on_node, bytes_per_rank);
}

double NetworkInput::connections() const {
    if (sonata_) return static_cast<double>(sonata_->circuit().edge_count());
    double n = 0;
    for (const auto& item : estimate_.items)
        if (item.field.rfind("projections", 0) == 0) n += item.bytes / bytes_per_connection;
    return n;
}

void NetworkInput::prepare(std::span<const Gid> gids) {
    if (sonata_) sonata_->load_incoming(gids);
}

void NetworkInput::release() {
    if (sonata_) sonata_->forget_loaded();
}

}  // namespace parnet::io
