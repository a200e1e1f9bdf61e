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
#include <stdint.h>
#include <sys/resource.h>

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

/*
 * The same supervision in steps, for a caller with its own event loop
 * (rootgated): it watches c->pidfd and the deadline itself, blocks the
 * forwarded signals and is the child subreaper. c and o must outlive s.
 */
struct supervisor {
	const struct spawn_child *c;
	const struct supervise_opts *o;
	int phase;		/* timeout: 0 none, 1 SIGTERM sent, 2 KILL */
	bool cmd_reported;	/* the init sent the command's status */
	int cmd_wstatus;	/* ... this one (supervise.c, invariant 3) */
	bool cmd_done;		/* ... in a SPAWN_ST_DONE record */
	struct rusage done_ru;	/* ... with this usage */
	int64_t next_ms;	/* next timeout deadline (CLOCK_MONOTONIC,
				   ms), -1 = none */
};

/* Start the clock: c was just spawned. */
void sup_begin(struct supervisor *s, const struct spawn_child *c,
    const struct supervise_opts *o);
/* Signal the child's tree as supervise() forwards a signal: the init of
 * its pid namespace, else its session (the child alone before setsid). */
void sup_signal(const struct supervisor *s, int sig);
/* s->next_ms has passed: SIGTERM, or SIGKILL once the grace is over;
 * moves s->next_ms (supervise.c, invariant 4). */
void sup_timer(struct supervisor *s, struct run_outcome *out);
/* Reap the child if it has exited (wstatus, ru into *out): 1 reaped, 0
 * not yet, -1 on an error of wait4 (errno). */
int sup_try_reap(struct supervisor *s, struct run_outcome *out);
/* After the reap, and after every descendant is gone: read the status
 * pipe and compute out->status, started, stage, child_errno. */
void sup_end(struct supervisor *s, struct run_outcome *out);
/*
 * Before the reap, with a pid namespace, when c->statusfd is readable:
 * read what the status pipe holds (it is non-blocking). 1 once the init
 * has sent SPAWN_ST_DONE: nothing of the run lives but the exiting init,
 * and sup_end_done computes *out as sup_end would, with the usage the
 * init reported; the child must still be reaped. 0 when that record has
 * not come yet; -1 at EOF or on a short record (the pipe says nothing
 * more: wait for the reap and call sup_end).
 */
int sup_poll_status(struct supervisor *s, struct run_outcome *out);
void sup_end_done(struct supervisor *s, struct run_outcome *out);

#endif
