: parnet's test artificial cell (docs/mechanisms.md, "Artificial cells"): a leaky integrator that
: fires when m exceeds a thresh, then fires a second spike `gap` ms later (self event, flag 2)
: and ignores its input until `refrac` ms after the first (self event, flag 1).

NEURON {
    ARTIFICIAL_CELL BurstFire
    RANGE tau, refrac, gap, thresh, m, spikes
}

PARAMETER {
    tau = 8 (ms)
    refrac = 4 (ms)
    gap = 0.7 (ms)
    thresh = 1
}

ASSIGNED {
    m
    t0 (ms)
    refractory
    spikes
}

INITIAL {
    refractory = 0
    spikes = 0
    restart()
}

PROCEDURE restart() {
    m = 0
    t0 = t
}

FUNCTION decayed() {
    decayed = m*exp(-(t - t0)/tau)
}

NET_RECEIVE (w) {
    if (flag == 0) {
        if (refractory == 0) {
            m = decayed() + w
            t0 = t
            if (m > thresh) {
                net_event(t)
                spikes = spikes + 1
                refractory = 1
                restart()
                net_send(gap, 2)
                net_send(refrac, 1)
            }
        }
    } else if (flag == 2) {
        net_event(t)
        spikes = spikes + 1
    } else {
        refractory = 0
        restart()
    }
}
