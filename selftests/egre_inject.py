#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build and send enhanced GRE packets from a raw IPv4 socket, well-formed
or deliberately broken, for egre's receive-path tests.  The packets are
written from RFC 2637 section 4.1, independently of the module's code.

usage: egre_inject.py [--src A] --dst B --call N [--seq S] [--ack A]
                      [--count N | --seqs S1,S2,...] [--pause SECONDS] CASE

--count sends N packets numbered from S; --seqs sends one packet per listed
number, in that order, back to back (a reordering in one burst), or --pause
seconds apart.
"""

import argparse
import socket
import struct
import sys
import time

K, S, A = 0x2000, 0x1000, 0x0080
PROTO_PPP = 0x880B


def gre(flags, call, seq=None, ack=None, payload=b"", plen=None, proto=PROTO_PPP):
    """flags: the full 16-bit flag/version word"""
    if plen is None:
        plen = len(payload)
    hdr = struct.pack("!HHHH", flags, proto, plen, call)
    if seq is not None:
        hdr += struct.pack("!I", seq)
    if ack is not None:
        hdr += struct.pack("!I", ack)
    return hdr + payload


def ipv4_udp(dst="10.99.99.99", src="10.0.0.2", data=b"egre-test"):
    udp = struct.pack("!HHHH", 4000, 9, 8 + len(data), 0) + data
    tot = 20 + len(udp)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, 0, 0x4000, 64, 17, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    csum = 0
    for i in range(0, 20, 2):
        csum += (hdr[i] << 8) | hdr[i + 1]
    while csum >> 16:
        csum = (csum & 0xFFFF) + (csum >> 16)
    hdr = hdr[:10] + struct.pack("!H", ~csum & 0xFFFF) + hdr[12:]
    return hdr + udp


PPP_IP = b"\xff\x03\x00\x21"
LCP_ECHO = b"\xff\x03\xc0\x21" + b"\x09\x01\x00\x08\x00\x00\x00\x00"


def build(case, call, seq, ack):
    data = PPP_IP + ipv4_udp()
    sa = K | S | 1
    cases = {
        # accepted
        "data": lambda: gre(sa, call, seq, None, data),
        "data_ack": lambda: gre(sa | A, call, seq, ack, data),
        "data_acfc_pfc": lambda: gre(sa, call, seq, None, b"\x21" + ipv4_udp()),
        "data_pfc": lambda: gre(sa, call, seq, None, b"\xff\x03\x21" + ipv4_udp()),
        "data_acfc": lambda: gre(sa, call, seq, None, b"\x00\x21" + ipv4_udp()),
        "data_trailer": lambda: gre(sa, call, seq, None, data, plen=len(data))
        + b"\xde\xad\xbe\xef",
        # 3 KB: the sender's IP layer fragments it (see main)
        "data_big": lambda: gre(sa, call, seq, None,
                                PPP_IP + ipv4_udp(data=bytes(2900))),
        "ack_only": lambda: gre(K | A | 1, call, None, ack),
        # dropped by the session
        "non_ip": lambda: gre(sa, call, seq, None, LCP_ECHO),
        "bad_ppp_short": lambda: gre(sa, call, seq, None, b"\xff\x03"),
        "bad_ppp_proto": lambda: gre(sa, call, seq, None, b"\xff\x03\x00\x20\x45"),
        "bad_inner": lambda: gre(sa, call, seq, None, PPP_IP + b"\x65" + bytes(19)),
        # bad header
        "bad_proto": lambda: gre(sa, call, seq, None, data, proto=0x0800),
        "c_bit": lambda: gre(sa | 0x8000, call, seq, None, data),
        "r_bit": lambda: gre(sa | 0x4000, call, seq, None, data),
        "no_key": lambda: struct.pack("!HHI", S | 1, PROTO_PPP, seq) + data,
        "s_bit": lambda: gre(sa | 0x0800, call, seq, None, data),
        "recursion": lambda: gre(sa | 0x0300, call, seq, None, data),
        # padded to the 12 bytes the GRE demultiplexer insists on
        "no_seq_no_ack": lambda: gre(K | 1, call, None, None) + bytes(4),
        # bad length
        "short_header": lambda: gre(sa | A, call, seq, None, b""),
        "len_beyond": lambda: gre(sa, call, seq, None, data, plen=len(data) + 1),
        "seq_no_payload": lambda: gre(sa, call, seq, None, b""),
        "ack_with_payload": lambda: gre(K | A | 1, call, None, ack, b"", plen=4),
        # never reach egre (the GRE demultiplexer drops or reroutes them)
        "reserved_flags": lambda: gre(sa | 0x0008, call, seq, None, data),
        "version0": lambda: gre(K | S, call, seq, None, data),
        "tiny": lambda: b"\x30\x01\x88\x0b",
    }
    if case not in cases:
        sys.exit("unknown case %s; cases: %s" % (case, " ".join(sorted(cases))))
    return cases[case]()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--src")
    p.add_argument("--dst", required=True)
    p.add_argument("--call", type=int, required=True)
    p.add_argument("--seq", type=lambda x: int(x, 0), default=0)
    p.add_argument("--ack", type=lambda x: int(x, 0), default=0)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--seqs", type=lambda x: [int(v, 0) for v in x.split(",")])
    p.add_argument("--pause", type=float, default=0.0,
                   help="seconds between packets (default: back to back)")
    p.add_argument("case")
    a = p.parse_args()
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_GRE)
    # let the IP layer fragment what does not fit (IP_PMTUDISC_DONT)
    s.setsockopt(socket.IPPROTO_IP, 10, 0)
    if a.src:
        s.bind((a.src, 0))
    seqs = a.seqs if a.seqs else [a.seq + i for i in range(a.count)]
    pkts = [build(a.case, a.call, q & 0xFFFFFFFF, a.ack) for q in seqs]
    for i, pkt in enumerate(pkts):
        if i and a.pause:
            time.sleep(a.pause)
        s.sendto(pkt, (a.dst, 0))


if __name__ == "__main__":
    main()
