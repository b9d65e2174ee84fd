#include "io/hdf5_datasets.hpp"

#include <algorithm>
#include <cstring>

namespace parnet::io {

namespace {

// Blocks per H5Dread. HDF5 (1.10) builds a union of hyperslabs in time quadratic in its blocks:
// reading 10,000 blocks of 100 rows took 2.6 s one block per read, 0.17 s at 64-256 blocks per read,
// 0.68 s at 1024 and 3.9 s at 4096 (measured on bench/sonata_memory.py's edges.h5).
constexpr std::size_t blocks_per_read = 128;

std::string class_name(H5T_class_t c) {
    switch (c) {
    case H5T_INTEGER: return "integer";
    case H5T_FLOAT: return "float";
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    case H5T_ENUM: return "enum";
    default: return "non-numeric";
    }
}

std::string expected_text(InputDataset::Expect expect, int columns) {
    const std::string shape = columns == 1 ? "a 1-d " : "an n x " + std::to_string(columns) + " ";
    switch (expect) {
    case InputDataset::Expect::integer: return shape + "integer dataset";
    case InputDataset::Expect::number: return shape + "numeric dataset";
    case InputDataset::Expect::string: return shape + "string dataset";
    }
    return shape + "dataset";
}

}  // namespace

bool has_link(hid_t loc, const std::string& name, const H5Errors& errors) {
    // H5Lexists fails on a path whose intermediate groups are missing: check them one by one.
    std::string prefix;
    std::size_t at = 0;
    while (at <= name.size()) {
        const std::size_t slash = name.find('/', at);
        const std::size_t end = slash == std::string::npos ? name.size() : slash;
        prefix = name.substr(0, end);
        if (!prefix.empty() && prefix != "/" &&
            !errors.truth(H5Lexists(loc, prefix.c_str(), H5P_DEFAULT), "look up " + prefix))
            return false;
        if (slash == std::string::npos) break;
        at = slash + 1;
    }
    return true;
}

std::vector<std::string> group_members(hid_t group, const H5Errors& errors) {
    std::vector<std::string> names;
    auto add = [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
        static_cast<std::vector<std::string>*>(out)->emplace_back(name);
        return 0;
    };
    errors.status(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, add, &names), "list a group");
    return names;
}

std::vector<RowRange> coalesced(std::vector<RowRange> ranges) {
    std::erase_if(ranges, [](const RowRange& r) { return r.last <= r.first; });
    std::sort(ranges.begin(), ranges.end(), [](const RowRange& a, const RowRange& b) { return a.first < b.first; });
    std::vector<RowRange> out;
    for (const RowRange& r : ranges) {
        if (!out.empty() && r.first <= out.back().last)
            out.back().last = std::max(out.back().last, r.last);
        else
            out.push_back(r);
    }
    return out;
}

InputDataset::InputDataset(hid_t loc, const std::string& name, const std::string& path, Expect expect,
                           const H5Errors& errors, int columns)
    : path_(path), errors_(errors), columns_(columns) {
    const std::string expected = expected_text(expect, columns);
    if (!has_link(loc, name, errors)) throw input_error(errors.file() + ": " + path + ": missing; expected " + expected);
    {
        const hid_t object = errors.id(H5Oopen(loc, name.c_str(), H5P_DEFAULT), "open " + path);
        const H5I_type_t type = H5Iget_type(object);
        H5Oclose(object);
        if (type != H5I_DATASET) fail("expected " + expected + ", got a group");
    }
    dataset_ = H5Dataset(errors.id(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "open " + path));
    H5Datatype type(errors.id(H5Dget_type(dataset_.get()), "read the type of " + path));
    H5Dataspace space(errors.id(H5Dget_space(dataset_.get()), "read the shape of " + path));
    const int rank = H5Sget_simple_extent_ndims(space.get());
    hsize_t dims[2] = {0, 0};
    if (rank >= 1 && rank <= 2) H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    const H5T_class_t cls = H5Tget_class(type.get());
    const bool class_ok = expect == Expect::integer ? cls == H5T_INTEGER
                          : expect == Expect::number ? (cls == H5T_INTEGER || cls == H5T_FLOAT)
                                                     : cls == H5T_STRING;
    const bool shape_ok = columns == 1 ? rank == 1 : (rank == 2 && dims[1] == static_cast<hsize_t>(columns));
    if (!class_ok || !shape_ok) {
        std::string got = rank == 1 ? "a 1-d " : rank == 2 ? "a " + std::to_string(dims[0]) + " x " + std::to_string(dims[1]) + " "
                                                           : "a " + std::to_string(rank) + "-d ";
        fail("expected " + expected + ", got " + got + class_name(cls) + " dataset");
    }
    rows_ = dims[0];
}

void InputDataset::fail(const std::string& what) const { throw input_error(errors_.file() + ": " + path_ + ": " + what); }

void InputDataset::read_rows(const std::vector<RowRange>& ranges, hid_t memory_type, void* out) const {
    const std::size_t element = H5Tget_size(memory_type);
    auto* bytes = static_cast<unsigned char*>(out);
    H5Dataspace file_space(errors_.id(H5Dget_space(dataset_.get()), "read the shape of " + path_));
    for (std::size_t begin = 0; begin < ranges.size(); begin += blocks_per_read) {
        const std::size_t end = std::min(ranges.size(), begin + blocks_per_read);
        hsize_t total = 0;
        errors_.status(H5Sselect_none(file_space.get()), "select rows of " + path_);
        for (std::size_t i = begin; i < end; ++i) {
            const RowRange& r = ranges[i];
            if (r.last < r.first || r.last > rows_)
                throw std::logic_error("InputDataset: rows outside " + path_);
            if (r.last == r.first) continue;
            const hsize_t start[2] = {r.first, 0};
            const hsize_t count[2] = {r.last - r.first, static_cast<hsize_t>(columns_)};
            errors_.status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_OR, start, nullptr, count, nullptr),
                           "select rows of " + path_);
            total += (r.last - r.first) * static_cast<hsize_t>(columns_);
        }
        if (total == 0) continue;
        H5Dataspace memory_space(errors_.id(H5Screate_simple(1, &total, nullptr), "make a memory space"));
        errors_.status(H5Dread(dataset_.get(), memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, bytes),
                       "read " + path_);
        bytes += total * element;
    }
}

std::vector<std::int64_t> InputDataset::integers() const { return integers({RowRange{0, rows_}}); }
std::vector<double> InputDataset::numbers() const { return numbers({RowRange{0, rows_}}); }

std::vector<std::int64_t> InputDataset::integers(const std::vector<RowRange>& ranges) const {
    std::uint64_t n = 0;
    for (const auto& r : ranges) n += r.last - r.first;
    std::vector<std::int64_t> values(n * static_cast<std::uint64_t>(columns_));
    read_rows(ranges, H5T_NATIVE_INT64, values.data());
    return values;
}

std::vector<double> InputDataset::numbers(const std::vector<RowRange>& ranges) const {
    std::uint64_t n = 0;
    for (const auto& r : ranges) n += r.last - r.first;
    std::vector<double> values(n * static_cast<std::uint64_t>(columns_));
    read_rows(ranges, H5T_NATIVE_DOUBLE, values.data());
    return values;
}

std::vector<std::string> InputDataset::strings() const {
    H5Datatype type(errors_.id(H5Dget_type(dataset_.get()), "read the type of " + path_));
    std::vector<std::string> out;
    out.reserve(rows_);
    if (rows_ == 0) return out;
    if (H5Tis_variable_str(type.get()) > 0) {
        H5Datatype memory(errors_.id(H5Tcopy(H5T_C_S1), "make a string type"));
        H5Tset_size(memory.get(), H5T_VARIABLE);
        std::vector<char*> pointers(rows_, nullptr);
        errors_.status(H5Dread(dataset_.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
                       "read " + path_);
        for (char* p : pointers) out.emplace_back(p ? p : "");
        H5Dataspace space(errors_.id(H5Dget_space(dataset_.get()), "read the shape of " + path_));
        H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, pointers.data());
    } else {
        const std::size_t width = H5Tget_size(type.get());
        H5Datatype memory(errors_.id(H5Tcopy(H5T_C_S1), "make a string type"));
        H5Tset_size(memory.get(), width);
        std::vector<char> text(rows_ * width);
        errors_.status(H5Dread(dataset_.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()),
                       "read " + path_);
        for (std::uint64_t i = 0; i < rows_; ++i) {
            const char* p = text.data() + i * width;
            out.emplace_back(p, strnlen(p, width));
        }
    }
    return out;
}

}  // namespace parnet::io
