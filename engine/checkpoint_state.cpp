#include "checkpoint_state.hpp"

#include "errors.hpp"

#include <algorithm>
#include <string>

namespace parnet {

std::span<const std::uint64_t> RestoredState::state_of(Gid g) const {
    const auto it = std::lower_bound(gids.begin(), gids.end(), g);
    if (it == gids.end() || *it != g)
        throw input_error("the checkpoint holds no state for gid " + std::to_string(g) +
                          " (a cell of this model): it is incomplete or of another model");
    const auto i = static_cast<std::size_t>(it - gids.begin());
    return std::span<const std::uint64_t>(words).subspan(offsets[i], offsets[i + 1] - offsets[i]);
}

}  // namespace parnet
