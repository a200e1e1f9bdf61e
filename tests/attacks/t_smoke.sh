# t_smoke.sh - the suite's own control: a rule that allows one thing.
t_smoke_control() {
	attack_policy <<'P'
[echo]
exec = /usr/bin/echo
args = hello
P
	allowed echo hello
	[ "$OUT" = hello ] || fail "output: $OUT"
	refused echo hello world
}
