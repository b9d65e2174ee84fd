"""NEURON's implicit methods for parnet-modcc: KINETIC schemes by `sparse` (and STEADYSTATE sparse
in INITIAL) and DERIVATIVE blocks by `derivimplicit`, as one lane's scalar code.

Both follow what NEURON 8.2's nocmodl generates and scopmath runs, so that the same .mod file takes
the same steps:
- sparse (scopmath sparse_thread): implicit Euler of the reaction scheme. Each iteration rebuilds
  the matrix 1/dt - J (J the analytic Jacobian of the fluxes, nocmodl's terms in nocmodl's order)
  and the right-hand side -(s - s_old)/dt + fluxes, with CONSERVE rows replacing the equations of
  the states nocmodl picks and COMPARTMENT sizes scaling the rows; solves; adds the correction.
  A linear scheme (every flux first order in the states) takes one iteration; a nonlinear one
  iterates until the summed |correction| <= 1e-6 (at most 21 times), clamping states at 0. The
  block is evaluated once more at the result (its assignments, e.g. `cai = ca`, see the new
  states). STEADYSTATE sparse is the same with dt = 1e9 (scopmath _ss_sparse_thread).
- derivimplicit (scopmath nrn_newton_thread): Newton on F(s) = s' - (s - s_old)/dt with a
  central-difference Jacobian (increment max(|0.02 s|, 1e-6)), rebuilt while the relative change
  exceeds 0.05, until the relative change <= 1e-6 and max |F| <= 1e-8 (at most 50 iterations).
The dense solves are scopmath's crout (engine/cable/nmodl_solvers.hpp); NEURON's sparse solver
eliminates in another order, which changes results in the last bits only."""
from nmodl_model import name_of, text

CONVERGE, MAXSTEPS = "1e-6", 20


def unwrap(e):
    while type(e).__name__ in ("WrappedExpression", "ParenExpression"):
        e = e.expression
    return e


class Term:
    def __init__(self, name, num, state):
        self.name, self.num, self.state = name, num, state


class ImplicitSolvers:
    """Mixed into the Generator (cpp_codegen.py): needs expr, statement, refuse, m."""

    # --- KINETIC ---
    def reaction_side(self, e, scope):
        """The terms of one side of a reaction, in nocmodl's order (the last written first)."""
        terms = []

        def walk(x):
            x = unwrap(x)
            kind = type(x).__name__
            if kind == "BinaryExpression" and x.op.eval() == "+":
                walk(x.lhs)
                walk(x.rhs)
                return
            if kind != "ReactVarName":
                self.refuse(f"the reaction term {text(x)}", text(x).split()[0] if text(x) else "~")
            if x.name.index is not None if hasattr(x.name, "index") else False:
                self.refuse(f"the indexed reaction term {text(x)}", name_of(x.name))
            n = name_of(x.name)
            num = int(float(text(x.value))) if x.value is not None else 1
            states = [s[0] for s in self.m.states]
            if n not in states and n not in scope:
                self.refuse(f"the undeclared name {n}", n)
            terms.append(Term(n, num, n in states))
        walk(e)
        return list(reversed(terms))

    def kinetic_scheme(self, name, scope):
        """Rows, conservation and compartments of a KINETIC block."""
        sb = self.m.kinetics[name]
        states = [s[0] for s in self.m.states]
        used, conserves, compartments = set(), [], {}
        for s in sb.statements:
            kind = type(s).__name__
            if kind == "ReactionStatement":
                for side in (s.reaction1, s.reaction2):
                    if side is not None:
                        used |= {t.name for t in self.reaction_side(side, scope) if t.state}
            elif kind == "Conserve":
                terms = self.reaction_side(s.react, scope)
                for t in terms:
                    if not t.state:
                        self.refuse(f"CONSERVE of {t.name}, which is not a STATE", t.name)
                used |= {t.name for t in terms}
                conserves.append((s, terms))
            elif kind == "Compartment":
                if getattr(s, "name", None) is not None:
                    self.refuse("COMPARTMENT with an index (arrays)", "COMPARTMENT")
                for n in s.names:
                    if name_of(n) not in states:
                        self.refuse(f"COMPARTMENT of {name_of(n)}, which is not a STATE", name_of(n))
                    compartments[name_of(n)] = s.expression
        # nocmodl's numbering: each CONSERVE (the last first) takes the equation of its last
        # written state not taken yet; those rows come first, the other states follow.
        order = []
        for s, terms in reversed(conserves):
            free = [t.name for t in terms if t.name not in order]
            if not free:
                self.refuse("CONSERVE without a state of its own", "CONSERVE",
                            why="each CONSERVE needs a state no other CONSERVE took")
            order.append(free[0])
        ncons = len(order)
        order += [n for n in states if n in used and n not in order]
        return order, ncons, compartments

    def kinetic_code(self, name, scope, indent, steady):
        """One lane's solve of KINETIC name: BREAKPOINT's step, or INITIAL's STEADYSTATE."""
        pad = " " * indent
        saved = self.after
        self.within("KINETIC", name)
        kscope = type(scope)(["f_flux", "b_flux"], scope)
        order, ncons, compartments = self.kinetic_scheme(name, kscope)
        n = len(order)
        if n == 0:
            self.refuse(f"KINETIC {name} without reactions", "KINETIC")
        row = {s: i for i, s in enumerate(order)}
        self.linear = True
        cap = {s: self.expr(e, kscope, False) for s, e in compartments.items()}
        body = ["const double _dt1 = 1.0 / dt;",
                f"for (int _p = 0; _p < {n}; ++_p) for (int _q = 0; _q < {n}; ++_q) _m[_p][_q] = 0.0;"]
        for s in order[ncons:]:
            i = row[s]
            body += [f"_r[{i}] = -_dt1 * ({s} - _old[{i}]);", f"_m[{i}][{i}] = _dt1;"]
        for s in order[ncons:]:
            if s in cap:
                i = row[s]
                body += [f"_r[{i}] *= ({cap[s]});", f"_m[{i}][{i}] *= ({cap[s]});"]
        eq = 0
        for st in self.m.kinetics[name].statements:
            kind = type(st).__name__
            if kind == "ReactionStatement":
                body += self.reaction_code(st, kscope, row, ncons)
            elif kind == "Conserve":
                terms = self.reaction_side(st.react, kscope)
                total = self.expr(st.expr, kscope, False)
                body.append(f"_r[{eq}] = {total};")
                for t in terms:
                    c = f" * ({cap[t.name]})" if t.name in cap else ""
                    body.append(f"_m[{eq}][{row[t.name]}] = {t.num}.0{c};")
                    body.append(f"_r[{eq}] -= {t.name}{c}" + (f" * {t.num}.0;" if t.num != 1 else ";"))
                eq += 1
            elif kind == "Compartment":
                continue
            else:
                body += [line.strip() for line in self.statement(st, kscope, False, 0, None, False)]
        linear = self.linear
        out = [f"double _m[{n}][{n}] = {{}}, _r[{n}] = {{}}, _old[{n}] = {{}}, _x[{n}] = {{}};",
               f"int _perm[{n}] = {{}};",
               f"double* const _s[{n}] = {{{', '.join('&' + s for s in order)}}};",
               "double f_flux = 0.0, b_flux = 0.0, _term = 0.0;",
               "(void)_term; (void)f_flux; (void)b_flux;",
               "auto _kin_eval = [&]() {"] + ["    " + line for line in body] + ["};"]
        # scopmath sparse_thread
        out += ["auto _kin_solve = [&](const int _linflag) -> int {",
                f"    for (int _i = 0; _i < {n}; ++_i) _old[_i] = *_s[_i];",
                "    int _j = 0;",
                f"    for (double _err = 1.0; _err > {CONVERGE}; ++_j) {{",
                "        _kin_eval();",
                f"        if (parnet::cable::nmodl::crout<{n}>(_m, _perm) != 0) return parnet::cable::nmodl::solver_singular;",
                f"        parnet::cable::nmodl::crout_solve<{n}>(_m, _r, _perm, _x);",
                "        _err = 0.0;",
                f"        for (int _i = 0; _i < {n}; ++_i) {{",
                "            *_s[_i] += _x[_i];",
                "            if (!_linflag && *_s[_i] < 0.0) *_s[_i] = 0.0;",
                "            _err += std::fabs(_x[_i]);",
                "        }",
                f"        if (_j > {MAXSTEPS}) return parnet::cable::nmodl::solver_exceeded_iterations;",
                "        if (_linflag) break;",
                "    }",
                "    _kin_eval();",
                "    return parnet::cable::nmodl::solver_success;",
                "};"]
        if not steady:
            out.append(f"_kin_solve({int(linear)});")
        elif linear:   # scopmath _ss_sparse_thread
            out.append("_kin_solve(0);")
        else:
            out += ["for (int _ss = 0; _ss < 7; ++_ss) {",
                    "    if (_kin_solve(1) != 0) break;",
                    "    bool _nonnegative = true;",
                    f"    for (int _i = 0; _i < {n}; ++_i)",
                    "        if (*_s[_i] < -1e-6) { *_s[_i] = 0.0; _nonnegative = false; }",
                    "    if (_nonnegative) { _kin_solve(0); break; }",
                    "}"]
        self.after = saved
        inner = ["{"] + (["    const double dt = 1e9;"] if steady else []) + ["    " + line for line in out] + ["}"]
        return [pad + line for line in inner]

    def reaction_code(self, st, scope, row, ncons):
        op = st.op.eval() if hasattr(st.op, "eval") else text(st.op)
        lhs = self.reaction_side(st.reaction1, scope)
        if op == "<<":
            if len(lhs) != 1 or not lhs[0].state or lhs[0].num != 1:
                self.refuse("a flux ~ ... << into other than one STATE", "<<")
            x = lhs[0].name
            if row[x] < ncons:
                self.refuse(f"a flux into the conserved {x}", x)
            flux = self.expr(st.expression1, scope, False)
            return ["f_flux = b_flux = 0.0;", f"_r[{row[x]}] += (b_flux = {flux});"]
        if op != "<->" or st.reaction2 is None or st.expression2 is None:
            self.refuse(f"the reaction ~ ... {op}", "~", why="reactions are ~ A + B <-> C (kf, kb) and fluxes ~ A << (f)")
        sides = [lhs, self.reaction_side(st.reaction2, scope)]
        rates = [self.expr(st.expression1, scope, False), self.expr(st.expression2, scope, False)]
        out = []
        for j, flux in enumerate(("f_flux", "b_flux")):
            factors = "".join(f" * {t.name}" for t in sides[j] for _ in range(t.num))
            out.append(f"{flux} = ({rates[j]}){factors};")
        for j in range(2):
            for t in sides[j]:
                if t.state and row[t.name] >= ncons:
                    num = f"{t.num}.0 * " if t.num > 1 else ""
                    out.append(f"_r[{row[t.name]}] {'-=' if j == 0 else '+='} {num}(f_flux - b_flux);")
        # nocmodl's genmatterms: d(flux_j)/d(state) into each state's row
        for j in range(2):
            for t in sides[j]:
                if not t.state:
                    continue
                term = f"({rates[j]})" + (f" * {t.num}.0" if t.num != 1 else "")
                for t1 in sides[j]:
                    for _ in range(t1.num - (1 if t1 is t else 0)):
                        self.linear = False
                        term += f" * {t1.name}"
                out.append(f"_term = {term};")
                for j1 in range(2):
                    for t1 in sides[j1]:
                        if not t1.state or row[t1.name] < ncons:
                            continue
                        num = f"{t1.num}.0 * " if t1.num != 1 else ""
                        out.append(f"_m[{row[t1.name]}][{row[t.name]}] {'+=' if j == j1 else '-='} {num}_term;")
        return out

    # --- derivimplicit ---
    def primed_states(self, sb):
        out = []

        def walk(node):
            kind = type(node).__name__
            if kind == "DiffEqExpression":
                lhs = node.expression.lhs
                x = name_of(lhs) if type(lhs).__name__ == "PrimeName" else text(lhs).rstrip("'")
                if x not in out:
                    out.append(x)
                return
            for field in ("statements", "statement_block", "expression", "elseifs", "elses"):
                child = getattr(node, field, None)
                if child is None:
                    continue
                for c in child if isinstance(child, list) else [child]:
                    walk(c)
        walk(sb)
        return out

    def derivimplicit_code(self, name, scope, indent):
        pad = " " * indent
        sb = self.m.derivatives[name]
        states = self.primed_states(sb)
        known = [s[0] for s in self.m.states]
        for x in states:
            if x not in known:
                self.refuse(f"a derivative of {x}, which is not a STATE", x)
        n = len(states)
        self.implicit_index = {x: i for i, x in enumerate(states)}
        body = self.block(sb, scope, False, 4, derivative=True)
        self.implicit_index = None
        out = [f"double _D[{n}] = {{}}, _sav[{n}] = {{}}, _value[{n}] = {{}}, _high[{n}] = {{}}, _dx[{n}] = {{}};",
               f"double _jac[{n}][{n}] = {{}};",
               f"int _perm[{n}] = {{}};",
               f"double* const _s[{n}] = {{{', '.join('&' + s for s in states)}}};",
               f"for (int _i = 0; _i < {n}; ++_i) _sav[_i] = *_s[_i];",
               "auto _deriv_eval = [&]() {"] + body + ["};",
               "auto _F = [&]() {",
               "    _deriv_eval();",
               f"    for (int _i = 0; _i < {n}; ++_i) _value[_i] = _D[_i] - (*_s[_i] - _sav[_i]) / dt;",
               "};",
               # scopmath nrn_newton_thread
               "double _change = 1.0;",
               "int _count = 0;",
               "while (_count++ < 50) {",
               "    if (_change > 0.05) {",
               f"        for (int _j = 0; _j < {n}; ++_j) {{",
               "            const double _inc = std::fmax(std::fabs(0.02 * *_s[_j]), 1e-6);",
               "            *_s[_j] += _inc;",
               "            _F();",
               f"            for (int _i = 0; _i < {n}; ++_i) _high[_i] = _value[_i];",
               "            *_s[_j] -= 2.0 * _inc;",
               "            _F();",
               f"            for (int _i = 0; _i < {n}; ++_i) _jac[_i][_j] = (_high[_i] - _value[_i]) / (2.0 * _inc);",
               "            *_s[_j] += _inc;",
               "            _F();",
               "        }",
               f"        for (int _i = 0; _i < {n}; ++_i) _value[_i] = -_value[_i];",
               f"        if (parnet::cable::nmodl::crout<{n}>(_jac, _perm) != 0) break;",
               "    }",
               f"    parnet::cable::nmodl::crout_solve<{n}>(_jac, _value, _perm, _dx);",
               "    _change = 0.0;",
               f"    for (int _i = 0; _i < {n}; ++_i) {{",
               "        if (std::fabs(*_s[_i]) > 1e-8) {",
               "            const double _rel = std::fabs(_dx[_i] / *_s[_i]);",
               "            if (_rel > _change) _change = _rel;",
               "        }",
               "        *_s[_i] += _dx[_i];",
               "    }",
               "    _F();",
               "    double _max_dev = 0.0;",
               f"    for (int _i = 0; _i < {n}; ++_i) {{",
               "        _value[_i] = -_value[_i];",
               "        if (std::fabs(_value[_i]) > _max_dev) _max_dev = std::fabs(_value[_i]);",
               "    }",
               "    if (_change <= 1e-6 && _max_dev <= 1e-8) break;",
               "}",
               "_deriv_eval();"]
        return [pad + "{"] + [pad + "    " + line for line in out] + [pad + "}"]
