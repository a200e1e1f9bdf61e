#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""oslo_stack.py - drive a root helper the way OpenStack services do,
with the real libraries (Debian's python3-oslo.concurrency and
python3-oslo.privsep), and print what they saw as one JSON object.

  oslo_stack.py execute 'HELPER CONF'
      oslo.concurrency processutils.execute(..., run_as_root=True,
      root_helper=HELPER): an allowed command's stdout, stderr and exit
      code; a denied one's ProcessExecutionError. The *-rootwrap
      program's path in the stderr of a refusal becomes "HELPER".

  oslo_stack.py privsep 'HELPER CONF'
      a PrivContext (rgtest_privsep.ctx, capabilities CAP_NET_ADMIN and
      CAP_SYS_ADMIN) started with root_helper=HELPER, so privsep-helper
      goes through the helper's implicit privsep-helper filter; calls its
      entrypoint twice. The daemon's pid is printed on stderr first
      ("daemon-pid N") so that the caller can kill it whatever happens.

Run by tests/e2e/t_rootwrap_oslo.sh, as root, with PYTHONPATH naming
the directory of this file (rgtest_privsep must be importable by the
daemon's interpreter too).
"""
import json
import logging
import os
import re
import shlex
import signal
import sys
import time


def normalise(text, helper):
    text = text.replace(helper + ': ', 'HELPER: ')
    # under check-valgrind the program's argv[0] is its real path
    return re.sub(r'(?m)^\S*/rootgate-rootwrap: ', 'HELPER: ', text)


def do_execute(root_helper):
    from oslo_concurrency import processutils

    helper = [w for w in shlex.split(root_helper) if '-rootwrap' in w][0]
    out = {}
    cases = {
        'cat': ['cat', '/etc/hostname'],
        'sh': ['sh', '-c', 'echo out; echo err >&2; exit 3'],
        'denied': ['rm', '-rf', '/nonexistent-rgtest'],
        'noexec': ['no_such_tool_rgtest', 'x'],
    }
    for name, cmd in cases.items():
        try:
            so, se = processutils.execute(*cmd, run_as_root=True,
                                          root_helper=root_helper)
            out[name] = {'ok': True, 'stdout': so, 'stderr': se}
        except processutils.ProcessExecutionError as e:
            out[name] = {'ok': False, 'exit_code': e.exit_code,
                         'stdout': e.stdout,
                         'stderr': normalise(e.stderr, helper)}
    return out


class Capture(logging.Handler):
    """The lines the client's _fd_logger thread read from the pipe it
    gave the helper as stderr ("privsep log: ...")."""

    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def proc_field(pid, key):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith(key + ':'):
                return line.split(':', 1)[1].strip()
    return None


def do_privsep(root_helper):
    from oslo_config import cfg
    from oslo_privsep import daemon
    from oslo_privsep import priv_context

    import rgtest_privsep

    cap = Capture()
    # oslo.log names it "oslo.privsep.daemon": take the logger itself
    daemon.LOG.logger.addHandler(cap)
    daemon.LOG.logger.setLevel(logging.DEBUG)
    daemon.LOG.logger.propagate = False
    cfg.CONF([], project='rgtest', default_config_files=[],
             default_config_dirs=[])
    priv_context.init(root_helper=shlex.split(root_helper))
    first = rgtest_privsep.probe('first')
    print('daemon-pid %d' % first['pid'], file=sys.stderr, flush=True)
    # the helper (and rootgate-rootwrap) exited before the client
    # accepted the daemon's connection (oslo.privsep waits for it):
    # the daemon is an orphan now; it must still serve
    time.sleep(1)
    second = rgtest_privsep.probe('second')
    marker = None
    for _ in range(50):
        marker = [ln for ln in cap.lines if 'rgtest-daemon-stderr' in ln]
        if len(marker) >= 2:
            break
        time.sleep(0.1)
    pid = first['pid']
    ppid = int(proc_field(pid, 'PPid'))
    with open('/proc/%d/comm' % ppid) as f:
        parent = f.read().strip()
    return {
        'first': first,
        'second': second,
        'same_daemon': first['pid'] == second['pid'],
        'daemon_alive': os.path.exists('/proc/%d' % pid),
        'daemon_parent': parent,
        'client_pgrp': os.getpgrp(),
        'stderr_lines': marker,
    }


def as_service():
    """Be a service: processutils uses root_helper only when the
    effective uid is not 0. The real uid stays 0 so that the helper's
    first word, `setpriv --reuid=0` (a stand-in for sudo that needs no
    sudoers entry in /etc), can become root again, as sudo would."""
    os.setegid(65534)
    os.seteuid(65534)


def main():
    signal.alarm(60)    # never hang a test run
    mode, helper = sys.argv[1], sys.argv[2]
    as_service()
    if mode == 'execute':
        res = do_execute(helper)
    elif mode == 'privsep':
        res = do_privsep(helper)
    else:
        sys.exit('usage: oslo_stack.py execute|privsep HELPER')
    print(json.dumps(res, sort_keys=True))


if __name__ == '__main__':
    main()
