: expect: 13 the call net_event() is not supported
NEURON {
    POINT_PROCESS Ne
    NONSPECIFIC_CURRENT i
}
ASSIGNED { v i }
STATE { g }
BREAKPOINT {
    i = g*v
}
NET_RECEIVE (w) {
    g = g + w
    net_event(t)
}
