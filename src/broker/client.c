/* SPDX-License-Identifier: ISC */
/*
 * client.c - `rootgate CMD ARGS...` run by a user who is not root: ask
 * rootgated (broker.h, doc/protocol.md).
 *
 * Invariants:
 * 1. The client is trusted with nothing: it sends argv, its cwd, its
 *    environment and its three stdio descriptors; the broker decides who
 *    it is from the socket (SO_PEERCRED) and what runs from the policy.
 * 2. The broker must be root: the client checks the server's SO_PEERCRED
 *    before sending anything, so a socket planted by another user never
 *    receives the caller's descriptors.
 * 3. SIGINT, SIGTERM, SIGHUP and SIGQUIT are blocked and read from a
 *    signalfd, then forwarded: the client outlives them until the
 *    command's status comes back (as direct mode does).
 * 4. Every failure to talk to the broker is status 125 with one line.
 *    A broker that refuses a connection (too many) replies and closes
 *    before reading the request: the request's send then fails, and the
 *    broker's reason, already waiting on the socket, is what is shown.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "broker.h"
#include "exitcode.h"
#include "proto.h"

extern char **environ;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rootgate: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *
broker_socket_path(const char *opt)
{
	const char *e = getenv(BROKER_SOCKET_ENV);

	if (opt != NULL)
		return opt;
	return e != NULL && e[0] != '\0' ? e : BROKER_DEFAULT_SOCKET;
}

static int
connect_broker(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred uc;
	socklen_t len = sizeof(uc);
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		say("unable to reach the broker at %s: %s", path,
		    "path too long");
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		say("unable to reach the broker at %s: %s (is rootgated "
		    "running?)", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* invariant 2 */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0 ||
	    uc.uid != 0) {
		say("unable to use the broker at %s: %s", path,
		    "it is not run by root");
		close(fd);
		return -1;
	}
	return fd;
}

/* The environment entries the protocol can carry, in order, up to its
 * limits; the broker keeps only what a rule names (env-keep). */
static size_t
select_env(char **out)
{
	size_t n = 0, bytes = 0;

	for (char **e = environ; e != NULL && *e != NULL &&
	    n < PROTO_MAX_ENVC; e++) {
		size_t len = strlen(*e) + 1;
		const char *eq = strchr(*e, '=');

		if (eq == NULL || eq == *e || len > PROTO_MAX_ENTRY ||
		    bytes + len > PROTO_MAX_ENVBYTES)
			continue;
		bytes += len;
		out[n++] = *e;
	}
	return n;
}

/*
 * Encode the request: a usual one (a few KiB) fits the caller's small
 * buffer, so a call allocates nothing; a larger one (up to the protocol's
 * limits) gets a frame-sized buffer, *big, which the caller frees.
 */
static enum proto_result
encode(const char *cwd, int argc, char **argv, char **envp, size_t envc,
    void *small, size_t smallsz, void **frame, void **big, size_t *len)
{
	enum proto_result r;

	*frame = small;
	r = proto_encode_request(cwd, argv, (size_t)argc, envp, envc, small,
	    smallsz, len);
	if (r != PROTO_ETOOBIG)
		return r;
	if ((*big = malloc(PROTO_MAX_FRAME)) == NULL)
		return PROTO_ENOMEM;
	*frame = *big;
	return proto_encode_request(cwd, argv, (size_t)argc, envp, envc, *big,
	    PROTO_MAX_FRAME, len);
}

/* 0 sent, -1 failed (said why), -2 the broker closed the connection
 * with a reply waiting: read it (invariant 4) */
static int
send_request(int fd, int argc, char **argv)
{
	char cwd[PATH_MAX], *envp[PROTO_MAX_ENVC];
	unsigned char small[16384];
	void *buf, *big = NULL;
	union {
		char buf[CMSG_SPACE(sizeof(int) * PROTO_NFDS)];
		struct cmsghdr align;
	} cbuf;
	int fds[PROTO_NFDS] = { STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO };
	size_t envc = select_env(envp), len;
	enum proto_result r;
	struct iovec iov;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf) };
	struct cmsghdr *cm = &cbuf.align;
	ssize_t n;
	int e;

	if (getcwd(cwd, sizeof(cwd)) == NULL || cwd[0] != '/')
		strcpy(cwd, "/");
	r = encode(cwd, argc, argv, envp, envc, small, sizeof(small), &buf,
	    &big, &len);
	if (r != PROTO_OK) {
		say("unable to send the request: %s%s", proto_strerror(r), "");
		free(big);
		return -1;
	}
	memset(&cbuf, 0, sizeof(cbuf));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	iov = (struct iovec){ buf, len };
	/* the descriptors ride on the first bytes; the rest follows */
	while ((n = sendmsg(fd, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	for (size_t o = n > 0 ? (size_t)n : 0; n > 0 && o < len;
	    o += (size_t)n)
		while ((n = send(fd, (char *)buf + o, len - o,
		    MSG_NOSIGNAL)) < 0 && errno == EINTR)
			;
	e = errno;
	free(big);
	if (n <= 0) {
		char c;

		if ((e == EPIPE || e == ECONNRESET) &&
		    recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 1)
			return -2;
		say("unable to send the request: %s%s", strerror(e), "");
		return -1;
	}
	return 0;
}

/* Read exactly len bytes; 0 at a clean EOF before any, -1 otherwise. */
static int
read_full(int fd, void *buf, size_t len)
{
	size_t o = 0;

	while (o < len) {
		ssize_t n = read(fd, (char *)buf + o, len - o);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return o == 0 && n == 0 ? 0 : -1;
		o += (size_t)n;
	}
	return 1;
}

static int
forward(int fd, int sfd)
{
	unsigned char buf[PROTO_HDR_LEN + PROTO_MAX_TEXT];
	struct signalfd_siginfo si;
	size_t len;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (proto_encode_msg(PT_SIGNAL, si.ssi_signo, 0, NULL, buf,
		    sizeof(buf), &len) == PROTO_OK &&
		    send(fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
			return -1;
	return 0;
}

static void
print_lines(const char *text)
{
	while (*text != '\0') {
		size_t n = strcspn(text, "\n");

		fprintf(stderr, "rootgate: %.*s\n", (int)n, text);
		text += n + (text[n] == '\n');
	}
}

/* One reply frame: -1 error, 0 keep waiting, 1 done (*status set). */
static int
on_reply(int fd, int *status)
{
	unsigned char hdr[PROTO_HDR_LEN];
	char text[PROTO_MAX_TEXT];
	const char *t;
	struct proto_hdr h;
	int rc;

	if ((rc = read_full(fd, hdr, sizeof(hdr))) <= 0) {
		say("the broker closed the connection%s%s", rc < 0 ?
		    ": " : "", rc < 0 ? strerror(errno) : "");
		return -1;
	}
	if (proto_decode_hdr(hdr, sizeof(hdr), &h) != PROTO_OK ||
	    h.len > sizeof(text) || read_full(fd, text, h.len) <= 0 ||
	    proto_decode_msg(&h, text, &t) != PROTO_OK) {
		say("unable to understand the broker: %s%s", "bad reply", "");
		return -1;
	}
	switch ((enum proto_type)h.type) {
	case PT_ACCEPT:
		return 0;
	case PT_DENY:
	case PT_EXIT:
	case PT_ERROR:
		print_lines(t);
		*status = h.n1 <= 255 ? (int)h.n1 : RG_EXIT_INTERNAL;
		return 1;
	case PT_REQUEST:
	case PT_SIGNAL:
	default:
		say("unable to understand the broker: %s%s", "bad reply", "");
		return -1;
	}
}

static int
converse(int fd, int sfd)
{
	int status = RG_EXIT_INTERNAL;

	for (;;) {
		struct pollfd pfd[2] = { { fd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
		int rc;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return RG_EXIT_INTERNAL;
		}
		if ((pfd[1].revents & POLLIN) && forward(fd, sfd) < 0)
			return RG_EXIT_INTERNAL;
		if (pfd[0].revents == 0)
			continue;
		if ((rc = on_reply(fd, &status)) != 0)
			return rc < 0 ? RG_EXIT_INTERNAL : status;
	}
}

int
broker_client_run(const char *path, int argc, char **argv)
{
	sigset_t set;
	int fd, sfd, status;

	/* invariant 3; blocked before the request, so none is lost */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		say("unable to set up signals: %s%s", strerror(errno), "");
		return RG_EXIT_INTERNAL;
	}
	if ((fd = connect_broker(path)) < 0) {
		close(sfd);
		return RG_EXIT_INTERNAL;
	}
	if (send_request(fd, argc, argv) == -1)
		status = RG_EXIT_INTERNAL;
	else	/* sent, or refused with the reply waiting (-2) */
		status = converse(fd, sfd);
	close(fd);
	close(sfd);
	return status;
}
