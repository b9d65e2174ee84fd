#pragma once
// Small text helpers the morphology readers share: whole-file reading, lines, fields, numbers.
#include <string>
#include <string_view>
#include <vector>

namespace parnet::io {

// The file's bytes; throws input_error "<path>: cannot open ..." if unreadable.
std::string read_text_file(const std::string& path);

// Lines without their '\n' (and a trailing '\r'); a final line without '\n' counts.
std::vector<std::string_view> text_lines(std::string_view text);

// The line up to `mark` (a comment), and its whitespace-separated fields.
std::string_view strip_comment(std::string_view line, char mark);
std::vector<std::string_view> split_fields(std::string_view text);

// A finite decimal number making up the whole token; otherwise throws input_error
// "<what> '<token>': expected a number".
double parse_number(std::string_view token, const std::string& what);

// Whether the token is a whole finite number (then stores it).
bool to_number(std::string_view token, double& value);

}  // namespace parnet::io
