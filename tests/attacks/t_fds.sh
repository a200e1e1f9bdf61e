# t_fds.sh - descriptor leaks: the caller's open descriptors must not reach
# the command (only 0, 1 and 2), and a caller that starts rootgate with 0,
# 1 or 2 closed must not get a file rootgate opens (the executable, a
# filter file, the audit log) as the command's standard stream.

fds_setup() {
	attack_policy <<'P'
[ls-fd]
exec = /usr/bin/ls
args = -l /proc/self/fd

[cat-fd]
exec = /usr/bin/cat
args = <fd>
<fd> = set /proc/self/fd/3 /proc/self/fd/4 /proc/self/fd/5 /proc/self/fd/6 /proc/self/fd/7 /proc/self/fd/1000 /dev/fd/3

[sh-fd]
exec = /usr/bin/sh
args = -c <script>
<script> = regex (cat <&[0-9]+|echo PWNED >&[0-9]+|echo out-ok; echo err-ok >&2)

[cat-stdin]
exec = /usr/bin/cat
args =
P
	SECRET=$SCRATCH/secret
	echo "TOPSECRET-FDS-$$" > "$SECRET"
	chmod 0600 "$SECRET"
	VICTIM=$SCRATCH/victim
	echo "victim unchanged" > "$VICTIM"
	# the launcher: opens the descriptors, then execs rootgate
	cat > "$SCRATCH/fdlaunch.py" <<'PY'
import os, socket, sys
secret, victim, d = sys.argv[1], sys.argv[2], sys.argv[3]
def place(fd, want):
    if fd != want:
        os.dup2(fd, want)
        os.close(fd)
    os.set_inheritable(want, True)
place(os.open(secret, os.O_RDONLY), 3)
place(os.open(d, os.O_RDONLY | os.O_DIRECTORY), 4)
a, b = socket.socketpair()
place(a.detach(), 5)
place(os.open(secret, os.O_PATH), 6)
place(os.open(victim, os.O_WRONLY | os.O_APPEND), 7)
place(os.open(secret, os.O_RDONLY), 1000)
os.execv(sys.argv[4], sys.argv[4:])
PY
}

# fds_launch ARG... : rootgate ARG... with the caller's fds 3-7 and 1000
fds_launch() {
	run python3 "$SCRATCH/fdlaunch.py" "$SECRET" "$VICTIM" "$SCRATCH" \
		"$RG" --config "$C" "$@"
}

# The caller holds a secret file, a directory, a socket, an O_PATH
# descriptor, a writable file and fd 1000: the command sees 0, 1, 2 only
# (and the descriptor ls opens to read /proc/self/fd).
t_fds_caller_fds_not_inherited() {
	fds_setup
	fds_launch ls -l /proc/self/fd
	expect_status 0
	printf '%s\n' "$OUT" | awk '$9 ~ /^[0-9]+$/ { print $9, $11 }' > "$SCRATCH/fds"
	while read -r n target; do
		case $n in
		0|1|2) ;;
		*) case $target in
		   /proc/*/fd) ;;	# ls's own directory descriptor
		   *) fail "descriptor $n -> $target reached the command: $OUT" ;;
		   esac ;;
		esac
	done < "$SCRATCH/fds"
	[ "$(wc -l < "$SCRATCH/fds")" -le 4 ] || fail "descriptors: $OUT"
	case $OUT in *secret*|*victim*|*socket:*) fail "leak: $OUT" ;; esac
}

# Reading the caller's descriptors by number fails in the command.
t_fds_read_by_number() {
	fds_setup
	for p in /proc/self/fd/3 /proc/self/fd/4 /proc/self/fd/5 /proc/self/fd/6 \
	    /proc/self/fd/1000 /dev/fd/3; do
		fds_launch cat "$p"
		[ "$ST" -ne 0 ] || fail "cat $p succeeded: $OUT"
		case $OUT in *TOPSECRET*) fail "secret read through $p" ;; esac
	done
	fds_launch sh -c 'cat <&3'
	[ "$ST" -ne 0 ] || fail "cat <&3 succeeded"
	case $OUT in *TOPSECRET*) fail "secret read through fd 3" ;; esac
	fds_launch sh -c 'cat <&1000'
	case $OUT in *TOPSECRET*) fail "secret read through fd 1000" ;; esac
}

# Writing to the caller's writable descriptor fails: the victim file is
# unchanged.
t_fds_write_by_number() {
	fds_setup
	fds_launch sh -c 'echo PWNED >&7'
	[ "$ST" -ne 0 ] || fail "echo >&7 succeeded"
	[ "$(cat "$VICTIM")" = "victim unchanged" ] || fail "victim written: $(cat "$VICTIM")"
}

# fds_closed REDIR ARG... : rootgate ARG... with the given descriptor
# closed (REDIR is "<&-", ">&-" or "2>&-"); stdout and stderr are
# captured in $SCRATCH/.out and .err where still open
fds_closed() {
	_r=$1
	shift
	set +e
	case $_r in
	"<&-") "$RG" --config "$C" "$@" <&- >"$SCRATCH/.out" 2>"$SCRATCH/.err" ;;
	">&-") "$RG" --config "$C" "$@" >&- 2>"$SCRATCH/.err" ;;
	"2>&-") "$RG" --config "$C" "$@" 2>&- >"$SCRATCH/.out" ;;
	esac
	ST=$?
	set -e
	OUT=$(cat "$SCRATCH/.out" 2>/dev/null || :)
	ERR=$(cat "$SCRATCH/.err" 2>/dev/null || :)
}

# Standard input closed: the command must not read the executable, a
# filter file or the audit log as its input.
t_fds_closed_stdin() {
	fds_setup
	: > "$SCRATCH/.out"
	fds_closed "<&-" cat
	expect_status 0
	[ -z "$OUT" ] || fail "the command read something from a closed stdin: $(printf %s "$OUT" | head -c 200 | od -c | head -3)"
	fds_closed "<&-" ls -l /proc/self/fd
	expect_status 0
	case $OUT in
	*" 0 -> /dev/null"*) ;;
	*) fail "fd 0 of the command: $OUT" ;;
	esac
}

# Standard output closed: what the command prints must not land in the
# audit log or any file rootgate opened.
t_fds_closed_stdout() {
	fds_setup
	cp "$C/filters.d/attack.conf" "$SCRATCH/policy.before"
	fds_closed ">&-" sh -c 'cat <&3'
	fds_closed ">&-" sh -c 'echo out-ok; echo err-ok >&2'
	# the line printed on stdout: nowhere but /dev/null
	grep -r "out-ok" "$SCRATCH/audit.jsonl" | grep -v '"argv"' &&
		fail "the command's stdout went into the audit log"
	cmp -s "$SCRATCH/policy.before" "$C/filters.d/attack.conf" ||
		fail "the policy file changed"
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    json.loads(l)
' "$SCRATCH/audit.jsonl" || fail "the audit log is no longer JSON lines"
	expect_err "err-ok"
}

# Standard error closed: rootgate's own denial message, with the
# caller's bytes in it, must not land in the audit log.
t_fds_closed_stderr() {
	fds_setup
	fds_closed "2>&-" 'x"},{"allowed":true,"INJECT":"' y
	expect_status 99
	fds_closed "2>&-" sh -c 'echo out-ok; echo err-ok >&2'
	expect_status 0
	[ "$OUT" = out-ok ] || fail "stdout: $OUT"
	python3 - "$SCRATCH/audit.jsonl" <<'PY' || fail "audit log: $(cat "$SCRATCH/audit.jsonl")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 3, recs
assert recs[0]["allowed"] is False and "INJECT" not in recs[0], recs[0]
assert all("denied" not in json.dumps(r) for r in recs), recs
assert sum("err-ok" in json.dumps(r) for r in recs) == 1, recs  # its argv
PY
}
