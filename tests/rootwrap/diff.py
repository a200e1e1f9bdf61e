#!/usr/bin/python3
# diff.py - differential test of rootgate-rootwrap's decisions against the
# real oslo.rootwrap (its Python API: wrapper.load_filters, match_filter,
# filter.get_command, filter.get_environment).
#
#   diff.py --rootgate BUILD/rootgate --work DIR [--debian-dir DIR ...]
#
# For a hand-written filter set covering every filter class and its edge
# cases, and for every filter directory given with --debian-dir (the real
# files of Debian packages, fetched by tests/e2e/t_rootwrap.sh), it
# generates command lines, asks both, and fails on any difference in
# decision, filter chosen, final command or environment, except the
# deliberate deviations of doc/rootwrap-compat.md, each of which must be
# a refusal by rootgate where oslo.rootwrap allowed (never the reverse).
# Prints one summary line per set and a total.
import argparse
import json
import os
import random
import re
import shutil
import signal
import warnings
warnings.simplefilter("ignore", DeprecationWarning)
import sre_constants as C  # noqa: E402
import sre_parse  # noqa: E402
import subprocess
import sys

from oslo_rootwrap import filters as F
from oslo_rootwrap import wrapper

# what valgrind puts into the environment of the program it runs
VALGRIND_ENV = {"LD_PRELOAD", "LD_LIBRARY_PATH", "GLIBCPP_FORCE_NEW",
                "GLIBCXX_FORCE_NEW"}

HAND = """[Filters]
rf: ReadFileFilter, /etc/hostname
cat: CommandFilter, cat, root
tool: CommandFilter, tool, root
only2: CommandFilter, only2, root
noexec: CommandFilter, noexec, root
missing1: CommandFilter, missing_x, root
missing2: RegExpFilter, missing_x, root, missing_x
absls: CommandFilter, /usr/bin/ls, root
re1: RegExpFilter, ls, root, ls, -l|-a
re2: RegExpFilter, ls, root, ls, (-d|-1), /tmp/[a-z]+
re3: RegExpFilter, dd, root, dd, if=/dev/zero, of=/tmp/x[0-9]+, bs=\\d+
rebad: RegExpFilter, stat, root, stat, (unbalanced
pf: PathFilter, /usr/bin/chmod, root, 0755, @ROOT@/t/base
pfpass: PathFilter, chown, root, pass, @ROOT@/t/base
pflit: PathFilter, touch, root, -c, @ROOT@/t/base/
kill1: KillFilter, root, /usr/bin/sleep, -9, -TERM
kill2: KillFilter, root, sleep
killbin: KillFilter, root, /bin/sleep, -HUP
ip: IpFilter, ip, root
netns: IpNetnsExecFilter, ip, root
envf: EnvFilter, env, root, A=, B=, true
envf2: EnvFilter, /usr/bin/env, root, LC_ALL=C, printenv
chre: ChainingRegExpFilter, nice, root, nice, -n, -?\\d+
chf: ChainingFilter, ionice, root
nobodycat: CommandFilter, head, nobody
chnobody: ChainingRegExpFilter, timeout, nobody, timeout, \\d+
"""

TREE_EXECS = {"b1/tool": 0o755, "b2/tool": 0o755, "b2/only2": 0o755,
              "b1/noexec": 0o644, "b2/noexec": 0o755, "b1/ip": 0o755}


def hand_cmds(root, pid):
    P = str(pid)
    c = [
        "cat /etc/hostname", "cat /etc/passwd", "/usr/bin/cat x", "cat",
        "tool a", "only2", "noexec", "missing_x", "missing_x y",
        "ls", "/usr/bin/ls -l", "/usr/bin/ls", "ls -l", "ls -a", "ls -x",
        "ls -lX", "ls -d /tmp/abc", "ls -1 /tmp/abc", "ls -d /tmp/ABC",
        "ls -d /tmp/abc x", "dd if=/dev/zero of=/tmp/x12 bs=4",
        "dd if=/dev/zero of=/tmp/x12 bs=4x", "dd if=/dev/zero of=/tmp/x",
        "stat x", "stat (unbalanced",
        "chmod 0755 @/t/base/f", "chmod 0755 @/t/base/./g/../f",
        "chmod 0755 @/t/abs/f", "chmod 0755 @/t/base/up/x",
        "chmod 0755 @/t/base2/x", "chmod 0755 @/t/base/../d",
        "chmod 0700 @/t/base/f", "chmod 0755", "chmod 0755 @/t/base/f x",
        "/usr/bin/chmod 0755 @/t/base/f", "chmod 0755 @/t/base",
        "chown u:g @/t/base/f", "chown u:g @/t/base",
        "touch -c @/t/base/f", "touch -c @/t/base", "touch -c @/t/based",
        "kill -9 " + P, "kill -TERM " + P, "kill -KILL " + P, "kill " + P,
        "kill -9 1", "kill -9 " + P + " x", "/bin/kill -9 " + P,
        "kill -HUP " + P, "kill -9", "kill",
        "ip link", "ip -s netns list", "ip netns exec ns1 ls -l",
        "ip net e ns1 cat /x", "ip netns exec ns1 ls -x",
        "ip netns exec ns1", "ip netns exec ns1 ip netns exec ns2 cat",
        "ip netns exec ns1 head x", "ip netns exec ns1 missing_x",
        "ip n exec ns1 cat", "ip netns EXEC ns1 cat",
        "env A=1 B=2 true x", "env B=2 A=1 true", "A=1 B=2 true",
        "env A=1 true", "env A=1 B=2 C=3 true", "env A=1 B=2 false",
        "env A= B=2 true", "env A=1 B=2 A=3 true",
        "env LC_ALL=C printenv", "env LC_ALL=fr printenv LC_ALL",
        "/usr/bin/env LC_ALL=C printenv", "env cat x",
        "nice -n 5 cat x", "nice -n -5 tool", "nice -n 5", "nice -n 5 ls -l",
        "nice -n 5 nice -n 1 cat", "nice -n 5 /usr/bin/cat x",
        "nice -n 5 ../cat x", "nice -n 5 head x", "nice -n x cat",
        "ionice cat", "ionice -c3 cat",
        "head x", "timeout 5 head x", "timeout 5 cat x",
        "privsep-helper --privsep_context a.b --privsep_sock_path /tmp/s",
        "rm -rf /", "", "true",
    ]
    return [s.replace("@/", root + "/").split(" ") if s else [] for s in c]


# --- a string matching a regex (for generated command lines) ------------

def gen(pattern, rnd):
    try:
        tree = sre_parse.parse(pattern)
    except Exception:
        return None
    try:
        return _gen(tree, rnd)
    except Exception:
        return None


def _gen(tree, rnd):
    out = []
    for op, av in tree:
        if op == C.LITERAL:
            out.append(chr(av))
        elif op == C.ANY:
            out.append("a")
        elif op == C.IN:
            out.append(_in(av))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            n = max(lo, 1) if hi != 0 else 0
            n = min(n, hi if hi != C.MAXREPEAT else n)
            out.append("".join(_gen(sub, rnd) for _ in range(n)))
        elif op == C.SUBPATTERN:
            out.append(_gen(av[-1], rnd))
        elif op == C.BRANCH:
            out.append(_gen(av[1][0], rnd))
        elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            pass
        elif op == C.NOT_LITERAL:
            out.append("a" if av != ord("a") else "b")
        elif op == C.GROUPREF:
            raise ValueError
        else:
            raise ValueError(op)
    return "".join(out)


def _in(items):
    neg = any(op == C.NEGATE for op, _ in items)
    if neg:
        bad = set()
        for op, av in items:
            if op == C.LITERAL:
                bad.add(chr(av))
            elif op == C.RANGE:
                bad.update(chr(c) for c in range(av[0], min(av[1], 0x7f) + 1))
            elif op == C.CATEGORY:
                return "%"
        for c in "ab0_%.":
            if c not in bad:
                return c
        return "\u00e9"
    op, av = items[0]
    if op == C.LITERAL:
        return chr(av)
    if op == C.RANGE:
        return chr(av[0])
    if op == C.CATEGORY:
        return {C.CATEGORY_DIGIT: "1", C.CATEGORY_WORD: "a",
                C.CATEGORY_SPACE: " "}.get(av, "%")
    raise ValueError


def filter_cmds(flt, leaves, pid, rnd):
    """Command lines probing one filter (matching and near misses)."""
    b = lambda p: os.path.basename(p)
    inner = leaves[:3] if leaves else [["cat", "x"]]
    out = []
    if isinstance(flt, F.KillFilter):
        for s in list(flt.args[1:]) + ["-9"]:
            out.append(["kill", s, str(pid)])
        out += [["kill", str(pid)], ["kill", "+" + str(pid)]]
    elif isinstance(flt, F.ReadFileFilter):
        out += [["cat", flt.file_path], ["cat", flt.file_path + "x"]]
    elif isinstance(flt, F.IpNetnsExecFilter):
        out += [["ip", "netns", "exec", "ns"] + i for i in inner]
        out += [["ip", "netns", "exec", "ns", "/tmp/" + inner[0][0]]]
    elif isinstance(flt, F.IpFilter):
        out += [["ip", "link"], ["ip", "netns", "exec", "ns", "ls"],
                ["ip", "-s", "netns", "list"]]
    elif isinstance(flt, F.EnvFilter):
        names = [a for a in list(flt.args) if "=" in a]
        rest = list(flt.args[len(names):])
        vals = [a.split("=")[0] + "=1" for a in names]
        exe = b(rest[0]) if rest else "env"
        out += [["env"] + vals + [exe] + rest[1:], vals + [exe] + rest[1:],
                ["env"] + vals[::-1] + [exe] + rest[1:] + ["x"],
                ["env"] + vals[:-1] + [exe]]
    elif isinstance(flt, F.ChainingRegExpFilter):
        pre = [gen(p, rnd) for p in list(flt.args)]
        if None not in pre:
            out += [pre + i for i in inner]
            out += [pre + ["/tmp/" + inner[0][0]] + inner[0][1:]]
            if pre:
                out += [pre[:-1] + [pre[-1] + "\n"] + inner[0]]
    elif isinstance(flt, F.RegExpFilter):
        args = [gen(p, rnd) for p in list(flt.args)]
        if args and None not in args:
            out += [args, args + ["x"], args[:-1],
                    args[:-1] + [args[-1] + "\n"],
                    args[:-1] + [args[-1] + "X"]]
    elif isinstance(flt, F.PathFilter):
        base = [b(flt.exec_path)]
        good, sib = list(base), list(base)
        for a in flt.args:
            if a == "pass":
                good.append("x")
                sib.append("x")
            elif os.path.isabs(a):
                good.append(a.rstrip("/") + "/file")
                sib.append(a.rstrip("/") + "_evil/file")
            else:
                good.append(a)
                sib.append(a)
        out += [good, sib, good + ["x"], good[:-1]]
    elif isinstance(flt, F.CommandFilter):  # and ChainingFilter
        out += [[b(flt.exec_path)], [b(flt.exec_path), "-x", "/etc/shadow"],
                [flt.exec_path, "x"]]
    return out


# --- the two deciders --------------------------------------------------

def oslo_decide(fl, argv, exec_dirs):
    args = list(argv)
    try:
        f = wrapper.match_filter(fl, args, exec_dirs=exec_dirs)
    except wrapper.FilterMatchNotExecutable as e:
        return {"kind": "noexec", "name": e.match.name}
    except wrapper.NoFilterMatched:
        return {"kind": "deny", "off": len(argv) - len(args)}
    except Exception as e:  # oslo crashes: a traceback, exit 1
        return {"kind": "crash", "error": repr(e)}
    try:
        cmd = f.get_command(args, exec_dirs)
        env = f.get_environment(args)
    except Exception as e:
        return {"kind": "crash", "error": repr(e)}
    return {"kind": "allow", "name": f.name, "cmd": cmd,
            "env": dict(os.environ) if env is None else env,
            "run_as": f.run_as}


def rg_decide(rootgate, conf, argv):
    p = subprocess.run([rootgate, "--rootwrap-config", conf, "explain",
                        "--json", "--"] + argv, capture_output=True)
    if p.returncode == 98 and not argv:
        return {"kind": "deny", "off": 0}
    try:
        j = json.loads(p.stdout)
    except ValueError:
        return {"kind": "error", "error": p.stderr.decode(errors="replace"),
                "status": p.returncode}
    if j["allowed"]:
        env = {}
        for kv in j["env"]:
            k, _, v = kv.partition("=")
            env[k] = v
        return {"kind": "allow", "name": j["rule"]["name"],
                "cmd": j["argv"], "env": env, "run_as": j["user"]}
    if j["status"] == 96:
        return {"kind": "noexec", "name": j["inactive"]["name"]}
    return {"kind": "deny", "unusable": j.get("unusable", False),
            "off": j.get("argv_off", 0)}


def chain_word_replaced(o, r):
    """Deviation 9: the chained command word is the leaf's executable."""
    if len(o) != len(r):
        return False
    d = [i for i in range(len(o)) if o[i] != r[i]]
    return (len(d) == 1 and d[0] > 0 and "/" not in o[d[0]] and
            os.path.basename(r[d[0]]) == o[d[0]])


def compare(o, r, argv):
    """None when equal, "dev:REASON" for a deliberate deviation, else
    the difference."""
    if o["kind"] == "crash":
        return None if r["kind"] == "deny" else "oslo crashed, rootgate " + r["kind"]
    if r["kind"] == "error":
        return "rootgate failed: %s" % r
    if r["kind"] == "allow" and o["kind"] != "allow":
        return "rootgate ALLOWS what oslo refuses (%s)" % o["kind"]
    if o["kind"] in ("allow", "noexec") and r["kind"] == "deny":
        if r.get("unusable"):
            return "dev:unusable"
        if o.get("name") == "privsep-helper":
            return "dev:privsep"
        return "rootgate refuses (%s by %s)" % (o["kind"], o.get("name"))
    if o["kind"] != r["kind"]:
        return "kind %s vs %s" % (o["kind"], r["kind"])
    if o["kind"] == "deny":
        return None if o["off"] == r["off"] else "argv_off %d vs %d" % (o["off"], r["off"])
    if o["name"] != r["name"]:
        return "filter %s vs %s" % (o["name"], r["name"])
    if o["kind"] == "noexec":
        return None
    if o["run_as"] != r["run_as"]:
        return "run_as %s vs %s" % (o["run_as"], r["run_as"])
    if o["env"] != r["env"]:
        ks = set(o["env"]) ^ set(r["env"])
        ks |= {k for k in o["env"] if o["env"].get(k) != r["env"].get(k)}
        # under check-valgrind, explain's own environment (which a
        # rootwrap rule passes on) has valgrind's additions
        if os.environ.get("ROOTGATE_VALGRIND") == "1":
            ks -= VALGRIND_ENV
        if ks:
            return "environment differs: %s" % sorted(ks)
    if o["cmd"] != r["cmd"]:
        if chain_word_replaced(o["cmd"], r["cmd"]):
            return "dev:chain-exec"
        return "command %s vs %s" % (o["cmd"], r["cmd"])
    return None


def run_set(label, fdir, exec_dirs, cmds, rootgate, work):
    conf = os.path.join(work, label + ".conf")
    with open(conf, "w") as f:
        f.write("[DEFAULT]\nfilters_path=%s\nexec_dirs=%s\n" %
                (fdir, ",".join(exec_dirs)))
    fl = wrapper.load_filters([fdir])
    seen, n, ndev, fails, devs = set(), 0, 0, [], {}
    for argv in cmds:
        key = tuple(argv)
        if key in seen:
            continue
        seen.add(key)
        o = oslo_decide(fl, argv, exec_dirs)
        r = rg_decide(rootgate, conf, argv)
        d = compare(o, r, argv)
        n += 1
        if d is None:
            continue
        if d.startswith("dev:"):
            ndev += 1
            devs[d[4:]] = devs.get(d[4:], 0) + 1
            continue
        fails.append((argv, d, o, r))
    for argv, d, o, r in fails[:30]:
        print("DIFF %s %r: %s" % (label, argv, d))
    print("%s: %d filters, %d command lines, %d equal, %d deliberate "
          "deviations %s, %d differences" % (label, len(fl), n,
                                           n - ndev - len(fails), ndev,
                                           json.dumps(devs, sort_keys=True),
                                           len(fails)))
    return n, ndev, len(fails)


def hand_tree(work):
    root = os.path.realpath(os.path.join(work, "hand"))
    os.makedirs(root + "/f")
    for d in ("t/base", "t/base2", "t/d", "b1", "b2"):
        os.makedirs(os.path.join(root, d))
    os.symlink("../base2", root + "/t/base/up")
    os.symlink(root + "/t/base", root + "/t/abs")
    open(root + "/t/base/f", "w").close()
    for p, m in TREE_EXECS.items():
        with open(os.path.join(root, p), "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(os.path.join(root, p), m)
    with open(root + "/f/hand.filters", "w") as f:
        f.write(HAND.replace("@ROOT@", root))
    return root


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rootgate", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--debian-dir", action="append", default=[])
    a = ap.parse_args()
    rnd = random.Random(4)
    sleeper = subprocess.Popen(["/bin/sleep", "600"])
    total = [0, 0, 0]
    try:
        root = hand_tree(a.work)
        dirs = [root + "/b1", root + "/b2", "/usr/bin", "/bin"]
        cmds = hand_cmds(root, sleeper.pid)
        fl = wrapper.load_filters([root + "/f"])
        leaves = [["cat", "x"], ["ls", "-l"]]
        for flt in fl:
            cmds += filter_cmds(flt, leaves, sleeper.pid, rnd)
        res = run_set("hand", root + "/f", dirs, cmds, a.rootgate, a.work)
        total = [x + y for x, y in zip(total, res)]
        deb_dirs = ["/sbin", "/usr/sbin", "/bin", "/usr/bin",
                    "/usr/local/bin", "/usr/local/sbin", "/usr/lpp/mmfs/bin"]
        for d in a.debian_dir:
            fl = wrapper.load_filters([d])
            leaves = []
            for flt in fl:
                if type(flt) is F.CommandFilter and flt.run_as == "root":
                    leaves.append([os.path.basename(flt.exec_path), "x"])
            cmds = []
            for flt in fl:
                cmds += filter_cmds(flt, leaves, sleeper.pid, rnd)
            label = os.path.basename(d.rstrip("/"))
            if label == "rootwrap.d":
                label = os.path.basename(os.path.dirname(d.rstrip("/")))
            res = run_set(label, d, deb_dirs,
                          cmds, a.rootgate, a.work)
            total = [x + y for x, y in zip(total, res)]
    finally:
        sleeper.kill()
        sleeper.wait()
    print("total: %d command lines compared, %d deliberate deviations, "
          "%d differences" % tuple(total))
    return 1 if total[2] else 0


if __name__ == "__main__":
    sys.exit(main())
