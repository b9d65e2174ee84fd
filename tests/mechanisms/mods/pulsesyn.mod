TITLE pulsesyn: a synapse with self events (net_send from INITIAL and NET_RECEIVE, flags, t)
: Written for parnet's tests: a conductance decaying with tau. An event from a connection adds its
: weight now and half of it lag ms later (a self event with flag 2 that carries the weight); a
: pacemaker started in INITIAL adds gpulse every interval ms (flag 1). tlast is the time of the
: last event received.

NEURON {
    POINT_PROCESS PulseSyn
    RANGE tau, e, start, interval, gpulse, lag, tlast, i
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
    start = 10 (ms)
    interval = 15 (ms)
    gpulse = 0.002 (uS)
    lag = 1.5 (ms)
}

ASSIGNED {
    v (mV)
    i (nA)
    tlast (ms)
}

STATE { g (uS) }

INITIAL {
    g = 0
    tlast = -1
    net_send(start, 1)
}

BREAKPOINT {
    SOLVE state METHOD cnexp
    i = g*(v - e)
}

DERIVATIVE state {
    g' = -g/tau
}

NET_RECEIVE (w (uS)) {
    tlast = t
    if (flag == 0) {
        g = g + w
        net_send(lag, 2)
    } else if (flag == 1) {
        g = g + gpulse
        net_send(interval, 1)
    } else {
        g = g + w/2
    }
}
