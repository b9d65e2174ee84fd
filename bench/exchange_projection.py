#!/usr/bin/env python3
"""Projected cost of the spike exchange at large rank counts (a latency-bandwidth model), for
allgather and targeted exchange, from per-cell and per-event costs measured on this machine.

Per epoch of D ms on each of P ranks (N cells, K synapses per cell, rate r):
  compute   = (N/P) (D/dt) c_cell + (N K r D / P) c_event
  allgather = alpha ceil(log2 P) + beta 16 N r D (P-1)/P      (recursive doubling / ring)
              + N r D c_lookup                                  (every rank looks up every spike)
  targeted  = alpha (m_in + m_out) + beta 16 S r D + S r D c_lookup
where S is the number of distinct source cells a rank listens to and m the ranks it exchanges
with. Two networks: 'random' (sources uniform over the network: S = N(1 - exp(-(N/P)K/N)),
every rank a neighbour once P < N K / P) and 'local' (a 2-D sheet cut into P tiles by a
METIS-like plan: inputs from the tile and its 8 neighbours, S <= 9 N/P). Efficiency is
compute / (compute + exchange) without overlap; with overlap the network part (alpha, beta) hides
behind the compute of the next epoch but the look-ups do not: compute / (max(compute, network)
+ look-ups).
It prints a table and the rank count where the exchange reaches 20% of the epoch. It models; it
asserts nothing. The default costs were measured here (bench/event_cost.py, the brunel example's
report); pass your own with the options.

    bench/exchange_projection.py [--cells 1e6] [--synapses 1000] [--rate 10] [--c-event 60e-9]
"""
import argparse
import math


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cells", type=float, default=1e6)
    p.add_argument("--synapses", type=float, default=1000, help="per cell")
    p.add_argument("--rate", type=float, default=10.0, help="Hz")
    p.add_argument("--epoch", type=float, default=1.0, help="ms (the minimum delay)")
    p.add_argument("--dt", type=float, default=0.1, help="ms")
    p.add_argument("--c-cell", type=float, default=5e-9, help="s per LIF cell-step (measured: brunel example)")
    p.add_argument("--c-event", type=float, default=60e-9, help="s per delivered event (measured: bench/event_cost.py)")
    p.add_argument("--c-lookup", type=float, default=10e-9, help="s per received spike looked up")
    p.add_argument("--alpha", type=float, default=1.5e-6, help="s per message (interconnect latency)")
    p.add_argument("--beta", type=float, default=1e-10, help="s per byte (10 GB/s)")
    p.add_argument("--ranks", type=int, nargs="+", default=[16, 64, 256, 1024, 4096])
    args = p.parse_args()
    N, K, r, D = args.cells, args.synapses, args.rate / 1000.0, args.epoch
    spikes = N * r * D   # per epoch, whole network

    def compute(P):
        return (N / P) * (D / args.dt) * args.c_cell + (N * K * r * D / P) * args.c_event

    # Each method's cost per epoch as (network, look-ups).
    def allgather(P):
        return (args.alpha * math.ceil(math.log2(max(P, 2))) + args.beta * 16 * spikes * (P - 1) / P,
                spikes * args.c_lookup)

    def targeted(P, network):
        n = N / P
        if network == "random":
            S = N * (1 - math.exp(-n * K / N))
            peers = min(P - 1, n * K)   # ranks holding at least one source, roughly
        else:
            S = min(N, 9 * n)
            peers = min(P - 1, 8)
        return args.alpha * 2 * peers + args.beta * 16 * S * r * D, S * r * D * args.c_lookup

    def plain(c, cost):
        return c / (c + sum(cost))

    def overlapped(c, cost):
        return c / (max(c, cost[0]) + cost[1])

    print(f"{N:.0e} cells x {K:g} synapses, {args.rate:g} Hz, epochs of {D:g} ms, dt {args.dt:g} ms; "
          f"alpha {args.alpha * 1e6:g} us, {1 / args.beta / 1e9:g} GB/s")
    print(f"{'ranks':>6} {'compute':>9} | {'allgather':>9} {'eff':>5} {'eff ovl':>7} | "
          f"{'targeted rnd':>12} {'eff':>5} | {'targeted local':>14} {'eff':>5} {'eff ovl':>7}")
    for P in args.ranks:
        c = compute(P)
        a, tr, tl = allgather(P), targeted(P, "random"), targeted(P, "local")
        print(f"{P:>6} {c * 1e6:>7.1f}us | {sum(a) * 1e6:>7.1f}us {plain(c, a):>5.0%} {overlapped(c, a):>7.0%} | "
              f"{sum(tr) * 1e6:>10.1f}us {plain(c, tr):>5.0%} | {sum(tl) * 1e6:>12.1f}us {plain(c, tl):>5.0%} "
              f"{overlapped(c, tl):>7.0%}")
    for name, cost in [("allgather", allgather), ("targeted, random network", lambda P: targeted(P, "random")),
                       ("targeted, local network", lambda P: targeted(P, "local"))]:
        P = 1
        while P < 1 << 24 and sum(cost(P)) < 0.2 * (compute(P) + sum(cost(P))):
            P *= 2
        print(f"{name}: the exchange reaches 20% of the epoch at about {P} ranks")


if __name__ == "__main__":
    main()
