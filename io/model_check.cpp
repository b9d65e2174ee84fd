#include "io/model_check.hpp"

#include "tools/number_format.hpp"

#include <cstdio>

namespace parnet::io {

CheckedModel check_model(const std::filesystem::path& file, const RunOverrides& overrides, double flush_ms, int ranks,
                         int ranks_on_node, double bytes_per_rank, const std::string& advice) {
    CheckedModel out{read_model(file, overrides), {}};
    out.estimate = estimate_memory(out.model, flush_ms);
    if (bytes_per_rank > 0) {
        refuse_if_too_large(out.model, out.estimate, ranks, bytes_per_rank, "--max-memory", advice);
    } else if (const double node = node_memory_bytes(); node > 0) {
        refuse_if_too_large(out.model, out.estimate, ranks, node / ranks_on_node,
                            "this node's " + format_bytes(node) + " shared by " + std::to_string(ranks_on_node) +
                                (ranks_on_node == 1 ? " rank" : " ranks"),
                            advice);
    }
    return out;
}

std::string check_summary(const Model& model, const MemoryEstimate& estimate, double connections,
                          const std::string& file, int ranks) {
    const double total = estimate.total_bytes();
    char line[1024];
    std::snprintf(line, sizeof line,
                  "%s: valid: %s cells in %zu populations, about %.4g connections; memory about %s (%s per rank on %d "
                  "rank%s)",
                  file.c_str(), tools::thousands(model.cell_count()).c_str(), model.populations.size(),
                  connections, format_bytes(total).c_str(), format_bytes(total / ranks).c_str(), ranks,
                  ranks == 1 ? "" : "s");
    return line;
}

}  // namespace parnet::io
