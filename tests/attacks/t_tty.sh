# t_tty.sh - terminal injection: the caller runs rootgate with a pseudo-
# terminal as its controlling terminal and standard input (as an admin's
# interactive shell would be), and the allowed command pushes characters
# into that terminal's input queue (TIOCSTI, TIOCLINUX paste) so that the
# shell runs them after rootgate exits as the admin. The command runs in
# a new session (no controlling terminal) and the system-call filter
# refuses both ioctls; nothing may reach the terminal's input.


tt_val() {
	printf '%s\n' "$OUT" | sed -n "s|^$1=||p" | head -n 1
}

tt_expect() {
	_got=$(tt_val "$1")
	[ "$_got" = "$2" ] || fail "$1=$_got, expected $2; output: $OUT"
}

# tt_pty CMD... : run CMD as the session leader of a new pty session
# whose slave is its controlling terminal and stdin (raw mode, no echo);
# stdout and stderr go to files. Sets ST, OUT, ERR and INJ, the bytes
# found in the terminal's input queue afterwards (hex, empty if none).
tt_pty() {
	python3 - "$SCRATCH/.out" "$SCRATCH/.err" "$@" > "$SCRATCH/.pty" <<'PY'
import fcntl, os, pty, sys, termios
outf, errf, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
m, s = pty.openpty()
a = termios.tcgetattr(s)
a[3] &= ~(termios.ICANON | termios.ECHO | termios.ISIG)
a[6][termios.VMIN] = 0
a[6][termios.VTIME] = 0
termios.tcsetattr(s, termios.TCSANOW, a)
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(s, termios.TIOCSCTTY, 0)
    os.dup2(s, 0)
    os.dup2(os.open(outf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 1)
    os.dup2(os.open(errf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2)
    os.closerange(3, 1024)
    os.execvp(cmd[0], cmd)
_, st = os.waitpid(pid, 0)
fcntl.fcntl(s, fcntl.F_SETFL, fcntl.fcntl(s, fcntl.F_GETFL) | os.O_NONBLOCK)
try:
    data = os.read(s, 65536)
except BlockingIOError:
    data = b""
print("status=%d" % os.waitstatus_to_exitcode(st))
print("injected=%s" % data.hex())
PY
	ST=$(sed -n 's/^status=//p' "$SCRATCH/.pty")
	INJ=$(sed -n 's/^injected=//p' "$SCRATCH/.pty")
	OUT=$(cat "$SCRATCH/.out")
	ERR=$(cat "$SCRATCH/.err")
	[ -n "$ST" ] || fail "the pty harness failed: $(cat "$SCRATCH/.pty")"
}

# "id; echo PWNED" plus a newline, as the probe pushes it
TT_TEXT='id;echo PWNED
'
TT_HEX=69643b6563686f2050574e45440a

tt_policy() {
	attack_policy <<'P'
[probe]
exec = @SCRATCH@/bin/rg-probe
args = tty <text>
<text> = regex [a-z; A-Z\n]+
P
	attack_probe
}

# tt_control : the probe's injection reaches the harness when nothing
# stops it (sandbox = off keeps root's CAP_SYS_ADMIN, which TIOCSTI
# accepts on any terminal): the detector works.
tt_control() {
	cat > "$C/filters.d/attack.conf" <<P
[probe]
exec = $SCRATCH/bin/rg-probe
args = tty <text>
<text> = regex [a-z; A-Z\\n]+
sandbox = off
P
	tt_pty $R rg-probe tty "$TT_TEXT"
	[ "$ST" -eq 0 ] || fail "control: status $ST: $ERR"
	tt_expect tiocsti OK
	[ "$INJ" = "$TT_HEX$TT_HEX" ] ||
		fail "control: the detector saw '$INJ' for an injection"
}

# TIOCSTI on stdin, a pty that is the caller's controlling terminal:
# refused by the filter (EPERM), nothing queued.
t_tty_tiocsti_direct() {
	tt_policy
	tt_pty $R rg-probe tty "$TT_TEXT"
	[ "$ST" -eq 0 ] || fail "status $ST: $ERR"
	tt_expect isatty 1
	tt_expect tiocsti EPERM
	[ -z "$INJ" ] || fail "injected into the caller's terminal: $INJ"
	tt_control
}

# CVE-2019-10063: the same ioctl with high bits set in the request
# (0xffffffff00005412), which a 64-bit compare in a filter lets through
# and the kernel truncates to TIOCSTI.
t_tty_tiocsti_high_bits() {
	tt_policy
	tt_pty $R rg-probe tty "$TT_TEXT"
	[ "$ST" -eq 0 ] || fail "status $ST: $ERR"
	tt_expect tiocsti_hi EPERM
	[ -z "$INJ" ] || fail "injected into the caller's terminal: $INJ"
}

# TIOCLINUX (set selection 2, paste 3, shift state 6, kmsg redirect 11,
# fg console 12, and with high bits): refused by the filter. On a pty
# the kernel itself would answer something else (see the control with
# seccomp = off), so EPERM is the filter's.
t_tty_tioclinux() {
	tt_policy
	tt_pty $R rg-probe tty "$TT_TEXT"
	[ "$ST" -eq 0 ] || fail "status $ST: $ERR"
	for k in 2 3 6 11 12 hi; do
		tt_expect tioclinux_$k EPERM
	done
	[ -z "$INJ" ] || fail "injected into the caller's terminal: $INJ"
	cat > "$C/filters.d/attack.conf" <<P
[probe]
exec = $SCRATCH/bin/rg-probe
args = tty <text>
<text> = regex [a-z; A-Z\\n]+
seccomp = off
P
	tt_pty $R rg-probe tty "$TT_TEXT"
	[ "$(tt_val tioclinux_3)" != EPERM ] ||
		fail "control: EPERM without the filter too: $OUT"
	[ -z "$INJ" ] || fail "injected without the filter: $INJ"
}

# The command is in a session of its own: the caller's terminal is not
# its controlling terminal and it cannot take it (TIOCSCTTY), open it as
# /dev/tty, or make itself the terminal's foreground group.
t_tty_no_controlling_terminal() {
	tt_policy
	tt_pty $R rg-probe tty "$TT_TEXT"
	[ "$ST" -eq 0 ] || fail "status $ST: $ERR"
	tt_expect sid_is_pid 1
	tt_expect devtty ENXIO
	tt_expect tiocsctty EPERM
	tt_expect tiocspgrp ENOTTY
	[ -z "$INJ" ] || fail "injected into the caller's terminal: $INJ"
}

# Escape sequences in a refused argument (set the window title, clear
# the screen, OSC 52 write to the clipboard) reach the caller's terminal
# escaped, never as raw bytes; the audit record escapes them too.
t_tty_escape_sequences_in_denial() {
	attack_policy <<'P'
[echo]
exec = /usr/bin/echo
args = hello
P
	esc=$(printf '\033]0;PWNED\007\033[2J\033]52;c;aWQK\007\233H')
	refused echo "$esc"
	expect_err '\x1b]0;PWNED\x07\x1b[2J'
	if printf '%s' "$ERR" | LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177\200-\377]')"; then
		fail "raw control bytes on stderr: $(printf '%s' "$ERR" | od -c | head)"
	fi
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$SCRATCH/audit.jsonl"; then
		fail "raw control bytes in the audit file"
	fi
}

# --- broker mode ---------------------------------------------------------

tt_broker_up() {
	attack_broker_up <<'P'
[probe]
exec = @SCRATCH@/bin/rg-probe
args = tty <text>
<text> = regex [a-z; A-Z\n]+
callers = @USER@
P
}

# Through the broker the caller's terminal travels as a descriptor to a
# command started by the daemon: still no TIOCSTI (plain or high bits),
# no TIOCLINUX, no controlling terminal, nothing queued.
t_tty_broker_tiocsti() {
	tt_broker_up
	tt_pty $R rg-probe tty "$TT_TEXT"
	[ "$ST" -eq 0 ] || fail "status $ST: $ERR"
	tt_expect isatty 1
	tt_expect tiocsti EPERM
	tt_expect tiocsti_hi EPERM
	tt_expect tioclinux_3 EPERM
	tt_expect sid_is_pid 1
	tt_expect devtty ENXIO
	tt_expect tiocsctty EPERM
	[ -z "$INJ" ] || fail "injected into the caller's terminal: $INJ"
	grep -q '"mode":"broker"' "$SCRATCH/audit.jsonl" || fail "not via the broker"
}
