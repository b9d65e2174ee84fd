: expect: 7 WHILE is not supported
NEURON { SUFFIX wh }
ASSIGNED { x }
INITIAL {
    x = 0
    : loops are not supported
    WHILE (x < 3) { x = x + 1 }
}
