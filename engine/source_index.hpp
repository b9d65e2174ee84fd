#pragma once
// Source gid -> range of a thread's incoming connections. An open-addressing table (linear
// probing, power-of-two size, at most half full): one or two cache lines per lookup, where a
// node-based std::unordered_map costs a pointer chase per probe. Memory grows with the sources
// this thread listens to, never with the network size.
#include "types.hpp"

#include <cstdint>
#include <vector>

namespace parnet {

class SourceIndex {
public:
    struct Range {
        std::uint32_t begin = 0, end = 0;
    };

    // sources: ascending distinct gids; ranges[i] belongs to sources[i].
    SourceIndex(const std::vector<Gid>& sources, const std::vector<Range>& ranges) {
        std::size_t size = 16;
        while (size < 2 * sources.size()) size *= 2;
        mask_ = size - 1;
        slots_.assign(size, Slot{});
        for (std::size_t i = 0; i < sources.size(); ++i) {
            std::size_t s = hash(sources[i]) & mask_;
            while (slots_[s].used) s = (s + 1) & mask_;
            slots_[s] = Slot{sources[i], 1, ranges[i]};
        }
    }
    SourceIndex() : SourceIndex({}, {}) {}

    // The connections from `source`, empty when it has none here.
    Range find(Gid source) const {
        for (std::size_t s = hash(source) & mask_;; s = (s + 1) & mask_) {
            const Slot& slot = slots_[s];
            if (!slot.used) return {};
            if (slot.gid == source) return slot.range;
        }
    }

    // Starts loading `source`'s slot (a lookup a few spikes ahead hides the cache miss).
    void prefetch(Gid source) const { __builtin_prefetch(&slots_[hash(source) & mask_]); }

private:
    struct Slot {
        Gid gid = 0;
        std::uint32_t used = 0;
        Range range;
    };
    static std::size_t hash(Gid g) { return (static_cast<std::uint64_t>(g) * 0x9E3779B97F4A7C15ull) >> 29; }

    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
};

}  // namespace parnet
