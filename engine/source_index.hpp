#pragma once
// Source (gid, detector) -> range of a thread's incoming connections. An open-addressing table (linear
// probing, power-of-two size, at most half full): one or two cache lines per lookup, where a
// node-based std::unordered_map costs a pointer chase per probe. Memory grows with the sources
// this thread listens to, never with the network size. The detector (Spike::detector, 0 for
// every cell but a cable cell with several) takes the slot's used flag: a slot stays 16 bytes.
#include "types.hpp"

#include <cstdint>
#include <vector>

namespace parnet {

class SourceIndex {
public:
    struct Range {
        std::uint32_t begin = 0, end = 0;
    };

    // A source: a gid and one of its detectors, ordered by (gid, detector).
    static std::uint64_t key(Gid gid, std::uint32_t detector) { return static_cast<std::uint64_t>(gid) << 32 | detector; }
    static Gid gid_of(std::uint64_t key) { return static_cast<Gid>(key >> 32); }
    static std::uint32_t detector_of(std::uint64_t key) { return static_cast<std::uint32_t>(key); }

    // sources: ascending distinct keys; ranges[i] belongs to sources[i].
    SourceIndex(const std::vector<std::uint64_t>& sources, const std::vector<Range>& ranges) {
        std::size_t size = 16;
        while (size < 2 * sources.size()) size *= 2;
        mask_ = size - 1;
        slots_.assign(size, Slot{});
        for (std::size_t i = 0; i < sources.size(); ++i) {
            const Gid gid = gid_of(sources[i]);
            const std::uint32_t detector = detector_of(sources[i]);
            std::size_t s = hash(gid, detector) & mask_;
            while (slots_[s].used) s = (s + 1) & mask_;
            slots_[s] = Slot{gid, detector + 1, ranges[i]};
        }
    }
    SourceIndex() : SourceIndex({}, {}) {}

    // The connections from detector `detector` of `source`, empty when it has none here.
    Range find(Gid source, std::uint32_t detector = 0) const {
        const std::uint32_t used = detector + 1;
        for (std::size_t s = hash(source, detector) & mask_;; s = (s + 1) & mask_) {
            const Slot& slot = slots_[s];
            if (!slot.used) return {};
            if (slot.gid == source && slot.used == used) return slot.range;
        }
    }

    // Starts loading the source's slot (a lookup a few spikes ahead hides the cache miss).
    void prefetch(Gid source, std::uint32_t detector = 0) const {
        __builtin_prefetch(&slots_[hash(source, detector) & mask_]);
    }

private:
    struct Slot {
        Gid gid = 0;
        std::uint32_t used = 0;   // 0: empty; else the detector + 1
        Range range;
    };
    static_assert(sizeof(Slot) == 16);
    // Detector 0 hashes as the gid alone; further detectors land elsewhere.
    static std::size_t hash(Gid g, std::uint32_t detector) {
        return ((static_cast<std::uint64_t>(g) + (static_cast<std::uint64_t>(detector) << 32)) * 0x9E3779B97F4A7C15ull) >> 29;
    }

    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
};

}  // namespace parnet
