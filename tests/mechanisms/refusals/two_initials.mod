: expect: 14 NET_RECEIVE with more than one INITIAL block is not supported
NEURON {
    POINT_PROCESS Ti
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
    INITIAL { tlast = -1 }
    INITIAL { tlast = -2 }
    g = g + w
}
