"""The front end of parnet-modcc: a .mod file parsed by BlueBrain's NMODL framework (Debian's
python3-nmodl) and checked against what parnet supports, as a Mechanism the code generator reads.

python3-nmodl 0.5 does not expose source positions to Python (ModToken is unregistered), so the
line of a refused construct is found in the comment-stripped source text (SourceLines). Anything
outside the supported set raises Refusal("file.mod:LINE: <construct> is not supported (supported:
...)"): never a silently different model."""
import os
import re

import nmodl.dsl as nm

SUPPORTED = ("NEURON (SUFFIX, POINT_PROCESS, NONSPECIFIC_CURRENT, USEION READ/WRITE/VALENCE, RANGE, "
             "GLOBAL, THREADSAFE), UNITS, PARAMETER, ASSIGNED, STATE, CONSTANT, LOCAL, INITIAL, "
             "BREAKPOINT with SOLVE ... METHOD cnexp | derivimplicit (DERIVATIVE) or sparse (KINETIC), "
             "KINETIC with ~ <->, ~ <<, CONSERVE, COMPARTMENT, INITIAL with SOLVE ... STEADYSTATE sparse, "
             "PROCEDURE, FUNCTION, TABLE in PROCEDURE and FUNCTION, if/else, NET_RECEIVE(weight, ...) with flag and INITIAL (per-connection weight vectors), "
             "net_send in INITIAL and NET_RECEIVE of a POINT_PROCESS, "
             "ARTIFICIAL_CELL (" + "%s)")
# What an artificial cell may have (docs/mechanisms.md, "Artificial cells"): it has no membrane.
SUPPORTED_ARTIFICIAL = ("PARAMETER, ASSIGNED, STATE, CONSTANT, LOCAL, INITIAL, NET_RECEIVE(w, ...) with flag and INITIAL, "
                        "net_send and net_move in INITIAL and NET_RECEIVE, net_event in NET_RECEIVE, "
                        "FUNCTION, PROCEDURE, t, dt, celsius; no v, currents, USEION or BREAKPOINT")
SUPPORTED = SUPPORTED % SUPPORTED_ARTIFICIAL

SPECIAL = {"v", "t", "dt", "celsius", "area", "diam"}
MATH = {"exp", "log", "log10", "sqrt", "fabs", "pow", "sin", "cos", "tan", "atan", "tanh", "floor",
        "ceil", "fmin", "fmax", "sinh", "cosh", "asin", "acos", "atan2"}
BUILTIN_CONSTANTS = {"PI": 3.141592653589793, "FARADAY": 96485.33212331001, "R": 8.31446261815324}
# NEURON 8.2's nrnunits values for the unit factors models use: (from) (to) -> factor.
UNIT_FACTORS = {("faraday", "coulomb"): 96485.33212331001,
                ("faraday", "coulombs"): 96485.33212331001,
                ("faraday", "kilocoulombs"): 96.48533212331001,
                ("k-mole", "joule/degC"): 8.31446261815324,
                ("k-mole", "joule/degK"): 8.31446261815324,
                ("1", "mole"): 6.02214076e23,
                ("k", "joule/degC"): 1.380649e-23,
                ("k", "joule/degK"): 1.380649e-23,
                ("e", "coulombs"): 1.602176634e-19,
                ("e", "coulomb"): 1.602176634e-19}
TOP_BLOCKS = {"NeuronBlock", "UnitBlock", "ParamBlock", "AssignedBlock", "StateBlock", "ConstantBlock",
              "InitialBlock", "BreakpointBlock", "DerivativeBlock", "KineticBlock", "ProcedureBlock", "FunctionBlock",
              "NetReceiveBlock", "Model", "BlockComment", "LineComment", "UnitState"}
BLOCK_KEYWORDS = {"KineticBlock": "KINETIC", "LinearBlock": "LINEAR", "NonLinearBlock": "NONLINEAR",
                  "Verbatim": "VERBATIM", "DiscreteBlock": "DISCRETE",
                  "ConstructorBlock": "CONSTRUCTOR", "DestructorBlock": "DESTRUCTOR",
                  "BeforeBlock": "BEFORE", "AfterBlock": "AFTER", "FunctionTableBlock": "FUNCTION_TABLE",
                  "IndependentBlock": "INDEPENDENT",
                  "WhileStatement": "WHILE", "FromStatement": "FROM", "WatchStatement": "WATCH",
                  "ForNetcon": "FOR_NETCONS", "ReactionStatement": "~", "Conserve": "CONSERVE",
                  "Compartment": "COMPARTMENT", "LonDifuse": "LONGITUDINAL_DIFFUSION",
                  "LagStatement": "LAG", "MutexLock": "MUTEXLOCK", "ProtectStatement": "PROTECT",
                  "ElectrodeCurrent": "ELECTRODE_CURRENT", "Pointer": "POINTER",
                  "BbcorePointer": "BBCOREPOINTER", "External": "EXTERNAL", "Define": "DEFINE"}


def net_receive_initial(statement):
    """The statement block of an INITIAL written inside NET_RECEIVE, or None."""
    if type(statement).__name__ != "ExpressionStatement":
        return None
    e = statement.expression
    return e.statement_block if type(e).__name__ == "InitialBlock" else None


class Refusal(Exception):
    pass


class SourceLines:
    """Finds the line of a construct in the source with comments removed: the .mod file, then
    the files it INCLUDEs, numbered one after the other (refuse names the file and its line)."""

    def __init__(self, path, text):
        self.path = path
        self.files = []   # (path, lines before it)
        self.lines = []
        self.add(path, text)

    def add(self, path, text):
        text = re.sub(r"COMMENT.*?ENDCOMMENT", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
        self.files.append((path, len(self.lines)))
        self.lines += [re.sub(r"[:?].*", "", line) for line in text.split("\n")]

    def locate(self, n):
        for path, before in reversed(self.files):
            if n > before:
                return path, n - before
        return self.path, n

    def line_of(self, word, after=1, regex=False):
        pattern = re.compile(word if regex else r"(?<![A-Za-z0-9_])" + re.escape(word) + r"(?![A-Za-z0-9_])")
        for n in range(after, len(self.lines) + 1):
            if pattern.search(self.lines[n - 1]):
                return n
        return 1

    def refuse(self, construct, word=None, after=1, why=None):
        path, line = self.locate(self.line_of(word or construct.split()[0], after))
        message = f"{path}:{line}: {construct} is not supported"
        message += f" ({why})" if why else f" (supported: {SUPPORTED})"
        raise Refusal(message)


def text(node):
    return nm.to_nmodl(node).strip()


def name_of(node):
    return node.get_node_name()


class Function:
    def __init__(self, name, args, body, is_function, table=None):
        self.name, self.args, self.body, self.is_function, self.table = name, args, body, is_function, table


class Table:
    def __init__(self, variables, depend, low, high, points):
        self.variables, self.depend, self.low, self.high, self.points = variables, depend, low, high, points


class Mechanism:
    """What the code generator needs from one .mod file."""

    def __init__(self, path, source):
        self.path = path
        self.src = SourceLines(path, source)
        self.name = None
        self.point = False
        self.artificial = False   # ARTIFICIAL_CELL: a cell of its own (self.point is True too)
        self.ions = []            # [{name, valence, read: [...], write: [...]}]
        self.nonspecific = []
        self.range, self.globals_declared = set(), set()
        self.parameters = []      # [(name, default, units)]
        self.assigned = []        # [(name, units)]
        self.states = []
        self.constants = dict(BUILTIN_CONSTANTS)
        self.functions = {}
        self.derivatives = {}
        self.kinetics = {}        # KINETIC blocks: name -> statement block
        self.initial = None
        self.breakpoint = []
        self.has_breakpoint = False
        self.solve = None         # the block BREAKPOINT solves
        self.solve_method = None  # cnexp | derivimplicit (DERIVATIVE), sparse (KINETIC)
        self.net_receive = None   # (weight argument name, body)
        self.net_receive_arguments = []   # all of NET_RECEIVE's arguments, the weight first
        self.net_receive_initial = None   # the statement block of its INITIAL, if any
        self.top_locals = []      # top-level LOCALs: kept per instance (NEURON: one per thread)
        try:   # a file: INCLUDEs are read relative to its folder, as NEURON does
            driver = nm.NmodlDriver()
            program = driver.parse_file(path) if os.path.isfile(path) else driver.parse_string(source)
        except RuntimeError as e:
            match = re.search(r"Location : (\d+)\.(\d+)", str(e))
            line = match.group(1) if match else "1"
            first = str(e).split("\n")[0].replace("NMODL Parser Error : ", "")
            missing = re.match(r"can not open file : (.*?) \[", first)
            if missing:
                raise Refusal(f"{path}:{line}: INCLUDE \"{missing.group(1)}\": no such file next to {path}")
            raise Refusal(f"{path}:{line}: malformed NMODL: {first}")
        self.read(program)
        self.written = self.assigned_names(program)

    @staticmethod
    def assigned_names(program):
        """Every name a statement outside the top-level INITIAL assigns (x = ..., x' = ...)."""
        from nmodl.dsl import ast, visitor
        names = set()

        def walk(blocks):
            for block in blocks:
                kind = type(block).__name__
                if kind == "Include":
                    walk(block.blocks)
                elif kind != "InitialBlock":
                    for e in visitor.AstLookupVisitor().lookup(block, ast.AstNodeType.BINARY_EXPRESSION):
                        if e.op.eval() == "=":
                            names.add(text(e.lhs).rstrip("'"))
        walk(program.blocks)
        return names

    def run_constant_parameters(self):
        """RANGE PARAMETERs that only INITIAL may assign: after it, a value per instance that stays
        for the whole run (what the current, state and NET_RECEIVE kernels see)."""
        fields_p = self.layout()[0]
        return {n for n, _, _ in fields_p if n not in self.written}

    def refuse(self, construct, word=None, why=None, after=1):
        self.src.refuse(construct, word, after=after, why=why)

    def block_line(self, keyword, name=None):
        """Line where a block starts (so that a refusal inside it names the line in it)."""
        if name is None:
            return self.src.line_of(keyword)
        return self.src.line_of(keyword + r"\s+" + re.escape(name) + r"(?![A-Za-z0-9_])", regex=True)

    # --- the blocks ---
    def read(self, program):
        self.read_blocks(program.blocks, os.path.dirname(self.path))
        if self.name is None:
            raise Refusal(f"{self.path}:1: no SUFFIX or POINT_PROCESS in the NEURON block")
        if self.net_receive and not self.point:
            self.refuse("NET_RECEIVE in a density mechanism", "NET_RECEIVE")
        if self.artificial:
            self.check_artificial()
        self.check_names()

    def check_artificial(self):
        """What an ARTIFICIAL_CELL cannot have: a membrane (v and currents are refused where the
        code generator meets them: artificial_codegen.py)."""
        def refuse(construct, word):
            self.refuse(f"{construct} in an ARTIFICIAL_CELL", word,
                        why=f"supported in an ARTIFICIAL_CELL: {SUPPORTED_ARTIFICIAL}")
        if self.ions:
            refuse("USEION", "USEION")
        if self.nonspecific:
            refuse("NONSPECIFIC_CURRENT", "NONSPECIFIC_CURRENT")
        if self.solve or self.breakpoint or self.has_breakpoint:
            refuse("BREAKPOINT", "BREAKPOINT")

    def read_blocks(self, blocks, folder):
        for block in blocks:
            kind = type(block).__name__
            if kind == "Include":   # the included file's blocks, as if written here
                name = text(block.filename).strip('"')
                included = os.path.join(folder, name)
                with open(included) as f:
                    self.src.add(included, f.read())
                self.read_blocks(block.blocks, os.path.dirname(included))
                continue
            if kind in BLOCK_KEYWORDS and kind not in TOP_BLOCKS:
                self.refuse(BLOCK_KEYWORDS[kind])
            if kind == "LocalListStatement":
                self.top_locals += [name_of(v.name) for v in block.variables]
                continue
            if kind not in TOP_BLOCKS:
                self.refuse(f"block {kind}", text(block).split()[0] if text(block) else None)
            getattr(self, "read_" + kind, lambda b: None)(block)

    def read_NeuronBlock(self, block):
        for s in block.statement_block.statements:
            kind = type(s).__name__
            if kind == "Suffix":
                t = text(s.type)
                self.name = name_of(s.name)
                # an artificial cell is a point process of no section: it takes events alone
                self.point = t in ("POINT_PROCESS", "ARTIFICIAL_CELL")
                self.artificial = t == "ARTIFICIAL_CELL"
            elif kind == "Useion":
                valence = None
                if s.valence is not None:
                    valence = int(float(text(s.valence).split()[-1]))
                ion = name_of(s.name)
                default_valence = {"na": 1, "k": 1, "ca": 2, "cl": -1}
                if valence is None:
                    if ion not in default_valence:
                        self.refuse(f"USEION {ion} without VALENCE", "USEION",
                                    why="an ion other than na, k, ca, cl needs VALENCE")
                    valence = default_valence[ion]
                self.ions.append({"name": ion, "valence": valence,
                                  "read": [name_of(v) for v in s.readlist],
                                  "write": [name_of(v) for v in s.writelist]})
            elif kind == "Nonspecific":
                self.nonspecific += [name_of(c) for c in s.currents]
            elif kind == "Range":
                self.range |= {name_of(v) for v in s.variables}
            elif kind == "Global":
                self.globals_declared |= {name_of(v) for v in s.variables}
            elif kind in ("ThreadSafe", "LineComment", "BlockComment"):
                pass
            elif kind in BLOCK_KEYWORDS:
                self.refuse(BLOCK_KEYWORDS[kind])
            else:
                self.refuse(text(s).split()[0] if text(s) else kind)
        for ion in self.ions:
            x = ion["name"]
            allowed = {"e" + x, "i" + x, x + "i", x + "o"}
            for v in ion["read"] + ion["write"]:
                if v not in allowed:
                    self.refuse(f"USEION {x} variable {v}", v, why=f"an ion's variables are {sorted(allowed)}")
            if "e" + x in ion["write"]:
                self.refuse(f"WRITE e{x}", "e" + x, why="the reversal potential is the ion's (constant or Nernst)")

    def read_UnitBlock(self, block):
        for d in block.definitions:
            if type(d).__name__ != "FactorDef":
                continue
            name = name_of(d.name)
            if d.value is not None:
                self.constants[name] = float(text(d.value))
                continue
            key = (text(d.unit1).strip("()"), text(d.unit2).strip("()"))
            if key not in UNIT_FACTORS:
                self.refuse(f"unit factor {name} = ({key[0]}) ({key[1]})", name,
                            why="known factors: " + ", ".join(f"({a}) ({b})" for a, b in UNIT_FACTORS))
            self.constants[name] = UNIT_FACTORS[key]

    def read_ParamBlock(self, block):
        for p in block.statements:
            if type(p).__name__ != "ParamAssign":
                continue
            if p.length is not None if hasattr(p, "length") else False:
                self.refuse("array PARAMETER", name_of(p.name))
            value = float(text(p.value)) if p.value is not None else 0.0
            self.parameters.append((name_of(p.name), value, text(p.unit).strip("()") if p.unit else ""))

    def read_definitions(self, block, out, what):
        for d in block.definitions:
            if type(d).__name__ != "AssignedDefinition":
                continue
            if d.length is not None:
                self.refuse(f"array {what} {name_of(d.name)}", name_of(d.name))
            out.append((name_of(d.name), text(d.unit).strip("()") if d.unit else ""))

    def read_AssignedBlock(self, block):
        self.read_definitions(block, self.assigned, "ASSIGNED")

    def read_StateBlock(self, block):
        self.read_definitions(block, self.states, "STATE")

    def read_ConstantBlock(self, block):
        for s in block.statements:
            c = s.constant
            self.constants[name_of(c.name)] = float(text(c.value))

    def read_InitialBlock(self, block):
        self.initial = block.statement_block

    def read_BreakpointBlock(self, block):
        self.has_breakpoint = True
        for statement in block.statement_block.statements:
            s = getattr(statement, "expression", statement)
            if type(s).__name__ == "SolveBlock":
                method = name_of(s.method) if s.method is not None else None
                if s.steadystate is not None:
                    self.refuse("SOLVE ... STEADYSTATE", "STEADYSTATE")
                if method not in ("cnexp", "derivimplicit", "sparse"):
                    self.refuse(f"SOLVE ... METHOD {method}" if method else "SOLVE without METHOD",
                                method or "SOLVE")
                self.solve = name_of(s.block_name)
                self.solve_method = method
            else:
                self.breakpoint.append(statement)

    def read_DerivativeBlock(self, block):
        self.derivatives[name_of(block.name)] = block.statement_block

    def read_KineticBlock(self, block):
        self.kinetics[name_of(block.name)] = block.statement_block

    def read_callable(self, block, is_function):
        name = name_of(block.name)
        args = [name_of(a.name) for a in block.parameters]
        table = None
        statements = list(block.statement_block.statements)
        for s in statements:
            if type(s).__name__ == "TableStatement":
                if len(args) != 1:
                    self.refuse("TABLE in a FUNCTION or PROCEDURE with other than one argument", "TABLE")
                if is_function and s.table_vars:
                    self.refuse("TABLE of variables in a FUNCTION", "TABLE")
                if not is_function and not s.table_vars:
                    self.refuse("TABLE without variables in a PROCEDURE", "TABLE")
                variables = ["_ret"] if is_function else [name_of(v) for v in s.table_vars]
                table = Table(variables, [name_of(v) for v in s.depend_vars],
                              float(text(getattr(s, "from"))), float(text(s.to)), int(float(text(s.with_)))
                              if hasattr(s, "with_") else int(float(text(getattr(s, "with")))))
        self.functions[name] = Function(name, args, block.statement_block, is_function, table)

    def read_FunctionBlock(self, block):
        self.read_callable(block, True)

    def read_ProcedureBlock(self, block):
        self.read_callable(block, False)

    def read_NetReceiveBlock(self, block):
        if not block.parameters:
            self.refuse("NET_RECEIVE without arguments (the weight first)", "NET_RECEIVE")
        names = [name_of(p.name) for p in block.parameters]
        self.net_receive = (names[0], block.statement_block)
        # NEURON's weight vector: the arguments after the weight are per-connection state, set by
        # an INITIAL block inside NET_RECEIVE (or 0) and kept between the connection's events.
        self.net_receive_arguments = names
        initials = [s for s in block.statement_block.statements if net_receive_initial(s) is not None]
        if len(initials) > 1:
            self.refuse("NET_RECEIVE with more than one INITIAL block", "INITIAL")
        self.net_receive_initial = net_receive_initial(initials[0]) if initials else None

    def per_connection(self):
        """Whether connections carry a weight vector (docs/mechanisms.md, "Weight vectors")."""
        return len(self.net_receive_arguments) > 1 or self.net_receive_initial is not None

    # --- names ---
    def ion_variables(self):
        """name -> (ion index, 'reversal'|'current'|'inside'|'outside', written)"""
        out = {}
        for k, ion in enumerate(self.ions):
            x = ion["name"]
            for v in ion["read"] + ion["write"]:
                which = {"e" + x: "reversal", "i" + x: "current", x + "i": "inside", x + "o": "outside"}[v]
                out[v] = (k, which, v in ion["write"])
        return out

    def check_names(self):
        params = [p[0] for p in self.parameters]
        ionvars = self.ion_variables()
        for n in self.range | self.globals_declared:
            known = params + [a[0] for a in self.assigned] + [s[0] for s in self.states]
            if n not in known and n not in ionvars:
                self.refuse(f"RANGE/GLOBAL {n} without a declaration", n,
                            why="declare it in PARAMETER, ASSIGNED or STATE")
        if self.solve and self.solve_method in ("cnexp", "derivimplicit") and self.solve not in self.derivatives:
            self.refuse(f"SOLVE {self.solve} METHOD {self.solve_method} of a non-DERIVATIVE block", self.solve,
                        why="cnexp and derivimplicit solve DERIVATIVE blocks")
        if self.solve and self.solve_method == "sparse" and self.solve not in self.kinetics:
            self.refuse(f"SOLVE {self.solve} METHOD sparse of a non-KINETIC block", self.solve,
                        why="sparse solves KINETIC blocks")
        for n in self.globals_declared:
            if n in [s[0] for s in self.states]:
                self.refuse(f"GLOBAL STATE {n}", n)

    def temporaries(self):
        """GLOBAL ASSIGNED variables (hh's minf, mtau, ...): with THREADSAFE NEURON keeps one per
        thread, set and used within one block's evaluation; parnet keeps one per lane, for the
        duration of a kernel (not stored, not recordable)."""
        return [n for n, _ in self.assigned if n in self.globals_declared and n not in self.range]

    # fields per instance: RANGE parameters, then assigned (including nonspecific currents and
    # written ion currents that are declared), then states; globals: the other parameters.
    def layout(self):
        ionvars = self.ion_variables()
        fields_p = [(n, d, u) for n, d, u in self.parameters if n in self.range and n not in ionvars]
        globals_ = [(n, d, u) for n, d, u in self.parameters
                    if n not in self.range and n not in ionvars and n not in SPECIAL]
        fields_a = [(n, 0.0, u) for n, u in self.assigned
                    if n not in SPECIAL and (n not in ionvars or ionvars[n][1:] == ("current", True))
                    and n not in self.temporaries()]
        fields_a += [(n, 0.0, "") for n in self.top_locals]
        fields_s = [(n, 0.0, u) for n, u in self.states if n not in ionvars]
        if any(f.table for f in self.functions.values()):
            globals_.append(("usetable", 1.0, ""))
        return fields_p, fields_a, fields_s, globals_
