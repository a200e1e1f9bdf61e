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
 *    reaped it writes one SPAWN_ST_WSTATUS record, the raw wait status,
 *    on the status pipe and exits at once; the kernel then kills and
 *    reaps the rest of the namespace before the supervisor can see the
 *    init's exit, so nothing outlives the run.
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "execfd.h"
#include "sandbox.h"
#include "spawn.h"

static void __attribute__((noreturn))
report(int statusfd, int32_t stage, int32_t val, int code)
{
	struct spawn_status st = { stage, val };

	/* 8 bytes < PIPE_BUF: atomic. If it fails the supervisor is gone
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
send_record(int statusfd, int32_t stage, int32_t val, int code)
{
	struct spawn_status st = { stage, val };

	(void)!write(statusfd, &st, sizeof(st));
	return code;
}

/* Invariants 2 and 3, only calls of the allow-list. Returns the init's
 * exit code once the command's status is sent. */
static int
init_loop(pid_t cmd, int statusfd)
{
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
			return send_record(statusfd, SBX_ST_INIT, errno, 125);
		}
		if (sig != SIGCHLD) {
			/* ESRCH impossible: cmd is ours until reaped. */
			(void)kill(cmd, sig);
			continue;
		}
		/* SIGCHLDs coalesce: reap all that are ready. */
		while ((p = waitpid(-1, &ws, WNOHANG | __WALL)) > 0)
			if (p == cmd)
				return send_record(statusfd,
				    SPAWN_ST_WSTATUS, ws, 0);
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
