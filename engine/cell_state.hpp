#pragma once
// One cell's state in a checkpoint (docs/checkpoints.md): everything its future depends on beyond
// (model, gid, runid), as 64-bit words, doubles by their bits, so that a restored cell continues
// bit for bit. A group writes a cell's words and reads them back in the same order; the reader
// refuses words that do not fit the cell (a checkpoint of another model slipping through).
#include "errors.hpp"
#include "types.hpp"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace parnet {

class CellStateWriter {
public:
    void put(double x) { words_.push_back(std::bit_cast<std::uint64_t>(x)); }
    void put_word(std::uint64_t w) { words_.push_back(w); }
    // count values at base[0], base[stride], ...: one lane of a lane-minor array.
    void put_strided(const double* base, std::size_t count, std::size_t stride) {
        for (std::size_t j = 0; j < count; ++j) put(base[j * stride]);
    }
    const std::vector<std::uint64_t>& words() const { return words_; }
    void clear() { words_.clear(); }

private:
    std::vector<std::uint64_t> words_;
};

class CellStateReader {
public:
    CellStateReader(std::span<const std::uint64_t> words, Gid gid) : words_(words), gid_(gid) {}

    double get() { return std::bit_cast<double>(get_word()); }
    std::uint64_t get_word() {
        if (next_ >= words_.size())
            throw input_error("gid " + std::to_string(gid_) + ": its saved state (" + std::to_string(words_.size()) +
                              " words) is shorter than this model's cell needs");
        return words_[next_++];
    }
    void get_strided(double* base, std::size_t count, std::size_t stride) {
        for (std::size_t j = 0; j < count; ++j) base[j * stride] = get();
    }
    // Every word must have been used.
    void finish() const {
        if (next_ != words_.size())
            throw input_error("gid " + std::to_string(gid_) + ": its saved state has " + std::to_string(words_.size()) +
                              " words but this model's cell reads " + std::to_string(next_));
    }

private:
    std::span<const std::uint64_t> words_;
    Gid gid_;
    std::size_t next_ = 0;
};

}  // namespace parnet
