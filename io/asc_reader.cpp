#include "asc_reader.hpp"

#include "engine/errors.hpp"
#include "import3d_sections.hpp"
#include "morphology_text.hpp"
#include "neuron_contour.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

namespace parnet::io {

namespace {

// Import3d_Neurolucida3's tokens (read_nlcda3.hoc, lex()).
enum class Tok { eof, number, leftpar, rightpar, comma, bar, set, rgb, string, label, error, leftsp, rightsp };

struct Token {
    Tok kind = Tok::eof;
    double x = 0;
    std::string s;
    std::uint32_t line = 0;
};

std::string describe(const Token& t) {
    switch (t.kind) {
        case Tok::eof: return "end of file";
        case Tok::number: return "number " + t.s;
        case Tok::leftpar: return "'('";
        case Tok::rightpar: return "')'";
        case Tok::comma: return "','";
        case Tok::bar: return "'|'";
        case Tok::set: return "'Set'";
        case Tok::rgb: return "'RGB'";
        case Tok::string: return "string \"" + t.s + "\"";
        case Tok::label: return "'" + t.s + "'";
        case Tok::error: return "'" + t.s + "'";
        case Tok::leftsp: return "'<'";
        case Tok::rightsp: return "'>'";
    }
    return "?";
}

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
bool label_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// lex(): a ';' at a token boundary comments out the rest of the line, and (as NEURON's "%[^@]")
// so does an '@'. Unlike NEURON, trailing tabs and a Windows '\r' are plain white space.
std::vector<Token> tokenize(std::string_view text, const std::string& name) {
    std::vector<Token> tokens;
    std::uint32_t line_number = 0;
    for (std::string_view line : text_lines(text)) {
        ++line_number;
        std::string_view rest = line;
        const auto emit = [&](Tok kind, std::size_t length, std::string s = {}, double x = 0) {
            tokens.push_back(Token{kind, x, std::move(s), line_number});
            rest.remove_prefix(length);
            rest = rest.substr(0, rest.find('@'));
        };
        while (true) {
            while (!rest.empty() && blank(rest.front())) rest.remove_prefix(1);
            if (rest.empty() || rest.front() == ';') break;
            const char c = rest.front();
            const std::string word(rest.substr(0, std::min<std::size_t>(rest.size(), 64)));
            char* end = nullptr;
            const double x = std::strtod(word.c_str(), &end);
            if (end != word.c_str()) {
                const auto length = static_cast<std::size_t>(end - word.c_str());
                if (!std::isfinite(x))
                    throw input_error(name + ":" + std::to_string(line_number) + ": '" + word.substr(0, length) +
                                      "': expected a finite number");
                emit(Tok::number, length, word.substr(0, length), x);
                continue;
            }
            switch (c) {
                case '(': emit(Tok::leftpar, 1); continue;
                case ')': emit(Tok::rightpar, 1); continue;
                case ',': emit(Tok::comma, 1); continue;
                case '|': emit(Tok::bar, 1); continue;
                case '<': emit(Tok::leftsp, 1); continue;
                case '>': emit(Tok::rightsp, 1); continue;
                default: break;
            }
            // "set"/"Set"/"SET"/"RGB" followed by something else on the line (NEURON's " set %[^@]").
            const auto keyword = [&](const char* k) {
                const std::size_t n = std::strlen(k);
                if (rest.substr(0, n) != k) return false;
                std::size_t after = n;
                while (after < rest.size() && blank(rest[after])) ++after;
                return after < rest.size();
            };
            if (keyword("set") || keyword("Set") || keyword("SET")) { emit(Tok::set, 3); continue; }
            if (keyword("RGB")) { emit(Tok::rgb, 3); continue; }
            if (c == '"') {
                const std::size_t close = rest.find('"', 1);
                if (close == std::string_view::npos)
                    throw input_error(name + ":" + std::to_string(line_number) +
                                      ": a string without its closing '\"'; expected \"...\" on one line");
                emit(Tok::string, close + 1, std::string(rest.substr(1, close - 1)));
                continue;
            }
            if (label_char(c)) {
                std::size_t n = 0;
                while (n < rest.size() && label_char(rest[n])) ++n;
                emit(Tok::label, n, std::string(rest.substr(0, n)));
                continue;
            }
            std::size_t n = 0;
            while (n < rest.size() && !blank(rest[n])) ++n;
            throw input_error(name + ":" + std::to_string(line_number) + ": unknown token '" +
                              std::string(rest.substr(0, n)) +
                              "'; expected a number, a parenthesis, ',', '|', '<', '>', a \"string\" or a word");
        }
    }
    tokens.push_back(Token{Tok::eof, 0, {}, std::max<std::uint32_t>(line_number, 1)});
    return tokens;
}

// A piece as newsec() makes it: points [begin, end) of the file's point list, and maybe a copy
// of the parent's last point first.
struct AscPiece {
    Import3dSection section;
    bool contour = false;
};

// Import3d_Neurolucida3's recursive descent parser (p_file ... optbezier), with its semantic
// actions for contours and trees; markers, spines, text, colors, names are parsed and dropped.
class AscParser {
public:
    AscParser(std::vector<Token> tokens, const std::string& name) : tokens_(std::move(tokens)), name_(name) {}

    std::vector<AscPiece> parse() {
        objects();
        if (current().kind != Tok::eof)
            fail("an object '(' or the end of the file (parentheses do not balance)");
        return std::move(pieces_);
    }

private:
    std::vector<Token> tokens_;
    const std::string& name_;
    std::size_t at_ = 0;
    std::vector<Point3> points_;
    std::vector<std::uint32_t> point_line_;
    std::vector<AscPiece> pieces_;
    std::optional<std::size_t> parent_;
    int section_type_ = 0;
    std::string last_property_;  // first item of the last property read (tree type)
    bool any_property_ = false;

    const Token& token(std::size_t k) const { return tokens_[std::min(k, tokens_.size() - 1)]; }
    const Token& current() const { return token(at_); }
    Tok cur() const { return current().kind; }
    Tok ahead() const { return token(at_ + 1).kind; }
    Tok ahead2() const { return token(at_ + 2).kind; }
    void next() {
        if (at_ + 1 < tokens_.size()) ++at_;
    }

    [[noreturn]] void fail(const std::string& expected) const {
        throw input_error(name_ + ":" + std::to_string(current().line) + ": unexpected " + describe(current()) +
                          "; expected " + expected);
    }
    void check(Tok kind, const char* expected) const {
        if (cur() != kind) fail(expected);
    }
    void demand(Tok kind, const char* expected) {
        next();
        check(kind, expected);
    }
    void optional_comma() {
        if (cur() == Tok::comma) next();
    }

    void objects() {
        object();
        while (true) {
            optional_comma();
            if (cur() != Tok::leftpar) break;
            object();
        }
    }

    void object() {
        if (cur() != Tok::leftpar) fail("'(' starting a contour, tree, marker or property");
        switch (ahead()) {
            case Tok::string: contour(); break;
            case Tok::label: marker_or_property(); break;
            case Tok::leftpar: tree_or_text(); break;
            case Tok::set: p_set(); break;
            default:
                next();
                fail("a contour name \"...\", a word, '(' or Set after '('");
        }
    }

    void marker_or_property() {
        if (ahead2() == Tok::leftpar) marker();
        else property();
    }

    void tree_or_text() {
        const std::size_t saved = at_;
        if (text()) return;
        at_ = saved;  // NEURON's rollback: the same tokens again, as a tree
        tree();
    }

    void properties() {
        any_property_ = false;
        if (cur() == Tok::leftpar && (ahead() == Tok::label || ahead() == Tok::set)) {
            property_or_set();
            while (true) {
                optional_comma();
                if (cur() != Tok::leftpar || (ahead() != Tok::label && ahead() != Tok::set)) break;
                property_or_set();
            }
        }
    }

    void property_or_set() {
        if (ahead() == Tok::label) property();
        else p_set();
    }

    void property() {
        check(Tok::leftpar, "'('");
        demand(Tok::label, "a property name");
        last_property_ = current().s;
        any_property_ = true;
        next();
        const Tok c = cur();
        if (c == Tok::number || c == Tok::string || c == Tok::label || c == Tok::rgb) values();
        check(Tok::rightpar, "')' closing the property");
        next();
    }

    void values() {
        value();
        while (cur() == Tok::number || cur() == Tok::string || cur() == Tok::label || cur() == Tok::rgb) value();
    }

    void value() {
        if (cur() == Tok::rgb) {
            demand(Tok::leftpar, "'(' after RGB");
            demand(Tok::number, "a red value");
            next();
            optional_comma();
            check(Tok::number, "a green value");
            next();
            optional_comma();
            check(Tok::number, "a blue value");
            demand(Tok::rightpar, "')' closing RGB (red, green, blue)");
        } else if (cur() != Tok::number && cur() != Tok::string && cur() != Tok::label) {
            fail("a property value");
        }
        next();
    }

    void p_set() {
        check(Tok::leftpar, "'('");
        demand(Tok::set, "Set");
        demand(Tok::string, "the set's name \"...\"");
        next();
        if (cur() != Tok::rightpar) objects();
        check(Tok::rightpar, "')' closing the set");
        next();
    }

    void contour() {
        check(Tok::leftpar, "'('");
        const std::size_t begin = points_.size();
        demand(Tok::string, "the contour's name");
        const std::string& kind = current().s;
        const bool soma = kind == "CellBody" || kind == "Cell Body" || kind == "Soma";
        next();
        properties();
        points();
        if (soma && points_.size() - begin > 2) {
            section_type_ = 1;
            parent_.reset();
            new_section(begin, points_.size());
            pieces_.back().contour = true;
        }
        check(Tok::rightpar, "')' closing the contour");
        next();
    }

    void markerlist() {
        check(Tok::leftpar, "'('");
        int depth = 1;
        while (depth != 0) {
            next();
            if (cur() == Tok::rightpar) --depth;
            else if (cur() == Tok::leftpar) ++depth;
            else if (cur() == Tok::eof) fail("')' closing the marker (parentheses do not balance)");
        }
        next();
    }

    void tree() {
        parent_.reset();
        check(Tok::leftpar, "'('");
        next();
        properties();
        // set_sectype(): the last property names the tree
        section_type_ = 0;
        if (any_property_) {
            if (last_property_ == "Axon") section_type_ = 2;
            else if (last_property_ == "Dendrite") section_type_ = 3;
            else if (last_property_ == "Apical") section_type_ = 4;
        }
        branch();
        check(Tok::rightpar, "')' closing the tree");
        next();
        parent_.reset();
    }

    void branch() {
        const std::optional<std::size_t> saved = parent_;
        const std::size_t begin = points_.size();
        treepoints();
        new_section(begin, points_.size());
        pieces_.back().section.parent = parent_;
        parent_ = pieces_.size() - 1;
        branchend();
        parent_ = saved;
    }

    void treepoints() {
        treepoint();
        while (true) {
            optional_comma();
            if (cur() != Tok::leftpar || ahead() != Tok::number) break;
            treepoint();
        }
    }

    void treepoint() {
        if (ahead() == Tok::label) {
            marker_or_property();
        } else {
            point();
            while (cur() == Tok::leftsp) spine();
        }
    }

    void spine() {
        check(Tok::leftsp, "'<'");
        next();
        properties();
        check(Tok::leftpar, "'(' starting the spine's point");
        demand(Tok::number, "the spine's x");
        next();
        optional_comma();
        check(Tok::number, "the spine's y");
        next();
        double z = 0, d = 0;
        optional_z(z, d);
        check(Tok::rightpar, "')' closing the spine's point");
        next();
        check(Tok::rightsp, "'>' closing the spine");
        next();
    }

    void branchend() {
        optional_comma();
        if (cur() == Tok::leftpar)
            while (ahead() == Tok::label) markerlist();
        optional_comma();
        if (cur() == Tok::leftpar || cur() == Tok::label) node();
    }

    void node() {
        if (cur() == Tok::leftpar) {
            next();
            split();
            check(Tok::rightpar, "')' closing the branches ( ... | ... )");
            next();
        } else {
            next();  // an ending: Normal, Incomplete, High, Low, Generated...
        }
    }

    void split() {
        branch();
        while (cur() == Tok::bar) {
            next();
            branch();
        }
    }

    void marker() {
        check(Tok::leftpar, "'('");
        demand(Tok::label, "the marker's name");
        next();
        properties();
        points();
        check(Tok::rightpar, "')' closing the marker");
        next();
    }

    bool text() {
        check(Tok::leftpar, "'('");
        next();
        properties();
        point();
        if (cur() != Tok::string) return false;
        next();
        if (cur() != Tok::rightpar) return false;
        next();
        return true;
    }

    void points() {
        point();
        while (true) {
            optional_comma();
            if (cur() != Tok::leftpar) break;
            point();
        }
    }

    void point() {
        check(Tok::leftpar, "'(' starting a point (x y z d)");
        demand(Tok::number, "the point's x");
        const std::uint32_t line = current().line;
        const double x = current().x;
        next();
        optional_comma();
        check(Tok::number, "the point's y");
        const double y = current().x;
        next();
        double z = 0, d = 0;
        optional_z(z, d);
        points_.push_back(Point3{x, y, z, d});
        point_line_.push_back(line);
        check(Tok::rightpar, "')' closing the point (x y z d)");
        next();
    }

    void optional_z(double& z, double& d) {
        optional_comma();
        if (cur() != Tok::number) return;
        z = current().x;
        next();
        optional_comma();  // optmodifier
        if (cur() != Tok::number) return;
        d = current().x;
        next();
        optional_comma();
        if (cur() == Tok::label) next();
        optional_comma();  // optbezier
        if (cur() == Tok::leftpar) {
            demand(Tok::number, "a Bezier number");
            next();
            optional_comma();
            check(Tok::number, "a Bezier number");
            next();
            optional_comma();
            check(Tok::number, "a Bezier number");
            next();
            optional_comma();
            check(Tok::number, "a Bezier number");
            demand(Tok::rightpar, "')' closing the Bezier point");
            next();
        }
    }

    // newsec(): a child whose first point is not its parent's last point starts with a copy of
    // that point (with the child's first diameter).
    void new_section(std::size_t begin, std::size_t end) {
        if (section_type_ != 1)  // a tree: NEURON would give a point without diameter no area
            for (std::size_t k = begin; k < end; ++k)
                if (!(points_[k].diam > 0)) {
                    std::ostringstream message;
                    message << name_ << ":" << point_line_[k] << ": a tree point with diameter " << points_[k].diam
                            << "; expected (x y z d) with a positive d";
                    throw input_error(message.str());
                }
        AscPiece piece;
        Import3dSection& s = piece.section;
        s.type = section_type_;
        s.line = begin < point_line_.size() ? point_line_[begin] : current().line;
        if (parent_ && begin < end) {
            const Point3& last = pieces_[*parent_].section.raw.back();
            const Point3& p = points_[begin];
            if (!(last.x == p.x && last.y == p.y && last.z == p.z)) s.raw.push_back(Point3{last.x, last.y, last.z, p.diam});
        }
        s.raw.insert(s.raw.end(), points_.begin() + static_cast<std::ptrdiff_t>(begin),
                     points_.begin() + static_cast<std::ptrdiff_t>(end));
        pieces_.push_back(std::move(piece));
    }
};

struct Box {
    double min[3], max[3];
};

Box bounding_box(const std::vector<Point3>& points) {
    Box b{{points[0].x, points[0].y, points[0].z}, {points[0].x, points[0].y, points[0].z}};
    for (const Point3& p : points) {
        const double c[3] = {p.x, p.y, p.z};
        for (int i = 0; i < 3; ++i) {
            b.min[i] = std::min(b.min[i], c[i]);
            b.max[i] = std::max(b.max[i], c[i]);
        }
    }
    return b;
}

bool overlap_in_xy(const Box& a, const Box& b) {
    for (int i = 0; i < 2; ++i)
        if (a.min[i] > b.max[i] || b.min[i] > a.max[i]) return false;
    return true;
}

// connect2soma(): soma contours first. Consecutive contours whose (x, y) bounding boxes overlap
// are one soma, a stack (soma_contour_stack); every tree root connects logically (first = 1,
// through a centre point that is not instantiated) to the soma at 0.5. The soma becomes NEURON's
// centroid of its contour, or one circle per contour of a stack.
std::vector<Import3dSection> connect_to_soma(std::vector<AscPiece> pieces, const std::string& name) {
    std::vector<Import3dSection> sections;
    std::vector<std::size_t> new_index(pieces.size());
    std::vector<std::vector<Point3>> stack;  // the soma's contours, in file order
    std::uint32_t stack_end_line = 0;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (!pieces[i].contour) continue;
        const Import3dSection& contour = pieces[i].section;
        if (!stack.empty()) {
            if (!overlap_in_xy(bounding_box(stack.back()), bounding_box(contour.raw)))
                throw input_error(name + ":" + std::to_string(contour.line) +
                                  ": a second soma (a contour apart from the one ending at line " +
                                  std::to_string(stack_end_line) +
                                  "); expected one cell: one CellBody contour, or a stack of overlapping ones");
            stack.push_back(contour.raw);
        } else {
            stack.push_back(contour.raw);
            new_index[i] = 0;
            sections.push_back(contour);
        }
        stack_end_line = contour.line + static_cast<std::uint32_t>(contour.raw.size()) - 1;
    }
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (pieces[i].contour) continue;
        new_index[i] = sections.size();
        sections.push_back(pieces[i].section);
        if (sections.back().parent) sections.back().parent = new_index[*sections.back().parent];
    }
    if (sections.empty())
        throw input_error(name + ":" + std::to_string(pieces.empty() ? 1 : pieces[0].section.line) +
                          ": no soma contour and no tree; expected a (\"CellBody\" ...) contour and (Dendrite) or (Axon) trees");
    if (stack.empty()) {
        std::size_t roots = 0;
        for (const Import3dSection& s : sections)
            if (!s.parent && ++roots > 1)
                throw input_error(name + ":" + std::to_string(s.line) +
                                  ": a second tree but no soma contour; expected a (\"CellBody\" ...) contour the trees connect to");
        return sections;
    }
    for (std::size_t i = 1; i < sections.size(); ++i) {
        Import3dSection& s = sections[i];
        if (s.parent) continue;
        s.parent = 0;
        s.parent_x = 0.5;
        s.raw.insert(s.raw.begin(), Point3{0, 0, 0, .01});  // NEURON's connection point: never instantiated
        s.first = 1;
    }
    Import3dSection& body = sections[0];
    if (stack.size() > 1) {
        body.raw.clear();
        for (const std::vector<Point3>& contour : stack) body.raw.push_back(contour_as_circle(contour));
        return sections;
    }
    const auto centroid = contour_centroid(body.raw);
    if (!centroid)
        throw input_error(name + ":" + std::to_string(body.line) +
                          ": the soma contour is degenerate (its points lie on a line or a circle NEURON cannot orient); "
                          "expected an outline of the cell body");
    body.raw = *centroid;
    return sections;
}

}  // namespace

Morphology parse_asc(std::string_view text, const std::string& name) {
    std::vector<AscPiece> pieces = AscParser(tokenize(text, name), name).parse();
    return instantiate_import3d(connect_to_soma(std::move(pieces), name), name);
}

Morphology read_asc(const std::string& path) { return parse_asc(read_text_file(path), path); }

}  // namespace parnet::io
