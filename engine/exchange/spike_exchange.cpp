#include "spike_exchange.hpp"

#include "allgather_exchange.hpp"
#include "targeted_exchange.hpp"
#include "engine/errors.hpp"

namespace parnet {

ExchangeMethod parse_exchange_method(std::string_view name, const std::string& what) {
    if (name == "allgather") return ExchangeMethod::allgather;
    if (name == "targeted") return ExchangeMethod::targeted;
    throw input_error(what + ": expected allgather or targeted, got \"" + std::string(name) + "\"");
}

const char* to_string(ExchangeMethod method) {
    return method == ExchangeMethod::allgather ? "allgather" : "targeted";
}

std::unique_ptr<SpikeExchange> make_spike_exchange(ExchangeMethod method, Communicator& comm,
                                                   std::span<const Gid> owned,
                                                   std::span<const Gid> listened) {
    if (method == ExchangeMethod::allgather) return std::make_unique<AllgatherExchange>(comm);
    return std::make_unique<TargetedExchange>(comm, owned, listened);
}

}  // namespace parnet
