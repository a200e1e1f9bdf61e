#!/bin/sh
# report.sh LOGDIR SKIPPED - the summary of `make check-valgrind`
# (mk/quality.mk): every memcheck log in LOGDIR, the suites' statuses,
# and what was not run under valgrind, with why. Exit 1 on any error,
# leak or test failure.
set -u
logs=$1
skipped=$2
st=0

echo
echo "=== valgrind memcheck summary ==="
for s in unit e2e daemon; do
	r=$(cat "$logs/$s.status" 2>/dev/null || echo missing)
	case $s in
	unit) what="unit suites" ;;
	e2e) what="e2e suite, programs wrapped" ;;
	daemon) what="rootgated under memcheck (tests/valgrind)" ;;
	esac
	if [ "$r" = 0 ]; then
		echo "suite: $what: passed"
	else
		echo "suite: $what: FAILED (see $logs/$s.out)"
		st=1
	fi
done

n=0 bad=0 killed=0
for f in "$logs"/*.log; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	if ! grep -q 'ERROR SUMMARY:' "$f"; then
		# no summary: the process was killed (SIGKILL by a test)
		killed=$((killed + 1))
		echo "no summary (killed): $f: $(sed -n 's/^==[0-9]*== Command: //p' "$f")"
	elif ! grep -q 'ERROR SUMMARY: 0 errors' "$f"; then
		bad=$((bad + 1))
		echo "--- errors: $f"
		grep -v '^==[0-9]*== *$' "$f" | head -n 60
	fi
done
for k in unit rootgate rootgate-rootwrap rootgated preflight; do
	c=$(ls "$logs" | grep -c "^$k\..*\.log$\|^$k-.*\.log$")
	echo "processes under memcheck: $k: $c"
done
echo "processes under memcheck: $n, with errors or leaks: $bad," \
    "killed before their summary: $killed"
[ "$n" -gt 0 ] || st=1
[ "$bad" -eq 0 ] || st=1

echo
echo "=== not run under valgrind (covered by make check-asan) ==="
for s in $skipped; do
	echo "unit suite '$s' (tests/unit/test_$s.c): every test creates a" \
	    "sandbox (clone3, seccomp), which valgrind 3.19 cannot run"
done
if [ -s "$logs/native.list" ]; then
	echo "program invocations run natively, after a memchecked" \
	    "pre-flight (explain) where one applies:"
	sed 's/:.*//' "$logs/native.list" | sort | uniq -c
	echo "(the list: $logs/native.list)"
fi
echo
if [ $st = 0 ]; then
	echo "check-valgrind: $n processes, 0 errors, 0 leaks"
else
	echo "check-valgrind: FAILED"
fi
exit $st
