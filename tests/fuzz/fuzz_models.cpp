// fuzz_models: mutates model files deterministically and runs each through what `engine --check`
// runs (io::check_model: read, validate, size against memory). Every mutated model must either
// pass or be refused with an input_error that names its file; any other exception, a crash or a
// check that takes longer than --hang-seconds is a failure. A model that passes and is small is
// also asked for a few of its cells' connections and parameters (Network), which must not throw.
//
// Usage: fuzz_models [--count N] [--seconds S] [--seed K] [--work DIR] [--engine BIN] seed.json...
// Mutation i of a run is a pure function of (seed, i): a failure prints both and leaves the model
// in DIR/failure-<i>.json. With --engine, every 500th mutation also runs `BIN --check` on the file
// and its exit status must agree (0 for pass, 1 for refusal).
#include "engine/errors.hpp"
#include "engine/network.hpp"
#include "io/model_check.hpp"

#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;
using namespace parnet;

namespace {

struct Options {
    std::uint64_t count = 1000;
    double seconds = 0;  // 0: no time limit
    std::uint64_t seed = 1;
    double hang_seconds = 20;
    fs::path work = "fuzz_work";
    std::string engine;
    std::vector<fs::path> seeds;
};

// Values that have broken readers before: boundaries of integers and doubles, wrong types,
// empty and odd strings, names that collide with outputs.
json interesting_value(std::mt19937_64& rng) {
    static const std::vector<json> values = {
        0, -1, 1, 2, 0.5, -0.5, 1e-300, -1e-300, 1e300, -1e300, 1e-9, 1e9, 1e12, 1e19, 4294967295ll, 4294967296ll,
        9007199254740993ll, -9223372036854775807ll - 1, 18446744073709551615ull, 2147483648ll, 0.025, 0.1,
        "", "x", "spikes", "report", "..", "a/b", "all", "exc", "soma", "uniform", "normal", std::string(300, 'z'),
        true, false, nullptr, json::array(), json::object(), json::array({1, 2}), json::array({json::array({0, 1})}),
        json{{"dist", "uniform"}, {"low", 1}, {"high", 1e300}}, json{{"dist", "normal"}, {"mean", 1}, {"std", 1e300}},
        json{{"dist", "lognormal"}, {"mean", 1e-300}, {"std", 1}}};
    return values[rng() % values.size()];
}

// Every node of the document with a way to reach it: (parent, key or index).
struct Place {
    json* parent;
    std::string key;   // object member
    std::size_t index; // array element when key is empty
};

void collect(json& node, std::vector<Place>& out, int depth) {
    if (depth > 40) return;
    if (node.is_object()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            out.push_back({&node, it.key(), 0});
            collect(it.value(), out, depth + 1);
        }
    } else if (node.is_array()) {
        for (std::size_t i = 0; i < node.size(); ++i) {
            out.push_back({&node, "", i});
            collect(node[i], out, depth + 1);
        }
    }
}

json& at(const Place& p) { return p.key.empty() ? (*p.parent)[p.index] : (*p.parent)[p.key]; }

void mutate_tree(json& doc, std::mt19937_64& rng) {
    std::vector<Place> places;
    collect(doc, places, 0);
    if (places.empty()) return;
    const Place& p = places[rng() % places.size()];
    json& node = at(p);
    switch (rng() % 9) {
    case 0:
    case 1: node = interesting_value(rng); break;
    case 2:  // remove
        if (p.key.empty()) p.parent->erase(p.index);
        else p.parent->erase(p.key);
        break;
    case 3:  // scale a number
        if (node.is_number()) {
            static const double factors[] = {-1, 0, 1e-6, 1e6, 1e300, 0.5, 3};
            node = node.get<double>() * factors[rng() % 7];
        } else {
            node = interesting_value(rng);
        }
        break;
    case 4:  // duplicate an array element or copy another node here
        if (node.is_array() && !node.empty()) {
            const json copy = node[rng() % node.size()];
            node.push_back(copy);
        } else {
            node = at(places[rng() % places.size()]);
        }
        break;
    case 5:  // unknown member
        if (node.is_object()) node["unexpected_" + std::to_string(rng() % 100)] = interesting_value(rng);
        else node = interesting_value(rng);
        break;
    case 6:  // integer off by one either way
        if (node.is_number_integer()) node = node.get<std::int64_t>() + static_cast<std::int64_t>(rng() % 3) - 1;
        else node = interesting_value(rng);
        break;
    case 7:  // a string changed to another string of the document (names that do or do not match)
        node = at(places[rng() % places.size()]).is_string() ? at(places[rng() % places.size()]) : json("exc");
        break;
    default:  // wrap in an array or object
        node = rng() % 2 ? json::array({node}) : json{{"dist", node}};
        break;
    }
}

// Text-level damage: what a truncated copy, a bad editor or a hostile user makes.
void mutate_text(std::string& text, std::mt19937_64& rng) {
    if (text.empty()) return;
    const std::size_t at = rng() % text.size();
    switch (rng() % 6) {
    case 0: text.resize(at); break;
    case 1: text[at] = static_cast<char>(rng() % 256); break;
    case 2: text.insert(at, std::string(1 + rng() % 200, "[{"[rng() % 2])); break;
    case 3: text.insert(at, "1e309"); break;
    case 4: text.erase(at, 1 + rng() % 20); break;
    default: text.insert(at, std::string(100000, '[')); break;
    }
}

struct Watchdog {
    // Aborts the process when one check runs longer than `limit` (a hang is a failure).
    explicit Watchdog(double limit) : limit_(limit), thread_([this] { watch(); }) {}
    ~Watchdog() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }
    void start(std::uint64_t index) {
        std::lock_guard lock(mutex_);
        index_ = index;
        started_ = std::chrono::steady_clock::now();
        busy_ = true;
    }
    void stop() {
        std::lock_guard lock(mutex_);
        busy_ = false;
    }

private:
    void watch() {
        std::unique_lock lock(mutex_);
        while (!done_) {
            wake_.wait_for(lock, std::chrono::milliseconds(200));
            if (busy_ && std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count() > limit_) {
                std::fprintf(stderr, "fuzz_models: HANG: mutation %llu took more than %.0f s\n",
                             static_cast<unsigned long long>(index_), limit_);
                std::_Exit(3);
            }
        }
    }
    double limit_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false, busy_ = false;
    std::uint64_t index_ = 0;
    std::chrono::steady_clock::time_point started_;
    std::thread thread_;
};

int exit_status_of(const std::string& command) {
    const int raw = std::system(command.c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128;
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "fuzz_models: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--count") opt.count = std::stoull(next());
        else if (a == "--seconds") opt.seconds = std::stod(next());
        else if (a == "--seed") opt.seed = std::stoull(next());
        else if (a == "--hang-seconds") opt.hang_seconds = std::stod(next());
        else if (a == "--work") opt.work = next();
        else if (a == "--engine") opt.engine = next();
        else opt.seeds.emplace_back(a);
    }
    if (opt.seeds.empty()) {
        std::fprintf(stderr, "usage: fuzz_models [--count N] [--seconds S] [--seed K] [--work DIR] [--engine BIN] seed.json...\n");
        return 2;
    }
    fs::create_directories(opt.work);
    std::vector<json> seeds;
    std::vector<std::string> seed_texts;
    for (const auto& s : opt.seeds) {
        std::ifstream in(s);
        std::string text((std::istreambuf_iterator<char>(in)), {});
        seeds.push_back(json::parse(text));
        seed_texts.push_back(text);
    }

    const auto start = std::chrono::steady_clock::now();
    Watchdog watchdog(opt.hang_seconds);
    std::uint64_t passed = 0, refused = 0, failures = 0, engine_runs = 0, done = 0;
    const fs::path file = opt.work / "mutant.json";
    for (std::uint64_t i = 0; i < opt.count; ++i) {
        if (opt.seconds > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > opt.seconds)
            break;
        std::mt19937_64 rng(opt.seed * 0x9E3779B97F4A7C15ull + i);
        const std::size_t s = rng() % seeds.size();
        std::string text;
        if (rng() % 10 == 0) {
            text = seed_texts[s];
            mutate_text(text, rng);
        } else {
            json doc = seeds[s];
            const int n = 1 + static_cast<int>(rng() % 3);
            for (int k = 0; k < n; ++k) mutate_tree(doc, rng);
            if (doc.is_object() && doc.contains("run") && doc["run"].is_object())
                doc["run"]["output"] = (opt.work / "out").string();  // never write outside the work folder
            text = doc.dump();
        }
        {
            std::ofstream out(file, std::ios::binary);
            out << text;
        }
        std::string failure;
        bool ok = false;
        watchdog.start(i);
        try {
            const io::CheckedModel checked = io::check_model(file, {}, 100.0, 1, 1, 0.0);
            ok = true;
            // A small valid model: a few of its cells' facts must be computable.
            if (checked.estimate.total_bytes() < 1e8 && checked.model.cell_count() > 0) {
                const Network network(checked.model);
                for (Gid g : {Gid{0}, static_cast<Gid>(network.size() / 2), static_cast<Gid>(network.size() - 1)}) {
                    (void)network.incoming(g);
                    (void)network.clamps_on(g);
                }
            }
        } catch (const input_error& e) {
            const std::string message = e.what();
            if (ok) failure = "a model that passed the check failed in Network: " + message;
            else if (message.rfind(file.string() + ": ", 0) != 0 && message.rfind("--", 0) != 0)
                failure = "refusal does not name the file: " + message;
            ok = false;
        } catch (const std::exception& e) {
            failure = std::string(ok ? "a model that passed the check threw in Network: " : "not an input_error: ") + e.what();
            ok = false;
        }
        watchdog.stop();
        if (failure.empty()) (ok ? passed : refused) += 1;
        if (failure.empty() && !opt.engine.empty() && i % 500 == 0) {
            ++engine_runs;
            const int status = exit_status_of(opt.engine + " --check " + file.string() + " > /dev/null 2>&1");
            if (status != (ok ? 0 : 1))
                failure = "engine --check exited " + std::to_string(status) + ", the in-process check " + (ok ? "passed" : "refused");
        }
        if (!failure.empty()) {
            ++failures;
            const fs::path kept = opt.work / ("failure-" + std::to_string(i) + ".json");
            fs::copy_file(file, kept, fs::copy_options::overwrite_existing);
            std::fprintf(stderr, "fuzz_models: FAIL seed %llu mutation %llu (%s): %s\n",
                         static_cast<unsigned long long>(opt.seed), static_cast<unsigned long long>(i), kept.c_str(),
                         failure.substr(0, 400).c_str());
        }
        done = i + 1;
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("fuzz_models: %llu mutations of %zu seed models in %.1f s: %llu passed, %llu refused naming the file, "
                "%llu failures; %llu also through engine --check\n",
                static_cast<unsigned long long>(done), seeds.size(), wall, static_cast<unsigned long long>(passed),
                static_cast<unsigned long long>(refused), static_cast<unsigned long long>(failures),
                static_cast<unsigned long long>(engine_runs));
    return failures == 0 ? 0 : 1;
}
