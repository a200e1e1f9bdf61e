/* SPDX-License-Identifier: ISC */
/*
 * supervise.c - wait for the child, forward signals, enforce the timeout,
 * reap everything, compute the status.
 *
 * Invariants:
 * 1. rootgate never dies of SIGINT, SIGTERM, SIGHUP or SIGQUIT while a
 *    child runs: the caller blocked them and we read them from a
 *    signalfd, then forward them.
 * 2. The child is addressed by its pidfd, never by a pid that could have
 *    been recycled. kill(-pgid) targets the child's session: the kernel
 *    does not hand out a pid still in use as a pgid, so while any member
 *    lives the group is ours.
 * 3. pid 1 of a pid namespace ignores every signal it has no handler
 *    for, even from its parent namespace (pid_namespaces(7)), so a
 *    forwarded SIGTERM would do nothing to `sleep`. When the child
 *    neither catches nor ignores the signal (SigCgt/SigIgn in
 *    /proc/PID/status), we deliver SIGKILL instead and report 128+N for
 *    the signal N the caller sent: what N would have done outside the
 *    namespace. (Racy only against a handler installed at that instant.)
 * 4. On timeout: SIGTERM (as 3), grace period, then SIGKILL to the whole
 *    tree: pid 1 of the namespace (the kernel kills the rest) or the
 *    child's process group. Status 124.
 * 5. We return only when no descendant is left: with a pid namespace,
 *    the kernel kills and reaps the namespace before pid 1's exit is
 *    reported; without one, we are the child subreaper and kill and reap
 *    whatever is left (the session, then every re-parented orphan).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exitcode.h"
#include "run.h"
#include "sandbox.h"
#include "spawn.h"
#include "supervise.h"

#define DEFAULT_GRACE_MS 2000u

struct sup {
	const struct spawn_child *c;
	const struct supervise_opts *o;
	int emulated;		/* signal N sent as SIGKILL (inv. 3) */
	int phase;		/* timeout: 0 none, 1 SIGTERM sent, 2 KILL */
	int64_t next_ms;	/* next timeout deadline, -1 = none */
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
pidfd_kill(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* Whether sig would be acted on by default (invariant 3). */
static int
default_disposition(pid_t pid, int sig)
{
	char path[64], line[256];
	uint64_t cgt = 0, ign = 0, bit = UINT64_C(1) << (sig - 1);
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return 1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "SigIgn:", 7) == 0)
			ign = strtoull(line + 7, NULL, 16);
		else if (strncmp(line, "SigCgt:", 7) == 0)
			cgt = strtoull(line + 7, NULL, 16);
	}
	fclose(fp);
	return !(cgt & bit) && !(ign & bit);
}

static void
send_sig(struct sup *s, int sig, int emulate)
{
	if (s->o->pidns) {
		if (sig != SIGKILL && default_disposition(s->c->pid, sig)) {
			if (emulate)
				s->emulated = sig;
			sig = SIGKILL;
		}
		(void)pidfd_kill(s->c->pidfd, sig);
		return;
	}
	/* ESRCH before the child's setsid(): then the child alone. */
	if (kill(-s->c->pid, sig) < 0)
		(void)pidfd_kill(s->c->pidfd, sig);
}

static void
on_deadline(struct sup *s, struct run_outcome *out)
{
	if (s->phase == 0) {
		out->timed_out = true;
		send_sig(s, SIGTERM, 0);
		s->phase = 1;
		s->next_ms = now_ms() + (s->o->grace_ms ? s->o->grace_ms :
		    DEFAULT_GRACE_MS);
	} else {
		send_sig(s, SIGKILL, 0);
		s->phase = 2;
		s->next_ms = -1;
	}
}

static void
on_signal(struct sup *s)
{
	struct signalfd_siginfo si;

	while (read(s->o->sigfd, &si, sizeof(si)) == sizeof(si))
		send_sig(s, (int)si.ssi_signo, 1);
}

static void
on_status(int fd, bool *open, struct run_outcome *out)
{
	struct spawn_status st;
	ssize_t n = read(fd, &st, sizeof(st));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	*open = false;
	if (n == (ssize_t)sizeof(st)) {
		snprintf(out->stage, sizeof(out->stage), "%s",
		    sandbox_stage_name(st.stage));
		out->child_errno = st.errnum;
	} else if (n != 0) {	/* short record or read error */
		snprintf(out->stage, sizeof(out->stage), "status pipe");
		out->child_errno = n < 0 ? errno : EPROTO;
	}
}

/* Invariant 5, no pid namespace: SIGKILL our remaining children (the
 * orphans re-parented to us) until none is left. */
static void
reap_rest(pid_t pgid)
{
	char path[64], buf[4096];
	FILE *fp;

	(void)kill(-pgid, SIGKILL);
	for (;;) {
		snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
		    (long)gettid());
		if ((fp = fopen(path, "re")) != NULL) {
			while (fscanf(fp, "%4095s", buf) == 1)
				(void)kill((pid_t)atol(buf), SIGKILL);
			fclose(fp);
		}
		if (waitpid(-1, NULL, __WALL) < 0 && errno == ECHILD)
			break;
	}
}

static void
set_status(const struct sup *s, struct run_outcome *out)
{
	int ws = out->wstatus;

	out->started = out->stage[0] == '\0';
	if (!out->started)
		out->status = RG_EXIT_INTERNAL;
	else if (out->timed_out)
		out->status = RG_EXIT_TIMEOUT;
	else if (WIFEXITED(ws))
		out->status = WEXITSTATUS(ws);
	else if (WIFSIGNALED(ws) && s->emulated && WTERMSIG(ws) == SIGKILL)
		out->status = RG_EXIT_SIGNAL_BASE + s->emulated;
	else if (WIFSIGNALED(ws))
		out->status = RG_EXIT_SIGNAL_BASE + WTERMSIG(ws);
	else
		out->status = RG_EXIT_INTERNAL;
}

int
supervise(const struct spawn_child *c, const struct supervise_opts *o,
    struct run_outcome *out)
{
	struct sup s = { c, o, 0, 0, -1 };
	bool pipe_open = true, reaped = false, failed = false;
	struct pollfd pfd[3];
	int64_t t;

	if (o->timeout_ms > 0)
		s.next_ms = now_ms() + o->timeout_ms;
	while (!reaped || pipe_open) {
		int nfd = 0, tmo = -1, idx_pid = -1, idx_st = -1;

		pfd[nfd++] = (struct pollfd){ o->sigfd, POLLIN, 0 };
		if (!reaped) {
			idx_pid = nfd;
			pfd[nfd++] = (struct pollfd){ c->pidfd, POLLIN, 0 };
		}
		if (pipe_open) {
			idx_st = nfd;
			pfd[nfd++] = (struct pollfd){ c->statusfd, POLLIN, 0 };
		}
		if (s.next_ms >= 0 && !reaped) {
			t = s.next_ms - now_ms();
			tmo = t < 0 ? 0 : t > INT32_MAX ? INT32_MAX : (int)t;
		}
		if (poll(pfd, (nfds_t)nfd, tmo) < 0) {
			if (errno == EINTR)
				continue;
			/* Cannot supervise: fail closed, kill and reap. */
			send_sig(&s, SIGKILL, 0);
			if (!reaped)
				(void)wait4(c->pid, &out->wstatus, __WALL,
				    &out->ru);
			failed = true;
			break;
		}
		if (pfd[0].revents & POLLIN)
			on_signal(&s);
		if (idx_st >= 0 && pfd[idx_st].revents)
			on_status(c->statusfd, &pipe_open, out);
		if (idx_pid >= 0 && pfd[idx_pid].revents &&
		    wait4(c->pid, &out->wstatus, __WALL, &out->ru) == c->pid)
			reaped = true;
		if (!reaped && s.next_ms >= 0 && now_ms() >= s.next_ms)
			on_deadline(&s, out);
	}
	if (!o->pidns)
		reap_rest(c->pid);
	set_status(&s, out);
	return failed ? -1 : 0;
}
