: expect: 13 NET_RECEIVE with other than one argument (a weight) is not supported
NEURON {
    POINT_PROCESS Tw
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
    g = g + w
}
