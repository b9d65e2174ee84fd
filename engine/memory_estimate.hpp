#pragma once
// What a model will take before anything is built: connections, cells and compartments, the
// spikes of its sources and the trace rows held between writes. A model whose estimate exceeds
// the memory its ranks have is refused up front, with the field that asks for it and the
// estimate, instead of growing until std::bad_alloc (issue 16). Estimates are lower bounds from
// the sizes of the structures the engine keeps, not measurements.
#include "model.hpp"

#include <string>
#include <vector>

namespace parnet {

struct MemoryItem {
    std::string field;   // JSON path of the field that asks for it, e.g. "projections[1]"
    std::string what;    // "4e+10 connections"
    double bytes = 0.0;  // for the whole job
};

struct MemoryEstimate {
    std::vector<MemoryItem> items;  // largest first
    double total_bytes() const;
};

// Bytes per item of the structures the engine keeps (connection + its place in the source index;
// a point cell's state; a compartment's state, matrix and currents).
inline constexpr double bytes_per_connection = 40.0;
inline constexpr double bytes_per_point_cell = 128.0;
inline constexpr double bytes_per_compartment = 256.0;
inline constexpr double bytes_per_spike = 16.0;
inline constexpr double bytes_per_trace_value = 4.0;

// `flush_ms`: simulated time between writes (the trace rows held at most).
MemoryEstimate estimate_memory(const Model& model, double flush_ms);

// The least the output files of a run take on disk: the spikes of its sources and every trace
// row (other cells' spikes are not known before the run).
MemoryItem estimate_output_bytes(const Model& model);

// "960 GB", "12 MB"
std::string format_bytes(double bytes);

// This node's physical memory.
double node_memory_bytes();

// Throws input_error "<file>: <field>: needs about ... " when the job's estimate spread over
// `ranks` exceeds `bytes_per_rank`; the message lists the largest items and says how to allow it.
inline constexpr const char* engine_memory_advice =
    "Use more ranks, make the model smaller, or allow it with --max-memory <GB per rank>";
void refuse_if_too_large(const Model& model, const MemoryEstimate& estimate, int ranks, double bytes_per_rank,
                         const std::string& limit_source, const std::string& advice = engine_memory_advice);

}  // namespace parnet
