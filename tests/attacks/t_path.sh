# t_path.sh - path escapes: a path argument must name something beneath
# the rule's directory after resolution, and the command must open that
# very thing. The secret ($SCRATCH/secret) and the victim ($SCRATCH/victim)
# are outside the prefix $SCRATCH/base, but inside the rules' writable
# path ($SCRATCH), so only the path checks (and nosymfollow) stand between
# the attacker and them: the read-only mount does not.

path_setup() {
	attack_policy <<'P'
[cat]
exec = /usr/bin/cat
args = <f>
<f> = path @SCRATCH@/base file

[touch]
exec = /usr/bin/touch
args = <f>
<f> = path @SCRATCH@/base new
writable = @SCRATCH@

[tee]
exec = /usr/bin/tee
args = <f>
<f> = path @SCRATCH@/base new file
writable = @SCRATCH@
P
	B=$SCRATCH/base
	mkdir -p "$B" "$SCRATCH/base_evil" "$SCRATCH/outside"
	echo harmless > "$B/f"
	SECRET_TEXT="TOPSECRET-PATH-$$"
	echo "$SECRET_TEXT" > "$SCRATCH/secret"
	echo "$SECRET_TEXT" > "$SCRATCH/base_evil/secret"
	echo "$SECRET_TEXT" > "$SCRATCH/outside/secret"
	chmod 0600 "$SCRATCH/secret" "$SCRATCH/base_evil/secret" "$SCRATCH/outside/secret"
	echo "victim unchanged" > "$SCRATCH/victim"
	allowed cat "$B/f"
	[ "$OUT" = harmless ] || fail "control: $OUT"
}

# path_refused WHY ARG... : refused (99) with WHY in the message, and the
# secret is not in the output
path_refused() {
	_why=$1
	shift
	refused "$@"
	expect_err "$_why"
	case $OUT in *TOPSECRET*) fail "the secret was printed: $OUT" ;; esac
}

path_victim_intact() {
	[ "$(cat "$SCRATCH/victim")" = "victim unchanged" ] ||
		fail "the victim was written: $(cat "$SCRATCH/victim")"
}

t_path_dotdot() {
	path_setup
	mkdir -p "$B/x"
	path_refused "contains a '..' component" cat "$B/../secret"
	path_refused "contains a '..' component" cat "$B/./../secret"
	path_refused "contains a '..' component" cat "$B/x/../../secret"
	path_refused "contains a '..' component" cat "$B/x/.."
	path_refused "contains a '..' component" touch "$B/../pwned"
	path_refused "contains a '..' component" touch "$B/x/../../pwned"
	[ ! -e "$SCRATCH/pwned" ] || fail "created outside"
}

t_path_symlink_out() {
	path_setup
	ln -s "$SCRATCH/secret" "$B/abs"
	ln -s ../secret "$B/rel"
	ln -s /etc/passwd "$B/etc"
	ln -s abs "$B/chain"
	ln -s "$SCRATCH/victim" "$B/tovictim"
	for l in abs rel etc chain; do
		path_refused "is not beneath $SCRATCH/base" cat "$B/$l"
	done
	run sh -c "echo PWNED | $R tee '$B/tovictim'"
	expect_status 99
	expect_err "is not beneath"
	run $R touch "$B/tovictim"
	expect_status 99
	path_victim_intact
	[ "$(stat -c %Y "$SCRATCH/victim")" -lt "$(($(date +%s) + 1))" ]
}

# A directory component of the path is a symbolic link out of the prefix.
t_path_symlinked_parent() {
	path_setup
	ln -s "$SCRATCH/outside" "$B/sub"
	ln -s ../outside "$B/rsub"
	path_refused "is not beneath" cat "$B/sub/secret"
	path_refused "is not beneath" cat "$B/rsub/secret"
	path_refused "is not beneath" touch "$B/sub/new"
	path_refused "is not beneath" touch "$B/rsub//new/"
	run sh -c "echo PWNED | $R tee '$B/sub/new2'"
	expect_status 99
	[ ! -e "$SCRATCH/outside/new" ] && [ ! -e "$SCRATCH/outside/new2" ] ||
		fail "created through a symlinked parent"
}

# /base_evil is not beneath /base, however the strings compare.
t_path_prefix_sibling() {
	path_setup
	path_refused "is not beneath" cat "$SCRATCH/base_evil/secret"
	path_refused "is not beneath" touch "$SCRATCH/base_evil/new"
	path_refused "is not beneath" touch "$SCRATCH/basenew"
	ln -s "$SCRATCH/base_evil" "$B/ev"
	path_refused "is not beneath" cat "$B/ev/secret"
	# the prefix itself is not beneath itself (no prefix-ok)
	path_refused "is not beneath" touch "$B"
	path_refused "is not beneath" touch "$B/"
	[ ! -e "$SCRATCH/base_evil/new" ] && [ ! -e "$SCRATCH/basenew" ] ||
		fail "created beside the prefix"
}

# "//", "/./" and trailing "/" are what the kernel ignores; they neither
# hide a ".." nor make a file look like a directory.
t_path_slashes() {
	path_setup
	allowed cat "$SCRATCH//base//f"
	[ "$OUT" = harmless ] || fail "//: $OUT"
	allowed cat "$SCRATCH/./base/./f"
	[ "$OUT" = harmless ] || fail "/./: $OUT"
	path_refused "has a component that is not a directory" cat "$B/f/"
	path_refused "has a component that is not a directory" cat "$B/f/."
	path_refused "contains a '..' component" cat "$SCRATCH//base//..//secret"
	path_refused "is not beneath" cat "$SCRATCH/base_evil//secret"
	path_refused "is not beneath" cat "/$SCRATCH//base_evil/./secret"
	path_refused "has a component that is not a directory" cat "$SCRATCH/base_evil/secret/"
	path_refused "is not an absolute path" cat "${B#/}/f"
}

# /proc/self/cwd/... names rootgate's working directory (the caller's)
# when rootgate checks it, and the command's ("/") when the command opens
# it: the caller makes $B$SCRATCH/secret a harmless file, cds into $B and
# asks for /proc/self/cwd$SCRATCH/secret, which the command would read
# as $SCRATCH/secret.
t_path_proc_self_cwd() {
	path_setup
	mkdir -p "$B$SCRATCH"
	echo harmless > "$B$SCRATCH/secret"
	cd "$B"
	path_refused "passes through a /proc magic link" cat "/proc/self/cwd$SCRATCH/secret"
	path_refused "passes through a /proc magic link" cat "/proc/thread-self/cwd$SCRATCH/secret"
	# another process of the caller's, whose cwd it controls
	(cd "$B" && exec sleep 30) &
	P=$!
	trap 'kill $P 2>/dev/null || :; rm -rf "$SCRATCH"' EXIT
	path_refused "passes through a /proc magic link" cat "/proc/$P/cwd$SCRATCH/secret"
	kill $P
	wait $P 2>/dev/null || :
	trap 'rm -rf "$SCRATCH"' EXIT
	# a link beneath the prefix that leads into /proc
	ln -s /proc/self/cwd "$B/cwd"
	path_refused "passes through a /proc magic link" cat "$B/cwd$SCRATCH/secret"
	# a new file: checked as $B/pwned, created as /pwned
	path_refused "passes through a /proc magic link" touch /proc/self/cwd/pwned
	[ ! -e /pwned ] && [ ! -e "$B/pwned" ] || fail "created through /proc/self/cwd"
	cd /
}

# /proc/self/root and descriptors (/proc/self/fd/N, /dev/fd/N): rootgate's
# own, not the command's.
t_path_proc_root_and_fd() {
	path_setup
	path_refused "passes through a /proc magic link" cat "/proc/self/root$B/f"
	path_refused "passes through a /proc magic link" cat "/proc/thread-self/root$B/f"
	# the caller's descriptors 3 and up are closed before anything is
	# resolved; 0, 1 and 2 are rootgate's and the command's alike, but
	# still a magic link
	exec 3<"$B"
	path_refused "" cat /proc/self/fd/3/f
	path_refused "" cat /dev/fd/3/f
	exec 3<&-
	path_refused "passes through a /proc magic link" cat /dev/fd/0 <"$B/f"
	path_refused "passes through a /proc magic link" cat /proc/self/fd/0 <"$B/f"
}

# Lengths: a 255-byte component is fine, 256 is refused; a path of
# PATH_MAX bytes or more is refused before any lookup.
t_path_overlong() {
	path_setup
	c255=$(head -c 255 /dev/zero | tr '\0' a)
	echo harmless255 > "$B/$c255"
	allowed cat "$B/$c255"
	[ "$OUT" = harmless255 ] || fail "255-byte name: $OUT"
	path_refused "is too long" cat "$B/${c255}b"
	path_refused "is too long" touch "$B/${c255}b"
	# deep: just under PATH_MAX exists and works, one more component not
	d=$B
	while [ ${#d} -lt 3800 ]; do
		d=$d/$(head -c 200 /dev/zero | tr '\0' d)
	done
	mkdir -p "$d"
	echo deep > "$d/f"
	allowed cat "$d/f"
	[ "$OUT" = deep ] || fail "deep path: $OUT"
	long=$d/$(head -c 250 /dev/zero | tr '\0' e)/f
	[ ${#long} -ge 4096 ] || fail "test path only ${#long} bytes"
	path_refused "is too long" cat "$long"
	path_refused "is too long" touch "$long"
	huge=$B/$(python3 -c 'print("/".join(["x" * 200] * 400))')
	path_refused "is too long" cat "$huge"
}

# Invalid UTF-8 (a lone byte, an overlong '/', a surrogate): refused even
# when the file exists, and never echoed raw.
t_path_non_utf8() {
	path_setup
	for n in '\377' '\300\257' '\355\240\200' '\364\220\200\200'; do
		name=$(printf "x$n")
		echo harmless > "$B/$name"
		path_refused "is not valid UTF-8" cat "$B/$name"
		case $ERR in *"$name"*) fail "raw bytes in the message: $ERR" ;; esac
		expect_err '\x'
	done
}

# Control characters in a path (newline, ESC, DEL, C1 CSI): refused, and
# the message and the audit log carry them escaped.
t_path_control_bytes() {
	path_setup
	for n in '\n' '\033[2J' '\177' '\302\233' '\t'; do
		name=$(printf "y${n}z")
		echo harmless > "$B/$name"
		path_refused "contains a control character" cat "$B/$name"
		case $ERR in *"$(printf '\033')"*|*"$(printf '\302\233')"*|*"$(printf '\177')"*)
			fail "raw control bytes in the message" ;;
		esac
	done
	python3 -c '
import json, sys
for l in open(sys.argv[1], "rb"):
    assert all(b >= 0x20 and b != 0x7f for b in l.rstrip(b"\n")), l
    json.loads(l)
' "$SCRATCH/audit.jsonl" || fail "raw control bytes in the audit log"
}

# A dangling symbolic link as a new path: the tool would create the
# link's target, anywhere.
t_path_dangling_new() {
	path_setup
	ln -s "$SCRATCH/created-outside" "$B/dl"
	ln -s "$B/missing-target" "$B/dl2"
	path_refused "is a dangling symbolic link" touch "$B/dl"
	path_refused "is a dangling symbolic link" touch "$B/dl2"
	path_refused "is a dangling symbolic link" touch "$B/dl/"
	run sh -c "echo PWNED | $R tee '$B/dl'"
	expect_status 99
	expect_err "is a dangling symbolic link"
	[ ! -e "$SCRATCH/created-outside" ] || fail "created the link's target"
	[ ! -e "$B/missing-target" ] || fail "created the inner link's target"
	# the control: a plain new name is fine
	allowed touch "$B/newfile"
	[ -f "$B/newfile" ] || fail "control: no new file"
}

# The race. A user who owns the prefix directory swaps, as fast as it can
# (renameat2 RENAME_EXCHANGE), three names between a harmless entry and a
# link out of the prefix: base/x (a file / a link to the secret),
# base/d (a directory holding a harmless x / a link to a directory
# holding the secret as x) and base/w (a file / a link to the victim).
# Meanwhile root runs the allowed cat and tee on them, over and over.
# The secret must never be printed and the victim never written; each run
# is either allowed on the harmless file, denied (rootgate saw the link),
# or fails in the command (it met the link under nosymfollow).
t_path_race_symlink_swap() {
	path_setup
	command -v useradd >/dev/null || skip "useradd missing"
	command -v setpriv >/dev/null || skip "setpriv missing"
	PY=/usr/bin/python3
	[ -x "$PY" ] || skip "no /usr/bin/python3"
	U=rgp$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	useradd -M -r -s /usr/sbin/nologin "$U" || fail "unable to create the test user"
	SWP=
	trap 'set +e; [ -z "$SWP" ] || { kill "$SWP"; wait "$SWP"; } 2>/dev/null; userdel "$U" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
	mkdir -p "$B/d" "$SCRATCH/outside"
	echo harmless > "$B/x"
	ln -s "$SCRATCH/secret" "$B/x.alt"
	echo harmless > "$B/d/x"
	cp "$SCRATCH/secret" "$SCRATCH/outside/x"
	ln -s "$SCRATCH/outside" "$B/d.alt"
	echo harmless > "$B/w"
	ln -s "$SCRATCH/victim" "$B/w.alt"
	chown -R "$U:" "$B"
	chmod 0666 "$B/w"
	chmod 0600 "$SCRATCH/secret" "$SCRATCH/outside/x"
	chmod 0644 "$SCRATCH/victim"
	setpriv --reuid="$U" --regid="$U" --clear-groups cat "$SCRATCH/secret" \
		>/dev/null 2>&1 && fail "the test user can read the secret itself"
	cat > "$SCRATCH/swap.py" <<'PY'
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
base, stop, limit = sys.argv[1], sys.argv[2], time.time() + float(sys.argv[3])
pairs = [(base + "/" + n, base + "/" + n + ".alt") for n in ("x", "d", "w")]
pairs = [(a.encode(), b.encode()) for a, b in pairs]
n = 0
while time.time() < limit:
    for a, b in pairs:
        if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0:
            sys.exit("renameat2: errno %d" % ctypes.get_errno())
    n += 1
    if n % 1000 == 0 and os.path.exists(stop):
        break
print(n)
PY
	# 24 s, and on (up to 60 s more, on a slow machine) until 100 runs
	dur=24
	setpriv --reuid="$U" --regid="$U" --clear-groups \
		"$PY" "$SCRATCH/swap.py" "$B" "$SCRATCH/stop" "$((dur + 90))" \
		> "$SCRATCH/swaps" &
	SWP=$!
	sleep 0.3
	runs=0 ok=0 denied=0 cmdfail=0 other=0
	end=$(($(date +%s) + dur))
	hardend=$((end + 60))
	: > "$SCRATCH/all.out"
	while [ "$(date +%s)" -lt "$end" ] ||
		{ [ "$runs" -lt 100 ] && [ "$(date +%s)" -lt "$hardend" ]; }; do
		for a in "cat $B/x" "cat $B/d/x" "tee $B/w"; do
			set +e
			echo PWNED | $R $a >"$SCRATCH/.out" 2>"$SCRATCH/.err"
			st=$?
			set -e
			cat "$SCRATCH/.out" "$SCRATCH/.err" >> "$SCRATCH/all.out"
			runs=$((runs + 1))
			case $st in
			0) ok=$((ok + 1)) ;;
			99) denied=$((denied + 1)) ;;
			1) if grep -q "Too many levels of symbolic links" "$SCRATCH/.err"; then
				cmdfail=$((cmdfail + 1))
			   else
				other=$((other + 1))
				[ "$other" -gt 5 ] || echo "    $a: status 1: $(cat "$SCRATCH/.err")" >&2
			   fi ;;
			*) other=$((other + 1))
			   echo "    unexpected status $st: $(cat "$SCRATCH/.err")" >&2 ;;
			esac
		done
	done
	: > "$SCRATCH/stop"
	wait "$SWP" || fail "the swapper failed"
	SWP=
	echo "    race: $runs runs ($ok on the harmless file, $denied denied," \
		"$cmdfail stopped by nosymfollow, $other other) against" \
		"$(cat "$SCRATCH/swaps") x 3 swaps" >&2
	grep -q TOPSECRET "$SCRATCH/all.out" && fail "the secret was printed"
	path_victim_intact
	[ "$runs" -ge 100 ] || fail "only $runs runs"
	[ "$ok" -gt 0 ] || fail "no run reached the harmless file: the race proves nothing"
	[ "$(cat "$SCRATCH/swaps")" -ge 1000 ] || fail "only $(cat "$SCRATCH/swaps") swaps"
	[ "$other" -eq 0 ] || fail "$other runs ended otherwise"
}
