#include "asc_reader.hpp"

#include "engine/errors.hpp"
#include "morphology_text.hpp"

namespace parnet::io {

Morphology parse_asc(std::string_view, const std::string& name) {
    throw input_error(name + ": Neurolucida files are not read yet");
}

Morphology read_asc(const std::string& path) { return parse_asc(read_text_file(path), path); }

}  // namespace parnet::io
