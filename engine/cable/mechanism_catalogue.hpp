#pragma once
// Catalogues of compiled membrane mechanisms (engine/cable/mechanism_abi.h, docs/mechanisms.md):
// the built-in one (mechanisms/*.mod, compiled at build time into the engine) and shared libraries
// made by parnet-modcc, loaded with dlopen. A Mechanism keeps its library loaded while anything
// refers to it.
#include "mechanism_abi.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace parnet {

class Mechanism {
public:
    Mechanism(const parnet_mechanism& abi, std::shared_ptr<const void> library, std::uint32_t position)
        : abi_(&abi), library_(std::move(library)), position_(position) {}

    const parnet_mechanism& abi() const { return *abi_; }
    std::string_view name() const { return abi_->name; }
    bool point_process() const { return abi_->kind == parnet_point_process; }
    bool density() const { return abi_->kind == parnet_density; }
    // An ARTIFICIAL_CELL: a cell of its own (engine/cells/artificial_group.hpp), never placed on a cable cell.
    bool artificial_cell() const { return abi_->kind == parnet_artificial_cell; }
    // The fields of the model (parameters, assigned, states), then the compiler's hidden ones.
    std::uint32_t field_count() const {
        return abi_->parameter_count + abi_->assigned_count + abi_->state_count;
    }
    std::uint32_t stored_field_count() const { return field_count() + abi_->hidden_count; }
    // Index of a field (parameter, assigned or state; never a hidden one) or a global; none when
    // there is none.
    std::optional<std::uint32_t> field_index(std::string_view name) const;
    std::optional<std::uint32_t> parameter_index(std::string_view name) const;
    std::optional<std::uint32_t> global_index(std::string_view name) const;
    // "gnabar, gkbar, ..." for messages.
    std::string parameter_names() const;
    std::string global_names() const;
    // The order in which a cell runs its mechanisms, as NEURON runs mechanism types: in the order
    // they were registered (the built-in catalogue first, each catalogue in its own order), except
    // that mechanisms writing a concentration come first, in the reverse order (NEURON's
    // nrn_writes_conc puts each one right after the ions, before those registered earlier).
    std::tuple<int, int, std::int64_t> run_order() const {
        const int registered = library_ != nullptr;
        if (writes_concentration()) return {0, -registered, -static_cast<std::int64_t>(position_)};
        return {1, registered, position_};
    }
    bool writes_concentration() const {
        for (std::uint32_t u = 0; u < abi_->ion_count; ++u)
            if (abi_->ions[u].writes_inside || abi_->ions[u].writes_outside) return true;
        return false;
    }

private:
    const parnet_mechanism* abi_;
    std::shared_ptr<const void> library_;
    std::uint32_t position_ = 0;
};

class MechanismCatalogue {
public:
    // The mechanisms of mechanisms/*.mod (hh, pas, ExpSyn, Exp2Syn).
    static std::shared_ptr<const MechanismCatalogue> builtin();
    // A catalogue library made by parnet-modcc; throws input_error naming the file and the cause.
    static std::shared_ptr<const MechanismCatalogue> load(const std::string& path);

    std::string_view name() const { return name_; }
    const std::vector<std::shared_ptr<const Mechanism>>& mechanisms() const { return mechanisms_; }
    std::shared_ptr<const Mechanism> find(std::string_view name) const;

    MechanismCatalogue(const parnet_catalogue& catalogue, std::shared_ptr<const void> library);

private:
    std::string name_;
    std::vector<std::shared_ptr<const Mechanism>> mechanisms_;
};

// Catalogues searched in order: the first one naming a mechanism wins.
class MechanismCatalogues {
public:
    MechanismCatalogues() : list_{MechanismCatalogue::builtin()} {}
    // User catalogues are searched before the built-in one.
    void add(std::shared_ptr<const MechanismCatalogue> catalogue) {
        list_.insert(list_.end() - 1, std::move(catalogue));
    }
    std::shared_ptr<const Mechanism> find(std::string_view name) const;
    // Whether `name` is the built-in catalogue's (no user catalogue defines it): the model
    // readers' shorthands hh, pas, cahva and sk stand for the built-ins only, so that a user's
    // own hh.mod is the hh its model places.
    bool builtin(std::string_view name) const { return list_.back()->find(name) && !user_find(name); }
    // The density mechanisms or the point processes, for messages.
    std::string names(bool point_processes) const;
    std::string artificial_cell_names() const;

private:
    std::shared_ptr<const Mechanism> user_find(std::string_view name) const;
    std::vector<std::shared_ptr<const MechanismCatalogue>> list_;
};

// A mechanism placed on a section (density) or at a synapse (point process) with parameter
// values that differ from the mechanism's defaults. GLOBALs are one value per cell: the first
// placement's values count (readers check that they agree).
struct MechanismPlacement {
    std::shared_ptr<const Mechanism> mechanism;
    std::vector<std::pair<std::string, double>> parameters;
    std::vector<std::pair<std::string, double>> globals;
    // Parameters that vary along the section (placed as functions of distance): per parameter,
    // one value per segment (ncomp entries; NaN where the placement did not set it).
    std::vector<std::pair<std::string, std::vector<double>>> segment_parameters = {};
};

}  // namespace parnet
