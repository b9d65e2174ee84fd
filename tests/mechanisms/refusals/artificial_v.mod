: expect: 8 v in an ARTIFICIAL_CELL is not supported
NEURON {
    ARTIFICIAL_CELL Volt
}
ASSIGNED { m }
NET_RECEIVE (w) {
    m = m + w
    if (v > 0) {
        net_event(t)
    }
}
