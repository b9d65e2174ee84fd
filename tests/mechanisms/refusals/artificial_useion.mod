: expect: 4 USEION in an ARTIFICIAL_CELL is not supported
NEURON {
    ARTIFICIAL_CELL Ion
    USEION na READ ena
}
ASSIGNED { ena }
NET_RECEIVE (w) { }
