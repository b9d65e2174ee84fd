// GoogleTest main for suites run under mpirun: every rank runs every test; only rank 0 prints
// the result listing, and the exit code is non-zero on every rank if any rank failed.
#include <gtest/gtest.h>
#include <mpi.h>

#include <memory>

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    ::testing::InitGoogleTest(&argc, argv);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank != 0) {
        auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
        // Release hands back ownership; dropping it silences this rank's printer.
        std::unique_ptr<::testing::TestEventListener> quiet(
            listeners.Release(listeners.default_result_printer()));
    }
    int failed = RUN_ALL_TESTS();
    int any_failed = 0;
    MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return any_failed;
}
