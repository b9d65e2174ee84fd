: expect: 6 a weight vector (NET_RECEIVE with more than the weight, or INITIAL inside it) in an ARTIFICIAL_CELL is not supported
NEURON {
    ARTIFICIAL_CELL Wv
}
ASSIGNED { m }
NET_RECEIVE (w, last) {
    m = m + w
    last = t
}
