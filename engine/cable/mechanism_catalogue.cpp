#include "mechanism_catalogue.hpp"

#include "engine/errors.hpp"

#include <dlfcn.h>

extern "C" const parnet_catalogue* parnet_builtin_catalogue();

namespace parnet {

namespace {
std::optional<std::uint32_t> find_variable(const parnet_variable* list, std::uint32_t count,
                                           std::string_view name) {
    for (std::uint32_t i = 0; i < count; ++i)
        if (name == list[i].name) return i;
    return std::nullopt;
}

std::string join(const parnet_variable* list, std::uint32_t count) {
    std::string out;
    for (std::uint32_t i = 0; i < count; ++i) out += (i ? ", " : "") + std::string(list[i].name);
    return out.empty() ? "(none)" : out;
}
}  // namespace

std::optional<std::uint32_t> Mechanism::field_index(std::string_view name) const {
    return find_variable(abi_->fields, field_count(), name);
}
std::optional<std::uint32_t> Mechanism::parameter_index(std::string_view name) const {
    return find_variable(abi_->fields, abi_->parameter_count, name);
}
std::optional<std::uint32_t> Mechanism::global_index(std::string_view name) const {
    return find_variable(abi_->globals, abi_->global_count, name);
}
std::string Mechanism::parameter_names() const { return join(abi_->fields, abi_->parameter_count); }
std::string Mechanism::global_names() const { return join(abi_->globals, abi_->global_count); }

MechanismCatalogue::MechanismCatalogue(const parnet_catalogue& catalogue, std::shared_ptr<const void> library)
    : name_(catalogue.name) {
    for (std::uint32_t i = 0; i < catalogue.count; ++i)
        mechanisms_.push_back(std::make_shared<const Mechanism>(*catalogue.mechanisms[i], library, i));
}

std::shared_ptr<const MechanismCatalogue> MechanismCatalogue::builtin() {
    static const auto catalogue = std::make_shared<const MechanismCatalogue>(*parnet_builtin_catalogue(), nullptr);
    return catalogue;
}

std::shared_ptr<const MechanismCatalogue> MechanismCatalogue::load(const std::string& path) {
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) throw input_error("cannot load the mechanism catalogue " + path + ": " + dlerror());
    std::shared_ptr<const void> library(handle, [](const void* h) { dlclose(const_cast<void*>(h)); });
    auto entry = reinterpret_cast<parnet_catalogue_entry>(dlsym(handle, PARNET_CATALOGUE_ENTRY));
    if (!entry)
        throw input_error(path + " is not a parnet mechanism catalogue (no " PARNET_CATALOGUE_ENTRY
                          "; make catalogues with parnet-modcc)");
    const parnet_catalogue* catalogue = entry();
    if (!catalogue || catalogue->abi_version != PARNET_MECHANISM_ABI_VERSION)
        throw input_error(path + " was compiled for mechanism ABI version " +
                          std::to_string(catalogue ? catalogue->abi_version : -1) + ", this engine has " +
                          std::to_string(PARNET_MECHANISM_ABI_VERSION) + ": recompile it with parnet-modcc");
    return std::make_shared<const MechanismCatalogue>(*catalogue, std::move(library));
}

std::shared_ptr<const Mechanism> MechanismCatalogue::find(std::string_view name) const {
    for (const auto& m : mechanisms_)
        if (m->name() == name) return m;
    return nullptr;
}

std::shared_ptr<const Mechanism> MechanismCatalogues::find(std::string_view name) const {
    for (const auto& c : list_)
        if (auto m = c->find(name)) return m;
    return nullptr;
}

std::shared_ptr<const Mechanism> MechanismCatalogues::user_find(std::string_view name) const {
    for (std::size_t c = 0; c + 1 < list_.size(); ++c)
        if (auto m = list_[c]->find(name)) return m;
    return nullptr;
}

std::string MechanismCatalogues::names(bool point_processes) const {
    std::string out;
    for (const auto& c : list_)
        for (const auto& m : c->mechanisms())
            if (point_processes ? m->point_process() : m->density()) out += (out.empty() ? "" : ", ") + std::string(m->name());
    return out.empty() ? "none" : out;
}

std::string MechanismCatalogues::artificial_cell_names() const {
    std::string out;
    for (const auto& c : list_)
        for (const auto& m : c->mechanisms())
            if (m->artificial_cell()) out += (out.empty() ? "" : ", ") + std::string(m->name());
    return out.empty() ? "none" : out;
}

}  // namespace parnet
