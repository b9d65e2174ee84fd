// _parnet: the compiled half of the Python module `parnet` (docs/python.md). It only converts:
// mpi4py communicators to MPI_Comm, JSON text to the engine's Model (io::parse_model, so a model
// built in Python is the engine's model bit for bit), files to the engine's network input (JSON or
// SONATA), a Python recipe's bulk answers (numpy arrays) to PythonRecipe, run and plan options
// in, results out as numpy arrays, and agreed failures (engine/collective_errors.hpp) to Python
// exceptions raised on every rank.
#include "engine/collective_errors.hpp"
#include "python_recipe.hpp"
#include "python_run.hpp"

#include "balance/planner.hpp"
#include "engine/random_stream.hpp"
#include "io/cable_cell_reader.hpp"

#include "engine/errors.hpp"
#include "engine/model.hpp"
#include "io/model_reader.hpp"

#include <mpi4py/mpi4py.h>
#include <nlohmann/json.hpp>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>

namespace py = pybind11;
using namespace parnet;
using namespace parnet::python;

namespace {

// MPI.COMM_WORLD when None; a TypeError for anything that is not an mpi4py communicator.
MPI_Comm communicator(py::object comm) {
    if (comm.is_none()) comm = py::module_::import("mpi4py.MPI").attr("COMM_WORLD");
    MPI_Comm* handle = PyMPIComm_Get(comm.ptr());
    if (!handle) throw py::error_already_set();
    if (*handle == MPI_COMM_NULL) throw py::value_error("comm: expected a communicator, got MPI.COMM_NULL");
    return *handle;
}

template <class T>
py::array_t<T> to_numpy(const std::vector<T>& v) {
    return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}

// numpy arrays in: contiguous, converted to T where numpy can (the package has checked the kind).
template <class T>
using array_in = py::array_t<T, py::array::c_style | py::array::forcecast>;

template <class T>
std::span<const T> view(const array_in<T>& a) {
    return {a.data(), static_cast<std::size_t>(a.size())};
}

std::shared_ptr<io::NetworkInput> read_input(const std::string& path, py::object comm) {
    const Communicator c(communicator(comm));
    return agreed_everywhere(c, [&] {
        return std::make_shared<io::NetworkInput>(path, io::RunOverrides{}, 100.0, c.size(), c.ranks_on_this_node(), 0.0);
    });
}

// The planner is one process: rank 0 plans, every rank raises its failure.
void plan_model(const balance::PlannerOptions& options, py::object comm) {
    const MPI_Comm c = communicator(comm);
    int rank = 0;
    MPI_Comm_rank(c, &rank);
    py::gil_scoped_release free;
    agreed_everywhere(c, [&] {
        if (rank == 0) balance::make_plan(options);
    });
}

// A Python recipe through the same planner, on rank 0, which has asked the recipe about every gid
// (parnet/recipe.py, prepare_all_cells_on_rank0); every rank raises its failure.
void plan_recipe(const python::PythonRecipe& recipe, const balance::PlannerOptions& options, py::object comm) {
    const MPI_Comm c = communicator(comm);
    int rank = 0;
    MPI_Comm_rank(c, &rank);
    py::gil_scoped_release free;
    agreed_everywhere(c, [&] {
        if (rank == 0) balance::make_plan(recipe, recipe.fingerprint(), recipe.origin(), options);
    });
}

// text is None when Python could not write the document as JSON; `problem` then says why.
std::shared_ptr<Model> parse_model(std::optional<std::string> text, const std::string& source,
                                   const std::string& problem, py::object comm) {
    const MPI_Comm c = communicator(comm);
    return agreed_everywhere(c, [&] {
        if (!text) throw input_error(problem);
        nlohmann::json document;
        try {
            document = nlohmann::json::parse(*text);
        } catch (const nlohmann::json::parse_error& e) {
            throw input_error(source + ": not valid JSON: " + e.what());
        }
        return std::make_shared<Model>(io::parse_model(document, source));
    });
}

Say python_say() {
    return [](const std::string& line) {
        py::gil_scoped_acquire gil;
        py::print(line, py::arg("flush") = true);
    };
}

py::dict results(const RunResult& r);

py::dict run_native_model(const std::shared_ptr<Model>& model, py::object comm, const RunOptions& options) {
    const MPI_Comm c = communicator(comm);
    RunResult r;
    {
        py::gil_scoped_release free;
        r = run_model(*model, c, options, python_say());
    }
    return results(r);
}

py::dict run_native_input(const std::shared_ptr<io::NetworkInput>& input, const std::string& file, py::object comm,
                          const RunOptions& options) {
    const MPI_Comm c = communicator(comm);
    RunResult r;
    {
        py::gil_scoped_release free;
        r = run_input(*input, file, c, options, python_say());
    }
    return results(r);
}

// The engine only reads what the package stored in the recipe: no Python runs while the GIL is free.
py::dict run_python_recipe(python::PythonRecipe& recipe, const run::ChosenDecomposition& chosen, py::object comm,
                           const RunOptions& options) {
    const MPI_Comm c = communicator(comm);
    RunResult r;
    {
        py::gil_scoped_release free;
        // A replay asks for the replayed cells' connections after the build: they stay.
        const auto built = [&] {
            if (options.replay.empty()) recipe.release_connections();
        };
        r = run_recipe(recipe, chosen, c, options, {recipe.fingerprint(), recipe.origin(), {}, built}, python_say());
    }
    return results(r);
}

py::dict results(const RunResult& r) {
    py::dict out;
    out["holds_results"] = r.holds_results;
    if (r.holds_results) {
        out["spike_gids"] = to_numpy(r.spike_gids);
        out["spike_times"] = to_numpy(r.spike_times);
        py::list traces;
        for (const TraceResult& t : r.traces) {
            py::dict d;
            d["name"] = t.name;
            d["population"] = t.population;
            d["variable"] = t.variable;
            d["gids"] = to_numpy(t.gids);
            d["times"] = to_numpy(t.times);
            if (t.float64) {
                py::array_t<double> values({t.times.size(), t.gids.size()});
                std::copy(t.wide_values.begin(), t.wide_values.end(), values.mutable_data());
                d["values"] = values;
            } else {
                py::array_t<float> values({t.times.size(), t.gids.size()});
                std::copy(t.values.begin(), t.values.end(), values.mutable_data());
                d["values"] = values;
            }
            traces.append(d);
        }
        out["traces"] = traces;
    }
    py::list populations;
    for (const auto& p : r.populations) {
        py::dict d;
        d["name"] = p.name;
        d["first"] = p.first;
        d["cells"] = p.cells;
        d["spikes"] = p.spikes;
        populations.append(d);
    }
    out["populations"] = populations;
    out["tstop"] = r.tstop;
    out["dt"] = r.dt;
    out["min_delay"] = r.min_delay;
    out["epoch"] = r.epoch;
    out["wall"] = r.wall;
    out["ranks"] = r.ranks;
    out["threads"] = r.threads;
    out["exchange"] = r.exchange;
    out["overlap"] = r.overlap;
    out["outputs"] = r.outputs;
    out["stopped"] = r.stopped;
    return out;
}

py::list population_list(const Model& m) {
    py::list out;
    for (const Population& p : m.populations) {
        py::dict d;
        d["name"] = p.name;
        d["kind"] = to_string(p.kind);
        d["first"] = p.first;
        d["count"] = p.count;
        out.append(d);
    }
    return out;
}

}  // namespace

PYBIND11_MODULE(_parnet, m) {
    m.doc() = "parnet's engine, for the Python package parnet (docs/python.md)";
    if (import_mpi4py() < 0) throw py::error_already_set();

    // parnet.Error: a failure agreed by all ranks; parnet.InputError: bad input (a model, an
    // option, a file), also a ValueError.
    // Created once and never released: the module lives until the interpreter ends.
    static PyObject* const error = PyErr_NewException("parnet.Error", PyExc_RuntimeError, nullptr);
    static PyObject* const input_error_type = [] {
        PyObject* bases = PyTuple_Pack(2, error, PyExc_ValueError);
        PyObject* type = PyErr_NewException("parnet.InputError", bases, nullptr);
        Py_XDECREF(bases);
        return type;
    }();
    if (!error || !input_error_type) throw py::error_already_set();
    m.attr("Error") = py::handle(error);
    m.attr("InputError") = py::handle(input_error_type);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const agreed_failure& e) {
            PyErr_SetString(e.input ? input_error_type : error, e.what());
        } catch (const input_error& e) {  // a rank's own (the package agrees it over the ranks)
            PyErr_SetString(input_error_type, e.what());
        }
    });

    py::class_<Model, std::shared_ptr<Model>>(m, "NativeModel", "A validated model (engine/model.hpp)")
        .def_property_readonly("file", [](const Model& x) { return x.file; })
        .def_property_readonly("fingerprint", [](const Model& x) { return x.fingerprint; })
        .def_property_readonly("cell_count", [](const Model& x) { return x.cell_count(); })
        .def_property_readonly("tstop", [](const Model& x) { return x.run.tstop; })
        .def_property_readonly("dt", [](const Model& x) { return x.run.dt; })
        .def_property_readonly("runid", [](const Model& x) { return x.run.runid; })
        .def_property_readonly("output", [](const Model& x) { return x.run.output; })
        .def_property_readonly("populations", &population_list)
        .def_property_readonly("projections", [](const Model& x) {
            std::vector<std::string> names;
            for (const auto& p : x.projections) names.push_back(p.name);
            return names;
        })
        .def_property_readonly("traces", [](const Model& x) {
            std::vector<std::string> names;
            for (const auto& t : x.recordings.traces) names.push_back(t.name);
            return names;
        });

    m.def("parse_model", &parse_model, py::arg("text"), py::arg("source"), py::arg("problem"), py::arg("comm"),
          "Validates a model given as JSON text on every rank of comm (io::parse_model)");
    py::class_<io::NetworkInput, std::shared_ptr<io::NetworkInput>>(m, "NativeInput",
                                                                   "A JSON model or SONATA circuit read as the engine reads it")
        .def_property_readonly("model", [](io::NetworkInput& x) { return &x.model(); }, py::return_value_policy::reference_internal)
        .def_property_readonly("sonata", [](io::NetworkInput& x) { return x.sonata() != nullptr; });
    m.def("read_input", &read_input, py::arg("path"), py::arg("comm"),
          "Reads a JSON model or a SONATA config, told apart by content, on every rank of comm (io::NetworkInput)");

    py::class_<RunOptions>(m, "RunOptions", "python/python_run.hpp")
        .def(py::init<>())
        .def_readwrite("tstop", &RunOptions::tstop)
        .def_readwrite("threads", &RunOptions::threads)
        .def_readwrite("plan", &RunOptions::plan)
        .def_readwrite("output", &RunOptions::output)
        .def_readwrite("saving", &RunOptions::saving)
        .def_readwrite("exchange", &RunOptions::exchange)
        .def_readwrite("overlap", &RunOptions::overlap)
        .def_readwrite("results_rank", &RunOptions::results_rank)
        .def_readwrite("quiet", &RunOptions::quiet)
        .def_readwrite("progress", &RunOptions::progress)
        .def_readwrite("flush_ms", &RunOptions::flush_ms)
        .def_readwrite("sort", &RunOptions::sort)
        .def_readwrite("watchdog", &RunOptions::watchdog_s)
        .def_readwrite("replay", &RunOptions::replay)
        .def_readwrite("replay_gids", &RunOptions::replay_gids)
        .def_readwrite("checkpoint", &RunOptions::checkpoint)
        .def_readwrite("checkpoint_at", &RunOptions::checkpoint_at)
        .def_readwrite("restore", &RunOptions::restore);

    m.def("run_model", &run_native_model, py::arg("model"), py::arg("comm"), py::arg("options"),
          "Runs a model (collective over comm)");
    m.def("run_input", &run_native_input, py::arg("input"), py::arg("file"), py::arg("comm"), py::arg("options"),
          "Runs a network read from a file (collective over comm)");

    // Recipes written in Python: the package fills a PythonRecipe in bulk, then runs it.
    py::enum_<CellKind>(m, "CellKind")
        .value("spike_source", CellKind::spike_source)
        .value("intfire", CellKind::intfire)
        .value("lif", CellKind::lif)
        .value("cable", CellKind::cable);
    m.def("parameter_names", [](int kind, int source) {
        std::vector<std::string> names;
        for (const auto& [name, value] : default_parameters(static_cast<CellKind>(kind), static_cast<SourceModel>(source)))
            names.push_back(name);
        return names;
    }, py::arg("kind"), py::arg("source_model"), "The parameters a kind (and source model) takes, sorted");
    m.def("default_parameters", [](int kind, int source) {
        return default_parameters(static_cast<CellKind>(kind), static_cast<SourceModel>(source));
    }, py::arg("kind"), py::arg("source_model"));

    py::class_<python::PythonRecipe, std::shared_ptr<python::PythonRecipe>>(m, "NativeRecipe", "python/python_recipe.hpp")
        .def(py::init([](std::string origin, const std::vector<std::tuple<std::string, Gid, Gid>>& populations,
                         array_in<std::uint8_t> kinds, double tstop, double dt, std::uint32_t runid, std::string output,
                         std::vector<std::size_t> spike_populations, py::list traces, double min_delay_bound,
                         std::uint64_t fingerprint) {
                 std::vector<PopulationRange> ranges;
                 for (const auto& [name, first, count] : populations) ranges.push_back({name, first, count});
                 std::vector<CellKind> k(static_cast<std::size_t>(kinds.size()));
                 for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<CellKind>(kinds.data()[i]);
                 Recordings rec;
                 rec.spike_populations = std::move(spike_populations);
                 for (const py::handle t : traces) {
                     const auto d = t.cast<py::dict>();
                     TraceRecording r;
                     r.name = d["name"].cast<std::string>();
                     r.population = d["population"].cast<std::size_t>();
                     r.cells = d["cells"].cast<std::vector<Gid>>();
                     r.variable = d["variable"].cast<std::string>();
                     r.interval = d["interval"].cast<double>();
                     r.float64 = d["float64"].cast<bool>();
                     r.section = d["section"].cast<std::string>();
                     r.x = d["x"].cast<double>();
                     rec.traces.push_back(r);
                 }
                 return std::make_shared<python::PythonRecipe>(std::move(origin), std::move(ranges), std::move(k),
                                                               RunSettings{tstop, dt, runid, std::move(output)},
                                                               std::move(rec), min_delay_bound, fingerprint);
             }),
             py::arg("origin"), py::arg("populations"), py::arg("kinds"), py::arg("tstop"), py::arg("dt"),
             py::arg("runid"), py::arg("output"), py::arg("spike_populations"), py::arg("traces"),
             py::arg("min_delay_bound"), py::arg("fingerprint"))
        .def_property_readonly("cell_count", &python::PythonRecipe::cell_count)
        .def_property_readonly("origin", &python::PythonRecipe::origin)
        .def_property_readonly("fingerprint", &python::PythonRecipe::fingerprint)
        .def_property_readonly("connection_count", &python::PythonRecipe::connection_count)
        .def("set_local_gids", [](python::PythonRecipe& r, array_in<Gid> gids) {
            const auto v = view(gids);
            r.set_local_gids(std::vector<Gid>(v.begin(), v.end()));
        })
        .def("set_source_models", [](python::PythonRecipe& r, array_in<std::uint8_t> m) { r.set_source_models(view(m)); })
        .def("set_parameter", [](python::PythonRecipe& r, const std::string& name, array_in<Gid> gids,
                                 array_in<double> values) { r.set_parameter(name, view(gids), view(values)); })
        .def("set_replay_times", [](python::PythonRecipe& r, array_in<std::uint64_t> offsets, array_in<double> times) {
            r.set_replay_times(view(offsets), view(times));
        })
        .def("add_clamp", &python::PythonRecipe::add_clamp)
        .def("set_cable_cells", [](python::PythonRecipe& r, const std::vector<std::string>& texts, array_in<Gid> gids,
                                   array_in<std::uint32_t> which, const std::vector<std::string>& catalogues) {
            // Catalogue libraries (parnet-modcc's) searched before the built-in one, as a model
            // file's "catalogues" and the engine's --catalogue.
            MechanismCatalogues found;
            for (std::size_t i = 0; i < catalogues.size(); ++i) {
                try {
                    found.add(MechanismCatalogue::load(catalogues[i]));
                } catch (const std::exception& e) {
                    throw input_error(r.origin() + ": catalogues()[" + std::to_string(i) + "]: " + e.what());
                }
            }
            // Each distinct description read once, by the reader of the model file's cells
            // (morphology files relative to the working folder).
            std::vector<std::shared_ptr<const CableCellDescription>> descriptions;
            for (std::size_t i = 0; i < texts.size(); ++i) {
                const nlohmann::json doc = nlohmann::json::parse(texts[i]);
                const std::string path = "cell_descriptions[" + std::to_string(i) + "]";
                if (!doc.is_object()) throw input_error(r.origin() + ": " + path + ": expected a cable cell (a dict)");
                descriptions.push_back(io::read_cable_cell(io::JsonObject(doc, path, r.origin()), found));
            }
            r.set_cable_cells(std::move(descriptions), view(gids), view(which));
        })
        .def("set_direct_events", [](python::PythonRecipe& r, array_in<Gid> targets, array_in<double> times,
                                     array_in<double> weights, array_in<std::uint32_t> synapses) {
            r.set_direct_events(view(targets), view(times), view(weights), view(synapses));
        })
        .def("check", &python::PythonRecipe::check)
        .def("synapse_indices", [](const python::PythonRecipe& r, array_in<Gid> targets,
                                   const std::vector<std::string>& names) {
            return to_numpy(r.synapse_indices(view(targets), names));
        })
        .def("set_connections", [](python::PythonRecipe& r, array_in<Gid> targets, array_in<Gid> sources,
                                   array_in<double> weights, array_in<double> delays, array_in<std::uint32_t> synapses) {
            py::gil_scoped_release free;  // tens of millions of connections: let other Python threads run
            r.set_connections(view(targets), view(sources), view(weights), view(delays), view(synapses));
        });

    py::class_<run::ChosenDecomposition>(m, "Decomposition", "this rank's cells and threads (run/decomposition_choice.hpp)")
        .def_property_readonly("gids", [](const run::ChosenDecomposition& d) { return to_numpy(d.decomposition.gids()); });
    m.def("decompose", [](const python::PythonRecipe& recipe, py::object comm, const RunOptions& options) {
        const MPI_Comm c = communicator(comm);
        py::gil_scoped_release free;
        return decompose(recipe, c, options, recipe.fingerprint());
    }, py::arg("recipe"), py::arg("comm"), py::arg("options"), "Chooses this rank's cells (collective over comm)");
    m.def("run_recipe", &run_python_recipe, py::arg("recipe"), py::arg("decomposition"), py::arg("comm"),
          py::arg("options"), "Runs a prepared Python recipe (collective over comm)");

    // Plans.
    py::class_<balance::PlannerOptions>(m, "PlannerOptions", "balance/planner.hpp")
        .def(py::init<>())
        .def_readwrite("model", &balance::PlannerOptions::model)
        .def_readwrite("output", &balance::PlannerOptions::output)
        .def_readwrite("ranks", &balance::PlannerOptions::ranks)
        .def_readwrite("threads", &balance::PlannerOptions::threads)
        .def_readwrite("method", &balance::PlannerOptions::method)
        .def_readwrite("calibration", &balance::PlannerOptions::calibration)
        .def_readwrite("save_calibration", &balance::PlannerOptions::save_calibration)
        .def_readwrite("static_costs", &balance::PlannerOptions::static_costs)
        .def_readwrite("assumed_rate", &balance::PlannerOptions::assumed_rate)
        .def_readwrite("population_rates", &balance::PlannerOptions::population_rates)
        .def_readwrite("rates_from", &balance::PlannerOptions::rates_from)
        .def_readwrite("compare", &balance::PlannerOptions::compare)
        .def_readwrite("report_json", &balance::PlannerOptions::report_json)
        .def_readwrite("quiet", &balance::PlannerOptions::quiet)
        .def_readwrite("split_above", &balance::PlannerOptions::split_above)
        .def_readwrite("split_pieces", &balance::PlannerOptions::split_pieces)
        .def_readwrite("progress", &balance::PlannerOptions::progress);
    m.def("plan_model", &plan_model, py::arg("options"), py::arg("comm"),
          "Plans a model file on rank 0 of comm (balance::make_plan); failures raise on every rank");
    m.def("plan_recipe", &plan_recipe, py::arg("recipe"), py::arg("options"), py::arg("comm"),
          "Plans a prepared Python recipe on rank 0 of comm (balance::make_plan); failures raise on every rank");

    // Random123 streams keyed as the engine's (engine/random_stream.hpp), for recipes that draw
    // what the JSON model draws.
    m.def("id32", [](const std::string& name) { return id32(name); }, py::arg("name"));
    py::class_<RandomStream>(m, "RandomStream", "Philox4x32-10 laid out as NEURON's Random123 (engine/random_stream.hpp)")
        .def(py::init([](const std::string& purpose, std::uint32_t gid, std::uint32_t sub, std::uint32_t runid) {
                 return RandomStream(id32(purpose), gid, sub, runid);
             }),
             py::arg("purpose"), py::arg("gid"), py::arg("sub") = 0, py::arg("runid") = 0)
        .def("next_u32", &RandomStream::next_u32)
        .def("uniform01", &RandomStream::uniform01)
        .def("uniform", &RandomStream::uniform, py::arg("low"), py::arg("high"))
        .def("exponential", &RandomStream::exponential)
        .def("normal", &RandomStream::normal)
        .def("below", &RandomStream::below, py::arg("n"))
        .def("uniform01_array", [](RandomStream& s, std::size_t n) {
            py::array_t<double> out(static_cast<py::ssize_t>(n));
            double* p = out.mutable_data();
            for (std::size_t i = 0; i < n; ++i) p[i] = s.uniform01();
            return out;
        }, py::arg("n"), "n draws of uniform01() at once")
        .def_property_readonly("draws", &RandomStream::draws);
}
