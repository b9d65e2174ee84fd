#pragma once
// What one rank contributes to a checkpoint and takes back from one (docs/checkpoints.md). All of
// it is keyed by gid, never by rank, thread or position, so a checkpoint written by one layout is
// restored by any other.
#include "types.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace parnet {

// An event already made from a spike and waiting for delivery to gid `target`. Its place in the
// canonical order (time, source gid, connection index) is kept as (source, `connection`): the
// connection is the `connection`-th of those from `source` onto `target`, in index order.
struct SavedEvent {
    Gid target = 0;
    Gid source = 0;
    std::uint32_t connection = 0;
    std::uint32_t synapse = 0;
    double time = 0.0;
    double weight = 0.0;
};

struct RankCheckpoint {
    // Cell states (CellGroup::save_state): gid i's words are words[offset_i, offset_i + sizes[i]).
    std::vector<Gid> gids;
    std::vector<std::uint32_t> sizes;
    std::vector<std::uint64_t> words;
    std::vector<SavedEvent> events;
    // Spikes of this rank's cells not yet turned into events anywhere (the last epoch's, and with
    // overlap the one before): every rank enqueues all of them when restoring.
    std::vector<Spike> in_flight;
};

// A checkpoint as one rank restores it: the states of (at least) its own gids and the events
// addressed to them, plus every in-flight spike.
struct RestoredState {
    std::vector<Gid> gids;                 // ascending
    std::vector<std::uint64_t> offsets;    // gids.size() + 1, into words
    std::vector<std::uint64_t> words;
    std::vector<SavedEvent> events;        // any order
    std::vector<Spike> in_flight;
    Step step = 0;                         // the epoch boundary the state belongs to

    // The saved words of gid g; throws input_error when the checkpoint holds no state for it.
    std::span<const std::uint64_t> state_of(Gid g) const;
};

}  // namespace parnet
