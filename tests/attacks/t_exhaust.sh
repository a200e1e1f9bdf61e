# t_exhaust.sh - resource exhaustion: values past a rule's bounds, commands
# that eat processes, memory, CPU, file size and time, and input to
# rootgate itself (the command line, filter files) sized or shaped to
# exhaust its parser, matcher or stack. Safe outcome: a bounded, one-line
# refusal or a limit that holds; never a crash, a hang or a host effect.


ex_val() {
	printf '%s\n' "$OUT" | sed -n "s|^$1=||p" | head -n 1
}

# ex_spawn SPEC : run $R with a generated command line, from python, and
# report "status=N ms=N errlines=N errbytes=N" (status is -N when rootgate
# died of signal N, "E2BIG" when the kernel refused the exec). SPEC is a
# python expression for the argument list after the command name.
ex_spawn() {
	_spec=$1
	shift
	python3 - "$_spec" $R "$@" <<'PY'
import errno, subprocess, sys, time
spec, cmd = sys.argv[1], sys.argv[2:]
args = eval(spec)
t0 = time.monotonic()
try:
    p = subprocess.run(cmd + args, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=60)
except OSError as e:
    print("status=%s ms=0 errlines=0 errbytes=0" % errno.errorcode[e.errno])
    sys.exit(0)
ms = int((time.monotonic() - t0) * 1000)
err = p.stderr
print("status=%d ms=%d errlines=%d errbytes=%d" % (p.returncode, ms,
      err.count(b"\n"), len(err)))
sys.stderr.buffer.write(err[:400])
PY
}

# ex_check "status=99" MAXMS : the last ex_spawn result
ex_check() {
	case " $OUT " in
	*" $1 "*) ;;
	*) fail "expected $1: $OUT; stderr: $ERR" ;;
	esac
	_ms=$(printf '%s' "$OUT" | sed -n 's/.* ms=\([0-9]*\) .*/\1/p')
	[ "${_ms:-0}" -le "$(bound "$2")" ] ||
		fail "took $_ms ms (bound $(bound "$2")): $OUT"
}

# A size beyond the rule's maximum: refused naming the constraint, and
# no file of that size (or any) appears.
t_exhaust_size_beyond_bound() {
	attack_policy <<'P'
[fallocate]
exec = /usr/bin/fallocate
args = -l <len> <file>
<len> = size 1..1G
<file> = path @SCRATCH@/img new
writable = @SCRATCH@/img
P
	mkdir "$SCRATCH/img"
	allowed fallocate -l 1M "$SCRATCH/img/ok"
	[ "$(stat -c %s "$SCRATCH/img/ok")" -eq 1048576 ] || fail "control size"
	refused fallocate -l 2G "$SCRATCH/img/big"
	expect_err "<len>"
	refused fallocate -l 1073741825 "$SCRATCH/img/big"
	expect_err "<len>"
	[ ! -e "$SCRATCH/img/big" ] || fail "the file was created"
}

# Sizes that overflow 64 bits (with and without a suffix) do not wrap
# around into the allowed range.
t_exhaust_size_overflow() {
	attack_policy <<'P'
[fallocate]
exec = /usr/bin/fallocate
args = -l <len> <file>
<len> = size 1..1G
<file> = path @SCRATCH@/img new
writable = @SCRATCH@/img
P
	mkdir "$SCRATCH/img"
	for v in 18446744073709551616 18446744073709551617 17179869184G \
	    16E 99999999999999999999999999999999999999K; do
		refused fallocate -l "$v" "$SCRATCH/img/big"
		expect_err "<len>"
	done
	[ ! -e "$SCRATCH/img/big" ] || fail "the file was created"
}

# A fork bomb as a non-root run-as user stops at rlimit-nproc, leaves
# nothing behind, and the host can still fork.
t_exhaust_forkbomb() {
	attack_policy <<'P'
[bomb]
exec = @SCRATCH@/bin/rg-probe
args = forkbomb
user = nobody
rlimit-nproc = 40
P
	attack_probe
	run $R rg-probe forkbomb
	expect_status 0
	n=$(ex_val forks)
	[ -n "$n" ] && [ "$n" -lt 40 ] || fail "forks=$n: $OUT"
	[ "$(ex_val errno)" = EAGAIN ] || fail "errno=$(ex_val errno)"
	sleep 0.2
	! pgrep -f "^$P " >/dev/null || fail "left behind: $(pgrep -af "^$P ")"
	/bin/true || fail "the host cannot fork"
}

# A memory hog past rlimit-as: its allocations fail (the host's memory
# is not touched beyond the limit), and it ends.
t_exhaust_memory_hog() {
	attack_policy <<'P'
[hog]
exec = @SCRATCH@/bin/rg-probe
args = hog 4096
rlimit-as = 64M
P
	attack_probe
	run $R rg-probe hog 4096
	expect_status 1
	case $(ex_val hog) in
	"ENOMEM at "*) n=${OUT##*ENOMEM at } ;;
	*) fail "hog: $OUT" ;;
	esac
	[ "$n" -lt 64 ] || fail "allocated $n MiB under a 64 MiB limit"
}

# A CPU burner past rlimit-cpu: killed by the kernel (SIGXCPU, or SIGKILL
# at the hard limit) within a second or two of CPU time.
t_exhaust_cpu_limit() {
	attack_policy <<'P'
[spin]
exec = @SCRATCH@/bin/rg-probe
args = spin
rlimit-cpu = 1
timeout = 20s
P
	attack_probe
	t0=$(date +%s)
	run $R rg-probe spin
	t1=$(date +%s)
	[ "$ST" -eq 152 ] || [ "$ST" -eq 137 ] || fail "status $ST: $ERR"
	[ $((t1 - t0)) -le "$(bound 5)" ] || fail "took $((t1 - t0)) s"
}

# A command that ignores SIGTERM and has children (one in its own
# session) past its timeout: 124 after timeout + grace, nothing left.
t_exhaust_timeout_enforced() {
	attack_policy <<'P'
[sleeper]
exec = @SCRATCH@/bin/rg-probe
args = sleep 60 ignterm
timeout = 1s
grace = 300ms
P
	attack_probe
	t0=$(date +%s)
	run $R rg-probe sleep 60 ignterm
	t1=$(date +%s)
	expect_status 124
	[ $((t1 - t0)) -le "$(bound 4)" ] || fail "took $((t1 - t0)) s"
	! pgrep -f "^$P " >/dev/null || fail "left behind: $(pgrep -af "^$P ")"
}

# rlimit-fsize holds for the caller's own stdout too (a regular file):
# a command writing 10 MiB stops at 1 MiB (SIGXFSZ, 153).
t_exhaust_file_size_limit() {
	attack_policy <<'P'
[head]
exec = /usr/bin/head
args = -c <n> /dev/zero
<n> = int 1..100000000
rlimit-fsize = 1M
P
	set +e
	$R head -c 10485760 /dev/zero > "$SCRATCH/big" 2>"$SCRATCH/.err"
	ST=$?
	set -e
	[ "$ST" -eq 153 ] || fail "status $ST: $(cat "$SCRATCH/.err")"
	[ "$(stat -c %s "$SCRATCH/big")" -le 1048576 ] || fail "wrote past 1 MiB"
}

# 100,000 short arguments against a rule with a repeated placeholder:
# the matcher recurses per argument, and once overflowed its stack
# (SIGSEGV) near 20,000; now it stops at its depth limit and denies, in
# one line, quickly. 1,000 arguments still match (the control).
t_exhaust_many_short_args() {
	attack_policy <<'P'
[echo]
exec = /usr/bin/echo
args = <w>...
<w> = set a
P
	OUT=$(ex_spawn '["echo"] + ["a"] * 1000' 2>"$SCRATCH/.e")
	ERR=$(cat "$SCRATCH/.e")
	ex_check status=0 5000
	OUT=$(ex_spawn '["echo"] + ["a"] * 100000' 2>"$SCRATCH/.e")
	ERR=$(cat "$SCRATCH/.e")
	ex_check status=99 5000
	ex_check errlines=1 5000
	case $ERR in "rootgate: denied: echo:"*) ;; *) fail "stderr: $ERR" ;; esac
}

# The caller lowers its stack limit (which sudo passes on) to 512 KiB,
# then sends 2000 arguments: the matcher measures the stack it has left
# against RLIMIT_STACK, so this is a one-line denial, not a SIGSEGV; 20
# arguments still match on that stack (control; also with a sanitizer's
# larger frames).
t_exhaust_low_stack_many_args() {
	attack_policy <<'P'
[echo]
exec = /usr/bin/echo
args = <w>...
<w> = set a
P
	args=$(printf 'a %.0s' $(seq 20))
	run sh -c "ulimit -s 512 && exec $R echo $args"
	expect_status 0
	args=$(printf 'a %.0s' $(seq 2000))
	run sh -c "ulimit -s 512 && exec $R echo $args"
	expect_status 99
	expect_err_lines 1
	expect_err "rootgate: denied: echo: pattern match limit reached"
}

# A million arguments: more than the kernel passes (E2BIG at the
# caller's exec); rootgate never starts, nothing is recorded.
t_exhaust_million_args() {
	attack_policy <<'P'
[echo]
exec = /usr/bin/echo
args = <w>...
<w> = set a
P
	OUT=$(ex_spawn '["echo"] + ["a"] * 1000000' 2>&1)
	ex_check status=E2BIG 60000
	[ ! -s "$SCRATCH/audit.jsonl" ] || fail "rootgate ran"
}

# As many bytes of arguments as the kernel allows (15 of 128 KiB - 1, near
# ARG_MAX): denied in one bounded line (the argument is shown truncated),
# quickly.
t_exhaust_arg_max_bytes() {
	attack_policy <<'P'
[echo]
exec = /usr/bin/echo
args = hello
P
	OUT=$(ex_spawn '["echo"] + ["x" * 131071] * 15' 2>"$SCRATCH/.e")
	ERR=$(cat "$SCRATCH/.e")
	ex_check status=99 3000
	ex_check errlines=1 3000
	n=$(printf '%s' "$OUT" | sed -n 's/.*errbytes=\([0-9]*\).*/\1/p')
	[ "$n" -le 400 ] || fail "a $n-byte message"
}

# One argument of MAX_ARG_STRLEN - 1 bytes (the longest the kernel
# passes) is denied in one short line; one byte more is E2BIG at exec.
t_exhaust_max_arg_strlen() {
	attack_policy <<'P'
[echo]
exec = /usr/bin/echo
args = <w>
<w> = regex x+y
P
	OUT=$(ex_spawn '["echo", "x" * 131071]' 2>"$SCRATCH/.e")
	ERR=$(cat "$SCRATCH/.e")
	ex_check status=99 3000
	ex_check errlines=1 3000
	n=$(printf '%s' "$OUT" | sed -n 's/.*errbytes=\([0-9]*\).*/\1/p')
	[ "$n" -le 400 ] || fail "a $n-byte message"
	OUT=$(ex_spawn '["echo", "x" * 131072]' 2>&1)
	ex_check status=E2BIG 3000
}

# A gigabyte argument: the kernel refuses the exec (E2BIG); nothing of
# rootgate runs.
t_exhaust_gigabyte_arg() {
	attack_policy <<'P'
[echo]
exec = /usr/bin/echo
args = <w>
<w> = regex x+
P
	OUT=$(ex_spawn '["echo", "x" * (1 << 30)]' 2>&1)
	ex_check status=E2BIG 30000
	[ ! -s "$SCRATCH/audit.jsonl" ] || fail "rootgate ran"
}

# A filter file past 1 MiB: the whole configuration is refused (97) in
# one error, so a valid rule in another file does not run either.
t_exhaust_huge_filter_file() {
	attack_policy <<'P'
[touch]
exec = /usr/bin/touch
args = @SCRATCH@/w/ran
writable = @SCRATCH@/w
P
	mkdir "$SCRATCH/w"
	python3 - "$C/filters.d/zz-huge.conf" <<'PY'
import sys
out, n, i = [], 0, 0
while n <= 1 << 20:
    rule = "[r%d]\nexec = /usr/bin/true\nargs = a%d\n\n" % (i, i)
    out.append(rule)
    n += len(rule)
    i += 1
open(sys.argv[1], "w").write("".join(out))
PY
	chmod 0644 "$C/filters.d/zz-huge.conf"
	run $R touch "$SCRATCH/w/ran"
	expect_status 97
	expect_err "file too large"
	[ ! -e "$SCRATCH/w/ran" ] || fail "a partial policy ran a command"
}

# Ten thousand rules (just under the size limit) load, and the last one
# decides, in bounded time.
t_exhaust_many_rules() {
	attack_policy <<'P'
[first]
exec = /usr/bin/true
args = first
P
	python3 - "$C/filters.d/zz-many.conf" <<'PY'
import sys
open(sys.argv[1], "w").write("".join(
    "[r%d]\nexec = /usr/bin/true\nargs = a%d\n\n" % (i, i) for i in range(10000)))
PY
	chmod 0644 "$C/filters.d/zz-many.conf"
	t0=$(date +%s%N)
	allowed true a9999
	refused true a10000
	t1=$(date +%s%N)
	[ $(( (t1 - t0) / 1000000 )) -lt "$(bound 3000)" ] ||
		fail "two runs took $(( (t1 - t0) / 1000000 )) ms"
}

# ex_nested OPEN CLOSE N : a rule whose args nest N groups around one
# word, continued over lines of 150 bytes
ex_nested() {
	python3 - "$C/filters.d/attack.conf" "$1" "$2" "$3" <<'PY'
import sys
path, o, c, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
s = (o + " ") * n + "a" + (" " + c) * n if c else (o + " ") * n
lines = [s[i:i + 150] for i in range(0, len(s), 150)]
open(path, "w").write("[n]\nexec = /usr/bin/true\nargs = " +
                      "\n  ".join(lines) + "\n")
PY
}

# Optional groups nested past the limit (12): 13 and 5000 levels, the
# configuration is refused (97) with the reason, no crash.
t_exhaust_nested_brackets() {
	attack_policy </dev/null
	ex_nested '[' ']' 12
	allowed true a
	for n in 13 5000; do
		ex_nested '[' ']' $n
		run $R true a
		expect_status 97
		expect_err "nested too deeply"
	done
}

# Unordered groups nested 3000 deep: 97, no crash.
t_exhaust_nested_braces() {
	attack_policy </dev/null
	ex_nested '{' '}' 3000
	run $R true a
	expect_status 97
	expect_err "nested too deeply"
}

# 100,000 unclosed '[': 97, no crash, bounded time.
t_exhaust_unclosed_brackets() {
	attack_policy </dev/null
	ex_nested '[' '' 60000
	t0=$(date +%s)
	run $R true a
	t1=$(date +%s)
	expect_status 97
	[ $((t1 - t0)) -le "$(bound 3)" ] || fail "took $((t1 - t0)) s"
}

# A regex with catastrophic backtracking ((a+)+b) against a long
# argument: denied (match limit), in bounded time; the control matches.
t_exhaust_regex_backtracking() {
	attack_policy <<'P'
[echo]
exec = /usr/bin/echo
args = <x>
<x> = regex (a+)+b
P
	allowed echo aaaab
	for n in 30 5000 100000; do
		OUT=$(ex_spawn "['echo', 'a' * $n + 'c']" 2>"$SCRATCH/.e")
		ERR=$(cat "$SCRATCH/.e")
		ex_check status=99 2000
		ex_check errlines=1 2000
	done
	expect_err "limit"
}

# A pattern whose repeats split a run of equal words in exponentially
# many ways, against 300 of them and a mismatch: the step limit denies,
# quickly.
t_exhaust_pattern_backtracking() {
	attack_policy <<'P'
[echo]
exec = /usr/bin/echo
args = <x>... <x>... <x>... <x>... <x>... end
<x> = set a
P
	allowed echo a a a a a end
	OUT=$(ex_spawn "['echo'] + ['a'] * 300 + ['nope']" 2>"$SCRATCH/.e")
	ERR=$(cat "$SCRATCH/.e")
	ex_check status=99 3000
	ex_check errlines=1 3000
	expect_err "limit reached"
}
