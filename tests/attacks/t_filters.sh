# t_filters.sh - attacks on the configuration itself: filter files and
# executables someone other than root could have written, and files built
# to exhaust or confuse the loader. Every one must refuse the whole
# configuration (status 97, an error naming the cause, nothing runs), or,
# for a regex that explodes at match time, deny in bounded time.
#
# Each test first shows that the good rule [mark] runs (it creates
# $SCRATCH/w/marker), so a refusal cannot be mistaken for a rule that
# never worked; then it adds the hostile file and shows that nothing runs.

# flt_setup : a configuration with the rule [mark] in filters.d/10-mark.conf.
# Sets SCRATCH, C, R, W (the writable directory), M (the marker).
flt_setup() {
	need_root
	scratch
	C=$SCRATCH/c
	W=$SCRATCH/w
	M=$W/marker
	mkdir -p "$C/filters.d" "$W"
	printf '[rootgate]\naudit-log = %s/audit.jsonl\nsyslog = no\n' \
		"$SCRATCH" > "$C/rootgate.conf"
	printf '[mark]\nexec = /usr/bin/touch\nargs = %s\nwritable = %s\n' \
		"$M" "$W" > "$C/filters.d/10-mark.conf"
	chmod -R go-w "$C"
	R="$RG --config $C"
	run $R touch "$M"
	expect_status 0
	[ -f "$M" ] || fail "control: the rule [mark] did not run"
	rm -f "$M"
}

# flt_add NAME : filters.d/NAME from standard input, root-owned, 0644
flt_add() {
	cat > "$C/filters.d/$1"
	chmod 0644 "$C/filters.d/$1"
}

# flt_refused CAUSE : the run of [mark] is refused at load time: status
# 97, one error line (containing CAUSE) and the summary line, no marker.
flt_refused() {
	run $R touch "$M"
	expect_status 97
	expect_err "$1"
	expect_err_lines 2
	printf '%s\n' "$ERR" | tail -n 1 |
		grep -q "^rootgate: unable to load configuration .*: 1 error\$" ||
		fail "no summary line: $ERR"
	[ ! -e "$M" ] || fail "a command ran although the configuration is refused"
	[ ! -s "$SCRATCH/audit.jsonl" ] ||
		grep -vq '"allowed":true' "$SCRATCH/audit.jsonl" ||
		fail "an allowed decision was recorded: $(cat "$SCRATCH/audit.jsonl")"
}

# A filter file its group may write: anyone in that group could add a rule.
t_filters_group_writable_file() {
	flt_setup
	flt_add 20-evil.conf <<'P'
[evil]
exec = /usr/bin/id
args =
P
	chmod g+w "$C/filters.d/20-evil.conf"
	flt_refused "20-evil.conf: unsafe file: writable by its group"
}

t_filters_world_writable_file() {
	flt_setup
	flt_add 20-evil.conf <<'P'
[evil]
exec = /usr/bin/id
args =
P
	chmod 0666 "$C/filters.d/20-evil.conf"
	flt_refused "20-evil.conf: unsafe file: writable by others"
}

# A directory above the configuration writable by a group: its members
# could rename the whole configuration directory and put their own there.
t_filters_group_writable_parent_dir() {
	flt_setup
	chmod g+w "$SCRATCH"
	flt_refused "unsafe directory: writable by its group"
	chmod g-w "$SCRATCH"
	run $R touch "$M"
	expect_status 0
}

# filters.d writable by others, not sticky: a rule could be dropped in.
t_filters_world_writable_filters_dir() {
	flt_setup
	chmod 0777 "$C/filters.d"
	flt_refused "filters.d: unsafe directory: writable by others"
}

# A filter file that is a symbolic link to a file the attacker can write
# (here: its owner is a user, the link itself is root's).
t_filters_symlinked_filter_file() {
	flt_setup
	printf '[evil]\nexec = /usr/bin/touch\nargs = %s\nwritable = %s\n' \
		"$M" "$W" > "$SCRATCH/evil.conf"
	chown 65534 "$SCRATCH/evil.conf"
	ln -s "$SCRATCH/evil.conf" "$C/filters.d/20-evil.conf"
	flt_refused "20-evil.conf: unsafe file: is a symbolic link"
}

# The configuration directory given as a symbolic link.
t_filters_symlinked_confdir() {
	flt_setup
	ln -s "$C" "$SCRATCH/clink"
	R="$RG --config $SCRATCH/clink"
	run $R touch "$M"
	expect_status 97
	expect_err "symbolic link"
	[ ! -e "$M" ] || fail "ran through a symlinked configuration directory"
}

# A filter file owned by a user (mode 0644: only its owner can write it).
t_filters_file_owned_by_user() {
	flt_setup
	flt_add 20-evil.conf <<'P'
[evil]
exec = /usr/bin/id
args =
P
	chown 65534 "$C/filters.d/20-evil.conf"
	flt_refused "20-evil.conf: unsafe file: not owned by root"
}

# rootgate.conf itself writable by others: it names the audit log.
t_filters_world_writable_rootgate_conf() {
	flt_setup
	chmod 0666 "$C/rootgate.conf"
	flt_refused "rootgate.conf: unsafe file: writable by others"
}

# Two files defining the same rule name: a later file cannot shadow or
# be confused with an earlier rule.
t_filters_duplicate_rule_name() {
	flt_setup
	flt_add 20-dup.conf <<'P'
[mark]
exec = /usr/bin/id
args =
P
	flt_refused "20-dup.conf:1: duplicate rule name 'mark'"
}

# A key given twice in one rule (which value would win?).
t_filters_duplicate_key() {
	flt_setup
	flt_add 20-dup.conf <<'P'
[twice]
exec = /usr/bin/id
exec = /usr/bin/sh
args =
P
	flt_refused "20-dup.conf:3:"
}

# flt_exec_rule PATH : filters.d/20-exec.conf with a rule running PATH
flt_exec_rule() {
	printf '[tool]\nexec = %s\nargs =\n' "$1" | flt_add 20-exec.conf
}

# flt_tool DIR : a root-owned copy of touch at DIR/tool that creates the
# marker when run (its path is in TOOL)
flt_tool() {
	mkdir -p "$1"
	TOOL=$1/tool
	printf '#!/bin/sh\nexec /usr/bin/touch %s\n' "$M" > "$TOOL"
	chmod 0755 "$TOOL"
}

t_filters_exec_mode_0777() {
	flt_setup
	flt_tool "$SCRATCH/bin"
	chmod 0777 "$TOOL"
	flt_exec_rule "$TOOL"
	flt_refused "unsafe executable $TOOL: writable by others"
	run $R tool
	expect_status 97
	[ ! -e "$M" ] || fail "the writable executable ran"
}

t_filters_exec_owned_by_user() {
	flt_setup
	flt_tool "$SCRATCH/bin"
	chown 65534 "$TOOL"
	flt_exec_rule "$TOOL"
	flt_refused "unsafe executable $TOOL: not owned by root"
}

# A root-owned executable in a world-writable directory without the
# sticky bit: anyone could rename another file over it.
t_filters_exec_in_world_writable_dir() {
	flt_setup
	flt_tool "$SCRATCH/bin"
	chmod 0777 "$SCRATCH/bin"
	flt_exec_rule "$TOOL"
	flt_refused "unsafe directory: writable by others"
}

# exec is a symbolic link (root's) to an executable a user can write:
# the file the link leads to is checked, not the link.
t_filters_exec_symlink_to_writable() {
	flt_setup
	flt_tool "$SCRATCH/ubin"
	chown 65534 "$TOOL"
	mkdir -p "$SCRATCH/bin"
	ln -s "$TOOL" "$SCRATCH/bin/tool"
	flt_exec_rule "$SCRATCH/bin/tool"
	flt_refused "not owned by root"
	run $R "$SCRATCH/bin/tool"
	expect_status 97
	[ ! -e "$M" ] || fail "ran through the link"
}

# exec is a symbolic link inside a directory a user owns: the user could
# repoint the link.
t_filters_exec_symlink_in_user_dir() {
	flt_setup
	mkdir -p "$SCRATCH/ubin"
	ln -s /usr/bin/touch "$SCRATCH/ubin/tool"
	chown -h 65534 "$SCRATCH/ubin/tool"
	chown 65534 "$SCRATCH/ubin"
	flt_exec_rule "$SCRATCH/ubin/tool"
	flt_refused "symbolic link $SCRATCH/ubin/tool: $SCRATCH/ubin: unsafe directory: not owned by root"
	# the user repoints the link at another root-owned program
	ln -sfn /usr/bin/id "$SCRATCH/ubin/tool"
	run $R tool
	expect_status 97
	[ -z "$OUT" ] || fail "ran the repointed link: $OUT"
	# the same link in a root-owned directory is fine
	chown 0 "$SCRATCH/ubin"
	ln -sfn /usr/bin/touch "$SCRATCH/ubin/tool"
	printf '[tool]\nexec = %s\nargs = %s\nwritable = %s\n' \
		"$SCRATCH/ubin/tool" "$M" "$W" | flt_add 20-exec.conf
	run $R tool "$M"
	expect_status 0
	[ -f "$M" ] || fail "control: the link in a safe directory did not run"
}

# The link is in a safe directory, but it points through a second link
# in a directory a user owns.
t_filters_exec_symlink_chain() {
	flt_setup
	mkdir -p "$SCRATCH/ubin" "$SCRATCH/bin"
	ln -s /usr/bin/touch "$SCRATCH/ubin/hop"
	chown 65534 "$SCRATCH/ubin"
	ln -s ../ubin/hop "$SCRATCH/bin/tool"
	flt_exec_rule "$SCRATCH/bin/tool"
	flt_refused "symbolic link $SCRATCH/bin/../ubin/hop"
	expect_err "unsafe directory: not owned by root"
}

# exec written in a non-canonical form that string comparisons would
# treat differently from the kernel.
t_filters_exec_noncanonical_path() {
	flt_setup
	flt_exec_rule /usr/bin/../bin/touch
	flt_refused "'..'"
	flt_exec_rule //usr/bin/touch
	flt_refused "write the executable path as /usr/bin/touch"
	flt_exec_rule usr/bin/touch
	flt_refused "relative executable path"
}

# A filter file past the 1 MiB limit (comment lines, then a valid rule).
t_filters_huge_file() {
	flt_setup
	python3 - "$C/filters.d/20-huge.conf" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    line = "# " + "x" * 150 + "\n"
    for _ in range(1048576 // len(line) + 10):
        f.write(line)
    f.write("[huge]\nexec = /usr/bin/id\nargs =\n")
PY
	chmod 0644 "$C/filters.d/20-huge.conf"
	flt_refused "20-huge.conf: file too large (more than 1048576 bytes)"
}

# A line of 64 KiB (inih's buffer would silently cut it into two lines:
# the rest could be read as a new key).
t_filters_overlong_line() {
	flt_setup
	{
		printf '[long]\nexec = /usr/bin/id\nargs =\n'
		printf 'description = %s\n' "$(head -c 65536 /dev/zero | tr '\0' a)"
	} | flt_add 20-long.conf
	flt_refused "20-long.conf:4: line too long (more than 198 bytes"
	# 199 bytes is one too many; the tail would have been "user = root"
	{
		printf '[long]\nexec = /usr/bin/id\nargs =\n'
		printf '# %s\n' "$(head -c 186 /dev/zero | tr '\0' a)user = root"
	} | flt_add 20-long.conf
	[ "$(sed -n 4p "$C/filters.d/20-long.conf" | wc -c)" -eq 200 ] ||
		fail "the test line is not 199 bytes"
	flt_refused "20-long.conf:4: line too long"
}

# A NUL byte: C string handling would stop at it and read less than the
# file says (here the NUL hides the rest of an args line).
t_filters_nul_byte() {
	flt_setup
	printf '[nul]\nexec = /usr/bin/touch\nargs = %s\0 extra\nwritable = %s\n' \
		"$M" "$W" | flt_add 20-nul.conf
	flt_refused "20-nul.conf:3: NUL byte in file"
}

# Patterns nested past the limit, and a pattern with too many elements.
t_filters_deep_nesting() {
	flt_setup
	python3 -c "print('[deep]\nexec = /usr/bin/id\nargs = ' + '[ ' * 40 + 'x' + ' ]' * 40)" |
		flt_add 20-deep.conf
	flt_refused "20-deep.conf:3: args: pattern nested too deeply"
	python3 -c "
print('[wide]\nexec = /usr/bin/id\nargs = x')
for i in range(40):
    print('  ' + ' '.join(['y'] * 60))" | flt_add 20-deep.conf
	flt_refused "20-deep.conf:3: args: pattern too large"
}

# 20000 sections load in bounded time; one bad rule among them still
# refuses them all (no partial policy).
t_filters_many_sections() {
	flt_setup
	python3 - "$C/filters.d/20-many.conf" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(20000):
        f.write("[r%d]\nexec = /usr/bin/id\nargs = x%d\n" % (i, i))
    f.write("[bad]\nexec = /usr/bin/id\nargs = <p>\n")
PY
	chmod 0644 "$C/filters.d/20-many.conf"
	t0=$(date +%s)
	flt_refused "20-many.conf:60003:"
	[ $(($(date +%s) - t0)) -le "$(bound 10)" ] ||
		fail "loading took too long"
}

# (a+)+$ against aaaa...! : exponential backtracking in a naive engine.
# The match is bounded: a denial, well before the 10 s timeout.
t_filters_regex_catastrophic_backtracking() {
	flt_setup
	flt_add 20-rx.conf <<'P'
[rx]
exec = /usr/bin/echo
args = <w>
<w> = regex (a+)+$
P
	arg="$(head -c 30000 /dev/zero | tr '\0' a)!"
	t0=$(date +%s)
	run timeout 10 $R echo "$arg"
	t1=$(date +%s)
	expect_status 99
	expect_err "regex match limit reached"
	expect_err_lines 1
	[ $((t1 - t0)) -le "$(bound 3)" ] || fail "denial took $((t1 - t0)) s"
	[ -z "$OUT" ] || fail "ran: $OUT"
}

# A regex that compiles to an enormous program (nested counted repeats)
# is a load error, not a memory bomb at match time.
t_filters_regex_enormous() {
	flt_setup
	flt_add 20-rx.conf <<'P'
[rx]
exec = /usr/bin/touch
args = <w>
<w> = regex ((((a{1,100}){1,100}){1,100}){1,100})
P
	flt_refused "20-rx.conf:4: <w>: bad regex"
	expect_err "regular expression is too large"
}

# A loader variable the rule would hand to the command.
t_filters_env_keep_loader_variable() {
	flt_setup
	flt_add 20-env.conf <<'P'
[env]
exec = /usr/bin/env
args =
env-keep = LD_PRELOAD
P
	flt_refused "20-env.conf:4:"
	expect_err "LD_PRELOAD"
}
