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
 * pidinit.c, in the clone3 child when the profile asks for a pid
 * namespace: set up the namespace, fork the command (which execs
 * execfd), forward signals to it, reap everything, report its wait
 * status on statusfd. Never returns.
 */
void pidinit_main(const struct sbx_enter *e, int execfd, char *const *argv,
    char *const *envp, int statusfd) __attribute__((noreturn));

#endif
