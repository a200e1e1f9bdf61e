# t_signals.sh - signals as an attack: the caller (who controls timing,
# its signal mask and dispositions, and the signals it sends) kills,
# stops, floods and starves rootgate and the broker while a command
# runs. Safe outcome: the command tree ends with rootgate (nothing
# survives to outlive its timeout), the caller gets the status the
# command's own death gives, and rootgate never dies of a signal it
# forwards.


SG_RULES='[probe-sleep]
exec = @SCRATCH@/bin/rg-probe
args = sleep <n>
<n> = int 1..100
timeout = 60s

[probe]
exec = @SCRATCH@/bin/rg-probe
args = <mode>
<mode> = set sigpipe trap

[sh]
exec = /usr/bin/sh
args = -c <script>
<script> = regex trap "" TERM HUP INT; sleep 1\.5; exit 5|sleep 1\.5

[yes]
exec = /usr/bin/yes
args = rg-attack'

sg_policy() {
	attack_policy <<P
$SG_RULES
P
	attack_probe
}

# sg_count : how many of this test's probe processes exist (the probe's
# path is unique to the test's scratch directory)
sg_count() {
	pgrep -f "^$P " | wc -l
}

# sg_start CMD... : start CMD in the background (BG=its pid), and wait
# until the probe tree (the sleeper and its two children) is up
sg_start() {
	"$@" >"$SCRATCH/.bgout" 2>"$SCRATCH/.bgerr" &
	BG=$!
	_i=0
	while [ "$(sg_count)" -lt 3 ]; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || fail "the probe tree did not start: $(cat "$SCRATCH/.bgerr")"
		sleep 0.05
	done
}

# sg_wait : wait for BG; ST its status
sg_wait() {
	set +e
	wait "$BG" 2>/dev/null
	ST=$?
	set -e
}

# sg_none_left : no probe process within 2 s
sg_none_left() {
	_i=0
	while [ "$(sg_count)" -gt 0 ]; do
		_i=$((_i + 1))
		[ $_i -lt 40 ] || fail "survivors: $(pgrep -af "^$P ")"
		sleep 0.05
	done
}

# sg_sig_tree SIG STATUS : SIG to rootgate kills the whole command tree
# (the probe, its child and its child that setsid()'d away) and the
# caller gets STATUS, as if the command had been run without rootgate.
sg_sig_tree() {
	sg_policy
	sg_start $R rg-probe sleep 30
	kill -"$1" "$BG"
	sg_wait
	[ "$ST" -eq "$2" ] || fail "status $ST after SIG$1, expected $2: $(cat "$SCRATCH/.bgerr")"
	sg_none_left
	grep -q '"event":"exit"' "$SCRATCH/audit.jsonl" ||
		fail "no exit record: rootgate itself died"
}

t_signals_sigterm_kills_tree() {
	sg_sig_tree TERM 143
}

t_signals_sigint_kills_tree() {
	sg_sig_tree INT 130
}

t_signals_sighup_kills_tree() {
	sg_sig_tree HUP 129
}

t_signals_sigquit_kills_tree() {
	sg_sig_tree QUIT 131
}

# SIGKILL cannot be forwarded: rootgate dies, and the init of the pid
# namespace (parent-death signal SIGKILL) takes the whole namespace with
# it, including the child that left the session.
t_signals_sigkill_rootgate() {
	sg_policy
	sg_start $R rg-probe sleep 30
	kill -KILL "$BG"
	sg_wait
	[ "$ST" -eq 137 ] || fail "status $ST"
	sg_none_left
}

# The caller stops rootgate (SIGSTOP) past the command's timeout, then
# continues it: the timeout still holds (124, at once), nothing survives.
t_signals_sigstop_past_timeout() {
	attack_policy <<'P'
[probe-sleep]
exec = @SCRATCH@/bin/rg-probe
args = sleep 30
timeout = 1s
grace = 200ms
P
	attack_probe
	sg_start $R rg-probe sleep 30
	kill -STOP "$BG"
	sleep 1.5
	[ "$(sg_count)" -eq 3 ] || fail "the tree changed while stopped"
	t0=$(date +%s%N)
	kill -CONT "$BG"
	sg_wait
	t1=$(date +%s%N)
	[ "$ST" -eq 124 ] || fail "status $ST after SIGSTOP/SIGCONT"
	[ $(( (t1 - t0) / 1000000 )) -lt 1500 ] ||
		fail "took $(( (t1 - t0) / 1000000 )) ms after SIGCONT"
	sg_none_left
}

# SIGSTOP/SIGCONT while the command runs within its time: the command
# finishes normally and its own status comes back.
t_signals_sigstop_sigcont_status() {
	sg_policy
	$R sh -c "sleep 1.5" &
	BG=$!
	sleep 0.3
	kill -STOP "$BG"
	sleep 0.3
	kill -CONT "$BG"
	sg_wait
	[ "$ST" -eq 0 ] || fail "status $ST: $(cat "$SCRATCH/.bgerr")"
}

# The caller ignores SIGPIPE before running rootgate (an ignored signal
# survives exec): the sandbox resets it, so a command that writes to a
# pipe nobody reads dies of it (141) instead of going on writing.
t_signals_sigpipe_ignored_by_caller() {
	sg_policy
	run python3 -c 'import os, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_IGN)
os.execv(sys.argv[1], sys.argv[1:])' $R rg-probe sigpipe
	expect_status 141
}

# stdout is a pipe whose reader goes away (`| head -n 1`): the command
# dies of SIGPIPE, rootgate reports 141 as an exit status (it does not
# die of it itself) and the endless writer is gone.
t_signals_stdout_reader_gone() {
	sg_policy
	run python3 - $R yes rg-attack <<'PY'
import subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)
line = p.stdout.readline()
p.stdout.close()
rc = p.wait(timeout=10)
print("line=%s rc=%d" % (line.decode().strip(), rc))
PY
	expect_status 0
	[ "$OUT" = "line=rg-attack rc=141" ] || fail "$OUT; $ERR"
	pgrep -f '^/usr/bin/yes rg-attack$' >/dev/null && fail "yes still runs"
	grep -q '"event":"exit"' "$SCRATCH/audit.jsonl" || fail "no exit record"
}

# Thousands of forwarded signals (SIGTERM, SIGHUP, SIGINT) while a
# command that ignores them runs: rootgate survives them all, forwards
# without dying or stalling, and returns the command's own status.
t_signals_flood_forwarded() {
	sg_policy
	"$RG" --config "$C" sh -c 'trap "" TERM HUP INT; sleep 1.5; exit 5' &
	BG=$!
	# wait until the shell ignores SIGTERM (bit 15 of SigIgn)
	_i=0
	until for p in $(pgrep -f '^/usr/bin/sh -c trap "" TERM'); do
		[ $(( 0x$(awk '/^SigIgn/ { print $2 }' /proc/$p/status) & 0x4000 )) -ne 0 ] &&
		echo yes; done | grep -q yes; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || fail "the shell did not start"
		sleep 0.02
	done
	python3 - "$BG" <<'PY'
import os, signal, sys
pid = int(sys.argv[1])
for i in range(3000):
    os.kill(pid, (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)[i % 3])
PY
	sg_wait
	[ "$ST" -eq 5 ] || fail "status $ST after the flood, expected 5"
}

# A flood of signals rootgate does not forward and whose default is to
# be ignored (SIGCHLD, SIGWINCH, SIGURG, SIGCONT): no effect on the run.
t_signals_flood_ignored() {
	sg_policy
	"$RG" --config "$C" sh -c 'sleep 1.5' &
	BG=$!
	sleep 0.2
	python3 - "$BG" <<'PY'
import os, signal, sys
pid = int(sys.argv[1])
sigs = (signal.SIGCHLD, signal.SIGWINCH, signal.SIGURG, signal.SIGCONT)
for i in range(4000):
    os.kill(pid, sigs[i % 4])
PY
	sg_wait
	[ "$ST" -eq 0 ] || fail "status $ST after the flood"
}

# The caller blocks every signal and ignores SIGTERM/SIGINT/SIGHUP before
# exec'ing rootgate, so that the command would inherit them and sit out
# its timeout's SIGTERM: the sandbox empties the mask and resets the
# dispositions, so the timeout's SIGTERM ends it at once (124), long
# before the 30 s grace.
t_signals_caller_mask_and_ignore() {
	attack_policy <<'P'
[probe-sleep]
exec = @SCRATCH@/bin/rg-probe
args = sleep 30
timeout = 500ms
grace = 30s
P
	attack_probe
	t0=$(date +%s)
	run python3 -c 'import os, signal, sys
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
    signal.signal(s, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals) - {signal.SIGKILL, signal.SIGSTOP})
os.execv(sys.argv[1], sys.argv[1:])' $R rg-probe sleep 30
	t1=$(date +%s)
	expect_status 124
	[ $((t1 - t0)) -le 4 ] || fail "took $((t1 - t0)) s: the grace was needed"
	sg_none_left
}

# --- the broker -----------------------------------------------------------

sg_fds() {
	daemon_fds
}

sg_serving() {
	run $R true
	expect_status 0
	kill -0 "$DPID" 2>/dev/null || fail "the daemon died: $(cat "$LOG")"
}

# the rule sg_serving calls, in every broker policy here
SG_TRUE_RULE='[true]
exec = /usr/bin/true
args =
callers = @USER@'

SG_BROKER_RULES="[probe-sleep]
exec = @SCRATCH@/bin/rg-probe
args = sleep <n>
<n> = int 1..100
callers = @USER@
timeout = 60s

$SG_TRUE_RULE"

# sg_mask KEY : the probe's KEY mask (SigIgn, ...) from $OUT, as a number
sg_mask() {
	_v=$(printf '%s\n' "$OUT" | sed -n "s|^$1=||p" | head -n 1)
	[ -n "$_v" ] || fail "no $1 in the probe's report: $OUT"
	echo $(( 0x$_v ))
}

# A daemon started with signals ignored (as under nohup, or from a shell
# that traps them) passes none of them on: each command - a fresh
# init's, a prepared init's, one without a sandbox - starts with none of
# them ignored, caught or blocked (SIG_IGN and the mask survive execve).
# Only those signals are looked at: a sanitizer build's probe catches
# SIGSEGV and others itself.
t_signals_broker_daemon_ignores() {
	attack_broker_up <<P
[probe-report]
exec = @SCRATCH@/bin/rg-probe
args = report
callers = @USER@

[probe-report-off]
exec = @SCRATCH@/bin/rg-probe
args = report off
callers = @USER@
sandbox = off
P
	attack_daemon_stop
	attack_daemon_start sh -c 'trap "" USR1 USR2 TTOU TSTP; exec "$@"' sh
	# USR1 10, USR2 12, TSTP 20, TTOU 22: bits 9, 11, 19, 21
	_m=$(( 0x280a00 ))
	[ $(( 0x$(awk '/^SigIgn/ { print $2 }' /proc/$DPID/status) & _m )) \
		-eq "$_m" ] || fail "the daemon does not ignore USR1 USR2 TSTP TTOU"
	for _a in report report report\ off; do
		# shellcheck disable=SC2086
		run $R rg-probe $_a
		expect_status 0
		for _k in SigIgn SigCgt SigBlk; do
			[ $(( $(sg_mask $_k) & _m )) -eq 0 ] ||
				fail "$_a: $_k=$(printf '%s\n' "$OUT" | sed -n "s|^$_k=||p")"
		done
	done
}

# A client killed (SIGKILL, no chance to say goodbye) while its command
# runs: the daemon sees the connection close and kills the init of the
# command's pid namespace, which takes the namespace with it: nothing
# survives.
t_signals_broker_client_killed() {
	attack_broker_up <<P
$SG_BROKER_RULES
P
	sg_serving
	fd0=$(sg_fds)
	sg_start $R rg-probe sleep 30
	kill -KILL "$BG"
	sg_wait
	sg_none_left
	sg_serving
	sleep 0.2
	[ "$(sg_fds)" -eq "$fd0" ] || fail "daemon fds $fd0 -> $(sg_fds)"
	[ -z "$(daemon_children)" ] || fail "children left"
}

# The same with a rule that has no pid namespace (namespaces = mount ipc
# uts, as device-mapper tools need): the killed client's command tree must
# not outlive it either - otherwise a caller escapes the rule's timeout
# and max-children-per-caller by killing its own clients.
t_signals_broker_client_killed_no_pidns() {
	attack_broker_up <<P
[probe-sleep]
exec = @SCRATCH@/bin/rg-probe
args = sleep <n>
<n> = int 1..100
callers = @USER@
namespaces = mount ipc uts
timeout = 60s

$SG_TRUE_RULE
P
	sg_start $R rg-probe sleep 30
	kill -KILL "$BG"
	sg_wait
	sg_none_left
	sg_serving
}

# sg_leftovers SANDBOX-LINE : the command exits at once, leaving two
# children behind (one in a session of its own), under a rule without a
# pid namespace. The broker replies only once it has killed and reaped
# them (daemon.c invariant 7): when the client returns, none is alive -
# looked at that moment, with no grace.
sg_leftovers() {
	attack_broker_up <<P
[probe-leave]
exec = @SCRATCH@/bin/rg-probe
args = leave <n>
<n> = int 1..100
callers = @USER@
$1

$SG_TRUE_RULE
P
	run $R rg-probe leave 30
	expect_status 0
	[ "$(sg_count)" -eq 0 ] ||
		fail "alive after the reply: $(pgrep -af "^$P ")"
	[ -z "$(daemon_children)" ] ||
		fail "children of the daemon after the reply"
	sg_serving
}

t_signals_broker_leftovers_no_pidns() {
	sg_leftovers "namespaces = mount ipc uts"
}

t_signals_broker_leftovers_sandbox_off() {
	sg_leftovers "sandbox = off"
}

# sg_broker_timeout NAMESPACES-LINE : through the broker, a command that
# ignores SIGTERM and has children (one in its own session) runs past its
# timeout: the daemon's loop sends SIGTERM, then SIGKILL after the grace,
# to the whole tree; the caller gets 124, and when it does nothing of
# the tree is alive. (A rule with sandbox = off has no timeout.)
sg_broker_timeout() {
	attack_broker_up <<P
[probe-sleep]
exec = @SCRATCH@/bin/rg-probe
args = sleep 60 ignterm
callers = @USER@
$1
timeout = 500ms
grace = 300ms

$SG_TRUE_RULE
P
	t0=$(date +%s)
	run $R rg-probe sleep 60 ignterm
	t1=$(date +%s)
	expect_status 124
	[ $((t1 - t0)) -le "$(bound 4)" ] || fail "took $((t1 - t0)) s"
	[ "$(sg_count)" -eq 0 ] ||
		fail "alive after the reply: $(pgrep -af "^$P ")"
	grep -q '"event":"exit"' "$SCRATCH/audit.jsonl" ||
		fail "no exit record"
	sg_serving
}

t_signals_broker_timeout_pidns() {
	sg_broker_timeout ""
}

t_signals_broker_timeout_no_pidns() {
	sg_broker_timeout "namespaces = mount ipc uts"
}

# SIGTERM to the daemon while a command runs: it stops listening, gives
# the command shutdown-timeout (1 s), kills it, and exits 0 with the
# socket removed and nothing left behind.
t_signals_broker_daemon_sigterm() {
	attack_broker_up <<P
$SG_BROKER_RULES
P
	sg_start $R rg-probe sleep 30
	t0=$(date +%s)
	kill -TERM "$DPID"
	set +e
	wait "$DPID"
	dst=$?
	set -e
	DPID=
	t1=$(date +%s)
	[ "$dst" -eq 0 ] || fail "the daemon exited $dst: $(cat "$LOG")"
	[ $((t1 - t0)) -le 4 ] || fail "shutdown took $((t1 - t0)) s"
	[ ! -e "$S" ] || fail "socket left behind"
	grep -q "rootgated: stopped" "$LOG" || fail "log: $(cat "$LOG")"
	sg_wait
	[ "$ST" -ne 0 ] || fail "the client saw success"
	sg_none_left
}

# A storm of SIGHUPs (each a reload): the daemon reloads, keeps serving,
# and holds no more descriptors than before.
t_signals_broker_sighup_storm() {
	attack_broker_up <<P
$SG_BROKER_RULES
P
	sg_serving
	fd0=$(sg_fds)
	i=0
	while [ $i -lt 100 ]; do
		kill -HUP "$DPID"
		i=$((i + 1))
	done
	sleep 0.5
	sg_serving
	grep -q "policy reloaded" "$LOG" || fail "no reload: $(cat "$LOG")"
	[ "$(sg_fds)" -eq "$fd0" ] || fail "daemon fds $fd0 -> $(sg_fds)"
}

# SIGPIPE to the daemon, and a client that leaves before its reply (the
# daemon's write then fails with EPIPE): the daemon ignores both.
t_signals_broker_sigpipe_ignored() {
	attack_broker_up <<P
$SG_BROKER_RULES
P
	kill -PIPE "$DPID"
	sleep 0.1
	sg_serving
	i=0
	while [ $i -lt 20 ]; do
		$R true & c=$!
		kill -KILL $c 2>/dev/null || true
		wait $c 2>/dev/null || true
		i=$((i + 1))
	done
	sleep 0.2
	sg_serving
}

# The caller (an unprivileged user in socket-group) tries to signal the
# daemon and the root command it started: EPERM, and both live on.
t_signals_broker_user_cannot_signal() {
	attack_broker_up <<P
$SG_BROKER_RULES
P
	sg_start $R rg-probe sleep 30
	cmd=$(pgrep -f "^$P " | head -n 1)
	for target in "$DPID" "$cmd"; do
		run $AS kill -KILL -- "$target"
		[ "$ST" -ne 0 ] || fail "kill $target as $U succeeded"
		expect_err "ermitted"
	done
	kill -0 "$DPID" || fail "the daemon died"
	[ "$(sg_count)" -eq 3 ] || fail "the command tree was hit: $(sg_count)"
	kill -TERM "$BG"
	sg_wait
	[ "$ST" -eq 143 ] || fail "status $ST"
	sg_none_left
}
