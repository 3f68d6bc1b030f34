#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile enhanced-GRE traffic with an independent model of what egre must
do with each packet.

Each mode sends packets from a raw IPv4 socket and prints, as JSON, the
counter deltas the receiving session must show; the test compares them with
ethtool -S.  The model is written from RFC 2637 and the kernel's GRE
demultiplexer rules, not from egre's code:

- gre_demux drops packets shorter than 12 bytes and those whose second byte,
  less the A bit, is not 0 or 1 (reserved flags, version >= 2); version 0
  goes to ip_gre.  None of those reach egre.
- egre: C, R, s, recursion set or K clear -> bad header; S and A both clear
  -> bad header; header longer than the packet, S without payload, a lone
  ack with payload, payload beyond the packet -> bad length; unknown
  (call id, source) -> no session.
- then acks (all "bad": this session never sends), then the sequence window
  (first accepted whatever it is; ahead -> accepted, gap counted; seen ->
  duplicate; behind unseen -> old), then the PPP payload.

usage: egre_hostile.py --dst A --call N MODE [--count N] [--seed S]
MODE: flags (every one of the 65,536 flag words once) | flood (random mix)
"""

import argparse
import json
import random
import socket
import struct
from collections import Counter

PROTO_PPP = 0x880B


def udp4(dst="10.99.99.99"):
    data = b"hostile"
    udp = struct.pack("!HHHH", 4000, 9, 8 + len(data), 0) + data
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64,
                      17, 0, socket.inet_aton("10.0.0.2"), socket.inet_aton(dst))
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return hdr[:10] + struct.pack("!H", ~s & 0xFFFF) + hdr[12:] + udp


PAYLOADS = {
    "ip": b"\xff\x03\x00\x21" + udp4(),
    "ip_acfc_pfc": b"\x21" + udp4(),
    "lcp": b"\xff\x03\xc0\x21\x09\x01\x00\x08\x00\x00\x00\x00",
    "garbage": b"\xff\x03\x00\x20\x00",
    "bad_inner": b"\x00\x21" + b"\x65" + bytes(19),
}
PAYLOAD_COUNTER = {"ip": "rx_packets", "ip_acfc_pfc": "rx_packets",
                   "lcp": "rx_non_ip", "garbage": "rx_bad_ppp",
                   "bad_inner": "rx_bad_ppp"}


class Window:
    """Receive window, written independently: last accepted + set of the
    64 numbers at and below it"""

    def __init__(self):
        self.last = None
        self.seen = set()

    def check(self, seq):
        if self.last is None:
            self.last, self.seen = seq, {seq}
            return "accept", 0
        d = (seq - self.last) & 0xFFFFFFFF
        if d and d < 0x80000000:
            self.seen = {s for s in self.seen
                         if ((seq - s) & 0xFFFFFFFF) < 64} | {seq}
            self.last = seq
            return "accept", d - 1
        if seq in self.seen:
            return "dup", 0
        return "old", 0


class Model:
    def __init__(self, call):
        self.call = call
        self.win = Window()
        self.c = Counter()

    def packet(self, pkt, src_ok=True):
        """Account one GRE packet (bytes after the IP header)"""
        if len(pkt) < 12:
            return
        b1 = pkt[1] & 0x7F
        if b1 >= 2 or b1 == 0:      # demux drop, or GRE version 0
            return
        flags, proto, plen, call = struct.unpack("!HHHH", pkt[:8])
        if (flags & 0xCF78) or not (flags & 0x2000) or proto != PROTO_PPP:
            self.c["net_rx_bad_header"] += 1
            return
        has_s, has_a = bool(flags & 0x1000), bool(flags & 0x0080)
        if not has_s and not has_a:
            self.c["net_rx_bad_header"] += 1
            return
        hlen = 8 + 4 * has_s + 4 * has_a
        if len(pkt) < hlen or (plen == 0) == has_s or plen > len(pkt) - hlen:
            self.c["net_rx_bad_length"] += 1
            return
        if call != self.call or not src_ok:
            self.c["net_rx_no_session"] += 1
            return
        if has_a:
            self.c["rx_acks"] += 1
            self.c["rx_bad_ack"] += 1
        if not has_s:
            self.c["rx_ack_only"] += 1
            return
        seq = struct.unpack("!I", pkt[8:12])[0]
        verdict, lost = self.win.check(seq)
        if verdict == "dup":
            self.c["rx_duplicate"] += 1
            return
        if verdict == "old":
            self.c["rx_old"] += 1
            return
        self.c["rx_data"] += 1
        if lost:
            self.c["rx_lost"] += lost
        payload = pkt[hlen:hlen + plen]
        name = next(k for k, v in PAYLOADS.items() if v == payload)
        self.c[PAYLOAD_COUNTER[name]] += 1


def gre(flags, call, plen, seq=None, ack=None, payload=b""):
    h = struct.pack("!HHHH", flags, PROTO_PPP, plen, call)
    if seq is not None:
        h += struct.pack("!I", seq)
    if ack is not None:
        h += struct.pack("!I", ack)
    return h + payload


def mode_flags(call, rnd):
    """Every flag word once; fields present as the S and A bits say"""
    seq = 1000
    for flags in range(65536):
        has_s, has_a = flags & 0x1000, flags & 0x0080
        payload = PAYLOADS["ip"] if has_s else b""
        seq += 1
        yield gre(flags, call, len(payload), seq if has_s else None,
                  rnd.getrandbits(32) if has_a else None, payload)


def mode_flood(call, rnd, count):
    """A random mix: sequence storms (in order, reordered, duplicated,
    far jumps), lone-ack floods, bad flags, bad lengths, unknown calls"""
    base = rnd.getrandbits(32)
    seq = base
    good = [0x3001, 0x3081, 0x2081]
    bad = [0x3000, 0xB001, 0x7001, 0x1001, 0x3801, 0x3101, 0x3009, 0x2001,
           0x3041, 0x3002]
    for _ in range(count):
        r = rnd.random()
        flags = rnd.choice(good) if r < 0.8 else rnd.choice(bad)
        c = call if rnd.random() < 0.9 else rnd.randrange(65536)
        has_s, has_a = flags & 0x1000, flags & 0x0080
        pname = rnd.choice(list(PAYLOADS)) if has_s else None
        payload = PAYLOADS[pname] if has_s else b""
        plen = len(payload)
        x = rnd.random()
        if x < 0.03:
            plen += rnd.randrange(1, 100)          # beyond the packet
        elif x < 0.05:
            payload = payload[:rnd.randrange(0, 8)]  # truncated
        step = rnd.choice([1, 1, 1, 1, 2, 0, -1, -3, 5, 70, -70, 1 << 20])
        seq = (seq + step) & 0xFFFFFFFF
        pkt = gre(flags, c, plen, seq if has_s else None,
                  rnd.getrandbits(32) if has_a else None, payload)
        if rnd.random() < 0.02:
            pkt = pkt[:rnd.randrange(0, len(pkt))]  # cut anywhere
        yield pkt


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dst", required=True)
    p.add_argument("--call", type=int, required=True)
    p.add_argument("--count", type=int, default=20000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("mode", choices=["flags", "flood"])
    a = p.parse_args()
    rnd = random.Random(a.seed)
    model = Model(a.call)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_GRE)
    gen = mode_flags(a.call, rnd) if a.mode == "flags" else \
        mode_flood(a.call, rnd, a.count)
    sent = 0
    for pkt in gen:
        model.packet(pkt)
        s.sendto(pkt, (a.dst, 0))
        sent += 1
    out = dict(model.c)
    out["sent"] = sent
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
