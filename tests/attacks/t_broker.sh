# t_broker.sh - abuse of rootgated by the unprivileged callers that can
# reach its socket (and those that cannot): malformed and hostile frames
# (tests/attacks/abuse.py), descriptor floods, slow and idle clients,
# connection floods, identity claims, callers outside the rule or the
# socket group. Safe outcome: one error reply or a clean close, the
# daemon keeps serving everyone else, and every descriptor and child
# it took for the abuser is released.

# ab_up : attack_broker_up (rules on stdin) plus abuse.py as U: ABUSE.
# Further users go into EXTRA_USERS, removed by attack_broker_down.
ab_up() {
	[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 missing"
	attack_broker_up
	cp "$TOP/tests/attacks/abuse.py" "$SCRATCH/abuse.py"
	chmod 0644 "$SCRATCH/abuse.py"
	ABUSE="$AS /usr/bin/python3 $SCRATCH/abuse.py $S"
	trap 'ab_down' EXIT
}

ab_down() {
	set +e
	pkill -KILL -f "^/usr/bin/sleep 7[0-9]$"
	attack_broker_down
}

# ab_command_gone PATTERN : the command (pgrep -f PATTERN) ends within 2 s
ab_command_gone() {
	_i=0
	while pgrep -f "$1" >/dev/null; do
		_i=$((_i + 1))
		[ $_i -lt 40 ] || fail "the command outlived its connection"
		sleep 0.05
	done
}

AB_RULES='[true]
exec = /usr/bin/true
args =
callers = @USER@

[sleep]
exec = /usr/bin/sleep
args = <n>
<n> = int 70..79
callers = @USER@

[touch]
exec = /usr/bin/touch
args = @SCRATCH@/w/ran
writable = @SCRATCH@/w
callers = @USER@

[id-root-only]
exec = /usr/bin/id
args = -u'

ab_std() {
	ab_up <<P
$AB_RULES
P
	mkdir -p "$SCRATCH/w"
	ab_serving
	sleep 0.3	# the control's connection closed in the daemon too
	FD0=$(ab_fds)
}

ab_fds() {
	daemon_fds
}

ab_serving() {
	run $R true
	expect_status 0
	kill -0 "$DPID" 2>/dev/null || fail "the daemon died: $(cat "$LOG")"
}

# ab_clean : serving, and back to the baseline of descriptors and no
# child left, each within a second: a command killed with its client
# is reaped when its pidfd says so, and what it left behind is killed
# in the daemon's sweeps (every 20 ms, daemon.c invariant 7)
ab_clean() {
	ab_serving
	_i=0
	while [ "$(ab_fds)" -ne "$FD0" ]; do
		_i=$((_i + 1))
		[ $_i -lt 20 ] || fail "daemon fds $FD0 -> $(ab_fds): $(ls -l /proc/$DPID/fd)"
		sleep 0.05
	done
	_i=0
	while [ -n "$(daemon_children)" ]; do
		_i=$((_i + 1))
		[ $_i -lt 20 ] || fail "children left: $(ps -o pid,stat,cmd --ppid "$DPID")"
		sleep 0.05
	done
}

# ab_abuse CASE ARG... : abuse.py as U; OUT its line
ab_abuse() {
	run $ABUSE "$@"
	[ "$ST" -eq 0 ] || fail "abuse.py $1: status $ST: $ERR"
}

# A header whose length field says 4 GiB: refused from the header alone
# (no allocation: the daemon's memory does not grow), one error reply.
t_broker_oversized_4gib() {
	ab_std
	rss0=$(awk '/^VmRSS/ { print $2 }' /proc/$DPID/status)
	ab_abuse oversized4g
	[ "$OUT" = "error: bad request: frame too large" ] || fail "$OUT"
	rss1=$(awk '/^VmRSS/ { print $2 }' /proc/$DPID/status)
	[ "$rss1" -le $((rss0 + 1024)) ] || fail "RSS $rss0 -> $rss1 KiB"
	ab_clean
}

# A frame cut short, then EOF: dropped without a reply; nothing runs.
t_broker_truncated_frame() {
	ab_std
	ab_abuse truncated
	[ "$OUT" = closed ] || fail "$OUT"
	ab_clean
	! grep -q '"argv":\["/usr/bin/true"\]' "$SCRATCH/audit.jsonl" ||
		fail "a decision for the truncated frame"
}

# 4 KiB of random bytes: an error reply (bad magic), the daemon goes on.
t_broker_garbage() {
	ab_std
	ab_abuse garbage
	case $OUT in error:*) ;; *) fail "$OUT" ;; esac
	ab_clean
}

# Protocol versions 0, 2 and 65535: refused, one error each.
t_broker_wrong_version() {
	ab_std
	for v in 0 2 65535; do
		ab_abuse version $v
		case $OUT in error:*) ;; *) fail "version $v: $OUT" ;; esac
	done
	ab_clean
}

# Counts outside the protocol's limits: argc 0, argc 1025, 4 billion,
# envc 129 - each refused before anything is allocated for them.
t_broker_bad_counts() {
	ab_std
	for c in "0 0" "1025 0" "4294967295 0" "1 129" "1 4294967295"; do
		ab_abuse counts $c
		case $OUT in error:*) ;; *) fail "counts $c: $OUT" ;; esac
	done
	ab_clean
}

# A request carrying 250 descriptors (SCM_RIGHTS, the kernel's maximum
# per message is 253) instead of 3: refused, and every one of them is
# closed in the daemon (its descriptor count returns to the baseline).
t_broker_fd_flood() {
	ab_std
	ab_abuse fdflood 1 250
	case $OUT in
	"error: bad request: too many descriptors") ;;
	*) fail "$OUT" ;;
	esac
	ab_clean
}

# Forty connections in a row, each with 250 descriptors (10,000 in all):
# the daemon ends where it started.
t_broker_fd_flood_many() {
	ab_std
	ab_abuse fdflood 40 250
	[ "$OUT" = "error: bad request: too many descriptors" ] || fail "$OUT"
	ab_clean
}

# A client that sends its frame one byte every half second, never
# finishing: others are served meanwhile, at once, and the slow one is
# dropped after request-timeout (2 s) with an error.
t_broker_slow_client() {
	ab_std
	$ABUSE slow > "$SCRATCH/slow.out" 2>&1 &
	sp=$!
	sleep 0.5
	t0=$(date +%s%N)
	ab_serving
	t1=$(date +%s%N)
	[ $(( (t1 - t0) / 1000000 )) -lt 1000 ] ||
		fail "a normal client waited $(( (t1 - t0) / 1000000 )) ms"
	wait $sp || fail "abuse.py: $(cat "$SCRATCH/slow.out")"
	case $(cat "$SCRATCH/slow.out") in
	"error: bad request: not received whole within request-timeout after "[123].*) ;;
	*) fail "slow client: $(cat "$SCRATCH/slow.out")" ;;
	esac
	ab_clean
}

# A client that connects and says nothing: dropped after request-timeout.
t_broker_idle_connection() {
	ab_std
	ab_abuse idle
	case $OUT in
	"error: bad request: not received whole within request-timeout after "[123].*) ;;
	*) fail "idle client: $OUT" ;;
	esac
	ab_clean
}

# 500 connections held open at once by one user of the socket group: the
# daemon takes max-connections-per-caller (256) of them and refuses the
# rest, so that user cannot fill the table (1024) - another caller is
# served meanwhile, the flooding user's own next call is refused with a
# message; the held ones are dropped after request-timeout, and the daemon
# ends at its baseline of descriptors with no child left.
t_broker_connection_flood() {
	ab_std
	U2=${U}f
	EXTRA_USERS="$EXTRA_USERS $U2"
	useradd -M -r -s /usr/sbin/nologin -G "$U" "$U2" ||
		fail "unable to create the flooding user"
	: > "$SCRATCH/hold.out"
	setpriv --reuid="$U2" --regid="$U2" --init-groups /usr/bin/python3 \
		"$SCRATCH/abuse.py" "$S" hold 500 5 > "$SCRATCH/hold.out" 2>&1 &
	hp=$!
	_i=0
	until grep -q holding "$SCRATCH/hold.out"; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || fail "hold: $(cat "$SCRATCH/hold.out")"
		sleep 0.05
	done
	ab_serving
	run setpriv --reuid="$U2" --regid="$U2" --init-groups "$RG" \
		--socket "$S" true
	expect_status 125
	expect_err "too many connections for this caller"
	wait $hp || fail "abuse.py: $(cat "$SCRATCH/hold.out")"
	grep -q "^alive 0$" "$SCRATCH/hold.out" ||
		fail "idle connections not dropped: $(cat "$SCRATCH/hold.out")"
	grep -q "max-connections-per-caller reached" "$LOG" ||
		fail "no log line for the refused connections"
	ab_clean
}

# After its reply, a connection that sends nothing more is closed at
# idle-timeout: a caller cannot keep its slots by asking once.
t_broker_idle_after_reply() {
	ab_up <<P
$AB_RULES
P
	printf 'idle-timeout = 1s\n' >> "$C/rootgate.conf"
	hup_wait "policy reloaded"
	mkdir -p "$SCRATCH/w"
	ab_serving
	ab_abuse idleafter
	[ "$OUT" = "closed after reply" ] || fail "idle after reply: $OUT"
}

# A user in socket-group whom the rule's callers do not name: denied
# (99, "not permitted for this caller"), and the command did not run.
t_broker_caller_not_in_callers() {
	ab_std
	U2=${U}b
	EXTRA_USERS="$EXTRA_USERS $U2"
	useradd -M -r -s /usr/sbin/nologin -G "$U" "$U2" ||
		fail "unable to create the second user"
	run setpriv --reuid="$U2" --regid="$U2" --init-groups "$RG" \
		--socket "$S" touch "$SCRATCH/w/ran"
	expect_status 99
	expect_err "not permitted for this caller"
	expect_err_lines 1
	[ ! -e "$SCRATCH/w/ran" ] || fail "the command ran"
	run $R touch "$SCRATCH/w/ran"
	expect_status 0
	[ -e "$SCRATCH/w/ran" ] || fail "control: the caller's own run failed"
}

# A user outside socket-group cannot even connect: 125, permission
# denied on the socket, and the daemon records nothing from it.
t_broker_not_in_socket_group() {
	ab_std
	U3=${U}c
	EXTRA_USERS="$EXTRA_USERS $U3"
	useradd -M -r -s /usr/sbin/nologin "$U3" ||
		fail "unable to create the third user"
	n0=$(wc -l < "$SCRATCH/audit.jsonl")
	run setpriv --reuid="$U3" --regid="$U3" --init-groups "$RG" \
		--socket "$S" touch "$SCRATCH/w/ran"
	expect_status 125
	expect_err "Permission denied"
	[ ! -e "$SCRATCH/w/ran" ] || fail "the command ran"
	[ "$(wc -l < "$SCRATCH/audit.jsonl")" -eq "$n0" ] ||
		fail "the daemon heard from a non-member"
}

# Identity claimed in everything a request can carry (USER=root,
# SUDO_UID=0, ... in the environment, SCM_CREDENTIALS, root's cwd) for a
# rule only root may use: the daemon believes SO_PEERCRED only.
t_broker_spoofed_identity() {
	ab_std
	ab_abuse spoof /usr/bin/id -u
	case $OUT in
	"type 4 99: denied: "*"not permitted for this caller"*) ;;
	*) fail "$OUT" ;;
	esac
	uid=$(id -u "$U")
	python3 - "$SCRATCH/audit.jsonl" "$uid" "$U" <<'PY' || fail "audit: $(tail -n 1 "$SCRATCH/audit.jsonl")"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
assert r["allowed"] is False and r["uid"] == int(sys.argv[2]), r
assert r.get("user") in (None, sys.argv[3]), r
PY
	ab_clean
}

# A client that disconnects halfway through its request: nothing runs,
# the daemon serves on, its descriptors return to the baseline.
t_broker_disconnect_mid_request() {
	ab_std
	i=0
	while [ $i -lt 20 ]; do
		ab_abuse midrequest
		i=$((i + 1))
	done
	ab_clean
}

# A second request while the first command runs (pipelining): an error,
# the connection is closed, and its running command is killed with it.
t_broker_request_while_running() {
	ab_std
	ab_abuse pipeline /usr/bin/sleep 71
	[ "$OUT" = "error: bad request: a request while one is running" ] ||
		fail "$OUT"
	ab_command_gone '^/usr/bin/sleep 71$'
	ab_clean
}

# A SIGNAL frame asking for SIGKILL (only INT, TERM, HUP, QUIT are
# forwarded): refused, the connection closed, the command killed with it.
t_broker_signal_frame_sigkill() {
	ab_std
	ab_abuse badsignal /usr/bin/sleep 72
	[ "$OUT" = "error: bad request: a signal that is not forwarded" ] ||
		fail "$OUT"
	ab_command_gone '^/usr/bin/sleep 72$'
	ab_clean
}
