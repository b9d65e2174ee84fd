#include "artificial_group.hpp"

#include "engine/errors.hpp"
#include "engine/recipe.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

namespace parnet {

namespace {
// Artificial cells have no node: the kernels' one instance sits at "node" 0.
constexpr std::uint32_t instance_node[1] = {0};
constexpr double no_geometry[1] = {0.0};
constexpr double neuron_celsius = 6.3;   // NEURON's default; an artificial cell has no template

// A time a kernel gives (net_send's t + delay, net_event's, net_move's) as parnet takes it: never
// before the time of the event being received (NEURON stops with an error there; a negative delay
// counts as 0), and none when it is not finite (such an event or spike would never be due).
std::optional<double> due_time(double time, double now) {
    if (!std::isfinite(time)) return std::nullopt;
    return std::max(time, now);
}
}  // namespace

ArtificialCellGroup::ArtificialCellGroup(const Recipe& recipe, std::span<const Gid> gids)
    : gids_(gids.begin(), gids.end()), cells_(gids.size()), dt_(recipe.dt()) {
    // Per (mechanism, GLOBALs) its newest block, the only one that can have free lanes: set-up
    // stays linear in the cells (a search of every block for each cell was quadratic).
    std::vector<Block*> filling;
    for (std::size_t i = 0; i < gids_.size(); ++i) {
        const Gid g = gids_[i];
        if (recipe.kind(g) != CellKind::artificial)
            throw std::logic_error("make_artificial_group: gid " + std::to_string(g) + " is not an artificial cell");
        const MechanismPlacement cell = recipe.artificial_cell(g);
        if (!cell.mechanism || !cell.mechanism->artificial_cell())
            throw input_error(recipe.where(g) + ", gid " + std::to_string(g) +
                              ": expected an ARTIFICIAL_CELL mechanism, got " +
                              (cell.mechanism ? std::string(cell.mechanism->name()) : std::string("none")));
        const parnet_mechanism& abi = cell.mechanism->abi();
        std::vector<double> globals(abi.global_count);
        for (std::uint32_t q = 0; q < abi.global_count; ++q) globals[q] = abi.globals[q].default_value;
        for (const auto& [name, value] : cell.globals) {
            const auto q = cell.mechanism->global_index(name);
            if (!q) throw input_error(recipe.where(g) + ": " + std::string(cell.mechanism->name()) + " has no GLOBAL " + name);
            globals[*q] = value;
        }
        // The filling block of the same mechanism and GLOBALs if it has a free lane, or a new one.
        const auto open = std::find_if(filling.begin(), filling.end(), [&](const Block* b) {
            return b->mechanism == cell.mechanism && b->globals == globals;
        });
        Block* block = open != filling.end() && (*open)->cell.back() == no_cell ? *open : nullptr;
        if (!block) {
            auto b = std::make_unique<Block>();
            b->mechanism = cell.mechanism;
            b->globals = globals;
            b->cell.fill(no_cell);
            b->fields.resize(cell.mechanism->stored_field_count());   // the compiler's hidden ones too
            for (std::uint32_t f = 0; f < b->fields.size(); ++f) b->fields[f].fill(abi.fields[f].default_value);
            for (auto& f : b->fields) b->field_pointers.push_back(f.data());
            if (abi.prepare) {
                b->prepared.resize(abi.prepared_size);
                abi.prepare(b->globals.data(), neuron_celsius, b->prepared.data());
            }
            b->callbacks = {this, b.get()};
            parnet_mechanism_block& v = b->view;
            v.count = 1;
            v.node = instance_node;
            v.area = no_geometry;
            v.diam = no_geometry;
            v.dt = dt_;
            v.celsius = neuron_celsius;
            v.fields = b->field_pointers.data();
            v.globals = b->globals.data();
            v.prepared = b->prepared.data();
            v.net_send = &ArtificialCellGroup::net_send;
            v.net_event = &ArtificialCellGroup::net_event;
            v.net_move = &ArtificialCellGroup::net_move;
            v.net_send_context = &b->callbacks;
            blocks_.push_back(std::move(b));
            block = blocks_.back().get();
            if (open != filling.end()) *open = block;
            else filling.push_back(block);
        }
        const auto lane = static_cast<std::uint32_t>(std::find(block->cell.begin(), block->cell.end(), no_cell) -
                                                     block->cell.begin());
        block->cell[lane] = static_cast<std::uint32_t>(i);
        cells_[i].block = block;
        cells_[i].lane = lane;
        for (const auto& [name, value] : cell.parameters) {
            const auto f = cell.mechanism->parameter_index(name);
            if (!f) throw input_error(recipe.where(g) + ": " + std::string(cell.mechanism->name()) + " has no PARAMETER " + name);
            block->fields[*f][lane] = value;
        }
        if (abi.argument_count > 0) {
            if (!recipe.direct_events(g).empty())
                throw input_error(recipe.where(g) + ", gid " + std::to_string(g) + ": events stimuli onto " +
                                  std::string(cell.mechanism->name()) +
                                  ", which keeps a weight vector per connection, are not supported yet");
            // Each connection's vector: its weight, then zeros (NET_RECEIVE's INITIAL runs below).
            const std::vector<Connection> incoming = recipe.incoming(g);
            cells_[i].vectors.assign(incoming.size() * abi.argument_count, 0.0);
            for (const Connection& c : incoming) cells_[i].vectors[c.index * abi.argument_count] = c.weight;
        }
    }
    // INITIAL of every block at t = 0 (NEURON's finitialize); lanes without a cell send nothing.
    // Then NET_RECEIVE's INITIAL on every connection's vector (NEURON: after the INITIALs).
    for (auto& b : blocks_) {
        b->view.t = 0.0;
        b->mechanism->abi().init(&b->view);
    }
    for (Cell& cell : cells_) {
        const parnet_mechanism& abi = cell.block->mechanism->abi();
        for (std::size_t at = 0; at < cell.vectors.size(); at += abi.argument_count)
            abi.net_receive_initial(&cell.block->view, 0, cell.lane, cell.vectors.data() + at);
    }
}

std::uint32_t ArtificialCellGroup::event_synapse(std::size_t cell, const Connection& c) const {
    if (cells_[cell].block->mechanism->abi().argument_count == 0) return c.synapse;
    if (c.index >= weight_vector_event)
        throw input_error("gid " + std::to_string(c.target) + ": more than 2^31 incoming connections");
    return weight_vector_event | c.index;
}

void ArtificialCellGroup::receive(Cell& cell, double t, double weight, double flag, std::uint32_t slot) {
    Block& b = *cell.block;
    const parnet_mechanism& abi = b.mechanism->abi();
    b.view.t = t;
    if (abi.net_receive_vector) {
        double* arguments = nullptr;
        if (slot == no_slot) {
            // Of no connection: an event (the planner's samples) gets a fresh vector as a new
            // connection would; a self event sent from INITIAL its weight and zeros (as the cable
            // group's). Dropped after.
            scratch_vector_.assign(abi.argument_count, 0.0);
            scratch_vector_[0] = weight;
            if (flag == 0.0) abi.net_receive_initial(&b.view, 0, cell.lane, scratch_vector_.data());
            arguments = scratch_vector_.data();
        } else {
            arguments = cell.vectors.data() + static_cast<std::size_t>(slot) * abi.argument_count;
        }
        receiving_slot_ = slot;   // what it sends goes on with the same connection's vector
        abi.net_receive_vector(&b.view, 0, cell.lane, arguments, flag);
        receiving_slot_ = no_slot;
        return;
    }
    if (!abi.net_receive) return;   // a cell without NET_RECEIVE ignores its input, as NEURON's
    abi.net_receive(&b.view, 0, cell.lane, weight, flag);
}

void ArtificialCellGroup::deliver_self_events(Cell& cell, double until, Step end) {
    for (;;) {
        auto first = cell.pending.end();
        for (auto it = cell.pending.begin(); it != cell.pending.end(); ++it) {
            if (it->time > until || delivery_step(it->time, dt_) >= end) continue;
            if (first == cell.pending.end() || it->time < first->time ||
                (it->time == first->time && it->sequence < first->sequence))
                first = it;
        }
        if (first == cell.pending.end()) return;
        const SelfEvent e = *first;
        cell.pending.erase(first);
        receive(cell, e.time, e.weight, e.flag, e.slot);
    }
}

void ArtificialCellGroup::advance(const Epoch& epoch, const EventLanes& events, std::vector<Spike>& spikes) {
    spikes_ = &spikes;
    constexpr double any_time = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < cells_.size(); ++i) {
        Cell& cell = cells_[i];
        for (const Event& e : events.lane(i)) {
            deliver_self_events(cell, e.time, epoch.end);
            const bool vector = (e.synapse & weight_vector_event) != 0;
            receive(cell, e.time, e.weight, 0.0, vector ? e.synapse & ~weight_vector_event : no_slot);
        }
        deliver_self_events(cell, any_time, epoch.end);
    }
    spikes_ = nullptr;
}

ArtificialCellGroup::Cell* ArtificialCellGroup::cell_of(void* context, std::uint32_t lane) {
    auto* c = static_cast<Callbacks*>(context);
    const std::uint32_t i = c->block->cell[lane];
    return i == no_cell ? nullptr : &c->group->cells_[i];
}

void ArtificialCellGroup::net_send(void* context, std::uint32_t, std::uint32_t lane, double time, double flag,
                                   double weight) {
    Cell* found = cell_of(context, lane);
    const auto due = due_time(time, static_cast<Callbacks*>(context)->block->view.t);
    if (!found || !due) return;
    Cell& cell = *found;
    const std::uint64_t sequence = cell.sent++;
    cell.pending.push_back({*due, flag, weight, sequence, static_cast<Callbacks*>(context)->group->receiving_slot_});
    if (flag == 1.0) cell.movable = sequence;   // NEURON: net_move moves the latest flag-1 event
}

void ArtificialCellGroup::net_move(void* context, std::uint32_t, std::uint32_t lane, double time) {
    Cell* found = cell_of(context, lane);
    if (!found) return;
    Cell& cell = *found;
    const auto due = due_time(time, static_cast<Callbacks*>(context)->block->view.t);
    for (auto it = cell.pending.begin(); it != cell.pending.end(); ++it) {
        if (it->sequence != cell.movable) continue;
        if (!due) {   // moved to no time: never due
            cell.pending.erase(it);
            return;
        }
        // moved as NEURON's queue moves it: taken out and put in again (the newest at its time)
        it->time = *due;
        it->sequence = cell.sent++;
        cell.movable = it->sequence;
        return;
    }
    // No such event pending (NEURON stops with an error here): a flag-1 event at that time.
    net_send(context, 0, lane, time, 1.0, 0.0);
}

void ArtificialCellGroup::net_event(void* context, std::uint32_t lane, double time) {
    auto* group = static_cast<Callbacks*>(context)->group;
    const Cell* cell = cell_of(context, lane);
    const auto due = due_time(time, static_cast<Callbacks*>(context)->block->view.t);
    if (!cell || !due || !group->spikes_) return;
    group->spikes_->push_back(Spike{group->gids_[static_cast<std::size_t>(cell - group->cells_.data())], *due});
}

std::size_t ArtificialCellGroup::add_probe(std::size_t cell, const std::string& variable, const std::string& section,
                                           double x) {
    const auto f = cells_[cell].block->mechanism->field_index(variable);
    if (!f) return CellGroup::add_probe(cell, variable, section, x);
    probes_.emplace_back(static_cast<std::uint32_t>(cell), *f);
    return probes_.size() - 1;
}

double ArtificialCellGroup::probe_value(std::size_t probe) const {
    const auto [i, f] = probes_[probe];
    return cells_[i].block->fields[f][cells_[i].lane];
}

void ArtificialCellGroup::save_state(std::size_t i, CellStateWriter& out) const {
    const Cell& cell = cells_[i];
    // The compiler's hidden fields (per-dt caches) are not saved: the kernels recompute them.
    for (std::uint32_t f = 0; f < cell.block->mechanism->field_count(); ++f) out.put(cell.block->fields[f][cell.lane]);
    out.put_word(cell.sent);
    out.put_word(cell.movable);
    out.put_word(cell.pending.size());
    for (const SelfEvent& e : cell.pending) {
        out.put(e.time);
        out.put(e.flag);
        out.put(e.weight);
        out.put_word(e.sequence);
        out.put_word(e.slot);
    }
    out.put_strided(cell.vectors.data(), cell.vectors.size(), 1);   // as many on restore: the same connections
}

void ArtificialCellGroup::restore_state(std::size_t i, CellStateReader& in) {
    Cell& cell = cells_[i];
    const Mechanism& mechanism = *cell.block->mechanism;
    for (std::uint32_t f = 0; f < mechanism.field_count(); ++f) cell.block->fields[f][cell.lane] = in.get();
    for (std::uint32_t f = mechanism.field_count(); f < mechanism.stored_field_count(); ++f)
        cell.block->fields[f][cell.lane] = mechanism.abi().fields[f].default_value;
    cell.sent = in.get_word();
    cell.movable = in.get_word();
    const std::uint64_t pending = in.get_word();
    cell.pending.clear();   // those INITIAL sent when the group was built
    for (std::uint64_t k = 0; k < pending; ++k) {
        SelfEvent e{};
        e.time = in.get();
        e.flag = in.get();
        e.weight = in.get();
        e.sequence = in.get_word();
        e.slot = static_cast<std::uint32_t>(in.get_word());
        cell.pending.push_back(e);
    }
    in.get_strided(cell.vectors.data(), cell.vectors.size(), 1);
}

std::unique_ptr<CellGroup> make_artificial_group(const Recipe& recipe, std::span<const Gid> gids) {
    return std::make_unique<ArtificialCellGroup>(recipe, gids);
}

}  // namespace parnet
