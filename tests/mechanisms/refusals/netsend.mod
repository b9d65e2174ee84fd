: expect: 10 net_send outside INITIAL and NET_RECEIVE of a POINT_PROCESS is not supported
NEURON {
    POINT_PROCESS Ns
    NONSPECIFIC_CURRENT i
}
ASSIGNED { v i }
STATE { g }
BREAKPOINT {
    SOLVE st METHOD cnexp
    net_send(1, 1)
    i = g*v
}
DERIVATIVE st { g' = -g }
NET_RECEIVE (w) {
    g = g + w
}
