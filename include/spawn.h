/* SPDX-License-Identifier: ISC */
/*
 * spawn.h - clone3 the sandboxed child with its namespaces, a pidfd and
 * (optionally) its cgroup; the child enters the sandbox and execs, or
 * reports {stage, errno} on a CLOEXEC status pipe and exits 125.
 * With a pid namespace the child is an init (pidinit.c) that forks the
 * command and ends by reporting the command's wait status on that pipe.
 *
 * PRIVILEGED module (root).
 */
#ifndef ROOTGATE_SPAWN_H
#define ROOTGATE_SPAWN_H

#include <stdint.h>
#include <sys/types.h>

struct sbx_enter;
struct rg_err;

/* One record on the status pipe (32 bytes < PIPE_BUF: written whole);
 * EOF, or the init's SPAWN_ST_WSTATUS or SPAWN_ST_DONE record, without a
 * set-up failure record first = exec succeeded. */
struct spawn_status {
	int32_t stage;		/* enum sbx_stage, or SPAWN_ST_WSTATUS/DONE */
	int32_t errnum;		/* errno, or the command's raw wait status */
	/* SPAWN_ST_DONE: the resource usage of every process the init
	 * reaped (the command, its descendants); else 0 */
	int64_t utime_us, stime_us, maxrss_kb;
};

/* The init's last record: the command was reaped, errnum = wstatus;
 * other processes of the namespace were left, which the kernel kills
 * and reaps when the init exits next. */
#define SPAWN_ST_WSTATUS	INT32_C(-1)
/* The init's last record: the command was reaped, errnum = wstatus, and
 * the init had no child left: nothing of the run lives but the init,
 * which exits next (pidinit.c, invariant 3). */
#define SPAWN_ST_DONE		INT32_C(-2)

struct spawn_child {
	pid_t pid;
	int pidfd;		/* CLONE_PIDFD */
	int statusfd;		/* read end of the status pipe */
};

/*
 * Start the child. e describes the sandbox (e->keep must have room for
 * the status pipe: spawn fills the last slot), execfd/argv/envp what it
 * runs. Returns 0, or -1 with *err set (no child exists then).
 */
int spawn_start(struct sbx_enter *e, int execfd, char *const *argv,
    char *const *envp, struct spawn_child *c, struct rg_err *err);

/* What a vfork'd child runs with (spawn_vfork). */
struct spawn_args {
	const struct sbx_enter *e;
	int execfd;
	char *const *argv;
	char *const *envp;
	int statusfd;
};

/*
 * clone(CLONE_VM | CLONE_VFORK | SIGCHLD | flags) running entry(a) on a
 * static stack that only the child touches, while the caller sleeps
 * until it has exec'd or exited (spawn.c invariant 4a). With
 * CLONE_PIDFD in flags the pidfd goes to *pidfd. Returns as clone().
 */
long spawn_vfork(int (*entry)(void *), struct spawn_args *a, int flags,
    int *pidfd);

/*
 * A prepared init (rootgated): spawn_park clones the init of a new pid
 * namespace for e's profile at once, without a request; it sets up what
 * does not depend on one (sandbox_enter_init_layout: session, mounts,
 * limits, bounding set), closes every descriptor but its control socket
 * and status pipe, and waits. spawn_handoff sends it the request as one
 * message on the control socket (SOCK_SEQPACKET): a struct
 * spawn_park_msg, then argc + envc NUL-terminated strings, with
 * SCM_RIGHTS [exec fd, stdin, stdout, stderr]; the init then goes on as
 * pidinit_main does after its set-up (pidinit.c, invariant 6). Closing
 * the control socket unused makes it exit, reporting nothing.
 */
struct spawn_park_msg {
	uint32_t magic;		/* SPAWN_PARK_MAGIC */
	uint32_t uid, gid;	/* run-as ids */
	uint32_t argc, envc;
	uint32_t len;		/* bytes of strings that follow */
};
#define SPAWN_PARK_MAGIC	UINT32_C(0x52475031)	/* "RGP1" */
#define SPAWN_PARK_MAXSTR	((size_t)256 * 1024)
#define SPAWN_PARK_MAXV		2048u			/* argc + envc */
#define SPAWN_PARK_COMM		"rootgated-park"	/* its name until then */

struct spawn_parked {
	pid_t pid;
	int pidfd;		/* the init's, -1 once handed off */
	int statusfd;		/* read end of its status pipe, idem */
	int ctlfd;		/* our end of the control socket, idem */
};

/* 0, or -1 with *err. e->keep is not used; e->fds may be NULL. */
int spawn_park(const struct sbx_enter *e, struct spawn_parked *p,
    struct rg_err *err);

/*
 * Hand a request to p: 0 and *c filled (p's descriptors move into it:
 * supervise c as spawn_start's child); -1 with *err when it was not
 * sent: too large (argv and environment over SPAWN_PARK_MAXSTR bytes
 * or SPAWN_PARK_MAXV strings), or the init is gone. Then p is unchanged
 * and still the caller's to discard.
 */
int spawn_handoff(struct spawn_parked *p, int execfd, const int fds[3],
    uid_t uid, gid_t gid, char *const *argv, char *const *envp,
    struct spawn_child *c, struct rg_err *err);

/* Kill a parked init that was not handed a request and close what we
 * hold but its pidfd, which the caller reaps with (then closes). */
void spawn_parked_discard(struct spawn_parked *p);

/*
 * The message of spawn_handoff, n bytes at buf, back into argv and envp
 * pointer arrays built in vec (nvec entries: argc + envc + 2 at least);
 * the strings stay in buf. 0, or -1 when it is not exactly one
 * well-formed message. Pure: shared by the init and the unit tests.
 */
int spawn_park_decode(char *buf, size_t n, char **vec, size_t nvec,
    char ***argv, char ***envp, uid_t *uid, gid_t *gid);

/*
 * pidinit.c, in the clone3 child when the profile asks for a pid
 * namespace: set up the namespace, fork the command (which execs
 * execfd), forward signals to it, reap everything, report its wait
 * status on statusfd. Never returns.
 */
void pidinit_main(const struct sbx_enter *e, int execfd, char *const *argv,
    char *const *envp, int statusfd) __attribute__((noreturn));

/* The prepared init (spawn_park): the layout, then wait for the
 * request on ctlfd. */
void pidinit_park(const struct sbx_enter *e, int ctlfd, int statusfd)
    __attribute__((noreturn));

#endif
