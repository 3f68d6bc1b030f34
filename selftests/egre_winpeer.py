#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A slow-acking PPTP peer, for egre's transmit-window test.

usage: egre_winpeer.py --src A --dst B --call N [--hold S] [--acks N]
                       [--time S]

Receives enhanced GRE data packets from B (a raw socket sees every GRE
packet), and after --hold seconds without a new one sends a lone ack for
the highest sequence number seen, --acks times at most; then it stays
silent.  Runs --time seconds and prints "data N acks K max_unacked M",
where M is the largest (sequence - last ack sent) seen on a data packet.
The packets are parsed and built from RFC 2637 section 4.1, independently
of the module's code.
"""

import argparse
import select
import socket
import struct
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--call", type=int, required=True)
    p.add_argument("--hold", type=float, default=0.3)
    p.add_argument("--acks", type=int, default=1000)
    p.add_argument("--time", type=float, default=5)
    a = p.parse_args()

    rx = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
    tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
    tx.bind((a.src, 0))
    src = socket.inet_aton(a.dst)
    end = time.monotonic() + a.time
    high = last_ack = None
    data = acks = max_unacked = 0
    t_data = time.monotonic()
    while True:
        now = time.monotonic()
        if now >= end:
            break
        r, _, _ = select.select([rx], [], [], 0.02)
        if r:
            pkt = rx.recv(65536)
            ihl = (pkt[0] & 15) * 4
            if pkt[12:16] != src or len(pkt) < ihl + 12:
                continue
            flags, = struct.unpack("!H", pkt[ihl:ihl + 2])
            if not flags & 0x1000:
                continue
            seq, = struct.unpack("!I", pkt[ihl + 8:ihl + 12])
            data += 1
            high = seq if high is None else max(high, seq)
            base = -1 if last_ack is None else last_ack
            max_unacked = max(max_unacked, seq - base)
            t_data = time.monotonic()
            continue
        if high is not None and high != last_ack and acks < a.acks and \
                now - t_data >= a.hold:
            hdr = struct.pack("!HHHHI", 0x2081, 0x880B, 0, a.call, high)
            tx.sendto(hdr, (a.dst, 0))
            last_ack = high
            acks += 1
    print("data %d acks %d max_unacked %d" % (data, acks, max_unacked))
    return 0


if __name__ == "__main__":
    sys.exit(main())
