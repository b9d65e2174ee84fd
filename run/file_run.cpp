#include "run/file_run.hpp"

#include "engine/checkpoint_requests.hpp"
#include "engine/collective_errors.hpp"
#include "engine/exchange/spike_exchange.hpp"
#include "engine/memory_estimate.hpp"
#include "engine/watchdog.hpp"
#include "io/model_check.hpp"
#include "io/network_input.hpp"
#include "run/decomposition_choice.hpp"

#include <cstdio>
#include <memory>

namespace parnet::run {

int run_file(FileRunOptions& opt, Communicator& comm) {
    // A rank that stops in the set-up (reading, building) must not hold the others for ever either.
    Watchdog watchdog(opt.run.watchdog_s, comm.comm(), opt.run.program);
    opt.run.watchdog = &watchdog;
    // Size sanity before anything is built: the model's estimate against the memory of a rank. A
    // replay builds only the named cells, so the whole model's size does not matter there.
    const bool replay = !opt.run.replay.empty();
    const auto input = agreed_everywhere(comm, [&] {
        return std::make_unique<io::NetworkInput>(opt.model, io::RunOverrides{opt.tstop, opt.output, opt.catalogues},
                                                  opt.run.flush_ms, comm.size(), comm.ranks_on_this_node(),
                                                  replay ? infinite_time : opt.max_memory_gb * 1e9);
    });
    const Model& model = input->model();
    const Recipe& network = input->recipe();
    agreed_everywhere(comm, [&] {
        opt.run.saving = io::parse_saving_strategy(opt.saving);
        opt.run.exchange.method = parse_exchange_method(opt.exchange, "--exchange");
        if (!replay && !opt.gids.empty()) throw input_error("--gids names the cells to replay: it needs --replay");
        if (replay && comm.size() != 1) throw input_error("--replay runs on one rank: start it without mpirun or with -n 1");
        if (replay && !opt.plan.empty()) throw input_error("--replay and --plan do not go together");
        if (replay && opt.gids.empty()) throw input_error("--replay needs the cells to replay: --gids 3,17,...");
        for (Gid g : opt.gids)
            if (g >= network.cell_count())
                throw input_error("--gids: gid " + std::to_string(g) + " is not in the model (" +
                                  std::to_string(network.cell_count()) + " cells)");
    });
    const auto [decomposition, plan] =
        choose_decomposition(network, comm, opt.threads, opt.plan, model.fingerprint, opt.gids);
    // A SONATA circuit's edges onto this rank's cells, read in one pass (and so checked: each
    // rank its own cells'), freed once built.
    agreed_everywhere(comm, [&] { input->prepare(decomposition.gids()); });
    if (opt.check) {
        if (comm.rank() == 0)
            std::printf("%s\n", io::check_summary(model, input->estimate(), input->connections(), opt.model, comm.size()).c_str());
        return 0;
    }
    opt.run.built = [&] { input->release(); };
    opt.run.plan = plan;
    opt.run.description = opt.model;
    opt.run.fingerprint = model.fingerprint;
    opt.run.expected_output = estimate_output_bytes(model);
    const RunResult result = run_network(network, decomposition, opt.run, comm);
    return result.stopped ? checkpointed_exit_status : 0;
}

}  // namespace parnet::run
