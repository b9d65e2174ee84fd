: parnet's test of weight vectors on an artificial cell (docs/mechanisms.md, "Artificial cells"):
: each connection keeps its own sum n of the weights it brought; when a connection's sum exceeds 1
: the cell fires, and 0.4 ms later a self event, carrying that connection's vector, empties it.

NEURON {
    ARTIFICIAL_CELL CountFire
    RANGE fired
}

ASSIGNED {
    fired
}

INITIAL {
    fired = 0
}

NET_RECEIVE (w, n, last (ms)) {
    INITIAL {
        n = 0
        last = -1
    }
    if (flag == 0) {
        n = n + w
        last = t
        if (n > 1) {
            net_event(t)
            fired = fired + 1
            net_send(0.4, 1)
        }
    } else {
        n = 0
    }
}
