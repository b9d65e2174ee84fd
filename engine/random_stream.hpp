#pragma once
// Counter-based random streams laid out exactly as NEURON's Random123 (docs/model-format.md):
// Philox4x32-10, key = (runid, 0), counter = (seq, id3, id1, id2); draw k is word k % 4 of
// counter seq = k / 4. A stream is a pure function of (id1, id2, id3, runid), so a gid's numbers
// never depend on which rank or thread draws them or on what else was drawn before.
#include <array>
#include <cstdint>
#include <string_view>

namespace parnet {

// 32-bit purpose id: CRC-32 (zlib polynomial) of the UTF-8 name, as zlib.crc32(name) in Python.
std::uint32_t id32(std::string_view name);

class RandomStream {
public:
    RandomStream(std::uint32_t id1, std::uint32_t id2, std::uint32_t id3, std::uint32_t runid);

    std::uint32_t next_u32();
    // Uniform on the open interval (0,1): (x + 1) / (2^32 + 1), as NEURON.
    double uniform01();
    double uniform(double low, double high) { return low + (high - low) * uniform01(); }
    // Exponential with mean 1: -log(u).
    double exponential();
    // Standard normal by the Box-Muller transform (two draws per pair, the second is kept).
    double normal();
    // Integer uniform on [0, n) by rejection, free of modulo bias.
    std::uint32_t below(std::uint32_t n);

    std::uint64_t draws() const { return draw_; }

    // Where the stream is (checkpoints): draws so far and the normal() spare. seek() puts a stream
    // of the same ids there, so that it continues with the same numbers.
    struct Position {
        std::uint64_t draws = 0;
        bool has_spare = false;
        double spare = 0.0;
    };
    Position position() const { return {draw_, has_spare_, spare_normal_}; }
    void seek(const Position& p);

private:
    void refill();
    std::array<std::uint32_t, 2> key_;
    std::array<std::uint32_t, 4> counter_;
    std::array<std::uint32_t, 4> block_{};
    std::uint64_t draw_ = 0;
    double spare_normal_ = 0.0;
    bool has_spare_ = false;
};

}  // namespace parnet
