#!/bin/sh
# broker.sh - rootgated round trips, as ratios to a fork+exec+wait loop of
# /bin/true taken in the same run (see ../shared/perf-anchors.md, section
# 3 "Daemon" and "C broker floor"; ../shared/bench/anchors.sh measures
# oslo-rootwrap-daemon and the C broker floor side by side: run it with
# `--extra-nobody 'rootgate-broker=build/rootgate --socket SOCK /bin/true'`
# while a broker from this script is up to put us in its table).
# Needs root (it creates and removes a user). N=calls (default 2000);
# ROUNDS=paired rounds of the floor and the single-caller measurements
# (default 5, 0 to skip), each ratio against its own round's floor.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
N=${N:-2000}
W=$(mktemp -d /var/tmp/rootgate-bench.XXXXXX)
U=rgbench$$
chmod 755 "$W"
useradd -M -r -s /usr/sbin/nologin "$U"
P1='' P2=''
cleanup() {
	set +e
	[ -n "$P1" ] && kill "$P1"
	[ -n "$P2" ] && kill "$P2"
	wait 2>/dev/null
	userdel "$U"
	rm -rf "$W"
}
trap cleanup EXIT
cc -O2 -I"$TOP/include" -o "$W/bb" "$TOP/bench/broker_bench.c" \
	"$TOP/src/broker/proto.c"
mk() {	# mk NAME SANDBOX
	mkdir -p "$W/$1/filters.d"
	printf '[true]\nexec = /usr/bin/true\nargs =\ncallers = %s\nsandbox = %s\n' \
		"$U" "$2" > "$W/$1/filters.d/true.conf"
	printf '[rootgate]\nsyslog = no\nsocket-group = %s\n' "$U" \
		> "$W/$1/rootgate.conf"
	chmod -R go-w "$W/$1"
}
mk nosb off
mk sb on
# daemon start to first served call
"$W/bb" --first "$W/sb.sock" /usr/bin/true > "$W/first" &
F=$!
"$TOP/$BUILD/rootgated" --config "$W/sb" --socket "$W/sb.sock" \
	--foreground 2>/dev/null &
P1=$!
wait $F
"$TOP/$BUILD/rootgated" --config "$W/nosb" --socket "$W/nosb.sock" \
	--foreground 2>/dev/null &
P2=$!
sleep 0.3
# the median (ms) of a broker_bench report
med() { printf '%s\n' "$1" | sed -n 's/.*median \([0-9.]*\) ms.*/\1/p'; }
line() {	# line LABEL OUTPUT FLOOR_MEDIAN
	m=$(med "$2")
	p99=$(printf '%s\n' "$2" | sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p')
	rate=$(printf '%s\n' "$2" | sed -n 's/.*rate \([0-9]*\)\/s.*/\1/p')
	t=$(printf '%s\n' "$2" | sed -n 's/first-tenth \([0-9]*\)\/s last-tenth \([0-9]*\)\/s/\1 \2/p')
	printf '%-44s %8s ms  x%-5s p99 %7s ms (x%s)  %6s/s  tenths %s\n' \
		"$1" "$m" "$(echo "$m / $3" | bc -l | cut -c1-4)" "$p99" \
		"$(echo "$p99 / $m" | bc -l | cut -c1-4)" "$rate" "$t"
}
# Paired rounds: the floor and each single-caller measurement again,
# alternating, so that each ratio divides by the floor of its own round
# (this machine drifts by more than the differences measured between
# two loops a few seconds apart). ROUNDS=0 skips them.
ROUNDS=${ROUNDS:-5}
# middle of a list of numbers (the lower middle for an even count)
mid() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
if [ "$ROUNDS" -gt 0 ]; then
	n=$((N / ROUNDS))
	[ "$n" -ge 50 ] || n=50
	rn='' rs='' rf=''
	echo "paired rounds: $ROUNDS x $n calls (fresh client: $((n / 4)));" \
		"each ratio against the same round's floor"
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		fm=$(med "$("$W/bb" --loop "$n" /bin/true)")
		nm=$(med "$("$W/bb" "$W/nosb.sock" 1 "$n" /usr/bin/true)")
		sm=$(med "$("$W/bb" "$W/sb.sock" 1 "$n" /usr/bin/true)")
		cm=$(med "$(setpriv --reuid="$U" --regid="$U" --init-groups \
			"$W/bb" --loop $((n / 4)) "$TOP/$BUILD/rootgate" \
			--socket "$W/nosb.sock" /usr/bin/true)")
		a=$(echo "$nm / $fm" | bc -l | cut -c1-4)
		b=$(echo "$sm / $fm" | bc -l | cut -c1-4)
		c=$(echo "$cm / $fm" | bc -l | cut -c1-4)
		printf '  round %d: floor %s ms; no sandbox %s ms x%s;' \
			"$r" "$fm" "$nm" "$a"
		printf ' default sandbox %s ms x%s; fresh client %s ms x%s\n' \
			"$sm" "$b" "$cm" "$c"
		rn="$rn $a" rs="$rs $b" rf="$rf $c"
		r=$((r + 1))
	done
	# shellcheck disable=SC2086
	printf '  median of the rounds: no sandbox x%s, default sandbox x%s,' \
		"$(mid $rn)" "$(mid $rs)"
	# shellcheck disable=SC2086
	printf ' fresh client x%s (targets 1.3, 1.8, 2.5)\n' "$(mid $rf)"
fi
fl=$("$W/bb" --loop "$N" /bin/true)
f=$(med "$fl")
line "/bin/true fork+exec+wait (floor)" "$fl" "$f"
line "broker, persistent, no sandbox" "$("$W/bb" "$W/nosb.sock" 1 "$N" /usr/bin/true)" "$f"
line "broker, persistent, default sandbox" "$("$W/bb" "$W/sb.sock" 1 "$N" /usr/bin/true)" "$f"
line "broker, 2 clients, no sandbox" "$("$W/bb" "$W/nosb.sock" 2 $((N / 2)) /usr/bin/true)" "$f"
line "broker, 2 clients, default sandbox" "$("$W/bb" "$W/sb.sock" 2 $((N / 2)) /usr/bin/true)" "$f"
line "fresh rootgate client per call (uid $U)" "$(setpriv --reuid="$U" --regid="$U" --init-groups \
	"$W/bb" --loop $((N / 4)) "$TOP/$BUILD/rootgate" --socket "$W/nosb.sock" /usr/bin/true)" "$f"
line "sustained 10000, no sandbox" "$("$W/bb" "$W/nosb.sock" 1 10000 /usr/bin/true)" "$f"
echo "daemon start to first served call: $(cat "$W/first")"
