#include "split_cable_group.hpp"

#include "fast_exp.hpp"
#include "fast_log.hpp"
#include "builtin_mechanisms.hpp"
#include "calcium_kernels.hpp"
#include "catalogue_mechanisms.hpp"
#include "engine/errors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace parnet {


namespace {

constexpr double faraday = 96485.33212331001;     // C/mol, as CableGroup
constexpr std::size_t W = cable::CatalogueBlock::W;
constexpr Step no_event = std::numeric_limits<Step>::max();

// IClamp's switching step (CableGroup's first_mid_step_at_or_after).
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

struct SplitCableGroup::Constants {
    Constants(const cable::SplitCellShape& shape, double dt) : shape(&shape) {
        const auto& layout = shape.layout;
        const double cfac = .001 * (1.0 / dt);
        diagonal.resize(layout.node_count());
        for (std::size_t j = 0; j < diagonal.size(); ++j) diagonal[j] = cfac * layout.cm[j] + layout.axial_diagonal[j];
        set_calcium(dt);
    }

    // Calcium (CableGroup's constants): influx per unit ica per compartment, and per diffusing species the split solver of its backward-Euler
    // system on the compartment tree (off-diagonal -D/path both ways), its diagonal vol/dt + sum
    // of couplings and its right-hand side weight vol/dt.
    struct Species {
        bool calcium = false;     // free calcium, else buffer `buffer`
        std::size_t buffer = 0;
        std::unique_ptr<cable::SplitSolver> solver;
        std::vector<double> weight, diagonal;
    };
    void set_calcium(double dt) {
        const auto& desc = *shape->description;
        if (!desc.calcium) return;
        const auto& layout = shape->layout;
        const CalciumSpecies& ca = *desc.calcium;
        const std::size_t C = layout.compartment_node.size();
        influx.resize(C);
        for (std::size_t k = 0; k < C; ++k) influx[k] = dt * 2e4 / (faraday * layout.compartment_diam[k]);
        auto add = [&](double D, bool is_calcium, std::size_t buffer) {
            Species s;
            s.calcium = is_calcium;
            s.buffer = buffer;
            std::vector<double> off(C, 0.0);
            s.weight.resize(C);
            s.diagonal.resize(C);
            for (std::size_t k = 0; k < C; ++k) s.diagonal[k] = s.weight[k] = layout.compartment_volume[k] / dt;
            for (std::size_t k = 1; k < C; ++k) {
                const auto p = static_cast<std::size_t>(layout.compartment_parent[k]);
                const double g = D / layout.compartment_path[k];
                off[k] = -g;
                s.diagonal[k] += g;
                s.diagonal[p] += g;
            }
            s.solver = std::make_unique<cable::SplitSolver>(layout.compartment_parent, off, off, shape->compartment_split);
            species.push_back(std::move(s));
        };
        if (ca.D > 0) add(ca.D, true, 0);
        for (std::size_t b = 0; b < ca.buffers.size(); ++b)
            if (ca.buffers[b].D > 0) add(ca.buffers[b].D, false, b);
    }

    const cable::SplitCellShape* shape;
    std::vector<double> influx;
    std::vector<Species> species;
    std::vector<double> diagonal;
};

struct SplitCableGroup::Cell {
    SplitExchange::Cell* shared = nullptr;
    const Constants* constants = nullptr;
    std::vector<std::uint32_t> pieces;   // this thread's, ascending
    std::vector<char> own;               // per node: on a piece of this thread
    std::vector<std::uint32_t> nodes;    // own nodes, ascending
    // Axial edges (child node j) touching own rows, ascending j: inside a piece (both rows), or
    // a cut whose parent is own (the parent's row only; the cut's row gets its term when the
    // boundary system is assembled).
    std::vector<std::uint32_t> inner_edges, cut_edges_above;
    std::vector<double> v, d, rhs;
    // The catalogue mechanisms on this thread's pieces (CableGroup's kernels: lane 0 of a block
    // holds this cell, the other lanes a cell at rest), and the own nodes' v, d and rhs in lane 0
    // of the kernels' lane-minor rows.
    std::unique_ptr<cable::CatalogueKind> catalogue;
    std::unique_ptr<cable::CatalogueBlock> mechanisms;
    cable::aligned_vector<double> lane_v, lane_d, lane_rhs;
    std::vector<char> own_synapse;
    struct Clamp {
        std::uint32_t slot = 0;
        Step on = 0, off = 0;
        double current = 0.0;
    };
    std::vector<Clamp> clamps;
    std::vector<std::uint32_t> clamp_nodes;
    std::vector<double> injected;
    Step next_clamp_change = 0;
    std::vector<cable::SplitSolver::PieceState> states;   // per own piece
    bool detector = false, above = false;
    double v_before = 0.0;
    std::vector<double> bd, br, dv, scratch;
    std::vector<const double*> contributions;
    // Calcium: free calcium per compartment, bound per buffer (buffer-major), the diffusion's
    // scratch per compartment, the reactions' scratch (2 per compartment); own compartments and
    // compartment pieces (with their solver states per diffusing species).
    std::vector<double> ca, cab, cd, crhs, react;
    std::vector<std::uint32_t> compartments, compartment_pieces;
    std::vector<char> own_compartment;
    std::vector<std::vector<cable::SplitSolver::PieceState>> species_states;   // [species][own piece]
    std::vector<double> cbd, cbr, cdv;
    std::vector<const double*> ccontributions;
    // Events of the current advance.
    std::span<const Event> events;
    std::size_t next_event = 0;
};

SplitCableGroup::~SplitCableGroup() = default;

SplitCableGroup::SplitCableGroup(SplitExchange& exchange, int thread, double dt)
    : exchange_(exchange), thread_(thread), dt_(dt) {
    if (!(dt > 0)) throw std::invalid_argument("split cable group: dt must be positive");
    if (!exchange.participates(thread)) throw std::logic_error("split cable group on a thread outside the exchange");
    for (std::size_t index : exchange.cells_on_thread(thread)) {
        SplitExchange::Cell& shared = exchange.cells()[index];
        const cable::SplitCellShape& shape = *shared.shape;
        const auto& layout = shape.layout;
        const auto& desc = *shape.description;
        const std::size_t N = layout.node_count();
        auto found = std::find_if(constants_.begin(), constants_.end(), [&](const auto& c) { return c->shape == &shape; });
        if (found == constants_.end()) {
            constants_.push_back(std::make_unique<Constants>(shape, dt));
            found = constants_.end() - 1;
        }
        Cell cell;
        cell.shared = &shared;
        cell.constants = found->get();
        cell.own.assign(N, 0);
        for (std::size_t p = 0; p < shape.pieces.size(); ++p) {
            if (shared.piece_thread[p] != thread || !exchange.holds_here(shared, p)) continue;
            cell.pieces.push_back(static_cast<std::uint32_t>(p));
            for (std::uint32_t j : shape.pieces[p].nodes) cell.own[j] = 1;
        }
        for (std::uint32_t j = 0; j < N; ++j)
            if (cell.own[j]) cell.nodes.push_back(j);
        for (std::uint32_t j = 1; j < N; ++j) {
            const auto p = static_cast<std::size_t>(layout.parent[j]);
            if (!shape.solver.is_boundary(j)) {
                if (cell.own[j]) cell.inner_edges.push_back(j);
            } else if (cell.own[p]) {
                cell.cut_edges_above.push_back(j);
            }
        }
        // finitialize(v_init), as CableGroup.
        cell.v.assign(N, desc.v_init);
        cell.d.assign(N, 0.0);
        cell.rhs.assign(N, 0.0);
        cell.lane_v.assign(N * W, desc.v_init);
        cell.lane_d.assign(N * W, 0.0);
        cell.lane_rhs.assign(N * W, 0.0);
        cell.catalogue = std::make_unique<cable::CatalogueKind>(desc, layout, &cell.own);
        if (!cell.catalogue->empty())
            cell.mechanisms = std::make_unique<cable::CatalogueBlock>(*cell.catalogue, N, cell.lane_v.data(), dt);
        cell.own_synapse.assign(desc.synapses.size(), 0);
        for (std::uint32_t s = 0; s < desc.synapses.size(); ++s) cell.own_synapse[s] = cell.own[layout.synapse_node[s]];
        for (std::uint32_t s = 0; s < desc.synapses.size(); ++s)
            if (cell.own_synapse[s] && cell.catalogue->weight_vector_size(s) > 0)
                throw input_error("gid " + std::to_string(shared.gid) + ": synapse " + desc.synapses[s].name +
                                  " keeps a weight vector per connection (NET_RECEIVE with several arguments), "
                                  "which cells split over threads or ranks do not support yet");
        for (const CurrentClamp& clamp : shared.clamps) {
            if (!(clamp.x >= 0.0 && clamp.x <= 1.0))
                throw input_error("current clamp on gid " + std::to_string(shared.gid) + ": x must be in [0, 1]");
            const auto section = clamp.section.empty() ? std::optional<std::uint32_t>(0) : desc.section_index(clamp.section);
            if (!section)
                throw input_error("current clamp on gid " + std::to_string(shared.gid) +
                                  ": the cell has no section named '" + clamp.section + "'");
            const std::uint32_t node = layout.node_at(*section, clamp.x);
            if (!cell.own[node]) continue;
            auto slot = static_cast<std::uint32_t>(std::find(cell.clamp_nodes.begin(), cell.clamp_nodes.end(), node) -
                                                   cell.clamp_nodes.begin());
            if (slot == cell.clamp_nodes.size()) cell.clamp_nodes.push_back(node);
            const Step on = first_mid_step_at_or_after(clamp.delay, dt);
            cell.clamps.push_back({slot, on, std::max(on, first_mid_step_at_or_after(clamp.delay + clamp.duration, dt)),
                                   clamp.amplitude * (1.e2 / layout.area[node])});
        }
        cell.injected.assign(cell.clamp_nodes.size(), 0.0);
        const auto all_states = shape.solver.make_states();
        for (std::uint32_t p : cell.pieces) cell.states.push_back(all_states[p]);
        cell.detector = cell.own[layout.detector_node] != 0;
        if (desc.calcium) {
            const CalciumSpecies& ca = *desc.calcium;
            const std::size_t C = layout.compartment_node.size();
            cell.ca.assign(C, ca.initial);
            cell.cab.assign(C * ca.buffers.size(), 0.0);
            for (std::size_t b = 0; b < ca.buffers.size(); ++b)
                std::fill_n(cell.cab.begin() + static_cast<std::ptrdiff_t>(b * C), C, ca.buffers[b].bound_at(ca.initial));
            cell.cd.assign(C * cell.constants->species.size(), 0.0);
            cell.crhs.assign(C * cell.constants->species.size(), 0.0);
            cell.react.assign(2 * C, 0.0);
            cell.own_compartment.assign(C, 0);
            for (std::uint32_t k = 0; k < C; ++k)
                if (cell.own[layout.compartment_node[k]]) {
                    cell.compartments.push_back(k);
                    cell.own_compartment[k] = 1;
                }
            for (std::uint32_t q = 0; q < shape.compartment_piece_host.size(); ++q)
                if (std::find(cell.pieces.begin(), cell.pieces.end(), shape.compartment_piece_host[q]) != cell.pieces.end())
                    cell.compartment_pieces.push_back(q);
            for (const auto& s : cell.constants->species) {
                const auto all = s.solver->make_states();
                auto& mine = cell.species_states.emplace_back();
                for (std::uint32_t q : cell.compartment_pieces) mine.push_back(all[q]);
            }
            const std::size_t CB = shape.compartment_split.piece_count();
            cell.cbd.assign(CB, 0.0);
            cell.cbr.assign(CB, 0.0);
            cell.cdv.assign(CB, 0.0);
            cell.ccontributions.assign(CB, nullptr);
        }
        const std::size_t B = shape.solver.boundary_count();
        cell.bd.assign(B, 0.0);
        cell.br.assign(B, 0.0);
        cell.dv.assign(B, 0.0);
        cell.contributions.assign(shape.pieces.size(), nullptr);
        gids_.push_back(shared.gid);
        if (cell.detector) detector_gids_.push_back(shared.gid);
        cells_.push_back(std::move(cell));
    }
}

void SplitCableGroup::advance(const Epoch& epoch, const EventLanes& events, std::vector<Spike>& spikes) {
    if (epoch.begin != step_)
        throw std::logic_error("split cable group: epoch starts at step " + std::to_string(epoch.begin) +
                               " but the cells are at step " + std::to_string(step_));
    if (epoch.dt != dt_) throw std::logic_error("split cable group: dt changed");
    for (std::size_t c = 0; c < cells_.size(); ++c) {
        cells_[c].events = events.lane(c);
        cells_[c].next_event = 0;
        if (!cells_[c].events.empty() && delivery_step(cells_[c].events.back().time, dt_) >= epoch.end)
            throw std::logic_error("split cable group: gid " + std::to_string(gids_[c]) +
                                   " was handed an event due after the epoch");
    }
    const std::size_t first_new = spikes.size();
    const bool diffusion = exchange_.rounds() > 1;
    for (Step n = epoch.begin; n < epoch.end; ++n) {
        for (Cell& cell : cells_) prepare(cell, n, dt_);
        exchange_.exchange(thread_, static_cast<int>(n & 1), 0);
        for (Cell& cell : cells_) finish(cell, n, dt_, spikes);
        if (!diffusion) continue;
        exchange_.exchange(thread_, static_cast<int>(n & 1), 1);
        for (Cell& cell : cells_) calcium_diffusion(cell, n);
    }
    std::sort(spikes.begin() + static_cast<std::ptrdiff_t>(first_new), spikes.end(), spike_time_order);
    step_ = epoch.end;
}

// Up to the piece's message: events, the matrix of the own rows, elimination.
void SplitCableGroup::prepare(Cell& cell, Step n, double dt) {
    const cable::SplitCellShape& shape = *cell.shared->shape;
    const auto& layout = shape.layout;
    const Constants& k = *cell.constants;
    double* v = cell.v.data();
    double* d = cell.d.data();
    double* rhs = cell.rhs.data();

    double* lv = cell.lane_v.data();
    for (std::uint32_t j : cell.nodes) lv[j * W] = v[j];
    cable::CatalogueBlock* mechanisms = cell.mechanisms.get();
    while (cell.next_event < cell.events.size()) {
        const Event& e = cell.events[cell.next_event];
        if (std::max(delivery_step(e.time, dt), n) > n) break;
        ++cell.next_event;
        if (e.synapse >= cell.own_synapse.size())
            throw std::out_of_range("cable cell gid " + std::to_string(cell.shared->gid) +
                                    " has no synapse with index " + std::to_string(e.synapse));
        if (!cell.own_synapse[e.synapse]) continue;   // another piece's synapse
        mechanisms->deliver_self_events(*cell.catalogue, 0, n, e.time, lv, dt);
        mechanisms->net_receive(*cell.catalogue, e.synapse, 0, e.weight, lv, e.time, dt);
    }
    if (mechanisms) mechanisms->deliver_self_events(*cell.catalogue, 0, n, std::numeric_limits<double>::infinity(), lv, dt);

    // The matrix of the own rows: capacitance and constant axial terms, the catalogue
    // mechanisms' currents (in lane 0 of their rows, as CableGroup).
    if (mechanisms) {
        double* ld = cell.lane_d.data();
        double* lrhs = cell.lane_rhs.data();
        for (std::uint32_t j : cell.nodes) {
            ld[j * W] = k.diagonal[j];
            lrhs[j * W] = 0.0;
        }
        mechanisms->currents(*cell.catalogue, lv, lrhs, ld, (static_cast<double>(n) + 0.5) * dt, dt);
        for (std::uint32_t j : cell.nodes) {
            d[j] = ld[j * W];
            rhs[j] = lrhs[j * W];
        }
    } else {
        for (std::uint32_t j : cell.nodes) {
            d[j] = k.diagonal[j];
            rhs[j] = 0.0;
        }
    }
    if (!cell.clamps.empty()) {
        if (n >= cell.next_clamp_change) {
            std::fill(cell.injected.begin(), cell.injected.end(), 0.0);
            Step next = no_event;
            for (const auto& c : cell.clamps) {
                if (n >= c.on && n < c.off) cell.injected[c.slot] += c.current;
                if (c.on > n) next = std::min(next, c.on);
                else if (c.off > n) next = std::min(next, c.off);
            }
            cell.next_clamp_change = next;
        }
        for (std::size_t slot = 0; slot < cell.clamp_nodes.size(); ++slot)
            rhs[cell.clamp_nodes[slot]] += cell.injected[slot];
    }
    if (cell.detector && shape.description->detector.interpolate) cell.v_before = v[layout.detector_node];

    // Axial currents (nrn_rhs) of the own rows, children in ascending order as CableGroup adds them.
    const double* a = layout.a.data();
    const double* b = layout.b.data();
    std::size_t i = 0, c = 0;
    while (i < cell.inner_edges.size() || c < cell.cut_edges_above.size()) {
        const bool inner = c == cell.cut_edges_above.size() ||
                           (i < cell.inner_edges.size() && cell.inner_edges[i] < cell.cut_edges_above[c]);
        const std::uint32_t j = inner ? cell.inner_edges[i++] : cell.cut_edges_above[c++];
        const auto p = static_cast<std::size_t>(layout.parent[j]);
        const double dv = v[p] - v[j];
        if (inner) rhs[j] -= b[j] * dv;
        rhs[p] += a[j] * dv;
    }

    double* messages = cell.shared->messages[0][static_cast<std::size_t>(n & 1)].data();
    for (std::size_t q = 0; q < cell.pieces.size(); ++q) {
        const std::uint32_t p = cell.pieces[q];
        shape.solver.eliminate(p, d, rhs, cell.states[q]);
        const auto& piece = shape.pieces[p];
        double* out = messages + piece.offset;
        const std::uint32_t top = shape.solver.piece_boundary(p)[0];
        *out++ = d[top];
        *out++ = rhs[top];
        for (std::uint32_t cut : piece.child_cuts) *out++ = v[static_cast<std::size_t>(layout.parent[cut])];
        const auto& contribution = cell.states[q].contribution;
        out = std::copy(contribution.block.begin(), contribution.block.end(), out);
        std::copy(contribution.rhs.begin(), contribution.rhs.end(), out);
    }
}

// After the exchange: the boundary system, back substitution, states, the detector.
void SplitCableGroup::finish(Cell& cell, Step n, double dt, std::vector<Spike>& spikes) {
    const cable::SplitCellShape& shape = *cell.shared->shape;
    const auto& layout = shape.layout;
    const double* messages = cell.shared->messages[0][static_cast<std::size_t>(n & 1)].data();
    const auto boundary = shape.solver.boundary_nodes();
    double* v = cell.v.data();
    for (std::size_t i = 0; i < boundary.size(); ++i) {
        const double* m = messages + shape.pieces[i].offset;
        cell.bd[i] = m[0];
        cell.br[i] = m[1];
        if (i > 0) {   // the axial current across the cut into the cut's row
            const std::uint32_t cut = boundary[i];
            const double above = messages[shape.pieces[shape.above_piece[i]].offset + 2 + shape.above_index[i]];
            cell.br[i] -= layout.b[cut] * (above - v[cut]);
        }
    }
    for (std::size_t p = 0; p < shape.pieces.size(); ++p) cell.contributions[p] = messages + shape.pieces[p].contribution();
    shape.solver.solve_boundary(cell.bd, cell.br, cell.contributions, cell.scratch, cell.dv.data());
    double* rhs = cell.rhs.data();
    for (std::size_t q = 0; q < cell.pieces.size(); ++q) shape.solver.substitute(cell.pieces[q], cell.dv, rhs, cell.states[q]);
    for (std::uint32_t j : cell.nodes) v[j] += rhs[j];
    for (std::size_t i = 0; i < boundary.size(); ++i)
        if (!cell.own[boundary[i]]) v[boundary[i]] += cell.dv[i];

    // States at the new voltage (nrn_state).
    if (cell.mechanisms) {
        double* lv = cell.lane_v.data();
        for (std::uint32_t j : cell.nodes) lv[j * W] = v[j];
        cell.mechanisms->states(*cell.catalogue, lv, static_cast<double>(n + 1) * dt, dt);
    }
    if (shape.description->calcium) calcium_states(cell, n, dt);
    if (!cell.detector) return;
    const auto& detector = shape.description->detector;
    const double vd = v[layout.detector_node];
    const bool above = vd > detector.threshold;
    if (above && !cell.above) {
        double t = static_cast<double>(n + 1) * dt;
        if (detector.interpolate)
            t = static_cast<double>(n) * dt + dt * (detector.threshold - cell.v_before) / (vd - cell.v_before);
        spikes.push_back({cell.shared->gid, t});
    }
    cell.above = above;
}

// CableGroup::calcium_step on the own compartments (NEURON's rxd order: the influx of the ca ion's
// current in lane 0 as the diffusion's source, the diffusing species' elimination into their
// messages; the reactions and cai after the diffusion, or here without one).
void SplitCableGroup::calcium_states(Cell& cell, Step n, double dt) {
    const cable::SplitCellShape& shape = *cell.shared->shape;
    const auto& layout = shape.layout;
    const Constants& k = *cell.constants;
    const std::size_t C = layout.compartment_node.size();
    const double* ica = cell.mechanisms->ion_values(*cell.catalogue->calcium_ion, cable::IonQuantity::current);
    for (std::uint32_t c : cell.compartments) cell.ca[c] -= k.influx[c] * ica[layout.compartment_node[c] * W];
    if (k.species.empty() || exchange_.rounds() == 1) {
        calcium_reactions(cell, dt);
        write_cai(cell);
    }
    // Diffusion: each species' backward-Euler rows of the own compartments, eliminated per piece.
    double* messages = cell.shared->messages[1][static_cast<std::size_t>(n & 1)].data();
    for (std::size_t s = 0; s < k.species.size(); ++s) {
        const auto& sp = k.species[s];
        const double* c = sp.calcium ? cell.ca.data() : cell.cab.data() + sp.buffer * C;
        double* cd = cell.cd.data() + s * C;
        double* crhs = cell.crhs.data() + s * C;
        for (std::uint32_t q : cell.compartments) {
            cd[q] = sp.diagonal[q];
            crhs[q] = sp.weight[q] * c[q];
        }
        for (std::size_t i = 0; i < cell.compartment_pieces.size(); ++i) {
            const std::uint32_t q = cell.compartment_pieces[i];
            sp.solver->eliminate(q, cd, crhs, cell.species_states[s][i]);
            const std::size_t nb = sp.solver->piece_boundary(q).size();
            double* out = messages + shape.compartment_offset[q] + s * (2 + nb * nb + nb);
            const std::uint32_t top = sp.solver->piece_boundary(q)[0];
            *out++ = cd[top];
            *out++ = crhs[top];
            const auto& contribution = cell.species_states[s][i].contribution;
            out = std::copy(contribution.block.begin(), contribution.block.end(), out);
            std::copy(contribution.rhs.begin(), contribution.rhs.end(), out);
        }
    }
}

void SplitCableGroup::calcium_diffusion(Cell& cell, Step n) {
    const cable::SplitCellShape& shape = *cell.shared->shape;
    const Constants& k = *cell.constants;
    if (k.species.empty()) return;
    const std::size_t C = shape.layout.compartment_node.size();
    const double* messages = cell.shared->messages[1][static_cast<std::size_t>(n & 1)].data();
    for (std::size_t s = 0; s < k.species.size(); ++s) {
        const auto& sp = k.species[s];
        const std::size_t pieces = sp.solver->piece_count();
        for (std::size_t q = 0; q < pieces; ++q) {
            const std::size_t nb = sp.solver->piece_boundary(q).size();
            const double* m = messages + shape.compartment_offset[q] + s * (2 + nb * nb + nb);
            cell.cbd[q] = m[0];
            cell.cbr[q] = m[1];
            cell.ccontributions[q] = m + 2;
        }
        sp.solver->solve_boundary(cell.cbd, cell.cbr, cell.ccontributions, cell.scratch, cell.cdv.data());
        for (std::size_t i = 0; i < cell.compartment_pieces.size(); ++i)
            sp.solver->substitute(cell.compartment_pieces[i], cell.cdv, cell.crhs.data() + s * C, cell.species_states[s][i]);
        double* c = sp.calcium ? cell.ca.data() : cell.cab.data() + sp.buffer * C;
        for (std::uint32_t q : cell.compartments) c[q] = cell.crhs[s * C + q];
    }
    calcium_reactions(cell, dt_);
    write_cai(cell);
}

void SplitCableGroup::calcium_reactions(Cell& cell, double dt) {
    const CalciumSpecies& species = *cell.shared->shape->description->calcium;
    const std::size_t C = cell.ca.size();
    auto each = [&cell](auto&& f) {
        for (std::uint32_t c : cell.compartments) f(c);
    };
    cable::calcium_reactions(each, cell.ca.data(), cell.cab.data(), C, species.buffers, species.pump, dt,
                             cell.react.data(), cell.react.data() + C);
}

void SplitCableGroup::write_cai(Cell& cell) {
    const auto& layout = cell.shared->shape->layout;
    double* cai = cell.mechanisms->ion_values(*cell.catalogue->calcium_ion, cable::IonQuantity::inside);
    for (std::uint32_t j : cell.nodes) cai[j * W] = cell.ca[layout.node_compartment[j]];
}

std::uint32_t SplitCableGroup::node_at(const Cell& cell, const std::string& section, double x) const {
    const auto& desc = *cell.shared->shape->description;
    const auto s = section.empty() ? std::optional<std::uint32_t>(0) : desc.section_index(section);
    if (!s || !(x >= 0.0 && x <= 1.0))
        throw input_error("no section \"" + section + "\" (or x outside [0, 1]) in the cell of gid " +
                          std::to_string(cell.shared->gid));
    return cell.shared->shape->layout.node_at(*s, x);
}

bool SplitCableGroup::holds(std::size_t cell, const std::string& section, double x) const {
    return cells_.at(cell).own[node_at(cells_.at(cell), section, x)] != 0;
}

std::size_t SplitCableGroup::add_probe(std::size_t cell, const std::string& variable, const std::string& section, double x) {
    const Cell& c = cells_.at(cell);
    const std::uint32_t node = node_at(c, section, x);
    if (!c.own[node]) throw std::logic_error("split cable group: the probed node is on another piece");
    if (variable == "v") {
        probe_sources_.push_back(c.v.data() + node);
    } else {
        // A catalogue variable, read in lane 0 of the pieces' mechanisms (as CableGroup's).
        const auto found = c.catalogue->variable(variable);
        const auto instance = found && !found->ion ? c.catalogue->instance_at(found->index, node) : std::nullopt;
        if (!found || (!found->ion && !instance))
            throw input_error("variable \"" + variable + "\": not on " + section + "(" + std::to_string(x) +
                              ") in the cell of gid " + std::to_string(gids_.at(cell)) +
                              " (split cells record \"v\" and catalogue variables, \"cai\" among them)");
        probe_sources_.push_back(found->ion ? c.mechanisms->probe_ion(*c.catalogue, found->index,
                                                                      static_cast<cable::IonQuantity>(found->field), node, 0)
                                            : c.mechanisms->field(found->index, found->field, *instance, 0));
    }
    return probe_sources_.size() - 1;
}

double SplitCableGroup::voltage(std::size_t cell, std::uint32_t node) const {
    if (!holds_node(cell, node)) throw std::out_of_range("split cable group: node not on this thread's pieces");
    return cells_[cell].v[node];
}

double SplitCableGroup::voltage(std::size_t cell, const std::string& section, double x) const {
    return voltage(cell, node_at(cells_.at(cell), section, x));
}

double SplitCableGroup::calcium(std::size_t cell, const std::string& section, double x) const {
    const std::uint32_t node = node_at(cells_.at(cell), section, x);
    if (!holds_node(cell, node) || cells_[cell].ca.empty())
        throw std::out_of_range("split cable group: no calcium there on this thread's pieces");
    return cells_[cell].ca[cells_[cell].shared->shape->layout.node_compartment[node]];
}

bool SplitCableGroup::holds_node(std::size_t cell, std::uint32_t node) const {
    return cell < cells_.size() && node < cells_[cell].own.size() && cells_[cell].own[node] != 0;
}

void SplitCableGroup::save_state(std::size_t cell, CellStateWriter&) const {
    throw input_error("gid " + std::to_string(gids_[cell]) +
                      " is split into pieces (a plan with splits); checkpoints of split cells are not supported yet");
}

void SplitCableGroup::restore_state(std::size_t cell, CellStateReader&) {
    throw input_error("gid " + std::to_string(gids_[cell]) +
                      " is split into pieces (a plan with splits); checkpoints of split cells are not supported yet");
}

void SplitCableGroup::resume_at(Step, double) {
    throw input_error("a run with split cells cannot be restored from a checkpoint yet");
}

}  // namespace parnet
