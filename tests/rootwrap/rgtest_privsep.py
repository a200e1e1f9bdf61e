# SPDX-License-Identifier: ISC
"""rgtest_privsep - a tiny oslo.privsep context for oslo_stack.py.

The client imports it and starts the daemon through a root helper; the
daemon (privsep-helper --privsep_context rgtest_privsep.ctx) imports it
again to find the context and run the entrypoint.
"""
import os
import sys

from oslo_privsep import capabilities as caps
from oslo_privsep import priv_context

CAPS = [caps.CAP_NET_ADMIN, caps.CAP_SYS_ADMIN]

ctx = priv_context.PrivContext(
    __name__,
    cfg_section='rgtest_privsep',
    pypath=__name__ + '.ctx',
    capabilities=CAPS,
)


def _status(key):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(key + ':'):
                return line.split(':', 1)[1].strip()
    return None


@ctx.entrypoint
def probe(tag):
    # fd 2 is the pipe the client gave the helper as its stderr
    sys.stderr.write('rgtest-daemon-stderr %s %d\n' % (tag, os.getpid()))
    sys.stderr.flush()
    return {
        'uid': os.getuid(),
        'euid': os.geteuid(),
        'pid': os.getpid(),
        'pgrp': os.getpgrp(),
        'cap_eff': int(_status('CapEff'), 16),
        'cap_prm': int(_status('CapPrm'), 16),
        'no_new_privs': _status('NoNewPrivs'),
        'want_caps': sum(1 << c for c in CAPS),
    }
