#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench/report.py OUTDIR [HEADER-FILE]: the markdown table of a bench run.

Reads OUTDIR/meta.tsv, OUTDIR/runs.tsv and the iperf3 JSON files that
bench/guest.sh wrote, takes the median over the repeats of every
(condition, test, tunnel), and prints a markdown table: rows are
condition/test, columns veth, ip_gre, ip_gre with sequence numbers, pptp.ko,
egre and the ratios of egre to ip_gre (both kinds) and to pptp.ko.  A second table gives the medians of what
explains the first: TCP retransmissions, UDP packets sent and lost.
"""
import json
import os
import statistics
import sys

TUNNELS = [("veth", "veth"), ("ip_gre", "ip_gre"),
           ("ip_gre_seq", "ip_gre oseq"), ("pptp", "pptp.ko"), ("egre", "egre")]
# the ratio columns: (numerator, denominator) tunnel keys
RATIOS = [("egre", "ip_gre"), ("egre", "ip_gre_seq"), ("egre", "pptp")]
# EGRE_BENCH_MODE=ppp: pppd + MPPE over each data plane; the ratios are
# egre's against the last two before it
TUNNELS_PPP = [("user-ppp", "userspace pptp"), ("pptp-ppp", "pptp.ko+pppd"),
               ("egre-ppp", "egre+pppd")]
RATIOS_PPP = [("egre-ppp", "user-ppp"), ("egre-ppp", "pptp-ppp")]
TESTS = {
    "tcp": "TCP, 1 stream, Mbit/s",
    "tcp4": "TCP, 4 streams, Mbit/s",
    "udp": "UDP 64 B, received kpps",
    "udp_dev": "UDP 64 B, delivered by the tunnel, kpps",
}


def load(outdir):
    meta = {}
    with open(os.path.join(outdir, "meta.tsv")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            meta[k] = v
    runs = []
    with open(os.path.join(outdir, "runs.tsv")) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            rep, cond, test, tun, path, rc, gso, wall = fields[:8]
            # the 9th field (newer runs): packets the receiving tunnel
            # device delivered during a UDP measurement
            rx = fields[8] if len(fields) > 8 and fields[8] else None
            runs.append(dict(rep=rep, cond=cond, test=test, tun=tun,
                             path=os.path.join(outdir, path), rc=int(rc),
                             gso=gso, wall=float(wall),
                             rx=int(rx) if rx else None))
    return meta, runs


def measure(run):
    """(value, retransmits or None, sent kpps or None, lost % or None)"""
    try:
        with open(run["path"]) as f:
            d = json.load(f)
    except (OSError, ValueError):
        return None
    if "error" in d or "end" not in d:
        return None
    end = d["end"]
    if run["test"] == "udp":
        rcv, snd = end.get("sum_received"), end.get("sum_sent")
        if not rcv or not rcv.get("seconds"):
            return None
        rx = rcv["bytes"] / 64 / rcv["seconds"] / 1000
        tx = snd["bytes"] / 64 / snd["seconds"] / 1000 if snd else None
        return rx, None, tx, rcv.get("lost_percent")
    rcv, snd = end.get("sum_received"), end.get("sum_sent", {})
    if not rcv:
        return None
    return rcv["bits_per_second"] / 1e6, snd.get("retransmits"), None, None


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def fmt(v, digits=0):
    if v is None:
        return "-"
    if digits == 0:
        return f"{v:,.0f}" if v >= 10 else f"{v:.1f}"
    return f"{v:.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}"


def scale_report(outdir, conds, tests, cell, extra):
    """Session scaling: rows per table size, memory rounds"""
    out, tables, mem, each = [], {}, [], None
    with open(os.path.join(outdir, "scale.tsv")) as f:
        for line in f:
            row = line.rstrip("\n").split("\t")
            if row[0] == "table":
                tables[row[1]] = row[3]
            elif row[0] == "memory":
                mem.append(row[1:])
            elif row[0] == "delete_each":
                each = row[1:]
    out.append("| egre sessions in the netns | test | egre | vs. first row | "
               "ip_gre | vs. first row | egre/ip_gre | egre retransmits | "
               "ms to reach this size |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for t in tests:
        base = med(cell.get((conds[0], t, "egre"), [])) if conds else None
        gbase = med(cell.get((conds[0], t, "ip_gre"), [])) if conds else None
        for c in conds:
            v = med(cell.get((c, t, "egre"), []))
            g = med(cell.get((c, t, "ip_gre"), []))
            ex = extra.get((c, t, "egre")) or []
            out.append(f"| {c} | {TESTS.get(t, t)} | {fmt(v)} | "
                       f"{ratio(v, base)} | {fmt(g)} | {ratio(g, gbase)} | "
                       f"{ratio(v, g)} | {fmt(med([e[0] for e in ex]))} | "
                       f"{tables.get(c, '-')} |")
    out.append("")
    out.append("| round | devices | count | create, ms | delete, ms | "
               "B/device used | B/device slab | B/device percpu | "
               "kB used after delete | kB slab after delete | "
               "kB percpu after delete |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for m in mem:
        # runs before the percpu column have one field less
        out.append("| " + " | ".join(m + ["-"] * (11 - len(m))) + " |")
    out.append("")
    out.append("Used = MemTotal - MemAvailable; slab and percpu from "
               "/proc/meminfo. Each round creates the devices in one "
               "`ip -batch` and deletes them with one `ip link del group`; "
               "the gre round is the same with ip_gre devices, the cost of "
               "any tunnel netdevice.")
    if each:
        out.append(f"Deleting {each[0]} sessions one `ip link del` at a time "
                   f"took {each[1]} ms each (every deletion waits for its own "
                   "RCU grace periods in the core's unregistration).")
    return out


def main():
    outdir = sys.argv[1]
    meta, runs = load(outdir)
    conds, tests = [], []
    for r in runs:
        if r["cond"] not in conds:
            conds.append(r["cond"])
        if r["test"] not in tests:
            tests.append(r["test"])
    if any(r["test"] == "udp" and r["rx"] is not None for r in runs):
        tests.append("udp_dev")
    tests.sort(key=lambda t: list(TESTS).index(t) if t in TESTS else 99)

    cell, extra, gso, failed = {}, {}, {}, []
    for r in runs:
        key = (r["cond"], r["test"], r["tun"])
        m = measure(r) if r["rc"] == 0 else None
        if m is None:
            failed.append(f'{r["rep"]}/{r["cond"]}/{r["test"]}/{r["tun"]}')
            continue
        cell.setdefault(key, []).append(m[0])
        extra.setdefault(key, []).append(m[1:])
        if r["test"] == "udp" and r["rx"] is not None:
            secs = float(meta.get("seconds", "0") or 0)
            if secs > 0:
                cell.setdefault((r["cond"], "udp_dev", r["tun"]), []) \
                    .append(r["rx"] / secs / 1000)
        gso.setdefault(r["cond"], set()).add(r["gso"])

    out = []
    if len(sys.argv) > 2:
        with open(sys.argv[2]) as f:
            out.append(f.read().rstrip("\n"))
        out.append("")
    nrep = meta.get("repeats", "?")
    out.append(f"Medians of {nrep} repeats, {meta.get('seconds', '?')} s each; "
               f"higher is better.")
    out.append("")
    if meta.get("mode") == "scale":
        out += scale_report(outdir, conds, tests, cell, extra)
        print("\n".join(out))
        return
    global TUNNELS, RATIOS
    if meta.get("mode") == "ppp":
        TUNNELS, RATIOS = TUNNELS_PPP, RATIOS_PPP
    # only the tunnels this run measured
    have = {r["tun"] for r in runs}
    TUNNELS = [t for t in TUNNELS if t[0] in have]
    RATIOS = [r for r in RATIOS if r[0] in have and r[1] in have]
    label = dict(TUNNELS)
    head = ["condition", "test"] + [t[1] for t in TUNNELS] + \
        [f"{label[a]}/{label[b]}" for a, b in RATIOS]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" * 2 + "---:|" * (len(head) - 2))
    for c in conds:
        for t in tests:
            v = {k: med(cell.get((c, t, k), [])) for k, _ in TUNNELS}
            if all(x is None for x in v.values()):
                continue
            cname = c + (" (no GSO)" if gso.get(c) == {"off"} else "")
            row = [cname, TESTS.get(t, t)] + [fmt(v[k]) for k, _ in TUNNELS]
            row += [ratio(v[a], v[b]) for a, b in RATIOS]
            out.append("| " + " | ".join(row) + " |")
    out.append("")

    out.append("Medians behind the table: TCP retransmitted segments per "
               "run; UDP kpps sent / % lost.")
    out.append("")
    out.append("| condition | test | " + " | ".join(t[1] for t in TUNNELS) + " |")
    out.append("|---|---|" + "---:|" * len(TUNNELS))
    for c in conds:
        for t in tests:
            if t == "udp_dev":
                continue
            row = [c, t]
            for k, _ in TUNNELS:
                ex = extra.get((c, t, k))
                if not ex:
                    row.append("-")
                elif t == "udp":
                    row.append(f"{fmt(med([e[1] for e in ex]))} / "
                               f"{fmt(med([e[2] for e in ex]), 1)}%")
                else:
                    row.append(fmt(med([e[0] for e in ex])))
            out.append("| " + " | ".join(row) + " |")
    out.append("")
    wall = sum(r["wall"] for r in runs)
    out.append(f"{len(runs)} measurements, {wall / 60:.1f} min of iperf3 "
               f"wall time; {len(failed)} failed"
               + (": " + ", ".join(failed[:20]) if failed else "") + ".")
    print("\n".join(out))


if __name__ == "__main__":
    main()
