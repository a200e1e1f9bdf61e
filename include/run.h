/* SPDX-License-Identifier: ISC */
/*
 * run.h - run one allowed command under its sandbox profile and supervise
 * it to the end. The caller (direct mode, the broker) has already decided:
 * everything here is inert data from a `struct decision`.
 *
 * PRIVILEGED module (root): the sandbox and supervision code lives behind
 * this one entry point.
 */
#ifndef ROOTGATE_RUN_H
#define ROOTGATE_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "sandbox.h"
#include "spawn.h"
#include "supervise.h"

struct sbx_profile;
struct rg_err;

struct run_request {
	const char *exec_path;		/* canonical path checked at load */
	char *const *argv;		/* final argv, NULL-terminated */
	char *const *envp;		/* final environment, NULL-terminated */
	const struct sbx_profile *sbx;	/* how to confine it */
	uid_t uid;			/* run-as user */
	gid_t gid;			/* run-as group */
	int fds[3];			/* the child's stdin, stdout, stderr */
};

struct run_outcome {
	int status;		/* exit status for the caller (exitcode.h) */
	bool started;		/* execve succeeded */
	bool timed_out;		/* killed after timeout_ms */
	int wstatus;		/* raw wait status of the command (as
				   reported by the init of a pid ns) */
	struct rusage ru;	/* of the child and its descendants */
	uint64_t elapsed_us;	/* wall clock, start to reap */
	char stage[32];		/* when !started: the set-up step that failed */
	int child_errno;	/* ... and its errno */
	char warning[256];	/* e.g. "cgroup v2 not delegated: memory.max
				   not applied"; "" if none */
};

/*
 * Run req->argv from req->exec_path under req->sbx; block until the child
 * and every descendant are gone (with req->sbx->keep_descendants, the
 * rootwrap compatibility profile: until the child is gone, leaving its
 * descendants alone and forwarding no signal); fill *out. Returns 0 when
 * the command was run (out->status is its status, 124 on timeout, 128+N
 * on signal N), or
 * -1 with *err set when rootgate failed before or during set-up (then
 * out->status is 125, or 96 when the executable vanished or changed).
 */
int run_command(const struct run_request *req, struct run_outcome *out,
    struct rg_err *err);

/*
 * run_command in two halves, for a caller that supervises in its own
 * event loop (rootgated) instead of blocking. The caller keeps SIGINT,
 * SIGTERM, SIGHUP and SIGQUIT blocked (run_start refuses to start
 * otherwise: the init of a pid namespace must be born with them
 * blocked, pidinit.c invariant 2), is the child subreaper (orphans
 * of a run without a pid namespace come back to it, to be killed), and
 * drives j->s: it watches j->c.pidfd, calls sup_timer at j->s.next_ms,
 * sup_signal to forward a signal, and sup_try_reap when the pidfd is
 * readable.
 */
struct run_job {
	struct sbx_prepared prep;
	struct spawn_child c;		/* the child: command or init */
	struct supervise_opts o;
	struct supervisor s;
	uint64_t t0;
};

/* Check, prepare and spawn. 0, or -1 with *err and out->status (125, or
 * 96 when the executable vanished or changed) and nothing left to clean
 * up. The rootwrap compatibility profile (keep_descendants) is refused:
 * only run_command runs it; so is a caller with the signals unblocked. */
int run_start(const struct run_request *req, struct run_job *j,
    struct run_outcome *out, struct rg_err *err);

/* After the reap, once no descendant is left (the caller killed and
 * reaped them): fill *out as run_command does, release everything j
 * holds. Returns 0, or -1 with *err when the command never started. */
int run_end(struct run_job *j, struct run_outcome *out, struct rg_err *err);

/*
 * With a pid namespace the run may end before the reap (supervise.c,
 * invariant 8). When j->c.statusfd is readable, run_poll_done reads it:
 * 1 once the init has reported that nothing of the run lives but
 * itself, exiting; 0 not yet; -1 when the pipe will say no more (then
 * only run_end, after the reap). After 1, run_end_done fills *out as
 * run_end would (the usage is what the init reported) and returns as
 * it does, but releases nothing: the caller still reaps the init
 * (sup_try_reap) and then calls run_release.
 */
int run_poll_done(struct run_job *j, struct run_outcome *out);
int run_end_done(struct run_job *j, struct run_outcome *out,
    struct rg_err *err);
void run_release(struct run_job *j);

/* Move a started job to *dst (its supervisor points into the job). */
void run_job_move(struct run_job *dst, struct run_job *src);

/*
 * A prepared init (spawn.h, spawn_park) for a profile, made before its
 * request: rootgated keeps one per recently used profile. run_park
 * returns 0 (made), 1 when the profile cannot have one (sandbox off,
 * no pid or mount namespace, a per-run cgroup, no /dev and mask
 * templates: sbx_templates_init), -1 with *err. run_start_parked is
 * run_start with the set-up already done: 0 and *j started as by
 * run_start (p's init becomes its child; p is left empty); 1 when p
 * cannot take this request (too large for a message, the init is gone):
 * nothing was started, p is untouched, the caller discards it and calls
 * run_start; -1 with *err and out->status as run_start's (the request
 * itself failed: the executable is missing...; p is untouched).
 */
struct run_parked {
	struct sbx_prepared prep;
	struct spawn_parked p;
	const struct sbx_profile *sbx;
	char warning[256];		/* sandbox_prepare's, for each run */
};

int run_park(const struct sbx_profile *sbx, struct run_parked *rp,
    struct rg_err *err);
int run_start_parked(const struct run_request *req, struct run_parked *rp,
    struct run_job *j, struct run_outcome *out, struct rg_err *err);
/* Kill an unused one and free what it holds but its pidfd. */
void run_parked_discard(struct run_parked *rp);

#endif
