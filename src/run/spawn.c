/* SPDX-License-Identifier: ISC */
/*
 * spawn.c - start the child with clone3.
 *
 * Invariants:
 * 1. The child is born in its namespaces (clone3 flags) and, when the
 *    profile has cgroup limits, in its cgroup (CLONE_INTO_CGROUP): it
 *    runs no instruction outside them.
 * 2. The parent gets a pidfd (CLONE_PIDFD): signals go to this process,
 *    never to a recycled pid.
 * 3. Set-up failure travels as one {stage, errno} record on a pipe that
 *    is O_CLOEXEC at both ends; EOF without a record means execveat
 *    succeeded. The child then _exit(125)s: it never returns into the
 *    caller's code, never runs atexit handlers or flushes stdio.
 * 4. No stack is passed (stack = 0): like fork, the child runs on a
 *    copy of the parent's stack. Raw clone3 skips glibc's atfork
 *    handlers; the callers are single-threaded, so no lock can be held.
 *    Except (4a) when the child needs no namespace and no cgroup (the
 *    sandbox is off): then it is clone(CLONE_VM | CLONE_VFORK), as
 *    posix_spawn and pidinit.c do - no copy of the page tables to make
 *    and tear down again at the exec. The child runs on a static stack
 *    that only it touches, while the parent sleeps until it has exec'd
 *    or exited, so the two never run at once in the shared memory. Its
 *    steps (signals, session, cwd, descriptors, ids, parent-death
 *    signal) are plain system calls; rootgate installs no signal
 *    handler, so none can run in the child on the shared memory. (Not
 *    in an AddressSanitizer build: see VFORK_OK.)
 * 5. With a pid namespace the child is never the command: it is the
 *    init of pidinit.c, which keeps the status pipe open to the end and
 *    closes it by exiting right after its SPAWN_ST_WSTATUS record.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/sched.h>

#include "diag.h"
#include "execfd.h"
#include "sandbox.h"
#include "spawn.h"

/* Child only (between clone3 and exec): no gcov counters; doc/quality.md. */
/* GCOVR_EXCL_START */
static void __attribute__((noreturn))
child_main(const struct sbx_enter *e, int execfd, char *const *argv,
    char *const *envp, int statusfd)
{
	struct spawn_status st = { .stage = SBX_ST_NONE };
	enum sbx_stage stage;
	int errnum;

	if (sandbox_has_init(e->prep))
		pidinit_main(e, execfd, argv, envp, statusfd);
	if (sandbox_enter(e, &stage, &errnum) == 0) {
		execfd_exec(execfd, argv, envp);
		stage = SBX_ST_EXEC;
		errnum = errno;
	}
	st.stage = (int32_t)stage;
	st.errnum = errnum;
	/* One write of 8 bytes < PIPE_BUF: atomic. Nothing to do if it
	 * fails: the parent sees EOF and a 125 exit status. */
	(void)!write(statusfd, &st, sizeof(st));
	_exit(125);
}
/* GCOVR_EXCL_STOP */

#define VFORK_STACK (256u * 1024u)

/* AddressSanitizer keeps one thread's stack bounds and shadow memory,
 * shared with a CLONE_VM child: a child that calls a noreturn function
 * on another stack makes it print a warning on the command's stderr,
 * and the frames of a child that exec'd stay poisoned. An ASan build
 * (make check-asan) therefore starts a sandbox-off child as it starts
 * the others, with clone3; the init's vfork of the command is in a
 * fresh process every run, and its stack is unpoisoned first anyway. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#define VFORK_OK 0
#else
#define UNPOISON(p, n) ((void)(p), (void)(n))
#define VFORK_OK 1
#endif

long
spawn_vfork(int (*entry)(void *), struct spawn_args *a, int flags,
    int *pidfd)
{
	static char stack[VFORK_STACK] __attribute__((aligned(64)));

	/* Under AddressSanitizer the last child's frames left their
	 * redzones poisoned in the shared shadow memory: it exec'd and
	 * never returned through them. */
	UNPOISON(stack, sizeof(stack));
	return clone(entry, stack + sizeof(stack),
	    CLONE_VM | CLONE_VFORK | SIGCHLD | flags, a, pidfd);
}

/* GCOVR_EXCL_START */
static int
vfork_entry(void *arg)
{
	const struct spawn_args *a = arg;

	child_main(a->e, a->execfd, a->argv, a->envp, a->statusfd);
}
/* GCOVR_EXCL_STOP */

int
spawn_start(struct sbx_enter *e, int execfd, char *const *argv,
    char *const *envp, struct spawn_child *c, struct rg_err *err)
{
	struct clone_args ca;
	int pfd[2], pidfd = -1, keep[2], e2;
	long pid;

	/* O_NONBLOCK: the supervisor reads it only after the reap, when
	 * it must be at EOF (never block on a bug); the writers put at
	 * most three 8-byte records in an empty pipe, which never fails. */
	if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK) < 0)
		return rg_err_set(err, "", 0, errno,
		    "unable to create status pipe");
	keep[0] = execfd;
	keep[1] = pfd[1];
	e->keep = keep;
	e->nkeep = 2;
	memset(&ca, 0, sizeof(ca));
	ca.flags = e->prep->clone_flags | CLONE_PIDFD;
	ca.pidfd = (uint64_t)(uintptr_t)&pidfd;
	ca.exit_signal = SIGCHLD;
	if (e->prep->cgroup_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)e->prep->cgroup_fd;
	}
	if (ca.flags == CLONE_PIDFD && VFORK_OK) {	/* invariant 4a */
		struct spawn_args a = { e, execfd, argv, envp, pfd[1] };

		pid = spawn_vfork(vfork_entry, &a, CLONE_PIDFD, &pidfd);
	} else if ((pid = syscall(SYS_clone3, &ca, sizeof(ca))) == 0)
		child_main(e, execfd, argv, envp, pfd[1]);
	e2 = errno;
	e->keep = NULL;
	e->nkeep = 0;
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		/* ENOSYS: kernel older than 5.3 (clone3), 5.7 (cgroup). */
		return rg_err_set(err, "", 0, e2, "unable to clone3 child");
	}
	c->pid = (pid_t)pid;
	c->pidfd = pidfd;
	c->statusfd = pfd[0];
	return 0;
}

/* Room for the largest message in the control socket, so the send
 * never waits (it is MSG_DONTWAIT besides). */
#define PARK_SNDBUF ((int)(2 * (sizeof(struct spawn_park_msg) + \
    SPAWN_PARK_MAXSTR)))

int
spawn_park(const struct sbx_enter *e, struct spawn_parked *p,
    struct rg_err *err)
{
	struct clone_args ca;
	int pfd[2], sv[2], pidfd = -1, sz = PARK_SNDBUF, e2;
	long pid;

	p->pid = -1;
	p->pidfd = p->statusfd = p->ctlfd = -1;
	if (e->prep->cgroup_fd >= 0 || !sandbox_has_init(e->prep))
		return rg_err_set(err, "", 0, EINVAL, "a prepared init needs "
		    "a pid namespace and no per-run cgroup");
	if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK) < 0)
		return rg_err_set(err, "", 0, errno,
		    "unable to create status pipe");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		e2 = errno;
		close(pfd[0]);
		close(pfd[1]);
		return rg_err_set(err, "", 0, e2,
		    "unable to create control socket");
	}
	/* SO_SNDBUFFORCE passes the sysctl's cap (root's); else as large as
	 * that allows, and a larger request takes spawn_start's path */
	if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &sz,
	    sizeof(sz)) < 0)
		(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz,
		    sizeof(sz));
	memset(&ca, 0, sizeof(ca));
	ca.flags = e->prep->clone_flags | CLONE_PIDFD;
	ca.pidfd = (uint64_t)(uintptr_t)&pidfd;
	ca.exit_signal = SIGCHLD;
	if ((pid = syscall(SYS_clone3, &ca, sizeof(ca))) == 0)
		pidinit_park(e, sv[1], pfd[1]);
	e2 = errno;
	close(pfd[1]);
	close(sv[1]);
	if (pid < 0) {
		close(pfd[0]);
		close(sv[0]);
		return rg_err_set(err, "", 0, e2, "unable to clone3 child");
	}
	p->pid = (pid_t)pid;
	p->pidfd = pidfd;
	p->statusfd = pfd[0];
	p->ctlfd = sv[0];
	return 0;
}

static size_t
vec_bytes(char *const *v, uint32_t *count)
{
	size_t n = 0;

	*count = 0;
	for (; v[*count] != NULL; (*count)++)
		n += strlen(v[*count]) + 1;
	return n;
}

int
spawn_handoff(struct spawn_parked *p, int execfd, const int fds[3],
    uid_t uid, gid_t gid, char *const *argv, char *const *envp,
    struct spawn_child *c, struct rg_err *err)
{
	struct spawn_park_msg h = { SPAWN_PARK_MAGIC, (uint32_t)uid,
	    (uint32_t)gid, 0, 0, 0 };
	union {
		char b[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cbuf.b, .msg_controllen = sizeof(cbuf.b) };
	struct cmsghdr *cm;
	size_t na = vec_bytes(argv, &h.argc), ne = vec_bytes(envp, &h.envc);
	int pass[4] = { execfd, fds[0], fds[1], fds[2] };
	char *buf, *w;
	ssize_t n;

	if (na + ne > SPAWN_PARK_MAXSTR ||
	    (size_t)h.argc + h.envc > SPAWN_PARK_MAXV || h.argc == 0)
		return rg_err_set(err, "", 0, E2BIG, "too large a request "
		    "for a prepared init");
	h.len = (uint32_t)(na + ne);
	if ((buf = malloc(sizeof(h) + na + ne)) == NULL)
		return rg_err_set(err, "", 0, errno, "out of memory");
	memcpy(buf, &h, sizeof(h));
	w = buf + sizeof(h);
	for (char *const *v = argv; *v != NULL; v++)
		w = stpcpy(w, *v) + 1;
	for (char *const *v = envp; *v != NULL; v++)
		w = stpcpy(w, *v) + 1;
	iov = (struct iovec){ buf, sizeof(h) + na + ne };
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(pass));
	memcpy(CMSG_DATA(cm), pass, sizeof(pass));
	n = sendmsg(p->ctlfd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
	free(buf);
	if (n != (ssize_t)iov.iov_len)
		return rg_err_set(err, "", 0, n < 0 ? errno : EPIPE,
		    "unable to hand the request to a prepared init");
	close(p->ctlfd);
	c->pid = p->pid;
	c->pidfd = p->pidfd;
	c->statusfd = p->statusfd;
	p->pidfd = p->statusfd = p->ctlfd = -1;
	return 0;
}

void
spawn_parked_discard(struct spawn_parked *p)
{
	/* the init may be anywhere in its set-up: SIGKILL, not EOF */
	if (p->pidfd >= 0)
		(void)syscall(SYS_pidfd_send_signal, p->pidfd, SIGKILL, NULL,
		    0);
	if (p->ctlfd >= 0)
		close(p->ctlfd);
	if (p->statusfd >= 0)
		close(p->statusfd);
	p->ctlfd = p->statusfd = -1;
}

/* n strings from *pos (within end), NUL-terminated each, into vec. */
static int
take_strings(char **pos, const char *end, char **vec, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		char *nul = memchr(*pos, '\0', (size_t)(end - *pos));

		if (nul == NULL)
			return -1;
		vec[i] = *pos;
		*pos = nul + 1;
	}
	vec[n] = NULL;
	return 0;
}

int
spawn_park_decode(char *buf, size_t n, char **vec, size_t nvec,
    char ***argv, char ***envp, uid_t *uid, gid_t *gid)
{
	struct spawn_park_msg h;
	char *pos = buf + sizeof(h), *end = buf + n;

	if (n < sizeof(h))
		return -1;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != SPAWN_PARK_MAGIC || h.len != n - sizeof(h) ||
	    h.argc == 0 || (size_t)h.argc + h.envc + 2 > nvec ||
	    h.uid == (uint32_t)-1 || h.gid == (uint32_t)-1)
		return -1;
	if (take_strings(&pos, end, vec, h.argc) < 0 ||
	    take_strings(&pos, end, vec + h.argc + 1, h.envc) < 0 ||
	    pos != end)
		return -1;
	*argv = vec;
	*envp = vec + h.argc + 1;
	*uid = (uid_t)h.uid;
	*gid = (gid_t)h.gid;
	return 0;
}
