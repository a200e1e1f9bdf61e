/* SPDX-License-Identifier: ISC */
/*
 * spawn.h - clone3 the sandboxed child with its namespaces, a pidfd and
 * (optionally) its cgroup; the child enters the sandbox and execs, or
 * reports {stage, errno} on a CLOEXEC status pipe and exits 125.
 *
 * PRIVILEGED module (root).
 */
#ifndef ROOTGATE_SPAWN_H
#define ROOTGATE_SPAWN_H

#include <stdint.h>
#include <sys/types.h>

struct sbx_enter;
struct rg_err;

/* One record on the status pipe; EOF without one = exec succeeded. */
struct spawn_status {
	int32_t stage;		/* enum sbx_stage */
	int32_t errnum;
};

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

#endif
