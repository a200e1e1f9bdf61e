# t_prepared.sh - rootgated's prepared inits (daemon.c, invariant 11). An
# init made before its request must give the command what a fresh one
# would give it at the request. Each test makes one request, which
# leaves a prepared init for the rule's profile, then changes what that
# init's layout was made from - a hidden file renamed over (as useradd
# replaces /etc/shadow), a hidden path created, a writable directory
# removed and made again, a mount, the host name - and checks from
# inside the next command that it sees the world as it is now. Without
# the daemon's watch the next request would be handed to the stale init
# and each of these would fail (the masks and binds sit on the entries
# that existed when it was made).

# pp_val KEY : the probe's KEY=value
pp_val() {
	printf '%s\n' "$OUT" | sed -n "s|^$1=||p" | head -n 1
}

# pp_parked : the daemon's one prepared init, waited for (it is made
# after the request's event batch, off the reply's path)
pp_parked() {
	_i=0
	while _p=$(daemon_parked); [ -z "$_p" ]; do
		_i=$((_i + 1))
		[ $_i -lt 40 ] ||
			fail "no prepared init: $(ps -o pid,stat,comm --ppid "$DPID")"
		sleep 0.05
	done
	[ "$(printf '%s\n' "$_p" | grep -c .)" -eq 1 ] ||
		fail "prepared inits: $(ps -o pid,stat,comm --ppid "$DPID")"
	echo "$_p"
}

# pp_mount_seen DIR WHAT : with DIR empty and the probe-read rule reading
# DIR/file, the first command finds no file; a tmpfs mounted on DIR after
# the init was made (WHAT: how it got there) holds one, and the next
# command reads it, the prepared init discarded
pp_mount_seen() {
	run $R rg-probe read "$1/file"
	expect_status 0
	[ "$(pp_val read)" = ENOENT ] || fail "read=$(pp_val read)"
	pk=$(pp_parked)
	mount -t tmpfs -o size=64k rgtest "$1" || fail "mount"
	echo hello > "$1/file"
	run $R rg-probe read "$1/file"
	expect_status 0
	[ "$(pp_val read)" = hello ] ||
		fail "$2 after the init was made, not seen: read=$(pp_val read)"
	pp_gone "$pk"
	umount "$1" || fail "umount"
}

# pp_read_m_up [RULES] : the daemon with a rule that reads
# SCRATCH/m/file (and RULES, more filter text); SCRATCH/m made, and
# unmounted at the end
pp_read_m_up() {
	attack_broker_up <<P
[probe-read]
exec = @SCRATCH@/bin/rg-probe
args = read @SCRATCH@/m/file
callers = @USER@
${1:-}
P
	mkdir "$SCRATCH/m"
	trap 'umount -l "$SCRATCH/m" 2>/dev/null || true; attack_broker_down' EXIT
}

# pp_read_mounted MOUNT-ARGS... : mount MOUNT-ARGS on SCRATCH/m, put a
# file there and read it through the daemon; pk the prepared init that
# request leaves
pp_read_mounted() {
	mount "$@" "$SCRATCH/m" || fail "mount"
	echo hello > "$SCRATCH/m/file"
	run $R rg-probe read "$SCRATCH/m/file"
	expect_status 0
	[ "$(pp_val read)" = hello ] || fail "read=$(pp_val read)"
	pk=$(pp_parked)
}

# pp_loopdev : dev, a loop device holding an empty ext4 file system,
# detached (and SCRATCH/m unmounted) at the end. A machine may offer no
# loop device (a container without /dev/loop-control): then the test
# is reported skipped, even under CI=true, since nothing else can stand
# in for a block device here; it is never counted as passed.
pp_loopdev() {
	command -v losetup >/dev/null || skip "losetup missing"
	command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 missing"
	truncate -s 16M "$SCRATCH/img" || fail "truncate"
	mkfs.ext4 -q "$SCRATCH/img" || fail "mkfs.ext4"
	if ! dev=$(losetup -f --show "$SCRATCH/img" 2>&1); then
		echo "    SKIP: no loop device here ($dev)" >&2
		exit 77
	fi
	trap 'umount -l "$SCRATCH/m" 2>/dev/null || true
	    losetup -d "$dev" 2>/dev/null || true; attack_broker_down' EXIT
}

# pp_gone PID : the prepared init PID was discarded: killed and reaped
pp_gone() {
	_i=0
	while kill -0 "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -lt 40 ] || fail "prepared init $1 still there"
		sleep 0.05
	done
}

# The second request runs in the namespaces its prepared init made, and
# the command sees what the first (a fresh init) saw: the same report
# but for the namespaces' numbers - status, ids, capabilities, limits,
# descriptors, environment, cwd, every refused call.
t_prepared_init_is_used() {
	attack_broker_up <<P
[probe]
exec = @SCRATCH@/bin/rg-probe
args = report
callers = @USER@
P
	run $R rg-probe report
	expect_status 0
	first=$OUT
	pk=$(pp_parked)
	[ "$(readlink "/proc/$pk/ns/pid")" != "$(readlink "/proc/$DPID/ns/pid")" ] ||
		fail "the prepared init shares the daemon's pid namespace"
	ns=$(stat -L -c %i "/proc/$pk/ns/pid")
	run $R rg-probe report
	expect_status 0
	[ "$(pp_val ns_pid)" = "$ns" ] ||
		fail "not run by the prepared init: ns_pid $(pp_val ns_pid), its $ns"
	printf '%s\n' "$first" | grep -v '^ns_' > "$SCRATCH/fresh"
	printf '%s\n' "$OUT" | grep -v '^ns_' > "$SCRATCH/prepared"
	cmp -s "$SCRATCH/fresh" "$SCRATCH/prepared" ||
		fail "fresh and prepared differ: $(diff "$SCRATCH/fresh" \
		"$SCRATCH/prepared")"
	[ "$(pp_val NoNewPrivs)" = 1 ] || fail "NoNewPrivs $(pp_val NoNewPrivs)"
	[ "$(pp_parked)" != "$pk" ] || fail "the used init is parked again"
}

# useradd writes a new /etc/shadow and renames it over the old one: the
# mask of a prepared init sits on the old entry. The next request must
# not be handed to it.
t_prepared_hidden_file_renamed_over() {
	attack_broker_up <<P
[probe-read]
exec = @SCRATCH@/bin/rg-probe
args = read @SCRATCH@/h/secret
hidden = @SCRATCH@/h/secret
callers = @USER@
P
	mkdir "$SCRATCH/h"
	echo old > "$SCRATCH/h/secret"
	run $R rg-probe read "$SCRATCH/h/secret"
	expect_status 0
	expect_out "read="
	[ -z "$(pp_val read)" ] || fail "not masked: $(pp_val read)"
	pk=$(pp_parked)
	echo new > "$SCRATCH/h/secret.new"
	mv "$SCRATCH/h/secret.new" "$SCRATCH/h/secret"
	run $R rg-probe read "$SCRATCH/h/secret"
	expect_status 0
	expect_out "read="
	[ -z "$(pp_val read)" ] ||
		fail "the file renamed in after the init was made is visible: $(pp_val read)"
	pp_gone "$pk"
}

# A hidden path that did not exist when the init was made, created
# before the request: masked like any other.
t_prepared_hidden_path_created() {
	attack_broker_up <<P
[probe-read]
exec = @SCRATCH@/bin/rg-probe
args = read @SCRATCH@/h/late
hidden = @SCRATCH@/h/late
callers = @USER@
P
	mkdir "$SCRATCH/h"
	run $R rg-probe read "$SCRATCH/h/late"
	expect_status 0
	[ "$(pp_val read)" = ENOENT ] || fail "read=$(pp_val read)"
	pk=$(pp_parked)
	echo secret > "$SCRATCH/h/late"
	run $R rg-probe read "$SCRATCH/h/late"
	expect_status 0
	expect_out "read="
	[ -z "$(pp_val read)" ] ||
		fail "created after the init was made, not masked: $(pp_val read)"
	pp_gone "$pk"
}

# A writable directory removed and made again: the command writes into
# the new one (a stale bind would put the file in the removed one).
t_prepared_writable_dir_replaced() {
	attack_broker_up <<P
[probe-write]
exec = @SCRATCH@/bin/rg-probe
args = report -w @SCRATCH@/w/f
writable = @SCRATCH@/w
callers = @USER@
P
	mkdir "$SCRATCH/w"
	run $R rg-probe report -w "$SCRATCH/w/f"
	expect_status 0
	[ "$(pp_val "write_$SCRATCH/w/f")" = OK ] ||
		fail "write: $(pp_val "write_$SCRATCH/w/f")"
	pk=$(pp_parked)
	rm -rf "$SCRATCH/w"
	mkdir "$SCRATCH/w"
	run $R rg-probe report -w "$SCRATCH/w/f"
	expect_status 0
	[ "$(pp_val "write_$SCRATCH/w/f")" = OK ] ||
		fail "write: $(pp_val "write_$SCRATCH/w/f")"
	[ -f "$SCRATCH/w/f" ] || fail "the write did not reach the new directory"
	pp_gone "$pk"
}

# A file system mounted on the host after the init was made (Nova mounts
# a volume, then runs a command on it): visible to the next command.
t_prepared_host_mount() {
	pp_read_m_up
	pp_mount_seen "$SCRATCH/m" mounted
}

# The daemon in a mount namespace of its own, a slave of the host's (as
# systemd's ProtectSystem= or PrivateTmp= make one): a mount made on the
# host reaches the daemon's namespace by propagation, and that too is a
# change of its mount table. (The test makes its own shared mount: the
# host's / is private on a machine without systemd.)
t_prepared_propagated_mount() {
	command -v unshare >/dev/null || skip "unshare missing"
	attack_broker_up <<P
[probe-read]
exec = @SCRATCH@/bin/rg-probe
args = read @SCRATCH@/sh/sub/file
callers = @USER@
P
	mkdir "$SCRATCH/sh"
	trap 'umount -l "$SCRATCH/sh/sub" 2>/dev/null || true
	    umount -l "$SCRATCH/sh" 2>/dev/null || true; attack_broker_down' EXIT
	mount -t tmpfs -o size=64k,mode=0755 rgshared "$SCRATCH/sh" || fail "mount"
	mount --make-shared "$SCRATCH/sh" || fail "make-shared"
	mkdir "$SCRATCH/sh/sub"
	attack_daemon_stop
	attack_daemon_start unshare -m --propagation slave
	[ "$(readlink "/proc/$DPID/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] ||
		fail "the daemon shares the test's mount namespace"
	pp_mount_seen "$SCRATCH/sh/sub" propagated
}

# A prepared init holds a copy of the mount table it was made from, and
# a copy keeps a file system alive after the host unmounted it: its
# block device stays open (lvremove, cryptsetup close, mkfs: "in use").
# The daemon discards every prepared init as soon as its mount table
# changes, without waiting for a request (before, the copy lived until
# the profile's next request or PARK_AGE_MS, 10 s).
t_prepared_unmount_releases() {
	pp_read_m_up
	src=rgpin$$
	pp_read_mounted -t tmpfs -o size=64k "$src"
	grep -q " - tmpfs $src " "/proc/$pk/mountinfo" ||
		fail "the prepared init has no copy of the mount"
	umount "$SCRATCH/m" || fail "umount"
	pp_gone "$pk"
	[ -z "$(daemon_parked)" ] || fail "another one was made"
}

# The same through the daemon, as Nova would do it: unmount a volume,
# then a command that needs its block device released (lvremove,
# cryptsetup close), two requests. The second starts only once every
# prepared init that held the old table is reaped (daemon.c, invariant
# 13): its O_EXCL open of the device (what mkfs and LVM do) succeeds.
# Five rounds; a loop device holds the file system.
t_prepared_unmount_then_request() {
	pp_read_m_up "
[umount]
exec = /usr/bin/umount
args = @SCRATCH@/m
sandbox = off
callers = @USER@

[excl]
exec = @SCRATCH@/bin/rg-probe
args = excl /dev/loop<n>
<n> = int 0..4095
sandbox = off
callers = @USER@"
	pp_loopdev
	i=0
	while [ $i -lt 5 ]; do
		pp_read_mounted "$dev"
		run $R umount "$SCRATCH/m"
		expect_status 0
		run $R rg-probe excl "$dev"
		expect_status 0
		[ "$(pp_val excl)" = OK ] ||
			fail "round $i: the unmounted device is still held: excl=$(pp_val excl)"
		pp_gone "$pk"
		i=$((i + 1))
	done
}

# A command that mounts a file system in its own namespace (a rule
# granting CAP_SYS_ADMIN) and exits without unmounting it: the file
# system lives until the namespace is torn down, after the command's
# end. The daemon's early reply (daemon.c invariant 9) must not come
# before that teardown, or the caller, acting on the status at once,
# finds the device in use; the init reports the changed mount table
# (pidinit.c invariant 3) and the reply waits for its exit. rg-probe
# runs the client and opens the device with O_EXCL the moment it
# returns, five rounds; the host never sees the mount.
t_prepared_command_mount_released() {
	attack_broker_up <<P
[mnt]
exec = /usr/bin/mount
args = -t ext4 /dev/loop<n> @SCRATCH@/m
<n> = int 0..4095
capabilities = CAP_SYS_ADMIN
devices = host
callers = @USER@
P
	mkdir "$SCRATCH/m"
	pp_loopdev
	i=0
	while [ $i -lt 5 ]; do
		OUT=$("$SCRATCH/bin/rg-probe" then-excl "$dev" \
		    $R /usr/bin/mount -t ext4 "$dev" "$SCRATCH/m")
		[ "$(pp_val status)" = 0 ] ||
			fail "round $i: mount: $OUT $(tail -n 3 "$LOG")"
		[ "$(pp_val excl)" = OK ] ||
			fail "round $i: the device the command mounted in its namespace is still held when its status arrives: excl=$(pp_val excl)"
		! grep -q " $SCRATCH/m " /proc/self/mountinfo ||
			fail "the command's mount reached the host"
		i=$((i + 1))
	done
}

# The host name changed after the init copied it into its UTS namespace:
# the command sees the new one. (The daemon runs in a UTS namespace of
# its own here, so that the test does not rename the machine.)
t_prepared_host_name() {
	command -v unshare >/dev/null || skip "unshare missing"
	command -v nsenter >/dev/null || skip "nsenter missing"
	attack_broker_up <<P
[probe-name]
exec = @SCRATCH@/bin/rg-probe
args = hostname rgx
callers = @USER@
P
	attack_daemon_stop
	attack_daemon_start unshare --uts
	nsenter -t "$DPID" -u hostname rg-before || fail "hostname"
	run $R rg-probe hostname rgx
	expect_status 0
	[ "$(pp_val uts_before)" = rg-before ] || fail "$(pp_val uts_before)"
	pk=$(pp_parked)
	nsenter -t "$DPID" -u hostname rg-after || fail "hostname"
	run $R rg-probe hostname rgx
	expect_status 0
	[ "$(pp_val uts_before)" = rg-after ] ||
		fail "renamed after the init was made, still $(pp_val uts_before)"
	pp_gone "$pk"
}

# A reload discards the old policy's inits; a stop leaves none; with
# prepared-inits = no there are none.
t_prepared_reload_stop_off() {
	attack_broker_up <<P
[probe]
exec = @SCRATCH@/bin/rg-probe
args = exit <n>
<n> = int 0..9
callers = @USER@
P
	run $R rg-probe exit 3
	expect_status 3
	pk=$(pp_parked)
	hup_wait "policy reloaded"
	pp_gone "$pk"
	run $R rg-probe exit 4
	expect_status 4
	pk=$(pp_parked)
	attack_daemon_stop
	kill -0 "$pk" 2>/dev/null && fail "prepared init $pk outlived the daemon"
	chmod u+w "$C/rootgate.conf"
	echo 'prepared-inits = no' >> "$C/rootgate.conf"
	chmod go-w "$C/rootgate.conf"
	attack_daemon_start
	run $R rg-probe exit 5
	expect_status 5
	sleep 0.3
	[ -z "$(daemon_parked)" ] || fail "a prepared init with prepared-inits = no"
}

# One unused for PARK_AGE_MS (10 s) is discarded: an idle daemon holds
# no namespace.
t_prepared_expires() {
	attack_broker_up <<P
[probe]
exec = @SCRATCH@/bin/rg-probe
args = exit 0
callers = @USER@
P
	run $R rg-probe exit 0
	expect_status 0
	pk=$(pp_parked)
	sleep 9
	kill -0 "$pk" 2>/dev/null || fail "discarded before its time"
	sleep 1.5
	pp_gone "$pk"
	[ -z "$(daemon_parked)" ] || fail "another one was made"
}
