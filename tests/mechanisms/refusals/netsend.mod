: expect: 14 the call net_send() is not supported
NEURON {
    POINT_PROCESS Ns
    NONSPECIFIC_CURRENT i
}
ASSIGNED { v i }
STATE { g }
BREAKPOINT {
    SOLVE st METHOD cnexp
    i = g*v
}
DERIVATIVE st { g' = -g }
NET_RECEIVE (w) {
    net_send(1, 1)
}
