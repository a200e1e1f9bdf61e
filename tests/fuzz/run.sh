#!/bin/sh
# run.sh BINDIR OUTDIR SECONDS TIMEOUT PARALLEL HARNESS... - run each
# libFuzzer harness (BINDIR/HARNESS) for SECONDS on a scratch copy of its
# seed corpus and past crashes (OUTDIR/HARNESS/corpus: the repository is
# never written), PARALLEL at a time. Exit 1 if any found a crash, a leak,
# a sanitizer report or an input slower than TIMEOUT seconds, naming the
# file that reproduces it.
set -u
bindir=$1 out=$2 secs=$3 tmo=$4 par=$5
shift 5

run_one() {
	h=$1
	d=$out/$h
	rm -rf "$d"
	mkdir -p "$d/corpus" "$d/artifacts"
	for s in tests/fuzz/corpus/"$h" tests/fuzz/regress/"$h"; do
		[ -d "$s" ] && find "$s" -maxdepth 1 -type f \
			-exec cp {} "$d/corpus/" \;
	done
	case $h in
	fuzz_match) maxlen=4096 ;;
	*) maxlen=16384 ;;
	esac
	dict=
	[ -f "tests/fuzz/$h.dict" ] && dict=-dict=tests/fuzz/$h.dict
	echo "fuzz: $h: ${secs}s, corpus $(ls "$d/corpus" | wc -l) files"
	# shellcheck disable=SC2086
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ASAN_OPTIONS=detect_leaks=1 \
	"$bindir/$h" -max_total_time="$secs" -timeout="$tmo" \
		-rss_limit_mb=2048 -max_len="$maxlen" -print_final_stats=1 \
		-artifact_prefix="$d/artifacts/" $dict "$d/corpus" \
		>"$d/log" 2>&1
	rc=$?
	echo "$rc" >"$d/status"
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: $h: FAILED (status $rc); see $d/log" >&2
		grep -E '^==[0-9]+==ERROR|runtime error|^SUMMARY|Test unit written' \
			"$d/log" | head -n 8 >&2
		for a in "$d"/artifacts/*; do
			[ -f "$a" ] && echo "fuzz: $h: reproducer: $a" >&2
		done
	else
		grep -E '^#[0-9]+.*DONE' "$d/log" | tail -n 1 |
			sed "s/^/fuzz: $h: /"
		grep -E '^stat::(number_of_executed_units|peak_rss_mb)' \
			"$d/log" | sed "s/^/fuzz: $h: /"
	fi
}

pids=
n=0
for h in "$@"; do
	run_one "$h" &
	pids="$pids $!"
	n=$((n + 1))
	if [ "$n" -ge "$par" ]; then
		for p in $pids; do wait "$p"; done
		pids= n=0
	fi
done
for p in $pids; do wait "$p"; done

fail=0
for h in "$@"; do
	[ "$(cat "$out/$h/status" 2>/dev/null)" = 0 ] || fail=1
done
if [ "$fail" -ne 0 ]; then
	echo "fuzz: FAILED: once fixed, add each reproducer to" \
		"tests/fuzz/regress/HARNESS/ (doc/fuzzing.md)" >&2
	exit 1
fi
echo "fuzz: all harnesses clean"
