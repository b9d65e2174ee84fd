// _parnet: the compiled half of the Python module `parnet` (docs/python.md). It only converts:
// mpi4py communicators to MPI_Comm, JSON text to the engine's Model (io::parse_model, so a model
// built in Python is the engine's model bit for bit), run options in, results out as numpy
// arrays, and agreed failures (engine/collective_errors.hpp) to Python exceptions raised on every rank.
#include "engine/collective_errors.hpp"
#include "python_run.hpp"

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

std::shared_ptr<Model> read_model(const std::string& path, py::object comm) {
    const MPI_Comm c = communicator(comm);
    return agreed_everywhere(c, [&] { return std::make_shared<Model>(io::read_model(path)); });
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

py::dict run_from_python(const std::shared_ptr<Model>& model, py::object comm, std::optional<double> tstop, int threads,
             std::string plan, std::string output, std::string saving, std::string exchange, bool overlap,
             int results_rank, bool quiet, double progress, double flush_interval) {
    const MPI_Comm c = communicator(comm);
    RunOptions options;
    options.tstop = tstop;
    options.threads = threads;
    options.plan = std::move(plan);
    options.output = std::move(output);
    options.saving = std::move(saving);
    options.exchange = std::move(exchange);
    options.overlap = overlap;
    options.results_rank = results_rank;
    options.quiet = quiet;
    options.progress = progress;
    options.flush_ms = flush_interval;
    const Say say = [](const std::string& line) {
        py::gil_scoped_acquire gil;
        py::print(line, py::arg("flush") = true);
    };
    RunResult r;
    {
        py::gil_scoped_release free;
        r = run_model(*model, c, options, say);
    }

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
            py::array_t<float> values({t.times.size(), t.gids.size()});
            std::copy(t.values.begin(), t.values.end(), values.mutable_data());
            d["values"] = values;
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

    m.def("read_model", &read_model, py::arg("path"), py::arg("comm"),
          "Reads and validates a model file on every rank of comm (io::read_model)");
    m.def("parse_model", &parse_model, py::arg("text"), py::arg("source"), py::arg("problem"), py::arg("comm"),
          "Validates a model given as JSON text on every rank of comm (io::parse_model)");
    m.def("run", &run_from_python, py::arg("model"), py::arg("comm"), py::arg("tstop"), py::arg("threads"), py::arg("plan"),
          py::arg("output"), py::arg("saving"), py::arg("exchange"), py::arg("overlap"), py::arg("results_rank"),
          py::arg("quiet"), py::arg("progress"), py::arg("flush_interval"), "Runs a model (collective over comm)");
}
