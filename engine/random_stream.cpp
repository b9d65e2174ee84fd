#include "random_stream.hpp"

#include <Random123/philox.h>

#include <cmath>
#include <numbers>

namespace parnet {

namespace {
// zlib's CRC-32 table (reflected polynomial 0xEDB88320), built at compile time.
constexpr std::array<std::uint32_t, 256> make_crc_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    return table;
}
constexpr auto crc_table = make_crc_table();
}  // namespace

std::uint32_t id32(std::string_view name) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (unsigned char byte : name) c = crc_table[(c ^ byte) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

RandomStream::RandomStream(std::uint32_t id1, std::uint32_t id2, std::uint32_t id3,
                           std::uint32_t runid)
    : key_{runid, 0u}, counter_{0u, id3, id1, id2} {}

void RandomStream::refill() {
    r123::Philox4x32 philox;
    r123::Philox4x32::ctr_type ctr{{counter_[0], counter_[1], counter_[2], counter_[3]}};
    r123::Philox4x32::key_type key{{key_[0], key_[1]}};
    auto out = philox(ctr, key);
    for (int i = 0; i < 4; ++i) block_[i] = out[i];
}

void RandomStream::seek(const Position& p) {
    draw_ = p.draws;
    has_spare_ = p.has_spare;
    spare_normal_ = p.spare;
    // next_u32 refills at word 0 only: within a block, the block of draw_ must be there already.
    if (draw_ % 4 != 0) {
        counter_[0] = static_cast<std::uint32_t>(draw_ / 4);
        refill();
    }
}

std::uint32_t RandomStream::next_u32() {
    const auto word = static_cast<unsigned>(draw_ % 4);
    if (word == 0) {
        counter_[0] = static_cast<std::uint32_t>(draw_ / 4);
        refill();
    }
    ++draw_;
    return block_[word];
}

double RandomStream::uniform01() {
    return (static_cast<double>(next_u32()) + 1.0) / 4294967297.0;  // (x+1)/(2^32+1)
}

double RandomStream::exponential() { return -std::log(uniform01()); }

double RandomStream::normal() {
    if (has_spare_) {
        has_spare_ = false;
        return spare_normal_;
    }
    const double u1 = uniform01();
    const double u2 = uniform01();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double phi = 2.0 * std::numbers::pi * u2;
    spare_normal_ = r * std::sin(phi);
    has_spare_ = true;
    return r * std::cos(phi);
}

std::uint32_t RandomStream::below(std::uint32_t n) {
    // Lemire-free simple rejection: accept x < limit, a multiple of n.
    const std::uint64_t range = 1ull << 32;
    const std::uint64_t limit = range - range % n;
    for (;;) {
        const std::uint64_t x = next_u32();
        if (x < limit) return static_cast<std::uint32_t>(x % n);
    }
}

}  // namespace parnet
