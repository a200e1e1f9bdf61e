# t_sandbox.sh - the sandbox seen from inside, through the real rootgate
# program: a probe (tests/helpers/probe.c, built standalone) is the
# allowed command and reports what it can see and do. Each test is one
# thing a command that is allowed to run (and then compromised: a
# qemu-img exploit, CVE-2015-5162 style) tries in order to leave its
# sandbox.

# sb_policy : attack_policy (rule text on stdin) plus the probe.
sb_policy() {
	attack_policy
	attack_probe
}

# sb_val KEY : the value of KEY= in the probe's output ($OUT)
sb_val() {
	printf '%s\n' "$OUT" | sed -n "s|^$1=||p" | head -n 1
}

# sb_expect KEY VALUE : the probe said KEY=VALUE
sb_expect() {
	_got=$(sb_val "$1")
	[ "$_got" = "$2" ] || fail "$1=$_got, expected $2; output: $OUT"
}

# sb_sys_refused NAME... : each sys_NAME is EPERM (the filter's errno)
sb_sys_refused() {
	for _n in "$@"; do
		_got=$(sb_val "sys_$_n")
		[ "$_got" = EPERM ] || fail "sys_$_n=$_got, expected EPERM: $OUT"
	done
}

SB_RULES='[probe]
exec = @SCRATCH@/bin/rg-probe
args = <mode>
<mode> = set report sys int80 x32 init

[probe-arg]
exec = @SCRATCH@/bin/rg-probe
args = <mode> <p>
<mode> = set read ls kill hostname openw
<p> = regex [A-Za-z0-9/_.-]+'

# sb_std : sb_policy with the rules above
sb_std() {
	sb_policy <<P
$SB_RULES
P
}

# uid 0 in the sandbox holds no capability in any of the five sets, so
# root's power over files it does not own is gone: a mode-000 file is
# unreadable.
t_sandbox_caps_all_zero() {
	sb_std
	printf secret > "$SCRATCH/locked"
	chmod 000 "$SCRATCH/locked"
	run $R rg-probe report
	expect_status 0
	for k in CapInh CapPrm CapEff CapBnd CapAmb; do
		sb_expect $k 0000000000000000
	done
	sb_expect Uid "0 0 0 0"
	run $R rg-probe read "$SCRATCH/locked"
	expect_status 0
	sb_expect read EACCES
	# the control: the same read outside the sandbox succeeds
	[ "$(cat "$SCRATCH/locked")" = secret ] || fail "control read failed"
}

# CAP_SYS_ADMIN (bit 21) is what "root" means to most of the kernel: it
# is absent even from the bounding set, so nothing exec'd regains it.
t_sandbox_no_cap_sys_admin() {
	sb_std
	run $R rg-probe report
	expect_status 0
	for k in CapEff CapPrm CapBnd; do
		v=$(sb_val $k)
		[ -n "$v" ] || fail "no $k line: $OUT"
		[ $(( (0x$v >> 21) & 1 )) -eq 0 ] || fail "$k=$v has CAP_SYS_ADMIN"
	done
	sb_expect try_mount EPERM
	run $R rg-probe hostname rg-pwned
	expect_status 0
	sb_expect sethostname EPERM
	[ "$(hostname)" != rg-pwned ] || fail "the host's hostname changed"
}

# A rule that grants one capability to a non-root user grants exactly
# that one, in all five sets; nothing else comes with it.
t_sandbox_cap_granted_exact() {
	sb_policy <<'P'
[probe]
exec = @SCRATCH@/bin/rg-probe
args = report
user = nobody
capabilities = CAP_NET_BIND_SERVICE
P
	run $R rg-probe report
	expect_status 0
	for k in CapInh CapPrm CapEff CapBnd CapAmb; do
		sb_expect $k 0000000000000400
	done
	sb_expect Uid "65534 65534 65534 65534"
	sb_expect NoNewPrivs 1
	sb_expect Seccomp 2
	sb_expect groups ""
}

# no_new_privs is set: a set-user-ID root binary exec'd by the command
# (here a setuid copy of the probe) runs with the command's ids.
t_sandbox_setuid_exec_no_gain() {
	sb_policy <<'P'
[probe-exec]
exec = @SCRATCH@/bin/rg-probe
args = exec <suid> report
<suid> = path @SCRATCH@/suid file
user = nobody
P
	mkdir -p "$SCRATCH/suid"
	cp "$P" "$SCRATCH/suid/rg-probe"
	chmod 4755 "$SCRATCH/suid/rg-probe"
	# control: outside the sandbox the copy does make nobody root
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SCRATCH/suid/rg-probe" report
	sb_expect Uid "65534 0 0 0"
	run $R rg-probe exec "$SCRATCH/suid/rg-probe" report
	expect_status 0
	sb_expect NoNewPrivs 1
	sb_expect Uid "65534 65534 65534 65534"
	sb_expect CapEff 0000000000000000
	sb_expect CapPrm 0000000000000000
}

# Kernel code: loading a module, kexec, reboot, swap.
t_sandbox_seccomp_kernel_code() {
	sb_std
	run $R rg-probe sys
	expect_status 0
	sb_sys_refused init_module finit_module delete_module kexec_load \
		kexec_file_load reboot swapon swapoff
	sb_expect sys_getpid OK
}

# Other processes' memory: ptrace, process_vm_readv/writev.
t_sandbox_seccomp_ptrace() {
	sb_std
	run $R rg-probe sys
	expect_status 0
	sb_sys_refused ptrace_attach process_vm_readv process_vm_writev
	run $R rg-probe report
	sb_expect try_ptrace EPERM
}

# The mount API, old and new: remount something read-write, mount over
# the view, pivot out of it.
t_sandbox_seccomp_mount_api() {
	sb_std
	run $R rg-probe sys
	expect_status 0
	sb_sys_refused mount umount2 pivot_root move_mount open_tree fsopen \
		fsconfig fsmount fspick mount_setattr
}

# Namespaces: a user namespace (the usual first step of a kernel
# exploit), a network namespace, joining another one, clone3 whose flags
# the filter cannot see (ENOSYS, so libc falls back to clone).
t_sandbox_seccomp_namespaces() {
	sb_std
	run $R rg-probe sys
	expect_status 0
	sb_sys_refused unshare_user unshare_net setns
	sb_expect sys_clone3 ENOSYS
	run $R rg-probe report
	sb_expect try_clone_newuser EPERM
	sb_expect try_unshare_ns EPERM
}

# The kernel keyring, BPF, perf events, userfaultfd (a race amplifier).
t_sandbox_seccomp_kernel_attack_surface() {
	sb_std
	run $R rg-probe sys
	expect_status 0
	sb_sys_refused add_key request_key keyctl bpf perf_event_open \
		userfaultfd personality_set
}

# open_by_handle_at: the "shocker" container escape (a file handle opens
# a host file outside every mount); clocks; port I/O.
t_sandbox_seccomp_handles_clock_io() {
	sb_std
	run $R rg-probe sys
	expect_status 0
	sb_sys_refused open_by_handle_at name_to_handle_at clock_settime \
		clock_adjtime settimeofday adjtimex iopl ioperm
}

# The refusals are the filter's: with seccomp = off the same calls fail
# differently (or succeed), so EPERM above is not an accident of missing
# capabilities.
t_sandbox_seccomp_is_what_refuses() {
	sb_policy <<'P'
[probe]
exec = @SCRATCH@/bin/rg-probe
args = sys
seccomp = off
accept = no-seccomp: the control of t_sandbox_seccomp_is_what_refuses
P
	run $R rg-probe sys
	expect_status 0
	n=0
	for k in finit_module perf_event_open umount2 setns open_by_handle_at \
	    bpf unshare_user keyctl clone3; do
		[ "$(sb_val sys_$k)" != EPERM ] || n=$((n + 1))
	done
	[ $n -eq 0 ] || fail "$n calls are EPERM without the filter: $OUT"
}

# x32 system calls (bit 0x40000000) are another ABI the filter must not
# pass by mistake: the process is killed (SIGSYS, 159).
t_sandbox_x32_killed() {
	sb_std
	run $R rg-probe x32
	expect_status 159
	[ -z "$(sb_val x32)" ] || fail "the x32 call returned: $OUT"
}

# The i386 entry (int 0x80) numbers calls differently (20 is getpid,
# and 26 is ptrace): killed, never dispatched. With seccomp = off the same
# call returns a pid, so the entry exists on this kernel.
t_sandbox_int80_killed() {
	sb_std
	run $R rg-probe int80
	expect_status 159
	[ -z "$(sb_val int80)" ] || fail "the int 0x80 call returned: $OUT"
	cat > "$C/filters.d/attack.conf" <<P
[probe]
exec = $SCRATCH/bin/rg-probe
args = int80
seccomp = off
P
	run $R rg-probe int80
	expect_status 0
	[ "$(sb_val int80)" = 2 ] ||
		fail "control: no i386 entry on this kernel? $OUT"
}

# The whole tree is read-only outside writable: neither a new file nor
# an existing root-owned file (uid 0 owns it) can be written: EROFS.
t_sandbox_readonly_erofs() {
	sb_policy <<'P'
[probe]
exec = @SCRATCH@/bin/rg-probe
args = report -w <f>
<f> = path @SCRATCH@ new
writable = @SCRATCH@/rw

[probe-openw]
exec = @SCRATCH@/bin/rg-probe
args = openw <f>
<f> = path @SCRATCH@ file
P
	mkdir "$SCRATCH/rw"
	echo original > "$SCRATCH/victim"
	run $R rg-probe report -w "$SCRATCH/rw/ok"
	expect_status 0
	sb_expect "write_$SCRATCH/rw/ok" OK
	run $R rg-probe report -w "$SCRATCH/evil"
	expect_status 0
	sb_expect "write_$SCRATCH/evil" EROFS
	[ ! -e "$SCRATCH/evil" ] || fail "a file was created outside writable"
	run $R rg-probe openw "$SCRATCH/victim"
	expect_status 0
	sb_expect "openw_$SCRATCH/victim" EROFS
	[ "$(cat "$SCRATCH/victim")" = original ] || fail "victim modified"
}

# pid 1 in the command's view is rootgate's own init, confined below the
# command: not the host's init, and the command cannot ptrace it.
t_sandbox_pid1_is_sandbox_init() {
	sb_std
	run $R rg-probe init
	expect_status 0
	sb_expect pid 2
	sb_expect ppid 1
	sb_expect init_ptrace EPERM
	sb_expect init_CapEff 0000000000000000
	run $R rg-probe read /proc/1/comm
	expect_status 0
	[ "$(sb_val read)" = rootgate ] || fail "/proc/1 is $(sb_val read)"
}

# The host's processes are not there: /proc lists pids 1 and 2 only, and
# the caller's own shell cannot be signalled (ESRCH).
t_sandbox_host_pids_invisible() {
	sb_std
	run $R rg-probe ls /proc
	expect_status 0
	pids=$(sb_val ls | tr ' ' '\n' | grep -E '^[0-9]+$' | tr '\n' ' ')
	[ "$pids" = "1 2 " ] || fail "pids visible: $pids"
	run $R rg-probe kill $$
	expect_status 0
	sb_expect kill ESRCH
	run $R rg-probe kill 1
	sb_expect kill OK	# its own init, which holds nothing
}

# Even with CAP_SYS_ADMIN granted (a rule for a tool that needs it), a
# hostname change stays in the command's uts namespace.
t_sandbox_hostname_stays_inside() {
	sb_policy <<'P'
[probe]
exec = @SCRATCH@/bin/rg-probe
args = hostname rg-pwned
capabilities = CAP_SYS_ADMIN
accept = root-capabilities: t_sandbox_hostname_stays_inside needs it
P
	h0=$(hostname)
	trap 'hostname "$h0" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
	run $R rg-probe hostname rg-pwned
	expect_status 0
	sb_expect sethostname OK
	sb_expect uts_after rg-pwned
	[ "$(hostname)" = "$h0" ] || fail "the host's hostname is now $(hostname)"
}
