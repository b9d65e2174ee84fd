: expect: 6 BREAKPOINT in an ARTIFICIAL_CELL is not supported
NEURON {
    ARTIFICIAL_CELL Bp
}
ASSIGNED { x }
BREAKPOINT {
    x = 1
}
NET_RECEIVE (w) { }
