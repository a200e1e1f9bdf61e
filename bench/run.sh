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

# Paired rounds (as bench/broker.sh): the floor and each direct-mode
# measurement again, alternating, each ratio against its own round's
# floor, and the 150-rule policy against the 1-rule one of the same
# round. One table row per configuration above is a single loop, and
# this machine drifts between two loops a few seconds apart by more than
# the 5% the rule-count target allows. ROUNDS=0 skips them; N calls per
# measurement (default 300).
ROUNDS=${ROUNDS:-5}
N=${N:-300}
mid() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
med() { sed -n 's/.*median \([0-9.]*\) ms.*/\1/p'; }
ratio() { echo "$1 / $2" | bc -l | cut -c1-4; }
pct() { echo "($1 / $2 - 1) * 100" | bc -l | awk '{printf "%.1f", $1}'; }
if [ "$ROUNDS" -gt 0 ]; then
	cc -O2 -I"$TOP/include" -o "$W/bb" "$TOP/bench/broker_bench.c" \
		"$TOP/src/broker/proto.c"
	echo
	echo "paired rounds: $ROUNDS x $N calls; ratios against the same round's floor"
	r1='' r150='' s1='' s150='' o150='' os150=''
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		fm=$("$W/bb" --loop "$N" /bin/true | med)
		a=$("$W/bb" --loop "$N" "$W/rootgate" --config "$W/p1-off" /usr/bin/true | med)
		b=$("$W/bb" --loop "$N" "$W/rootgate" --config "$W/p150-off" /usr/bin/true | med)
		c=$("$W/bb" --loop "$N" "$W/rootgate" --config "$W/p1-sbx" /usr/bin/true | med)
		d=$("$W/bb" --loop "$N" "$W/rootgate" --config "$W/p150-sbx" /usr/bin/true | med)
		printf '  round %d: floor %s ms; sandbox off %s / %s ms (1 / 150 rules) x%s, 150 rules %s%% over 1;' \
			"$r" "$fm" "$a" "$b" "$(ratio "$a" "$fm")" "$(pct "$b" "$a")"
		printf ' default sandbox %s / %s ms x%s, 150 rules %s%% over 1\n' \
			"$c" "$d" "$(ratio "$c" "$fm")" "$(pct "$d" "$c")"
		r1="$r1 $(ratio "$a" "$fm")" r150="$r150 $(ratio "$b" "$fm")"
		s1="$s1 $(ratio "$c" "$fm")" s150="$s150 $(ratio "$d" "$fm")"
		o150="$o150 $(pct "$b" "$a")" os150="$os150 $(pct "$d" "$c")"
		r=$((r + 1))
	done
	# shellcheck disable=SC2086
	printf '  median of the rounds: sandbox off x%s (150 rules x%s, %s%% over 1 rule);' \
		"$(mid $r1)" "$(mid $r150)" "$(mid $o150)"
	# shellcheck disable=SC2086
	printf ' default sandbox x%s (150 rules x%s, %s%%)\n' \
		"$(mid $s1)" "$(mid $s150)" "$(mid $os150)"
	echo "  targets: sandbox off <= 2.2x, default sandbox <= 3.0x, 150 rules <= +5%"
fi
