/* SPDX-License-Identifier: ISC */
/*
 * job.c - start and finish one allowed command for the broker (job.h).
 *
 * Invariants:
 * 1. The job decides nothing: the decision was made and audited by the
 *    daemon; it runs exactly d's argv, environment and profile, through
 *    run_start and run_end, the halves of direct mode's run_command
 *    (same preparation, same child, same status rules).
 * 2. The daemon starts the child itself: a vfork'd command (sandbox
 *    off), or a clone3 child that is the command or the init of its pid
 *    namespace. The child closes every descriptor of the daemon's but
 *    the caller's three (src/sandbox/fds.c), resets every signal
 *    disposition and the mask, and dies with the daemon
 *    (PR_SET_PDEATHSIG). The daemon blocks the forwarded signals and
 *    reads them from its signalfd, as run_start requires.
 * 3. Without a pid namespace the child leads its own session: at its
 *    exit the session is killed before the child is reaped, so the
 *    group id still names it; orphans come to the daemon (a subreaper),
 *    which kills and reaps them before the job is finished.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "job.h"
#include "match.h"
#include "policy.h"

static void
addline(struct job_report *r, const char *line)
{
	size_t o = strlen(r->msg);

	snprintf(r->msg + o, sizeof(r->msg) - o, "%s%s", o ? "\n" : "",
	    line);
}

/* The messages cmd_run.c prints in direct mode, for the client to print. */
static void
report(struct job_report *r, const struct run_outcome *out, int rc,
    const struct rg_err *err, const char *q)
{
	char buf[RG_ERR_MSGLEN + 64], line[sizeof(buf) + 400];

	memset(r, 0, sizeof(*r));
	r->out = *out;
	if (out->warning[0] != '\0') {
		snprintf(line, sizeof(line), "warning: %s", out->warning);
		addline(r, line);
	}
	if (rc < 0) {
		rg_err_format(err, buf, sizeof(buf));
		snprintf(line, sizeof(line), "unable to run %s: %s", q, buf);
		addline(r, line);
		if (r->out.stage[0] == '\0') {
			strlcpy(r->out.stage, err->msg, sizeof(r->out.stage));
			r->out.child_errno = err->errnum;
		}
	}
}

/* Invariant 1: exactly what d says, with the caller's streams. */
static struct run_request
request(const struct decision *d, const int fds[3])
{
	const struct rule *rl = d->rule;
	struct run_request req = {
		.exec_path = rl->exec_real, .argv = d->argv, .envp = d->envp,
		.sbx = d->sbx, .uid = rl->uid, .gid = rl->gid,
		.fds = { fds[0], fds[1], fds[2] },
	};

	return req;
}

int
job_start(struct job *j, const struct decision *d, const int fds[3],
    const char *q, struct job_report *r)
{
	struct run_request req = request(d, fds);
	struct rg_err err;

	memset(j, 0, sizeof(*j));
	memset(&err, 0, sizeof(err));
	if (run_start(&req, &j->rj, &j->out, &err) < 0) {
		report(r, &j->out, -1, &err, q);
		return -1;
	}
	j->live = true;
	return 0;
}

int
job_start_parked(struct job *j, const struct decision *d, const int fds[3],
    const char *q, struct run_parked *rp, struct job_report *r)
{
	struct run_request req = request(d, fds);
	struct rg_err err;
	int rc;

	memset(j, 0, sizeof(*j));
	memset(&err, 0, sizeof(err));
	rc = run_start_parked(&req, rp, &j->rj, &j->out, &err);
	if (rc < 0)
		report(r, &j->out, -1, &err, q);
	if (rc != 0)
		return rc;
	j->live = true;
	return 0;
}

pid_t
job_pid(const struct job *j)
{
	return j->live ? j->rj.c.pid : -1;
}

int
job_pidfd(const struct job *j)
{
	return j->rj.c.pidfd;
}

int64_t
job_deadline(const struct job *j)
{
	return j->live ? j->rj.s.next_ms : -1;
}

void
job_timer(struct job *j)
{
	if (j->live)
		sup_timer(&j->rj.s, &j->out);
}

void
job_signal(const struct job *j, int sig)
{
	if (j->live)
		sup_signal(&j->rj.s, sig);
}

int
job_reap(struct job *j)
{
	int rc, e;

	if (!j->live)
		return 1;
	/* invariant 3: sup_try_reap kills the session before the reap */
	if ((rc = sup_try_reap(&j->rj.s, &j->out)) == 0)
		return 0;
	if (rc < 0) {	/* sup_end then says 125, "unable to reap ..." */
		e = errno;
		snprintf(j->out.stage, sizeof(j->out.stage), "reap the command");
		j->out.child_errno = e;
		errno = e;
	}
	j->live = false;
	return rc;
}

void
job_finish(struct job *j, const char *q, struct job_report *r)
{
	struct rg_err err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = run_end(&j->rj, &j->out, &err);
	report(r, &j->out, rc, &err, q);
}

int
job_statusfd(const struct job *j)
{
	return j->live && j->rj.o.pidns ? j->rj.c.statusfd : -1;
}

int
job_poll_done(struct job *j)
{
	return j->live ? run_poll_done(&j->rj, &j->out) : -1;
}

void
job_finish_done(struct job *j, const char *q, struct job_report *r)
{
	struct rg_err err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = run_end_done(&j->rj, &j->out, &err);
	report(r, &j->out, rc, &err, q);
}

void
job_release(struct job *j)
{
	run_release(&j->rj);
}

void
job_move(struct job *dst, struct job *src)
{
	run_job_move(&dst->rj, &src->rj);
	dst->out = src->out;
	dst->live = src->live;
	src->live = false;
}
