#include "balance/metis_partition.hpp"

#include "balance/lpt.hpp"

#include <metis.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace parnet::balance {

static_assert(sizeof(idx_t) == sizeof(std::int32_t),
              "parnet's planner is written for METIS with 32-bit idx_t (Debian's libmetis-dev)");

namespace {

// METIS prints its messages to standard output ("***Cannot bisect a graph with 0 vertices!" on
// harmless sub-problems, "Input Error: ..." before an error code). They are held back and only
// shown as part of an error.
class CapturedStdout {
public:
    CapturedStdout() {
        std::fflush(stdout);
        file_ = std::tmpfile();
        saved_ = file_ ? dup(STDOUT_FILENO) : -1;
        if (saved_ >= 0) dup2(fileno(file_), STDOUT_FILENO);
    }
    ~CapturedStdout() { restore(); }
    CapturedStdout(const CapturedStdout&) = delete;
    CapturedStdout& operator=(const CapturedStdout&) = delete;

    // Restores standard output and returns what was printed meanwhile (the last lines).
    std::string restore() {
        std::string text;
        if (saved_ >= 0) {
            std::fflush(stdout);
            dup2(saved_, STDOUT_FILENO);
            close(saved_);
            saved_ = -1;
            std::rewind(file_);
            char buffer[4096];
            std::size_t n;
            while ((n = std::fread(buffer, 1, sizeof buffer, file_)) > 0) text.append(buffer, n);
        }
        if (file_) {
            std::fclose(file_);
            file_ = nullptr;
        }
        if (text.size() > 400) text = "..." + text.substr(text.size() - 400);
        return text;
    }

private:
    std::FILE* file_ = nullptr;
    int saved_ = -1;
};

}  // namespace

std::vector<std::int32_t> integer_weights(std::span<const double> cost, std::int64_t max_total) {
    double total = 0.0;
    for (double c : cost) {
        if (!(c >= 0) || !std::isfinite(c)) throw std::invalid_argument("integer_weights: costs must be finite and >= 0");
        total += c;
    }
    if (!std::isfinite(total)) throw std::invalid_argument("integer_weights: the total cost overflows a double");
    const double n = static_cast<double>(cost.size());
    if (n > static_cast<double>(max_total)) throw std::length_error("integer_weights: more vertices than the weight budget");
    // sum of max(1, floor(c * scale)) <= n + total * scale <= max_total
    const double scale = total > 0 ? (static_cast<double>(max_total) - n) / total : 0.0;
    std::vector<std::int32_t> w(cost.size());
    for (std::size_t i = 0; i < cost.size(); ++i)
        w[i] = static_cast<std::int32_t>(std::max(1.0, std::floor(cost[i] * scale)));
    return w;
}

std::string metis_status_name(int status) {
    switch (status) {
    case METIS_OK: return "METIS_OK";
    case METIS_ERROR_INPUT: return "METIS_ERROR_INPUT (METIS refused the graph or the options)";
    case METIS_ERROR_MEMORY: return "METIS_ERROR_MEMORY (METIS ran out of memory)";
    case METIS_ERROR: return "METIS_ERROR (METIS failed)";
    }
    return "unknown METIS status " + std::to_string(status);
}

MetisOutcome metis_partition(const TrafficGraph& graph, std::span<const double> cost, std::uint32_t parts,
                             const MetisSettings& settings) {
    const std::size_t n = graph.vertex_count();
    if (cost.size() != n) throw std::logic_error("metis_partition: one cost per vertex expected");
    if (parts == 0) throw std::invalid_argument("metis_partition: no parts");
    MetisOutcome outcome;
    if (parts == 1 || n == 0) {  // METIS 5.1 divides by zero for nparts = 1
        outcome.part.assign(n, 0);
        return outcome;
    }
    if (graph.entry_count() == 0) {
        // No connections: nothing for METIS to keep together; balancing is all that is left.
        outcome.part = lpt_assign(cost, parts);
        return outcome;
    }
    if (parts > static_cast<std::uint32_t>(std::numeric_limits<idx_t>::max()))
        throw std::invalid_argument("metis_partition: too many parts for 32-bit METIS");

    std::vector<idx_t> vwgt = integer_weights(cost);
    idx_t nvtxs = static_cast<idx_t>(n);
    idx_t ncon = 1;
    idx_t nparts = static_cast<idx_t>(parts);
    idx_t objval = 0;
    std::vector<idx_t> part(n, 0);
    idx_t options[METIS_NOPTIONS];
    METIS_SetDefaultOptions(options);
    options[METIS_OPTION_NUMBERING] = 0;
    options[METIS_OPTION_OBJTYPE] = METIS_OBJTYPE_CUT;
    options[METIS_OPTION_UFACTOR] = static_cast<idx_t>(std::round(1000.0 * settings.tolerance));  // METIS checks it
    options[METIS_OPTION_SEED] = settings.seed;
    // METIS takes non-const pointers but does not write to the graph.
    CapturedStdout metis_output;
    const int status = METIS_PartGraphKway(&nvtxs, &ncon, const_cast<idx_t*>(graph.xadj.data()),
                                           const_cast<idx_t*>(graph.adjncy.data()), vwgt.data(), nullptr,
                                           const_cast<idx_t*>(graph.adjwgt.data()), &nparts, nullptr, nullptr,
                                           options, &objval, part.data());
    outcome.called_metis = true;
    std::string said = metis_output.restore();
    while (!said.empty() && (said.back() == '\n' || said.back() == ' ')) said.pop_back();
    if (status != METIS_OK)
        throw metis_error("METIS_PartGraphKway into " + std::to_string(parts) + " parts of " + std::to_string(n) +
                          " graph vertices failed: " + metis_status_name(status) +
                          (said.empty() ? "" : "; METIS said: " + said));
    outcome.edge_cut = objval;
    outcome.part.resize(n);
    for (std::size_t v = 0; v < n; ++v) {
        if (part[v] < 0 || part[v] >= nparts)
            throw metis_error("METIS_PartGraphKway returned METIS_OK but put cell " + std::to_string(v) + " in part " +
                              std::to_string(part[v]) + " of " + std::to_string(parts));
        outcome.part[v] = static_cast<std::uint32_t>(part[v]);
    }
    outcome.repair = repair_partition(outcome.part, cost, parts, settings.tolerance);
    return outcome;
}

}  // namespace parnet::balance
