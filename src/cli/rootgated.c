/* SPDX-License-Identifier: ISC */
/*
 * rootgated - the rootgate broker daemon (rootgated(8)).
 *
 *   rootgated [--config DIR] [--socket PATH] [--foreground]
 *
 * With LISTEN_FDS=1 and LISTEN_PID=ours (systemd socket activation) it
 * serves the socket on fd 3 instead of creating one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "broker.h"
#include "cli.h"
#include "cov.h"
#include "exitcode.h"
#include "stdfds.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: rootgated [--config DIR] [--socket PATH] "
	    "[--foreground]\n"
	    "default configuration: %s\ndefault socket: %s\n",
	    RG_DEFAULT_CONFDIR, BROKER_DEFAULT_SOCKET);
}

/* The socket systemd passed, or -1 (and the variables are dropped). */
static int
listen_fd_from_env(void)
{
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	int type = 0, acc = 0, fd = -1;
	socklen_t len = sizeof(int);

	if (pid != NULL && n != NULL &&
	    strtonum(pid, 1, INT_MAX, NULL) == (long long)getpid() &&
	    strcmp(n, "1") == 0 &&
	    getsockopt(3, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
	    type == SOCK_STREAM &&
	    getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == 0 &&
	    acc == 1) {
		fd = 3;
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return fd;
}

/* Background: the parent exits once the child serves (or fails). */
static int
daemonize(struct broker_opts *o)
{
	int p[2], st = 0;
	char c;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		cli_warnx("unable to start in the background: %s",
		    strerror(errno));
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			st = RG_EXIT_INTERNAL;
		rg_cov_flush();	/* cov.h: the parent leaves by _exit */
		_exit(st);
	}
	close(p[0]);
	o->ready_fd = p[1];
	(void)setsid();
	if ((st = open("/dev/null", O_RDWR)) >= 0) {
		dup2(st, STDIN_FILENO);
		dup2(st, STDOUT_FILENO);
		if (st > STDERR_FILENO)
			close(st);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct broker_opts o = { RG_DEFAULT_CONFDIR, NULL, false, -1, -1 };
	int ch, rc;

	rg_progname = "rootgated";
	/* 0-2 always open: received descriptors count on it */
	if (rg_keep_stdio() < 0)
		return RG_EXIT_INTERNAL;
	o.listen_fd = listen_fd_from_env();
	closefrom(o.listen_fd >= 0 ? 4 : STDERR_FILENO + 1);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "c:s:fhV", lopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o.confdir = optarg;
			break;
		case 's':
			o.socket = optarg;
			break;
		case 'f':
			o.foreground = true;
			break;
		case 'h':
			usage(stdout);
			return RG_EXIT_OK;
		case 'V':
			printf("rootgated %s\n", RG_VERSION);
			return RG_EXIT_OK;
		default:
			return cli_usage_error(argv[optind - 1]);
		}
	}
	if (optind != argc) {
		usage(stderr);
		return RG_EXIT_NO_COMMAND;
	}
	if (geteuid() != 0) {
		cli_warnx("unable to start: not root");
		return RG_EXIT_INTERNAL;
	}
	if (chdir("/") < 0)
		return RG_EXIT_INTERNAL;
	umask(022);
	if (!o.foreground && daemonize(&o) < 0)
		return RG_EXIT_INTERNAL;
	rc = broker_daemon_run(&o);
	if (o.ready_fd >= 0)
		close(o.ready_fd);
	return rc;
}
