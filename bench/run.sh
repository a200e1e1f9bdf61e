#!/bin/bash
# bench/run.sh - rootgate's per-call cost, side by side with the anchors
# (a bare fork+exec of /bin/true, sudo, doas, bwrap, unshare, ...), in one
# run of ../shared/bench/anchors.sh (or $ANCHORS). Run as root:
#   make bench                      # full
#   BENCH_ARGS=--quick make bench   # fewer rounds
# Targets (issue 3): policy check without sandbox <= 2.2x /bin/true;
# default sandbox <= 3.0x; 150 rules <= 5% over 1 rule; sudo -n rootgate
# from a service user <= 1.3x sudo -n /bin/true.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
RG=$TOP/${BUILD:-build}/rootgate
ANCHORS=${ANCHORS:-$TOP/../shared/bench/anchors.sh}
[ -x "$RG" ] || { echo "bench: build first (make)" >&2; exit 1; }
[ -f "$ANCHORS" ] || { echo "bench: $ANCHORS not found (set ANCHORS)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }

W=$(mktemp -d /tmp/rootgate-bench.XXXXXX)
chmod 0755 "$W"
trap 'rm -rf "$W"' EXIT
# rootgate itself must be root-owned in a root-owned path for sudo to run
# it for uid 65534: install a copy
install -m 0755 "$RG" "$W/rootgate"

# mkpolicy DIR NRULES SANDBOX: NRULES-1 rules for other commands, then
# the one for /usr/bin/true (the worst case: matched last)
mkpolicy() {
	mkdir -p "$1/filters.d"
	{
		i=1
		while [ "$i" -lt "$2" ]; do
			printf '[other-%d]\nexec = /usr/bin/echo\nargs = arg%d <x>\n<x> = regex [a-z]{1,8}\n' "$i" "$i"
			[ "$3" = off ] && printf 'sandbox = off\n'
			i=$((i + 1))
		done
		printf '[true]\nexec = /usr/bin/true\nargs =\n'
		[ "$3" = off ] && printf 'sandbox = off\n'
		printf 'callers = nobody\n'
	} > "$1/filters.d/bench.conf"
	# the policy cache (direct mode) inside the scratch directory
	printf '[rootgate]\nsyslog = no\npolicy-cache = %s/cache\n' "$W" \
		> "$1/rootgate.conf"
	chmod -R go-w "$1"
}
mkpolicy "$W/p1-off" 1 off
mkpolicy "$W/p150-off" 150 off
mkpolicy "$W/p1-sbx" 1 on
mkpolicy "$W/p150-sbx" 150 on
"$W/rootgate" check "$W/p150-sbx/filters.d" >/dev/null

export SUDO_ALLOW="$W/rootgate"
# shellcheck disable=SC2086
bash "$ANCHORS" --sections 1,2,4 --install ${BENCH_ARGS:-} \
	--extra "rootgate, 1 rule, sandbox off=$W/rootgate --config $W/p1-off /bin/true" \
	--extra "rootgate, 150 rules, sandbox off=$W/rootgate --config $W/p150-off /bin/true" \
	--extra "rootgate, 1 rule, default sandbox=$W/rootgate --config $W/p1-sbx /bin/true" \
	--extra "rootgate, 150 rules, default sandbox=$W/rootgate --config $W/p150-sbx /bin/true" \
	--extra-nobody "sudo -n rootgate, 150 rules, sandbox off=/usr/bin/sudo -n $W/rootgate --config $W/p150-off /bin/true" \
	--extra-nobody "sudo -n rootgate, 150 rules, default sandbox=/usr/bin/sudo -n $W/rootgate --config $W/p150-sbx /bin/true"
