// Events reach each cell in canonical order (time, then order: the position of the connection in
// its thread's table, which is sorted by source gid and connection index), in their epoch.
#include "engine/event_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

using namespace parnet;

TEST(EventQueue, LanesAreCanonicalAndOnlyDueEventsLeave) {
    const double dt = 0.1;
    EventQueue q(3, 11, dt);  // epochs of 11 steps
    // pushed out of order; weight encodes the expected position in the lane; order as a thread's
    // table gives it for (gid, index): gid * 100 + index
    q.push({1.0, 3, 700, 1, 0});
    q.push({0.5, 1, 902, 1, 0});
    q.push({1.0, 2, 501, 1, 0});
    q.push({1.0, 4, 701, 1, 1});
    q.push({2.0, 9, 100, 1, 0});   // due later (step 20)
    q.push({0.3, 7, 200, 2, 0});
    std::vector<Event> events;
    std::vector<std::uint32_t> offsets;
    q.take_epoch(0, 11, events, offsets);
    ASSERT_EQ(offsets, (std::vector<std::uint32_t>{0, 0, 4, 5}));
    EXPECT_EQ(events[0].weight, 1);  // t 0.5
    EXPECT_EQ(events[1].weight, 2);  // t 1.0 from gid 5
    EXPECT_EQ(events[2].weight, 3);  // t 1.0 from gid 7, index 0
    EXPECT_EQ(events[3].weight, 4);  // t 1.0 from gid 7, index 1
    EXPECT_EQ(events[3].synapse, 1u);
    EXPECT_EQ(events[4].weight, 7);
    EXPECT_EQ(q.size(), 1u);
    q.take_epoch(1, 22, events, offsets);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].time, 2.0);
}

TEST(EventQueue, DeliveryStepFollowsNeuronsHalfStepRule) {
    const double dt = 0.025;
    EXPECT_EQ(delivery_step(1.0, dt), 40);
    EXPECT_EQ(delivery_step(1.0 + 0.012, dt), 40);
    EXPECT_EQ(delivery_step(1.0 + 0.013, dt), 41);
    EXPECT_EQ(delivery_step(1.0 - 0.012, dt), 40);
    EXPECT_EQ(delivery_step(0.0, dt), 0);
}

TEST(EventQueue, LongDelaysWaitInTheirEpochWhileTheRingGrows) {
    const double dt = 0.1;
    EventQueue q(2, 10, dt);  // 1 ms epochs
    for (int k = 0; k < 60; ++k) q.push({0.5 + k, 1.0 * k, 0, static_cast<std::uint32_t>(k % 2), 0});
    std::vector<Event> events;
    std::vector<std::uint32_t> offsets;
    for (int epoch = 0; epoch < 60; ++epoch) {
        q.take_epoch(epoch, (epoch + 1) * 10, events, offsets);
        ASSERT_EQ(events.size(), 1u) << epoch;
        EXPECT_EQ(events[0].weight, epoch);
        EXPECT_EQ(offsets[1] - offsets[0], epoch % 2 == 0 ? 1u : 0u);
        q.push({epoch + 100.5, -1, 0, 0, 0});  // pushes far ahead keep arriving
    }
    EXPECT_EQ(q.size(), 60u);
}

// Events due after the end of the run are not handed out, but stay pending for a checkpoint at
// the end (a restored run that goes on delivers them).
TEST(EventQueue, TheRunsShortLastEpochKeepsEventsAfterTheEnd) {
    const double dt = 0.1;
    EventQueue q(1, 10, dt);
    q.push({0.4, 1, 0, 0, 0});   // step 4
    q.push({0.75, 2, 1, 0, 0});  // step 8: after a run ending at step 6
    q.push({1.45, 3, 2, 0, 0});  // step 15: in the next epoch
    std::vector<Event> events;
    std::vector<std::uint32_t> offsets;
    q.take_epoch(0, 6, events, offsets);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].weight, 1);
    EXPECT_EQ(q.size(), 2u);
    std::vector<double> pending;
    q.for_each([&](const PendingEvent& e) { pending.push_back(e.weight); });
    std::sort(pending.begin(), pending.end());
    EXPECT_EQ(pending, (std::vector<double>{2, 3}));
}

// A restored run's epochs count from its checkpoint: epoch k covers steps offset + k*D onwards.
TEST(EventQueue, ARestoredRunsEpochsStartAtTheCheckpoint) {
    for (bool by_steps : {false, true}) {
        EventQueue q(1, 10, 0.1);
        q.resume_at(2, 3);            // epoch 2 is steps [23, 33)
        q.push({2.5, 1, 0, 0, 0});    // step 25
        q.push({3.3, 2, 1, 0, 0});    // step 33: epoch 3
        std::vector<double> taken;
        for (std::int64_t epoch : {2, 3}) {
            if (by_steps) {
                std::vector<StepInput> inputs;
                std::vector<std::uint32_t> steps;
                q.take_epoch_steps(epoch, 100, inputs, steps);
                ASSERT_EQ(steps.size(), 11u);
                ASSERT_EQ(inputs.size(), 1u) << epoch;
                EXPECT_EQ(steps[epoch == 2 ? 3 : 1], 1u) << epoch;   // steps 25 and 33
                taken.push_back(inputs[0].weight);
            } else {
                std::vector<Event> events;
                std::vector<std::uint32_t> offsets;
                q.take_epoch(epoch, 100, events, offsets);
                ASSERT_EQ(events.size(), 1u) << epoch;
                taken.push_back(events[0].weight);
            }
        }
        EXPECT_EQ(taken, (std::vector<double>{1, 2})) << (by_steps ? "steps" : "lanes");
        EXPECT_EQ(q.size(), 0u);
    }
}

TEST(EventQueue, LanesEqualAStableSortByTargetTimeAndOrder) {
    // 20,000 cells, 60,000 events with many ties in time: every lane must equal a plain sort of
    // the same events by (target, time, order).
    const double dt = 0.1;
    const std::uint32_t cells = 20000;
    EventQueue q(cells, 10, dt);
    std::vector<PendingEvent> pushed;
    std::uint64_t x = 12345;
    const auto next = [&x] { return x = x * 6364136223846793005ull + 1442695040888963407ull, x >> 33; };
    for (int k = 0; k < 60000; ++k) {
        // times on a coarse grid so that ties in time are common and the order decides
        const PendingEvent e{0.05 * static_cast<double>(next() % 19), static_cast<double>(k),
                             static_cast<std::uint32_t>(next() % 1000), static_cast<std::uint32_t>(next() % cells),
                             static_cast<std::uint32_t>(next() % 2)};
        pushed.push_back(e);
        q.push(e);
    }
    std::vector<Event> events;
    std::vector<std::uint32_t> offsets;
    q.take_epoch(0, 10, events, offsets);
    std::stable_sort(pushed.begin(), pushed.end(), [](const PendingEvent& a, const PendingEvent& b) {
        if (a.target != b.target) return a.target < b.target;
        if (a.time != b.time) return a.time < b.time;
        return a.order < b.order;
    });
    ASSERT_EQ(events.size(), pushed.size());
    ASSERT_EQ(offsets.size(), cells + 1u);
    for (std::size_t i = 0; i < pushed.size(); ++i) {
        ASSERT_EQ(events[i].weight, pushed[i].weight) << i;
        ASSERT_EQ(events[i].synapse, pushed[i].synapse) << i;
    }
    for (std::uint32_t c = 0; c < cells; ++c)
        for (std::uint32_t i = offsets[c]; i < offsets[c + 1]; ++i) ASSERT_EQ(pushed[i].target, c) << i;
}

// Step-binned output (what lif cells take) holds the same events as the lanes, rebinned by
// delivery step: in each step, cells in order and each cell's events in canonical order. Sizes
// cover the comparison sort of small bins and the one- and two-pass radix sorts of large ones.
TEST(EventQueue, StepsAreTheLanesRebinnedByStep) {
    const double dt = 0.1;
    for (const std::uint32_t cells : {3u, 1000u, 20000u}) {
        for (const int count : {40, 5000, 60000}) {
            EventQueue lanes_queue(cells, 10, dt), steps_queue(cells, 10, dt);
            std::uint64_t x = 777 + cells + static_cast<std::uint64_t>(count);
            const auto next = [&x] { return x = x * 6364136223846793005ull + 1442695040888963407ull, x >> 33; };
            for (int epoch = 0; epoch < 3; ++epoch) {
                for (int k = 0; k < count; ++k) {
                    // a coarse time grid (ties decided by order, which is unique and runs against
                    // the arrival order), within this epoch and the next two
                    const PendingEvent e{0.05 * static_cast<double>(next() % 60) + epoch, static_cast<double>(k),
                                         static_cast<std::uint32_t>(100000 * (3 - epoch) - k),
                                         static_cast<std::uint32_t>(next() % cells), static_cast<std::uint32_t>(next() % 2)};
                    lanes_queue.push(e);
                    steps_queue.push(e);
                }
                std::vector<Event> events;
                std::vector<std::uint32_t> offsets;
                lanes_queue.take_epoch(epoch, (epoch + 1) * 10, events, offsets);
                std::vector<StepInput> inputs;
                std::vector<std::uint32_t> steps;
                steps_queue.take_epoch_steps(epoch, (epoch + 1) * 10, inputs, steps);
                ASSERT_EQ(steps.size(), 11u);
                std::vector<StepInput> expected;
                for (Step n = epoch * 10; n < (epoch + 1) * 10; ++n) {
                    for (std::uint32_t c = 0; c < cells; ++c)
                        for (std::uint32_t i = offsets[c]; i < offsets[c + 1]; ++i)
                            if (delivery_step(events[i].time, dt) == n)
                                expected.push_back(StepInput{c, events[i].synapse, events[i].weight});
                    ASSERT_EQ(steps[static_cast<std::size_t>(n - epoch * 10) + 1], expected.size()) << "step " << n;
                }
                ASSERT_EQ(inputs.size(), expected.size());
                for (std::size_t i = 0; i < inputs.size(); ++i) {
                    ASSERT_EQ(inputs[i].cell, expected[i].cell) << cells << " cells, " << count << " events, " << i;
                    ASSERT_EQ(inputs[i].synapse, expected[i].synapse) << i;
                    ASSERT_EQ(inputs[i].weight, expected[i].weight) << i;
                }
            }
            EXPECT_EQ(steps_queue.size(), lanes_queue.size());
        }
    }
}

TEST(EventQueue, StepsOfTheRunsShortLastEpochKeepEventsAfterTheEnd) {
    EventQueue q(2, 10, 0.1);
    q.push({0.4, 1, 0, 1, 0});   // step 4
    q.push({0.75, 2, 1, 0, 0});  // step 8: after a run ending at step 6
    std::vector<StepInput> inputs;
    std::vector<std::uint32_t> steps;
    q.take_epoch_steps(0, 6, inputs, steps);
    ASSERT_EQ(steps, (std::vector<std::uint32_t>{0, 0, 0, 0, 0, 1, 1}));
    EXPECT_EQ(inputs[0].weight, 1);
    EXPECT_EQ(q.size(), 1u);   // kept for a checkpoint at the end
    EXPECT_THROW(q.take_epoch_steps(2, 30, inputs, steps), std::logic_error);  // epoch 1 was skipped
}
