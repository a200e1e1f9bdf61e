/* SPDX-License-Identifier: ISC */
/*
 * seccomp.c - the default deny-list filter.
 *
 * Invariants:
 * 1. The filter is built and compiled to BPF in the parent, where a bad
 *    syscall name is a reportable error; the child only hands the ready
 *    program to seccomp(2). This is libseccomp's seccomp_load() minus its
 *    BPF generation (perf-anchors 5b: build ~60 us, load ~100 us), and
 *    the child allocates nothing.
 * 2. Default action ALLOW; listed calls fail with EPERM (clone3 with
 *    ENOSYS, so that libc falls back to clone(2), whose flags we can see).
 * 3. Only the native architecture: any other audit arch (i386 via int
 *    0x80, x32) hits SCMP_FLTATR_ACT_BADARCH = KILL_PROCESS. On x86_64,
 *    libseccomp also sends x32 numbers (__X32_SYSCALL_BIT) of the native
 *    arch to the bad-arch action as long as SCMP_ARCH_X32 is not added;
 *    the unit test checks it from inside the child.
 * 4. ioctl(TIOCSTI/TIOCLINUX) compares only the low 32 bits of the
 *    request, as the kernel does: with a plain 64-bit EQ, a request with
 *    high bits set slips through (CVE-2019-10063).
 * 5. clone(2) with any CLONE_NEW* flag fails like unshare(2): an
 *    unprivileged user namespace is the usual first step of a kernel
 *    exploit, and clone3's flags are behind a pointer (hence ENOSYS).
 * 6. A name in sc_allow or sc_deny that this libseccomp does not know
 *    is an error; so is a default-list name it does not know (fail
 *    closed rather than silently filter less).
 * 7. The pid-namespace init gets its own filter, not the rule's: an
 *    allow-list of exactly the calls of its loop (src/run/pidinit.c),
 *    everything else EPERM, any other architecture (and so x32 numbers,
 *    which never equal a native one) killed. It is written by hand: a
 *    dozen instructions, no libseccomp round trip through a memfd on
 *    every run.
 * 8. This file always asks libseccomp (sbx_seccomp_build_lib). The
 *    default profile's two programs (with and without CAP_SYS_ADMIN)
 *    are also generated from it at build time and embedded
 *    (seccomp_embed.c), because building one costs a one-shot run about
 *    0.2 ms.
 * 9. The program is a binary search on the syscall number (libseccomp's
 *    SCMP_FLTATR_CTL_OPTIMIZE 2), not a linear list of comparisons. The
 *    decision is the same; the price of loading it is not: at attach
 *    time the kernel runs the program once per syscall number of each
 *    architecture (~900 runs) to build its cache of always-allowed
 *    calls, and a linear list makes every run walk the whole list. A
 *    tree roughly halves the load (measured ~73 -> ~39 us for the
 *    default profile: doc/performance.md), and a listed call no longer
 *    costs more the later it comes in the list.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <seccomp.h>

#include "diag.h"
#include "policy.h"
#include "sbx_steps.h"

#define SCF_MOUNT	0x1u	/* allowed if the rule keeps CAP_SYS_ADMIN */

static const struct {
	const char *name;
	unsigned flags;
} deny_list[] = {
	{ "init_module", 0 }, { "finit_module", 0 }, { "delete_module", 0 },
	{ "kexec_load", 0 }, { "kexec_file_load", 0 }, { "reboot", 0 },
	{ "swapon", 0 }, { "swapoff", 0 },
	{ "ptrace", 0 }, { "process_vm_readv", 0 },
	{ "process_vm_writev", 0 },
	{ "bpf", 0 }, { "perf_event_open", 0 }, { "userfaultfd", 0 },
	{ "add_key", 0 }, { "request_key", 0 }, { "keyctl", 0 },
	{ "mount", SCF_MOUNT }, { "umount2", SCF_MOUNT },
	{ "pivot_root", SCF_MOUNT }, { "move_mount", SCF_MOUNT },
	{ "open_tree", SCF_MOUNT }, { "fsopen", SCF_MOUNT },
	{ "fsconfig", SCF_MOUNT }, { "fsmount", SCF_MOUNT },
	{ "fspick", SCF_MOUNT }, { "mount_setattr", SCF_MOUNT },
	{ "setns", 0 }, { "unshare", 0 },
	{ "open_by_handle_at", 0 }, { "name_to_handle_at", 0 },
	{ "clock_settime", 0 }, { "clock_adjtime", 0 },
	{ "settimeofday", 0 }, { "adjtimex", 0 }, { "stime", 0 },
	{ "iopl", 0 }, { "ioperm", 0 },
};

static const uint64_t ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
	CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP,
};

static bool
in_list(char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return true;
	return false;
}

static int
check_names(char *const *v, size_t n, const char *what, struct rg_err *err)
{
	for (size_t i = 0; i < n; i++)
		if (seccomp_syscall_resolve_name(v[i]) == __NR_SCMP_ERROR)
			return rg_err_set(err, "", 0, 0,
			    "unknown system call in %s: %s", what, v[i]);
	return 0;
}

static int
deny(scmp_filter_ctx ctx, const char *name, int errnum, struct rg_err *err)
{
	int nr = seccomp_syscall_resolve_name(name), rc;

	if (nr == __NR_SCMP_ERROR)
		return rg_err_set(err, "", 0, 0,
		    "libseccomp does not know system call %s", name);
	rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(errnum), nr, 0);
	if (rc < 0)
		return rg_err_set(err, "", 0, -rc,
		    "unable to add seccomp rule for %s", name);
	return 0;
}

/* The rules with argument comparisons: invariants 4 and 5. */
static int
add_arg_rules(scmp_filter_ctx ctx, const struct sbx_profile *sbx,
    struct rg_err *err)
{
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	int rc = 0;

	rc |= seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
	    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
	rc |= seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
	    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX));
	if (!in_list(sbx->sc_allow, sbx->nsc_allow, "unshare")) {
		for (size_t i = 0; i < sizeof(ns_flags) / sizeof(*ns_flags);
		    i++)
			rc |= seccomp_rule_add(ctx, eperm, SCMP_SYS(clone), 1,
			    SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i],
			    ns_flags[i]));
	}
	if (!in_list(sbx->sc_allow, sbx->nsc_allow, "personality")) {
		/* Only the query, personality(0xffffffff), passes: with
		 * libseccomp 2.5 a rule cannot hold two comparisons of one
		 * argument, so PER_LINUX (0) cannot be let through too. */
		rc |= seccomp_rule_add(ctx, eperm, SCMP_SYS(personality), 1,
		    SCMP_A0(SCMP_CMP_NE, 0xffffffffu));
	}
	if (!in_list(sbx->sc_allow, sbx->nsc_allow, "clone3"))
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
		    SCMP_SYS(clone3), 0);
	if (rc != 0)
		return rg_err_set(err, "", 0, 0,
		    "unable to add seccomp argument rules");
	return 0;
}

static int
add_rules(scmp_filter_ctx ctx, const struct sbx_profile *sbx,
    struct rg_err *err)
{
	bool sysadmin = (sbx->caps >> CAP_SYS_ADMIN) & 1;

	for (size_t i = 0; i < sizeof(deny_list) / sizeof(*deny_list); i++) {
		if ((deny_list[i].flags & SCF_MOUNT) && sysadmin)
			continue;
		if (in_list(sbx->sc_allow, sbx->nsc_allow, deny_list[i].name))
			continue;
		if (deny(ctx, deny_list[i].name, EPERM, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < sbx->nsc_deny; i++) {
		bool dup = false;

		for (size_t j = 0; j < sizeof(deny_list) / sizeof(*deny_list);
		    j++)
			dup |= strcmp(deny_list[j].name, sbx->sc_deny[i]) == 0;
		dup |= in_list(sbx->sc_deny, i, sbx->sc_deny[i]);
		if (!dup && deny(ctx, sbx->sc_deny[i], EPERM, err) < 0)
			return -1;
	}
	return add_arg_rules(ctx, sbx, err);
}

/* seccomp_export_bpf writes to an fd: use a memfd, read it back. */
static int
export(scmp_filter_ctx ctx, struct sock_filter **prog, unsigned short *len,
    struct rg_err *err)
{
	struct stat st;
	int fd, rc, e;

	fd = memfd_create("rootgate-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return rg_err_set(err, "", 0, errno, "unable to create memfd");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0 || fstat(fd, &st) < 0 || st.st_size <= 0 ||
	    st.st_size % sizeof(struct sock_filter) != 0 ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		e = rc < 0 ? -rc : errno;
		close(fd);
		return rg_err_set(err, "", 0, e,
		    "unable to export seccomp BPF");
	}
	*prog = malloc((size_t)st.st_size);
	if (*prog == NULL || pread(fd, *prog, (size_t)st.st_size, 0) !=
	    st.st_size) {
		e = errno;
		free(*prog);
		*prog = NULL;
		close(fd);
		return rg_err_set(err, "", 0, e, "unable to read seccomp BPF");
	}
	close(fd);
	*len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	return 0;
}

int
sbx_seccomp_build_lib(const struct sbx_profile *sbx,
    struct sock_filter **prog, unsigned short *len, struct rg_err *err)
{
	scmp_filter_ctx ctx;
	int rc;

	*prog = NULL;
	*len = 0;
	if (!sbx->enabled || sbx->seccomp == SBX_SECCOMP_OFF)
		return 0;
	if (check_names(sbx->sc_allow, sbx->nsc_allow, "sc_allow", err) < 0 ||
	    check_names(sbx->sc_deny, sbx->nsc_deny, "sc_deny", err) < 0)
		return -1;
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (ctx == NULL)
		return rg_err_set(err, "", 0, ENOMEM, "unable to init seccomp");
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS);
	if (rc < 0)
		rg_err_set(err, "", 0, -rc, "unable to set bad-arch action");
	else if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE,
	    2)) < 0)	/* invariant 9 */
		rg_err_set(err, "", 0, -rc,
		    "unable to set the seccomp binary-tree layout");
	else
		rc = add_rules(ctx, sbx, err);
	if (rc == 0)
		rc = export(ctx, prog, len, err);
	seccomp_release(ctx);
	return rc < 0 ? -1 : 0;
}

/* Invariant 7: the calls the init makes after loading its filter. */
static const uint32_t init_calls[] = {
	__NR_rt_sigtimedwait, __NR_wait4, __NR_kill, __NR_write,
	__NR_exit, __NR_exit_group, __NR_restart_syscall,
	__NR_poll, __NR_ppoll,	/* its mountinfo (pidinit.c, invariant 3) */
};

#define NINIT	(sizeof(init_calls) / sizeof(init_calls[0]))

int
sbx_seccomp_build_init(struct sock_filter **prog, unsigned short *len,
    struct rg_err *err)
{
	/* libseccomp's SCMP_ARCH_* are the kernel's AUDIT_ARCH_* values. */
	uint32_t arch = seccomp_arch_native();
	struct sock_filter *f;
	unsigned short n = 0;

	*prog = NULL;
	*len = 0;
	f = calloc(NINIT + 6, sizeof(*f));
	if (f == NULL)
		return rg_err_set(err, "", 0, errno,
		    "unable to build the init's seccomp filter");
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch));
	/* -> the KILL_PROCESS return, the last instruction */
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch,
	    0, NINIT + 3);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < NINIT; i++)	/* -> the ALLOW return */
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
		    BPF_K, init_calls[i], (uint8_t)(NINIT - i), 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_KILL_PROCESS);
	*prog = f;
	*len = n;
	return 0;
}

/* Child only (between clone3 and exec): no gcov counters; doc/quality.md. */
/* GCOVR_EXCL_START */
int
sbx_seccomp_load(const struct sock_filter *prog, unsigned short len)
{
	struct sock_fprog fp = {
		.len = len,
		.filter = (struct sock_filter *)(uintptr_t)prog,
	};

	if (prog == NULL)
		return 0;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp);
}
/* GCOVR_EXCL_STOP */
