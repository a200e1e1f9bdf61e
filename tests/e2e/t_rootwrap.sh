# t_rootwrap.sh - rootgate-rootwrap against the real oslo.rootwrap 6.3.1:
# the same exit statuses and stderr on the same configurations, the real
# filter files of Debian's packages load, and the differential test
# (tests/rootwrap/diff.py) over a hand-written set and those files.

RGRW=$TOP/$BUILD/rootgate-rootwrap
PY=/usr/bin/python3
# the Debian packages whose filter files are compared (real names, from
# apt-cache: os-brick's files are in os-brick-common)
DEB_PKGS="cinder-common neutron-common manila-common os-brick-common ironic-common"

need_oslo() {
	need_root
	if ! $PY -c 'import oslo_rootwrap' 2>/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    python3-oslo.rootwrap >/dev/null 2>&1 ||
			skip "python3-oslo.rootwrap is not installable"
	fi
	command -v oslo-rootwrap >/dev/null || skip "no oslo-rootwrap"
}

# a configuration in $SCRATCH/c: rootwrap.conf + f/t.filters (stdin)
rwconf() {
	mkdir -p "$SCRATCH/c/f"
	cat >"$SCRATCH/c/f/t.filters"
	printf '[DEFAULT]\nfilters_path=%s/c/f\nexec_dirs=/usr/bin,/bin\n%s' \
	    "$SCRATCH" "${1:-}" >"$SCRATCH/c/rootwrap.conf"
	chmod -R go-w "$SCRATCH/c"
}

# both CONF ARGS... : run oslo-rootwrap and rootgate-rootwrap (their
# argv[0] prefix read as "rw"), and require the same status, stdout and stderr
both() {
	set +e
	_o=$(command -v oslo-rootwrap)
	(cd "$SCRATCH" && exec "$_o" "$@") \
	    >"$SCRATCH/o.out" 2>"$SCRATCH/o.tmp"
	ost=$?
	(cd "$SCRATCH" && exec "$RGRW" "$@") \
	    >"$SCRATCH/r.out" 2>"$SCRATCH/r.tmp"
	rst=$?
	set -e
	sed "s|^$_o: |rw: |" "$SCRATCH/o.tmp" >"$SCRATCH/o.err"
	# under check-valgrind argv[0] is the real program, not $RGRW
	sed -e "s|^$RGRW: |rw: |" -e "s|^[^ :]*/rootgate-rootwrap: |rw: |" \
	    "$SCRATCH/r.tmp" >"$SCRATCH/r.err"
	[ "$ost" -eq "$rst" ] || fail "$*: status oslo $ost, rootgate $rst; " \
	    "stderr oslo: $(cat "$SCRATCH/o.err") rootgate: $(cat "$SCRATCH/r.err")"
	cmp -s "$SCRATCH/o.err" "$SCRATCH/r.err" || fail "$*: stderr differs:" \
	    "oslo: $(cat "$SCRATCH/o.err") rootgate: $(cat "$SCRATCH/r.err")"
	cmp -s "$SCRATCH/o.out" "$SCRATCH/r.out" || fail "$*: stdout differs"
}

t_rootwrap_cli_same_as_oslo() {
	need_oslo
	scratch
	rwconf <<'F'
[Filters]
cat: CommandFilter, cat, root
sh: CommandFilter, sh, root
ls: RegExpFilter, ls, root, ls, -l|-a
envf: EnvFilter, env, root, FOO=, printenv
missing: CommandFilter, no_such_tool_x, root
missing2: CommandFilter, no_such_tool_y, root
pwd: CommandFilter, pwd, root
F
	C=$SCRATCH/c/rootwrap.conf
	both
	both "$C"
	both /nonexistent/rootwrap.conf cat /etc/hostname
	both "$C" cat /etc/hostname
	both "$C" rm -rf /
	both "$C" no_such_tool_x a
	both "$C" ls -a
	both "$C" ls -q
	both "$C" env FOO=1 printenv FOO
	both "$C" env FOO=1 tool
	both "$C" env
	both "$C" sh -c 'exit 3'
	both "$C" sh -c 'echo out; echo err >&2; exit 97'
	both "$C" sh -c 'kill -TERM $$'
	both "$C" sh -c 'kill -KILL $$'
	both "$C" pwd
	both "$C" sh -c 'ulimit -n'
	both "$C" sh -c 'ls /proc/self/fd | wc -l' 3</dev/null
	printf '[DEFAULT]\nfilters_path=%s/c/f\nuse_syslog=maybe\n' \
	    "$SCRATCH" >"$SCRATCH/c/bad.conf"
	both "$SCRATCH/c/bad.conf" cat x
	printf '[DEFAULT]\nfilters_path=%s/c/f\nsyslog_log_level=5\n' \
	    "$SCRATCH" >"$SCRATCH/c/bad2.conf"
	both "$SCRATCH/c/bad2.conf" cat x
	printf '[DEFAULT]\nfilters_path=%s/c/f\nrlimit_nofile=abc\n' \
	    "$SCRATCH" >"$SCRATCH/c/bad3.conf"
	both "$SCRATCH/c/bad3.conf" cat x
	printf '[DEFAULT]\nexec_dirs=/bin\n' >"$SCRATCH/c/bad4.conf"
	both "$SCRATCH/c/bad4.conf" cat x
	printf '[DEFAULT]\nfilters_path=%s/c/f\nrlimit_nofile=64\n' \
	    "$SCRATCH" >"$SCRATCH/c/lim.conf"
	both "$SCRATCH/c/lim.conf" sh -c 'ulimit -n'
}

t_rootwrap_deviations_refuse() {
	need_root
	scratch
	rwconf <<'F'
[Filters]
ls: RegExpFilter, ls, root, ls, -l|-a
F
	run "$RGRW" "$SCRATCH/c/rootwrap.conf" ls -lX
	expect_status 99
	expect_err "Unauthorized command: ls -lX (no filter matched)"
	# a filter file with a duplicate name or an unknown class: 97, with
	# FILE:LINE (oslo replaces silently / warns and skips)
	printf 'a: CommandFilter, cat, root\na: CommandFilter, sh, root\nb: Nope, x, root\n' \
	    >>"$SCRATCH/c/f/t.filters"
	run "$RGRW" "$SCRATCH/c/rootwrap.conf" ls -l
	expect_status 97
	expect_err "t.filters:4: duplicate filter name 'a'"
	expect_err "t.filters:5: b: unknown filter class 'Nope'"
	# a world-writable filter file: 97 (oslo loads it)
	head -n 2 "$SCRATCH/c/f/t.filters" >"$SCRATCH/c/f/t2"
	mv "$SCRATCH/c/f/t2" "$SCRATCH/c/f/t.filters"
	chmod 0666 "$SCRATCH/c/f/t.filters"
	run "$RGRW" "$SCRATCH/c/rootwrap.conf" ls -l
	expect_status 97
	chmod 0644 "$SCRATCH/c/f/t.filters"
	run "$RGRW" "$SCRATCH/c/rootwrap.conf" ls -l
	expect_status 0
	# rlimit_nofile=0: oslo dies silently, rootgate says why
	printf '[DEFAULT]\nfilters_path=%s/c/f\nrlimit_nofile=0\n' \
	    "$SCRATCH" >"$SCRATCH/c/z.conf"
	run "$RGRW" "$SCRATCH/c/z.conf" ls -l
	expect_status 97
	expect_err "Incorrect value in $SCRATCH/c/z.conf: rlimit_nofile must be positive"
	# explain/list/check on a rootwrap configuration
	run "$RG" --rootwrap-config "$SCRATCH/c/rootwrap.conf" explain ls -a
	expect_status 0
	expect_out "allowed by rule ls"
	run "$RG" --rootwrap-config "$SCRATCH/c/rootwrap.conf" check
	expect_status 0
	run "$RG" --rootwrap-config "$SCRATCH/c/rootwrap.conf" list
	expect_status 0
	expect_out "privsep-helper"
}

# fetch and extract the Debian packages' filter files into $SCRATCH/deb
debian_filters() {
	mkdir -p "$SCRATCH/deb/x"
	DEB_DIRS=
	# a fresh machine may have no package lists yet
	for p in $DEB_PKGS; do
		apt-cache show "$p" >/dev/null 2>&1 && continue
		apt-get update -qq >/dev/null 2>&1 || true
		break
	done
	for p in $DEB_PKGS; do
		if ! apt-cache show "$p" >/dev/null 2>&1; then
			echo "    note: Debian has no package $p" >&2
			continue
		fi
		(cd "$SCRATCH/deb" && apt-get download "$p" >/dev/null 2>&1) ||
			skip "apt-get download $p failed (no network?)"
	done
	for f in "$SCRATCH"/deb/*.deb; do
		dpkg-deb -x "$f" "$SCRATCH/deb/x"
	done
	DEB_DIRS=$(find "$SCRATCH/deb/x" -type d -name rootwrap.d | sort)
	[ -n "$DEB_DIRS" ] || fail "no rootwrap.d in the Debian packages"
}

t_rootwrap_debian_files_load() {
	need_root
	scratch
	debian_filters
	n=0
	for d in $DEB_DIRS; do
		printf '[DEFAULT]\nfilters_path=%s\nexec_dirs=/sbin,/usr/sbin,/bin,/usr/bin\n' \
		    "$d" >"$SCRATCH/deb.conf"
		run "$RG" --rootwrap-config "$SCRATCH/deb.conf" check
		expect_status 0
		n=$((n + 1))
	done
	[ "$n" -ge 5 ] || fail "only $n filter directories"
}

t_rootwrap_differential() {
	need_oslo
	scratch
	debian_filters
	set --
	for d in $DEB_DIRS; do
		set -- "$@" --debian-dir "$d"
	done
	mkdir -p "$SCRATCH/work"
	run $PY "$TOP/tests/rootwrap/diff.py" --rootgate "$RG" \
	    --work "$SCRATCH/work" "$@"
	printf '%s\n' "$OUT" | sed 's/^/    /' >&2
	expect_status 0
	expect_out "total:"
	expect_out ", 0 differences"
}
