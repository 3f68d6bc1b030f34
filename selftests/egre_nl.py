#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw rtnetlink requests for egre tests: values and sizes that iproute2's
plugin would never send, to check the kernel's own validation and its
extack messages.  Attribute numbers are read from the uapi header."""

import os
import re
import socket
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
UAPI = os.path.join(HERE, "..", "include", "uapi", "linux", "egre.h")

NETLINK_ROUTE = 0
NETLINK_EXT_ACK = 11
RTM_NEWLINK, RTM_DELLINK = 16, 17
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
NLMSG_ERROR = 2
NLMSGERR_ATTR_MSG = 1
IFLA_IFNAME, IFLA_LINKINFO = 3, 18
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2


def egre_attrs():
    """IFLA_EGRE_* name -> number, from the uapi enum"""
    text = open(UAPI).read()
    body = re.search(r"enum \{\s*IFLA_EGRE_UNSPEC,(.*?)\};", text, re.S).group(1)
    names = re.findall(r"^\s*(IFLA_EGRE_\w+),", body, re.M)
    return {n: i + 1 for i, n in enumerate(names)}


def attr(kind, payload):
    hdr = struct.pack("HH", 4 + len(payload), kind)
    pad = b"\0" * ((4 - len(payload) % 4) % 4)
    return hdr + payload + pad


def newlink(ifname, data, create=True, seq=1):
    linkinfo = attr(IFLA_INFO_KIND, b"egre\0") + attr(IFLA_INFO_DATA, data)
    body = struct.pack("BxHiII", 0, 0, 0, 0, 0)
    body += attr(IFLA_IFNAME, ifname.encode() + b"\0")
    body += attr(IFLA_LINKINFO, linkinfo)
    flags = NLM_F_REQUEST | NLM_F_ACK
    if create:
        flags |= NLM_F_CREATE | NLM_F_EXCL
    return struct.pack("IHHII", 16 + len(body), RTM_NEWLINK, flags, seq, 0) + body


def dellink(ifname, seq=2):
    body = struct.pack("BxHiII", 0, 0, 0, 0, 0)
    body += attr(IFLA_IFNAME, ifname.encode() + b"\0")
    return struct.pack("IHHII", 16 + len(body), RTM_DELLINK,
                       NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body


def request(msg):
    """Send one request; return (errno, extack message)"""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.setsockopt(270, NETLINK_EXT_ACK, 1)  # SOL_NETLINK
    s.send(msg)
    data = s.recv(65536)
    s.close()
    _, mtype, mflags, _, _ = struct.unpack_from("IHHII", data)
    if mtype != NLMSG_ERROR:
        raise RuntimeError("unexpected reply type %d" % mtype)
    err = -struct.unpack_from("i", data, 16)[0]
    text = ""
    # extack TLVs follow the error and the echoed header (capped: 0x100)
    off = 16 + 4 + (16 if mflags & 0x100 else struct.unpack_from("I", data, 20)[0])
    while off + 4 <= len(data):
        alen, atype = struct.unpack_from("HH", data, off)
        if alen < 4:
            break
        if atype == NLMSGERR_ATTR_MSG:
            text = data[off + 4:off + alen].rstrip(b"\0").decode()
        off += (alen + 3) & ~3
    return err, text


def u16(v):
    return struct.pack("H", v)


def u32(v):
    return struct.pack("I", v)


def check_refusals(ifname):
    a = egre_attrs()
    ip = socket.inet_aton
    depth, timeout, ahead = (a["IFLA_EGRE_REORDER_DEPTH"], a["IFLA_EGRE_REORDER_TIMEOUT"],
                             a["IFLA_EGRE_MAX_AHEAD"])
    ack_delay = a["IFLA_EGRE_ACK_DELAY"]
    # the device under "set" has the defaults: reorder-depth 64, max-ahead 32768
    cases = [
        ("acfc 2", [(a["IFLA_EGRE_ACFC"], b"\x02")], "acfc: must be 0"),
        ("pfc 7", [(a["IFLA_EGRE_PFC"], b"\x07")], "pfc: must be 0"),
        ("pmtudisc 2", [(a["IFLA_EGRE_PMTUDISC"], b"\x02")], "pmtudisc: must be 0 or 1"),
        ("reorder-adaptive 2", [(a["IFLA_EGRE_REORDER_ADAPTIVE"], b"\x02")],
         "egre: reorder-adaptive: must be 0 (off) or 1 (on)"),
        ("local multicast", [(a["IFLA_EGRE_LOCAL"], ip("224.0.0.5"))], "local: must be a unicast"),
        ("remote broadcast", [(a["IFLA_EGRE_REMOTE"], ip("255.255.255.255"))], "remote: must be a unicast"),
        ("remote 0", [(a["IFLA_EGRE_REMOTE"], ip("0.0.0.0"))], "remote: must be a unicast"),
        ("call-id as u8", [(a["IFLA_EGRE_CALL_ID"], b"\x01")], ""),
        ("link 4242", [(a["IFLA_EGRE_LINK"], struct.pack("I", 4242))], "link: no such device"),
        ("ack-delay 10001", [(ack_delay, u32(10001))], "egre: ack-delay: at most 10000 ms, or auto"),
        ("ack-delay 0xfffffffe", [(ack_delay, u32(0xfffffffe))],
         "egre: ack-delay: at most 10000 ms, or auto"),
        ("reorder-depth 1025", [(depth, u16(1025))], "egre: reorder-depth: at most 1024"),
        ("reorder-depth 65535", [(depth, u16(65535))], "egre: reorder-depth: at most 1024"),
        ("reorder-timeout 0", [(timeout, u32(0))], "egre: reorder-timeout: 1 to 10000 ms"),
        ("reorder-timeout 10001", [(timeout, u32(10001))], "egre: reorder-timeout: 1 to 10000 ms"),
        ("max-ahead 0", [(ahead, u32(0))], "egre: max-ahead: 1 to 2147483647"),
        ("max-ahead 0x80000000", [(ahead, u32(0x80000000))], "egre: max-ahead: 1 to 2147483647"),
        ("max-ahead 0xffffffff", [(ahead, u32(0xffffffff))], "egre: max-ahead: 1 to 2147483647"),
        ("max-ahead 63 (reorder-depth 64)", [(ahead, u32(63))],
         "egre: max-ahead: less than reorder-depth"),
        ("max-ahead 100 reorder-depth 101", [(ahead, u32(100)), (depth, u16(101))],
         "egre: max-ahead: less than reorder-depth"),
        ("reorder-depth 1024 max-ahead 1023", [(depth, u16(1024)), (ahead, u32(1023))],
         "egre: max-ahead: less than reorder-depth"),
        # one bad value refuses the whole request
        ("peer-window 8 reorder-timeout 0", [(a["IFLA_EGRE_PEER_WINDOW"], u16(8)), (timeout, u32(0))],
         "egre: reorder-timeout: 1 to 10000 ms"),
        ("peer-window as u8", [(a["IFLA_EGRE_PEER_WINDOW"], b"\x08")], ""),
        ("reorder-timeout as u16", [(timeout, u16(50))], ""),
    ]
    failures = 0
    err, text = request(newlink("x" + ifname, attr(a["IFLA_EGRE_CALL_ID"], b"\x01\x00")))
    ok = err != 0 and "remote: the peer's address is required" in text
    print("# add without remote: errno %d, extack %r -> %s" % (err, text, "ok" if ok else "WRONG"))
    failures += not ok
    for create in (True, False):
        for name, attrs, want in cases:
            data = b"".join(attr(t, v) for t, v in attrs)
            if create and not any(t == a["IFLA_EGRE_REMOTE"] for t, _ in attrs):
                data += attr(a["IFLA_EGRE_REMOTE"], ip("192.0.2.77"))
            target = "x" + ifname if create else ifname
            err, text = request(newlink(target, data, create=create))
            verb = "add" if create else "set"
            ok = err != 0 and want in text
            print("# %s %s: errno %d, extack %r -> %s"
                  % (verb, name, err, text, "ok" if ok else "WRONG"))
            failures += not ok
            if create and err == 0:  # wrongly accepted: judge the next case alone
                request(dellink(target))
    return failures


def main():
    if sys.argv[1] == "check-refusals":
        sys.exit(1 if check_refusals(sys.argv[2]) else 0)
    if sys.argv[1] == "attrs":
        for k, v in sorted(egre_attrs().items(), key=lambda kv: kv[1]):
            print(v, k)
        return
    sys.exit("usage: egre_nl.py check-refusals IFNAME | attrs")


if __name__ == "__main__":
    main()
