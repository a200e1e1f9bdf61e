/* SPDX-License-Identifier: ISC */
/*
 * supervise.h - wait for the child: forward signals, enforce the
 * timeout, read the set-up status, reap every descendant, compute the
 * exit status.
 *
 * PRIVILEGED module (root).
 */
#ifndef ROOTGATE_SUPERVISE_H
#define ROOTGATE_SUPERVISE_H

#include <stdbool.h>

struct spawn_child;
struct run_outcome;

struct supervise_opts {
	int sigfd;		/* signalfd of the forwarded signals */
	bool pidns;		/* the child is the init of its own pid
				   namespace (pidinit.c), not the command */
	unsigned timeout_ms;	/* 0 = none */
	unsigned grace_ms;	/* SIGTERM to SIGKILL; 0 = SIGKILL at the
				   timeout, no SIGTERM */
	bool keep_descendants;	/* wait for the child alone; signal only
				   it (no pid namespace, sigfd -1) */
};

/*
 * Supervise c until it and all its descendants are gone (with
 * o->keep_descendants: until c alone is gone); fill *out
 * (status, started, timed_out, wstatus, ru, stage, child_errno).
 * Closes nothing it did not open. Returns 0, or -1 on an internal
 * failure of the supervisor itself (the tree is killed then).
 */
int supervise(const struct spawn_child *c, const struct supervise_opts *o,
    struct run_outcome *out);

#endif
