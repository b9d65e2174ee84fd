#include "event_queue.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>
#include <utility>

namespace parnet {

namespace {
bool canonical(const Event& a, const Event& b) {
    if (a.time != b.time) return a.time < b.time;
    return a.order < b.order;
}

// Lanes are short (a few events per cell and epoch) and come out of the bins in step order, so
// only events of one step can be out of order: insertion sort (one comparison per event when
// sorted) beats std::sort there.
void sort_lane(Event* first, Event* last) {
    if (last - first > 24) {
        std::sort(first, last, canonical);
        return;
    }
    for (Event* i = first + 1; i < last; ++i) {
        if (!canonical(*i, *(i - 1))) continue;
        Event e = *i;
        Event* j = i;
        for (; j > first && canonical(e, *(j - 1)); --j) *j = *(j - 1);
        *j = e;
    }
}
}  // namespace

EventQueue::EventQueue(std::uint32_t cells, Step epoch_steps, double dt)
    : cells_(cells), epoch_steps_(std::max<Step>(1, epoch_steps)), dt_(dt),
      bins_(std::bit_ceil(static_cast<std::uint64_t>(2 * epoch_steps_))), mask_(bins_.size() - 1) {
    // Radix digits of at most 11 bits (a 2048-entry count stays in L1), as few passes as the cell
    // index needs: one pass up to 2048 cells, two up to 4 M.
    const int bits = std::max(1, static_cast<int>(std::bit_width(std::max<std::uint32_t>(cells_, 2) - 1)));
    digit_passes_ = (bits + 10) / 11;
    digit_bits_ = (bits + digit_passes_ - 1) / digit_passes_;
}

void EventQueue::grow(Step step) {
    // Keeps every pending bin at its step's new slot.
    const auto span = static_cast<std::uint64_t>(step - first_step_ + 1);
    std::vector<std::vector<PendingEvent>> grown(std::bit_ceil(std::max<std::uint64_t>(span, 2 * bins_.size())));
    const std::size_t grown_mask = grown.size() - 1;
    for (Step n = first_step_; n < first_step_ + static_cast<Step>(bins_.size()); ++n)
        grown[static_cast<std::size_t>(n) & grown_mask] = std::move(bin(n));
    bins_ = std::move(grown);
    mask_ = grown_mask;
}

std::size_t EventQueue::size() const {
    std::size_t n = 0;
    for (const auto& b : bins_) n += b.size();
    return n;
}

void EventQueue::take_epoch(std::int64_t epoch, Step end, std::vector<Event>& events,
                            std::vector<std::uint32_t>& offsets) {
    const Step last = std::max(offset_ + (epoch + 1) * epoch_steps_, first_step_);
    if (last - first_step_ > static_cast<Step>(bins_.size())) grow(last - 1);
    const Step stop = std::clamp(end, first_step_, last);
    // Counting sort by target straight into the lanes, bin after bin: each lane comes out in step
    // order, and only a cell's events of one step need sorting by time and order. (A two-level
    // sort, blocks of 4096 cells first, was measured slower up to 1e5 cells and only 9% faster
    // at 1e6: the extra pass costs what the cache misses it saves.)
    offsets.assign(cells_ + 1, 0);
    for (Step n = first_step_; n < stop; ++n)
        for (const auto& e : bin(n)) ++offsets[e.target + 1];
    for (std::uint32_t i = 0; i < cells_; ++i) offsets[i + 1] += offsets[i];
    events.resize(offsets[cells_]);
    cursor_.assign(offsets.begin(), offsets.end() - 1);
    for (Step n = first_step_; n < stop; ++n)
        for (const auto& e : bin(n)) events[cursor_[e.target]++] = Event{e.time, e.weight, e.synapse, e.order};
    for (std::uint32_t i = 0; i < cells_; ++i)
        if (offsets[i + 1] - offsets[i] > 1) sort_lane(events.data() + offsets[i], events.data() + offsets[i + 1]);
    finish_epoch(stop);
}

void EventQueue::finish_epoch(Step stop) {
    for (Step n = first_step_; n < stop; ++n) bin(n).clear();
    // A run ending inside the epoch (stop < last): the bins from `stop` on hold events due after
    // its end, kept for a checkpoint at the end (for_each); the run takes nothing more.
    first_step_ = stop;
}

void EventQueue::sort_bin(const std::vector<PendingEvent>& bin, std::vector<StepInput>& out) {
    const std::size_t m = bin.size();
    if (m == 0) return;
    keys_.resize(m);
    for (std::size_t i = 0; i < m; ++i) keys_[i] = (static_cast<std::uint64_t>(bin[i].target) << 32) | i;
    // By cell, then position in the bin (arrival): a small bin by comparison, a large one by a
    // stable LSD radix sort of the cell index, which gives the same order. The digits' counts
    // are all taken in one pass.
    if (m < 64) {
        std::sort(keys_.begin(), keys_.end());
    } else {
        const std::size_t digits = std::size_t{1} << digit_bits_;
        const auto passes = static_cast<std::size_t>(digit_passes_);
        digit_count_.assign(digits * passes, 0);
        for (const PendingEvent& e : bin)
            for (std::size_t pass = 0; pass < passes; ++pass)
                ++digit_count_[pass * digits + ((e.target >> (pass * static_cast<std::size_t>(digit_bits_))) & (digits - 1))];
        spare_keys_.resize(m);
        for (std::size_t pass = 0; pass < passes; ++pass) {
            std::uint32_t* count = digit_count_.data() + pass * digits;
            std::uint32_t sum = 0;
            for (std::size_t d = 0; d < digits; ++d) sum += std::exchange(count[d], sum);
            const std::size_t shift = 32 + pass * static_cast<std::size_t>(digit_bits_);
            for (const std::uint64_t k : keys_) spare_keys_[count[(k >> shift) & (digits - 1)]++] = k;
            keys_.swap(spare_keys_);
        }
    }
    // A cell's events of one step, in arrival order so far, into canonical order (time, order):
    // insertion sort (one comparison per event when in order already) unless there are many.
    const auto before = [&](std::uint64_t a, std::uint64_t b) {
        const PendingEvent& x = bin[static_cast<std::uint32_t>(a)];
        const PendingEvent& y = bin[static_cast<std::uint32_t>(b)];
        return x.time != y.time ? x.time < y.time : x.order < y.order;
    };
    for (std::size_t first = 0; first < m;) {
        std::size_t last = first + 1;
        while (last < m && (keys_[last] >> 32) == (keys_[first] >> 32)) ++last;
        if (last - first > 24) {
            std::sort(keys_.begin() + static_cast<std::ptrdiff_t>(first), keys_.begin() + static_cast<std::ptrdiff_t>(last), before);
        } else {
            for (std::size_t i = first + 1; i < last; ++i) {
                if (!before(keys_[i], keys_[i - 1])) continue;
                const std::uint64_t k = keys_[i];
                std::size_t j = i;
                for (; j > first && before(k, keys_[j - 1]); --j) keys_[j] = keys_[j - 1];
                keys_[j] = k;
            }
        }
        first = last;
    }
    // Gathered in cell order from anywhere in the bin (megabytes at 1e6 cells): loads issued ahead.
    constexpr std::size_t ahead = 8;
    for (std::size_t i = 0; i < m; ++i) {  // (take_epoch_steps reserved the room)
        if (i + ahead < m) __builtin_prefetch(&bin[static_cast<std::uint32_t>(keys_[i + ahead])]);
        const PendingEvent& e = bin[static_cast<std::uint32_t>(keys_[i])];
        out.push_back(StepInput{e.target, e.synapse, e.weight});
    }
}

void EventQueue::take_epoch_steps(std::int64_t epoch, Step end, std::vector<StepInput>& inputs,
                                  std::vector<std::uint32_t>& step_offsets) {
    if (offset_ + epoch * epoch_steps_ != first_step_)
        throw std::logic_error("EventQueue::take_epoch_steps: epoch " + std::to_string(epoch) + " is not the next one");
    const Step last = first_step_ + epoch_steps_;  // the ring holds 2 epochs at least
    const Step stop = std::clamp(end, first_step_, last);
    inputs.clear();
    std::size_t total = 0;
    for (Step n = first_step_; n < stop; ++n) total += bin(n).size();
    if (total > inputs.capacity()) inputs.reserve(total + total / 2);
    step_offsets.assign(1, 0);
    for (Step n = first_step_; n < stop; ++n) {
        sort_bin(bin(n), inputs);
        step_offsets.push_back(static_cast<std::uint32_t>(inputs.size()));
    }
    finish_epoch(stop);
}

}  // namespace parnet
