#!/usr/bin/python3 -I
# vgwrap.py - stand-in for rootgate, rootgated and rootgate-rootwrap in
# `make check-valgrind` (mk/quality.mk, doc/quality.md). The make rule
# copies it to VGBUILD/wrap/PROG with @BIN@ (the directory of the real,
# memcheck-friendly programs), @LOGS@ (a directory every test user may
# write) and @SUPP@ (suppression files) filled in, and runs the suites
# with BUILD=VGBUILD/wrap: every invocation of a program by a test comes
# here, and leaves by exec (same pid, descriptors, environment).
#
# valgrind 3.19 knows neither clone3(2) nor seccomp(2): a run that must
# create a sandbox fails under it (125, "unable to clone3 child" or
# "unable to set bad-arch action"). So an invocation runs:
# - under memcheck when it cannot reach the sandbox: check, explain,
#   list, audit, import-rootwrap, keys, --help, usage errors, a missing
#   command, and the broker's client (a caller who is not root);
# - as root, after a memchecked pre-flight `rootgate [OPTS] explain --
#   CMD...` (the same loader and matcher, configuration, argv and
#   environment): any status but 0 (denied, configuration error, ...)
#   -> the run itself under memcheck; 0 (allowed) -> the run natively,
#   listed in LOGS/native.list with the reason. Should the pre-flight
#   say "denied" where the run allows, the memchecked run fails with 125
#   and so does the test: a wrong guess cannot hide anything;
# - rootgated natively (it sandboxes every allowed command), and
#   listed, unless VG_DAEMON=1 (tests/valgrind/t_vg_broker.sh).
# Every memchecked process writes LOGS/NAME.PID.log; the make rule reads
# them all at the end.
import os
import signal
import subprocess
import sys

BIN = "@BIN@"
LOGS = "@LOGS@"
SUPP = "@SUPP@".split()

VGOPTS = ["--tool=memcheck", "--leak-check=full",
          "--show-leak-kinds=definite,indirect,possible",
          "--errors-for-leak-kinds=definite,indirect,possible",
          "--error-exitcode=86", "--num-callers=40"] + \
    ["--suppressions=" + s for s in SUPP]
RUN_OPTS = ("--config", "-c", "--rootwrap-config", "--socket")
SUBCOMMANDS = ("check", "explain", "list", "audit", "import-rootwrap", "keys")


def execv(argv, path=None):
    # Python ignores SIGPIPE and SIGXFSZ; what we exec must not inherit that
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    os.execv(path or argv[0], argv)


def vg(prog, args, log=None):
    execv(["/usr/bin/valgrind"] + VGOPTS +
          ["--log-file=%s/%s.%%p.log" % (LOGS, log or prog),
           os.path.join(BIN, prog)] + args)


def native(why, prog, args):
    with open(os.path.join(LOGS, "native.list"), "a") as f:
        f.write("%s: %s %s\n" % (why, prog, " ".join(args)))
    # argv[0] as the test wrote it (rootgate-rootwrap prints it, as
    # oslo-rootwrap does); under memcheck it is the real program's path
    execv([sys.argv[0]] + args, os.path.join(BIN, prog))


def preflight(args):
    """`rootgate ARGS` (an explain) under memcheck: True if allowed."""
    return subprocess.call(
        ["/usr/bin/valgrind"] + VGOPTS +
        ["--log-file=%s/preflight.%%p.log" % LOGS,
         os.path.join(BIN, "rootgate")] + args,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL) == 0


def rootgate(args):
    # the options as getopt_long("+c:hV") reads them, then the command
    i, dashdash = 0, False
    while i < len(args):
        a = args[i]
        if a in RUN_OPTS and i + 1 < len(args):
            i += 2
        elif a.startswith(("--config=", "--rootwrap-config=", "--socket=")) \
                or (a.startswith("-c") and len(a) > 2):
            i += 1
        elif a == "--":
            dashdash = True
            break
        else:
            break
    opts = args[:i]
    cmd = args[i + 1:] if dashdash else args[i:]
    if not cmd or (not dashdash and cmd[0].startswith("-")):
        vg("rootgate", args)		# usage, help, no command
    if not dashdash and cmd[0] in SUBCOMMANDS:
        vg("rootgate", args)
    if os.geteuid() != 0:
        vg("rootgate", args)		# the broker's client
    if preflight(opts + ["explain", "--"] + cmd):
        native("sandbox (allowed run)", "rootgate", args)
    vg("rootgate", args)


def main():
    prog = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    if prog == "rootgated":
        if os.environ.get("VG_DAEMON") == "1":
            vg(prog, args)
        native("sandbox (broker)", prog, args)
    elif prog == "rootgate-rootwrap":
        if len(args) >= 2 and preflight(["--rootwrap-config", args[0],
                                         "explain", "--"] + args[1:]):
            native("sandbox (allowed run)", prog, args)
        vg(prog, args)
    elif prog == "rootgate":
        rootgate(args)
    sys.stderr.write("vgwrap: unknown program %s\n" % prog)
    sys.exit(125)


main()
