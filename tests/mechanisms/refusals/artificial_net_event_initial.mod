: expect: 7 net_event outside NET_RECEIVE is not supported
NEURON {
    ARTIFICIAL_CELL Early
}
ASSIGNED { m }
INITIAL {
    net_event(t)
}
NET_RECEIVE (w) { }
