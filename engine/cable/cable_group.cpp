#include "cable_group.hpp"

#include "calcium_kernels.hpp"
#include "clamped_ends.hpp"
#include "builtin_mechanisms.hpp"
#include "catalogue_mechanisms.hpp"
#include "fast_exp.hpp"
#include "engine/errors.hpp"
#include "engine/recipe.hpp"

#include <algorithm>
#include <map>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace parnet {


namespace {

constexpr std::size_t W = CableGroup::lanes;
static_assert(W <= 32, "lane masks are 32-bit");
static_assert(W == cable::calcium_lanes, "calcium kernels run the same lanes");
constexpr double faraday = 96485.33212331001;   // C/mol, NEURON 8.2's FARADAY
constexpr Step no_event = std::numeric_limits<Step>::max();

// The W lanes of one node as one SIMD value (GCC/Clang vector extension: lane-wise IEEE
// arithmetic, a scalar operand is broadcast). Rows are 64-byte aligned in every array. Code
// written with it runs every lane through the same instruction, whatever the compiler decides.
using Lanes = double __attribute__((vector_size(W * sizeof(double))));
inline Lanes load(const double* p) {
    Lanes x;
    std::memcpy(&x, p, sizeof x);
    return x;
}
inline void store(double* p, Lanes x) { std::memcpy(p, &x, sizeof x); }

inline void add_lanes(double* to, const double* from) { store(to, load(to) + load(from)); }

// NEURON's axial currents (nrn_rhs), triang, bksub and update for the nodes of one block:
// a tree solved in Hines order, W cells at a time. (Written with explicit SIMD values: a node
// and its parent are rows of the same arrays, which keeps compilers from vectorizing loops.)
[[gnu::noinline]] void axial_solve_update(std::size_t N, const std::int32_t* __restrict parent,
                                          const std::uint32_t* __restrict order,
                                          const double* __restrict a, const double* __restrict b,
                                          double* __restrict d, double* __restrict rhs,
                                          double* __restrict inv_d, double* __restrict v) {
    for (std::size_t j = 1; j < N; ++j) {
        const std::size_t p = static_cast<std::size_t>(parent[j]) * W;
        const Lanes dv = load(v + p) - load(v + j * W);
        store(rhs + j * W, load(rhs + j * W) - b[j] * dv);
        store(rhs + p, load(rhs + p) + a[j] * dv);
    }
    // Elimination in the layout's interleaved order (same terms per row in the same order as
    // descending j); back substitution in its reverse (every node after its parent).
    for (std::size_t k = 0; k + 1 < N; ++k) {
        const std::size_t j = order[k];
        const std::size_t p = static_cast<std::size_t>(parent[j]) * W;
        const Lanes inv = 1.0 / load(d + j * W);
        store(inv_d + j * W, inv);
        const Lanes f = a[j] * inv;   // elimination factor
        store(d + p, load(d + p) - f * b[j]);
        store(rhs + p, load(rhs + p) - f * load(rhs + j * W));
    }
    const Lanes root = load(rhs) / load(d);
    store(rhs, root);
    store(v, load(v) + root);
    for (std::size_t k = N - 1; k-- > 0;) {
        const std::size_t j = order[k];
        const std::size_t p = static_cast<std::size_t>(parent[j]) * W;
        const Lanes dv = (load(rhs + j * W) - b[j] * load(rhs + p)) * load(inv_d + j * W);
        store(rhs + j * W, dv);
        store(v + j * W, load(v + j * W) + dv);
    }
}

}  // namespace

struct CableGroup::Kind {
    explicit Kind(std::shared_ptr<const CableCellDescription> cell)
        : source(cell), description(cable::with_builtin_mechanisms(std::move(cell))), layout(*description),
          catalogue(*description, layout) {}

    void set_dt(double dt) {
        set_calcium_dt(dt);
        const double cfac = .001 * (1.0 / dt);
        diagonal.resize(layout.node_count());
        for (std::size_t j = 0; j < diagonal.size(); ++j)
            diagonal[j] = cfac * layout.cm[j] + layout.axial_diagonal[j];
    }

    // Backward-Euler diffusion factors for coefficient D, and the dt-dependent calcium constants.
    cable::DiffusionFactors diffusion(double D, double dt) const {
        const std::size_t C = layout.compartment_node.size();
        cable::DiffusionFactors m;
        m.weight.resize(C);
        m.off.assign(C, 0.0);
        m.factor.assign(C, 0.0);
        m.inv_pivot.resize(C);
        std::vector<double> pivot(C);
        for (std::size_t k = 0; k < C; ++k) pivot[k] = m.weight[k] = layout.compartment_volume[k] / dt;
        for (std::size_t k = 1; k < C; ++k) {
            const auto p = static_cast<std::size_t>(layout.compartment_parent[k]);
            const double g = D / layout.compartment_path[k];
            m.off[k] = -g;
            pivot[k] += g;
            pivot[p] += g;
        }
        for (std::size_t k = C - 1; k >= 1; --k) {
            const auto p = static_cast<std::size_t>(layout.compartment_parent[k]);
            m.factor[k] = m.off[k] / pivot[k];
            pivot[p] -= m.factor[k] * m.off[k];
        }
        for (std::size_t k = 0; k < C; ++k) m.inv_pivot[k] = 1.0 / pivot[k];
        return m;
    }

    void set_calcium_dt(double dt) {
        if (!description->calcium) return;
        const CalciumSpecies& ca = *description->calcium;
        if (ca.D > 0) calcium_diffusion = diffusion(ca.D, dt);
        buffer_diffusion.clear();
        for (const auto& b : ca.buffers)
            buffer_diffusion.push_back(b.D > 0 ? diffusion(b.D, dt) : cable::DiffusionFactors{});
        influx.resize(layout.compartment_node.size());
        for (std::size_t k = 0; k < influx.size(); ++k)
            influx[k] = dt * 2e4 / (faraday * layout.compartment_diam[k]);
        // The compartments whose node carries a mechanism writing ica: the only ones with influx.
        std::vector<char> writes(layout.node_count(), 0);
        for (const auto& m : catalogue.mechanisms) {
            const parnet_mechanism& abi = m.mechanism->abi();
            for (std::uint32_t u = 0; u < abi.ion_count; ++u)
                if (std::string_view(abi.ions[u].name) == "ca" && abi.ions[u].writes_current)
                    for (std::uint32_t node : m.node) writes[node] = 1;
        }
        influx_compartments.clear();
        for (std::uint32_t k = 0; k < layout.compartment_node.size(); ++k)
            if (writes[layout.compartment_node[k]]) influx_compartments.push_back(k);
    }

    std::shared_ptr<const CableCellDescription> source;        // as the cells were given
    std::shared_ptr<const CableCellDescription> description;   // with catalogue mechanisms only
    cable::CableLayout layout;
    cable::CatalogueKind catalogue;
    std::vector<double> diagonal;   // capacitance (1e-3 cm/dt) plus the constant axial part

    // Calcium (cells with a CalciumSpecies): diffusion factors (empty when D = 0), influx per
    // unit ica and step per compartment, the compartments with an ica writer.
    cable::DiffusionFactors calcium_diffusion;
    std::vector<cable::DiffusionFactors> buffer_diffusion;
    std::vector<double> influx;
    std::vector<std::uint32_t> influx_compartments;
};

struct CableGroup::Clamp {
    std::uint32_t lane = 0;
    std::uint32_t slot = 0;  // index of its node in Block::clamp_nodes
    double delay = 0.0;
    double end = 0.0;        // delay + duration
    double current = 0.0;    // amplitude scaled to the node's row (1e2 / area)
    Step on_step = 0;        // on for steps [on_step, off_step) (set with dt)
    Step off_step = 0;
};

struct CableGroup::Block {
    Kind* kind = nullptr;
    std::size_t node_base = 0;   // element offsets into the lane-minor arrays
    std::size_t ca_base = 0, cab_base = 0;
    std::array<std::int64_t, W> cell{};   // group cell index, -1 for padding
    std::uint32_t real_lanes = 0;          // bit l set when lane l holds a cell
    std::uint32_t above = 0;               // bit l: lane l's detector is above threshold
    std::vector<std::uint32_t> more_above; // the same for each of the kind's more_detectors
    // Current clamps: switched on and off by time; the currents of the clamps that are on are
    // summed per (clamp node, lane) in each cell's clamp order and added every step.
    std::vector<Clamp> clamps;
    std::vector<std::uint32_t> clamp_nodes;
    cable::aligned_vector<double> injected;   // clamp_nodes.size() * W
    Step next_clamp_change = 0;               // the next step at which a clamp switches
    std::unique_ptr<cable::CatalogueBlock> mechanisms;   // catalogue mechanisms and ions, if any
};

namespace {
// The first step n whose mid-step time (n + 1/2) dt is >= time: IClamp's test, evaluated at the
// t NEURON has during nrn_cur, turned into step numbers once.
Step first_mid_step_at_or_after(double time, double dt) {
    auto mid = [dt](Step n) { return (static_cast<double>(n) + 0.5) * dt; };
    if (!(time > mid(0))) return 0;
    if (!(time <= mid(std::numeric_limits<std::int32_t>::max()))) return no_event;
    Step n = static_cast<Step>(std::ceil(time / dt - 0.5));
    while (n > 0 && mid(n - 1) >= time) --n;
    while (mid(n) < time) ++n;
    return n;
}
}  // namespace

CableGroup::~CableGroup() = default;

namespace {
std::uint32_t section_of(const CableCellDescription& cell, std::string_view name) {
    if (name.empty()) return 0;
    if (auto s = cell.section_index(name)) return *s;
    throw std::out_of_range("cable cell has no section named '" + std::string(name) + "'");
}
}  // namespace

namespace {
// A cell clamped at a section's end (x = 0 or 1) gets a description that keeps that node, so
// that the clamp's current meets the node NEURON injects it into (a zero-area tip's voltage then
// differs from its neighbour's, as in NEURON). Cells with the same description and clamp ends
// share one.
void keep_clamped_ends(std::vector<CableGroup::Cell>& cells) {
    std::map<std::pair<const CableCellDescription*, std::vector<std::pair<std::uint32_t, double>>>,
             std::shared_ptr<const CableCellDescription>> made;
    for (auto& cell : cells) {
        if (!cell.description) continue;
        const auto ends = cable::clamped_section_ends(*cell.description, cell.clamps);
        if (ends.empty()) continue;
        auto& shared = made[{cell.description.get(), ends}];
        if (!shared) {
            auto copy = std::make_shared<CableCellDescription>(*cell.description);
            copy->kept_locations.insert(copy->kept_locations.end(), ends.begin(), ends.end());
            shared = std::move(copy);
        }
        cell.description = shared;
    }
}
}  // namespace

CableGroup::CableGroup(std::vector<Cell> cells, double dt) {
    keep_clamped_ends(cells);
    // Kinds in order of first appearance; cells of a kind fill blocks in group order.
    std::vector<std::vector<std::size_t>> members;
    for (std::size_t c = 0; c < cells.size(); ++c) {
        if (!cells[c].description) throw std::invalid_argument("cable cell without a description");
        gids_.push_back(cells[c].gid);
        std::size_t k = 0;
        while (k < kinds_.size() && kinds_[k]->source != cells[c].description) ++k;
        if (k == kinds_.size()) {
            kinds_.push_back(std::make_unique<Kind>(cells[c].description));
            members.emplace_back();
        }
        members[k].push_back(c);
    }
    cell_block_.resize(cells.size());
    cell_lane_.resize(cells.size());

    std::size_t nodes = 0, max_nodes = 0;
    std::size_t comps = 0, bound = 0, max_comps = 0;
    for (std::size_t k = 0; k < kinds_.size(); ++k) {
        Kind& kind = *kinds_[k];
        const auto& layout = kind.layout;
        for (std::size_t first = 0; first < members[k].size(); first += W) {
            Block block;
            block.kind = &kind;
            block.node_base = nodes * W;
            block.ca_base = comps * W;
            block.cab_base = bound * W;
            block.cell.fill(-1);
            block.more_above.assign(kind.description->more_detectors.size(), 0u);
            for (std::size_t l = 0; l < W && first + l < members[k].size(); ++l) {
                const std::size_t c = members[k][first + l];
                block.cell[l] = static_cast<std::int64_t>(c);
                block.real_lanes |= 1u << l;
                cell_block_[c] = static_cast<std::uint32_t>(blocks_.size());
                cell_lane_[c] = static_cast<std::uint32_t>(l);
                compartments_ += layout.compartments;
                for (const CurrentClamp& clamp : cells[c].clamps) {
                    if (!(clamp.x >= 0.0 && clamp.x <= 1.0))
                        throw input_error("current clamp on gid " + std::to_string(cells[c].gid) +
                                          ": x must be in [0, 1]");
                    std::uint32_t section = 0;
                    try {
                        section = section_of(*kind.description, clamp.section);
                    } catch (const std::out_of_range&) {
                        throw input_error("current clamp on gid " + std::to_string(cells[c].gid) +
                                          ": the cell has no section named '" + clamp.section + "'");
                    }
                    const std::uint32_t node = layout.node_at(section, clamp.x);
                    auto slot = static_cast<std::uint32_t>(
                        std::find(block.clamp_nodes.begin(), block.clamp_nodes.end(), node) -
                        block.clamp_nodes.begin());
                    if (slot == block.clamp_nodes.size()) block.clamp_nodes.push_back(node);
                    block.clamps.push_back({static_cast<std::uint32_t>(l), slot, clamp.delay,
                                            clamp.delay + clamp.duration,
                                            clamp.amplitude * (1.e2 / layout.area[node])});
                }
            }
            block.injected.assign(block.clamp_nodes.size() * W, 0.0);
            nodes += layout.node_count();
            max_nodes = std::max<std::size_t>(max_nodes, layout.node_count());
            if (kind.description->calcium) {
                const std::size_t C = layout.compartment_node.size();
                comps += C;
                bound += C * kind.description->calcium->buffers.size();
                max_comps = std::max(max_comps, C);
            }
            blocks_.push_back(std::move(block));
        }
    }

    // finitialize(v_init): v everywhere; the mechanisms' INITIAL blocks below.
    v_.assign(nodes * W, 0.0);
    for (const Block& block : blocks_)
        std::fill_n(v_.begin() + static_cast<std::ptrdiff_t>(block.node_base), block.kind->layout.node_count() * W,
                    block.kind->description->v_init);
    ca_.assign(comps * W, 0.0);
    cab_.assign(bound * W, 0.0);
    for (const Block& block : blocks_) {
        const Kind& kind = *block.kind;
        if (!kind.description->calcium) continue;
        const CalciumSpecies& ca = *kind.description->calcium;
        const std::size_t C = kind.layout.compartment_node.size() * W;
        std::fill_n(ca_.begin() + static_cast<std::ptrdiff_t>(block.ca_base), C, ca.initial);
        for (std::size_t b = 0; b < ca.buffers.size(); ++b)
            std::fill_n(cab_.begin() + static_cast<std::ptrdiff_t>(block.cab_base + b * C), C,
                        ca.buffers[b].bound_at(ca.initial));
    }
    // The mechanisms (on rxd cells at least the ca ion, whose cai starts at the calcium's initial).
    for (Block& block : blocks_)
        if (!block.kind->catalogue.empty())
            block.mechanisms = std::make_unique<cable::CatalogueBlock>(
                block.kind->catalogue, block.kind->layout.node_count(), v_.data() + block.node_base, dt);
    crhs_.assign(2 * max_comps * W, 0.0);
    d_.assign(max_nodes * W, 0.0);
    rhs_.assign(max_nodes * W, 0.0);
    inv_d_.assign(max_nodes * W, 0.0);
    std::size_t detectors = 1;
    for (const auto& kind : kinds_) detectors = std::max<std::size_t>(detectors, kind->description->detector_count());
    v_before_.assign(detectors * W, 0.0);
    set_dt(dt);
}

void CableGroup::set_dt(double dt) {
    if (!(dt > 0)) throw std::invalid_argument("cable group: dt must be positive");
    dt_ = dt;
    for (auto& kind : kinds_) kind->set_dt(dt);
    for (Block& block : blocks_) {
        for (Clamp& c : block.clamps) {
            c.on_step = first_mid_step_at_or_after(c.delay, dt);
            c.off_step = std::max(c.on_step, first_mid_step_at_or_after(c.end, dt));
        }
        block.next_clamp_change = step_;   // recompute the injected currents at once
    }
}

template <class Self, class Visit>
void CableGroup::for_each_state(Self& self, std::size_t cell, Visit&& visit) {
    auto& block = self.blocks_[self.cell_block_[cell]];
    const Kind& kind = *block.kind;
    const cable::CableLayout& layout = kind.layout;
    const std::size_t lane = self.cell_lane_[cell];
    visit(self.v_.data() + block.node_base + lane, layout.node_count());
    if (kind.description->calcium) {
        const std::size_t C = layout.compartment_node.size();
        visit(self.ca_.data() + block.ca_base + lane, C);
        visit(self.cab_.data() + block.cab_base + lane, C * kind.description->calcium->buffers.size());
    }
}

void CableGroup::save_state(std::size_t cell, CellStateWriter& out) const {
    for_each_state(*this, cell, [&](const double* first, std::size_t count) { out.put_strided(first, count, W); });
    const Block& block = blocks_[cell_block_[cell]];
    const std::uint32_t lane = cell_lane_[cell];
    out.put_word((block.above >> lane) & 1u);
    for (const std::uint32_t bits : block.more_above) out.put_word((bits >> lane) & 1u);
    if (block.mechanisms) block.mechanisms->save_lane(lane, out);
}

void CableGroup::restore_state(std::size_t cell, CellStateReader& in) {
    for_each_state(*this, cell, [&](double* first, std::size_t count) { in.get_strided(first, count, W); });
    Block& block = blocks_[cell_block_[cell]];
    const std::uint32_t lane = cell_lane_[cell];
    block.above = (block.above & ~(1u << lane)) | (static_cast<std::uint32_t>(in.get_word() & 1u) << lane);
    for (std::uint32_t& bits : block.more_above)
        bits = (bits & ~(1u << lane)) | (static_cast<std::uint32_t>(in.get_word() & 1u) << lane);
    if (block.mechanisms) block.mechanisms->restore_lane(lane, in);
}

void CableGroup::resume_at(Step step, double dt) {
    step_ = step;
    set_dt(dt);   // also makes each block recompute its clamps' currents at `step`
}

// The first step after n at which a clamp of the list switches on or off.
Step CableGroup::next_clamp_change(const std::vector<Clamp>& clamps, Step n) {
    Step next = no_event;
    for (const auto& c : clamps) {
        if (c.on_step > n) next = std::min(next, c.on_step);
        else if (c.off_step > n) next = std::min(next, c.off_step);
    }
    return next;
}

void CableGroup::advance(const Epoch& epoch, const EventLanes& events, std::vector<Spike>& spikes) {
    if (epoch.begin != step_)
        throw std::logic_error("cable group: epoch starts at step " + std::to_string(epoch.begin) +
                               " but the cells are at step " + std::to_string(step_));
    if (epoch.dt != dt_) set_dt(epoch.dt);
    const std::size_t first_new = spikes.size();
    for (Block& block : blocks_) run_block(block, epoch, events, spikes);
    // Output order independent of how cells were grouped: time, then gid.
    std::sort(spikes.begin() + static_cast<std::ptrdiff_t>(first_new), spikes.end(), spike_time_order);
    step_ = epoch.end;
}

void CableGroup::run_block(Block& block, const Epoch& epoch, const EventLanes& events,
                           std::vector<Spike>& spikes) {
    Kind& kind = *block.kind;
    const cable::CableLayout& layout = kind.layout;
    const auto& desc = *kind.description;
    const std::size_t N = layout.node_count();
    const double dt = dt_;

    double* __restrict v = v_.data() + block.node_base;
    double* __restrict d = d_.data();
    double* __restrict rhs = rhs_.data();
    double* __restrict inv_d = inv_d_.data();
    const double* __restrict diagonal = kind.diagonal.data();
    const double* __restrict a = layout.a.data();
    const double* __restrict b = layout.b.data();
    const std::int32_t* __restrict parent = layout.parent.data();

    // Events of each lane, consumed in order.
    std::array<std::span<const Event>, W> lane_events{};
    std::array<std::size_t, W> next{};
    std::array<Step, W> next_step{};
    Step next_any = no_event;
    auto step_of = [&](const Event& e) { return std::max(delivery_step(e.time, dt), epoch.begin); };
    for (std::size_t l = 0; l < W; ++l) {
        next_step[l] = no_event;
        if (block.cell[l] < 0 || events.offsets.empty()) continue;
        lane_events[l] = events.lane(static_cast<std::size_t>(block.cell[l]));
        if (!lane_events[l].empty() && delivery_step(lane_events[l].back().time, dt) >= epoch.end)
            throw std::logic_error("cable group: gid " +
                                   std::to_string(gids_[static_cast<std::size_t>(block.cell[l])]) +
                                   " was handed an event due after the epoch");
        if (!lane_events[l].empty()) {
            next_step[l] = step_of(lane_events[l].front());
            next_any = std::min(next_any, next_step[l]);
        }
    }
    auto deliver = [&](std::size_t l, const Event& e) {
        if (e.synapse & weight_vector_event) {
            block.mechanisms->net_receive_connection(kind.catalogue, static_cast<std::uint32_t>(l),
                                                     e.synapse & ~weight_vector_event, v, e.time, dt);
            return;
        }
        if (e.synapse >= desc.synapses.size())
            throw std::out_of_range("cable cell gid " +
                                    std::to_string(gids_[static_cast<std::size_t>(block.cell[l])]) +
                                    " has no synapse with index " + std::to_string(e.synapse));
        block.mechanisms->net_receive(kind.catalogue, e.synapse, static_cast<std::uint32_t>(l), e.weight, v, e.time,
                                      dt);   // NEURON: t is the event's time
    };

    const std::size_t detector = layout.detector_node * W;
    const double threshold = desc.detector.threshold;

    for (Step n = epoch.begin; n < epoch.end; ++n) {
        // Self events (net_send of catalogue point processes) merge with the lane's events.
        const auto self_next = block.mechanisms ? block.mechanisms->next_self_event_step(dt) : std::nullopt;
        if (next_any <= n || (self_next && *self_next <= n)) {
            next_any = no_event;
            for (std::size_t l = 0; l < W; ++l) {
                auto& lane = lane_events[l];
                const auto lane_index = static_cast<std::uint32_t>(l);
                while (next[l] < lane.size() && next_step[l] <= n) {
                    if (block.mechanisms)
                        block.mechanisms->deliver_self_events(kind.catalogue, lane_index, n, lane[next[l]].time, v, dt);
                    deliver(l, lane[next[l]]);
                    ++next[l];
                    next_step[l] = next[l] < lane.size() ? step_of(lane[next[l]]) : no_event;
                }
                if (block.mechanisms)
                    block.mechanisms->deliver_self_events(kind.catalogue, lane_index, n,
                                                          std::numeric_limits<double>::infinity(), v, dt);
                next_any = std::min(next_any, next_step[l]);
            }
        }

        // Matrix: diagonal = capacitance + constant axial terms, rhs = 0 (nrn_rhs / nrn_lhs).
        for (std::size_t j = 0; j < N; ++j) {
            store(d + j * W, Lanes{} + diagonal[j]);
            store(rhs + j * W, Lanes{});
        }
        // Membrane currents, each linearised by NEURON's 0.001 mV difference: the catalogue
        // mechanisms at NEURON's mid-step time of nrn_cur (eca from the cai of the last step).
        if (block.mechanisms)
            block.mechanisms->currents(kind.catalogue, v, rhs, d, (static_cast<double>(n) + 0.5) * dt, dt);
        if (!block.clamps.empty()) {
            double* __restrict injected = block.injected.data();
            if (n >= block.next_clamp_change) {
                std::fill(block.injected.begin(), block.injected.end(), 0.0);
                for (const Clamp& c : block.clamps)
                    if (n >= c.on_step && n < c.off_step) injected[c.slot * W + c.lane] += c.current;
                block.next_clamp_change = next_clamp_change(block.clamps, n);
            }
            for (std::size_t slot = 0; slot < block.clamp_nodes.size(); ++slot)
                add_lanes(rhs + block.clamp_nodes[slot] * W, injected + slot * W);
        }
        if (desc.detector.interpolate)
            for (std::size_t l = 0; l < W; ++l) v_before_[l] = v[detector + l];
        for (std::size_t k = 0; k < desc.more_detectors.size(); ++k)
            if (desc.more_detectors[k].interpolate)
                for (std::size_t l = 0; l < W; ++l)
                    v_before_[(k + 1) * W + l] = v[layout.more_detector_nodes[k] * W + l];
        axial_solve_update(N, parent, layout.elimination_order.data(), a, b, d, rhs, inv_d, v);

        // States at the new voltage (nrn_state), then, as NEURON's rxd after nrn_state, the
        // calcium from the step's ica, which writes cai for the next step.
        if (block.mechanisms) block.mechanisms->states(kind.catalogue, v, static_cast<double>(n + 1) * dt, dt);
        if (desc.calcium) calcium_step(block);

        // Threshold detection at the step's end (NEURON checks at the start of the next step).
        std::uint32_t above = 0;
        for (std::size_t l = 0; l < W; ++l)
            above |= static_cast<std::uint32_t>(v[detector + l] > threshold) << l;
        std::uint32_t crossed = above & ~block.above & block.real_lanes;
        block.above = above;
        while (crossed != 0) {
            const auto l = static_cast<std::size_t>(std::countr_zero(crossed));
            crossed &= crossed - 1;
            double t = static_cast<double>(n + 1) * dt;
            if (desc.detector.interpolate) {
                const double v0 = v_before_[l], v1 = v[detector + l];
                t = static_cast<double>(n) * dt + dt * (threshold - v0) / (v1 - v0);
            }
            spikes.push_back({gids_[static_cast<std::size_t>(block.cell[l])], t});
        }
        // A cell's further detectors (rare): the same test on their own node and threshold.
        for (std::size_t k = 0; k < desc.more_detectors.size(); ++k)
            detect_more(block, k, v, n, spikes);
    }
}

void CableGroup::detect_more(Block& block, std::size_t k, const double* v, Step n, std::vector<Spike>& spikes) const {
    const SpikeDetector& det = block.kind->description->more_detectors[k];
    const std::size_t node = block.kind->layout.more_detector_nodes[k] * W;
    const double dt = dt_;
    std::uint32_t above = 0;
    for (std::size_t l = 0; l < W; ++l) above |= static_cast<std::uint32_t>(v[node + l] > det.threshold) << l;
    std::uint32_t crossed = above & ~block.more_above[k] & block.real_lanes;
    block.more_above[k] = above;
    while (crossed != 0) {
        const auto l = static_cast<std::size_t>(std::countr_zero(crossed));
        crossed &= crossed - 1;
        double t = static_cast<double>(n + 1) * dt;
        if (det.interpolate) {
            const double v0 = v_before_[(k + 1) * W + l], v1 = v[node + l];
            t = static_cast<double>(n) * dt + dt * (det.threshold - v0) / (v1 - v0);
        }
        spikes.push_back({gids_[static_cast<std::size_t>(block.cell[l])], static_cast<std::uint32_t>(k + 1), t});
    }
}

void CableGroup::calcium_step(Block& block) {
    const Kind& kind = *block.kind;
    const CalciumSpecies& species = *kind.description->calcium;
    const cable::CableLayout& layout = kind.layout;
    const std::size_t C = layout.compartment_node.size();
    double* ca = ca_.data() + block.ca_base;
    const std::uint32_t ion = *kind.catalogue.calcium_ion;
    // NEURON 8.2's rxd step: diffusion with the step's total ica (every mechanism writing it) as
    // its source, backward Euler; then the pump and buffers together, one linearised backward
    // Euler step; cai of every node from its compartment.
    cable::calcium_influx(kind.influx_compartments.size(), kind.influx_compartments.data(),
                          layout.compartment_node.data(), kind.influx.data(),
                          block.mechanisms->ion_values(ion, cable::IonQuantity::current), ca);
    double* cab = cab_.data() + block.cab_base;
    const std::int32_t* parent = layout.compartment_parent.data();
    if (species.D > 0) cable::diffuse(C, parent, kind.calcium_diffusion, ca, crhs_.data());
    for (std::size_t b = 0; b < species.buffers.size(); ++b)
        if (species.buffers[b].D > 0)
            cable::diffuse(C, parent, kind.buffer_diffusion[b], cab + b * C * W, crhs_.data());
    cable::block_calcium_reactions(C, ca, cab, species.buffers, species.pump, dt_, crhs_.data(), crhs_.data() + C * W);
    write_cai(block);
}

void CableGroup::write_cai(Block& block) {
    const cable::CableLayout& layout = block.kind->layout;
    cable::write_inside(layout.node_count(), layout.node_compartment.data(), ca_.data() + block.ca_base,
                        block.mechanisms->ion_values(*block.kind->catalogue.calcium_ion, cable::IonQuantity::inside));
}

std::size_t CableGroup::species_index(std::size_t cell, std::size_t species, std::uint32_t compartment) const {
    if (cell >= gids_.size()) throw std::out_of_range("cable group: no cell " + std::to_string(cell));
    const Block& block = blocks_[cell_block_[cell]];
    const auto& desc = *block.kind->description;
    const std::size_t C = block.kind->layout.compartment_node.size();
    if (species >= desc.species_count() || compartment >= C)
        throw std::out_of_range("cable group: no species " + std::to_string(species) + " in compartment " +
                                std::to_string(compartment) + " of cell " + std::to_string(cell));
    const std::size_t lane = cell_lane_[cell];
    if (species == 0) return block.ca_base + compartment * W + lane;
    return block.cab_base + ((species - 1) * C + compartment) * W + lane;
}

double CableGroup::concentration(std::size_t cell, std::size_t species, std::uint32_t compartment) const {
    const std::size_t k = species_index(cell, species, compartment);
    return species == 0 ? ca_[k] : cab_[k];
}

void CableGroup::set_concentration(std::size_t cell, std::size_t species, std::uint32_t compartment, double value) {
    const std::size_t k = species_index(cell, species, compartment);
    (species == 0 ? ca_[k] : cab_[k]) = value;
    if (species == 0) write_cai(blocks_[cell_block_[cell]]);
}

double CableGroup::calcium(std::size_t cell, std::string_view section, double x) const {
    const std::uint32_t node = compartment_index(cell, section, x);
    return concentration(cell, 0, blocks_[cell_block_[cell]].kind->layout.node_compartment[node]);
}

std::uint32_t CableGroup::compartment_index(std::size_t cell, std::string_view section, double x) const {
    if (cell >= gids_.size()) throw std::out_of_range("cable group: no cell " + std::to_string(cell));
    if (!(x >= 0.0 && x <= 1.0)) throw std::out_of_range("cable group: x outside [0, 1]");
    const Kind& kind = *blocks_[cell_block_[cell]].kind;
    return kind.layout.node_at(section_of(*kind.description, section), x);
}

std::size_t CableGroup::probe(std::size_t cell, std::string_view section, double x) const {
    const std::uint32_t node = compartment_index(cell, section, x);
    return blocks_[cell_block_[cell]].node_base + node * W + cell_lane_[cell];
}

double CableGroup::synapse_conductance(std::size_t cell, std::uint32_t synapse) const {
    if (cell >= gids_.size()) throw std::out_of_range("cable group: no cell " + std::to_string(cell));
    const Block& block = blocks_[cell_block_[cell]];
    if (synapse >= block.kind->description->synapses.size())
        throw std::out_of_range("cable group: no synapse " + std::to_string(synapse));
    // The point process's conductance state g, or B - A (Exp2Syn's form).
    const auto [m, instance] = *block.kind->catalogue.synapse[synapse];
    const Mechanism& mech = *block.kind->catalogue.mechanisms[m].mechanism;
    auto field = [&](const char* name) {
        const auto f = mech.field_index(name);
        return f ? *block.mechanisms->field(m, *f, instance, cell_lane_[cell]) : 0.0;
    };
    if (mech.field_index("A") && mech.field_index("B")) return field("B") - field("A");
    return field("g");
}

std::size_t CableGroup::add_probe(std::size_t cell, const std::string& variable, const std::string& section,
                                  double x) {
    const Block& block = blocks_[cell_block_[cell]];
    if (variable != "v") {
        const auto found = block.kind->catalogue.variable(variable);
        if (!found) return CellGroup::add_probe(cell, variable, section, x);
        std::uint32_t node = 0;
        try {
            node = compartment_index(cell, section, x);
        } catch (const std::out_of_range&) {
            throw input_error("no section \"" + section + "\" in the cell of gid " + std::to_string(gids_[cell]));
        }
        const auto lane = cell_lane_[cell];
        if (found->ion) {
            probe_sources_.push_back(block.mechanisms->probe_ion(
                block.kind->catalogue, found->index, static_cast<cable::IonQuantity>(found->field), node, lane));
        } else {
            const auto instance = block.kind->catalogue.instance_at(found->index, node);
            if (!instance)
                throw input_error("variable \"" + variable + "\": the mechanism is not on " + section + "(" +
                                  std::to_string(x) + ") in the cell of gid " + std::to_string(gids_[cell]));
            probe_sources_.push_back(block.mechanisms->field(found->index, found->field, *instance, lane));
        }
        return probe_sources_.size() - 1;
    }
    try {
        probe_sources_.push_back(v_.data() + probe(cell, section, x));
        return probe_sources_.size() - 1;
    } catch (const std::out_of_range&) {
        throw input_error("no section \"" + section + "\" in the cell of gid " + std::to_string(gids_[cell]));
    }
}

std::unique_ptr<CellGroup> make_cable_group(const Recipe& recipe, std::span<const Gid> gids) {
    std::vector<CableGroup::Cell> cells;
    cells.reserve(gids.size());
    for (Gid g : gids) {
        auto description = recipe.kind(g) == CellKind::cable ? recipe.cable_cell(g) : nullptr;
        if (!description)
            throw std::logic_error("make_cable_group: gid " + std::to_string(g) +
                                   " is not a cable cell with a description");
        cells.push_back({g, std::move(description), recipe.clamps_on(g)});
    }
    auto group = std::make_unique<CableGroup>(std::move(cells), recipe.dt());
    for (std::size_t i = 0; i < gids.size(); ++i) group->connect(i, recipe.incoming(gids[i]), recipe.direct_events(gids[i]));
    return group;
}

std::uint32_t CableGroup::event_synapse(std::size_t cell, const Connection& c) const {
    const Block& block = blocks_[cell_block_[cell]];
    if (block.kind->catalogue.weight_vector_size(c.synapse) == 0) return c.synapse;
    if (c.index >= weight_vector_event)
        throw input_error("gid " + std::to_string(c.target) + ": more than 2^31 incoming connections");
    return weight_vector_event | c.index;
}

void CableGroup::connect(std::size_t cell, std::span<const Connection> incoming, std::span<const DirectEvent> direct) {
    Block& block = blocks_[cell_block_[cell]];
    const cable::CatalogueKind& catalogue = block.kind->catalogue;
    for (const DirectEvent& e : direct)
        if (catalogue.weight_vector_size(e.synapse) > 0)
            throw input_error("gid " + std::to_string(gids_[cell]) + ": events stimuli onto synapse " +
                              block.kind->description->synapses[e.synapse].name +
                              ", whose NET_RECEIVE keeps a weight vector per connection, are not supported "
                              "(connect a spike source instead)");
    for (const Connection& c : incoming)
        if (catalogue.weight_vector_size(c.synapse) > 0)
            block.mechanisms->add_connection(catalogue, cell_lane_[cell], c.index, c.synapse, c.weight,
                                             v_.data() + block.node_base, dt_);
}

}  // namespace parnet
