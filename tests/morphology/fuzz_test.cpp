// Deterministic fuzzing of the SWC and Neurolucida readers: thousands of mutations of every valid
// test file (lines deleted, duplicated, swapped; numbers turned to garbage; parents changed;
// parentheses dropped or added; the file cut short). Each mutant is either read into a
// well-formed Morphology or refused with input_error "<file>:<line>: ..."; never a crash, a
// hang or another exception.
#include "engine/errors.hpp"
#include "io/asc_reader.hpp"
#include "io/swc_reader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <regex>
#include <set>
#include <sstream>

namespace parnet {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    return text;
}

class Mutator {
public:
    explicit Mutator(std::uint32_t seed) : random_(seed) {}

    std::string mutate(std::string text) {
        const int changes = 1 + pick(3);
        for (int c = 0; c < changes; ++c) text = mutate_once(text);
        return text;
    }

private:
    std::mt19937 random_;
    std::size_t pick(std::size_t n) { return n == 0 ? 0 : random_() % n; }

    std::string mutate_once(const std::string& text) {
        std::vector<std::string> lines = split_lines(text);
        if (lines.empty()) return "(";
        const std::size_t l = pick(lines.size());
        static const char* garbage[] = {"abc", "nan", "-1", "0", "1e400", "(", ")", "|", "\"", "99999", "-0", "1.5",
                                        "<", ">", ",", "inf", "0x10", "", "-2", "3", "Set", "RGB", "@", ";"};
        switch (pick(9)) {
            case 0: lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(l)); break;
            case 1: lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(l), lines[l]); break;
            case 2: std::swap(lines[l], lines[pick(lines.size())]); break;
            case 3:
            case 4: {  // one whitespace-separated field becomes garbage
                std::istringstream in(lines[l]);
                std::vector<std::string> fields;
                for (std::string f; in >> f;) fields.push_back(f);
                if (fields.empty()) break;
                fields[pick(fields.size())] = garbage[pick(std::size(garbage))];
                std::string joined;
                for (const std::string& f : fields) joined += f + " ";
                lines[l] = joined;
                break;
            }
            case 5: {  // the last field (an SWC parent) becomes another small number
                const std::size_t space = lines[l].find_last_of(" \t");
                if (space == std::string::npos) break;
                lines[l] = lines[l].substr(0, space + 1) + std::to_string(static_cast<int>(pick(30)) - 2);
                break;
            }
            case 6: {  // drop a parenthesis
                std::string all = join_lines(lines);
                std::vector<std::size_t> at;
                for (std::size_t i = 0; i < all.size(); ++i)
                    if (all[i] == '(' || all[i] == ')') at.push_back(i);
                if (at.empty()) return all;
                all.erase(at[pick(at.size())], 1);
                return all;
            }
            case 7: {  // a character inserted anywhere
                std::string all = join_lines(lines);
                static const char chars[] = "()|<>,\";# 0123456789-.eE\t\nxQ";
                all.insert(pick(all.size() + 1), 1, chars[pick(sizeof chars - 1)]);
                return all;
            }
            default: {  // the file cut short
                const std::string all = join_lines(lines);
                return all.substr(0, pick(all.size()));
            }
        }
        return join_lines(lines);
    }
};

void expect_well_formed(const Morphology& m, const std::string& text) {
    ASSERT_FALSE(m.sections.empty()) << text;
    std::set<std::string> names;
    for (std::size_t i = 0; i < m.sections.size(); ++i) {
        const MorphologySection& s = m.sections[i];
        EXPECT_TRUE(names.insert(s.name).second) << text;
        EXPECT_EQ(i == 0, !s.parent.has_value()) << text;
        if (s.parent) {
            EXPECT_LT(*s.parent, i) << text;
        }
        EXPECT_GE(s.points.size(), 2u) << text;
        for (const Point3& p : s.points)
            EXPECT_TRUE(std::isfinite(p.x) && std::isfinite(p.y) && std::isfinite(p.z) && std::isfinite(p.diam) && p.diam >= 0)
                << text;
    }
}

TEST(MorphologyFuzz, MutantsAreReadOrRefusedWithFileAndLine) {
    const std::filesystem::path dir = std::filesystem::path(PARNET_SOURCE_DIR) / "tests/data/morphology";
    const std::regex located(R"(^mutant\.(swc|asc):[0-9]+: .+)");
    int files = 0, read = 0, refused = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string extension = entry.path().extension().string();
        if (extension != ".swc" && extension != ".asc") continue;
        ++files;
        std::ifstream in(entry.path());
        const std::string original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        Mutator mutator(static_cast<std::uint32_t>(std::hash<std::string>{}(entry.path().filename().string()) & 0xffffffu));
        const std::string name = "mutant" + extension;
        for (int k = 0; k < 1000; ++k) {
            const std::string text = mutator.mutate(original);
            try {
                const Morphology m = extension == ".swc" ? io::parse_swc(text, name) : io::parse_asc(text, name);
                expect_well_formed(m, text);
                ++read;
            } catch (const input_error& e) {
                EXPECT_TRUE(std::regex_match(e.what(), located)) << e.what() << "\nfor\n" << text;
                ++refused;
            } catch (const std::exception& e) {
                ADD_FAILURE() << "not an input_error: " << e.what() << "\nfor\n" << text;
            }
            if (HasFailure()) return;
        }
    }
    EXPECT_GE(files, 5);
    EXPECT_GT(read, 100);     // many mutants stay valid files
    EXPECT_GT(refused, 100);  // and many are refused
    std::cout << files << " files, " << read << " mutants read, " << refused << " refused\n";
}

}  // namespace
}  // namespace parnet
