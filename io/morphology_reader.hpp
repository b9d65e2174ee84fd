#pragma once
// One entry point for reconstructed morphologies: the reader is chosen by the file's extension
// (.swc: io/swc_reader, .asc: io/asc_reader, either case).
#include "engine/cable/morphology.hpp"

#include <string>

namespace parnet::io {

// Throws input_error for an unknown extension or a malformed file.
Morphology read_morphology(const std::string& path);

}  // namespace parnet::io
