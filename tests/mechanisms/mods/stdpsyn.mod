TITLE stdpsyn: an exponential synapse whose connections learn (a weight vector per connection)
: Written for parnet's tests. Each connection carries NET_RECEIVE (w, A, tpre): its weight w, a
: pre-synaptic trace A that decays with tau_a and jumps by 1 at each of the connection's events,
: and the time tpre of its last event. An event adds w * (1 + A) to g, then potentiates the
: connection's own weight by dw * A (the trace before this event), so connections sharing the
: synapse diverge: the state must be kept per connection. INITIAL in NET_RECEIVE sets the trace
: at finitialize.

NEURON {
    POINT_PROCESS StdpSyn
    RANGE tau, e, tau_a, dw, i, events
    NONSPECIFIC_CURRENT i
    THREADSAFE
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
}

PARAMETER {
    tau = 2 (ms)
    e = 0 (mV)
    tau_a = 10 (ms)
    dw = 0.0005 (uS)
}

ASSIGNED {
    v (mV)
    i (nA)
    events
}

STATE { g (uS) }

INITIAL {
    g = 0
    events = 0
}

BREAKPOINT {
    SOLVE state METHOD cnexp
    i = g*(v - e)
}

DERIVATIVE state {
    g' = -g/tau
}

NET_RECEIVE (w (uS), A, tpre (ms)) {
    INITIAL {
        A = 0
        tpre = -1e9
    }
    A = A * exp(-(t - tpre)/tau_a)
    g = g + w * (1 + A)
    w = w + dw * A
    A = A + 1
    tpre = t
    events = events + 1
}
