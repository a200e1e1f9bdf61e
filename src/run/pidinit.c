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
 *    wait for; so nothing outlives the run either way. WSTATUS too when
 *    the namespace's mount table changed after the init's layout (a
 *    rule with CAP_SYS_ADMIN that mounted something): a file system
 *    mounted there is released only by the teardown, and the caller
 *    may need its device as soon as it has the status (lvremove). The
 *    init watches that with a descriptor of its own mountinfo, opened
 *    once its layout is done (mnt_fd; -1 if it could not be: WSTATUS).
 *    Only for a supervisor that ends the run at DONE (e->early_end, and
 *    every prepared init); direct mode reaps the init whatever it
 *    reports, and its init opens nothing and reports WSTATUS.
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
 * 6. A prepared init (pidinit_park, spawn.h) runs the request-free half
 *    of its set-up first (sandbox_enter_init_layout), closes every
 *    descriptor above 2 but its control socket, status pipe and
 *    mountinfo (invariant 3, opened there), and blocks in
 *    one recvmsg. The request arrives whole in one SOCK_SEQPACKET
 *    message into static memory (argv and environment strings, the ids)
 *    with exactly four descriptors; anything else - truncated, too
 *    many or too few descriptors, a malformed body - is reported as a
 *    failure of the init and runs nothing. Then cwd and descriptors
 *    (sandbox_enter_init_request), and on as invariants 1-5. EOF on the
 *    socket (the daemon discarded it unused) exits quietly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "execfd.h"
#include "sandbox.h"
#include "sbx_steps.h"
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

/* Invariant 3: the init's mountinfo, opened after its layout. */
static int mnt_fd = -1;

static void
watch_mounts(void)
{
	mnt_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
}

/* Has the mount table changed since watch_mounts (or can we not
 * tell)? */
static bool
mounts_changed(void)
{
	struct pollfd p = { mnt_fd, POLLPRI, 0 };

	return mnt_fd < 0 || poll(&p, 1, 0) != 0;
}

/* Invariant 3, the command reaped: reap what else has exited; DONE if
 * no child is left and the mount table is as the layout left it,
 * WSTATUS otherwise. */
static int
command_reaped(int statusfd, struct spawn_status *st)
{
	struct rusage ru;
	pid_t p;

	while ((p = wait4(-1, NULL, WNOHANG | __WALL, &ru)) > 0)
		add_usage(st, &ru);
	if (p < 0 && errno == ECHILD && !mounts_changed())
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

/* After the init's own set-up: fork the command, confine, supervise. */
static void __attribute__((noreturn))
init_run(const struct sbx_enter *e, int execfd, char *const *argv,
    char *const *envp, int statusfd)
{
	struct spawn_args a = { e, execfd, argv, envp, statusfd };
	enum sbx_stage stage;
	int errnum;
	long cmd;

	cmd = spawn_vfork(command_entry, &a, 0, NULL);
	if (cmd < 0)
		report(statusfd, SBX_ST_FORK, errno, 125);
	if (sandbox_confine_init(e, &stage, &errnum) < 0)
		report(statusfd, (int32_t)stage, errnum, 125);
	errnum = init_loop((pid_t)cmd, statusfd);
	for (;;)	/* _exit without a noreturn call: see send_record */
		(void)syscall(SYS_exit_group, errnum);
}

void
pidinit_main(const struct sbx_enter *e, int execfd, char *const *argv,
    char *const *envp, int statusfd)
{
	enum sbx_stage stage;
	int errnum;

	if (sandbox_enter_init(e, &stage, &errnum) < 0)
		report(statusfd, (int32_t)stage, errnum, 125);
	if (e->early_end)
		watch_mounts();
	init_run(e, execfd, argv, envp, statusfd);
}

/* Invariant 6: the request, received whole into static memory. */
static char park_buf[sizeof(struct spawn_park_msg) + SPAWN_PARK_MAXSTR];
static char *park_vec[SPAWN_PARK_MAXV + 2];

/* The request's four descriptors and bytes; -1 if it is not one. */
static ssize_t
park_receive(int ctlfd, int fds[4])
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { park_buf, sizeof(park_buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n;

	do
		n = recvmsg(ctlfd, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n;
	cm = CMSG_FIRSTHDR(&m);
	if ((m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0 || cm == NULL ||
	    cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int) * 4)) {
		errno = EPROTO;
		return -1;
	}
	memcpy(fds, CMSG_DATA(cm), sizeof(int) * 4);
	return n;
}

void
pidinit_park(const struct sbx_enter *e, int ctlfd, int statusfd)
{
	struct sbx_enter re = *e;
	enum sbx_stage stage;
	int errnum, fds[4], keep[3];
	size_t nkeep;
	char comm[16] = "";
	char **argv, **envp;
	ssize_t n;

	/* what ps shows while it waits (spawn.h), then the name of every
	 * init again */
	(void)prctl(PR_GET_NAME, comm, 0, 0, 0);
	(void)prctl(PR_SET_NAME, SPAWN_PARK_COMM, 0, 0, 0);
	if (sandbox_enter_init_layout(e, &stage, &errnum) < 0)
		report(statusfd, (int32_t)stage, errnum, 125);
	/* invariant 3: from the end of the layout, off the request's path
	 * (the namespace's propagation is private: nothing changes it
	 * while parked) */
	watch_mounts();
	/* nothing of the daemon's while parked: not a client's socket,
	 * whose end would outlive the daemon's close */
	keep[0] = ctlfd;
	keep[1] = statusfd;
	keep[2] = mnt_fd;
	nkeep = mnt_fd >= 0 ? 3 : 2;
	if (sbx_fds_close_rest(keep, nkeep) < 0)
		report(statusfd, SBX_ST_FDS, errno, 125);
	n = park_receive(ctlfd, fds);
	if (n > 0)
		(void)prctl(PR_SET_NAME, comm, 0, 0, 0);
	if (n == 0)		/* discarded unused: nothing to report */
		for (;;)
			(void)syscall(SYS_exit_group, 0);
	if (n < 0)
		report(statusfd, SBX_ST_INIT, errno, 125);
	if (spawn_park_decode(park_buf, (size_t)n, park_vec,
	    SPAWN_PARK_MAXV + 2, &argv, &envp, &re.uid, &re.gid) < 0)
		report(statusfd, SBX_ST_INIT, EPROTO, 125);
	keep[0] = fds[0];
	keep[1] = statusfd;
	re.fds = fds + 1;
	re.keep = keep;
	re.nkeep = nkeep;
	/* closes the control socket with the rest */
	if (sandbox_enter_init_request(&re, &stage, &errnum) < 0)
		report(statusfd, (int32_t)stage, errnum, 125);
	init_run(&re, fds[0], argv, envp, statusfd);
}
