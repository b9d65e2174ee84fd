"""The back end of parnet-modcc: one Mechanism as C++ kernels for engine/cable/mechanism_abi.h.

Every kernel loops over the instances of one block and, inside, over exactly PARNET_LANES lanes
with the mod file's statements as scalar code: lanes never mix, and the fixed-length inner loop is
what compilers vectorize. FUNCTIONs and PROCEDUREs become lambdas in that loop body (so they see
the instance's fields by reference and are inlined). Arithmetic keeps the mod file's order
(every binary operation parenthesised as parsed); exp in kernels is parnet's exp_inline (the same
in SIMD and scalar code), libm's exp where tables are built, as the hand-written kernels did."""
import math
import re
import sympy

from implicit_solvers import ImplicitSolvers
from nmodl_model import MATH, SPECIAL, Refusal, name_of, text

HOISTED = "@@hoisted@@"
REFRESH = "@@refresh@@"   # where a lane loop's instance recomputes its stale cached values
BINARY = {"+", "-", "*", "/", "<", ">", "<=", ">=", "==", "!=", "&&", "||"}
CPP_RESERVED = {"int", "double", "float", "char", "long", "short", "auto", "new", "delete", "this",
                "class", "struct", "template", "typename", "namespace", "using", "return", "case",
                "default", "switch", "do", "for", "while", "goto", "break", "continue", "const",
                "static", "extern", "register", "volatile", "union", "enum", "signed", "unsigned",
                "void", "bool", "true", "false", "operator", "friend", "private", "public",
                "protected", "virtual", "inline", "sizeof", "typedef", "and", "or", "not", "xor"}


def unwrap(e):
    while type(e).__name__ in ("WrappedExpression", "ParenExpression"):
        e = e.expression
    return e


def calls_in(node, out):
    """Names of FunctionCalls under node (the AST walked through its known fields)."""
    kind = type(node).__name__
    if kind == "FunctionCall":
        out.add(name_of(node.name))
        for a in node.arguments:
            calls_in(a, out)
        return out
    for field in ("statements", "statement_block", "expression", "lhs", "rhs", "condition",
                  "elseifs", "elses", "expression1", "expression2", "expr"):
        child = getattr(node, field, None)
        if child is None:
            continue
        for c in child if isinstance(child, list) else [child]:
            calls_in(c, out)
    return out


def mentions(node, name):
    kind = type(node).__name__
    if kind in ("VarName", "Name"):
        return name_of(node) == name
    for field in ("expression", "lhs", "rhs", "arguments"):
        child = getattr(node, field, None)
        if child is None:
            continue
        for c in child if isinstance(child, list) else [child]:
            if mentions(c, name):
                return True
    return False


class Scope:
    def __init__(self, names, parent=None):
        self.names, self.parent = set(names), parent
        self.invariant_values = {}   # local -> the lane-invariant code last assigned to it here

    def invariant_value(self, n):
        """The lane-invariant code a local holds at this point (hh-like qt = q10^(...)), or None."""
        scope = self
        while scope is not None:
            if n in scope.invariant_values:
                return scope.invariant_values[n]
            if n in scope.names:
                return None
            scope = scope.parent
        return None

    def assigned(self, n, code):
        """n = code here: what it held before is gone, in this scope and every enclosing one."""
        scope = self
        while scope is not None:
            scope.invariant_values.pop(n, None)
            scope = scope.parent
        if code is not None:
            self.invariant_values[n] = code

    def __contains__(self, n):
        return n in self.names or (self.parent is not None and n in self.parent)


class Generator(ImplicitSolvers):
    def __init__(self, mech, cache=True):
        self.m = mech
        self.cache = cache   # False: every cacheable value computed in every step (tests compare)
        self.implicit_index = None   # derivimplicit: state -> index of its derivative
        self.in_initial = False
        self.linear = True
        self.sending = None   # the weight a net_send carries where net_send may be called
        self.sends = False
        self.fields_p, self.fields_a, self.fields_s, self.globals = mech.layout()
        self.fields = self.fields_p + self.fields_a + self.fields_s
        self.temporaries = mech.temporaries()
        self.hoisted = []   # (name, code): lane-invariant calls computed once per kernel
        # Hidden fields after the states (parnet_mechanism::hidden_count): values that run-constant
        # parameters and dt determine, cached per instance and lane, and per kernel using them the
        # dt they were computed for. (name, units, default, code or None for a kernel's dt.)
        self.run_constant = mech.run_constant_parameters()
        self.hidden = []
        self.kernel_caches = []   # indices into hidden that the kernel being generated reads
        self.caching = False      # in the current and state kernels (their lane loops refresh caches)
        self.field_names = [f[0] for f in self.fields]
        self.global_names = [g[0] for g in self.globals]
        self.ionvars = mech.ion_variables()
        self.tables = {}   # procedure -> (offset, stride)
        self.after = 1     # refusals name the first line from here on that mentions the construct
        size = 0
        for f in mech.functions.values():
            if f.table:
                stride = 2 * len(f.table.variables)
                self.tables[f.name] = (size, stride)
                size += (f.table.points + 1) * stride
        self.prepared_size = size
        self.prepared_invariants = []   # (slot, code): computed by prepare()
        for n, _, _ in self.fields + self.globals:
            if n in CPP_RESERVED:
                mech.refuse(f"a variable named {n}", n, why="it is a C++ keyword")
        for ion in mech.ions:
            x = ion["name"]
            if "i" + x in ion["write"] and "i" + x not in [a[0] for a in mech.assigned]:
                mech.refuse(f"WRITE i{x} without ASSIGNED i{x}", "i" + x)

    def refuse(self, construct, word=None, why=None):
        self.m.refuse(construct, word, why=why, after=self.after)

    def within(self, keyword, name=None):
        self.after = self.m.block_line(keyword, name)

    # --- expressions ---
    def expr(self, e, scope, exact):
        kind = type(e).__name__
        if kind in ("WrappedExpression", "ParenExpression"):
            return "(" + self.expr(e.expression, scope, exact) + ")"
        if kind in ("Double", "Integer", "Float"):
            s = text(e)
            return s if any(c in s for c in ".eE") else s + ".0"
        if kind == "DoubleUnit":
            return self.expr(e.value, scope, exact)
        if kind in ("VarName", "Name"):
            n = name_of(e)
            if kind == "VarName" and e.index is not None:
                self.refuse(f"indexed variable {n}[...]", n)
            if n not in scope:
                self.refuse(f"the undeclared name {n}", n, why="declare it, or it is outside parnet's NMODL")
            return n
        if kind == "UnaryExpression":
            op = e.op.eval()
            return f"({op}{self.expr(e.expression, scope, exact)})"
        if kind == "BinaryExpression":
            op = e.op.eval()
            lhs, rhs = self.expr(e.lhs, scope, exact), self.expr(e.rhs, scope, exact)
            if op == "^":
                power = self.small_integer(e.rhs)
                if power is not None and not exact and not self.invariant(e, scope):
                    # x^n, n = 2..8, as n - 1 multiplications (a libm pow per lane does not
                    # vectorize; the product differs from pow in the last bits only)
                    return f"parnet::cable::nmodl::ipow<{power}>({lhs})"
                return self.hoist(f"std::pow({lhs}, {rhs})", e, scope, exact)
            if op not in BINARY:
                self.refuse(f"the operator {op}", op)
            if op == "/" and not exact and not self.invariant(e.lhs, scope):
                reciprocal = self.reciprocal(e.rhs, rhs, scope)
                if reciprocal is not None:
                    return f"({lhs} * {reciprocal})"
            return f"({lhs} {op} {rhs})"
        if kind == "FunctionCall":
            n = name_of(e.name)
            args = ", ".join(self.expr(a, scope, exact) for a in e.arguments)
            if n in self.m.functions:
                f = self.m.functions[n]
                if len(f.args) != len(e.arguments):
                    self.refuse(f"calling {n} with {len(e.arguments)} arguments", n,
                                why=f"it takes {len(f.args)}")
                return f"fn_{n}({args})"
            if n == "exp":
                return self.hoist(f"{'std::exp' if exact else 'parnet::cable::exp_inline'}({args})", e, scope, exact)
            if n in MATH:
                return self.hoist(f"std::{n}({args})", e, scope, exact)
            self.refuse(f"the function {n}()", n)
        self.refuse(f"the expression {text(e)}", text(e).split("(")[0] or None)

    def reciprocal(self, e, code, scope):
        """For x / e with e the same in every lane and instance: 1/e computed outside the lane loop
        (a literal's at compile time), so the loop multiplies (within an ulp of the division).
        None for powers of two (the compiler multiplies already, exactly) and other divisors."""
        e = unwrap(e)
        if type(e).__name__ == "DoubleUnit":
            e = e.value
        if type(e).__name__ in ("Double", "Integer", "Float"):
            value = float(text(e))
            if value == 0.0 or math.frexp(value)[0] in (0.5, -0.5):
                return None
            return f"(1.0 / {code})"
        if self.invariant(e, scope):
            return self.hoist_code(f"(1.0 / {code})")
        if type(e).__name__ in ("VarName", "Name"):
            value = scope.invariant_value(name_of(e))
            if value is not None:
                return self.hoist_code(f"(1.0 / {value})")
        if self.caching and self.instance_invariant(e, scope):   # cahva's -(v - vhalf)/k
            return self.cache_code(f"(1.0 / {code})")
        return None

    @staticmethod
    def small_integer(e):
        e = unwrap(e)
        if type(e).__name__ not in ("Double", "Integer"):
            return None
        value = float(text(e))
        return int(value) if value.is_integer() and 2 <= value <= 8 else None

    def invariant(self, e, scope, per_instance=False):
        """True when e has the same value in every lane and instance: numbers, constants,
        GLOBALs, celsius, dt and math functions of them. per_instance: the same value through the
        run in each instance and lane, RANGE PARAMETERs that only INITIAL assigns allowed too
        (run_constant_parameters)."""
        kind = type(e).__name__
        if kind in ("Double", "Integer", "Float"):
            return True
        if kind == "DoubleUnit":
            return True
        if kind in ("VarName", "Name"):
            n = name_of(e)
            if self.local_in(scope, n):
                return False
            return n in self.global_names or n in ("celsius", "dt") or (
                n in self.m.constants and n not in self.field_names) or (per_instance and n in self.run_constant)
        if kind in ("WrappedExpression", "ParenExpression", "UnaryExpression"):
            return self.invariant(e.expression, scope, per_instance)
        if kind == "BinaryExpression":
            return self.invariant(e.lhs, scope, per_instance) and self.invariant(e.rhs, scope, per_instance)
        if kind == "FunctionCall":
            return name_of(e.name) in MATH and all(self.invariant(a, scope, per_instance) for a in e.arguments)
        return False

    def instance_invariant(self, e, scope):
        return self.invariant(e, scope, per_instance=True)

    def symbols_invariance(self, names, scope):
        """'lane', 'instance' or None for code made of these names (the symbols of a sympy form;
        its opaque calls _cN count as variant)."""
        lane = True
        for n in names:
            if self.local_in(scope, n) or n.startswith("_c"):
                return None
            if n in self.global_names or n in ("celsius", "dt") or (n in self.m.constants and n not in self.field_names):
                continue
            if n not in self.run_constant:
                return None
            lane = False
        return "lane" if lane else "instance"

    def cache_code(self, code):
        """A value of run-constant parameters and dt, per instance and lane, kept in a hidden field
        that the kernel recomputes only when dt differs from the dt it was computed for: the same
        expression, so the same bits as computing it every step. Only in kernels whose lane loops
        refresh them (current, state), which run after INITIAL."""
        if not self.cache or not self.caching:
            return code
        for j, (_, _, _, c) in enumerate(self.hidden):
            if c == code:
                break
        else:
            j = len(self.hidden)
            self.hidden.append((f"_cache{j}", "", 0.0, code))
        if j not in self.kernel_caches:
            self.kernel_caches.append(j)
        return f"_h{j}[_k]"

    # A libm call on lane-invariant arguments, computed once before the lane loop (the same
    # value; it keeps the loop free of calls, which compilers do not vectorize).
    def hoist(self, code, e, scope, exact):
        if exact or not self.invariant(e, scope):
            return code
        return self.hoist_code(code)

    def hoist_code(self, code):
        for name, c in self.hoisted:
            if c == code:
                return name
        name = f"_invariant{len(self.hoisted)}"
        self.hoisted.append((name, code))
        return name

    # --- statements ---
    def block(self, sb, scope, exact, indent, ret=None, derivative=False):
        out = []
        scope = Scope([], scope)
        for s in sb.statements:
            out += self.statement(s, scope, exact, indent, ret, derivative)
        return out

    def statement(self, s, scope, exact, indent, ret, derivative):
        pad = " " * indent
        kind = type(s).__name__
        if kind in ("LineComment", "BlockComment", "UnitState", "TableStatement"):
            return []
        if kind == "LocalListStatement":
            names = [name_of(v.name) for v in s.variables]
            for n in names:
                if n in CPP_RESERVED:
                    self.refuse(f"a variable named {n}", n, why="it is a C++ keyword")
            scope.names |= set(names)
            return [pad + "double " + ", ".join(f"{n} = 0.0" for n in names) + ";"]
        if kind == "ExpressionStatement":
            e = unwrap(s.expression)
            ek = type(e).__name__
            if ek == "DiffEqExpression":
                if not derivative:
                    self.refuse("a differential equation outside DERIVATIVE", "'")
                if self.implicit_index is not None:
                    lhs = e.expression.lhs
                    x = name_of(lhs) if type(lhs).__name__ == "PrimeName" else text(lhs).rstrip("'")
                    return [pad + f"_D[{self.implicit_index[x]}] = {self.expr(e.expression.rhs, scope, exact)};"]
                return [pad + line for line in self.cnexp(e.expression, scope)]
            if ek == "SolveBlock":
                return self.initial_solve(e, scope, indent)
            if ek == "ForNetcon":   # would loop over the connections' weight vectors: not yet
                self.refuse("FOR_NETCONS", "FOR_NETCONS")
            if ek == "InitialBlock" and self.sending is not None:
                return []   # NET_RECEIVE's INITIAL: a kernel of its own (weight_vector_kernels)
            if ek == "FunctionCall":
                n = name_of(e.name)
                if n in self.m.functions or n in MATH:
                    return [pad + self.expr(e, scope, exact) + ";"]
                if n == "net_send":
                    return [pad + line for line in self.net_send(e, scope, exact)]
                self.refuse(f"the call {n}()", n)
            if ek == "BinaryExpression" and e.op.eval() == "=":
                lhs = unwrap(e.lhs)
                if type(lhs).__name__ not in ("VarName", "Name"):
                    self.refuse("assignment to " + text(lhs), text(lhs))
                n = name_of(lhs)
                if ret and n == ret[0]:
                    target = ret[1]
                elif n in scope.names or self.local_in(scope, n):
                    target = n
                elif n in self.global_names:
                    self.refuse(f"assignment to the GLOBAL {n}", n, why="GLOBALs are set by the model")
                elif n in self.m.constants and n not in self.field_names:
                    self.refuse(f"assignment to the constant {n}", n)
                elif n in ("t", "dt", "celsius", "area", "diam"):
                    self.refuse(f"assignment to {n}", n)
                elif n == "v" and not self.local_in(scope, "v"):
                    self.refuse("assignment to v", "v")
                elif n in scope:
                    target = n
                else:
                    self.refuse(f"assignment to the undeclared name {n}", n)
                value = self.expr(e.rhs, scope, exact)
                if target == n and self.local_in(scope, n):
                    scope.assigned(n, value if not exact and self.invariant(e.rhs, scope) else None)
                return [pad + f"{target} = {value};"]
            self.refuse(f"the statement {text(s)}", text(s).split()[0])
        if kind == "IfStatement":
            out = [pad + f"if ({self.expr(s.condition, scope, exact)}) {{"]
            out += self.block(s.statement_block, scope, exact, indent + 4, ret, derivative)
            for ei in s.elseifs:
                out.append(pad + f"}} else if ({self.expr(ei.condition, scope, exact)}) {{")
                out += self.block(ei.statement_block, scope, exact, indent + 4, ret, derivative)
            if s.elses is not None:
                out.append(pad + "} else {")
                out += self.block(s.elses.statement_block, scope, exact, indent + 4, ret, derivative)
            out.append(pad + "}")
            return out
        if kind == "StatementBlock":
            return [pad + "{"] + self.block(s, scope, exact, indent + 4, ret, derivative) + [pad + "}"]
        from nmodl_model import BLOCK_KEYWORDS
        if kind in BLOCK_KEYWORDS:
            self.refuse(BLOCK_KEYWORDS[kind])
        if kind == "SolveBlock":
            self.refuse("SOLVE outside BREAKPOINT", "SOLVE")
        self.refuse(f"the statement {text(s).split()[0] if text(s) else kind}", text(s).split()[0] if text(s) else None)

    def net_send(self, e, scope, exact):
        """net_send(delay, flag) in INITIAL or NET_RECEIVE of a point process: a self event at
        t + delay (NEURON: carrying the weight of the event being received; 0 from INITIAL)."""
        if not self.m.point or self.sending is None:
            self.refuse("net_send outside INITIAL and NET_RECEIVE of a POINT_PROCESS", "net_send")
        if len(e.arguments) != 2:
            self.refuse("net_send with other than two arguments (delay, flag)", "net_send")
        delay, flag = (self.expr(a, scope, exact) for a in e.arguments)
        self.sends = True
        return [f"_b->net_send(_b->net_send_context, static_cast<std::uint32_t>(_i), static_cast<std::uint32_t>(_l), "
                f"t + ({delay}), {flag}, {self.sending});"]

    def initial_solve(self, e, scope, indent):
        """SOLVE name STEADYSTATE sparse in INITIAL (a KINETIC scheme's equilibrium)."""
        block = name_of(e.block_name)
        method = name_of(e.steadystate) if e.steadystate is not None else None
        if not self.in_initial:
            self.refuse("SOLVE outside BREAKPOINT and INITIAL", "SOLVE")
        if method != "sparse" or block not in self.m.kinetics or e.method is not None:
            self.refuse(f"SOLVE {block} in INITIAL other than STEADYSTATE sparse of a KINETIC block", "SOLVE",
                        why="INITIAL solves KINETIC blocks with STEADYSTATE sparse")
        return self.kinetic_code(block, scope, indent, steady=True)

    def initial_solved(self):
        """KINETIC blocks INITIAL solves (their calls are the INITIAL kernel's too)."""
        out = []
        for s in (self.m.initial.statements if self.m.initial else []):
            e = getattr(s, "expression", None)
            if type(e).__name__ == "SolveBlock" and name_of(e.block_name) in self.m.kinetics:
                out.append(self.m.kinetics[name_of(e.block_name)])
        return out

    @staticmethod
    def local_in(scope, n):
        while scope is not None:
            if n in scope.names and scope.parent is not None:
                return True
            scope = scope.parent
        return False

    # x' = f: cnexp as nocmodl solves it (f linear in x: f = a + b x).
    def cnexp(self, e, scope):
        lhs = e.lhs
        x = name_of(lhs) if type(lhs).__name__ == "PrimeName" else text(lhs).rstrip("'")
        if type(lhs).__name__ == "PrimeName" and int(text(lhs.order)) != 1 if hasattr(lhs, "order") and lhs.order is not None else False:
            self.refuse(f"the higher-order derivative {text(lhs)}", x)
        state_names = [s[0] for s in self.m.states]
        if x not in state_names:
            self.refuse(f"a derivative of {x}, which is not a STATE", x)
        f = unwrap(e.rhs)
        # (A - x)/B with A, B free of x: x + (1 - exp(dt * (-1 / B))) * (A - x), the form the
        # hand-written kernels used (bit for bit).
        if type(f).__name__ == "BinaryExpression" and f.op.eval() == "/":
            num = unwrap(f.lhs)
            if (type(num).__name__ == "BinaryExpression" and num.op.eval() == "-"
                    and type(unwrap(num.rhs)).__name__ in ("VarName", "Name") and name_of(unwrap(num.rhs)) == x
                    and not mentions(num.lhs, x) and not mentions(f.rhs, x)):
                a = self.expr(num.lhs, scope, False)
                b = self.expr(f.rhs, scope, False)
                factor = f"(1.0 - parnet::cable::exp_inline(dt * (-1.0 / {b})))"
                if self.invariant(f.rhs, scope):   # a GLOBAL time constant: once per kernel
                    factor = self.hoist_code(factor)
                elif self.instance_invariant(f.rhs, scope):   # a RANGE PARAMETER: once per dt
                    factor = self.cache_code(factor)
                return [f"{x} = {x} + {factor} * ({a} - {x});"]
        # General linear case through sympy: opaque sub-expressions (calls) become symbols.
        temps, lines = {}, []
        sym = self.to_sympy(e.rhs, scope, temps, x)
        for t, code in temps.items():
            lines.append(f"const double {t} = {code};")
        xs = sympy.Symbol(x)
        expr = sympy.sympify(sym, locals={n: sympy.Symbol(n) for n in self.all_symbols(sym)})
        b = sympy.simplify(sympy.diff(expr, xs))
        if xs in b.free_symbols:
            self.refuse(f"METHOD cnexp for the non-linear equation {x}' = {text(e.rhs)}", x + "'",
                        why="cnexp solves equations linear in their state; derivimplicit is not supported yet")
        a = sympy.simplify(expr.subs(xs, 0))
        printer = lambda z: sympy.ccode(z, user_functions={"exp": "parnet::cable::exp_inline"}).replace("pow(", "std::pow(")
        if b == 0:
            lines.append(f"{x} = {x} + dt * ({printer(a)});")
            return lines
        # The factor, and the steady value -a/b, once per kernel or per dt where they can be.
        factor = f"(1.0 - parnet::cable::exp_inline(dt * ({printer(b)})))"
        steady = f"-({printer(a)}) / ({printer(b)})"
        b_kind = self.symbols_invariance({str(z) for z in b.free_symbols}, scope)
        a_kind = self.symbols_invariance({str(z) for z in a.free_symbols}, scope)
        if b_kind == "lane":
            factor = self.hoist_code(factor)
        elif b_kind == "instance":
            factor = self.cache_code(factor)
        if b_kind and a_kind:
            steady = self.cache_code(f"({steady})")
        lines.append(f"{x} = {x} + {factor} * ({steady} - {x});")
        return lines

    @staticmethod
    def all_symbols(s):
        import re
        return set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", s)) - {"exp", "log", "sqrt", "Abs"}

    def to_sympy(self, e, scope, temps, x):
        kind = type(e).__name__
        if kind in ("WrappedExpression", "ParenExpression"):
            return "(" + self.to_sympy(e.expression, scope, temps, x) + ")"
        if kind in ("Double", "Integer", "Float"):
            return text(e)
        if kind == "DoubleUnit":
            return self.to_sympy(e.value, scope, temps, x)
        if kind in ("VarName", "Name"):
            n = self.expr(e, scope, False)
            return n
        if kind == "UnaryExpression":
            return f"({e.op.eval()}{self.to_sympy(e.expression, scope, temps, x)})"
        if kind == "BinaryExpression":
            op = e.op.eval()
            op = "**" if op == "^" else op
            if op not in ("+", "-", "*", "/", "**"):
                self.refuse(f"the operator {op} in a differential equation", op)
            return f"({self.to_sympy(e.lhs, scope, temps, x)} {op} {self.to_sympy(e.rhs, scope, temps, x)})"
        if kind == "FunctionCall":
            if mentions(e, x):
                self.refuse(f"METHOD cnexp for {x}' with {x} inside a function call", x,
                            why="cnexp solves equations linear in their state")
            t = f"_c{len(temps)}"
            temps[t] = self.expr(e, scope, False)
            return t
        self.refuse(f"the expression {text(e)}")

    # --- functions as lambdas ---
    def call_order(self, roots):
        """Functions reachable from roots, callees first."""
        order, state = [], {}

        def visit(n):
            if state.get(n) == 1:
                self.refuse(f"the recursive FUNCTION/PROCEDURE {n}", n)
            if state.get(n) == 2:
                return
            state[n] = 1
            for c in sorted(calls_in(self.m.functions[n].body, set())):
                if c in self.m.functions:
                    visit(c)
            state[n] = 2
            order.append(n)

        names = set()
        for r in roots:
            if r is not None:
                calls_in(r, names)
        for n in sorted(names):
            if n in self.m.functions:
                visit(n)
        return order

    def lambdas(self, roots, scope, exact, indent, lookup=False):
        """The FUNCTIONs and PROCEDUREs roots call; with lookup, those with a TABLE read it."""
        pad = " " * indent
        out = []
        for n in self.call_order(roots):
            f = self.m.functions[n]
            saved = self.after
            self.within("(FUNCTION|PROCEDURE)", n)
            fscope = Scope(f.args, scope)
            params = ", ".join(f"double {a}" for a in f.args)
            if f.is_function:
                out.append(pad + f"auto fn_{n} = [&]({params}) -> double {{")
                out.append(pad + "    double _ret = 0.0;")
                if f.table and lookup:
                    out += self.table_lookup(f, indent + 4)
                else:
                    out += self.block(f.body, fscope, exact, indent + 4, ret=(n, "_ret"))
                out.append(pad + "    return _ret;")
            else:
                out.append(pad + f"auto fn_{n} = [&]({params}) {{")
                if f.table and lookup:
                    out += self.table_lookup(f, indent + 4)
                else:
                    out += self.block(f.body, fscope, exact, indent + 4)
            out.append(pad + "};")
            self.after = saved
        return out

    def table_lookup(self, f, indent):
        pad = " " * indent
        t = f.table
        offset, stride = self.tables[f.name]
        lines = [f"{{",
                 f"    constexpr double _dx = ({t.high!r} - {t.low!r}) / {t.points}.0;",
                 f"    const double _xi = (1.0 / _dx) * ({f.args[0]} - {t.low!r});",
                 f"    int _j = static_cast<int>(_xi);",
                 f"    _j = std::min(std::max(_j, 0), {t.points - 1});",
                 f"    double _theta = _xi - _j;",
                 f"    _theta = _theta < 0.0 ? 0.0 : _theta;",
                 f"    _theta = _theta > 1.0 ? 1.0 : _theta;",
                 f"    const int _o = {offset} + _j * {stride};"]   # an int index: gathers
        for q, var in enumerate(t.variables):
            lines.append(f"    {var} = _prepared[_o + {2 * q}] + _theta * _prepared[_o + {2 * q + 1}];")
        lines += ["}"]
        return [pad + line for line in lines]

    # --- kernels ---
    def base_scope(self):
        names = set(self.field_names) | set(self.global_names) | set(self.ionvars) | SPECIAL
        names |= set(self.temporaries)
        names |= set(self.m.constants)
        return Scope(names)

    def prologue(self, indent, exact=False):
        pad = " " * indent
        out = []
        for q, (n, _, _) in enumerate(self.fields):
            out.append(pad + f"double& {n} = _f{q}[_k];")
        for n in self.temporaries:
            out.append(pad + f"double {n} = 0.0;")
        for n, (ion, which, written) in self.ionvars.items():
            if which == "current" and written:
                continue
            out.append(pad + f"double {n} = _ion{ion}_{which}[_n];")
        out.append(pad + "double v = _v[_n];")
        out.append(pad + "const double area = _area[_i], diam = _diam[_i];")
        return out

    def epilogue(self, indent):
        pad = " " * indent
        out = []
        for n, (ion, which, written) in self.ionvars.items():
            if written and which in ("inside", "outside"):
                out.append(pad + f"_ion{ion}_{which}[_n] = {n};")
        return out

    def kernel_head(self, name, extra=""):
        out = [f"void {name}(const parnet_mechanism_block* _b{extra}) {{",
               "    const double t = _b->t, dt = _b->dt, celsius = _b->celsius;",
               "    const double* __restrict _v = _b->v;",
               "    const std::uint32_t* __restrict _node = _b->node;",
               "    const double* __restrict _area = _b->area;",
               "    const double* __restrict _diam = _b->diam;",
               "    const double* __restrict _prepared = _b->prepared;",
               "    double* __restrict _rhs = _b->rhs;",
               "    double* __restrict _d = _b->d;",
               "    const std::uint32_t _count = _b->count;"]
        for q in range(len(self.fields)):
            out.append(f"    double* __restrict _f{q} = _b->fields[{q}];")
        for q, (n, _, _) in enumerate(self.globals):
            out.append(f"    const double {n} = _b->globals[{q}];")
        for k, _ in enumerate(self.m.ions):
            for which in ("reversal", "current", "inside", "outside"):
                out.append(f"    double* __restrict _ion{k}_{which} = _b->ions[{k}].{which};")
        out.append(HOISTED)
        return out

    def place_hoisted(self, lines):
        """The kernel's lines with its lane-invariant values declared where HOISTED stands. Those
        that depend neither on dt nor on t (q10 = 3^((celsius - 6.3)/10), exp of GLOBALs) are
        computed once by prepare(), which has the GLOBALs and celsius: a kernel reads them. Its
        cached values (cache_code) are recomputed where REFRESH stands, for an instance any of
        whose lanes has them for another dt."""
        decl = []
        for n, code in self.hoisted:
            if re.search(r"\b(dt|t|_invariant\d+)\b", code):
                decl.append(f"    const double {n} = {code};")
            else:
                decl.append(f"    const double {n} = _prepared[{self.prepared_slot(code)}];")
        self.hoisted = []
        refresh = []
        if self.kernel_caches:
            kernel = re.match(r"void (\w+)\(", lines[0]).group(1)
            stamp = len(self.hidden)
            self.hidden.append((f"_cache_dt_{kernel}", "ms", -1.0, None))
            for j in self.kernel_caches + [stamp]:
                decl.append(f"    double* __restrict _h{j} = _b->fields[{len(self.fields) + j}];")
            refresh = ["        bool _stale = false;",
                       "        for (std::size_t _l = 0; _l < L; ++_l) _stale |= _h{0}[_field_base + _l] != dt;".format(stamp),
                       "        if (_stale) {",
                       "#pragma omp simd",
                       "            for (std::size_t _l = 0; _l < L; ++_l) {",
                       "                const std::size_t _k = _field_base + _l;",
                       "                const std::size_t _n = _node_base + _l;"]
            refresh += self.prologue(16)
            refresh += [f"                _h{j}[_k] = {self.hidden[j][3]};" for j in self.kernel_caches]
            refresh += [f"                _h{stamp}[_k] = dt;", "            }", "        }"]
        self.kernel_caches = []
        out = []
        for line in lines:
            out += decl if line == HOISTED else refresh if line == REFRESH else [line]
        return out

    def lane_loop(self, body_lines, roots, simd=True):
        # With tables, two loops: usetable decides once per kernel, and the lane loop has no
        # branch (the compiler vectorizes it). Implicit solves (iterations, pivoting) are not
        # vectorizable: their lane loop is a plain one.
        tabled = any(self.m.functions[n].table for n in self.call_order(roots))
        if not tabled:
            return self.one_lane_loop(body_lines, roots, False, simd)
        out = ["    if (usetable != 0.0) {"] + self.one_lane_loop(body_lines, roots, True, simd)
        out += ["    } else {"] + self.one_lane_loop(body_lines, roots, False, simd) + ["    }"]
        return out

    def one_lane_loop(self, body_lines, roots, lookup, simd=True):
        out = ["    for (std::uint32_t _i = 0; _i < _count; ++_i) {",
               "        const std::size_t _node_base = static_cast<std::size_t>(_node[_i]) * L;",
               "        const std::size_t _field_base = static_cast<std::size_t>(_i) * L;",
               REFRESH,
               *(["#pragma omp simd"] if simd else []),
               "        for (std::size_t _l = 0; _l < L; ++_l) {",
               "            const std::size_t _k = _field_base + _l;",
               "            const std::size_t _n = _node_base + _l;"]
        out += self.prologue(12)
        out += self.lambdas(roots, self.base_scope(), False, 12, lookup)
        out += body_lines
        out += self.epilogue(12)
        out += ["        }", "    }"]
        return out

    def init_kernel(self):
        out = self.kernel_head("init")
        self.within("INITIAL")
        self.in_initial = True
        self.sending, self.sends = "0.0", False
        body = self.block(self.m.initial, self.base_scope(), False, 12) if self.m.initial else []
        self.in_initial = False
        self.sending = None
        solved = self.initial_solved()
        out += self.lane_loop(body, [self.m.initial] + solved, simd=not solved and not self.sends)
        return out + ["}"]

    def assignment_parts(self, s):
        """(target, names read) of `target = expression`; (None, set()) for other statements."""
        e = unwrap(s.expression) if type(s).__name__ == "ExpressionStatement" else None
        if e is None or type(e).__name__ != "BinaryExpression" or e.op.eval() != "=":
            return None, set()
        lhs = unwrap(e.lhs)
        if type(lhs).__name__ not in ("VarName", "Name"):
            return None, set()
        names = set()

        def collect(x):
            kind = type(x).__name__
            if kind in ("VarName", "Name"):
                names.add(name_of(x))
            for field in ("expression", "lhs", "rhs"):
                child = getattr(x, field, None)
                if child is not None:
                    collect(child)
            for a in getattr(x, "arguments", []) or []:
                collect(a)
        collect(e.rhs)
        return name_of(lhs), names

    def depends_on_v(self, s):
        """False for `x = expression` where the expression reads neither v nor anything that
        may (locals, function calls, ion currents): it has the same value at v and v + 0.001."""
        e = unwrap(s.expression) if type(s).__name__ == "ExpressionStatement" else None
        if e is None or type(e).__name__ != "BinaryExpression" or e.op.eval() != "=":
            return True
        target = name_of(unwrap(e.lhs)) if type(unwrap(e.lhs)).__name__ in ("VarName", "Name") else None
        if target is None or target in self.current_sum() or target not in self.field_names:
            return True
        safe = set(self.field_names) | set(self.global_names) | set(self.m.constants) | {"celsius", "dt", "t", "area", "diam"}
        safe -= set(self.current_sum())

        def reads_only_safe(x):
            kind = type(x).__name__
            if kind in ("Double", "Integer", "Float", "DoubleUnit"):
                return True
            if kind in ("VarName", "Name"):
                return name_of(x) in safe
            if kind in ("WrappedExpression", "ParenExpression", "UnaryExpression"):
                return reads_only_safe(x.expression)
            if kind == "BinaryExpression":
                return reads_only_safe(x.lhs) and reads_only_safe(x.rhs)
            if kind == "FunctionCall":
                return name_of(x.name) in MATH and all(reads_only_safe(a) for a in x.arguments)
            return False
        return not reads_only_safe(e.rhs)

    def current_sum(self):
        names = []
        for ion in self.m.ions:
            if "i" + ion["name"] in ion["write"]:
                names.append("i" + ion["name"])
        names += self.m.nonspecific
        return names

    def with_caches(self, kernel):
        """kernel() with cache_code allowed: the current and state kernels, whose lane loops
        refresh the caches and which run after INITIAL."""
        self.caching = True
        try:
            return kernel()
        finally:
            self.caching = False

    def current_kernel(self):
        out = self.kernel_head("current")
        currents = self.current_sum()
        if not currents:
            return out + ["    (void)_b;", "}"], False
        scope = self.base_scope()
        self.within("BREAKPOINT")
        # Leading assignments that do not depend on v (hh's gna = gnabar*m*m*m*h) are the same
        # at v and v + 0.001: evaluated once, before both (the same values, half the work).
        once_lines, bp_lines = [], []
        bp_scope = Scope([], scope)
        dependent_writes, dependent_reads = set(), set()
        for s in self.m.breakpoint:
            target, reads = self.assignment_parts(s)
            movable = (not self.depends_on_v(s) and not (reads & dependent_writes)
                       and target not in dependent_reads and target not in dependent_writes)
            if movable:
                once_lines += self.statement(s, bp_scope, False, 12, None, False)
                continue
            if target is None:   # not a plain assignment: nothing after it moves
                dependent_writes |= set(self.field_names) | set(self.temporaries)
            else:
                dependent_writes.add(target)
                dependent_reads |= reads
            bp_lines += self.statement(s, bp_scope, False, 16, None, False)
        total = lambda var: [f"            double {var} = {currents[0]};"] + \
            [f"            {var} += {c};" for c in currents[1:]]
        body = once_lines + ["            const double _v0 = v;", "            v = _v0 + 0.001;", "            {"]
        body += bp_lines + ["            }"] + total("_i1")
        body += ["            v = _v0;", "            {"] + bp_lines + ["            }"] + total("_i0")
        if self.m.point:
            body += ["            const double _scale = 1.e2 / area;",
                     "            _rhs[_n] -= _i0 * _scale;",
                     "            _d[_n] += (_i1 - _i0) * (1.0 / 0.001) * _scale;"]
        else:
            body += ["            _rhs[_n] -= _i0;",
                     "            _d[_n] += (_i1 - _i0) * (1.0 / 0.001);"]
        for k, ion in enumerate(self.m.ions):
            if "i" + ion["name"] in ion["write"]:
                scale = " * _scale" if self.m.point else ""
                body.append(f"            _ion{k}_current[_n] += i{ion['name']}{scale};")
        wrapped = type("B", (), {"statements": self.m.breakpoint})
        out += self.lane_loop(body, [wrapped])
        return out + ["}"], True

    def state_kernel(self):
        out = self.kernel_head("state")
        if not self.m.solve:
            return out + ["    (void)_b;", "}"], False
        if self.m.solve_method == "sparse":
            body = self.kinetic_code(self.m.solve, self.base_scope(), 12, steady=False)
            out += self.lane_loop(body, [self.m.kinetics[self.m.solve]], simd=False)
            return out + ["}"], True
        deriv = self.m.derivatives[self.m.solve]
        self.within("DERIVATIVE", self.m.solve)
        if self.m.solve_method == "derivimplicit":
            body = self.derivimplicit_code(self.m.solve, self.base_scope(), 12)
            out += self.lane_loop(body, [deriv], simd=False)
            return out + ["}"], True
        body = self.block(deriv, self.base_scope(), False, 12, derivative=True)
        out += self.lane_loop(body, [deriv])
        return out + ["}"], True

    def net_receive_kernel(self):
        if not self.m.net_receive:
            return [], False
        if self.m.per_connection():
            return self.weight_vector_kernels()
        weight, sb = self.m.net_receive
        out = self.kernel_head("net_receive", ", std::uint32_t _instance, std::uint32_t _lane, double _weight, "
                                              "double _flag")
        out += self.net_receive_head([f"    const double {weight} = _weight;"])
        scope = Scope([weight, "flag"], self.base_scope())
        return out + self.net_receive_body(sb, scope, "_weight") + ["}"], True

    def net_receive_head(self, arguments):
        return (["    const std::uint32_t _i = _instance;",
                 "    const std::size_t _l = _lane;",
                 "    const std::size_t _k = _i * L + _l;",
                 "    const std::size_t _n = static_cast<std::size_t>(_node[_i]) * L + _l;"] + arguments +
                ["    const double flag = _flag;"])

    def net_receive_body(self, sb, scope, sending):
        self.within("NET_RECEIVE")
        out = self.prologue(4)
        out += self.lambdas([sb], scope, False, 4)
        self.sending = sending
        out += self.block(sb, scope, False, 4)
        self.sending = None
        return out + self.epilogue(4)

    def weight_vector_kernels(self):
        """NET_RECEIVE(w, a1, ...): the arguments are the connection's weight vector, read and
        written in place (_args[0] the weight); its INITIAL runs once per connection."""
        names = self.m.net_receive_arguments
        arguments = [f"    double& {n} = _args[{q}];" for q, n in enumerate(names)]
        scope = Scope(names + ["flag"], self.base_scope())
        out = self.kernel_head("net_receive_vector", ", std::uint32_t _instance, std::uint32_t _lane, double* _args, "
                                                     "double _flag")
        out += self.net_receive_head(arguments)
        out += self.net_receive_body(self.m.net_receive[1], scope, "_args[0]") + ["}"]
        out += self.kernel_head("net_receive_initial", ", std::uint32_t _instance, std::uint32_t _lane, double* _args")
        out += self.net_receive_head(arguments).copy()
        out[-1] = "    [[maybe_unused]] const double flag = 0.0;"
        initial = self.m.net_receive_initial
        if initial is not None:
            self.in_initial = True
            out += self.net_receive_body(initial, scope, None)
            self.in_initial = False
        return out + ["}"], True

    def prepared_slot(self, code):
        for slot, c in self.prepared_invariants:
            if c == code:
                return slot
        slot = self.prepared_size
        self.prepared_size += 1
        self.prepared_invariants.append((slot, code))
        return slot

    def prepare_function(self):
        if not self.prepared_size:
            return [], False
        out = ["void prepare(const double* _g, const double celsius, double* _prepared) {",
               "    const double t = 0.0, dt = 0.0, v = 0.0, area = 100.0, diam = 1.0;"]
        for q, (n, _, _) in enumerate(self.globals):
            out.append(f"    const double {n} = _g[{q}];")
        for n, _, _ in self.fields:
            out.append(f"    double {n} = 0.0;")
        for n in self.temporaries:
            out.append(f"    double {n} = 0.0;")
        for n in self.ionvars:
            if n not in self.field_names:
                out.append(f"    double {n} = 0.0;")
        tabled = [f for f in self.m.functions.values() if f.table]
        # every function a table needs, callees first
        needed = set()
        for f in tabled:
            needed.add(f.name)
            calls_in(f.body, needed)
        fake_roots = [type("D", (), {"statements": [_FakeCall(n) for n in sorted(needed)]})]
        out += self.lambdas(fake_roots, self.base_scope(), True, 4)
        for f in tabled:
            offset, stride = self.tables[f.name]
            t = f.table
            out += [f"    {{",
                    f"        const double _dx = ({t.high!r} - {t.low!r}) / {t.points}.0;",
                    f"        double _x = {t.low!r};",
                    f"        double* _t = _prepared + {offset};",
                    f"        for (int _j = 0; _j <= {t.points}; ++_j, _x += _dx) {{",
                    f"            {'const double _ret = ' if f.is_function else ''}fn_{f.name}(_x);"]
            for q, var in enumerate(t.variables):
                out.append(f"            _t[_j * {stride} + {2 * q}] = {var};")
            out += ["        }",
                    f"        for (int _j = 0; _j <= {t.points}; ++_j)",
                    f"            for (int _q = 0; _q < {len(t.variables)}; ++_q)",
                    f"                _t[_j * {stride} + 2 * _q + 1] = _j < {t.points} ? "
                    f"_t[(_j + 1) * {stride} + 2 * _q] - _t[_j * {stride} + 2 * _q] : 0.0;",
                    "    }"]
        for slot, code in self.prepared_invariants:
            out.append(f"    _prepared[{slot}] = {code};")
        out.append("    (void)t; (void)dt; (void)v; (void)area; (void)diam; (void)celsius;")
        return out + ["}"], True

    def abi_kind(self):
        return "parnet_point_process" if self.m.point else "parnet_density"

    def generate(self, ns):
        m = self.m
        out = [f"namespace {ns} {{", "constexpr std::size_t L = PARNET_LANES;"]
        for n, value in m.constants.items():
            if n not in self.field_names and n not in self.global_names:
                out.append(f"[[maybe_unused]] constexpr double {n} = {value!r};")
        kernels = self.place_hoisted(self.init_kernel())
        cur, has_current = self.with_caches(self.current_kernel)
        kernels += self.place_hoisted(cur)
        st, has_state = self.with_caches(self.state_kernel)
        kernels += self.place_hoisted(st)
        nr, has_nr = self.net_receive_kernel()
        kernels += self.place_hoisted(nr)
        prepare, has_prepare = self.prepare_function()   # after the kernels: their invariants
        out += prepare + kernels
        def var(n, d, u):
            return f'{{"{n}", "{u}", {d!r}}}'
        hidden = [(n, d, u) for n, u, d, _ in self.hidden]
        out.append("const parnet_variable fields[] = {" + ", ".join(var(*f) for f in self.fields + hidden) +
                   (", " if self.fields + hidden else "") + '{nullptr, nullptr, 0.0}};')
        out.append("const parnet_variable globals[] = {" + ", ".join(var(*g) for g in self.globals) +
                   (", " if self.globals else "") + '{nullptr, nullptr, 0.0}};')
        ions = []
        for ion in m.ions:
            x = ion["name"]
            r, w = ion["read"], ion["write"]
            ions.append(f'{{"{x}", {ion["valence"]}, {int("e" + x in r)}, {int(x + "i" in r)}, '
                        f'{int(x + "o" in r)}, {int("i" + x in w)}, {int(x + "i" in w)}, {int(x + "o" in w)}}}')
        out.append("const parnet_ion_use ions[] = {" + ", ".join(ions) + (", " if ions else "") +
                   "{nullptr, 0, 0, 0, 0, 0, 0, 0}};")
        kind = self.abi_kind()
        vector = bool(m.net_receive) and m.per_connection()
        out.append(f'const parnet_mechanism mechanism = {{"{m.name}", {kind}, fields, '
                   f"{len(self.fields_p)}, {len(self.fields_a)}, {len(self.fields_s)}, globals, "
                   f"{len(self.globals)}, ions, {len(m.ions)}, {self.prepared_size}, "
                   f"{'prepare' if has_prepare else 'nullptr'}, init, current, state, "
                   f"{'net_receive' if has_nr and not vector else 'nullptr'}, "
                   f"{len(m.net_receive_arguments) if vector else 0}, "
                   f"{'net_receive_vector, net_receive_initial' if vector else 'nullptr, nullptr'}, "
                   f"{len(self.hidden)}}};")
        out.append(f"}}  // namespace {ns}")
        return out


class _FakeCall:
    """A statement standing for a call, so that call_order finds the functions tables need."""

    def __init__(self, name):
        self.expression = type("FunctionCallLike", (), {})()
        self._name = name


_orig_calls_in = calls_in


def calls_in(node, out):  # noqa: F811 - extends the walker with _FakeCall
    if isinstance(node, _FakeCall):
        out.add(node._name)
        return out
    return _orig_calls_in(node, out)


def generator_for(m, cache=True):
    if m.artificial:   # ARTIFICIAL_CELL: kernels without a membrane (artificial_codegen.py)
        from artificial_codegen import ArtificialGenerator
        return ArtificialGenerator(m, cache)
    return Generator(m, cache)


def translate(mechanisms, catalogue, entry, cache=True):
    """C++ source of a catalogue: every mechanism and the entry point returning them (cache=False:
    without the hidden per-instance caches, every value computed in every step)."""
    out = ["// Generated by parnet-modcc from NMODL; do not edit.",
           '#include "engine/cable/mechanism_abi.h"',
           '#include "engine/cable/fast_exp.hpp"',
           '#include "engine/cable/nmodl_solvers.hpp"',
           "#include <algorithm>", "#include <cmath>", "#include <cstddef>", "#include <cstdint>",
           "#pragma GCC diagnostic ignored \"-Wunused-variable\"",
           "#pragma GCC diagnostic ignored \"-Wunused-but-set-variable\"",
           "#pragma GCC diagnostic ignored \"-Wunused-parameter\"",
           "namespace {"]
    namespaces = []
    for m in mechanisms:
        ns = "mechanism_" + "".join(c if c.isalnum() else "_" for c in m.name)
        namespaces.append(ns)
        out += generator_for(m, cache).generate(ns)
    out.append("const parnet_mechanism* const all[] = {" +
               ", ".join(f"&{ns}::mechanism" for ns in namespaces) + (", " if namespaces else "") + "nullptr};")
    out.append(f'const parnet_catalogue catalogue = {{PARNET_MECHANISM_ABI_VERSION, "{catalogue}", '
               f"{len(mechanisms)}, all}};")
    out.append("}  // namespace")
    out.append(f'extern "C" const parnet_catalogue* {entry}() {{ return &catalogue; }}')
    return "\n".join(out) + "\n"
