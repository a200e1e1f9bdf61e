#!/usr/bin/env python3
# abuse.py SOCK CASE [ARG...] - hostile clients of rootgated for
# tests/attacks/t_broker.sh (tests/e2e/rawframe.py's frames, and worse).
# Prints one line: "error: TEXT" for a PT_ERROR reply, "type N: TEXT" for
# another reply, "closed" when the daemon closed without a reply, or what
# the case reports; with the seconds it took when the case says so.
import os
import socket
import struct
import sys
import time

MAGIC, VERSION = 0x31424752, 1
PT_REQUEST, PT_SIGNAL, PT_ACCEPT, PT_DENY, PT_EXIT, PT_ERROR = 1, 2, 3, 4, 5, 6


def hdr(t, n1, n2, length, version=VERSION, magic=MAGIC):
    return struct.pack("<IHHIII", magic, version, t, n1, n2, length)


def request(argv, cwd="/", env=(), version=VERSION):
    body = b"".join((s if isinstance(s, bytes) else s.encode()) + b"\0"
                    for s in [cwd] + list(argv) + list(env))
    return hdr(PT_REQUEST, len(argv), len(env), len(body), version) + body


def connect(path, timeout=10):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s


def send(s, data, fds=(0, 1, 2), extra=()):
    anc = list(extra)
    if fds:
        anc.append((socket.SOL_SOCKET, socket.SCM_RIGHTS,
                    struct.pack("%di" % len(fds), *fds)))
    s.sendmsg([data], anc)


def reply(s):
    """One reply frame as (type, n1, text), or None if closed."""
    data = b""
    try:
        while len(data) < 20:
            chunk = s.recv(20 - len(data))
            if not chunk:
                return None
            data += chunk
        _, _, t, n1, _, length = struct.unpack("<IHHIII", data)
        body = b""
        while len(body) < length:
            chunk = s.recv(length - len(body))
            if not chunk:
                break
            body += chunk
    except (socket.timeout, ConnectionResetError):
        return None
    return t, n1, body.rstrip(b"\0").decode(errors="replace")


def show(r):
    if r is None:
        return "closed"
    t, n1, text = r
    return ("error: " if t == PT_ERROR else "type %d %d: " % (t, n1)) + text


def main():
    path, case, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if case == "oversized4g":
        s = connect(path)
        send(s, hdr(PT_REQUEST, 1, 0, 0xffffffff) + b"/\0/usr/bin/true\0")
        print(show(reply(s)))
    elif case == "truncated":
        # a header that promises more than ever comes, then EOF
        s = connect(path)
        f = request(["/usr/bin/true"])
        send(s, f[:len(f) - 5])
        s.shutdown(socket.SHUT_WR)
        print(show(reply(s)))
    elif case == "garbage":
        s = connect(path)
        g = os.urandom(4096)
        if g[:4] == struct.pack("<I", MAGIC):
            g = b"x" + g[1:]
        try:
            send(s, g)
        except BrokenPipeError:
            pass
        print(show(reply(s)))
    elif case == "version":
        s = connect(path)
        send(s, request(["/usr/bin/true"], version=int(args[0])))
        print(show(reply(s)))
    elif case == "counts":
        # argc n1, envc n2 in the header, a payload of one string
        s = connect(path)
        body = b"/\0/usr/bin/true\0"
        send(s, hdr(PT_REQUEST, int(args[0]), int(args[1]), len(body)) + body)
        print(show(reply(s)))
    elif case == "fdflood":
        # CONNS connections, each a valid request with NFDS descriptors
        conns, nfds = int(args[0]), int(args[1])
        null = os.open("/dev/null", os.O_RDONLY)
        out = []
        for _ in range(conns):
            s = connect(path)
            try:
                send(s, request(["/usr/bin/true"]), fds=[null] * nfds)
            except OSError as e:
                out.append("sendmsg: %s" % e)
                continue
            out.append(show(reply(s)))
            s.close()
        print("\n".join(sorted(set(out))))
    elif case == "idleafter":
        # one request answered, then silence: closed at idle-timeout
        s = connect(path)
        send(s, request(["/usr/bin/true"]))
        r = reply(s)
        while r is not None and r[0] == PT_ACCEPT:
            r = reply(s)
        if r is None or r[0] != PT_EXIT:
            print("no exit reply: " + show(r))
            return
        t0 = time.monotonic()
        s.settimeout(10)
        try:
            data = s.recv(1)
        except socket.timeout:
            print("still open after 10 s")
            return
        took = time.monotonic() - t0
        if data:
            print("unexpected data: %r" % data)
        elif 0.5 <= took <= 4:
            print("closed after reply")
        else:
            print("closed after %.1f s" % took)
    elif case in ("slow", "idle"):
        # a frame one byte at a time, every half second, never finished;
        # or nothing at all
        s = connect(path, timeout=30)
        f = request(["/usr/bin/true"])
        t0 = time.monotonic()
        s.setblocking(False)
        r = None
        for i in range(60):
            if case == "slow" and i < len(f) - 1:
                try:
                    send(s, f[i:i + 1], fds=(0, 1, 2) if i == 0 else ())
                except OSError:
                    pass
            time.sleep(0.5)
            try:
                peek = s.recv(1, socket.MSG_PEEK)
            except BlockingIOError:
                continue
            s.setblocking(True)
            r = reply(s) if peek else None
            break
        print("%s after %.1f s" % (show(r), time.monotonic() - t0))
    elif case == "hold":
        # N idle connections held for SECS seconds
        n, secs = int(args[0]), float(args[1])
        socks = [connect(path) for _ in range(n)]
        print("holding %d" % len(socks), flush=True)
        time.sleep(secs)
        alive = 0
        for s in socks:
            s.setblocking(False)
            try:
                s.recv(1, socket.MSG_PEEK)	# an error reply, or EOF
            except BlockingIOError:
                alive += 1			# nothing: still held
            except OSError:
                pass
        print("alive %d" % alive)
    elif case == "spoof":
        # identity claims everywhere a request can carry them: the
        # environment, SCM_CREDENTIALS (our own: the kernel refuses
        # others), a cwd of root's; then a rule only root may use
        s = connect(path)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        creds = struct.pack("3i", os.getpid(), os.getuid(), os.getgid())
        env = ["USER=root", "LOGNAME=root", "SUDO_UID=0", "SUDO_USER=root",
               "UID=0", "HOME=/root"]
        send(s, request(args, cwd="/root", env=env),
             extra=[(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, creds)])
        print(show(reply(s)))
    elif case == "midrequest":
        s = connect(path)
        f = request(["/usr/bin/true"])
        send(s, f[:len(f) // 2])
        s.close()
        print("sent half")
    elif case in ("pipeline", "badsignal"):
        # a command running; then a second request, or a SIGKILL frame
        s = connect(path)
        send(s, request(args))
        first = reply(s)
        if first is None or first[0] != PT_ACCEPT:
            print("no accept: " + show(first))
            return
        time.sleep(0.5)
        if case == "pipeline":
            send(s, request(["/usr/bin/true"]))
        else:
            send(s, hdr(PT_SIGNAL, 9, 0, 0), fds=())
        print(show(reply(s)))
    else:
        sys.exit("unknown case " + case)


main()
