#pragma once
// Samples of one trace recording on this rank, waiting to be written: one row per sample step
// (every `stride` steps from step 0, up to but not including the run's last step), one column per
// recorded cell of this rank. Threads fill disjoint columns of the same rows.
#include "types.hpp"

#include <cstddef>
#include <vector>

namespace parnet {

class TraceBuffer {
public:
    // float64: the values are kept as the doubles the cells hold ("dtype": "float64"); otherwise
    // rounded to float, as NEURON's and libsonata's reports store them.
    TraceBuffer(Step stride, std::size_t columns, bool float64 = false)
        : stride_(stride), columns_(columns), float64_(float64) {}

    Step stride() const { return stride_; }
    std::size_t columns() const { return columns_; }
    bool float64() const { return float64_; }
    bool samples(Step s) const { return s % stride_ == 0; }

    // Adds zeroed rows for every sample step <= last not added yet.
    void add_rows_through(Step last) {
        while (next_step_ <= last) {
            if (float64_) {
                wide_.resize(wide_.size() + columns_, 0.0);
            } else {
                rows_.resize(rows_.size() + columns_, 0.0f);
            }
            next_step_ += stride_;
        }
    }
    // Whether the row of step s is here (added, not yet taken).
    bool holds(Step s) const { return s >= first_step_ && s < next_step_; }
    // A restored run: rows before `row` were written by the interrupted run.
    void start_at_row(std::uint64_t row) { first_step_ = next_step_ = static_cast<Step>(row) * stride_; }
    // Sets the value of one column in the row of sample step s (added, not yet taken).
    void set(Step s, std::size_t column, double value) {
        const std::size_t at = static_cast<std::size_t>((s - first_step_) / stride_) * columns_ + column;
        if (float64_) {
            wide_[at] = value;
        } else {
            rows_[at] = static_cast<float>(value);
        }
    }
    std::size_t row_count() const { return columns_ ? (float64_ ? wide_.size() : rows_.size()) / columns_ : 0; }

    // Hands out the rows filled so far (time-major) and starts afresh after them: take_rows for
    // a float32 buffer, take_wide_rows for a float64 one.
    std::vector<float> take_rows() {
        std::vector<float> out;
        out.swap(rows_);
        first_step_ = next_step_;
        return out;
    }
    std::vector<double> take_wide_rows() {
        std::vector<double> out;
        out.swap(wide_);
        first_step_ = next_step_;
        return out;
    }

private:
    Step stride_;
    std::size_t columns_;
    bool float64_;
    Step first_step_ = 0;  // step of the first row held
    Step next_step_ = 0;   // step of the next row to add
    std::vector<float> rows_;
    std::vector<double> wide_;
};

}  // namespace parnet
