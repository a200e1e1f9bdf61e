#!/usr/bin/env python3
# rawframe.py SOCK CASE - send one hostile frame to rootgated and print
# its reply: "error: TEXT" for PT_ERROR, "type N: TEXT" otherwise, or
# "closed" when the daemon closed without a reply. The cases "short" and
# "long" send a valid request (true; sleep 2) and print the reply frames'
# types in order, each with the seconds since the request was sent;
# "noread" sends one for true with its own side shut for reading and
# prints "closed" once the daemon has closed the connection (or "timeout"
# after 30 s).
import os
import select
import socket
import struct
import sys
import time

MAGIC, VERSION = 0x31424752, 1
PT_REQUEST, PT_SIGNAL, PT_ERROR = 1, 2, 6


def hdr(t, n1, n2, length, version=VERSION, magic=MAGIC):
    return struct.pack("<IHHIII", magic, version, t, n1, n2, length)


def request(argv, cwd="/", env=()):
    body = b"".join(s.encode() + b"\0" for s in [cwd] + list(argv) + list(env))
    return hdr(PT_REQUEST, len(argv), len(env), len(body)) + body, body


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def send_valid(s, argv):
    """A valid request for argv, with our 0, 1 and 2."""
    frame, _ = request(argv)
    s.sendmsg([frame], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                         struct.pack("3i", 0, 1, 2))])


def frames(s, argv):
    """A valid request; its reply frames as 'TYPE@SECONDS ...'."""
    t0 = time.monotonic()
    send_valid(s, argv)
    out = []
    while True:
        h = recv_exact(s, 20)
        if h is None:
            out.append("closed")
            break
        _, _, t, _, _, length = struct.unpack("<IHHIII", h)
        if length and recv_exact(s, length) is None:
            out.append("closed")
            break
        out.append("%d@%.3f" % (t, time.monotonic() - t0))
        if t != 3:
            break
    print(" ".join(out))


def main():
    path, case = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10 if case in ("short", "long") else 5)
    s.connect(path)
    if case in ("short", "long"):
        frames(s, ["/usr/bin/true"] if case == "short" else
               ["/usr/bin/sleep", "2"])
        return
    if case == "noread":
        # a valid request from a client that cannot take a reply: its
        # side is shut for reading first, so the daemon's send fails
        s.shutdown(socket.SHUT_RD)
        send_valid(s, ["/usr/bin/true"])
        # the daemon closes its end once its reply failed (POLLHUP)
        p = select.poll()
        p.register(s, select.POLLHUP)
        print("closed" if p.poll(30000) else "timeout")
        return
    fds = [0, 1, 2]
    frame, body = request(["/usr/bin/true"])
    if case == "truncated":
        frame = frame[:-4]
    elif case == "oversized":
        frame = hdr(PT_REQUEST, 1, 0, 1 << 20) + body
    elif case == "version":
        frame = hdr(PT_REQUEST, 1, 0, len(body), version=2) + body
    elif case == "garbage":
        frame = os.urandom(64)
        if frame[:4] == struct.pack("<I", MAGIC):
            frame = b"x" + frame[1:]
    elif case == "nofds":
        fds = []
    elif case == "toomanyfds":
        fds = [0, 1, 2, 0, 1]
    elif case == "badcounts":
        frame = hdr(PT_REQUEST, 5, 0, len(body)) + body
    elif case == "unterminated":
        frame = hdr(PT_REQUEST, 1, 0, len(body)) + body[:-1] + b"x"
    elif case == "signalfirst":
        frame, fds = hdr(PT_SIGNAL, 9, 0, 0), []
    else:
        sys.exit("unknown case " + case)
    anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("%di" % len(fds), *fds))] if fds else []
    s.sendmsg([frame], anc)
    data = b""
    try:
        while len(data) < 20:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        print("timeout")
        return
    if len(data) < 20:
        print("closed")
        return
    _, _, t, n1, _, length = struct.unpack("<IHHIII", data[:20])
    while len(data) < 20 + length:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    text = data[20:20 + length].rstrip(b"\0").decode(errors="replace")
    print(("error: " if t == PT_ERROR else "type %d: " % t) + text)


main()
