#!/bin/sh
# run.sh - run every end-to-end test (tests/e2e/t_*.sh), each function in
# its own subshell, and end with the summary line CI reads:
#   N passed, N failed, N skipped
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
export TOP BUILD
pass=0 failn=0 skipn=0
failed=
for f in "$TOP"/tests/e2e/t_*.sh; do
	for t in $(sed -n 's/^\(t_[a-z0-9_]*\)() *{.*/\1/p' "$f"); do
		if [ -n "${E2E_ONLY:-}" ]; then
			case $t in *"$E2E_ONLY"*) ;; *) continue ;; esac
		fi
		(
			set -eu
			. "$TOP/tests/e2e/lib.sh"
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
[ -n "$failed" ] && echo "failed:$failed"
echo "e2e: $pass passed, $failn failed, $skipn skipped"
[ "$failn" -eq 0 ]
