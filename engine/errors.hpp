#pragma once
// Errors a user can act on: bad model files, bad options, unreadable or unwritable files.
// They carry a complete message (file, field, what was expected) and are reported once.
#include <stdexcept>
#include <string>

namespace parnet {

struct input_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace parnet
