/* SPDX-License-Identifier: ISC */
/*
 * broker.h - rootgated, the setuid-free way to use rootgate: a root
 * daemon on a unix socket (daemon.c, job.c) and the unprivileged
 * client behind `rootgate CMD...` (client.c). doc/protocol.md has the
 * wire format, rootgated(8) the operator's view.
 */
#ifndef ROOTGATE_BROKER_H
#define ROOTGATE_BROKER_H

#include <stdbool.h>

#define BROKER_DEFAULT_SOCKET	"/run/rootgate/rootgate.sock"
#define BROKER_SOCKET_ENV	"ROOTGATE_SOCKET"

struct broker_opts {
	const char *confdir;	/* --config */
	const char *socket;	/* --socket, else rootgate.conf, else the
				   default; ignored with LISTEN_FDS */
	bool foreground;	/* log to stderr, else to syslog */
	int listen_fd;		/* systemd socket activation, else -1 */
	int ready_fd;		/* written and closed once serving, or -1 */
};

/*
 * Run the daemon until SIGTERM or SIGINT (and its children are done, or
 * killed after shutdown-timeout). Returns an exit status: 0, 97 when the
 * first policy load fails, 125 on any other start-up failure.
 */
int broker_daemon_run(const struct broker_opts *o);

/* The socket a client uses: opt (--socket), else $ROOTGATE_SOCKET,
 * else BROKER_DEFAULT_SOCKET. */
const char *broker_socket_path(const char *opt);

/*
 * Ask the broker at path to run argv (argc >= 1) with this process's
 * stdin, stdout and stderr; forward SIGINT, SIGTERM, SIGHUP, SIGQUIT;
 * print what the broker says to stderr ("rootgate: ..."). Returns the
 * exit status direct mode would have had, or 125 when the broker cannot
 * be reached or breaks the protocol.
 */
int broker_client_run(const char *path, int argc, char **argv);

#endif
