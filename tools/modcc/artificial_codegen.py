"""The back end of parnet-modcc for ARTIFICIAL_CELL mechanisms (docs/mechanisms.md, "Artificial
cells"): the point-process kernels of cpp_codegen without a membrane, plus net_event and net_move.

The engine runs an artificial cell as one instance in one lane of a block (engine/cells/
artificial_group.cpp): INITIAL is the block's init kernel, NET_RECEIVE its net_receive kernel,
called with t at the event's exact time. There is no v, area, diam or ion; BREAKPOINT, USEION
and currents are refused by the front end (nmodl_model.check_artificial)."""
from cpp_codegen import Generator, unwrap
from nmodl_model import SUPPORTED_ARTIFICIAL, name_of

NO_MEMBRANE = ("v", "area", "diam")


class ArtificialGenerator(Generator):
    def abi_kind(self):
        return "parnet_artificial_cell"

    def refuse_membrane(self, n):
        self.refuse(f"{n} in an ARTIFICIAL_CELL", n, why=f"supported in an ARTIFICIAL_CELL: {SUPPORTED_ARTIFICIAL}")

    def base_scope(self):
        scope = super().base_scope()
        scope.names -= set(NO_MEMBRANE)
        return scope

    def prologue(self, indent, exact=False):
        pad = " " * indent
        out = [pad + f"double& {n} = _f{q}[_k];" for q, (n, _, _) in enumerate(self.fields)]
        return out + [pad + f"double {n} = 0.0;" for n in self.temporaries]

    def expr(self, e, scope, exact):
        if type(e).__name__ in ("VarName", "Name") and name_of(e) in NO_MEMBRANE and name_of(e) not in scope:
            self.refuse_membrane(name_of(e))
        return super().expr(e, scope, exact)

    def statement(self, s, scope, exact, indent, ret, derivative):
        e = unwrap(s.expression) if type(s).__name__ == "ExpressionStatement" else None
        if type(e).__name__ == "FunctionCall" and name_of(e.name) in ("net_event", "net_move"):
            return [" " * indent + line for line in self.event_call(name_of(e.name), e, scope, exact)]
        if type(e).__name__ == "BinaryExpression" and e.op.eval() == "=":
            lhs = unwrap(e.lhs)
            if type(lhs).__name__ in ("VarName", "Name") and name_of(lhs) in NO_MEMBRANE and name_of(lhs) not in scope:
                self.refuse_membrane(name_of(lhs))
        return super().statement(s, scope, exact, indent, ret, derivative)

    def event_call(self, n, e, scope, exact):
        """net_event(time): the cell's spike at `time` (NET_RECEIVE only, as NEURON requires time
        >= t); net_move(time): its latest pending flag-1 self event moved to `time`."""
        receiving = self.sending is not None and not self.in_initial
        if n == "net_event" and not receiving:
            self.refuse("net_event outside NET_RECEIVE", n,
                        why=f"supported in an ARTIFICIAL_CELL: {SUPPORTED_ARTIFICIAL}")
        if n == "net_move" and self.sending is None:
            self.refuse("net_move outside INITIAL and NET_RECEIVE", n,
                        why=f"supported in an ARTIFICIAL_CELL: {SUPPORTED_ARTIFICIAL}")
        if len(e.arguments) != 1:
            self.refuse(f"{n} with other than one argument (the time)", n,
                        why=f"supported in an ARTIFICIAL_CELL: {SUPPORTED_ARTIFICIAL}")
        time = self.expr(e.arguments[0], scope, exact)
        self.sends = True   # a callback: the lane loop stays a plain loop
        if n == "net_event":
            return [f"_b->net_event(_b->net_send_context, static_cast<std::uint32_t>(_l), {time});"]
        return [f"_b->net_move(_b->net_send_context, static_cast<std::uint32_t>(_i), "
                f"static_cast<std::uint32_t>(_l), {time});"]
