: parnet's test of the times an artificial cell's kernels may give (docs/mechanisms.md, "Artificial
: cells"): a negative net_send delay and a net_event into the past count from the event being
: received; a self event at a time that is not a number is never delivered.

NEURON {
    ARTIFICIAL_CELL ClampedTimes
    RANGE received
}

ASSIGNED {
    received
}

INITIAL {
    received = 0
}

NET_RECEIVE (w) {
    received = received + 1
    if (flag == 0) {
        net_event(t - 5)
        net_send(-1, 1)
        net_send(log(-1), 2)
    } else if (flag == 1) {
        net_event(t + 0.5)
    }
}
