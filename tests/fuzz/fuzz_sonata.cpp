// fuzz_sonata: damages a SONATA circuit deterministically and reads each damaged copy as the
// engine does (the config, the nodes and type tables, every cell's edges through the target
// index, every cell's parameters). Every mutant must either be read or be refused with an
// input_error that names a file of the circuit; any other exception, a crash or a read longer than
// --hang-seconds is a failure.
//
// Usage: fuzz_sonata [--count N] [--seconds S] [--seed K] --work DIR CIRCUIT_FOLDER
// (CIRCUIT_FOLDER holds circuit_config.json, e.g. tests/sonata/small_circuit.py's.) Mutation i is a
// pure function of (seed, i): a failure prints both and keeps the damaged copy as DIR/failure-<i>/.
//
// Damage to HDF5 files: an element set to a boundary value (-1, 0, the length, 2^31, 2^63-1, nan,
// inf), a dataset removed, retyped (integer <-> float, or strings), shortened or lengthened, an
// attribute removed or renamed; to text files (type tables, the config, dynamics_params): a line
// removed or duplicated, a field replaced, bytes flipped, the file truncated.
#include "engine/errors.hpp"
#include "io/hdf5_handle.hpp"
#include "io/sonata_circuit.hpp"

#include <hdf5.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace parnet;

namespace {

struct Options {
    std::uint64_t count = 1000;
    double seconds = 0;
    std::uint64_t seed = 1;
    fs::path work = "fuzz_sonata_work";
    fs::path circuit;
};

const double boundary_values[] = {-1.0, 0.0, 1.0, 2147483648.0, 9.2233720368547748e18, -9.2233720368547758e18,
                                  std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                                  -0.5, 1e-300, 1e300, 0.01};

std::vector<std::string> datasets_of(hid_t file) {
    std::vector<std::string> names;
    auto visit = [](hid_t, const char* name, const H5O_info_t* info, void* out) -> herr_t {
        if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(out)->emplace_back(name);
        return 0;
    };
    H5Ovisit(file, H5_INDEX_NAME, H5_ITER_INC, visit, &names);
    return names;
}

// Rewrites dataset `name` with `values` (1-d or n x columns) of the given memory/file type.
template <class T>
void rewrite(hid_t file, const std::string& name, const std::vector<T>& values, hid_t type, hsize_t columns) {
    H5Ldelete(file, name.c_str(), H5P_DEFAULT);
    const hsize_t dims[2] = {columns > 0 ? values.size() / columns : values.size(), columns};
    const hid_t space = H5Screate_simple(columns > 1 ? 2 : 1, dims, nullptr);
    const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    const hid_t d = H5Dcreate2(file, name.c_str(), type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    if (d >= 0 && !values.empty()) H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    if (d >= 0) H5Dclose(d);
    H5Pclose(lcpl);
    H5Sclose(space);
}

void mutate_hdf5(const fs::path& path, std::mt19937_64& rng) {
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    if (file < 0) return;
    const auto names = datasets_of(file);
    if (names.empty()) {
        H5Fclose(file);
        return;
    }
    const std::string name = names[rng() % names.size()];
    const hid_t d = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
    const hid_t type = H5Dget_type(d);
    const hid_t space = H5Dget_space(d);
    const bool integer = H5Tget_class(type) == H5T_INTEGER;
    const bool numeric = integer || H5Tget_class(type) == H5T_FLOAT;
    hsize_t dims[2] = {0, 1};
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank >= 1 && rank <= 2) H5Sget_simple_extent_dims(space, dims, nullptr);
    const hsize_t columns = rank == 2 ? dims[1] : 1;
    std::vector<double> values(numeric ? dims[0] * columns : 0);
    if (numeric && !values.empty()) H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    const bool has_population = H5Aexists(d, "node_population") > 0;
    H5Sclose(space);
    H5Tclose(type);
    H5Dclose(d);
    auto as_integers = [](const std::vector<double>& v) {
        std::vector<std::int64_t> out(v.size());
        for (std::size_t i = 0; i < v.size(); ++i)
            out[i] = std::isfinite(v[i]) && std::abs(v[i]) < 9e18 ? static_cast<std::int64_t>(v[i]) : -1;
        return out;
    };
    auto put_back = [&](const std::vector<double>& v) {
        if (integer) rewrite(file, name, as_integers(v), H5T_NATIVE_INT64, columns);
        else rewrite(file, name, v, H5T_NATIVE_DOUBLE, columns);
    };
    switch (rng() % 8) {
    case 0:
    case 1:  // one element to a boundary value
        if (!values.empty()) {
            double v = boundary_values[rng() % std::size(boundary_values)];
            if (rng() % 3 == 0) v = static_cast<double>(dims[0]) - static_cast<double>(rng() % 2);
            values[rng() % values.size()] = v;
            put_back(values);
        }
        break;
    case 2: H5Ldelete(file, name.c_str(), H5P_DEFAULT); break;
    case 3:  // retyped
        if (integer) rewrite(file, name, values, H5T_NATIVE_DOUBLE, columns);
        else if (numeric) rewrite(file, name, as_integers(values), H5T_NATIVE_INT64, columns);
        break;
    case 4:  // shortened or lengthened by a row
        if (numeric) {
            if (rng() % 2 && values.size() >= columns) values.resize(values.size() - columns);
            else values.insert(values.end(), columns, 1.0);
            put_back(values);
        }
        break;
    case 5:  // strings instead
        {
            const hid_t s = H5Tcopy(H5T_C_S1);
            H5Tset_size(s, 4);
            std::vector<char> text(4 * std::max<hsize_t>(1, dims[0]), 'a');
            H5Ldelete(file, name.c_str(), H5P_DEFAULT);
            const hsize_t n = std::max<hsize_t>(1, dims[0]);
            const hid_t sp = H5Screate_simple(1, &n, nullptr);
            const hid_t nd = H5Dcreate2(file, name.c_str(), s, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            if (nd >= 0) {
                H5Dwrite(nd, s, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data());
                H5Dclose(nd);
            }
            H5Sclose(sp);
            H5Tclose(s);
        }
        break;
    case 6:  // the node_population attribute removed or renamed
        if (has_population) {
            const hid_t dd = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
            H5Adelete(dd, "node_population");
            if (rng() % 2) {
                const hid_t s = H5Tcopy(H5T_C_S1);
                H5Tset_size(s, H5T_VARIABLE);
                const hid_t sp = H5Screate(H5S_SCALAR);
                const hid_t a = H5Acreate2(dd, "node_population", s, sp, H5P_DEFAULT, H5P_DEFAULT);
                const char* value = rng() % 2 ? "nowhere" : "exc";
                H5Awrite(a, s, &value);
                H5Aclose(a);
                H5Sclose(sp);
                H5Tclose(s);
            }
            H5Dclose(dd);
        }
        break;
    default:  // two elements swapped (an index out of order)
        if (values.size() >= 2) {
            std::swap(values[rng() % values.size()], values[rng() % values.size()]);
            put_back(values);
        }
        break;
    }
    H5Fclose(file);
}

void mutate_text(const fs::path& path, std::mt19937_64& rng) {
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    in.close();
    std::vector<std::string> lines;
    std::stringstream s(text);
    for (std::string line; std::getline(s, line);) lines.push_back(line);
    static const char* tokens[] = {"-1", "NONE", "\"", "1e309", "nan", "x", "0", "4294967296", "virtual", "biophysical",
                                   "$MISSING", "{", "", "0.001", "nrn:IntFire1", "parnet:lif"};
    switch (rng() % 6) {
    case 0:
        if (!lines.empty()) lines.erase(lines.begin() + static_cast<long>(rng() % lines.size()));
        break;
    case 1:
        if (!lines.empty()) lines.insert(lines.begin() + static_cast<long>(rng() % lines.size()), lines[rng() % lines.size()]);
        break;
    case 2:
    case 3:
        if (!lines.empty()) {  // a space-, comma- or quote-delimited field replaced
            std::string& line = lines[rng() % lines.size()];
            if (!line.empty()) {
                const std::size_t at = rng() % line.size();
                const std::size_t end = line.find_first_of(" ,\":", at);
                line.replace(at, (end == std::string::npos ? line.size() : end) - at, tokens[rng() % std::size(tokens)]);
            }
        }
        break;
    case 4:
        if (!text.empty()) {
            text[rng() % text.size()] = static_cast<char>(rng() % 256);
            std::ofstream(path, std::ios::binary) << text;
            return;
        }
        break;
    default:
        std::ofstream(path, std::ios::binary) << text.substr(0, text.empty() ? 0 : rng() % text.size());
        return;
    }
    std::ofstream out(path, std::ios::binary);
    for (const auto& line : lines) out << line << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "fuzz_sonata: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--count") opt.count = std::stoull(next());
        else if (a == "--seconds") opt.seconds = std::stod(next());
        else if (a == "--seed") opt.seed = std::stoull(next());
        else if (a == "--work") opt.work = next();
        else opt.circuit = a;
    }
    if (opt.circuit.empty() || !fs::exists(opt.circuit / "circuit_config.json")) {
        std::fprintf(stderr, "usage: fuzz_sonata [--count N] [--seconds S] [--seed K] --work DIR CIRCUIT_FOLDER\n");
        return 2;
    }
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(opt.circuit))
        if (e.is_regular_file()) files.push_back(fs::relative(e.path(), opt.circuit));
    std::sort(files.begin(), files.end());
    fs::create_directories(opt.work);
    const fs::path mutant = fs::absolute(opt.work) / "mutant";
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t read = 0, refused = 0, failures = 0, done = 0;
    for (std::uint64_t i = 0; i < opt.count; ++i) {
        if (opt.seconds > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > opt.seconds) break;
        std::mt19937_64 rng(opt.seed * 0x9E3779B97F4A7C15ull + i);
        fs::remove_all(mutant);
        fs::copy(opt.circuit, mutant, fs::copy_options::recursive);
        const int n = 1 + static_cast<int>(rng() % 2);
        for (int k = 0; k < n; ++k) {
            const fs::path target = mutant / files[rng() % files.size()];
            if (target.extension() == ".h5") mutate_hdf5(target, rng);
            else mutate_text(target, rng);
        }
        std::string failure;
        try {
            io::RunOverrides overrides;
            overrides.output = (opt.work / "out").string();
            io::SonataCircuit circuit(io::read_sonata_config(mutant / "circuit_config.json", overrides));
            std::vector<Gid> all(circuit.model().cell_count());
            for (Gid g = 0; g < all.size(); ++g) all[g] = g;
            circuit.load_incoming(all);
            for (Gid g : all) {
                (void)circuit.incoming(g);
                const Population& pop = circuit.model().populations[circuit.model().population_index(g)];
                for (const auto& [name, value] : pop.params) (void)circuit.parameter(g, name);
            }
            ++read;
        } catch (const input_error& e) {
            const std::string message = e.what();
            if (message.find(mutant.string()) == std::string::npos && message.rfind("--", 0) != 0)
                failure = "refusal does not name a file of the circuit: " + message;
            else
                ++refused;
        } catch (const std::exception& e) {
            failure = std::string("not an input_error: ") + e.what();
        }
        if (!failure.empty()) {
            ++failures;
            const fs::path kept = opt.work / ("failure-" + std::to_string(i));
            fs::remove_all(kept);
            fs::copy(mutant, kept, fs::copy_options::recursive);
            std::fprintf(stderr, "fuzz_sonata: FAIL seed %llu mutation %llu (%s): %s\n", static_cast<unsigned long long>(opt.seed),
                         static_cast<unsigned long long>(i), kept.c_str(), failure.substr(0, 400).c_str());
        }
        done = i + 1;
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("fuzz_sonata: %llu mutations in %.1f s: %llu read, %llu refused naming a file of the circuit, %llu failures\n",
                static_cast<unsigned long long>(done), wall, static_cast<unsigned long long>(read),
                static_cast<unsigned long long>(refused), static_cast<unsigned long long>(failures));
    return failures == 0 ? 0 : 1;
}
