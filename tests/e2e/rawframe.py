#!/usr/bin/env python3
# rawframe.py SOCK CASE - send one hostile frame to rootgated and print
# its reply: "error: TEXT" for PT_ERROR, "type N: TEXT" otherwise, or
# "closed" when the daemon closed without a reply.
import os
import socket
import struct
import sys

MAGIC, VERSION = 0x31424752, 1
PT_REQUEST, PT_SIGNAL, PT_ERROR = 1, 2, 6


def hdr(t, n1, n2, length, version=VERSION, magic=MAGIC):
    return struct.pack("<IHHIII", magic, version, t, n1, n2, length)


def request(argv, cwd="/", env=()):
    body = b"".join(s.encode() + b"\0" for s in [cwd] + list(argv) + list(env))
    return hdr(PT_REQUEST, len(argv), len(env), len(body)) + body, body


def main():
    path, case = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
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
