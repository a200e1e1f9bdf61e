/* SPDX-License-Identifier: ISC */
/*
 * broker_bench.c - drive rootgated over persistent connections, for
 * bench/broker.sh and tests/e2e/t_broker.sh.
 *
 *   broker_bench SOCK NCLIENTS NCALLS CMD [ARG...]
 *       NCLIENTS processes, each one connection, NCALLS requests each;
 *       stdio of the command on /dev/null. Prints per-call median, p99,
 *       calls/s aggregate, the rate of the first and last tenth, and the
 *       statuses seen ("status 0: N").
 *   broker_bench --loop NCALLS CMD [ARG...]
 *       the floor: fork + execv + waitpid, same report.
 *   broker_bench --first SOCK CMD [ARG...]
 *       retry connecting every 100 us until a call succeeds; print the
 *       milliseconds since start (daemon start to first served call).
 *
 * Built with: cc -O2 -Iinclude bench/broker_bench.c src/broker/proto.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
conn(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int
readn(int fd, void *b, size_t n)
{
	size_t o = 0;

	while (o < n) {
		ssize_t r = read(fd, (char *)b + o, n - o);

		if (r <= 0)
			return -1;
		o += (size_t)r;
	}
	return 0;
}

/* One request; the status, or -1. */
static int
call(int fd, const void *req, size_t len, int nullfd)
{
	int fds[3] = { nullfd, nullfd, nullfd };
	union {
		char b[CMSG_SPACE(sizeof(fds))];
		struct cmsghdr a;
	} cb;
	struct iovec iov = { (void *)(uintptr_t)req, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cb.b, .msg_controllen = sizeof(cb.b) };
	unsigned char h[PROTO_HDR_LEN];
	char text[PROTO_MAX_TEXT];
	struct proto_hdr ph;

	memset(&cb, 0, sizeof(cb));
	cb.a.cmsg_level = SOL_SOCKET;
	cb.a.cmsg_type = SCM_RIGHTS;
	cb.a.cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(&cb.a), fds, sizeof(fds));
	if (sendmsg(fd, &m, MSG_NOSIGNAL) != (ssize_t)len)
		return -1;
	for (;;) {
		if (readn(fd, h, sizeof(h)) < 0 ||
		    proto_decode_hdr(h, sizeof(h), &ph) != PROTO_OK ||
		    ph.len > sizeof(text) || readn(fd, text, ph.len) < 0)
			return -1;
		if (ph.type != PT_ACCEPT && ph.n1 != 0 && ph.len > 0)
			fprintf(stderr, "status %u: %.*s\n", ph.n1,
			    (int)ph.len, text);
		if (ph.type != PT_ACCEPT)
			return (int)ph.n1;
	}
}

static int
cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
report(uint64_t *lat, size_t n, uint64_t wall, const int *st)
{
	uint64_t t1 = 0, t2 = 0;
	size_t k = n / 10;

	for (size_t i = 0; i < k; i++) {
		t1 += lat[i];
		t2 += lat[n - k + i];
	}
	printf("first-tenth %.0f/s last-tenth %.0f/s\n",
	    k ? k * 1e9 / (double)t1 : 0.0, k ? k * 1e9 / (double)t2 : 0.0);
	qsort(lat, n, sizeof(*lat), cmp64);
	printf("calls %zu median %.3f ms p99 %.3f ms rate %.0f/s\n", n,
	    lat[n / 2] / 1e6, lat[n * 99 / 100] / 1e6, n * 1e9 / (double)wall);
	for (int s = 0; s < 257; s++)
		if (st[s] > 0)
			printf("status %d: %d\n", s == 256 ? -1 : s, st[s]);
}

static int
clients(char **argv)
{
	size_t nc = strtoul(argv[2], NULL, 10), nk = strtoul(argv[3], NULL, 10);
	size_t n = nc * nk, len;
	uint64_t *lat = mmap(NULL, n * sizeof(*lat), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *st = mmap(NULL, 257 * sizeof(int), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char **av = argv + 4;
	size_t ac = 0;
	void *req = malloc(PROTO_MAX_FRAME);
	uint64_t t0;

	while (av[ac] != NULL)
		ac++;
	if (lat == MAP_FAILED || st == MAP_FAILED || req == NULL ||
	    proto_encode_request("/", av, ac, NULL, 0, req, PROTO_MAX_FRAME,
	    &len) != PROTO_OK)
		return 2;
	t0 = now_ns();
	for (size_t c = 0; c < nc; c++) {
		if (fork() != 0)
			continue;
		int fd = conn(argv[1]), nul = open("/dev/null", O_RDWR);

		for (size_t i = 0; i < nk; i++) {
			uint64_t a = now_ns();
			int s = fd < 0 ? -1 : call(fd, req, len, nul);

			lat[c * nk + i] = now_ns() - a;
			__atomic_add_fetch(&st[s < 0 || s > 255 ? 256 : s], 1,
			    __ATOMIC_RELAXED);
		}
		_exit(0);
	}
	while (wait(NULL) > 0)
		;
	report(lat, n, now_ns() - t0, st);
	return st[256] != 0;
}

static int
floor_loop(char **argv)
{
	size_t n = strtoul(argv[2], NULL, 10);
	uint64_t *lat = calloc(n, sizeof(*lat)), t0 = now_ns();
	int st[257] = { 0 };

	for (size_t i = 0; i < n; i++) {
		uint64_t a = now_ns();
		pid_t p = fork();
		int ws;

		if (p == 0) {
			int nul = open("/dev/null", O_RDWR);

			dup2(nul, 0);
			dup2(nul, 1);
			dup2(nul, 2);
			execv(argv[3], argv + 3);
			_exit(127);
		}
		waitpid(p, &ws, 0);
		lat[i] = now_ns() - a;
		st[WEXITSTATUS(ws)]++;
	}
	report(lat, n, now_ns() - t0, st);
	return 0;
}

static int
first(char **argv)
{
	uint64_t t0 = now_ns();
	char **av = argv + 3;
	size_t ac = 0, len;
	void *req = malloc(PROTO_MAX_FRAME);
	int nul = open("/dev/null", O_RDWR);

	while (av[ac] != NULL)
		ac++;
	if (req == NULL || proto_encode_request("/", av, ac, NULL, 0, req,
	    PROTO_MAX_FRAME, &len) != PROTO_OK)
		return 2;
	for (;;) {
		int fd = conn(argv[2]), s;

		if (fd >= 0 && (s = call(fd, req, len, nul)) >= 0) {
			printf("first call %.2f ms status %d\n",
			    (now_ns() - t0) / 1e6, s);
			return 0;
		}
		if (fd >= 0)
			close(fd);
		if (now_ns() - t0 > 10000000000u)
			return 1;
		usleep(100);
	}
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "--loop") == 0)
		return floor_loop(argv);
	if (argc >= 4 && strcmp(argv[1], "--first") == 0)
		return first(argv);
	if (argc >= 5)
		return clients(argv);
	fprintf(stderr, "usage: see the comment at the top\n");
	return 2;
}
