#!/usr/bin/env python3
# holdstatus.py DPID - for the one sandboxed command that rootgated (pid
# DPID) runs: take copies of both ends of its status pipe (pidfd_getfd(2):
# the read end from the daemon, the write end from the command's init),
# so that the init's exit ends nothing on the pipe (the daemon learns of
# it from the init's pidfd) and the daemon's own read end is not the
# last copy of the file, as when a child of the daemon has just been
# cloned. Once the init has been reaped, print each descriptor that the
# daemon's epoll still lists but that is not open in the daemon as that
# same file ("stale TFD"), or "clean"; then close the write end, wait,
# and close the read end. Errors: "error: ..." and status 1.
import ctypes
import os
import re
import sys
import time

SYS_pidfd_getfd = 438
libc = ctypes.CDLL(None, use_errno=True)


def getfd(pid, fd):
    pfd = os.pidfd_open(pid)
    try:
        r = libc.syscall(SYS_pidfd_getfd, pfd, fd, 0)
        if r < 0:
            e = ctypes.get_errno()
            raise OSError(e, "pidfd_getfd(%d, %d): %s" % (pid, fd, os.strerror(e)))
        return r
    finally:
        os.close(pfd)


def link(pid, fd):
    try:
        return os.readlink("/proc/%d/fd/%d" % (pid, fd))
    except OSError:
        return None


def fds(pid):
    try:
        return [int(f) for f in os.listdir("/proc/%d/fd" % pid)]
    except OSError:
        return []


def registered(pid):
    """(tfd, inode) of every descriptor in each epoll of pid."""
    out = []
    for fd in fds(pid):
        if link(pid, fd) != "anon_inode:[eventpoll]":
            continue
        with open("/proc/%d/fdinfo/%d" % (pid, fd)) as f:
            for line in f:
                m = re.match(r"tfd:\s*(\d+)\s.*\sino:([0-9a-f]+)", line)
                if m:
                    out.append((int(m.group(1)), int(m.group(2), 16)))
    return out


def children(pid):
    kids = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as f:
                st = f.read()
        except OSError:
            continue
        if int(st[st.rindex(")") + 2:].split()[1]) == pid:
            kids.append(int(p))
    return kids


def main():
    dpid = int(sys.argv[1])
    deadline = time.monotonic() + 5
    rfd = pipe = None
    while pipe is None and time.monotonic() < deadline:
        for tfd, _ in registered(dpid):
            lk = link(dpid, tfd)
            if lk is not None and lk.startswith("pipe:"):
                rfd, pipe = tfd, lk
        if pipe is None:
            time.sleep(0.01)
    if pipe is None:
        sys.exit("error: no status pipe in the daemon's epoll")
    init = wfd = None
    for kid in children(dpid):
        for fd in fds(kid):
            if link(kid, fd) == pipe:
                init, wfd = kid, fd
    if init is None:
        sys.exit("error: no child of the daemon holds " + pipe)
    r = getfd(dpid, rfd)
    w = getfd(init, wfd)
    # the init exits when the command does; the daemon then reaps it
    while os.path.exists("/proc/%d" % init) and time.monotonic() < deadline + 5:
        time.sleep(0.01)
    time.sleep(0.3)
    stale = []
    for tfd, ino in registered(dpid):
        try:
            ok = os.stat("/proc/%d/fd/%d" % (dpid, tfd)).st_ino == ino
        except OSError:
            ok = False
        if not ok:
            stale.append("stale %d" % tfd)
    print(" ".join(stale) if stale else "clean", flush=True)
    # end the pipe (a registration left behind would report it, tagged
    # with a connection that may be freed by now), then drop the file
    os.close(w)
    time.sleep(0.3)
    os.close(r)


main()
