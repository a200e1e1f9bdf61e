/* SPDX-License-Identifier: ISC */
/*
 * job.h - one allowed request's command, started and supervised from
 * rootgated's event loop (daemon.c): spawned by the daemon itself
 * (run_start), watched through its pidfd, its timeout and forwarded
 * signals driven by the loop, its status computed once it and every
 * descendant are gone (run_end).
 */
#ifndef ROOTGATE_JOB_H
#define ROOTGATE_JOB_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "diag.h"
#include "run.h"

struct decision;

/* A finished request: the outcome and the lines for the caller's
 * stderr (the messages cmd_run.c prints in direct mode). */
struct job_report {
	struct run_outcome out;
	char msg[RG_ERR_MSGLEN + 384];
};

struct job {
	struct run_job rj;
	struct run_outcome out;	/* filled as the run goes */
	bool live;		/* spawned and not yet reaped */
};

/*
 * Start d's command with fds as its stdin, stdout and stderr. The
 * caller blocks SIGINT, SIGTERM, SIGHUP and SIGQUIT and is the child
 * subreaper (run.h). Returns 0 (watch job_pidfd), or -1 with *r filled
 * (status 125, or 96 when the executable vanished) and nothing running.
 * q is the command as the caller's messages name it.
 */
int job_start(struct job *j, const struct decision *d, const int fds[3],
    const char *q, struct job_report *r);

/*
 * job_start on a prepared init of d's profile (run.h, run_start_parked):
 * 0 started; 1 this request cannot use it (nothing done: call
 * job_start); -1 as job_start. On 1 and -1 rp is still the caller's to
 * discard.
 */
int job_start_parked(struct job *j, const struct decision *d,
    const int fds[3], const char *q, struct run_parked *rp,
    struct job_report *r);

/* The child's pid while it is live (unreaped), else -1. */
pid_t job_pid(const struct job *j);
int job_pidfd(const struct job *j);
/* The next timeout step (CLOCK_MONOTONIC ms), -1 = none; job_timer is
 * called when it has passed. */
int64_t job_deadline(const struct job *j);
void job_timer(struct job *j);
/* Forward sig to the command's tree (SIGKILL kills it). */
void job_signal(const struct job *j, int sig);

/*
 * The pidfd is readable: the child has exited. Kills what is left of
 * its session (never a recycled group: the unreaped child still holds
 * its pid), then reaps it. Returns 1 when reaped, 0 if not yet, -1 on
 * an error (errno): then the run is recorded as failed (125) and the
 * child is no longer the job's, for the caller to kill and reap as a
 * stray. Without a pid namespace its orphans are now the caller's
 * children, to be killed and reaped before job_finish.
 */
int job_reap(struct job *j);

/* After the reap and once no descendant is left: the report. */
void job_finish(struct job *j, const char *q, struct job_report *r);

/* The status pipe to watch before the reap (with a pid namespace), or
 * -1. When it is readable, job_poll_done: 1 once the run has ended but
 * for the exiting init (run_poll_done), 0 not yet, -1 nothing more
 * will come (wait for the reap). After 1, job_finish_done fills *r;
 * the job stays live until job_reap, then job_release. */
int job_statusfd(const struct job *j);
int job_poll_done(struct job *j);
void job_finish_done(struct job *j, const char *q, struct job_report *r);
void job_release(struct job *j);
/* Move a live job to *dst; src is left with none. */
void job_move(struct job *dst, struct job *src);

#endif
