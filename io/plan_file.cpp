#include "io/plan_file.hpp"

#include <hdf5.h>

#include <algorithm>
#include <iomanip>
#include <sstream>
#include <system_error>

#include "engine/cable/cable_layout.hpp"
#include "engine/cable/split_cell.hpp"
#include "engine/errors.hpp"
#include "engine/recipe.hpp"
#include "io/hdf5_attributes.hpp"
#include "io/hdf5_handle.hpp"

namespace parnet::io {

namespace {

constexpr const char* plan_format = "parnet-plan";
constexpr std::uint32_t plan_format_version = 1;

std::string hex(std::uint64_t value) {
    std::ostringstream text;
    text << "0x" << std::hex << std::setw(16) << std::setfill('0') << value;
    return text.str();
}

template <class T>
void write_vector(hid_t file, const char* name, const std::vector<T>& values, const H5Errors& errors) {
    const hsize_t size = values.size();
    H5Dataspace space(errors.id(H5Screate_simple(1, &size, nullptr), "create a dataspace"));
    H5Dataset dataset(errors.id(H5Dcreate2(file, name, H5TypeOf<T>::file(), space.get(), H5P_DEFAULT, H5P_DEFAULT,
                                           H5P_DEFAULT),
                                std::string("create dataset /") + name));
    if (size > 0) {
        errors.status(H5Dwrite(dataset.get(), H5TypeOf<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                      std::string("write dataset /") + name);
    }
}

// A 1-D dataset of the expected class, opened and checked; its length in `size`.
H5Dataset open_vector(hid_t file, const char* name, H5T_class_t expected_class, const char* expected,
                      const H5Errors& errors, hsize_t& size) {
    const std::string where = errors.file() + ": dataset /" + name;
    if (!errors.truth(H5Lexists(file, name, H5P_DEFAULT), std::string("look up dataset /") + name)) {
        throw input_error(where + ": missing (expected " + expected + ")");
    }
    H5Dataset dataset(errors.id(H5Dopen2(file, name, H5P_DEFAULT), std::string("open dataset /") + name));
    H5Datatype type(errors.id(H5Dget_type(dataset.get()), "get a dataset's type"));
    H5Dataspace space(errors.id(H5Dget_space(dataset.get()), "get a dataset's dataspace"));
    if (H5Tget_class(type.get()) != expected_class || H5Sget_simple_extent_ndims(space.get()) != 1 ||
        (expected_class == H5T_INTEGER && H5Tget_sign(type.get()) != H5T_SGN_NONE)) {
        throw input_error(where + ": expected " + expected);
    }
    if (H5Sget_simple_extent_dims(space.get(), &size, nullptr) < 0) errors.fail(std::string("get the size of dataset /") + name);
    return dataset;
}

template <class T>
std::vector<T> read_vector(hid_t file, const char* name, H5T_class_t expected_class, const char* expected,
                           const H5Errors& errors) {
    hsize_t size = 0;
    const H5Dataset dataset = open_vector(file, name, expected_class, expected, errors, size);
    std::vector<T> values(size);
    if (size > 0) {
        errors.status(H5Dread(dataset.get(), H5TypeOf<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                      std::string("read dataset /") + name);
    }
    return values;
}

// Elements [first, first + count) of a 1-D dataset.
template <class T>
std::vector<T> read_slice(hid_t dataset, const char* name, hsize_t first, hsize_t count, const H5Errors& errors) {
    std::vector<T> values(count);
    if (count == 0) return values;
    H5Dataspace file_space(errors.id(H5Dget_space(dataset), "get a dataset's dataspace"));
    errors.status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &first, nullptr, &count, nullptr),
                  std::string("select a slice of dataset /") + name);
    H5Dataspace memory_space(errors.id(H5Screate_simple(1, &count, nullptr), "create a dataspace"));
    errors.status(H5Dread(dataset, H5TypeOf<T>::memory(), memory_space.get(), file_space.get(), H5P_DEFAULT, values.data()),
                  std::string("read dataset /") + name);
    return values;
}

// The plan's model, rank count and size against the run's.
void check_against_run(const std::string& name, std::uint64_t plan_fingerprint, std::uint32_t plan_ranks,
                       std::uint64_t plan_cells, std::uint64_t fingerprint, Gid cells, std::uint32_t ranks) {
    if (plan_fingerprint != fingerprint) {
        throw input_error(name + ": the plan was made for another model (model_fingerprint " +
                          hex(plan_fingerprint) + ", this model's is " + hex(fingerprint) +
                          "); make a new plan for this model");
    }
    if (plan_ranks != ranks) {
        throw input_error(name + ": the plan is for " + std::to_string(plan_ranks) + " ranks but this run has " +
                          std::to_string(ranks) + "; run with mpirun -n " + std::to_string(plan_ranks) +
                          " or make a plan for " + std::to_string(ranks) + " ranks");
    }
    if (plan_cells != cells) {
        throw input_error(name + ": dataset /rank_of_gid has " + std::to_string(plan_cells) +
                          " entries but the model has " + std::to_string(cells) + " cells");
    }
}

// Split cells: ascending gids below `cells`, cuts in order, one rank and thread per piece in range.
void check_splits(const SplitLayout& splits, const std::string& file, std::uint64_t cells, std::uint32_t ranks,
                  std::uint32_t threads) {
    Gid previous = 0;
    for (std::size_t i = 0; i < splits.cells.size(); ++i) {
        const SplitCellPlacement& c = splits.cells[i];
        const std::string where = file + ": split cell " + std::to_string(i) + " (gid " + std::to_string(c.gid) + ")";
        if (c.gid >= cells || (i > 0 && c.gid <= previous))
            throw input_error(where + ": dataset /split_gid: expected ascending gids below " +
                              std::to_string(cells));
        previous = c.gid;
        for (std::size_t k = 0; k < c.split.cuts.size(); ++k)
            if (c.split.cuts[k] == 0 || (k > 0 && c.split.cuts[k] <= c.split.cuts[k - 1]))
                throw input_error(where + ": dataset /split_cuts: expected ascending node numbers above 0");
        if (c.piece_rank.size() != c.split.piece_count() || c.piece_thread.size() != c.split.piece_count())
            throw input_error(where + ": datasets /split_piece_rank and /split_piece_thread: expected one entry per piece (" +
                              std::to_string(c.split.piece_count()) + ")");
        for (std::size_t p = 0; p < c.piece_rank.size(); ++p)
            if (c.piece_rank[p] >= ranks || c.piece_thread[p] >= threads)
                throw input_error(where + ": piece " + std::to_string(p) + " is placed on rank " +
                                  std::to_string(c.piece_rank[p]) + " thread " + std::to_string(c.piece_thread[p]) +
                                  " but the plan has " + std::to_string(ranks) + " ranks x " +
                                  std::to_string(threads) + " threads");
    }
}

// The checks that need no run: counts and indices agree with each other.
void check_self_consistent(const Plan& plan, const std::string& file) {
    if (plan.ranks == 0) throw input_error(file + ": attribute ranks: expected at least 1, got 0");
    if (plan.threads == 0) throw input_error(file + ": attribute threads: expected at least 1, got 0");
    if (plan.thread_of_gid.size() != plan.rank_of_gid.size()) {
        throw input_error(file + ": dataset /thread_of_gid has " + std::to_string(plan.thread_of_gid.size()) +
                          " entries but /rank_of_gid has " + std::to_string(plan.rank_of_gid.size()) +
                          "; expected one entry per gid in both");
    }
    if (plan.predicted_load.size() != plan.ranks) {
        throw input_error(file + ": dataset /predicted_load has " + std::to_string(plan.predicted_load.size()) +
                          " entries; expected one per rank (" + std::to_string(plan.ranks) + ")");
    }
    for (std::size_t gid = 0; gid < plan.rank_of_gid.size(); ++gid) {
        if (plan.rank_of_gid[gid] >= plan.ranks) {
            throw input_error(file + ": dataset /rank_of_gid: gid " + std::to_string(gid) + " is placed on rank " +
                              std::to_string(plan.rank_of_gid[gid]) + " but the plan has ranks 0.." +
                              std::to_string(plan.ranks - 1));
        }
        if (plan.thread_of_gid[gid] >= plan.threads) {
            throw input_error(file + ": dataset /thread_of_gid: gid " + std::to_string(gid) + " is placed on thread " +
                              std::to_string(plan.thread_of_gid[gid]) + " but the plan has threads 0.." +
                              std::to_string(plan.threads - 1));
        }
    }
    check_splits(plan.splits, file, plan.rank_of_gid.size(), plan.ranks, plan.threads);
}

}  // namespace

void write_plan(const std::filesystem::path& path, const Plan& plan) {
    H5QuietErrors quiet;
    const std::string file = path.string();
    check_self_consistent(plan, file);
    const std::filesystem::path temporary = file + ".part";
    const H5Errors errors(file);
    try {
        {
            H5File h5(H5Fcreate(temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
            if (!h5) errors.fail("create the plan file (written as " + temporary.string() + " until complete)");
            write_string_attribute(h5.get(), "format", plan_format, errors);
            write_scalar_attribute<std::uint32_t>(h5.get(), "format_version", plan_format_version, errors);
            write_scalar_attribute<std::uint64_t>(h5.get(), "model_fingerprint", plan.model_fingerprint, errors);
            write_scalar_attribute<std::uint32_t>(h5.get(), "ranks", plan.ranks, errors);
            write_scalar_attribute<std::uint32_t>(h5.get(), "threads", plan.threads, errors);
            write_string_attribute(h5.get(), "method", plan.method, errors);
            write_vector(h5.get(), "rank_of_gid", plan.rank_of_gid, errors);
            write_vector(h5.get(), "thread_of_gid", plan.thread_of_gid, errors);
            write_vector(h5.get(), "predicted_load", plan.predicted_load, errors);
            // The same assignment rank by rank, so that each rank reads only its own part.
            std::vector<std::uint64_t> offsets(plan.ranks + 1, 0);
            for (std::uint32_t r : plan.rank_of_gid) ++offsets[r + 1];
            for (std::uint32_t r = 0; r < plan.ranks; ++r) offsets[r + 1] += offsets[r];
            std::vector<std::uint32_t> gids(plan.rank_of_gid.size());
            std::vector<std::uint16_t> threads(plan.rank_of_gid.size());
            {
                std::vector<std::uint64_t> next(offsets.begin(), offsets.end() - 1);
                for (std::size_t g = 0; g < plan.rank_of_gid.size(); ++g) {
                    const std::uint64_t at = next[plan.rank_of_gid[g]]++;
                    gids[at] = static_cast<std::uint32_t>(g);
                    threads[at] = plan.thread_of_gid[g];
                }
            }
            write_vector(h5.get(), "rank_offsets", offsets, errors);
            write_vector(h5.get(), "gids_by_rank", gids, errors);
            write_vector(h5.get(), "threads_by_rank", threads, errors);
            {
                H5Dataset load(errors.id(H5Dopen2(h5.get(), "predicted_load", H5P_DEFAULT), "open dataset /predicted_load"));
                write_string_attribute(load.get(), "units", "s/s", errors);
            }
            if (!plan.splits.empty()) {
                std::vector<std::uint64_t> gid, cut_offset{0};
                std::vector<std::uint32_t> cuts, piece_rank;
                std::vector<std::uint16_t> piece_thread;
                for (const SplitCellPlacement& c : plan.splits.cells) {
                    gid.push_back(c.gid);
                    cuts.insert(cuts.end(), c.split.cuts.begin(), c.split.cuts.end());
                    cut_offset.push_back(cuts.size());
                    piece_rank.insert(piece_rank.end(), c.piece_rank.begin(), c.piece_rank.end());
                    piece_thread.insert(piece_thread.end(), c.piece_thread.begin(), c.piece_thread.end());
                }
                write_vector(h5.get(), "split_gid", gid, errors);
                write_vector(h5.get(), "split_cut_offset", cut_offset, errors);
                write_vector(h5.get(), "split_cuts", cuts, errors);
                write_vector(h5.get(), "split_piece_rank", piece_rank, errors);
                write_vector(h5.get(), "split_piece_thread", piece_thread, errors);
            }
            if (h5.close() < 0) errors.fail("close the plan file");
        }
        std::error_code error;
        std::filesystem::rename(temporary, path, error);
        if (error) throw input_error(file + ": cannot rename the finished plan from " + temporary.string() + ": " + error.message());
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        throw;
    }
}

namespace {

// Opens a plan file and checks what identifies it (format, version).
H5File open_plan(const std::filesystem::path& path, const H5Errors& errors) {
    const std::string file = path.string();
    if (!std::filesystem::exists(path)) throw input_error(file + ": plan file not found");
    const htri_t is_hdf5 = H5Fis_hdf5(file.c_str());
    if (is_hdf5 <= 0) {
        take_hdf5_error_detail();
        throw input_error(file + ": not an HDF5 file (expected a plan written by `plan`)");
    }
    H5File h5(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!h5) errors.fail("open the plan file");
    const std::string format = read_string_attribute(h5.get(), "/", "format", errors);
    if (format != plan_format) {
        throw input_error(file + ": attribute format: expected \"" + std::string(plan_format) + "\", got \"" + format +
                          "\" (this is not a parnet plan file)");
    }
    const auto version = read_scalar_attribute<std::uint32_t>(h5.get(), "/", "format_version", H5T_INTEGER, errors);
    if (version != plan_format_version) {
        throw input_error(file + ": attribute format_version: expected " + std::to_string(plan_format_version) +
                          ", got " + std::to_string(version));
    }
    return h5;
}

// The split cells' datasets (/split_*), if the plan has any.
SplitLayout read_splits(hid_t h5, const std::string& file, const H5Errors& errors) {
    SplitLayout splits;
    if (errors.truth(H5Lexists(h5, "split_gid", H5P_DEFAULT), "look up dataset /split_gid")) {
        const auto gid = read_vector<std::uint64_t>(h5, "split_gid", H5T_INTEGER,
                                                    "a 1-D unsigned integer dataset, one gid per split cell", errors);
        const auto offset = read_vector<std::uint64_t>(h5, "split_cut_offset", H5T_INTEGER,
                                                       "a 1-D unsigned integer dataset, split cells + 1 offsets", errors);
        const auto cuts = read_vector<std::uint32_t>(h5, "split_cuts", H5T_INTEGER,
                                                     "a 1-D unsigned integer dataset of cut nodes", errors);
        const auto rank = read_vector<std::uint32_t>(h5, "split_piece_rank", H5T_INTEGER,
                                                     "a 1-D unsigned integer dataset, one rank per piece", errors);
        const auto thread = read_vector<std::uint16_t>(h5, "split_piece_thread", H5T_INTEGER,
                                                       "a 1-D unsigned integer dataset, one thread per piece", errors);
        if (offset.size() != gid.size() + 1 || offset.front() != 0 || offset.back() != cuts.size() ||
            !std::is_sorted(offset.begin(), offset.end()))
            throw input_error(file + ": dataset /split_cut_offset: expected " + std::to_string(gid.size() + 1) +
                              " ascending offsets from 0 to the length of /split_cuts (" + std::to_string(cuts.size()) + ")");
        if (rank.size() != cuts.size() + gid.size() || thread.size() != rank.size())
            throw input_error(file + ": datasets /split_piece_rank and /split_piece_thread: expected one entry per piece (" +
                              std::to_string(cuts.size() + gid.size()) + ")");
        std::size_t piece = 0;
        for (std::size_t i = 0; i < gid.size(); ++i) {
            SplitCellPlacement c;
            c.gid = gid[i];
            c.split.cuts.assign(cuts.begin() + static_cast<std::ptrdiff_t>(offset[i]),
                                cuts.begin() + static_cast<std::ptrdiff_t>(offset[i + 1]));
            for (std::size_t p = 0; p < c.split.piece_count(); ++p, ++piece) {
                c.piece_rank.push_back(rank[piece]);
                c.piece_thread.push_back(thread[piece]);
            }
            splits.cells.push_back(std::move(c));
        }
    }
    return splits;
}

}  // namespace

Plan read_plan(const std::filesystem::path& path) {
    H5QuietErrors quiet;
    const std::string file = path.string();
    const H5Errors errors(file);
    const H5File h5 = open_plan(path, errors);
    Plan plan;
    plan.model_fingerprint = read_scalar_attribute<std::uint64_t>(h5.get(), "/", "model_fingerprint", H5T_INTEGER, errors);
    plan.ranks = read_scalar_attribute<std::uint32_t>(h5.get(), "/", "ranks", H5T_INTEGER, errors);
    plan.threads = read_scalar_attribute<std::uint32_t>(h5.get(), "/", "threads", H5T_INTEGER, errors);
    plan.method = read_string_attribute(h5.get(), "/", "method", errors);
    plan.rank_of_gid = read_vector<std::uint32_t>(h5.get(), "rank_of_gid", H5T_INTEGER,
                                                  "a 1-D unsigned integer dataset, one rank per gid", errors);
    plan.thread_of_gid = read_vector<std::uint16_t>(h5.get(), "thread_of_gid", H5T_INTEGER,
                                                    "a 1-D unsigned integer dataset, one thread per gid", errors);
    plan.predicted_load = read_vector<double>(h5.get(), "predicted_load", H5T_FLOAT,
                                              "a 1-D floating-point dataset, one load per rank", errors);
    plan.splits = read_splits(h5.get(), file, errors);
    check_self_consistent(plan, file);
    return plan;
}

PlanPart read_plan_part(const std::filesystem::path& path, std::uint32_t rank) {
    H5QuietErrors quiet;
    const std::string file = path.string();
    const H5Errors errors(file);
    const H5File h5 = open_plan(path, errors);
    PlanPart part;
    part.model_fingerprint = read_scalar_attribute<std::uint64_t>(h5.get(), "/", "model_fingerprint", H5T_INTEGER, errors);
    part.ranks = read_scalar_attribute<std::uint32_t>(h5.get(), "/", "ranks", H5T_INTEGER, errors);
    part.threads = read_scalar_attribute<std::uint32_t>(h5.get(), "/", "threads", H5T_INTEGER, errors);
    part.method = read_string_attribute(h5.get(), "/", "method", errors);
    if (part.ranks == 0) throw input_error(file + ": attribute ranks: expected at least 1, got 0");
    if (part.threads == 0) throw input_error(file + ": attribute threads: expected at least 1, got 0");
    part.predicted_load = read_vector<double>(h5.get(), "predicted_load", H5T_FLOAT,
                                              "a 1-D floating-point dataset, one load per rank", errors);
    if (part.predicted_load.size() != part.ranks) {
        throw input_error(file + ": dataset /predicted_load has " + std::to_string(part.predicted_load.size()) +
                          " entries; expected one per rank (" + std::to_string(part.ranks) + ")");
    }
    hsize_t cells = 0, threads_size = 0;
    const H5Dataset rank_of_gid = open_vector(h5.get(), "rank_of_gid", H5T_INTEGER,
                                              "a 1-D unsigned integer dataset, one rank per gid", errors, cells);
    const H5Dataset thread_of_gid = open_vector(h5.get(), "thread_of_gid", H5T_INTEGER,
                                                "a 1-D unsigned integer dataset, one thread per gid", errors, threads_size);
    if (threads_size != cells) {
        throw input_error(file + ": dataset /thread_of_gid has " + std::to_string(threads_size) +
                          " entries but /rank_of_gid has " + std::to_string(cells) + "; expected one entry per gid in both");
    }
    part.cells = cells;
    part.splits = read_splits(h5.get(), file, errors);
    check_splits(part.splits, file, cells, part.ranks, part.threads);
    if (rank >= part.ranks) return part;  // check_plan_part refuses the rank count
    const auto thread_in_range = [&](std::uint16_t thread, std::uint64_t gid, const char* dataset) {
        if (thread >= part.threads) {
            throw input_error(file + ": dataset /" + dataset + ": gid " + std::to_string(gid) + " is placed on thread " +
                              std::to_string(thread) + " but the plan has threads 0.." + std::to_string(part.threads - 1));
        }
    };
    if (errors.truth(H5Lexists(h5.get(), "rank_offsets", H5P_DEFAULT), "look up dataset /rank_offsets")) {
        hsize_t offsets_size = 0, gids_size = 0, by_rank_threads = 0;
        const H5Dataset offsets = open_vector(h5.get(), "rank_offsets", H5T_INTEGER,
                                              "a 1-D unsigned integer dataset, ranks + 1 offsets", errors, offsets_size);
        const H5Dataset gids = open_vector(h5.get(), "gids_by_rank", H5T_INTEGER,
                                           "a 1-D unsigned integer dataset, the gids rank by rank", errors, gids_size);
        const H5Dataset threads = open_vector(h5.get(), "threads_by_rank", H5T_INTEGER,
                                              "a 1-D unsigned integer dataset, one thread per entry of /gids_by_rank",
                                              errors, by_rank_threads);
        if (offsets_size != part.ranks + 1u)
            throw input_error(file + ": dataset /rank_offsets has " + std::to_string(offsets_size) +
                              " entries; expected ranks + 1 (" + std::to_string(part.ranks + 1u) + ")");
        if (gids_size != cells || by_rank_threads != cells)
            throw input_error(file + ": datasets /gids_by_rank and /threads_by_rank have " + std::to_string(gids_size) +
                              " and " + std::to_string(by_rank_threads) + " entries; expected one per gid (" +
                              std::to_string(cells) + ")");
        const auto range = read_slice<std::uint64_t>(offsets.get(), "rank_offsets", rank, 2, errors);
        if (range[0] > range[1] || range[1] > cells)
            throw input_error(file + ": dataset /rank_offsets: rank " + std::to_string(rank) + "'s entries [" +
                              std::to_string(range[0]) + ", " + std::to_string(range[1]) + ") are not within the " +
                              std::to_string(cells) + " gids");
        part.gids = read_slice<Gid>(gids.get(), "gids_by_rank", range[0], range[1] - range[0], errors);
        part.thread_of = read_slice<std::uint16_t>(threads.get(), "threads_by_rank", range[0], range[1] - range[0], errors);
        for (std::size_t i = 0; i < part.gids.size(); ++i) {
            if (part.gids[i] >= cells || (i > 0 && part.gids[i] <= part.gids[i - 1]))
                throw input_error(file + ": dataset /gids_by_rank: rank " + std::to_string(rank) +
                                  "'s gids are not ascending gids below " + std::to_string(cells) + " (entry " +
                                  std::to_string(range[0] + i) + ": " + std::to_string(part.gids[i]) + ")");
            thread_in_range(part.thread_of[i], part.gids[i], "threads_by_rank");
        }
        return part;
    }
    // No rank-major datasets: the whole assignment, a slice at a time.
    constexpr hsize_t slice = hsize_t{1} << 20;
    for (hsize_t first = 0; first < cells; first += slice) {
        const hsize_t count = std::min(slice, cells - first);
        const auto ranks = read_slice<std::uint32_t>(rank_of_gid.get(), "rank_of_gid", first, count, errors);
        const auto threads = read_slice<std::uint16_t>(thread_of_gid.get(), "thread_of_gid", first, count, errors);
        for (hsize_t i = 0; i < count; ++i) {
            if (ranks[i] >= part.ranks)
                throw input_error(file + ": dataset /rank_of_gid: gid " + std::to_string(first + i) + " is placed on rank " +
                                  std::to_string(ranks[i]) + " but the plan has ranks 0.." + std::to_string(part.ranks - 1));
            thread_in_range(threads[i], first + i, "thread_of_gid");
            if (ranks[i] == rank) {
                part.gids.push_back(static_cast<Gid>(first + i));
                part.thread_of.push_back(threads[i]);
            }
        }
    }
    return part;
}

void check_plan_part(const PlanPart& part, const std::filesystem::path& file, std::uint64_t fingerprint, Gid cells,
                     std::uint32_t ranks) {
    check_against_run(file.string(), part.model_fingerprint, part.ranks, part.cells, fingerprint, cells, ranks);
}

Plan round_robin_plan(std::uint64_t fingerprint, Gid cells, std::uint32_t ranks, std::uint32_t threads) {
    Plan plan;
    plan.model_fingerprint = fingerprint;
    plan.ranks = ranks;
    plan.threads = threads;
    plan.method = "round-robin";
    plan.rank_of_gid.resize(cells);
    plan.thread_of_gid.resize(cells);
    for (Gid gid = 0; gid < cells; ++gid) {
        plan.rank_of_gid[gid] = ranks > 0 ? gid % ranks : 0;
        plan.thread_of_gid[gid] = static_cast<std::uint16_t>(ranks > 0 && threads > 0 ? (gid / ranks) % threads : 0);
    }
    plan.predicted_load.assign(ranks, 0.0);
    return plan;
}

void check_plan(const Plan& plan, const std::filesystem::path& file, std::uint64_t fingerprint, Gid cells,
                std::uint32_t ranks) {
    check_against_run(file.string(), plan.model_fingerprint, plan.ranks, plan.rank_of_gid.size(), fingerprint, cells, ranks);
    check_self_consistent(plan, file.string());
}

void check_plan_splits(const SplitLayout& splits, const std::filesystem::path& file, const Recipe& recipe) {
    for (const SplitCellPlacement& c : splits.cells) {
        const std::string where = file.string() + ": split cell gid " + std::to_string(c.gid);
        const auto description = recipe.kind(c.gid) == CellKind::cable ? recipe.cable_cell(c.gid) : nullptr;
        if (!description)
            throw input_error(where + ": only cable cells can be split (population " +
                              recipe.population_range(c.gid).name + ")");
        const cable::CableLayout layout(*description);
        if (!c.split.cuts.empty() && c.split.cuts.back() >= layout.node_count())
            throw input_error(where + ": cut at node " + std::to_string(c.split.cuts.back()) + " but the cell has nodes 0.." +
                              std::to_string(layout.node_count() - 1));
        // An older plan, or one made by hand, may split a cell the split groups cannot run as the
        // whole cell runs: refuse rather than differ.
        if (auto why = cable::why_not_splittable(*description, recipe.clamps_on(c.gid)))
            throw input_error(where + ": this cell cannot be split: " + *why + "; plan again (the planner keeps it whole)");
    }
}

}  // namespace parnet::io
