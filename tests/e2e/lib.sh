# lib.sh - helpers for the end-to-end tests (sourced by run.sh).
# Each test is a shell function t_NAME in tests/e2e/t_*.sh, run in its own
# subshell with `set -eu`; it passes by returning 0, fails by `fail`,
# and may `skip REASON` (a failure under CI=true: CI must be able to run
# everything it claims to test).

RG=${RG:-$TOP/$BUILD/rootgate}
DATA=$TOP/tests/data

fail() {
	echo "    FAIL: $*" >&2
	exit 1
}

skip() {
	if [ "${CI:-}" = true ]; then
		echo "    FAIL (would skip, but CI=true): $*" >&2
		exit 1
	fi
	echo "    SKIP: $*" >&2
	exit 77
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
}

# A fresh root-owned scratch directory, removed when the test's subshell
# exits (the trap is the subshell's own).
# Under /var/tmp, not /tmp: a sandboxed command gets a private /tmp, in
# which only a rule's writable paths appear.
scratch() {
	SCRATCH=$(mktemp -d "${E2E_TMPDIR:-/var/tmp}/rootgate-e2e.XXXXXX")
	chmod 0755 "$SCRATCH"
	trap 'rm -rf "$SCRATCH"' EXIT
}

# hup_wait TEXT : SIGHUP the test's daemon ($DPID) and wait, up to 5 s,
# for one more line holding TEXT in its log ($LOG) than before
hup_wait() {
	_n=$(grep -c "$1" "$LOG" || true)
	kill -HUP "$DPID"
	_i=0
	until [ "$(grep -c "$1" "$LOG" || true)" -gt "$_n" ]; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || fail "no '$1' after SIGHUP: $(cat "$LOG")"
		sleep 0.05
	done
}

# mkconf DIR FILE... : a configuration directory with these filter files
mkconf() {
	_d=$1
	shift
	mkdir -p "$_d/filters.d"
	for _f in "$@"; do
		cp "$_f" "$_d/filters.d/"
	done
	chmod -R go-w "$_d"
}

# run CMD... : run, capturing status, stdout and stderr in $ST $OUT $ERR
run() {
	set +e
	"$@" >"$SCRATCH/.out" 2>"$SCRATCH/.err"
	ST=$?
	set -e
	OUT=$(cat "$SCRATCH/.out")
	ERR=$(cat "$SCRATCH/.err")
}

expect_status() {
	[ "$ST" -eq "$1" ] || fail "status $ST, expected $1; stderr: $ERR; stdout: $(printf %s "$OUT" | head -c 400)"
}

expect_out() {
	case $OUT in
	*"$1"*) ;;
	*) fail "stdout lacks '$1': $(printf %s "$OUT" | head -c 600)" ;;
	esac
}

expect_err() {
	case $ERR in
	*"$1"*) ;;
	*) fail "stderr lacks '$1': $ERR" ;;
	esac
}

expect_err_lines() {
	_n=$(printf '%s\n' "$ERR" | grep -c . || true)
	[ "$_n" -eq "$1" ] || fail "stderr has $_n lines, expected $1: $ERR"
}

# in_nova_ns SCRIPT : run a shell script in a private mount namespace in
# which /var/lib is an empty tmpfs holding Nova's instance directory (the
# host's /var/lib is untouched)
in_nova_ns() {
	unshare -m sh -eu -c "
		mount -t tmpfs -o mode=755 rootgate-test /var/lib
		mkdir -p /var/lib/nova/instances/_base /var/lib/nova/instances/i1
		$1"
}

# daemon_children : DPID's children but its prepared inits (daemon.c,
# invariant 11), which are no run's and wait named rootgated-park
daemon_children() {
	for _k in $(ps -o pid= --ppid "$DPID"); do
		_c=$(cat "/proc/$_k/comm" 2>/dev/null) || continue
		[ "$_c" = rootgated-park ] || echo "$_k"
	done
}

# daemon_parked : the pids of DPID's prepared inits
daemon_parked() {
	for _k in $(ps -o pid= --ppid "$DPID"); do
		_c=$(cat "/proc/$_k/comm" 2>/dev/null) || continue
		[ "$_c" != rootgated-park ] || echo "$_k"
	done
}

# daemon_fds : DPID's descriptors but the three each prepared init costs
# it (its pidfd, status pipe and control socket: daemon.c, invariant 11)
daemon_fds() {
	_n=$(ls "/proc/$DPID/fd" | wc -l)
	echo $((_n - 3 * $(daemon_parked | grep -c .)))
}
