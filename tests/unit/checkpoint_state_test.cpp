// Pieces of a checkpoint (docs/checkpoints.md): random streams continue exactly from a saved
// position, and a cell's saved words must fit the cell that reads them.
#include "engine/cell_state.hpp"
#include "engine/errors.hpp"
#include "engine/random_stream.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <string>

namespace parnet {
namespace {

// Every position within a Philox block (draws % 4) and with and without a Box-Muller spare.
TEST(CheckpointState, RandomStreamContinuesBitForBitFromItsPosition) {
    for (int before = 0; before < 9; ++before) {
        for (bool spare : {false, true}) {
            RandomStream original(11, 7, 3, 4);
            for (int i = 0; i < before; ++i) original.uniform01();
            if (spare) original.normal();   // leaves its second value as the spare
            RandomStream restored(11, 7, 3, 4);
            restored.seek(original.position());
            for (int i = 0; i < 25; ++i) {
                const double a = i % 3 == 0 ? original.normal() : original.exponential();
                const double b = i % 3 == 0 ? restored.normal() : restored.exponential();
                ASSERT_EQ(std::bit_cast<std::uint64_t>(a), std::bit_cast<std::uint64_t>(b))
                    << "after " << before << " draws, spare " << spare << ", draw " << i;
            }
            EXPECT_EQ(original.draws(), restored.draws());
        }
    }
}

TEST(CheckpointState, WordsRoundTripDoublesByTheirBits) {
    CellStateWriter out;
    const double values[] = {-0.0, 1e-310, 3.25, -65.000000000000014};
    for (double v : values) out.put(v);
    out.put_word(42);
    CellStateReader in(out.words(), 7);
    for (double v : values) EXPECT_EQ(std::bit_cast<std::uint64_t>(in.get()), std::bit_cast<std::uint64_t>(v));
    EXPECT_EQ(in.get_word(), 42u);
    EXPECT_NO_THROW(in.finish());
}

TEST(CheckpointState, WordsThatDoNotFitTheCellAreRefusedNamingTheGid) {
    CellStateWriter out;
    out.put(1.0);
    CellStateReader short_state(out.words(), 12);
    short_state.get();
    try {
        short_state.get();
        FAIL() << "a state shorter than the cell was read";
    } catch (const input_error& e) {
        EXPECT_NE(std::string(e.what()).find("gid 12"), std::string::npos) << e.what();
    }
    out.put(2.0);
    CellStateReader long_state(out.words(), 13);
    long_state.get();
    EXPECT_THROW(long_state.finish(), input_error);
}

}  // namespace
}  // namespace parnet
