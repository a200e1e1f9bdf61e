#!/bin/sh
# run.sh [DIR] - run every test of a suite (DIR/t_*.sh; default
# tests/e2e), each function t_NAME in its own subshell with `set -eu`,
# after tests/e2e/lib.sh and DIR/lib.sh if there is one, and end with the
# summary line CI reads:
#   SUITE: N passed, N failed, N skipped
# E2E_ONLY=SUBSTRING runs only the tests whose name contains it.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
export TOP BUILD
dir=${1:-$TOP/tests/e2e}
dir=$(cd "$dir" && pwd)
suite=$(basename "$dir")
pass=0 failn=0 skipn=0
failed=
# direct mode keeps a policy cache per configuration directory here
# (rootgate.filters(5), policy-cache); the suite's scratch
# configurations leave theirs behind: removed at the end
PCACHE=/var/cache/rootgate
had_pcache=false
[ ! -d "$PCACHE" ] || had_pcache=true
for f in "$dir"/t_*.sh; do
	for t in $(sed -n 's/^\(t_[a-z0-9_]*\)() *{.*/\1/p' "$f"); do
		if [ -n "${E2E_ONLY:-}" ]; then
			case $t in *"$E2E_ONLY"*) ;; *) continue ;; esac
		fi
		(
			set -eu
			. "$TOP/tests/e2e/lib.sh"
			[ ! -f "$dir/lib.sh" ] || [ "$dir" = "$TOP/tests/e2e" ] ||
				. "$dir/lib.sh"
			. "$f"
			"$t"
		)
		rc=$?
		case $rc in
		0) pass=$((pass + 1)); echo "ok   $t" ;;
		77) skipn=$((skipn + 1)); echo "skip $t" ;;
		*) failn=$((failn + 1)); failed="$failed $t"; echo "FAIL $t" ;;
		esac
	done
done
# a cache whose configuration directory (its third line) is gone and was
# a test's scratch directory
for c in "$PCACHE"/policy-*.cache; do
	[ -f "$c" ] || continue
	d=$(sed -n 3p "$c")
	case $d in
	*/rootgate-e2e.*|*/rootgate-*) [ -d "$d" ] || rm -f "$c" ;;
	esac
done
$had_pcache || rmdir "$PCACHE" 2>/dev/null || true
[ -n "$failed" ] && echo "failed:$failed"
echo "$suite: $pass passed, $failn failed, $skipn skipped"
[ "$failn" -eq 0 ]
