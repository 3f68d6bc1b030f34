#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""fake_server.py SCENARIO PORTFILE - a scripted PPTP server (PAC, RFC 2637)

Listens on 127.0.0.1 on a port the kernel picks (written to PORTFILE once
listening), takes one connection and plays SCENARIO.  Every message the
client sends is checked field by field; the exit status is 0 if the client
did what the scenario expects of it, 1 ("fake_server: FAIL: ...") if not.

The client is expected to run as run.sh starts it:
ctrl_client -c 4321 -w 48 -n 5551234 (or pppd, for start-only).
"""
import os
import random
import socket
import struct
import sys
import time

MAGIC = 0x1A2B3C4D
(SCCRQ, SCCRP, STOPCCRQ, STOPCCRP, ECHORQ, ECHORP, OCRQ, OCRP, ICRQ, ICRP,
 ICCN, CCRQ, CDN, WEN, SLI) = range(1, 16)
SIZE = {SCCRQ: 156, SCCRP: 156, STOPCCRQ: 16, STOPCCRP: 16, ECHORQ: 16,
        ECHORP: 20, OCRQ: 168, OCRP: 32, ICRQ: 220, ICRP: 24, ICCN: 28,
        CCRQ: 16, CDN: 148, WEN: 40, SLI: 24}

# the Call ID the client must use: ctrl_client's fixed one, or (pppd with
# the plugin in a fresh netns, where the kernel allocates 1) from the env
CLIENT_CALL_ID = int(os.environ.get('FAKE_CLIENT_CALL_ID', '4321'))
CLIENT_WINDOW = 48
CLIENT_PHONE = b'5551234'
SERVER_CALL_ID = 777
SERVER_WINDOW = 32


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)


def build(ctype, body=b'', size=None, length=None, ptype=1, magic=MAGIC):
    """A control message: header, body zero-padded to the type's size."""
    size = size or SIZE.get(ctype, 12 + len(body))
    body = body.ljust(size - 12, b'\0')
    if length is None:
        length = size
    return struct.pack('!HHIHH', length, ptype, magic, ctype, 0) + body


def sccrp(result=1, error=0, **kw):
    return build(SCCRP, struct.pack('!HBBIIHH64s64s', 0x0100, result, error,
                                    3, 3, 1, 0x0200, b'fake-pac',
                                    b'egre test suite'), **kw)


def ocrp(peer=CLIENT_CALL_ID, result=1):
    return build(OCRP, struct.pack('!HHBBHIHHI', SERVER_CALL_ID, peer, result,
                                   0, 0, 10000000, SERVER_WINDOW, 0, 0))


def cdn(result):
    return build(CDN, struct.pack('!HBBHH128s', SERVER_CALL_ID, result, 0, 0,
                                  0, b'fake statistics'))


class Conn:
    def __init__(self, sock, split):
        self.s = sock
        self.split = split
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, data):
        if not self.split:
            self.s.sendall(data)
            return
        for i in range(len(data)):      # one byte per TCP segment
            self.s.sendall(data[i:i + 1])
            time.sleep(0.001)

    def read(self, n, timeout):
        """Up to n bytes; fewer only at EOF."""
        buf = b''
        deadline = time.monotonic() + timeout
        while len(buf) < n:
            self.s.settimeout(max(deadline - time.monotonic(), 0.01))
            try:
                chunk = self.s.recv(n - len(buf))
            except socket.timeout:
                raise Fail('timed out after %d of %d bytes' % (len(buf), n))
            except ConnectionResetError:
                chunk = b''
            if not chunk:
                break
            buf += chunk
        return buf

    def recv(self, timeout=5):
        hdr = self.read(12, timeout)
        check(len(hdr) == 12, 'connection closed, expected a message')
        length, ptype, magic, ctype, res0 = struct.unpack('!HHIHH', hdr)
        check(ptype == 1 and magic == MAGIC and res0 == 0,
              'bad header %s' % hdr.hex())
        check(SIZE.get(ctype) == length,
              'control type %d with length %d' % (ctype, length))
        body = self.read(length - 12, timeout)
        check(len(body) == length - 12, 'truncated message from the client')
        return ctype, body

    def expect(self, ctype, timeout=5):
        got, body = self.recv(timeout)
        check(got == ctype, 'expected control type %d, got %d' % (ctype, got))
        return body

    def expect_eof(self, timeout=5):
        data = self.read(1, timeout)
        check(not data, 'expected the client to close, got %s' % data.hex())

    def wait_close(self, timeout):
        try:
            self.read(4096, timeout)
        except Fail:
            pass


def start(c):
    b = c.expect(SCCRQ)
    ver, res1, framing, bearer, maxch, _, host, vendor = \
        struct.unpack('!HHIIHH64s64s', b)
    check((ver, res1, framing, bearer, maxch) == (0x0100, 0, 3, 3, 0),
          'SCCRQ fields %r' % ((ver, res1, framing, bearer, maxch),))
    check(host.rstrip(b'\0') == b'egre' and vendor.rstrip(b'\0') == b'egre',
          'SCCRQ host %r vendor %r' % (host, vendor))


def call(c):
    b = c.expect(OCRQ)
    (cid, _, minbps, maxbps, bearer, framing, window, delay, phlen, res1,
     phone, sub) = struct.unpack('!HHIIIIHHHH64s64s', b)
    check((cid, minbps, maxbps, bearer, framing, window, delay, res1) ==
          (CLIENT_CALL_ID, 300, 100000000, 3, 3, CLIENT_WINDOW, 0, 0),
          'OCRQ fields %r' % ((cid, minbps, maxbps, bearer, framing, window,
                               delay, res1),))
    check(phlen == len(CLIENT_PHONE) and phone.rstrip(b'\0') == CLIENT_PHONE
          and sub == bytes(64), 'OCRQ phone %d %r' % (phlen, phone))


def established(c):
    start(c)
    c.send(sccrp())
    call(c)
    c.send(ocrp())


def echo(c, ident):
    c.send(build(ECHORQ, struct.pack('!I', ident)))
    got, result, error, res1 = struct.unpack('!IBBH', c.expect(ECHORP))
    check((got, result, error, res1) == (ident, 1, 0, 0),
          'Echo-Reply %r' % ((got, result, error, res1),))


def stop(c):
    """The client's StopCCRQ (reason 1), our reply, its close."""
    reason, res1, res2 = struct.unpack('!BBH', c.expect(STOPCCRQ))
    check((reason, res1, res2) == (1, 0, 0), 'StopCCRQ reason %d' % reason)
    c.send(build(STOPCCRP, struct.pack('!BBH', 1, 0, 0)))
    c.expect_eof()


def hangup(c):
    """The client's CCRQ for its call, our CDN, then stop()."""
    cid, res1 = struct.unpack('!HH', c.expect(CCRQ))
    check((cid, res1) == (CLIENT_CALL_ID, 0), 'CCRQ Call ID %d' % cid)
    c.send(cdn(4))
    stop(c)


def good(c):
    start(c)
    echo(c, 0x01020304)         # answered while it waits for the SCCRP
    c.send(sccrp())
    call(c)
    c.send(ocrp())
    c.send(build(SLI, struct.pack('!HHII', CLIENT_CALL_ID, 0, 0xffffffff, 0)))
    c.send(build(WEN, struct.pack('!HH6I', CLIENT_CALL_ID, 0, 1, 2, 3, 4, 5,
                                  6)))
    echo(c, 0xdeadbeef)         # answered while it serves the call
    hangup(c)


def bad_reply(msg):
    """Answer the SCCRQ with msg; the client must close without a word."""
    def scenario(c):
        start(c)
        c.send(msg)
        c.expect_eof()
    return scenario


def truncated(c):
    start(c)
    c.send(sccrp()[:50])


def ocrp_refused(msg):
    """A refused call: the client must stop the control connection."""
    def scenario(c):
        start(c)
        c.send(sccrp())
        call(c)
        c.send(msg)
        stop(c)
    return scenario


def silent(c):
    start(c)
    c.expect_eof()


def silent_call(c):
    start(c)
    c.send(sccrp())
    call(c)
    c.expect_eof()


def cleared(msg):
    """We clear the call: the client must go straight to StopCCRQ."""
    def scenario(c):
        established(c)
        time.sleep(0.3)
        c.send(msg)
        stop(c)
    return scenario


def stopccrq_mid_call(c):
    established(c)
    time.sleep(0.3)
    c.send(build(STOPCCRQ, struct.pack('!BBH', 3, 0, 0)))
    result, error, res2 = struct.unpack('!BBH', c.expect(STOPCCRP))
    check((result, error) == (1, 0), 'StopCCRP result %d' % result)
    c.expect_eof()


def incoming_call(c):
    established(c)
    c.send(build(ICRQ, struct.pack('!HHII', 99, 5, 1, 0)))
    cid, peer, result = struct.unpack('!HHB', c.expect(ICRP)[:5])
    check((peer, result) == (99, 3), 'ICRP peer %d result %d' % (peer, result))
    hangup(c)


def garbage(c):
    start(c)
    rnd = random.Random(2637)
    c.send(bytes(rnd.randrange(256) for _ in range(200)))
    c.wait_close(1)


def start_only(c):
    start(c)
    c.send(sccrp())
    stop(c)


SCENARIOS = {
    'good': good,
    'split-writes': good,
    'bad-magic': bad_reply(sccrp(magic=0x12345678)),
    'bad-type': bad_reply(sccrp(ptype=2)),
    'unknown-type': bad_reply(build(99, size=16)),
    'truncated': truncated,
    'length-too-short': bad_reply(sccrp(length=8)),
    'length-huge': bad_reply(sccrp(length=60000)),
    'wrong-size': bad_reply(sccrp(size=160)),
    'out-of-order': bad_reply(ocrp()),
    'sccrp-error': bad_reply(sccrp(result=2, error=4)),
    'ocrp-busy': ocrp_refused(ocrp(result=4)),
    'ocrp-wrong-call-id': ocrp_refused(ocrp(peer=CLIENT_CALL_ID + 1)),
    'silent': silent,
    'silent-call': silent_call,
    'cdn-mid-call': cleared(cdn(3)),
    'ccrq-mid-call': cleared(build(CCRQ, struct.pack('!H', SERVER_CALL_ID))),
    'stopccrq-mid-call': stopccrq_mid_call,
    'incoming-call': incoming_call,
    'garbage': garbage,
    'start-only': start_only,
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in SCENARIOS:
        sys.exit('usage: fake_server.py {%s} PORTFILE' % '|'.join(SCENARIOS))
    name, portfile = sys.argv[1:]
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(('127.0.0.1', 0))
    ls.listen(1)
    with open(portfile + '.tmp', 'w') as f:
        f.write('%d\n' % ls.getsockname()[1])
    os.rename(portfile + '.tmp', portfile)
    ls.settimeout(20)
    try:
        s, _ = ls.accept()
        with s:
            SCENARIOS[name](Conn(s, split=(name == 'split-writes')))
    except (Fail, OSError) as e:
        print('fake_server: FAIL: %s: %s' % (name, e), file=sys.stderr)
        sys.exit(1)
    print('fake_server: %s: ok' % name, file=sys.stderr)


if __name__ == '__main__':
    main()
