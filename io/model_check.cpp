#include "io/model_check.hpp"

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

}  // namespace parnet::io
