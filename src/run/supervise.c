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
 * 3. With a pid namespace the child is its init (pidinit.c), not the
 *    command: signals go to the init, which forwards them to the
 *    command, and the init reports the command's raw wait status as a
 *    SPAWN_ST_WSTATUS record on the status pipe. That status, not the
 *    init's, makes the exit status: 128+N is the command's own death by
 *    signal N, whoever sent it. No signal is ever rewritten.
 * 4. On timeout: SIGTERM (as 3), grace period, then SIGKILL to the whole
 *    tree: the init (the kernel kills the rest of the namespace) or the
 *    child's process group. Status 124. grace_ms is taken as given (the
 *    loader sets it, 2 s by default): 0 means SIGKILL at the timeout,
 *    with no SIGTERM first.
 * 5. We return only when no descendant is left: with a pid namespace,
 *    the kernel kills and reaps the namespace before pid 1's exit is
 *    reported; without one, we are the child subreaper and kill and reap
 *    whatever is left: the session, killed once the child has exited
 *    and before it is reaped (while its pid, the group's id, cannot name
 *    another group), then every re-parented orphan.
 * 6. The status pipe is read once, after the reap: by then every writer
 *    (the command, the init) is gone, so every record is there and the
 *    pipe is at EOF; reading it earlier would only cost the run a
 *    wake-up at exec and another for the init's record. Empty but not at
 *    EOF then (a copy of the write end taken from outside, by root)
 *    means the same: no writer of ours is left.
 * 7. With keep_descendants (rootwrap compatibility) invariants 1, 4 and
 *    5 narrow to the child: there is no signalfd, a timeout signals the
 *    child alone (it has no session of its own), and its descendants
 *    are never killed or waited for. Invariant 6 holds: the command
 *    closed its copy of the CLOEXEC pipe at exec, before it could fork.
 * 8. An event-loop caller (rootgated) may read the pipe before the reap
 *    (sup_poll_status) and take the run as ended at the init's
 *    SPAWN_ST_DONE record (pidinit.c, invariant 3): the status is the
 *    command's, as in 3, and the usage is that of every process the
 *    init reaped. The init's own exit (the namespace teardown) is then
 *    reaped later, by the caller. The command cannot forge that record:
 *    the pipe is closed in it at exec, and the init is not dumpable, so
 *    its descriptors are out of reach through /proc/1/fd unless a rule
 *    grants CAP_SYS_PTRACE (which `check` flags as root-equivalent); a
 *    forged record would end the reply early, not the supervision: the
 *    caller keeps the child's timeout and its slot until the reap.
 *    Direct mode does not read it early: it has nobody to hand the
 *    exiting init to, and reaps it (invariant 5).
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

void
sup_signal(const struct supervisor *s, int sig)
{
	/* The init; or, invariant 7, the command alone. */
	if (s->o->pidns || s->o->keep_descendants) {
		(void)pidfd_kill(s->c->pidfd, sig);
		return;
	}
	/* ESRCH before the child's setsid(): then the child alone. */
	if (kill(-s->c->pid, sig) < 0)
		(void)pidfd_kill(s->c->pidfd, sig);
}

void
sup_timer(struct supervisor *s, struct run_outcome *out)
{
	if (s->phase == 0)
		out->timed_out = true;
	if (s->phase == 0 && s->o->grace_ms > 0) {
		sup_signal(s, SIGTERM);
		s->phase = 1;
		s->next_ms = now_ms() + s->o->grace_ms;
	} else {	/* invariant 4: grace over, or none */
		sup_signal(s, SIGKILL);
		s->phase = 2;
		s->next_ms = -1;
	}
}

static void
on_signal(struct supervisor *s)
{
	struct signalfd_siginfo si;

	while (read(s->o->sigfd, &si, sizeof(si)) == sizeof(si))
		sup_signal(s, (int)si.ssi_signo);
}

static void
take_record(struct supervisor *s, const struct spawn_status *st,
    struct run_outcome *out)
{
	if (st->stage == SPAWN_ST_WSTATUS || st->stage == SPAWN_ST_DONE) {
		s->cmd_reported = true;		/* invariant 3 */
		s->cmd_wstatus = st->errnum;
	}
	if (st->stage == SPAWN_ST_DONE) {	/* invariant 8 */
		s->cmd_done = true;
		memset(&s->done_ru, 0, sizeof(s->done_ru));
		s->done_ru.ru_utime = (struct timeval){ st->utime_us / 1000000,
		    st->utime_us % 1000000 };
		s->done_ru.ru_stime = (struct timeval){ st->stime_us / 1000000,
		    st->stime_us % 1000000 };
		s->done_ru.ru_maxrss = (long)st->maxrss_kb;
	} else if (st->stage != SPAWN_ST_WSTATUS && out->stage[0] == '\0') {
		/* The first failure: the init's may follow. */
		snprintf(out->stage, sizeof(out->stage), "%s",
		    sandbox_stage_name(st->stage));
		out->child_errno = st->errnum;
	}
}

/* Read whole records until the pipe has none (or, with until_done,
 * until SPAWN_ST_DONE): 1 DONE seen, 0 the pipe is empty but still open
 * (until_done only), -1 at EOF, empty after the reap (!until_done), or
 * on an error or a short record, which are noted in *out. */
static int
read_records(struct supervisor *s, struct run_outcome *out, bool until_done)
{
	struct spawn_status st;
	ssize_t n;

	for (;;) {
		n = read(s->c->statusfd, &st, sizeof(st));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(st))
			break;
		take_record(s, &st, out);
		if (until_done && s->cmd_done)
			return 1;
	}
	/* empty but open: before the reap, more may come; after it, every
	 * record is in (invariant 6) */
	if (n < 0 && errno == EAGAIN)
		return until_done ? 0 : -1;
	if (n != 0 && out->stage[0] == '\0') {	/* short record, error */
		snprintf(out->stage, sizeof(out->stage), "status pipe");
		out->child_errno = n < 0 ? errno : EPROTO;
	}
	return -1;
}

/* Invariant 6: after the reap, every record is in the pipe. */
static void
read_status(struct supervisor *s, struct run_outcome *out)
{
	(void)read_records(s, out, false);
}

int
sup_poll_status(struct supervisor *s, struct run_outcome *out)
{
	return s->cmd_done ? 1 : read_records(s, out, true);
}

/* Invariant 5, no pid namespace: SIGKILL our remaining children (the
 * orphans re-parented to us) until none is left. The child's session
 * was killed before its reap (sup_try_reap). */
static void
reap_rest(void)
{
	char path[64], buf[4096];
	FILE *fp;

	for (;;) {
		pid_t p = waitpid(-1, NULL, __WALL | WNOHANG);

		/* None left (the usual case: no /proc read), or one just
		 * reaped: look again before killing anything. */
		if (p < 0 && errno == ECHILD)
			break;
		if (p > 0)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
		    (long)gettid());
		if ((fp = fopen(path, "re")) != NULL) {
			while (fscanf(fp, "%4095s", buf) == 1) {
				char *end;
				long pid = strtol(buf, &end, 10);

				/* never kill(0): that is our own group */
				if (*end == '\0' && pid > 0)
					(void)kill((pid_t)pid, SIGKILL);
			}
			fclose(fp);
		}
		if (waitpid(-1, NULL, __WALL) < 0 && errno == ECHILD)
			break;
	}
}

static void
set_status(const struct supervisor *s, struct run_outcome *out)
{
	int ws;

	if (s->cmd_reported)
		out->wstatus = s->cmd_wstatus;
	ws = out->wstatus;

	out->started = out->stage[0] == '\0';
	if (out->started && out->timed_out)
		out->status = RG_EXIT_TIMEOUT;
	else if (out->started && WIFEXITED(ws))
		out->status = WEXITSTATUS(ws);
	else if (out->started && WIFSIGNALED(ws))
		out->status = RG_EXIT_SIGNAL_BASE + WTERMSIG(ws);
	else	/* not started, or a status we do not know */
		out->status = RG_EXIT_INTERNAL;
}

void
sup_begin(struct supervisor *s, const struct spawn_child *c,
    const struct supervise_opts *o)
{
	*s = (struct supervisor){ .c = c, .o = o, .next_ms = -1 };
	if (o->timeout_ms > 0)
		s->next_ms = now_ms() + o->timeout_ms;
}

int
sup_try_reap(struct supervisor *s, struct run_outcome *out)
{
	siginfo_t si;
	pid_t pid = s->c->pid;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT |
	    __WALL) < 0)
		return errno == EINTR ? 0 : -1;
	if (si.si_pid != pid)
		return 0;	/* still running */
	/* Invariant 5: the session, while the unreaped child still holds
	 * its id (after the reap the id could name another group). */
	if (!s->o->pidns && !s->o->keep_descendants)
		(void)kill(-pid, SIGKILL);
	return wait4(pid, &out->wstatus, __WALL, &out->ru) == pid ? 1 : -1;
}

void
sup_end(struct supervisor *s, struct run_outcome *out)
{
	read_status(s, out);
	set_status(s, out);
}

void
sup_end_done(struct supervisor *s, struct run_outcome *out)
{
	out->ru = s->done_ru;
	set_status(s, out);
}

int
supervise(const struct spawn_child *c, const struct supervise_opts *o,
    struct run_outcome *out)
{
	struct supervisor s;
	struct pollfd pfd[2];
	int r = 0;		/* sup_try_reap's: 1 reaped, -1 failed */
	int64_t t;

	sup_begin(&s, c, o);
	while (r == 0) {
		int tmo = -1;

		pfd[0] = (struct pollfd){ o->sigfd, POLLIN, 0 };
		pfd[1] = (struct pollfd){ c->pidfd, POLLIN, 0 };
		if (s.next_ms >= 0) {
			t = s.next_ms - now_ms();
			tmo = t < 0 ? 0 : t > INT32_MAX ? INT32_MAX : (int)t;
		}
		if (poll(pfd, 2, tmo) < 0) {
			if (errno == EINTR)
				continue;
			r = -1;
			break;
		}
		if (pfd[0].revents & POLLIN)
			on_signal(&s);
		if (pfd[1].revents)
			r = sup_try_reap(&s, out);
		if (r == 0 && s.next_ms >= 0 && now_ms() >= s.next_ms)
			sup_timer(&s, out);
	}
	if (r < 0) {
		/* Cannot supervise: fail closed, kill and reap. */
		sup_signal(&s, SIGKILL);
		(void)wait4(c->pid, &out->wstatus, __WALL, &out->ru);
	}
	if (!o->pidns && !o->keep_descendants)
		reap_rest();
	sup_end(&s, out);
	return r < 0 ? -1 : 0;
}
