# lib.sh - helpers for the adversarial suite (tests/attacks/t_*.sh), sourced
# after tests/e2e/lib.sh by tests/e2e/run.sh.
#
# Each test is one attack: the exact input the attacker controls and the
# safe outcome asserted (the status the caller gets, what stderr says, and
# that the effect the attack wanted did not happen). The attacker is the
# unprivileged service that calls rootgate (SECURITY.md, "Threat model").

# attack_policy : a scratch configuration whose one filter file is read
# from standard input (@SCRATCH@ becomes the test's scratch directory).
# Sets SCRATCH, C (configuration directory), R (the rootgate command).
attack_policy() {
	need_root
	scratch
	C=$SCRATCH/c
	mkdir -p "$C/filters.d"
	sed "s|@SCRATCH@|$SCRATCH|g" > "$C/filters.d/attack.conf"
	printf '[rootgate]\naudit-log = %s/audit.jsonl\nsyslog = no\n' \
		"$SCRATCH" > "$C/rootgate.conf"
	chmod -R go-w "$C"
	R="$RG --config $C"
}

# refused ARG... : rootgate refuses this command line: status 99, one line
# on stderr beginning "rootgate: denied", and a deny in the audit file.
refused() {
	run $R "$@"
	expect_status 99
	expect_err "rootgate: denied"
	expect_err_lines 1
	grep -q '"event":"decision","allowed":false' "$SCRATCH/audit.jsonl" ||
		fail "no deny record in the audit file"
}

# allowed ARG... : the control case: the same rule runs this command line
# (status 0). An attack test shows the rule works before it shows the
# attack fails, so a test cannot pass because nothing runs at all.
allowed() {
	run $R "$@"
	expect_status 0
}

# attack_probe : the sandbox probe (tests/helpers/probe.c, built by
# mk/attacks.mk; compiled here if that copy is missing or stale) as
# $SCRATCH/bin/rg-probe, root-owned 0755 as a rule's exec must be.
# Sets P.
attack_probe() {
	mkdir -p "$SCRATCH/bin"
	_b=$TOP/$BUILD/tests/helpers/rg-probe
	if [ -x "$_b" ] && [ "$_b" -nt "$TOP/tests/helpers/probe.c" ]; then
		cp "$_b" "$SCRATCH/bin/rg-probe"
	else
		cc -std=gnu11 -O1 -DPROBE_STANDALONE -o "$SCRATCH/bin/rg-probe" \
			"$TOP/tests/helpers/probe.c" || fail "unable to build the probe"
	fi
	chmod 0755 "$SCRATCH/bin" "$SCRATCH/bin/rg-probe"
	P=$SCRATCH/bin/rg-probe
}

# attack_broker_up : a test user U (in no group but its own, which is the
# socket group), a rootgated with the rules on stdin (@SCRATCH@ and
# @USER@ replaced) and the probe; request-timeout 2s, shutdown-timeout
# 1s. Sets U, C, S, LOG, DPID, AS (run as U), R (the client as U), P.
# attack_broker_down (the EXIT trap) stops the daemon and removes U and
# any users named in EXTRA_USERS.
attack_broker_up() {
	need_root
	command -v useradd >/dev/null || skip "useradd missing"
	command -v setpriv >/dev/null || skip "setpriv missing"
	scratch
	U=rgt$(od -An -N4 -tx1 /dev/urandom | tr -d " \n")
	EXTRA_USERS=
	useradd -M -r -s /usr/sbin/nologin "$U" ||
		fail "unable to create the test user"
	DPID=
	trap 'attack_broker_down' EXIT
	C=$SCRATCH/c
	mkdir -p "$C/filters.d"
	sed -e "s|@SCRATCH@|$SCRATCH|g" -e "s|@USER@|$U|g" \
		> "$C/filters.d/attack.conf"
	printf '[rootgate]\naudit-log = %s/audit.jsonl\nsyslog = no\nsocket-group = %s\nrequest-timeout = 2s\nshutdown-timeout = 1s\n' \
		"$SCRATCH" "$U" > "$C/rootgate.conf"
	chmod -R go-w "$C"
	attack_probe
	S=$SCRATCH/rootgate.sock
	LOG=$SCRATCH/daemon.log
	attack_daemon_start
	AS="setpriv --reuid=$U --regid=$U --init-groups"
	R="$AS $RG --socket $S"
}

# attack_daemon_start [WRAPPER...] : start rootgated on C and S (through
# WRAPPER, a command that execs it: unshare), DPID its pid, and wait for
# its socket
attack_daemon_start() {
	"$@" "$TOP/$BUILD/rootgated" --config "$C" --socket "$S" --foreground \
		2>>"$LOG" &
	DPID=$!
	_i=0
	until [ -S "$S" ]; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || fail "no socket: $(cat "$LOG")"
		sleep 0.05
	done
}

# attack_daemon_stop : stop the test's daemon (SIGTERM); it must exit 0
attack_daemon_stop() {
	kill -TERM "$DPID"
	wait "$DPID" || fail "the daemon exited with $?"
	DPID=
}

attack_broker_down() {
	set +e
	if [ -n "$DPID" ]; then
		kill -TERM "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
	fi
	for _u in "$U" $EXTRA_USERS; do
		pkill -KILL -u "$_u" 2>/dev/null
		userdel "$_u" 2>/dev/null
	done
	# a user that was in another test user's group kept that group
	# alive through its userdel: remove what is left
	for _u in "$U" $EXTRA_USERS; do
		getent group "$_u" >/dev/null && groupdel "$_u" 2>/dev/null
	done
	[ -z "${P:-}" ] || pkill -KILL -f "^$P " 2>/dev/null
	rm -rf "$SCRATCH"
}

# bound N : N (a time within which something must end: it does not hang),
# 20 times N in a sanitizer build (make check-asan), which runs that much
# slower. Not a speed target: those are in bench/.
bound() {
	if [ "${ROOTGATE_SANITIZED:-}" = 1 ]; then
		echo $(($1 * 20))
	else
		echo "$1"
	fi
}
