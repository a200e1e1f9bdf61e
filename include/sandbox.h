/* SPDX-License-Identifier: ISC */
/*
 * sandbox.h - confine one child according to a struct sbx_profile.
 *
 * Two halves, so that everything that can fail with a useful message
 * happens before the fork and the child only applies inert data:
 *   sandbox_prepare()  parent, root: validate the profile, build the
 *                      seccomp program, create the per-run cgroup;
 *   sandbox_enter()    child, between clone and execveat: apply it all,
 *                      in the order written down in src/sandbox/enter.c.
 * With a pid namespace the clone3 child is a minimal init (src/run/
 * pidinit.c) and sandbox_enter() is split at its fork:
 *   sandbox_enter_init()      init, before the fork: what the whole
 *                             namespace shares (mounts, /proc, limits...);
 *   sandbox_enter_command()   the command, after the fork: its session,
 *                             ids, capabilities, no_new_privs, seccomp;
 *   sandbox_confine_init()    init, after the fork: no capability, the
 *                             run-as ids, no_new_privs, a tiny allow-list.
 *
 * PRIVILEGED module (root).
 */
#ifndef ROOTGATE_SANDBOX_H
#define ROOTGATE_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sbx_profile;
struct rg_err;
struct sock_filter;

/* The set-up steps of the child; reported to the parent on failure. */
enum sbx_stage {
	SBX_ST_NONE,
	SBX_ST_SIGNALS,
	SBX_ST_SETSID,
	SBX_ST_MOUNT,
	SBX_ST_RLIMIT,
	SBX_ST_CWD,
	SBX_ST_FDS,
	SBX_ST_BOUNDING,
	SBX_ST_IDS,
	SBX_ST_CAPS,
	SBX_ST_PDEATHSIG,
	SBX_ST_NNP,
	SBX_ST_SECCOMP,
	SBX_ST_EXEC,
	SBX_ST_FORK,
	SBX_ST_INIT,
	SBX_ST_COUNT
};

/* What sandbox_prepare() made; owned by the caller, see sandbox_release. */
struct sbx_prepared {
	struct sock_filter *bpf;	/* seccomp program, NULL = none */
	unsigned short nbpf;		/* its length in instructions */
	struct sock_filter *init_bpf;	/* the pid-namespace init's own
					   allow-list; NULL = no init */
	unsigned short ninit_bpf;
	uint64_t clone_flags;		/* CLONE_NEW* for clone3 */
	uint64_t cap_bnd;		/* our bounding set: the child's */
	int cap_last;			/* highest capability number */
	int cgroup_fd;			/* per-run cgroup dir (O_PATH) for
					   CLONE_INTO_CGROUP; -1 = none */
	char cgroup_path[256];		/* to rmdir after the run */
	int tmpl_dev, tmpl_dir;		/* sbx_templates_init's mounts, not
					   owned; -1 = none */
};

/* What the child applies, all of it prepared by the parent. */
struct sbx_enter {
	const struct sbx_profile *sbx;
	const struct sbx_prepared *prep;
	uid_t uid;
	gid_t gid;
	const int *fds;			/* the child's 0, 1, 2 */
	const int *keep;		/* fds >= 3 to keep open (exec fd,
					   status pipe) */
	size_t nkeep;
	bool early_end;			/* the supervisor may end the run at
					   the init's DONE record (rootgated:
					   pidinit.c, invariant 3) */
};

/*
 * Check the profile and prepare what the child will apply: the seccomp
 * program, the clone flags and, when the profile sets mem_max or
 * pids_max, a cgroup (a warning goes into warn, never a silent skip, when
 * no delegated cgroup v2 hierarchy with the controllers exists). Returns 0,
 * or -1 with *err set and nothing left allocated.
 */
int sandbox_prepare(const struct sbx_profile *sbx, struct sbx_prepared *p,
    char *warn, size_t warnlen, struct rg_err *err);

/* Free the program, close and remove the cgroup. Idempotent. */
void sandbox_release(struct sbx_prepared *p);

/* enter.c, invariant 8: note which signals are not SIG_DFL now; every
 * later child resets only those. For a process that changes no
 * disposition after the call (rootgated, once set up). */
void sbx_signals_note(void);

/*
 * For a long-lived parent (rootgated): make the minimal /dev and an
 * empty directory mask once, as detached read-only mounts that every
 * later sandbox_prepare hands to its child to clone (dev.c, invariant
 * 5; mount.c, invariant 10) instead of building its own. 0, or -1 with
 * errno when they cannot be made or the kernel cannot clone a detached
 * mount (EINVAL before Linux 6.15): then runs build their own, as
 * without the call. sbx_templates_release closes them.
 */
int sbx_templates_init(void);
void sbx_templates_release(void);

/* Whether sandbox_prepare() asked for a pid namespace, whose first
 * process is then an init (src/run/pidinit.c), not the command. */
bool sandbox_has_init(const struct sbx_prepared *p);

/*
 * In the child, after clone: apply every step. Returns 0 (the caller
 * execs at once), or -1 with *stage and *errnum naming the failed step:
 * the caller must not exec then. Only without an init.
 */
int sandbox_enter(const struct sbx_enter *e, enum sbx_stage *stage,
    int *errnum);

/*
 * The same steps, split at the init's fork (see above). Same return
 * convention; a failure in the init fails the run before or (confine)
 * right after the command starts, and the namespace dies with the init.
 * sandbox_confine_init() closes the init's fds 0-2 and e->keep[0] (the
 * exec fd); it leaves the status pipe, e->keep[1].
 * sandbox_enter_init() is _layout (what does not depend on the request:
 * session, mounts, limits, bounding set) then _request (cwd, fds): a
 * prepared init (spawn_park) runs the first before the request exists.
 */
int sandbox_enter_init(const struct sbx_enter *e, enum sbx_stage *stage,
    int *errnum);
int sandbox_enter_init_layout(const struct sbx_enter *e,
    enum sbx_stage *stage, int *errnum);
int sandbox_enter_init_request(const struct sbx_enter *e,
    enum sbx_stage *stage, int *errnum);
int sandbox_enter_command(const struct sbx_enter *e, enum sbx_stage *stage,
    int *errnum);
int sandbox_confine_init(const struct sbx_enter *e, enum sbx_stage *stage,
    int *errnum);

/* "mount layout", "seccomp load", ...; "unknown" when out of range. */
const char *sandbox_stage_name(int stage);

#endif
