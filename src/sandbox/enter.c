/* SPDX-License-Identifier: ISC */
/*
 * enter.c - sandbox_prepare() in the parent, sandbox_enter() in the
 * child: the one place that sequences the privileged steps.
 *
 * Invariants:
 * 1. Every step either succeeds or the command does not run: the child
 *    reports {stage, errno} and exits 125 (fail closed, no warnings).
 * 2. The order is fixed and each step says why it is where it is.
 * 3. The child allocates nothing and reads no configuration: all it
 *    applies was validated and built by sandbox_prepare().
 * 4. With sbx->enabled false (and no keep_descendants: see 7), the child
 *    still
 *    gets a new session, exactly fds 0-2 and the run-as ids; nothing
 *    else (no namespaces, limits, capability drop, NNP or seccomp), and
 *    never an init (there is no pid namespace). It keeps the caller's
 *    umask, as oslo.rootwrap's child does (sbx->umask is not applied),
 *    and its cwd is sbx->cwd when set (native rules: "/" by default),
 *    else the caller's (translated rootwrap rules leave cwd NULL:
 *    rootwrap's child runs where rootwrap was started).
 * 6. With the sandbox on, umask is always sbx->umask (022 by default)
 *    and cwd is sbx->cwd, or "/" when it is NULL: never the caller's,
 *    which may be a directory it controls, or one not in the namespace.
 * 5. With a pid namespace the steps are split at the init's fork
 *    (src/run/pidinit.c). Before it, in the init: what the namespace
 *    shares or the command inherits and that needs full root - mounts
 *    and /proc, limits (raising a hard one needs CAP_SYS_RESOURCE), cwd,
 *    descriptors, dispositions, and the bounding set (dropped once, for
 *    both). After it, in the command: its session, ids, capabilities
 *    (with the bounding set read back), no_new_privs, seccomp - the rule's
 *    filter only there, so an sc_deny entry can never break the init.
 *    In the init, once the command has exec'd: bounding set and all
 *    capabilities dropped, the same ids, not dumpable (no ptrace of it
 *    or read of its memory by the command), no_new_privs, and an
 *    allow-list of the calls its loop makes. So the init holds nothing
 *    the command lacks and can do nothing for it but forward four
 *    signals and reap. (The init's limits are the command's: one more
 *    process of the run-as uid counts against RLIMIT_NPROC.)
 * 7. With keep_descendants (the rootwrap compatibility profile, only
 *    with sbx->enabled false) the child is what oslo.rootwrap's
 *    preexec makes of it, and nothing more: SIGPIPE and SIGXFSZ back
 *    to their defaults (Python's restore_signals), every other
 *    disposition and the signal mask as the caller left them; no new
 *    session (it stays in the caller's process group, as the privsep
 *    daemon it may fork wants); exactly fds 0-2 (close_fds); the
 *    caller's cwd and umask; no parent-death signal (oslo's child
 *    outlives it). run_as root: no id call at all, as oslo; another
 *    user: groups emptied, gid 0, then the uid (oslo: setuid alone,
 *    which keeps root's groups: doc/rootwrap-compat.md #21).
 * 8. The child resets every disposition that may not be SIG_DFL: by
 *    default all of them (~60 calls, ~10 us), since a process inherits
 *    ignored signals from whoever started it. A long-lived parent that
 *    changes no disposition once it is set up (rootgated) calls
 *    sbx_signals_note() then, and its children reset only the ones
 *    that were not SIG_DFL at that moment (a handful).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "policy.h"
#include "sandbox.h"
#include "sbx_steps.h"

static const char *const stage_names[SBX_ST_COUNT] = {
	[SBX_ST_NONE] = "none",
	[SBX_ST_SIGNALS] = "reset signals",
	[SBX_ST_SETSID] = "create session",
	[SBX_ST_MOUNT] = "set up mounts",
	[SBX_ST_RLIMIT] = "set resource limits",
	[SBX_ST_CWD] = "change directory",
	[SBX_ST_FDS] = "set up descriptors",
	[SBX_ST_BOUNDING] = "drop bounding set",
	[SBX_ST_IDS] = "change ids",
	[SBX_ST_CAPS] = "set capabilities",
	[SBX_ST_PDEATHSIG] = "set parent-death signal",
	[SBX_ST_NNP] = "set no_new_privs",
	[SBX_ST_SECCOMP] = "load seccomp filter",
	[SBX_ST_EXEC] = "execute",
	[SBX_ST_FORK] = "fork the command",
	[SBX_ST_INIT] = "confine the namespace init",
};

const char *
sandbox_stage_name(int stage)
{
	if (stage < 0 || stage >= SBX_ST_COUNT || stage_names[stage] == NULL)
		return "unknown";
	return stage_names[stage];
}

static int tmpl_dev = -1, tmpl_dir = -1;	/* sbx_templates_init */

/* The file system itself read-only, not just the mount: a command that
 * may remount its clone read-write (a rule granting CAP_SYS_ADMIN and
 * the mount calls) still cannot change what every other run sees. */
static int
sb_readonly(int mnt)
{
	int fs = fspick(mnt, "", FSPICK_CLOEXEC | FSPICK_EMPTY_PATH), rc, e;

	if (fs < 0)
		return -1;
	rc = fsconfig(fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) == 0 &&
	    fsconfig(fs, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) == 0 ?
	    0 : -1;
	e = errno;
	close(fs);
	errno = e;
	return rc;
}

int
sbx_templates_init(void)
{
	int dev, dir, probe[2] = { -1, -1 }, e;

	if (tmpl_dev >= 0)
		return 0;
	if ((dev = sbx_dev_template()) < 0)
		return -1;
	if (sb_readonly(dev) < 0) {
		e = errno;
		close(dev);
		errno = e;
		return -1;
	}
	if ((dir = sbx_mask_dir_tree()) >= 0 && sb_readonly(dir) == 0) {
		/* what the child will do: EINVAL where the kernel clones
		 * only mounts of the caller's namespace */
		probe[0] = open_tree(dev, "null", OPEN_TREE_CLONE |
		    OPEN_TREE_CLOEXEC);
		probe[1] = open_tree(dir, "", OPEN_TREE_CLONE |
		    OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	}
	e = errno;
	for (int i = 0; i < 2; i++)
		if (probe[i] >= 0)
			close(probe[i]);
	if (probe[0] < 0 || probe[1] < 0) {
		close(dev);
		if (dir >= 0)
			close(dir);
		errno = e;
		return -1;
	}
	tmpl_dev = dev;
	tmpl_dir = dir;
	return 0;
}

void
sbx_templates_release(void)
{
	if (tmpl_dev >= 0)
		close(tmpl_dev);
	if (tmpl_dir >= 0)
		close(tmpl_dir);
	tmpl_dev = tmpl_dir = -1;
}

int
sandbox_prepare(const struct sbx_profile *sbx, struct sbx_prepared *p,
    char *warn, size_t warnlen, struct rg_err *err)
{
	memset(p, 0, sizeof(*p));
	p->cgroup_fd = -1;
	p->tmpl_dev = tmpl_dev;
	p->tmpl_dir = tmpl_dir;
	if (sbx == NULL)
		return rg_err_set(err, "", 0, 0, "no sandbox profile");
	if (sbx->keep_descendants && sbx->enabled)
		return rg_err_set(err, "", 0, 0, "keep_descendants needs the "
		    "sandbox off");
	if (!sbx->enabled)
		return 0;
	if (sbx->cwd != NULL && sbx->cwd[0] != '/')
		return rg_err_set(err, sbx->cwd, 0, 0, "cwd is not absolute");
	if (sbx_mount_check(sbx, err) < 0)
		return -1;
	if (sbx_caps_warm(sbx->caps, &p->cap_last, &p->cap_bnd) < 0)
		return rg_err_set(err, "", 0, errno,
		    "unknown capability in profile");
	p->clone_flags = sbx_ns_clone_flags(sbx);
	if (sbx_seccomp_build(sbx, &p->bpf, &p->nbpf, err) < 0)
		return -1;
	if ((p->clone_flags & CLONE_NEWPID) &&
	    sbx_seccomp_build_init(&p->init_bpf, &p->ninit_bpf, err) < 0) {
		sandbox_release(p);
		return -1;
	}
	if (sbx_cgroup_create(sbx, p, warn, warnlen, err) < 0) {
		sandbox_release(p);
		return -1;
	}
	return 0;
}

void
sandbox_release(struct sbx_prepared *p)
{
	free(p->bpf);
	p->bpf = NULL;
	p->nbpf = 0;
	free(p->init_bpf);
	p->init_bpf = NULL;
	p->ninit_bpf = 0;
	sbx_cgroup_remove(p);
}

/* Invariant 8: bit sig - 1 set for each signal whose disposition may
 * not be SIG_DFL. */
static uint64_t maybe_set = ~UINT64_C(0);

void
sbx_signals_note(void)
{
	uint64_t set = 0;

	for (int sig = 1; sig < NSIG && sig <= 64; sig++) {
		struct sigaction sa;

		/* 32, 33 (glibc's own) are refused here as in the reset */
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL)
			set |= UINT64_C(1) << (sig - 1);
	}
	maybe_set = set;
}

/* Child only (between clone3 and exec): no gcov counters; doc/quality.md. */
/* GCOVR_EXCL_START */
bool
sandbox_has_init(const struct sbx_prepared *p)
{
	return (p->clone_flags & CLONE_NEWPID) != 0;
}

/* Dispositions set to SIG_IGN and the blocked mask survive execve: the
 * command starts with neither (rootwrap resets SIGPIPE the same way). */
static void
default_dispositions(void)
{
	for (int sig = 1; sig < NSIG && sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP &&
		    (maybe_set >> (sig - 1) & 1) != 0)
			/* EINVAL for glibc's internal signals 32, 33: fine,
			 * they cannot be set by anyone, so not ignored. */
			(void)signal(sig, SIG_DFL);
}

static int
unblock_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	return sigprocmask(SIG_SETMASK, &none, NULL);
}

static int
reset_signals(void)
{
	default_dispositions();
	return unblock_signals();
}

/* The init keeps the forwarded signals blocked (the parent blocked
 * them) and blocks SIGCHLD too: all wait for its sigwaitinfo. Blocked,
 * they are queued even though it is pid 1 with default dispositions. */
static int
init_signals(void)
{
	sigset_t chld;

	default_dispositions();
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	return sigprocmask(SIG_BLOCK, &chld, NULL);
}

/* Invariants 4 and 6. */
static int
set_cwd(const struct sbx_profile *s)
{
	if (!s->enabled)	/* rootwrap keeps the caller's umask, cwd */
		return s->cwd != NULL ? chdir(s->cwd) : 0;
	umask(s->umask);
	return chdir(s->cwd != NULL ? s->cwd : "/");
}

#define STEP(st, call) do {						\
	if ((call) < 0) {						\
		*stage = (st);						\
		*errnum = errno;					\
		return -1;						\
	}								\
} while (0)

/* Invariant 7: what Python's subprocess resets (restore_signals). */
static int
compat_signals(void)
{
	if (signal(SIGPIPE, SIG_DFL) == SIG_ERR ||
	    signal(SIGXFSZ, SIG_DFL) == SIG_ERR)
		return -1;
	return 0;
}

/* Invariant 7: oslo calls setuid only when run_as is not root. */
static int
compat_ids(uid_t uid, gid_t gid)
{
	if (uid == 0 && gid == 0)
		return 0;
	return sbx_ids_apply(uid, gid);
}

/* Invariant 7, in oslo.rootwrap's order: signals, then ids; the fds
 * before the ids, so that no fd of ours reaches a user process. */
static int
enter_compat(const struct sbx_enter *e, enum sbx_stage *stage, int *errnum)
{
	STEP(SBX_ST_SIGNALS, compat_signals());
	STEP(SBX_ST_CWD, set_cwd(e->sbx));
	STEP(SBX_ST_FDS, sbx_fds_apply(e->fds, e->keep, e->nkeep));
	STEP(SBX_ST_IDS, compat_ids(e->uid, e->gid));
	return 0;
}

int
sandbox_enter(const struct sbx_enter *e, enum sbx_stage *stage, int *errnum)
{
	const struct sbx_profile *s = e->sbx;
	bool on = s->enabled;

	if (s->keep_descendants)
		return enter_compat(e, stage, errnum);

	/* First: the parent blocked the signals it forwards. */
	STEP(SBX_ST_SIGNALS, reset_signals());
	/* No controlling tty to inject into (TIOCSTI), and one process
	 * group the supervisor can signal as a whole. */
	STEP(SBX_ST_SETSID, setsid());
	/* Mounts need CAP_SYS_ADMIN, and cwd must resolve in the result. */
	if (on)
		STEP(SBX_ST_MOUNT, sbx_mount_apply(s, e->prep));
	/* While still root: raising a hard limit needs CAP_SYS_RESOURCE. */
	if (on)
		STEP(SBX_ST_RLIMIT, sbx_rlimit_apply(s));
	/* In the final tree, before the command can create a file. */
	STEP(SBX_ST_CWD, set_cwd(s));
	/* Before the id change, so no fd of ours reaches a user process. */
	STEP(SBX_ST_FDS, sbx_fds_apply(e->fds, e->keep, e->nkeep));
	/* Needs CAP_SETPCAP, which the uid change may take away. */
	if (on)
		STEP(SBX_ST_BOUNDING, sbx_caps_bound(e->prep->cap_bnd &
		    ~s->caps, e->prep->cap_last));
	/* KEEPCAPS must be set before setresuid or permitted is cleared. */
	if (on)
		STEP(SBX_ST_IDS, sbx_caps_keep(s->caps));
	/* Groups, then gid, then uid (ids.c), verified. */
	STEP(SBX_ST_IDS, sbx_ids_apply(e->uid, e->gid));
	/* After the uid change: now raise exactly the rule's caps. */
	if (on)
		STEP(SBX_ST_CAPS, sbx_caps_apply(s->caps, e->prep->cap_last));
	/* A credential change clears the parent-death signal: set it now,
	 * so the tree dies with rootgate even if rootgate is SIGKILLed. */
	STEP(SBX_ST_PDEATHSIG, prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0));
	/* Before seccomp: the kernel refuses a filter without NNP once
	 * CAP_SYS_ADMIN is gone; and no exec can grant privileges again. */
	if (on)
		STEP(SBX_ST_NNP, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	/* Last: the filter refuses calls the steps above needed (mount). */
	if (on)
		STEP(SBX_ST_SECCOMP,
		    sbx_seccomp_load(e->prep->bpf, e->prep->nbpf));
	return 0;
}

int
sandbox_enter_init_layout(const struct sbx_enter *e, enum sbx_stage *stage,
    int *errnum)
{
	const struct sbx_profile *s = e->sbx;

	/* At once: should rootgate die now, the namespace dies with it.
	 * Set again in sandbox_confine_init (the id change clears it). */
	STEP(SBX_ST_PDEATHSIG, prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0));
	/* Dispositions are inherited by the command; the mask is kept. */
	STEP(SBX_ST_SIGNALS, init_signals());
	/* Out of the caller's session: a ^C on its terminal reaches
	 * rootgate, which forwards it once, not the init a second time. */
	STEP(SBX_ST_SETSID, setsid());
	/* The mount namespace is shared; /proc must be mounted by a member
	 * of the new pid namespace. */
	STEP(SBX_ST_MOUNT, sbx_mount_apply(s, e->prep));
	/* Still root, with CAP_SYS_RESOURCE; inherited by the fork. */
	STEP(SBX_ST_RLIMIT, sbx_rlimit_apply(s));
	/* The command's bounding set, inherited by the fork: dropped once
	 * here rather than in both processes (each drop commits new
	 * credentials). The init keeps its own effective capabilities. */
	STEP(SBX_ST_BOUNDING, sbx_caps_bound(e->prep->cap_bnd & ~s->caps,
	    e->prep->cap_last));
	return 0;
}

int
sandbox_enter_init_request(const struct sbx_enter *e, enum sbx_stage *stage,
    int *errnum)
{
	/* In the final tree, and at the request: a prepared init's tree
	 * was made earlier (rootgated), the directory is looked up now. */
	STEP(SBX_ST_CWD, set_cwd(e->sbx));
	/* The command inherits 0-2 and the exec fd; the init closes them
	 * in sandbox_confine_init. */
	STEP(SBX_ST_FDS, sbx_fds_apply(e->fds, e->keep, e->nkeep));
	return 0;
}

int
sandbox_enter_init(const struct sbx_enter *e, enum sbx_stage *stage,
    int *errnum)
{
	if (sandbox_enter_init_layout(e, stage, errnum) < 0)
		return -1;
	return sandbox_enter_init_request(e, stage, errnum);
}

int
sandbox_enter_command(const struct sbx_enter *e, enum sbx_stage *stage,
    int *errnum)
{
	const struct sbx_profile *s = e->sbx;

	/* Its own session and group, away from the init: a kill(0, ...)
	 * by the command does not reach the init. */
	STEP(SBX_ST_SETSID, setsid());
	/* Before seccomp, which an sc_deny entry could make refuse it. */
	STEP(SBX_ST_SIGNALS, unblock_signals());
	/* Then as sandbox_enter, after the bounding set (the init's, read
	 * back by sbx_caps_apply). No parent-death signal: its parent is
	 * the init, and when the init dies the kernel kills the whole
	 * namespace. */
	STEP(SBX_ST_IDS, sbx_caps_keep(s->caps));
	STEP(SBX_ST_IDS, sbx_ids_apply(e->uid, e->gid));
	STEP(SBX_ST_CAPS, sbx_caps_apply(s->caps, e->prep->cap_last));
	STEP(SBX_ST_NNP, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	STEP(SBX_ST_SECCOMP, sbx_seccomp_load(e->prep->bpf, e->prep->nbpf));
	return 0;
}

int
sandbox_confine_init(const struct sbx_enter *e, enum sbx_stage *stage,
    int *errnum)
{
	/* The caller's streams and the executable are the command's
	 * business: the init holds only the status pipe. */
	STEP(SBX_ST_FDS, close_range(0, 2, 0));
	if (e->nkeep > 0)
		(void)close(e->keep[0]);	/* EBADF impossible: ours */
	/* Nothing to keep: what the bounding set still holds (the rule's
	 * capabilities) first, which needs CAP_SETPCAP. */
	STEP(SBX_ST_INIT, sbx_caps_bound(e->prep->cap_bnd & e->sbx->caps,
	    e->prep->cap_last));
	/* The command's ids: signalling it needs no capability then. */
	STEP(SBX_ST_INIT, sbx_ids_apply(e->uid, e->gid));
	STEP(SBX_ST_INIT, sbx_caps_apply(0, e->prep->cap_last));
	STEP(SBX_ST_INIT, prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0));
	/* After the id change, which may reset it: no ptrace, no
	 * /proc/1/mem for a command that shares our uid. */
	STEP(SBX_ST_INIT, prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
	STEP(SBX_ST_INIT, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	STEP(SBX_ST_INIT, sbx_seccomp_load(e->prep->init_bpf,
	    e->prep->ninit_bpf));
	return 0;
}
/* GCOVR_EXCL_STOP */
