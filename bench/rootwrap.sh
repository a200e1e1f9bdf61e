#!/bin/bash
# bench/rootwrap.sh - rootgate-rootwrap against oslo-rootwrap on the same
# configurations, in one run of ../shared/bench/anchors.sh (or $ANCHORS):
# a one-filter configuration, anchors.sh's synthetic 150-filter one, and
# one built from cinder's real filter files (Debian's cinder-common,
# downloaded here). Run as root. Issue 4's aim: at least 25x lower per
# call than oslo-rootwrap; sudo -n rootgate-rootwrap from a service user
# at least 5x faster than sudo -n oslo-rootwrap.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
RW=$TOP/${BUILD:-build}/rootgate-rootwrap
ANCHORS=${ANCHORS:-$TOP/../shared/bench/anchors.sh}
WORK=${WORK:-/tmp/gw-anchors}
export WORK
[ -x "$RW" ] || { echo "bench: build first (make)" >&2; exit 1; }
[ -f "$ANCHORS" ] || { echo "bench: $ANCHORS not found (set ANCHORS)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }

T=$(mktemp -d /var/tmp/rootgate-bench.XXXXXX)
chmod 0755 "$T"
trap 'rm -rf "$T"' EXIT
install -m 0755 "$RW" "$T/rootgate-rootwrap"
(cd "$T" && apt-get download cinder-common >/dev/null 2>&1) ||
	{ apt-get update -qq >/dev/null 2>&1; (cd "$T" && apt-get download cinder-common >/dev/null); }
dpkg-deb -x "$T"/cinder-common_*.deb "$T/x"
REAL=$(find "$T/x" -type d -name rootwrap.d | head -1)

# anchors.sh writes these configurations under $WORK/rootwrap (section 3)
C=$WORK/rootwrap
export SUDO_ALLOW="$T/rootgate-rootwrap"
# shellcheck disable=SC2086
bash "$ANCHORS" --sections 1,3 --install --real-filters "$REAL" ${BENCH_ARGS:-} \
	--extra "rootgate-rootwrap CONF(1 filter)=$T/rootgate-rootwrap $C/small/rootwrap.conf /bin/true" \
	--extra "rootgate-rootwrap CONF(150 filters)=$T/rootgate-rootwrap $C/synth150/rootwrap.conf /bin/true" \
	--extra "rootgate-rootwrap CONF(cinder filters)=$T/rootgate-rootwrap $C/real/rootwrap.conf /bin/true" \
	--extra-nobody "sudo -n rootgate-rootwrap CONF(1)=/usr/bin/sudo -n $T/rootgate-rootwrap $C/small/rootwrap.conf /bin/true"
