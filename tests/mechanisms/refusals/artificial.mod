: expect: 3 ARTIFICIAL_CELL is not supported
NEURON {
    ARTIFICIAL_CELL IntFire9
}
NET_RECEIVE (w) { }
