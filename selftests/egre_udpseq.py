#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A numbered UDP stream, to check delivery order through a tunnel.

usage: egre_udpseq.py send DST PORT COUNT [--rate PPS] [--size BYTES]
       egre_udpseq.py recv PORT [--idle SECONDS] [--ready FILE]

The receiver prints one line: "received N unique U inversions I
duplicates D first F last L" and exits after --idle seconds without a
packet (once the first one arrived) or 60 s in all.  An inversion is a
number smaller than one received before it.
"""

import argparse
import os
import socket
import struct
import sys
import time


def send(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    pad = b"\0" * max(0, a.size - 4)
    gap = 1.0 / a.rate if a.rate else 0
    t = time.monotonic()
    for i in range(a.count):
        s.sendto(struct.pack("!I", i) + pad, (a.dst, a.port))
        if gap:
            t += gap
            d = t - time.monotonic()
            if d > 0:
                time.sleep(d)
    return 0


def recv(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind(("0.0.0.0", a.port))
    if a.ready:
        with open(a.ready, "w") as f:
            f.write("ready\n")
    seen = set()
    n = inv = dup = 0
    first = last = high = None
    end = time.monotonic() + 60
    s.settimeout(1.0)
    while time.monotonic() < end:
        try:
            data, _ = s.recvfrom(65536)
        except socket.timeout:
            if n and time.monotonic() - t_last > a.idle:
                break
            continue
        t_last = time.monotonic()
        if len(data) < 4:
            continue
        (i,) = struct.unpack("!I", data[:4])
        n += 1
        if i in seen:
            dup += 1
        seen.add(i)
        if high is not None and i < high:
            inv += 1
        high = i if high is None else max(high, i)
        first = i if first is None else first
        last = i
        s.settimeout(min(1.0, a.idle))
    print("received %d unique %d inversions %d duplicates %d first %s last %s"
          % (n, len(seen), inv, dup, first, last))
    sys.stdout.flush()
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    ps = sub.add_parser("send")
    ps.add_argument("dst")
    ps.add_argument("port", type=int)
    ps.add_argument("count", type=int)
    ps.add_argument("--rate", type=float, default=0)
    ps.add_argument("--size", type=int, default=64)
    pr = sub.add_parser("recv")
    pr.add_argument("port", type=int)
    pr.add_argument("--idle", type=float, default=1.0)
    pr.add_argument("--ready")
    a = p.parse_args()
    return send(a) if a.cmd == "send" else recv(a)


if __name__ == "__main__":
    sys.exit(main())
