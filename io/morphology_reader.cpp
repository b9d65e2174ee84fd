#include "morphology_reader.hpp"

#include "asc_reader.hpp"
#include "engine/errors.hpp"
#include "swc_reader.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace parnet::io {

Morphology read_morphology(const std::string& path) {
    std::string extension = std::filesystem::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (extension == ".swc") return read_swc(path);
    if (extension == ".asc") return read_asc(path);
    throw input_error(path + ": unknown morphology format '" + extension +
                      "'; expected an SWC (.swc) or Neurolucida (.asc) file");
}

}  // namespace parnet::io
