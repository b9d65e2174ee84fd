: expect: 18 FOR_NETCONS is not supported
NEURON {
    POINT_PROCESS Fn
    NONSPECIFIC_CURRENT i
}
ASSIGNED { v i }
STATE { g }
BREAKPOINT {
    SOLVE st METHOD cnexp
    i = g*v
}
DERIVATIVE st { g' = -g }
NET_RECEIVE (w, tlast (ms)) {
    INITIAL {
        tlast = -1
    }
    g = g + w
    FOR_NETCONS (w1, tl) {
        tl = t
    }
    tlast = t
}
