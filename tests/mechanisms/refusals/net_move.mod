: expect: 11 the call net_move() is not supported
NEURON {
    POINT_PROCESS Nm
    NONSPECIFIC_CURRENT i
}
ASSIGNED { v i }
BREAKPOINT {
    i = 0
}
NET_RECEIVE (w) {
    net_move(t + 1)
}
