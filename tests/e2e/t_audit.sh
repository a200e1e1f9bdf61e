# t_audit.sh - `rootgate audit` (golden output for a native and a rootwrap
# filter set, --json, the knowledge-base lookup, exit statuses) and
# `rootgate import-rootwrap` (loadable, every command line the original
# allows is allowed by the import except the documented classes, and the
# Debian packages' filter files import into a policy `check` loads).

AUD=$DATA/audit
KB=$TOP/data/rootequiv.conf
export ROOTGATE_KB="$KB"

# the small rootwrap set in $SCRATCH/rw, @ROOT@ replaced, svc owned by nobody
small_rw() {
	mkdir -p "$SCRATCH/rw/f" "$SCRATCH/svc"
	: >"$SCRATCH/svc/f"
	chown -R nobody "$SCRATCH/svc"
	sed "s|@ROOT@|$SCRATCH|g" "$AUD/small.filters" >"$SCRATCH/rw/f/small.filters"
	printf '[DEFAULT]\nfilters_path=%s/rw/f\nexec_dirs=/usr/bin,/bin,/usr/sbin,/sbin\n' \
	    "$SCRATCH" >"$SCRATCH/rw/rootwrap.conf"
	chmod -R go-w "$SCRATCH/rw"
}

t_audit_native_golden() {
	scratch
	run "$RG" audit "$AUD/native.conf"
	expect_status 1
	printf '%s\n' "$OUT" | sed "s|$TOP/||g" >"$SCRATCH/got"
	sed "s|@KB@|$KB|" "$AUD/native.audit" | sed "s|$TOP/||g" >"$SCRATCH/want"
	diff -u "$SCRATCH/want" "$SCRATCH/got" >&2 ||
		fail "audit output differs from tests/data/audit/native.audit"
}

t_audit_rootwrap_golden() {
	need_root
	scratch
	small_rw
	run "$RG" audit --rootwrap-config "$SCRATCH/rw/rootwrap.conf"
	expect_status 1
	printf '%s\n' "$OUT" | sed -e "s|$SCRATCH|@ROOT@|g" -e "s|$TOP/||g" \
	    >"$SCRATCH/got"
	sed "s|@KB@|$KB|" "$AUD/small.audit" | sed "s|$TOP/||g" >"$SCRATCH/want"
	diff -u "$SCRATCH/want" "$SCRATCH/got" >&2 ||
		fail "audit output differs from tests/data/audit/small.audit"
	# the global option works too
	run "$RG" --rootwrap-config "$SCRATCH/rw/rootwrap.conf" audit
	expect_status 1
	expect_out "rule tee: root-equivalent: tee as root"
}

t_audit_json() {
	scratch
	run "$RG" audit --json "$AUD/native.conf"
	expect_status 1
	printf '%s' "$OUT" | python3 -c '
import json, sys
j = json.load(sys.stdin)
assert j["rules"] == 6, j["rules"]
assert j["root_equivalent"] == 3, j
ids = sorted(set(f["id"] for f in j["findings"]))
assert "root-equivalent" in ids and "root-not-needed" in ids, ids
acc = [f for f in j["findings"] if f["accepted"]]
assert len(acc) == 1 and acc[0]["rule"] == "chmod-accepted", acc
for f in j["findings"]:
    assert f["reason"] and f["suggest"] and f["line"] > 0, f
' || fail "bad JSON: $OUT"
}

t_audit_clean_and_lookup() {
	scratch
	# a confined policy: nothing root-equivalent, exit 0
	run "$RG" audit "$TOP/examples/filters.d/demo.conf"
	expect_status 0
	expect_out "0 root-equivalent"
	# --kb wins over $ROOTGATE_KB; a missing knowledge base is 97
	run "$RG" audit --kb "$SCRATCH/none.conf" "$AUD/native.conf"
	expect_status 97
	expect_err "$SCRATCH/none.conf: unable to open the knowledge base"
	ROOTGATE_KB=$SCRATCH/none.conf run "$RG" audit --kb "$KB" \
	    "$AUD/native.conf"
	expect_status 1
	# a broken knowledge base: every error, FILE:LINE
	printf '[tee]\nwhy = x\nfoo = 1\n[/etc/]\nwhy = y\n' >"$SCRATCH/bad.conf"
	run "$RG" audit --kb "$SCRATCH/bad.conf" "$AUD/native.conf"
	expect_status 97
	expect_err "bad.conf:3: unknown key 'foo'"
	expect_err "bad.conf:1: tee: an entry needs why and suggest"
	expect_err "bad.conf:4: /etc/: write the directory in canonical form"
	# the shipped knowledge base loads and an unknown option is 98
	run "$RG" audit --bogus
	expect_status 98
}

# cmd... | expected: same (both decide alike), stricter (documented:
# PathFilter), notimported (the filter is commented out), envabsent
# (documented: env-keep cannot require an EnvFilter's variables, so the
# import also allows the command without them)
IMPORT_CASES='same|tee @ROOT@/x
same|tee -a /etc/x
same|ls -l
same|ls -a
same|ls -x
same|ls -la
same|dd if=/dev/zero of=@ROOT@/svc/abc bs=4
same|dd if=/dev/zero of=@ROOT@/svc/ABC bs=4
same|chmod 0755 @ROOT@/svc/f
same|chmod 0755 @ROOT@/svc/new
same|chmod 0755 @ROOT@/svc
same|chmod 0755 @ROOT@/svc_evil/x
same|chmod 0700 @ROOT@/svc/f
stricter|chmod 0755 @ROOT@/svc/a/b/c
stricter|chmod 0755 @ROOT@/svc/../svc/f
same|cat @ROOT@/svc/f
same|cat /etc/hostname
same|cat /etc/passwd
same|head x
same|stat x
envabsent|true
same|privsep-helper --privsep_context a.b --privsep_sock_path /tmp/s/privsep.sock
same|dd if=/dev/zero of=/x
notimported|cp -a @ROOT@/svc/x
notimported|ip link
notimported|nice -n 5 stat x'

t_import_rootwrap_small() {
	need_root
	scratch
	small_rw
	mkdir -p "$SCRATCH/nat/filters.d"
	run "$RG" import-rootwrap "$SCRATCH/rw/rootwrap.conf"
	expect_status 0
	expect_err "rules imported"
	printf '%s\n' "$OUT" >"$SCRATCH/nat/filters.d/imported.conf"
	chmod -R go-w "$SCRATCH/nat"
	# each section names its source; the classes without a native form
	expect_out "small.filters:5:"
	expect_out "#   tee: CommandFilter, tee, root"
	expect_out "# NOT IMPORTED: killsleep"
	expect_out "# NOT IMPORTED: netns"
	expect_out "# NOT IMPORTED: chf"
	expect_out "# any arguments: \`rootgate audit\` flags it"
	expect_out "sandbox = off"
	expect_out "env-keep = A B"
	run "$RG" check "$SCRATCH/nat/filters.d/imported.conf"
	expect_status 0
	printf '%s\n' "$IMPORT_CASES" | while IFS='|' read -r want cmd; do
		cmd=$(printf '%s' "$cmd" | sed "s|@ROOT@|$SCRATCH|g")
		# shellcheck disable=SC2086
		run "$RG" --rootwrap-config "$SCRATCH/rw/rootwrap.conf" explain \
		    -- $cmd
		rw=$ST
		# shellcheck disable=SC2086
		run "$RG" --config "$SCRATCH/nat" explain -- $cmd
		nat=$ST
		case $want in
		same) [ "$rw" -eq "$nat" ] ||
			fail "$cmd: rootwrap $rw, import $nat" ;;
		envabsent) [ "$rw" -eq 99 ] && [ "$nat" -eq 0 ] ||
			fail "$cmd ($want): rootwrap $rw, import $nat" ;;
		*) [ "$rw" -eq 0 ] && [ "$nat" -eq 99 ] ||
			fail "$cmd ($want): rootwrap $rw, import $nat" ;;
		esac
	done
	# EnvFilter: the variables come from the caller's environment
	run "$RG" --rootwrap-config "$SCRATCH/rw/rootwrap.conf" explain \
	    -- env A=1 B=2 true x
	expect_status 0
	A=1 B=2 run "$RG" --config "$SCRATCH/nat" explain --json -- true x
	expect_status 0
	expect_out '"A=1"'
}

t_import_rootwrap_debian_loads() {
	need_root
	scratch
	. "$TOP/tests/e2e/t_rootwrap.sh"
	debian_filters
	n=0
	for d in $DEB_DIRS; do
		n=$((n + 1))
		printf '[DEFAULT]\nfilters_path=%s\nexec_dirs=/sbin,/usr/sbin,/bin,/usr/bin\n' \
		    "$d" >"$SCRATCH/deb$n.conf"
		mkdir -p "$SCRATCH/nat$n/filters.d"
		run "$RG" import-rootwrap "$SCRATCH/deb$n.conf"
		expect_status 0
		printf '%s\n' "$OUT" >"$SCRATCH/nat$n/filters.d/i.conf"
		chmod -R go-w "$SCRATCH/nat$n"
		run "$RG" check "$SCRATCH/nat$n/filters.d/i.conf"
		[ "$ST" -eq 0 ] || fail "$d: the import does not load: $ERR"
		expect_out " 0 errors"
		# the audit of the original runs through (1: root-equivalent)
		run "$RG" audit --rootwrap-config "$SCRATCH/deb$n.conf"
		[ "$ST" -le 1 ] || fail "$d: audit status $ST: $ERR"
		expect_out "audit: "
	done
	[ "$n" -ge 5 ] || fail "only $n filter directories"
}
