# t_vg_broker.sh - rootgated itself under memcheck (make check-valgrind;
# run by tests/e2e/run.sh with BUILD at the valgrind wrappers). In the
# e2e suite the daemon runs natively: it sandboxes every allowed
# command, which valgrind 3.19 cannot (clone3, seccomp). Here it runs
# under memcheck (VG_DAEMON=1, tests/valgrind/vgwrap.py) through
# everything that needs no sandbox: denials, a caller not permitted,
# hostile frames, reloads good and bad, a command whose sandbox cannot
# be set up (the error path back to the client), and SIGTERM, after
# which memcheck's verdict is the daemon's exit status.

. "$TOP/tests/e2e/t_broker.sh"

t_vg_broker_memcheck() {
	VG_DAEMON=1
	export VG_DAEMON
	broker_up
	unset VG_DAEMON
	run $R rm -rf /
	expect_status 99
	expect_err "rootgate: denied: rm: no rule for command 'rm'"
	run $R id
	expect_status 99
	expect_err "not permitted for this caller"
	# allowed: the daemon cannot clone3 the sandbox under valgrind
	run $R true
	expect_status 125
	for c in truncated oversized version garbage nofds toomanyfds \
	    badcounts unterminated signalfirst; do
		out=$(rawclient "$c") || fail "$c: $out"
		case $out in
		error:*) ;;
		*) fail "$c: no error reply: $out" ;;
		esac
	done
	chmod u+w "$SCRATCH/c/filters.d"
	echo '[broken' > "$SCRATCH/c/filters.d/zz.conf"
	kill -HUP "$DPID"
	sleep 1
	grep -q "reload refused" "$LOG" || fail "log: $(cat "$LOG")"
	rm "$SCRATCH/c/filters.d/zz.conf"
	kill -HUP "$DPID"
	sleep 1
	grep -q "policy reloaded" "$LOG" || fail "log: $(cat "$LOG")"
	run $R rm -rf /
	expect_status 99
	kill -TERM "$DPID"
	set +e
	wait "$DPID"
	st=$?
	set -e
	DPID=
	[ "$st" -eq 0 ] || fail "rootgated exited with $st under memcheck"
}
