# t_broker.sh - rootgated and the unprivileged client, as root with a
# test user created here (and removed by the trap): what a caller gets,
# what is refused, signals, disconnects, concurrency, hostile frames,
# leaks, reload.

# broker_up : a scratch configuration, a test user, a running daemon.
# Sets U (user), S (socket), R (client command as U), DPID, LOG.
broker_up() {
	need_root
	command -v useradd >/dev/null || skip "useradd missing"
	command -v setpriv >/dev/null || skip "setpriv missing"
	scratch
	U=rgt$(od -An -N4 -tx1 /dev/urandom | tr -d " \n")
	useradd -M -r -s /usr/sbin/nologin "$U" ||
		fail "unable to create the test user"
	DPID=
	trap 'broker_down' EXIT
	mkdir -p "$SCRATCH/c/filters.d"
	sed "s|@USER@|$U|g" "$DATA/filters/good/broker.conf" \
		> "$SCRATCH/c/filters.d/broker.conf"
	printf '[rootgate]\naudit-log = %s/audit.jsonl\nsyslog = no\n%s\n%s\n%s\n' \
		"$SCRATCH" "socket-group = $U" "request-timeout = 2s" \
		"shutdown-timeout = 2s" > "$SCRATCH/c/rootgate.conf"
	chmod -R go-w "$SCRATCH/c"
	S=$SCRATCH/rootgate.sock
	LOG=$SCRATCH/daemon.log
	R="setpriv --reuid=$U --regid=$U --init-groups $RG --socket $S"
	daemon_start
}

daemon_start() {
	"$TOP/$BUILD/rootgated" --config "$SCRATCH/c" --socket "$S" \
		--foreground 2>>"$LOG" &
	DPID=$!
	_i=0
	until [ -S "$S" ]; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || fail "no socket after 5 s: $(cat "$LOG")"
		sleep 0.05
	done
}

broker_down() {
	_rc=$?
	set +e
	# a failed test shows what the daemon said (its log goes with SCRATCH)
	if [ "$_rc" -ne 0 ] && [ -s "${LOG:-}" ]; then
		if grep -q '^==[0-9]*==ERROR' "$LOG"; then
			echo "    the daemon's sanitizer report:"
			sed -n '/^==[0-9]*==ERROR/,$p' "$LOG" | head -n 60
		else
			echo "    the daemon's log (last 30 lines):"
			tail -n 30 "$LOG"
		fi | sed 's/^/      /'
	fi >&2
	if [ -n "$DPID" ]; then
		kill -TERM "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
	fi
	pkill -KILL -u "$U" 2>/dev/null
	userdel "$U" 2>/dev/null
	rm -rf "$SCRATCH"
}

# rawclient CASE : send a hostile frame (tests/e2e/rawframe.py)
rawclient() {
	python3 "$TOP/tests/e2e/rawframe.py" "$S" "$1"
}

expect_serving() {
	run $R true
	expect_status 0
	kill -0 "$DPID" 2>/dev/null || fail "the daemon died: $(cat "$LOG")"
}

t_broker_runs_allowed() {
	broker_up
	run $R sh -c 'echo out; echo err >&2; exit 7'
	expect_status 7
	[ "$OUT" = out ] || fail "stdout: $OUT"
	[ "$ERR" = err ] || fail "stderr: $ERR"
	out=$(echo "through stdin" | $R cat)
	[ "$out" = "through stdin" ] || fail "stdin/stdout: '$out'"
	run $R true
	expect_status 0
	[ -z "$ERR" ] || fail "stderr: $ERR"
	grep -q "\"mode\":\"broker\"" "$SCRATCH/audit.jsonl" ||
		fail "no broker audit record: $(cat "$SCRATCH/audit.jsonl")"
}

# rootgated replies when the namespace's init reports the command
# reaped with nothing else alive, or else once the init is gone: either
# way nothing of the run outlives the reply, and the exit record keeps
# the run's resource usage.
t_broker_reply_after_the_last_process() {
	broker_up
	run $R sh -c 'sleep 39 & exit 3'
	expect_status 3
	! pgrep -f '^sleep 39$' >/dev/null ||
		fail "a process of the run outlived the reply"
	run $R true
	expect_status 0
	rec=$(grep '"event":"exit","rule":"true","status":0' "$SCRATCH/audit.jsonl" | tail -n 1)
	rss=$(printf '%s\n' "$rec" | sed -n 's/.*"maxrss_kb":\([0-9]*\).*/\1/p')
	[ -n "$rss" ] && [ "$rss" -gt 0 ] ||
		fail "no resource usage in the exit record: $rec"
	grep -q '"event":"exit","rule":"sh","status":3' "$SCRATCH/audit.jsonl" ||
		fail "no exit record for the first run: $(cat "$SCRATCH/audit.jsonl")"
}

# Without a sandbox the command's session is killed at its end; a child
# that left the session (setsid) is re-parented to the daemon, a
# subreaper, which kills it before the reply: nothing outlives it.
t_broker_stray_killed_before_reply() {
	broker_up
	run $R sh -c 'setsid sleep 38 & sleep 0.2; exit 4'
	expect_status 4
	! pgrep -f '^sleep 38$' >/dev/null ||
		fail "a process that left the session outlived the reply"
	expect_serving
}

t_broker_denials() {
	broker_up
	run $R rm -rf /
	expect_status 99
	expect_err "rootgate: denied: rm: no rule for command 'rm'"
	run $R sh -c 'exit 8'
	expect_status 99
	expect_err "rootgate: denied: sh:"
	# a rule whose callers are root only
	run $R id
	expect_status 99
	expect_err "not permitted for this caller"
	# root itself goes direct, not through the broker
	run "$RG" --socket "$S" --config "$SCRATCH/c" id -u
	expect_status 0
}

# The client encodes a usual request on its stack and a larger one (up
# to the protocol's limits) in a frame-sized buffer: an argument of 40000
# bytes, and 20000 bytes of environment, arrive whole; one over the
# argv limit (128 KiB in all) is refused by the client itself, before
# sending.
t_broker_large_request() {
	broker_up
	x=$(head -c 40000 /dev/zero | tr '\0' x)
	run $R echo "$x"
	expect_status 0
	[ "$OUT" = "$x" ] || fail "stdout: ${#OUT} bytes, not 40000"
	big=$(head -c 20000 /dev/zero | tr '\0' y)
	run env RG_BIG="$big" $R echo xx
	expect_status 0
	[ "$OUT" = xx ] || fail "stdout with a large environment: $OUT"
	x=$(head -c 45000 /dev/zero | tr '\0' x)
	run $R echo "$x" "$x" "$x"
	expect_status 125
	expect_err "rootgate: unable to send the request: argument or environment bytes over limits"
	expect_serving
}

t_broker_unreachable() {
	broker_up
	run setpriv --reuid="$U" --regid="$U" --init-groups "$RG" \
		--socket "$SCRATCH/none.sock" true
	expect_status 125
	expect_err "unable to reach the broker at $SCRATCH/none.sock"
	run env ROOTGATE_SOCKET="$S" setpriv --reuid="$U" --regid="$U" \
		--init-groups "$RG" true
	expect_status 0
}

t_broker_signals_forwarded() {
	broker_up
	$R sh -c 'trap "exit 42" TERM; sleep 30 & wait' &
	c=$!
	sleep 0.7
	kill -TERM "$c"
	set +e
	wait "$c"
	st=$?
	set -e
	[ "$st" -eq 42 ] || fail "status $st after SIGTERM, expected 42"
	$R sleep 31 &
	c=$!
	sleep 0.7
	kill -INT "$c"
	set +e
	wait "$c"
	st=$?
	set -e
	[ "$st" -eq 130 ] || fail "status $st after SIGINT, expected 130"
}

t_broker_client_killed_kills_child() {
	broker_up
	$R sleep 37 &
	c=$!
	sleep 0.7
	pgrep -f '^/usr/bin/sleep 37$' >/dev/null || fail "sleep 37 not running"
	kill -KILL "$c"
	_i=0
	while pgrep -f '^/usr/bin/sleep 37$' >/dev/null; do
		_i=$((_i + 1))
		[ $_i -lt 40 ] || fail "the child outlived its client"
		sleep 0.05
	done
	expect_serving
}

# Each client's command prints its own number and exits with its own
# status (1-90), so an answer or an output that reached the wrong client
# fails the test, not only a missing one.
t_broker_concurrent_200() {
	broker_up
	mkdir "$SCRATCH/o"
	chmod 0777 "$SCRATCH/o"
	i=0
	pids=
	while [ $i -lt 200 ]; do
		( set +e; $R sh -c "echo out $i; echo err $i >&2; exit $((i % 90 + 1))" \
			>"$SCRATCH/o/$i.out" 2>"$SCRATCH/o/$i.err"
		  echo $? >"$SCRATCH/o/$i.st" ) &
		pids="$pids $!"
		i=$((i + 1))
	done
	wait $pids	# not the daemon
	i=0
	while [ $i -lt 200 ]; do
		[ "$(cat "$SCRATCH/o/$i.st")" = $((i % 90 + 1)) ] ||
			fail "client $i: status $(cat "$SCRATCH/o/$i.st"): $(cat "$SCRATCH/o/$i.err")"
		[ "$(cat "$SCRATCH/o/$i.out")" = "out $i" ] ||
			fail "client $i: stdout: $(cat "$SCRATCH/o/$i.out")"
		[ "$(cat "$SCRATCH/o/$i.err")" = "err $i" ] ||
			fail "client $i: stderr: $(cat "$SCRATCH/o/$i.err")"
		i=$((i + 1))
	done
}

# ACCEPT then EXIT, always (doc/protocol.md); the daemon owes the ACCEPT
# for ACCEPT_DELAY_MS (daemon.c, invariant 12), so a command still
# running then gets it while it runs - here long before its EXIT - and
# one that ended sooner gets both frames together.
t_broker_accept_then_exit() {
	broker_up
	out=$(rawclient short) || fail "short: $out"
	case $out in
	"3@"*" 5@"*) ;;
	*) fail "true: not ACCEPT then EXIT: $out" ;;
	esac
	out=$(rawclient long) || fail "long: $out"
	set -- $out
	[ $# -eq 2 ] && [ "${1%@*}" = 3 ] && [ "${2%@*}" = 5 ] ||
		fail "sleep 2: not ACCEPT then EXIT: $out"
	# ACCEPT within a second of the start, EXIT after the two seconds
	awk -v a="${1#*@}" -v e="${2#*@}" 'BEGIN { exit !(a < 1 && e >= 1.9) }' ||
		fail "sleep 2: ACCEPT was not sent while it ran: $out"
	expect_serving
}

# A client that cannot take its reply (its side shut for reading): the
# daemon's send fails; it logs that, naming the command, closes that
# connection and goes on serving the others (daemon.c, invariant 1).
t_broker_lost_reply_logged() {
	broker_up
	out=$(rawclient noread) || fail "noread: $out"
	[ "$out" = closed ] || fail "noread: $out"
	# the result, or the ACCEPT when true outlived ACCEPT_DELAY_MS (a
	# slow machine, valgrind): the first frame the daemon could not send
	grep -Eq "unable to send the (result|acceptance) of /usr/bin/true: Broken pipe; connection closed" \
		"$LOG" || fail "no log line for the lost reply: $(cat "$LOG")"
	expect_serving
}

# The status pipe of a command whose init reports that processes remain
# (the record that does not end the run) stays watched until the init's
# pidfd says it is gone. The daemon must take it out of its epoll then
# (daemon.c, invariant 5), even though the job is already reaped: when a
# copy of the pipe lived on elsewhere (a child being cloned), the
# registration outlived the daemon's close and went on reporting the
# pipe, tagged with the connection, after that was freed (seen as a
# use-after-free under ASan with 200 concurrent clients). holdstatus.py
# holds such a copy, and the init's write end, so that nothing but the
# pidfd reports the end.
t_broker_status_pipe_unwatched() {
	broker_up
	$R sh -c 'sleep 39 & sleep 1; exit 3' >"$SCRATCH/c.out" 2>&1 &
	c=$!
	out=$(python3 "$TOP/tests/e2e/holdstatus.py" "$DPID") ||
		fail "holdstatus: $out"
	wait "$c" && st=0 || st=$?
	[ "$out" = clean ] ||
		fail "the daemon's epoll still lists a closed status pipe: $out"
	[ "$st" = 3 ] || fail "client: status $st: $(cat "$SCRATCH/c.out")"
	expect_serving
}

t_broker_malformed_frames() {
	broker_up
	for c in truncated oversized version garbage nofds toomanyfds \
	    badcounts unterminated signalfirst; do
		out=$(rawclient "$c") || fail "$c: $out"
		case $out in
		error:*) ;;
		*) fail "$c: no error reply: $out" ;;
		esac
		expect_serving
	done
	grep -q "bad request: frame too large" "$LOG" || fail "log: $(cat "$LOG")"
}

# Nothing of any run is left, and at most one prepared init (daemon.c,
# invariant 11) for the one profile used: in a pid namespace of its own,
# asleep, holding its control socket.
expect_only_prepared_init() {
	[ -z "$(daemon_children)" ] ||
		fail "children left: $(ps -o pid,stat,comm --ppid "$DPID")"
	_kids=$(daemon_parked)
	[ "$(printf '%s\n' "$_kids" | grep -c .)" -le 1 ] ||
		fail "prepared inits: $(ps -o pid,stat,comm --ppid "$DPID")"
	for _k in $_kids; do
		[ "$(readlink "/proc/$_k/ns/pid")" != \
		    "$(readlink "/proc/$DPID/ns/pid")" ] ||
			fail "prepared init $_k shares the daemon's pid namespace"
		[ "$(awk '/^State/ { print $2 }' "/proc/$_k/status")" = S ] ||
			fail "prepared init $_k: $(grep State "/proc/$_k/status")"
	done
}

# fd count and RSS after a warm-up, then after 10,000 requests
t_broker_no_leaks() {
	broker_up
	cc -O2 -I"$TOP/include" -o "$SCRATCH/bb" "$TOP/bench/broker_bench.c" \
		"$TOP/src/broker/proto.c" || fail "unable to build the client"
	# the warm-up is the measured load itself: its peak of concurrent
	# runs and of ended runs whose init is still exiting (daemon.c,
	# invariant 9; bounded by max-children) sets the heap's high-water
	# mark, which a lighter warm-up would leave to the measured run
	"$SCRATCH/bb" "$S" 4 2500 /usr/bin/true >/dev/null || fail "warm-up"
	sleep 0.5	# the warm-up's connections closed
	fd0=$(ls /proc/$DPID/fd | wc -l)
	rss0=$(awk '/^VmRSS/ { print $2 }' /proc/$DPID/status)
	out=$("$SCRATCH/bb" "$S" 4 2500 /usr/bin/true 2>"$SCRATCH/bb.err") ||
		fail "run: $out $(sort "$SCRATCH/bb.err" | uniq -c)"
	case $out in
	*"status 0: 10000"*) ;;
	*) fail "statuses: $out $(sort "$SCRATCH/bb.err" | uniq -c)" ;;
	esac
	# the last connections close and the last commands are reaped as the
	# daemon sees their ends: give it two seconds; a leak never returns.
	# What stays is the prepared init of the one profile used (daemon.c,
	# invariant 11), before as after, with its descriptors.
	_i=0
	while fd1=$(ls /proc/$DPID/fd | wc -l); [ "$fd1" -ne "$fd0" ] ||
	    [ -n "$(daemon_children)" ]; do
		_i=$((_i + 1))
		[ $_i -lt 40 ] || break
		sleep 0.05
	done
	rss1=$(awk '/^VmRSS/ { print $2 }' /proc/$DPID/status)
	echo "    fds $fd0 -> $fd1, RSS $rss0 -> $rss1 KiB" >&2
	[ "$fd0" -eq "$fd1" ] ||
		fail "descriptors $fd0 -> $fd1: $(ls -l /proc/$DPID/fd)"
	expect_only_prepared_init
	if [ "${ROOTGATE_SANITIZED:-}" != 1 ]; then
		[ "$rss1" -le $((rss0 + 64)) ] || fail "RSS $rss0 -> $rss1 KiB"
		return 0
	fi
	# Under ASan, freed memory sits in its quarantine (256 MiB by design),
	# so RSS proves nothing: LeakSanitizer judges at the daemon's exit.
	kill -TERM "$DPID"
	wait "$DPID" || fail "the daemon exited with $? under the sanitizers"
	DPID=
	! grep -q "LeakSanitizer\|ERROR: AddressSanitizer" "$LOG" ||
		fail "sanitizer report: $(cat "$LOG")"
}

t_broker_reload() {
	broker_up
	run $R true
	expect_status 0
	chmod u+w "$SCRATCH/c/filters.d"
	echo '[broken' > "$SCRATCH/c/filters.d/zz.conf"
	hup_wait "reload refused"
	expect_serving
	rm "$SCRATCH/c/filters.d/zz.conf"
	sed -i '/^\[true\]/,/^$/d' "$SCRATCH/c/filters.d/broker.conf"
	hup_wait "policy reloaded"
	run $R true
	expect_status 99
}

# The command cannot be started although the decision allowed it: its
# executable vanished after the policy was loaded (96), or a set-up step
# fails in the child (its cwd vanished: 125, with the stage). The daemon
# starts the command itself; the caller gets the same statuses and
# messages as in direct mode, the exit is audited, the daemon serves on.
t_broker_start_failures() {
	broker_up
	mkdir -m 0755 "$SCRATCH/bin" "$SCRATCH/nodir"
	cp /usr/bin/true "$SCRATCH/bin/gone"
	chmod u+w "$SCRATCH/c/filters.d"
	printf '[gone]\nexec = %s\nargs =\ncallers = %s\n\n' \
		"$SCRATCH/bin/gone" "$U" > "$SCRATCH/c/filters.d/zz.conf"
	printf '[nocwd]\nexec = /usr/bin/id\nargs = -g\ncallers = %s\ncwd = %s\n' \
		"$U" "$SCRATCH/nodir" >> "$SCRATCH/c/filters.d/zz.conf"
	chmod go-w "$SCRATCH/c/filters.d/zz.conf"
	hup_wait "policy reloaded"
	run $R "$SCRATCH/bin/gone"
	expect_status 0
	run $R id -g
	expect_status 0
	rm "$SCRATCH/bin/gone"
	rmdir "$SCRATCH/nodir"
	run $R "$SCRATCH/bin/gone"
	expect_status 96
	expect_err "unable to run"
	run $R id -g
	expect_status 125
	expect_err "change directory"
	[ "$(grep -c '"event":"exit"' "$SCRATCH/audit.jsonl")" -ge 4 ] ||
		fail "exits not audited: $(cat "$SCRATCH/audit.jsonl")"
	expect_serving
}

# A %group caller: the daemon asks the group database (not the groups the
# client process holds), at the decision, so a member who dropped its
# supplementary groups is still let in and a removed member is not.
t_broker_group_callers() {
	command -v groupadd >/dev/null || skip "groupadd missing"
	broker_up
	G=rgtg$(od -An -N4 -tx1 /dev/urandom | tr -d " \n")
	groupadd "$G" || fail "unable to create the test group"
	trap 'broker_down; groupdel "$G" 2>/dev/null' EXIT
	gpasswd -a "$U" "$G" >/dev/null || fail "unable to add $U to $G"
	chmod u+w "$SCRATCH/c/filters.d"
	printf '[whoami-group]\nexec = /usr/bin/whoami\nargs =\ncallers = %%%s\n' \
		"$G" > "$SCRATCH/c/filters.d/zz-group.conf"
	chmod go-w "$SCRATCH/c/filters.d/zz-group.conf"
	hup_wait "policy reloaded"
	run setpriv --reuid="$U" --regid="$U" --clear-groups "$RG" \
		--socket "$S" whoami
	expect_status 0
	[ "$OUT" = root ] || fail "stdout: $OUT"
	gpasswd -d "$U" "$G" >/dev/null || fail "unable to remove $U from $G"
	run $R whoami
	expect_status 99
	expect_err "not permitted for this caller"
	expect_serving
}

t_broker_sigterm_waits_then_kills() {
	broker_up
	$R sleep 38 &
	c=$!
	sleep 0.7
	t0=$(date +%s)
	kill -TERM "$DPID"
	wait "$DPID" || true
	DPID=
	t1=$(date +%s)
	[ $((t1 - t0)) -le 4 ] || fail "shutdown took $((t1 - t0)) s"
	[ ! -e "$S" ] || fail "socket left behind"
	pgrep -f '^/usr/bin/sleep 38$' >/dev/null && fail "child left running"
	set +e
	wait "$c"
	st=$?
	set -e
	[ "$st" -ne 0 ] || fail "the client saw success"
}
