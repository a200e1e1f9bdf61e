/* SPDX-License-Identifier: ISC */
/*
 * worker.h - one process per allowed request (daemon.c's only way to
 * run a command): run_command reaps every child of its caller and
 * blocks, so it never runs in the event loop's process.
 */
#ifndef ROOTGATE_WORKER_H
#define ROOTGATE_WORKER_H

#include <sys/types.h>

#include "diag.h"
#include "run.h"

struct decision;

/* What the worker writes on its pipe before it exits: one write, under
 * PIPE_BUF, so it is whole or absent. */
struct worker_report {
	struct run_outcome out;
	char msg[RG_ERR_MSGLEN + 384];	/* lines for the caller's stderr */
};

struct worker {
	pid_t pid;
	int pidfd;		/* readable when the worker has exited */
	int rfd;		/* the report pipe, non-blocking */
};

/*
 * Fork a worker that runs d's command with fds as its stdin, stdout and
 * stderr, and reports. q is the command as the caller's messages name
 * it. Returns 0, or -1 with errno (nothing left running).
 */
int worker_start(const struct decision *d, const int fds[3], const char *q,
    struct worker *w);

/*
 * Collect an exited worker: read its report (a worker that died without
 * one gets status 125 and the reason in msg), reap it, close its fds.
 */
void worker_finish(struct worker *w, struct worker_report *r);

#endif
