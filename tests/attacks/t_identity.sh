# t_identity.sh - identity tricks: numeric-looking user, group and caller
# names (CVE-2019-14287: sudo ran "-u#-1" as root), an id of -1 that
# set*id() reads as "unchanged", SUDO_* variables that claim an identity,
# and the identity the command really gets (user, group, no supplementary
# groups).

# id_setup : a configuration whose one filter file is on standard input
# (@SCRATCH@ replaced); the good rule [mark] is added to show that a
# refused file stops everything (it creates $SCRATCH/w/marker).
id_setup() {
	attack_policy
	W=$SCRATCH/w
	M=$W/marker
	mkdir -p "$W"
	chmod 0777 "$W"
	printf '[mark]\nexec = /usr/bin/touch\nargs = %s\nwritable = %s\n' \
		"$M" "$W" > "$C/filters.d/00-mark.conf"
	chmod 0644 "$C/filters.d/00-mark.conf"
}

# id_rule KEY VALUE : filters.d/attack.conf is one rule running id with
# KEY = VALUE
id_rule() {
	printf '[who]\nexec = /usr/bin/id\nargs =\n%s = %s\n' "$1" "$2" \
		> "$C/filters.d/attack.conf"
}

# id_load_refused CAUSE [N] : the whole configuration is refused (97),
# stderr names CAUSE, N errors (default 1), and nothing ran
id_load_refused() {
	run $R touch "$M"
	expect_status 97
	expect_err "$1"
	expect_err "unable to load configuration $C: ${2:-1} error"
	[ ! -e "$M" ] || fail "a command ran with a refused configuration"
	run $R id
	expect_status 97
	[ -z "$OUT" ] || fail "id ran: $OUT"
}

NUMERIC_WHY="a name may not start with a digit or a sign (numeric ids are ambiguous)"

# user = 0, -1, 4294967295, +0, 1000, 0x0: each a name to getpwnam and an
# id to other programs (sudo -u#-1 ran as root).
t_identity_numeric_user_refused() {
	id_setup </dev/null
	run $R touch "$M"
	expect_status 0
	rm -f "$M"
	for v in 0 -1 4294967295 +0 1000 0x0 65534; do
		id_rule user "$v"
		id_load_refused "attack.conf:4: user: '$v': $NUMERIC_WHY"
	done
	id_rule user '#0'
	id_load_refused "user: '#0': a name has only letters, digits, '.', '_', '-'"
}

t_identity_numeric_group_refused() {
	id_setup </dev/null
	for v in 0 -1 4294967295 1000; do
		id_rule group "$v"
		id_load_refused "attack.conf:4: group: '$v': $NUMERIC_WHY"
	done
}

# callers naming ids: '0', '%0' (group 0), '4294967295', '-1'
t_identity_numeric_callers_refused() {
	id_setup </dev/null
	id_rule callers '0 %0 4294967295 -1 %-1'
	id_load_refused "callers: '%0': $NUMERIC_WHY" 5
	expect_err "callers: '4294967295': $NUMERIC_WHY"
	expect_err "callers: '-1': $NUMERIC_WHY"
	expect_err "callers: '%-1': $NUMERIC_WHY"
}

# id_fake_ids : in a private mount namespace, /etc/passwd and /etc/group
# with extra entries: a user literally named "4242" (uid 0: what a program
# reading the name as an id would not expect), and rgghost with uid and
# gid 4294967295. The host's files are untouched.
id_fake_ids() {
	cp /etc/passwd "$SCRATCH/passwd"
	cp /etc/group "$SCRATCH/group"
	echo '4242:x:65534:65534::/nonexistent:/usr/sbin/nologin' >> "$SCRATCH/passwd"
	echo 'rgghost:x:4294967295:4294967295::/nonexistent:/usr/sbin/nologin' >> "$SCRATCH/passwd"
	echo 'rgghost:x:4294967295:' >> "$SCRATCH/group"
	echo '4243:x:65534:' >> "$SCRATCH/group"
}

# id_in_fake_ns SCRIPT : SCRIPT (sh -eu) where the fake files are mounted
id_in_fake_ns() {
	export SCRATCH C R
	unshare -m sh -eu -c "
		mount --bind \"\$SCRATCH/passwd\" /etc/passwd
		mount --bind \"\$SCRATCH/group\" /etc/group
		$1"
}

# A user that exists and is named "4242": still refused, by its spelling.
t_identity_numeric_name_that_exists() {
	id_setup </dev/null
	id_fake_ids
	id_rule user 4242
	id_in_fake_ns '
		grep -q "^4242:x:65534:" /etc/passwd || exit 3
		$R id >"$SCRATCH/.o" 2>"$SCRATCH/.e" && st=0 || st=$?
		echo "$st" >"$SCRATCH/.st"' || fail "namespace set-up failed"
	ST=$(cat "$SCRATCH/.st") ERR=$(cat "$SCRATCH/.e")
	expect_status 97
	expect_err "user: '4242': $NUMERIC_WHY"
	[ ! -s "$SCRATCH/.o" ] || fail "id ran: $(cat "$SCRATCH/.o")"
	id_rule group 4243
	id_in_fake_ns '$R id >"$SCRATCH/.o" 2>"$SCRATCH/.e" && st=0 || st=$?
		echo "$st" >"$SCRATCH/.st"' || fail "namespace set-up failed"
	ST=$(cat "$SCRATCH/.st") ERR=$(cat "$SCRATCH/.e")
	expect_status 97
	expect_err "group: '4243': $NUMERIC_WHY"
}

# A user whose uid is 4294967295: setresuid(-1, -1, -1) changes nothing,
# so the command would keep uid 0. Refused when the rule is loaded.
t_identity_uid_minus_one() {
	id_setup </dev/null
	id_fake_ids
	id_rule user rgghost
	id_in_fake_ns '
		[ "$(id -u rgghost)" = 4294967295 ] || exit 3
		$R id -u >"$SCRATCH/.o" 2>"$SCRATCH/.e" && st=0 || st=$?
		echo "$st" >"$SCRATCH/.st"' || fail "namespace set-up failed"
	ST=$(cat "$SCRATCH/.st") ERR=$(cat "$SCRATCH/.e") OUT=$(cat "$SCRATCH/.o")
	expect_status 97
	expect_err "user: 'rgghost' has uid 4294967295"
	[ -z "$OUT" ] || fail "the command ran: $OUT"
	# a gid of -1 through the group key
	id_rule group rgghost
	id_in_fake_ns '$R id >"$SCRATCH/.o" 2>"$SCRATCH/.e" && st=0 || st=$?
		echo "$st" >"$SCRATCH/.st"' || fail "namespace set-up failed"
	ST=$(cat "$SCRATCH/.st") ERR=$(cat "$SCRATCH/.e") OUT=$(cat "$SCRATCH/.o")
	expect_status 97
	expect_err "group: 'rgghost' has gid 4294967295"
	[ -z "$OUT" ] || fail "the command ran: $OUT"
}

# SUDO_UID / SUDO_USER / SUDO_GID claim the caller is someone else: in
# direct mode they are recorded, they change neither the run-as identity
# nor the environment of the command.
t_identity_sudo_vars_direct() {
	id_setup <<'P'
[who]
exec = /usr/bin/id
args =
user = nobody

[env]
exec = /usr/bin/env
args =
P
	run env SUDO_UID=0 SUDO_GID=0 SUDO_USER=root SUDO_COMMAND=/bin/sh \
		USER=root LOGNAME=root $R id
	expect_status 0
	[ "$OUT" = "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)" ] ||
		fail "identity: $OUT"
	run env SUDO_UID=0 SUDO_USER=root SUDO_GID=0 $R env
	expect_status 0
	case $OUT in *SUDO_*) fail "SUDO_ variables reached the command: $OUT" ;; esac
	grep -q '"sudo_uid":"0"' "$SCRATCH/audit.jsonl" ||
		fail "the claimed SUDO_UID is not in the audit record"
}

# A caller that is not root and sets SUDO_UID=0 SUDO_USER=root: rootgate
# does not take their word: without a broker nothing runs (125), and
# explain shows the decision for the real uid.
t_identity_sudo_vars_unprivileged() {
	command -v setpriv >/dev/null || skip "setpriv missing"
	id_setup <<P
[mark2]
exec = /usr/bin/touch
args = @SCRATCH@/w/marker2
writable = @SCRATCH@/w
P
	run env SUDO_UID=0 SUDO_GID=0 SUDO_USER=root \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		$RG --config "$C" --socket "$SCRATCH/no.sock" touch "$SCRATCH/w/marker2"
	expect_status 125
	[ ! -e "$SCRATCH/w/marker2" ] || fail "ran for a caller claiming root"
	run env SUDO_UID=0 SUDO_GID=0 SUDO_USER=root \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		$RG --config "$C" explain -- touch "$SCRATCH/w/marker2"
	expect_status 99
	expect_out "is not permitted for this caller"
	[ ! -e "$SCRATCH/w/marker2" ] || fail "explain ran something"
}

# The caller (root, through sudo) has supplementary groups: the command
# has none, whatever its user.
t_identity_supplementary_groups_empty() {
	command -v setpriv >/dev/null || skip "setpriv missing"
	id_setup <<'P'
[groups-root]
exec = /usr/bin/grep
args = ^Groups: /proc/self/status

[groups-nobody]
exec = /usr/bin/id
args = -G
user = nobody
P
	run setpriv --groups=4,24,27,100,65534 -- $R grep ^Groups: /proc/self/status
	expect_status 0
	[ "$(printf '%s' "$OUT" | tr -d ' \t')" = "Groups:" ] ||
		fail "root's command has supplementary groups: $OUT"
	run setpriv --groups=4,24,27,100,0 -- $R id -G
	expect_status 0
	[ "$OUT" = 65534 ] || fail "groups of the nobody command: $OUT"
}

# The run-as identity is exactly the rule's: real, effective, saved and
# file-system ids, for user and group; the caller's root is gone.
t_identity_runas_is_rule_user() {
	id_setup <<'P'
[status]
exec = /usr/bin/grep
args = -E '^(Uid|Gid|Cap[A-Za-z]+):' /proc/self/status
user = nobody
group = nogroup

[touch-as-nobody]
exec = /usr/bin/touch
args = <f>
<f> = path @SCRATCH@/w new
user = nobody
writable = @SCRATCH@/w
P
	run $R grep -E '^(Uid|Gid|Cap[A-Za-z]+):' /proc/self/status
	expect_status 0
	u=$(id -u nobody) g=$(getent group nogroup | cut -d: -f3)
	printf '%s\n' "$OUT" | grep -qx "Uid:	$u	$u	$u	$u" || fail "uids: $OUT"
	printf '%s\n' "$OUT" | grep -qx "Gid:	$g	$g	$g	$g" || fail "gids: $OUT"
	for c in CapInh CapPrm CapEff CapBnd CapAmb; do
		printf '%s\n' "$OUT" | grep -qx "$c:	0000000000000000" ||
			fail "$c not empty: $OUT"
	done
	# as nobody, it cannot write a root-owned file in a writable directory
	echo original > "$SCRATCH/w/rootfile"
	chmod 0644 "$SCRATCH/w/rootfile"
	run $R touch "$SCRATCH/w/rootfile"
	expect_status 1
	expect_err "Permission denied"
	run $R touch "$SCRATCH/w/new"
	expect_status 0
	[ "$(stat -c %u "$SCRATCH/w/new")" = "$u" ] || fail "owner of the new file"
}

# callers = nova in the shipped policy: through sudo (direct mode) the
# caller is root, who may use every rule; the broker's decision for
# another user (explain --as) is a denial. A SUDO_USER that names the
# listed caller changes neither.
t_identity_callers_direct_mode() {
	need_root
	scratch
	C=$SCRATCH/c
	mkconf "$C" "$TOP/filters.d/nova-libvirt.conf"
	R="$RG --config $C"
	export SCRATCH R
	in_nova_ns '
		I=/var/lib/nova/instances/i1/disk
		: > "$I"
		$R explain -- fallocate -n -l 1G "$I" > "$SCRATCH/.root" || :
		env SUDO_USER=nova SUDO_UID=1000 $R explain --as nobody -- \
			fallocate -n -l 1G "$I" > "$SCRATCH/.nobody" && st=0 || st=$?
		echo "$st" > "$SCRATCH/.st"
		env SUDO_USER=nova SUDO_UID=1000 $R fallocate -n -l 1M "$I"
		stat -c %s "$I" > "$SCRATCH/.size"' ||
		fail "the run in the Nova namespace failed"
	OUT=$(cat "$SCRATCH/.root")
	case $OUT in "allowed by rule fallocate "*) ;; *) fail "explain as root: $OUT" ;; esac
	OUT=$(cat "$SCRATCH/.nobody") ST=$(cat "$SCRATCH/.st") ERR=
	expect_status 99
	expect_out "'fallocate' is not permitted for this caller"
	expect_out "the caller is not among the rule's callers"
	# fallocate -n keeps the size: it ran (direct mode: root)
	[ "$(cat "$SCRATCH/.size")" = 0 ] || fail "size after fallocate -n"
}
