/* SPDX-License-Identifier: ISC */
/*
 * worker.c - run one allowed command for the broker (worker.h).
 *
 * Invariants:
 * 1. The worker holds nothing of the daemon's but the policy memory it
 *    was forked with: its fds are the caller's three, as 0, 1, 2, and
 *    the report pipe as 3; every other descriptor (listening socket,
 *    epoll, other callers' sockets and fds) is closed before anything
 *    runs.
 * 2. SIGINT, SIGTERM, SIGHUP and SIGQUIT stay blocked from the fork on
 *    (the daemon blocks them), so a signal forwarded early is not lost
 *    and never kills the worker: run_command reads them from its
 *    signalfd and forwards them to the command.
 * 3. The worker decides nothing: the decision was made and audited by
 *    the daemon; it runs exactly d's argv, environment and profile.
 * 4. Killing the worker kills the command: the sandboxed child (or the
 *    init of its pid namespace) has PR_SET_PDEATHSIG(SIGKILL).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cov.h"
#include "exitcode.h"
#include "match.h"
#include "policy.h"
#include "worker.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define REPORT_FD 3

_Static_assert(sizeof(struct worker_report) <= 4096,
    "a report must be one atomic pipe write");

/* Every way out of the worker, which is outside the sandbox: a coverage
 * build writes its counters first (cov.h). */
static void __attribute__((noreturn))
worker_exit(int status)
{
	rg_cov_flush();
	_exit(status);
}

static void
addline(struct worker_report *r, const char *line)
{
	size_t o = strlen(r->msg);

	snprintf(r->msg + o, sizeof(r->msg) - o, "%s%s", o ? "\n" : "",
	    line);
}

/* The messages cmd_run.c prints in direct mode, for the client to. */
static void
run_and_report(const struct decision *d, const char *q)
{
	const struct rule *rl = d->rule;
	struct run_request req = {
		.exec_path = rl->exec_real, .argv = d->argv, .envp = d->envp,
		.sbx = d->sbx, .uid = rl->uid, .gid = rl->gid,
		.fds = { STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO },
	};
	char buf[RG_ERR_MSGLEN + 64], line[sizeof(buf) + 400];
	struct worker_report r;
	struct rg_err err;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(&err, 0, sizeof(err));
	rc = run_command(&req, &r.out, &err);
	if (r.out.warning[0] != '\0') {
		snprintf(line, sizeof(line), "warning: %s", r.out.warning);
		addline(&r, line);
	}
	if (rc < 0) {
		rg_err_format(&err, buf, sizeof(buf));
		snprintf(line, sizeof(line), "unable to run %s: %s", q, buf);
		addline(&r, line);
		if (r.out.stage[0] == '\0') {
			strlcpy(r.out.stage, err.msg, sizeof(r.out.stage));
			r.out.child_errno = err.errnum;
		}
	} else if (!r.out.started && r.out.status == RG_EXIT_INTERNAL) {
		snprintf(line, sizeof(line), "unable to run %s: %s: %s", q,
		    r.out.stage, strerror(r.out.child_errno));
		addline(&r, line);
	}
	/* nothing to do if it fails: the daemon reports a lost worker */
	if (write(REPORT_FD, &r, sizeof(r)) != (ssize_t)sizeof(r))
		worker_exit(RG_EXIT_INTERNAL);
}

static void __attribute__((noreturn))
worker_main(const struct decision *d, const int fds[3], int wfd,
    const char *q)
{
	/* invariant 1; the daemon keeps 0-2 open, so fds[] are >= 3 */
	for (int i = 0; i < 3; i++)
		if (dup2(fds[i], i) < 0)
			worker_exit(RG_EXIT_INTERNAL);
	if (wfd != REPORT_FD && dup3(wfd, REPORT_FD, O_CLOEXEC) < 0)
		worker_exit(RG_EXIT_INTERNAL);
	if (syscall(SYS_close_range, REPORT_FD + 1, ~0U, 0) < 0)
		worker_exit(RG_EXIT_INTERNAL);
	/* the daemon ignores SIGPIPE; the command must not inherit that */
	signal(SIGPIPE, SIG_DFL);
	run_and_report(d, q);
	worker_exit(0);
}

int
worker_start(const struct decision *d, const int fds[3], const char *q,
    struct worker *w)
{
	int p[2], e;

	w->pid = -1;
	w->pidfd = w->rfd = -1;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	/* blocking writes for the worker; the daemon reads non-blocking */
	if (fcntl(p[1], F_SETFL, 0) < 0 || (w->pid = fork()) < 0)
		goto fail;
	if (w->pid == 0)
		worker_main(d, fds, p[1], q);
	close(p[1]);
	w->rfd = p[0];
	/* the worker is our unreaped child: its pid cannot be reused */
	if ((w->pidfd = (int)syscall(SYS_pidfd_open, w->pid, 0)) < 0) {
		e = errno;
		(void)kill(w->pid, SIGKILL);
		(void)waitpid(w->pid, NULL, 0);
		close(p[0]);
		errno = e;
		return -1;
	}
	return 0;
fail:
	e = errno;
	close(p[0]);
	close(p[1]);
	errno = e;
	return -1;
}

void
worker_finish(struct worker *w, struct worker_report *r)
{
	siginfo_t si;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	n = read(w->rfd, r, sizeof(*r));
	memset(&si, 0, sizeof(si));
	while (waitid((idtype_t)P_PIDFD, (id_t)w->pidfd, &si, WEXITED) < 0 &&
	    errno == EINTR)
		;
	if (n != (ssize_t)sizeof(*r)) {
		memset(r, 0, sizeof(*r));
		r->out.status = RG_EXIT_INTERNAL;
		snprintf(r->out.stage, sizeof(r->out.stage), "broker worker");
		r->out.child_errno = si.si_code == CLD_EXITED ? 0 : EINTR;
		snprintf(r->msg, sizeof(r->msg), "the broker's worker %s %d",
		    si.si_code == CLD_EXITED ? "exited with" : "died of signal",
		    si.si_status);
	}
	r->msg[sizeof(r->msg) - 1] = '\0';
	close(w->rfd);
	close(w->pidfd);
	w->rfd = w->pidfd = -1;
	w->pid = -1;
}
