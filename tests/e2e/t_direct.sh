# t_direct.sh - direct mode (`rootgate CMD...` as root) through the real
# program: what runs, what the caller gets back, what is refused.
# Enforcement from inside the child is proven in tests/unit/test_run.c;
# here: the statuses, the streams and the audit records a caller sees.

direct_conf() {
	need_root
	scratch
	mkdir -p "$SCRATCH/c/filters.d" "$SCRATCH/rw" "$SCRATCH/img"
	sed "s|@SCRATCH@|$SCRATCH|g" "$DATA/filters/good/direct.conf" \
		> "$SCRATCH/c/filters.d/direct.conf"
	printf '[rootgate]\naudit-log = %s/audit.jsonl\nsyslog = no\n' \
		"$SCRATCH" > "$SCRATCH/c/rootgate.conf"
	chmod -R go-w "$SCRATCH/c"
	R="$RG --config $SCRATCH/c"
}

t_direct_status_propagates() {
	direct_conf
	run $R sh -c 'exit 7'
	expect_status 7
	run $R sh -c 'kill -TERM $$'
	expect_status 143
	run $R sleep 30
	expect_status 124
	run $R sh -c 'sleep 30'
	expect_status 124
}

t_direct_streams_reach_caller() {
	direct_conf
	out=$(echo "through stdin" | $R cat)
	[ "$out" = "through stdin" ] || fail "stdin/stdout: '$out'"
	run $R ls /proc/self/fd
	expect_status 0
	[ "$(echo $OUT)" = "0 1 2 3" ] || [ "$(echo $OUT)" = "0 1 2" ] ||
		fail "descriptors in the child: $OUT"
}

t_direct_environment_is_built() {
	direct_conf
	run env -i MYVAR=kept LD_PRELOAD=/tmp/evil.so BASH_ENV=/tmp/x \
		PATH=/tmp/evil LANG=C.UTF-8 FIXED=0 $R env
	expect_status 0
	want="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LANG=C.UTF-8
MYVAR=kept
FIXED=1"
	[ "$OUT" = "$want" ] || fail "environment: $OUT"
}

t_direct_readonly_outside_writable() {
	direct_conf
	run $R touch "$SCRATCH/rw/ok"
	expect_status 0
	[ -f "$SCRATCH/rw/ok" ] || fail "no file created in a writable path"
	run $R touch "$SCRATCH/nope"
	expect_status 1
	expect_err "Read-only file system"
	[ ! -e "$SCRATCH/nope" ] || fail "wrote outside the writable paths"
}

t_direct_sandbox_seen_from_inside() {
	direct_conf
	run $R sh -c 'cat /proc/self/status'
	expect_status 0
	expect_out "NoNewPrivs:	1"
	expect_out "Seccomp:	2"
	expect_out "CapEff:	0000000000000000"
	expect_out "CapBnd:	0000000000000000"
	run $R id -u
	expect_status 0
	[ "$OUT" = "$(id -u nobody)" ] || fail "run-as user: $OUT"
}

t_direct_refusals() {
	direct_conf
	run $R sh -c 'rm -rf /'
	expect_status 99
	expect_err "rootgate: denied: sh: argument 2: <script>:"
	expect_err_lines 1
	run $R sleep 0x10
	expect_status 99
	run $R tee /etc/passwd
	expect_status 99
	expect_err "rootgate: denied: tee: no rule for command 'tee'"
	run $R touch /etc/evil
	expect_status 99
	run $R
	expect_status 98
	run "$RG" --config "$SCRATCH/missing" true
	expect_status 97
}

t_direct_qemu_img_end_to_end() {
	direct_conf
	I=$SCRATCH/img
	run $R qemu-img create -f qcow2 "$I/disk" 16M
	expect_status 0
	expect_out "Formatting '$I/disk', fmt=qcow2"
	run $R qemu-img info -f qcow2 --output=json "$I/disk"
	expect_status 0
	printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["format"] == "qcow2" and d["virtual-size"] == 16777216, d' ||
		fail "qemu-img info output: $OUT"
	run $R qemu-img convert -f qcow2 -O raw "$I/disk" "$I/disk.raw"
	expect_status 0
	[ "$(stat -c %s "$I/disk.raw")" -eq 16777216 ] || fail "converted size"
	# the same commands aimed outside the directory
	run $R qemu-img create -f qcow2 "$SCRATCH/rw/disk" 16M
	expect_status 99
	expect_err "is not beneath $I"
	run $R qemu-img info -f qcow2 --output=json /etc/passwd
	expect_status 99
	run $R qemu-img convert -f qcow2 -O raw "$I/disk" "$SCRATCH/out.raw"
	expect_status 99
	[ ! -e "$SCRATCH/out.raw" ] || fail "convert wrote outside"
	# a qemu-img error reaches the caller with qemu-img's own status
	run $R qemu-img info -f qcow2 --output=json "$I/disk.raw"
	expect_status 1
	expect_err "Image is not in qcow2 format"
}

t_direct_audit_records() {
	direct_conf
	run env SUDO_UID=1234 SUDO_USER=nova $R id -u
	run env SUDO_UID=1234 SUDO_USER=nova $R tee /etc/passwd
	python3 - "$SCRATCH/audit.jsonl" <<'PY' || fail "audit records"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert [r["event"] for r in recs] == ["decision", "exit", "decision"], recs
assert recs[0]["allowed"] is True and recs[0]["rule"] == "nobody-id"
assert recs[0]["argv"] == ["id", "-u"]
assert recs[1]["status"] == 0 and recs[1]["started"] is True
assert recs[2]["allowed"] is False and "no rule" in recs[2]["reason"]
assert all(r["mode"] == "direct" and r["uid"] == 0 for r in recs)
assert all(r["sudo_uid"] == "1234" for r in recs)
PY
}

# A decision that cannot be audited is not acted on: nothing runs.
t_direct_audit_failure_refuses() {
	direct_conf
	mkdir "$SCRATCH/audit.jsonl.d"
	sed -i "s|audit-log = .*|audit-log = $SCRATCH/audit.jsonl.d|" \
		"$SCRATCH/c/rootgate.conf"
	run $R touch "$SCRATCH/rw/ran"
	expect_status 125
	expect_err "unable to write the audit record"
	[ ! -e "$SCRATCH/rw/ran" ] || fail "ran without an audit record"
}

# The policy cache (rootgate.filters(5), policy-cache): written by the
# first run, mode 0600 and root's; later runs give the same output and
# status; a policy broken after it was written is still refused whole
# (97, the error's file and line), whichever command is asked for.
# That a current cache is read (only the command's rules parsed) is
# proven in tests/unit/test_pcache.c; strace is not a test dependency.
t_direct_policy_cache() {
	need_root
	scratch
	mkdir -p "$SCRATCH/c/filters.d"
	printf '[echo]\nexec = /usr/bin/echo\nargs = <w>\n<w> = regex [a-z]+\n' \
		> "$SCRATCH/c/filters.d/a.conf"
	printf '[true]\nexec = /usr/bin/true\nargs =\n' \
		> "$SCRATCH/c/filters.d/b.conf"
	printf '[rootgate]\nsyslog = no\npolicy-cache = %s/cache\n' \
		"$SCRATCH" > "$SCRATCH/c/rootgate.conf"
	chmod -R go-w "$SCRATCH/c"
	R="$RG --config $SCRATCH/c"
	run $R echo hello
	expect_status 0
	[ "$OUT" = hello ] || fail "first run: '$OUT'"
	set -- "$SCRATCH"/cache/policy-*.cache
	[ -f "$1" ] || fail "no cache written: $(ls -la "$SCRATCH/cache" 2>&1)"
	[ "$(stat -c '%a %U' "$1")" = "600 root" ] ||
		fail "cache mode: $(stat -c '%a %U' "$1")"
	[ "$(stat -c '%a' "$SCRATCH/cache")" = 700 ] ||
		fail "cache directory mode: $(stat -c '%a' "$SCRATCH/cache")"
	for _i in 1 2 3; do
		run $R echo hello
		expect_status 0
		[ "$OUT" = hello ] || fail "cached run: '$OUT'"
		run $R echo Hello
		expect_status 99
		expect_err "'Hello' does not match"
		run $R /bin/true
		expect_status 0
	done
	printf '[true]\nexec = /usr/bin/true\nargs =\nbogus = 1\n' \
		> "$SCRATCH/c/filters.d/b.conf"
	run $R echo hello
	expect_status 97
	expect_err "b.conf:4: unknown key 'bogus'"
	[ -z "$OUT" ] || fail "ran with a broken policy: '$OUT'"
	printf '[true]\nexec = /usr/bin/true\nargs =\n' \
		> "$SCRATCH/c/filters.d/b.conf"
	run $R echo hello
	expect_status 0
	# policy-cache = no: nothing written
	rm -rf "$SCRATCH/cache"
	printf '[rootgate]\nsyslog = no\npolicy-cache = no\n' \
		> "$SCRATCH/c/rootgate.conf"
	run $R echo hello
	expect_status 0
	[ ! -e "$SCRATCH/cache" ] || fail "cache written with policy-cache = no"
}
