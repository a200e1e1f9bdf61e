# t_policy.sh - loading, file safety, check: through the real program.

# The shipped policies load clean (inactive rules for tools this host
# lacks are fine; warnings are not).
t_check_shipped_policies() {
	scratch
	cp -r "$TOP/filters.d" "$TOP/examples" "$SCRATCH/"
	chmod -R go-w "$SCRATCH"
	run "$RG" check "$SCRATCH/filters.d" "$SCRATCH/examples/filters.d"
	expect_status 0
	expect_out "0 errors, 0 warnings"
	case $ERR in *warning*) fail "warnings: $ERR" ;; esac
}

# Each malformed file: exit 1 and exactly the golden stderr (every error,
# each naming file:line).
t_bad_filters_golden() {
	scratch
	n=0
	for f in "$DATA"/filters/bad/*.conf; do
		cp "$f" "$SCRATCH/"
		b=$(basename "$f")
		run "$RG" check "$SCRATCH/$b"
		expect_status 1
		got=$(printf '%s\n' "$ERR" | sed "s|$SCRATCH|@DIR@|g")
		want=$(cat "${f%.conf}.err")
		[ "$got" = "$want" ] || fail "$b: stderr differs:
--- want
$want
--- got
$got"
		expect_out "0 rules"
		n=$((n + 1))
	done
	[ "$n" -ge 7 ] || fail "only $n bad files"
}

t_good_filters_and_lint() {
	scratch
	cp "$DATA"/filters/good/*.conf "$SCRATCH/"
	run "$RG" check "$SCRATCH/minimal.conf"
	expect_status 0
	expect_out "1 rule, 0 errors, 0 warnings"
	run "$RG" check "$SCRATCH/lint-warnings.conf"
	expect_status 0
	expect_out "7 rules, 0 errors, 8 warnings"
	expect_err "rule reads-tmp: <f> is beneath /tmp, which the command sees private and empty"
	expect_err "rule tee-anything: sandbox = off"
	expect_err "<arg> accepts ANY argument [any-argument]"
	expect_err "a path prefix of / allows any file [path-anywhere]"
	expect_err "<word>: the regex accepts options and paths alike"
	expect_err "rule no-filter: seccomp = off: no system-call filter [no-seccomp]"
	expect_err "<f> may be new, but its directory is not in writable [not-writable]"
	expect_err "writable = /: the whole file system is writable [writable-root]"
}

# A configuration directory that is unsafe loads nothing (97 for a run).
t_file_safety() {
	need_root
	scratch
	mkconf "$SCRATCH/c" "$DATA/filters/good/minimal.conf"
	run "$RG" --config "$SCRATCH/c" explain -- true
	expect_status 0
	chmod g+w "$SCRATCH/c/filters.d/minimal.conf"
	run "$RG" --config "$SCRATCH/c" explain -- true
	expect_status 97
	expect_err "minimal.conf: unsafe file: writable by its group"
	chmod g-w,o+w "$SCRATCH/c/filters.d/minimal.conf"
	run "$RG" --config "$SCRATCH/c" true
	expect_status 97
	expect_err "unsafe file: writable by others"
	chmod o-w "$SCRATCH/c/filters.d/minimal.conf"
	chown 65534 "$SCRATCH/c/filters.d/minimal.conf"
	run "$RG" check "$SCRATCH/c/filters.d"
	expect_status 1
	expect_err "unsafe file: not owned by root"
	chown 0 "$SCRATCH/c/filters.d/minimal.conf"
	chmod o+w "$SCRATCH/c/filters.d"
	run "$RG" --config "$SCRATCH/c" explain -- true
	expect_status 97
	expect_err "filters.d: unsafe directory: writable by others"
	chmod o-w "$SCRATCH/c/filters.d"
	chown 65534 "$SCRATCH/c"
	run "$RG" --config "$SCRATCH/c" explain -- true
	expect_status 97
	expect_err "unsafe directory: not owned by root"
	chown 0 "$SCRATCH/c"
	mv "$SCRATCH/c/filters.d/minimal.conf" "$SCRATCH/real.conf"
	ln -s "$SCRATCH/real.conf" "$SCRATCH/c/filters.d/minimal.conf"
	run "$RG" --config "$SCRATCH/c" explain -- true
	expect_status 97
	expect_err "minimal.conf: unsafe file: is a symbolic link"
	run "$RG" --config "$SCRATCH/missing" explain -- true
	expect_status 97
	expect_err "unable to load configuration"
}

# A rule naming an executable a non-root user could replace is refused.
t_unsafe_executable() {
	need_root
	scratch
	mkdir -m 0755 "$SCRATCH/bin"
	cp /usr/bin/true "$SCRATCH/bin/mytrue"
	chown 65534 "$SCRATCH/bin/mytrue"
	printf '[t]\nexec = %s/bin/mytrue\nargs =\n' "$SCRATCH" > "$SCRATCH/t.conf"
	run "$RG" check "$SCRATCH/t.conf"
	expect_status 1
	expect_err "unsafe executable $SCRATCH/bin/mytrue: not owned by root"
	chown 0 "$SCRATCH/bin/mytrue"
	chmod 0777 "$SCRATCH/bin/mytrue"
	run "$RG" check "$SCRATCH/t.conf"
	expect_status 1
	expect_err "writable by others"
	chmod 0755 "$SCRATCH/bin/mytrue"
	chmod 0777 "$SCRATCH/bin"
	run "$RG" check "$SCRATCH/t.conf"
	expect_status 1
	expect_err "unsafe directory: writable by others"
	chmod 0755 "$SCRATCH/bin"
	run "$RG" check "$SCRATCH/t.conf"
	expect_status 0
}

t_list_and_keys() {
	scratch
	mkconf "$SCRATCH/c" "$TOP/filters.d/nova-libvirt.conf"
	run "$RG" --config "$SCRATCH/c" list
	expect_status 0
	expect_out "qemu-img-info ("
	expect_out "/usr/bin/qemu-img info { -f <fmt>, --output=json, [ --force-share ] } <image>"
	expect_out "<image>: path beneath /var/lib/nova/instances, a file"
	run "$RG" --config "$SCRATCH/c" list --json
	expect_status 0
	printf '%s' "$OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); assert len(r) == 13, len(r); assert r[0]["name"] == "qemu-img-info"' ||
		fail "list --json is not the expected JSON"
	if id nobody >/dev/null 2>&1; then
		run "$RG" --config "$SCRATCH/c" list --as nobody
		expect_status 0
		expect_out "nothing"
	fi
	run "$RG" keys
	expect_status 0
	expect_out "writable"
}

# Malformed invocations: one line naming the problem, status 98.
t_usage_errors() {
	scratch
	mkconf "$SCRATCH/c" "$DATA/filters/good/minimal.conf"
	for args in "--bogus" "check --bogus" "explain --bogus -- true" \
	    "list --frob" "list extra" "explain --as"; do
		# shellcheck disable=SC2086
		run "$RG" --config "$SCRATCH/c" $args
		expect_status 98
		expect_err_lines 1
		case $ERR in rootgate:*) ;; *) fail "$args: $ERR" ;; esac
	done
}

# explain --json stays valid JSON for any bytes, and loses none of them.
t_explain_json_bytes() {
	scratch
	mkconf "$SCRATCH/c" "$DATA/filters/good/minimal.conf"
	arg=$(printf 'a\377b\302\233c\033d')
	run "$RG" --config "$SCRATCH/c" explain --json -- true "$arg"
	expect_status 99
	printf '%s' "$OUT" | python3 -c '
import json, os, sys
d = json.load(sys.stdin)
assert os.fsencode(d["command"][1]) == b"a\xffb\xc2\x9bc\x1bd", d["command"]
' || fail "JSON: $OUT"
	case $OUT in *"$(printf '\302\233')"*|*"$(printf '\033')"*) fail "raw control bytes in JSON" ;; esac
}
