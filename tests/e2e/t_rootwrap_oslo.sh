# t_rootwrap_oslo.sh - rootgate-rootwrap under the real OpenStack stack
# (Debian's python3-oslo.concurrency and python3-oslo.privsep), next to
# the real oslo-rootwrap; the compatibility profile's process semantics
# (signals, descendants); and the [rootgate] section of rootwrap.conf.
#
# The Python client runs as a service does: effective uid 65534, so that
# processutils and privsep really use their root helper. `setpriv
# --reuid=0` stands in for sudo (it can become root again because the
# real uid stayed 0): no sudoers entry, nothing in /etc is touched.

RGRW=$TOP/$BUILD/rootgate-rootwrap
PY=/usr/bin/python3
SUDO="setpriv --reuid=0 --regid=0 --keep-groups"

need_oslo_stack() {
	need_root
	if ! $PY -c 'import oslo_rootwrap, oslo_concurrency, oslo_privsep' \
	    2>/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    --no-install-recommends python3-oslo.rootwrap \
		    python3-oslo.concurrency python3-oslo.privsep \
		    >/dev/null 2>&1 ||
			skip "the oslo Debian packages are not installable"
	fi
	command -v oslo-rootwrap >/dev/null || skip "no oslo-rootwrap"
	command -v privsep-helper >/dev/null || skip "no privsep-helper"
	command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
}

# $SCRATCH/c/rootwrap.conf (+ $1 appended) and f/t.filters from stdin;
# the Python modules in $SCRATCH/py, readable by the service uid
osloconf() {
	mkdir -p "$SCRATCH/c/f" "$SCRATCH/py"
	cat >"$SCRATCH/c/f/t.filters"
	printf '[DEFAULT]\nfilters_path=%s/c/f\nexec_dirs=/usr/bin,/bin\n%s' \
	    "$SCRATCH" "${1:-}" >"$SCRATCH/c/rootwrap.conf"
	cp "$TOP/tests/rootwrap/oslo_stack.py" \
	    "$TOP/tests/rootwrap/rgtest_privsep.py" "$SCRATCH/py/"
	chmod -R go-w,a+rX "$SCRATCH/c" "$SCRATCH/py"
}

# stack MODE HELPER... : oslo_stack.py as the service; JSON in $OUT
stack() {
	_m=$1
	shift
	run env PYTHONPATH="$SCRATCH/py" timeout 90 \
	    $PY "$SCRATCH/py/oslo_stack.py" "$_m" "$*"
}

# json EXPR : evaluate a Python expression over $OUT (as `r`)
json() {
	printf '%s' "$OUT" | $PY -c 'import json, sys
r = json.load(sys.stdin)
v = eval(sys.argv[1])
print(v)
sys.exit(0 if v is True else 1)' "$1" >/dev/null ||
		fail "not true: $1 in $OUT"
}

t_rootwrap_oslo_processutils() {
	need_oslo_stack
	scratch
	osloconf <<'F'
[Filters]
cat: CommandFilter, cat, root
sh: CommandFilter, sh, root
missing: CommandFilter, no_such_tool_rgtest, root
F
	cd "$SCRATCH"
	stack execute $SUDO "$(command -v oslo-rootwrap)" \
	    "$SCRATCH/c/rootwrap.conf"
	expect_status 0
	oslo=$OUT
	stack execute $SUDO "$RGRW" "$SCRATCH/c/rootwrap.conf"
	expect_status 0
	[ "$OUT" = "$oslo" ] || fail "processutils saw different results:" \
	    "oslo-rootwrap $oslo; rootgate-rootwrap $OUT"
	host=$(cat /etc/hostname)
	json "r['cat'] == {'ok': True, 'stdout': '$host\\n', 'stderr': ''}"
	json "r['sh'] == {'ok': False, 'exit_code': 3, 'stdout': 'out\\n', 'stderr': 'err\\n'}"
	json "r['denied']['exit_code'] == 99"
	json "r['denied']['stderr'] == 'HELPER: Unauthorized command: rm -rf /nonexistent-rgtest (no filter matched)\\n'"
	json "r['noexec']['exit_code'] == 96"
}

# the daemon's pid, from the client's stderr ("daemon-pid N")
daemon_pid() {
	sed -n 's/^daemon-pid \([0-9]*\)$/\1/p' "$SCRATCH/.err" | head -n 1
}

privsep_case() {
	_h=$1
	stack privsep $SUDO "$_h" "$SCRATCH/c/rootwrap.conf"
	_pid=$(daemon_pid)
	# the client is gone; the daemon notices and exits, or we end it
	[ -n "$_pid" ] && kill -KILL "$_pid" 2>/dev/null || true
	expect_status 0
	[ -n "$_pid" ] || fail "no daemon pid; stderr: $ERR"
	json "r['first']['uid'] == 0 and r['first']['euid'] == 0"
	json "r['first']['cap_eff'] == r['first']['want_caps']"
	json "r['first']['cap_prm'] == r['first']['want_caps']"
	json "r['same_daemon'] and r['daemon_alive']"
	json "r['first']['pgrp'] == r['client_pgrp']"
	json "r['daemon_parent'] not in ('rootgate-rootwr', 'oslo-rootwrap', 'setpriv')"
	json "len(r['stderr_lines']) == 2"
}

t_rootwrap_oslo_privsep() {
	need_oslo_stack
	scratch
	osloconf <<'F'
[Filters]
cat: CommandFilter, cat, root
F
	cd "$SCRATCH"
	privsep_case oslo-rootwrap
	privsep_case "$RGRW"
}

# The compatibility profile, as oslo.rootwrap: a signal to the helper
# alone ends it (128+N) and leaves the command running; what the command
# starts in the background outlives it.
t_rootwrap_compat_process() {
	need_oslo_stack
	scratch
	osloconf <<'F'
[Filters]
sh: CommandFilter, sh, root
F
	C=$SCRATCH/c/rootwrap.conf
	for h in "$(command -v oslo-rootwrap)" "$RGRW"; do
		m=rgmark-$$-$(basename "$h")
		f=$SCRATCH/started-$(basename "$h")
		"$h" "$C" sh -c "touch $f; sleep 30; : $m" \
		    </dev/null >/dev/null 2>&1 &
		p=$!
		# the command runs (under load, Python takes its time)
		n=0
		while [ ! -e "$f" ] && [ "$n" -lt 300 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		[ -e "$f" ] || fail "$h: the command never started"
		kill -TERM "$p"
		st=0
		wait "$p" || st=$?
		[ "$st" -eq 143 ] || fail "$h: status $st after SIGTERM"
		pgrep -f "$m" >/dev/null || fail "$h: the command was killed"
		pkill -KILL -f "$m" || true
		run "$h" "$C" sh -c "sleep 30 & echo \$!"
		expect_status 0
		kill -0 "$OUT" || fail "$h: the background child was killed"
		kill -KILL "$OUT"
	done
}

t_rootwrap_rootgate_section() {
	need_oslo_stack
	scratch
	osloconf '[rootgate]
sandbox.cat = on
sandbox.sleep = on
rlimit-as = 2G
env = scrub
timeout.sleep = 1s
grace.sleep = 0
' <<'F'
[Filters]
cat: CommandFilter, cat, root
sleep: CommandFilter, sleep, root
sh: CommandFilter, sh, root
F
	C=$SCRATCH/c/rootwrap.conf
	# oslo.rootwrap reads [DEFAULT] only: the section changes nothing
	run oslo-rootwrap "$C" cat /proc/self/status
	expect_status 0
	expect_out "NoNewPrivs:	0"
	# a selected filter: namespaces (pid 2 under our init), NNP,
	# seccomp, no capabilities, the limit, a scrubbed environment
	run env RGTEST_VAR=1 "$RGRW" "$C" cat /proc/self/status
	expect_status 0
	expect_out "NoNewPrivs:	1"
	expect_out "Seccomp:	2"
	expect_out "CapEff:	0000000000000000"
	run "$RGRW" "$C" cat /proc/self/stat
	case $OUT in "2 (cat)"*) ;; *) fail "not in a pid namespace: $OUT" ;; esac
	run "$RGRW" "$C" cat /proc/self/limits
	expect_out "Max address space         2147483648"
	run env RGTEST_VAR=1 "$RGRW" "$C" cat /proc/self/environ
	case $OUT in *RGTEST_VAR*) fail "environment not scrubbed" ;; esac
	start=$(date +%s)
	run "$RGRW" "$C" sleep 20
	expect_status 124
	[ $(($(date +%s) - start)) -lt 10 ] || fail "timeout not enforced"
	# a filter not selected keeps the compatibility profile
	run env RGTEST_VAR=1 "$RGRW" "$C" sh -c \
	    'grep NoNewPrivs /proc/self/status; echo pid=$$ var=$RGTEST_VAR'
	expect_status 0
	expect_out "NoNewPrivs:	0"
	expect_out "var=1"
	case $OUT in *"pid=2 "*) fail "sh ran in a pid namespace" ;; esac
	run "$RGRW" "$C" sh -c 'readlink /proc/self/ns/mnt'
	[ "$OUT" = "$(readlink /proc/self/ns/mnt)" ] ||
		fail "sh ran in a mount namespace"
	# sandbox = on for all filters, sh excepted
	printf '[DEFAULT]\nfilters_path=%s/c/f\nexec_dirs=/usr/bin,/bin\n%s' \
	    "$SCRATCH" '[rootgate]
sandbox = on
sandbox.sh = off
' >"$C"
	run "$RGRW" "$C" cat /proc/self/status
	expect_status 0
	expect_out "NoNewPrivs:	1"
	run "$RGRW" "$C" sh -c 'grep NoNewPrivs /proc/self/status'
	expect_out "NoNewPrivs:	0"
	run oslo-rootwrap "$C" cat /proc/self/status
	expect_status 0
}

t_rootwrap_rootgate_section_errors() {
	need_root
	scratch
	osloconf <<'F'
[Filters]
cat: CommandFilter, cat, root
F
	for e in 'sandbox.nope = on|:4: sandbox.nope: no filter named '"'nope'" \
	    'sandbox.cat = maybe|:4: sandbox.cat: expected on or off' \
	    'timeout = 5s|:4: timeout: applies to no filter in the sandbox' \
	    'sandbox = on
bogus = 1|:5: '"'bogus'"' is not a sandbox key' \
	    'sandbox = on
rlimit-as = lots|:5: rlimit-as: expected a size such as 2G' \
	    'sandbox.privsep-helper = on|:4: sandbox.privsep-helper: privsep-helper cannot run in the sandbox' \
	    'sandbox = on
env = x|:5: env: expected scrub or inherit' \
	    'sandbox = on
namespaces = pid
writable = /var/tmp|:6: writable: needs the mount namespace'; do
		printf '[DEFAULT]\nfilters_path=%s/c/f\n[rootgate]\n%s\n' \
		    "$SCRATCH" "${e%%|*}" >"$SCRATCH/c/e.conf"
		run "$RGRW" "$SCRATCH/c/e.conf" cat /etc/hostname
		expect_status 97
		expect_err "$SCRATCH/c/e.conf${e#*|}"
		expect_err_lines 1
	done
	# sandbox = on leaves the implicit privsep-helper filter alone
	printf '[DEFAULT]\nfilters_path=%s/c/f\n[rootgate]\nsandbox = on\n' \
	    "$SCRATCH" >"$SCRATCH/c/e.conf"
	run "$RG" --rootwrap-config "$SCRATCH/c/e.conf" check
	expect_status 0
}
