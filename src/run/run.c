/* SPDX-License-Identifier: ISC */
/*
 * run.c - run_command(): execfd_open -> sandbox_prepare -> spawn_start
 * -> supervise, and the clean-up of all of it on every path; and the
 * same in two halves for an event loop (run_start, run_end: rootgated),
 * where the caller supervises with supervise.h's steps.
 *
 * Invariants:
 * 1. Nothing is executed unless every preparation succeeded.
 * 2. The forwarded signals are blocked from before the clone until the
 *    tree is reaped, and read from a signalfd (rootgate never dies of
 *    them mid-run); signals still pending at the end are discarded, so
 *    restoring the mask cannot kill the caller afterwards.
 * 3. Without a pid namespace we are the child subreaper for the run, so
 *    that orphans come back to us to be killed and reaped; the previous
 *    setting is restored. This reaps every child of the calling process:
 *    a caller with other children of its own (a broker) uses run_start
 *    and run_end instead, which leave the blocking (checked), the
 *    subreaper and the strays to it.
 * 4. A profile with keep_descendants (rootwrap compatibility, sandbox
 *    off) is run as oslo.rootwrap runs it: no signal is blocked or
 *    forwarded (a signal to rootgate alone ends rootgate and leaves the
 *    command running; one to the process group reaches both), we do not
 *    become subreaper, and we wait for the command alone: whatever it
 *    started and left running (oslo.privsep's daemon) outlives the run,
 *    untouched. Invariants 2 and 3 do not apply then.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "execfd.h"
#include "exitcode.h"
#include "policy.h"
#include "run.h"
#include "sandbox.h"
#include "spawn.h"
#include "supervise.h"

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int
check_request(const struct run_request *req, struct rg_err *err)
{
	if (req->argv == NULL || req->argv[0] == NULL || req->envp == NULL ||
	    req->sbx == NULL || req->exec_path == NULL)
		return rg_err_set(err, "", 0, EINVAL, "incomplete run request");
	for (int i = 0; i < 3; i++)
		if (req->fds[i] < 0)
			return rg_err_set(err, "", 0, EBADF,
			    "invalid descriptor for fd %d", i);
	if (req->uid == (uid_t)-1 || req->gid == (gid_t)-1)
		return rg_err_set(err, "", 0, EINVAL, "invalid run-as id");
	return 0;
}

static void
nproc_warning(const struct run_request *req, struct run_outcome *out)
{
	size_t used = strlen(out->warning);

	if (!req->sbx->enabled || !req->sbx->rl[SBX_RL_NPROC].set ||
	    req->uid != 0)
		return;
	snprintf(out->warning + used, sizeof(out->warning) - used,
	    "%sRLIMIT_NPROC is not enforced for uid 0", used ? "; " : "");
}

static void
drain(int sigfd)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) == sizeof(si))
		;
}

/* Spawn and supervise, with signals blocked (invariant 2). */
static int
run_child(const struct run_request *req, const struct sbx_prepared *prep,
    int execfd, struct run_outcome *out, struct rg_err *err)
{
	struct sbx_enter e = { req->sbx, prep, req->uid, req->gid, req->fds,
	    NULL, 0, false };
	struct supervise_opts o;
	struct spawn_child c;
	sigset_t set, old;
	int sigfd, was = 0, rc = -1;
	bool pidns = (prep->clone_flags & CLONE_NEWPID) != 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		return rg_err_set(err, "", 0, errno, "unable to block signals");
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0) {
		rg_err_set(err, "", 0, errno, "unable to create signalfd");
		goto out_mask;
	}
	if (!pidns && (prctl(PR_GET_CHILD_SUBREAPER, &was, 0, 0, 0) < 0 ||
	    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)) {
		rg_err_set(err, "", 0, errno, "unable to become subreaper");
		goto out_sigfd;
	}
	if (spawn_start(&e, execfd, req->argv, req->envp, &c, err) < 0)
		goto out_reaper;
	o = (struct supervise_opts){ sigfd, pidns,
	    req->sbx->timeout_ms, req->sbx->grace_ms, false };
	rc = supervise(&c, &o, out);
	if (rc < 0)
		rg_err_set(err, "", 0, errno, "unable to supervise child");
	close(c.pidfd);
	close(c.statusfd);
out_reaper:
	if (!pidns)
		(void)prctl(PR_SET_CHILD_SUBREAPER, was, 0, 0, 0);
out_sigfd:
	drain(sigfd);
	close(sigfd);
out_mask:
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* Invariant 4: wait for the command, leave everything else alone. */
static int
run_child_keep(const struct run_request *req,
    const struct sbx_prepared *prep, int execfd, struct run_outcome *out,
    struct rg_err *err)
{
	struct sbx_enter e = { req->sbx, prep, req->uid, req->gid, req->fds,
	    NULL, 0, false };
	struct supervise_opts o = { -1, false, req->sbx->timeout_ms,
	    req->sbx->grace_ms, true };
	struct spawn_child c;
	int rc;

	if (spawn_start(&e, execfd, req->argv, req->envp, &c, err) < 0)
		return -1;
	rc = supervise(&c, &o, out);
	if (rc < 0)
		rg_err_set(err, "", 0, errno, "unable to supervise child");
	close(c.pidfd);
	close(c.statusfd);
	return rc;
}

/* What every entry point does first: an empty outcome (125 until the
 * run says otherwise), the request checked. */
static int
run_begin(const struct run_request *req, struct run_outcome *out,
    struct rg_err *err)
{
	memset(out, 0, sizeof(*out));
	out->status = RG_EXIT_INTERNAL;
	return check_request(req, err);
}

/* The checked executable, opened: its fd, or -1 with out->status 96
 * when it vanished or changed (run.h), else left as it was. */
static int
open_exec(const struct run_request *req, struct run_outcome *out,
    struct rg_err *err)
{
	int missing, fd = execfd_open(req->exec_path, &missing, err);

	if (fd < 0 && missing)
		out->status = RG_EXIT_EXEC_MISSING;
	return fd;
}

/* After run_begin: the executable opened and the sandbox prepared; on
 * failure out->status says 125 or 96 and nothing is left open. */
static int
run_prepare(const struct run_request *req, struct sbx_prepared *prep,
    int *execfd, struct run_outcome *out, struct rg_err *err)
{
	if ((*execfd = open_exec(req, out, err)) < 0)
		return -1;
	if (sandbox_prepare(req->sbx, prep, out->warning,
	    sizeof(out->warning), err) < 0) {
		close(*execfd);
		return -1;
	}
	nproc_warning(req, out);
	return 0;
}

/* A run that ended before the exec is an error of rootgate's. */
static int
not_started(int rc, const struct run_outcome *out, struct rg_err *err)
{
	if (rc == 0 && !out->started) {
		rg_err_set(err, "", 0, out->child_errno, "unable to %s",
		    out->stage);
		return -1;
	}
	return rc;
}

int
run_command(const struct run_request *req, struct run_outcome *out,
    struct rg_err *err)
{
	struct sbx_prepared prep;
	uint64_t t0 = now_us();
	int execfd, rc;

	if (run_begin(req, out, err) < 0 ||
	    run_prepare(req, &prep, &execfd, out, err) < 0)
		return -1;
	if (req->sbx->keep_descendants)
		rc = run_child_keep(req, &prep, execfd, out, err);
	else
		rc = run_child(req, &prep, execfd, out, err);
	sandbox_release(&prep);
	close(execfd);
	out->elapsed_us = now_us() - t0;
	return not_started(rc, out, err);
}

/* run.h: an init born with them unblocked could lose one. */
static int
forwarded_blocked(struct rg_err *err)
{
	sigset_t cur;

	if (sigprocmask(SIG_BLOCK, NULL, &cur) < 0 ||
	    !sigismember(&cur, SIGINT) || !sigismember(&cur, SIGTERM) ||
	    !sigismember(&cur, SIGHUP) || !sigismember(&cur, SIGQUIT))
		return rg_err_set(err, "", 0, EINVAL, "the forwarded signals "
		    "are not blocked");
	return 0;
}

/* What run_start and run_start_parked do first: an empty job, then
 * run_begin. */
static int
job_open(const struct run_request *req, struct run_job *j,
    struct run_outcome *out, struct rg_err *err)
{
	memset(j, 0, sizeof(*j));
	j->c.pidfd = j->c.statusfd = j->prep.cgroup_fd = -1;
	j->t0 = now_us();
	return run_begin(req, out, err);
}

/* ... and last, once j->c is the started child. */
static void
job_supervise(const struct run_request *req, struct run_job *j)
{
	j->o = (struct supervise_opts){ -1,
	    (j->prep.clone_flags & CLONE_NEWPID) != 0, req->sbx->timeout_ms,
	    req->sbx->grace_ms, false };
	sup_begin(&j->s, &j->c, &j->o);
}

int
run_start(const struct run_request *req, struct run_job *j,
    struct run_outcome *out, struct rg_err *err)
{
	struct sbx_enter e = { req->sbx, &j->prep, req->uid, req->gid,
	    req->fds, NULL, 0, true };
	int execfd, rc;

	if (job_open(req, j, out, err) < 0)
		return -1;
	if (req->sbx->keep_descendants)
		return rg_err_set(err, "", 0, EINVAL, "the rootwrap "
		    "compatibility profile needs run_command");
	if (forwarded_blocked(err) < 0)
		return -1;
	if (run_prepare(req, &j->prep, &execfd, out, err) < 0)
		return -1;
	rc = spawn_start(&e, execfd, req->argv, req->envp, &j->c, err);
	/* the child has exec'd (vfork) or holds its own copy (clone3) */
	close(execfd);
	if (rc < 0) {
		sandbox_release(&j->prep);
		return -1;
	}
	job_supervise(req, j);
	return 0;
}

void
run_release(struct run_job *j)
{
	sandbox_release(&j->prep);
	if (j->c.pidfd >= 0)
		close(j->c.pidfd);
	if (j->c.statusfd >= 0)
		close(j->c.statusfd);
	j->c.pidfd = j->c.statusfd = -1;
}

int
run_end(struct run_job *j, struct run_outcome *out, struct rg_err *err)
{
	sup_end(&j->s, out);
	run_release(j);
	out->elapsed_us = now_us() - j->t0;
	return not_started(0, out, err);
}

int
run_poll_done(struct run_job *j, struct run_outcome *out)
{
	if (!j->o.pidns)
		return -1;
	return sup_poll_status(&j->s, out);
}

int
run_end_done(struct run_job *j, struct run_outcome *out,
    struct rg_err *err)
{
	sup_end_done(&j->s, out);
	out->elapsed_us = now_us() - j->t0;
	return not_started(0, out, err);
}

void
run_job_move(struct run_job *dst, struct run_job *src)
{
	*dst = *src;
	dst->s.c = &dst->c;
	dst->s.o = &dst->o;
	memset(src, 0, sizeof(*src));
	src->c.pidfd = src->c.statusfd = src->prep.cgroup_fd = -1;
}

int
run_park(const struct sbx_profile *sbx, struct run_parked *rp,
    struct rg_err *err)
{
	struct sbx_enter e = { sbx, &rp->prep, 0, 0, NULL, NULL, 0, true };

	memset(rp, 0, sizeof(*rp));
	rp->p.pidfd = rp->p.statusfd = rp->p.ctlfd = -1;
	rp->prep.cgroup_fd = -1;
	rp->sbx = sbx;
	if (sbx == NULL || !sbx->enabled || sbx->keep_descendants)
		return 1;
	if (forwarded_blocked(err) < 0)
		return -1;
	if (sandbox_prepare(sbx, &rp->prep, rp->warning, sizeof(rp->warning),
	    err) < 0)
		return -1;
	if ((rp->prep.clone_flags & (CLONE_NEWPID | CLONE_NEWNS)) !=
	    (CLONE_NEWPID | CLONE_NEWNS) || rp->prep.cgroup_fd >= 0 ||
	    rp->prep.tmpl_dev < 0) {
		sandbox_release(&rp->prep);
		return 1;
	}
	if (spawn_park(&e, &rp->p, err) < 0) {
		sandbox_release(&rp->prep);
		return -1;
	}
	return 0;
}

int
run_start_parked(const struct run_request *req, struct run_parked *rp,
    struct run_job *j, struct run_outcome *out, struct rg_err *err)
{
	int execfd, rc;

	if (job_open(req, j, out, err) < 0)
		return -1;
	if (req->sbx != rp->sbx || rp->p.ctlfd < 0)
		return rg_err_set(err, "", 0, EINVAL,
		    "not a prepared init of this profile");
	if ((execfd = open_exec(req, out, err)) < 0)
		return -1;
	rc = spawn_handoff(&rp->p, execfd, req->fds, req->uid, req->gid,
	    req->argv, req->envp, &j->c, err);
	close(execfd);		/* the init has its own, or never will */
	if (rc < 0)
		return 1;	/* nothing started: run_start can */
	j->prep = rp->prep;	/* moved: run_release frees it */
	memset(&rp->prep, 0, sizeof(rp->prep));
	rp->prep.cgroup_fd = -1;
	strlcpy(out->warning, rp->warning, sizeof(out->warning));
	nproc_warning(req, out);
	job_supervise(req, j);	/* pidns: run_park made sure of it */
	return 0;
}

void
run_parked_discard(struct run_parked *rp)
{
	spawn_parked_discard(&rp->p);
	sandbox_release(&rp->prep);
}
