/* SPDX-License-Identifier: ISC */
/*
 * pidinit.c - pid 1 of the command's pid namespace: our own code, never
 * exec'd, one vfork and a loop.
 *
 * Why it exists: the kernel drops every signal that pid 1 of a namespace
 * has no handler for, even one it sends itself (pid_namespaces(7)). As
 * pid 1, a command could not die of SIGTERM, SIGPIPE or abort(). So the
 * command is pid 2, as under bubblewrap or tini.
 *
 * Invariants:
 * 1. The init sets up what the namespace shares, then forks the command,
 *    which finishes its own steps and execs (enter.c, invariant 5). The
 *    init then confines itself below the command: no capability at all,
 *    the command's ids, not dumpable, no_new_privs, and a seccomp
 *    allow-list of the calls of its loop (seccomp.c, invariant 7).
 * 2. It forwards SIGTERM, SIGINT, SIGHUP and SIGQUIT to the command and
 *    nothing else. They and SIGCHLD stay blocked from before the clone
 *    and are taken with sigwaitinfo: no handler ever runs in the init,
 *    and a signal that arrives before the loop waits, queued.
 * 3. It reaps whatever is re-parented to it. When the command itself is
 *    reaped it reaps what else has already exited and writes one record,
 *    the command's raw wait status, on the status pipe, then exits at
 *    once. SPAWN_ST_DONE when it then has no child at all: every process
 *    of the namespace descends from the init (the command's orphans are
 *    re-parented to it before the command can be reaped), so nothing of
 *    the run lives but the init, and the record carries the resource
 *    usage of all it reaped. The supervisor may take the run as ended
 *    there: the init's own exit, which tears down the namespaces
 *    (~0.2 ms: every mount, RCU grace periods), runs no code of the
 *    command's and can be reaped later. SPAWN_ST_WSTATUS when other
 *    processes remain: the kernel kills and reaps them when the init
 *    exits, before the supervisor can see that exit, which it must then
 *    wait for; so nothing outlives the run either way.
 * 4. Set-up failures travel as in spawn.c. The command writes its own
 *    {stage, errno} record and exits 125; its copy of the pipe is
 *    CLOEXEC, so an exec that succeeds writes nothing. A failure of the
 *    init before the fork: there is no command. After it (the init could
 *    not confine itself): the init reports and exits, which kills the
 *    command - which ran, if at all, under all of its own steps.
 * 5. The fork is clone(CLONE_VM | CLONE_VFORK), as posix_spawn does: no
 *    copy of the page tables, no atfork handlers, and the init sleeps
 *    until the command has exec'd or exited, so the two never run at
 *    once in the shared memory. The command runs on a static stack that
 *    only it touches (256 KiB, faulted in as used); the init confines
 *    itself once it is released. The callers are single-threaded (as
 *    spawn.c invariant 4), so glibc's set*id calls in the command are
 *    plain system calls. The init allocates nothing, prints nothing,
 *    and leaves only by exit_group.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "execfd.h"
#include "sandbox.h"
#include "spawn.h"

static void __attribute__((noreturn))
report(int statusfd, int32_t stage, int32_t val, int code)
{
	struct spawn_status st = { .stage = stage, .errnum = val };

	/* 32 bytes < PIPE_BUF: atomic. If it fails the supervisor is gone
	 * or sees EOF; nothing better to do. */
	(void)!write(statusfd, &st, sizeof(st));
	_exit(code);
}

static void __attribute__((noreturn))
command_main(const struct sbx_enter *e, int execfd, char *const *argv,
    char *const *envp, int statusfd)
{
	enum sbx_stage stage;
	int errnum;

	if (sandbox_enter_command(e, &stage, &errnum) == 0) {
		execfd_exec(execfd, argv, envp);
		stage = SBX_ST_EXEC;
		errnum = errno;
	}
	report(statusfd, (int32_t)stage, errnum, 125);
}

/* One record, after the init's filter: a plain function, because a
 * sanitizer precedes every call of a noreturn one (_exit too) with calls
 * (sigaltstack, mmap) that the allow-list refuses. */
static int
send_record(int statusfd, const struct spawn_status *st, int code)
{
	(void)!write(statusfd, st, sizeof(*st));
	return code;
}

static int64_t
tv_us(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}

/* What getrusage(RUSAGE_CHILDREN) would say, without the call. */
static void
add_usage(struct spawn_status *st, const struct rusage *ru)
{
	st->utime_us += tv_us(&ru->ru_utime);
	st->stime_us += tv_us(&ru->ru_stime);
	if (ru->ru_maxrss > st->maxrss_kb)
		st->maxrss_kb = ru->ru_maxrss;
}

/* Invariant 3, the command reaped: reap what else has exited; DONE if
 * no child is left, WSTATUS if one still runs. */
static int
command_reaped(int statusfd, struct spawn_status *st)
{
	struct rusage ru;
	pid_t p;

	while ((p = wait4(-1, NULL, WNOHANG | __WALL, &ru)) > 0)
		add_usage(st, &ru);
	if (p < 0 && errno == ECHILD)
		st->stage = SPAWN_ST_DONE;
	else {
		st->stage = SPAWN_ST_WSTATUS;
		st->utime_us = st->stime_us = st->maxrss_kb = 0;
	}
	return send_record(statusfd, st, 0);
}

/* Invariants 2 and 3, only calls of the allow-list. Returns the init's
 * exit code once the command's status is sent. */
static int
init_loop(pid_t cmd, int statusfd)
{
	struct spawn_status st = { .stage = SBX_ST_INIT };
	struct rusage ru;
	siginfo_t si;
	sigset_t set;
	pid_t p;
	int sig, ws;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	for (;;) {
		if ((sig = sigwaitinfo(&set, &si)) < 0) {
			if (errno == EINTR)
				continue;
			st.errnum = errno;
			return send_record(statusfd, &st, 125);
		}
		if (sig != SIGCHLD) {
			/* ESRCH impossible: cmd is ours until reaped. */
			(void)kill(cmd, sig);
			continue;
		}
		/* SIGCHLDs coalesce: reap all that are ready. */
		while ((p = wait4(-1, &ws, WNOHANG | __WALL, &ru)) > 0) {
			add_usage(&st, &ru);
			if (p == cmd) {
				st.errnum = ws;
				return command_reaped(statusfd, &st);
			}
		}
	}
}

/* The vfork'd command, on the static stack. */
static int
command_entry(void *arg)
{
	const struct spawn_args *a = arg;

	command_main(a->e, a->execfd, a->argv, a->envp, a->statusfd);
}

void
pidinit_main(const struct sbx_enter *e, int execfd, char *const *argv,
    char *const *envp, int statusfd)
{
	struct spawn_args a = { e, execfd, argv, envp, statusfd };
	enum sbx_stage stage;
	int errnum;
	long cmd;

	if (sandbox_enter_init(e, &stage, &errnum) < 0)
		report(statusfd, (int32_t)stage, errnum, 125);
	cmd = spawn_vfork(command_entry, &a, 0, NULL);
	if (cmd < 0)
		report(statusfd, SBX_ST_FORK, errno, 125);
	if (sandbox_confine_init(e, &stage, &errnum) < 0)
		report(statusfd, (int32_t)stage, errnum, 125);
	errnum = init_loop((pid_t)cmd, statusfd);
	for (;;)	/* _exit without a noreturn call: see send_record */
		(void)syscall(SYS_exit_group, errnum);
}
