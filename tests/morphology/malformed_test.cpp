// Malformed SWC and Neurolucida files: each is refused with "<file>:<line>: what was wrong;
// what was expected" (input_error), the exact message asserted.
#include "engine/errors.hpp"
#include "io/asc_reader.hpp"
#include "io/morphology_reader.hpp"
#include "io/swc_reader.hpp"

#include <gtest/gtest.h>

#include <string>

namespace parnet {
namespace {

template <class Read>
std::string error_of(Read read) {
    try {
        read();
    } catch (const input_error& e) {
        return e.what();
    }
    return "(no error)";
}

std::string swc_error(const std::string& text) {
    return error_of([&] { io::parse_swc(text, "bad.swc"); });
}
std::string asc_error(const std::string& text) {
    return error_of([&] { io::parse_asc(text, "bad.asc"); });
}

const std::string soma = "1 1 0 0 0 5 -1\n";

TEST(MalformedSwc, EmptyFile) {
    EXPECT_EQ(swc_error(""), "bad.swc:1: no points; expected lines 'id type x y z radius parent'");
    EXPECT_EQ(swc_error("# only\n\n# comments\n"), "bad.swc:3: no points; expected lines 'id type x y z radius parent'");
}

TEST(MalformedSwc, MissingAndExtraFields) {
    EXPECT_EQ(swc_error(soma + "2 3 5 0 0 1\n"),
              "bad.swc:2: too few fields (6); expected 7: 'id type x y z radius parent'");
    EXPECT_EQ(swc_error(soma + "2 3 5 0 0 1 1 7\n"),
              "bad.swc:2: too many fields (8); expected 7: 'id type x y z radius parent'");
}

TEST(MalformedSwc, NonNumericFields) {
    EXPECT_EQ(swc_error(soma + "2 3 5 abc 0 1 1\n"), "bad.swc:2: y 'abc': expected a number");
    EXPECT_EQ(swc_error(soma + "2 3 5 0 nan 1 1\n"), "bad.swc:2: z 'nan': expected a number");
    EXPECT_EQ(swc_error(soma + "2 3 5 0 0 1e999 1\n"), "bad.swc:2: radius '1e999': expected a number");
    EXPECT_EQ(swc_error("1.5 1 0 0 0 5 -1\n"), "bad.swc:1: id '1.5': expected an integer id >= 0");
    EXPECT_EQ(swc_error(soma + "2 dend 5 0 0 1 1\n"), "bad.swc:2: type 'dend': expected a number");
    EXPECT_EQ(swc_error(soma + "2 3 5 0 0 1 0.5\n"),
              "bad.swc:2: parent '0.5': expected the integer id of an earlier point, or -1 for the root");
}

TEST(MalformedSwc, ZeroOrNegativeRadius) {
    EXPECT_EQ(swc_error(soma + "2 3 5 0 0 0 1\n"),
              "bad.swc:2: radius 0: expected a positive radius (NEURON gives such a point no area)");
    EXPECT_EQ(swc_error(soma + "2 3 5 0 0 -0.5 1\n"),
              "bad.swc:2: radius -0.5: expected a positive radius (NEURON gives such a point no area)");
}

TEST(MalformedSwc, DuplicateId) {
    EXPECT_EQ(swc_error(soma + "2 3 5 0 0 1 1\n# again\n2 3 9 0 0 1 1\n"),
              "bad.swc:4: duplicate id 2 (first at line 2); expected each id once");
}

TEST(MalformedSwc, ParentThatDoesNotExist) {
    EXPECT_EQ(swc_error(soma + "3 3 5 0 0 1 2\n"),
              "bad.swc:2: parent 2 of point 3 does not exist; expected the id of an earlier point, or -1 for the root");
}

TEST(MalformedSwc, ParentAfterChildOrCycle) {
    EXPECT_EQ(swc_error(soma + "2 3 5 0 0 1 3\n3 3 9 0 0 1 2\n"),
              "bad.swc:2: parent 3 of point 2 is not less than its id; expected a parent listed before its children");
    EXPECT_EQ(swc_error(soma + "2 3 5 0 0 1 2\n"),
              "bad.swc:2: parent 2 of point 2 is not less than its id; expected a parent listed before its children");
}

TEST(MalformedSwc, UnsortedIds) {
    EXPECT_EQ(swc_error(soma + "3 3 5 0 0 1 1\n2 3 9 0 0 1 1\n"),
              "bad.swc:3: id 2 after id 3; expected increasing ids (NEURON's Import3d fails on unsorted files)");
}

TEST(MalformedSwc, TwoTrees) {
    EXPECT_EQ(swc_error(soma + "2 3 5 0 0 1 1\n3 3 9 0 0 1 -1\n"),
              "bad.swc:3: a second root (parent -1; the first is at line 1); expected one connected tree");
}

TEST(MalformedSwc, ZeroLengthSection) {
    EXPECT_EQ(swc_error(soma + "2 3 5 0 0 1 1\n3 3 5 0 0 1 2\n4 3 5 0 0 1 3\n"),
              "bad.swc:2: section dend[0] has zero length (all its 3 points coincide); expected points that span a "
              "length (NEURON would make it 1e-9 um long)");
}

TEST(MalformedAsc, EmptyFile) {
    EXPECT_EQ(asc_error(""), "bad.asc:1: unexpected end of file; expected '(' starting a contour, tree, marker or property");
    EXPECT_EQ(asc_error("; nothing\n; here\n"),
              "bad.asc:2: unexpected end of file; expected '(' starting a contour, tree, marker or property");
}

const std::string tree = "( (Dendrite)\n  (1 0 0 2)\n  (5 0 0 1)\n)\n";

TEST(MalformedAsc, UnbalancedParentheses) {
    EXPECT_EQ(asc_error("( (Dendrite)\n  (1 0 0 2)\n  (5 0 0 1)\n"),
              "bad.asc:3: unexpected end of file; expected ')' closing the tree");
    EXPECT_EQ(asc_error(tree + ")\n"),
              "bad.asc:5: unexpected ')'; expected an object '(' or the end of the file (parentheses do not balance)");
    EXPECT_EQ(asc_error("( (Dendrite)\n  (1 0 0 2)\n  (5 0 0 1\n)\n"),
              "bad.asc:4: unexpected end of file; expected ')' closing the tree");
    EXPECT_EQ(asc_error("( (Dendrite)\n  (1 0 0 2)\n  (5 0 0 1)\n  (Dot (5 1 0 1)\n"),
              "bad.asc:4: unexpected end of file; expected ')' closing the marker (parentheses do not balance)");
}

TEST(MalformedAsc, UnknownToken) {
    EXPECT_EQ(asc_error("( (Dendrite)\n  (1 0 0 2)\n  {5 0 0 1}\n)\n"),
              "bad.asc:3: unknown token '{5'; expected a number, a parenthesis, ',', '|', '<', '>', a \"string\" or a word");
    EXPECT_EQ(asc_error("(\"CellBody\n"), "bad.asc:1: a string without its closing '\"'; expected \"...\" on one line");
}

TEST(MalformedAsc, WrongGrammar) {
    EXPECT_EQ(asc_error("( (Dendrite)\n  (1 0 0 2)\n  (5 Normal 0 1)\n)\n"),
              "bad.asc:3: unexpected 'Normal'; expected the point's y");
    EXPECT_EQ(asc_error("( (Dendrite)\n  (1 0 0 2)\n  (\n (5 0 0 1)\n  || (6 0 0 1)\n )\n)\n"),
              "bad.asc:5: unexpected '|'; expected '(' starting a point (x y z d)");
    EXPECT_EQ(asc_error("(Color 5 5 5\n"), "bad.asc:1: unexpected end of file; expected ')' closing the property");
}

TEST(MalformedAsc, ZeroDiameter) {
    EXPECT_EQ(asc_error("( (Axon)\n  (1 0 0 -2)\n  (5 0 0 1)\n)\n"),
              "bad.asc:2: a tree point with diameter -2; expected (x y z d) with a positive d");
    EXPECT_EQ(asc_error("( (Dendrite)\n  (1 0 0 2)\n  (5 0)\n)\n"),
              "bad.asc:3: a tree point with diameter 0; expected (x y z d) with a positive d");
}

TEST(MalformedAsc, NoSomaForSeveralTrees) {
    EXPECT_EQ(asc_error(tree + tree),
              "bad.asc:6: a second tree but no soma contour; expected a (\"CellBody\" ...) contour the trees connect to");
}

const std::string body = "(\"CellBody\"\n (CellBody)\n (0 0 0 1)\n (2 1 0 1)\n (1 3 0 1)\n (-1 2 0 1)\n)\n";

const std::string body_apart = "(\"CellBody\"\n (CellBody)\n (100 0 0 1)\n (102 1 0 1)\n (101 3 0 1)\n)\n";

TEST(MalformedAsc, TwoCells) {
    EXPECT_EQ(asc_error(body + body_apart + tree),
              "bad.asc:10: a second soma (a contour apart from the one ending at line 6); expected one cell: one CellBody "
              "contour, or a stack of overlapping ones");
    // The same contour twice is a stack of two circles at one place: a soma of zero length.
    EXPECT_EQ(asc_error(body + body + tree),
              "bad.asc:3: section soma[0] has zero length (all its 2 points coincide); expected points that span a "
              "length (NEURON would make it 1e-9 um long)");
}

TEST(MalformedAsc, DegenerateSomaContour) {
    EXPECT_EQ(asc_error("(\"CellBody\"\n (0 0 0 1)\n (1 1 0 1)\n (2 2 0 1)\n)\n" + tree),
              "bad.asc:2: the soma contour is degenerate (its points lie on a line or a circle NEURON cannot orient); "
              "expected an outline of the cell body");
}

TEST(MalformedFile, UnknownExtensionAndMissingFile) {
    EXPECT_EQ(error_of([] { io::read_morphology("cell.txt"); }),
              "cell.txt: unknown morphology format '.txt'; expected an SWC (.swc) or Neurolucida (.asc) file");
    EXPECT_EQ(error_of([] { io::read_morphology("/nonexistent/cell.swc"); }),
              "/nonexistent/cell.swc: cannot open the morphology file");
    EXPECT_EQ(error_of([] { io::read_morphology("/nonexistent/cell.ASC"); }),
              "/nonexistent/cell.ASC: cannot open the morphology file");
}

}  // namespace
}  // namespace parnet
