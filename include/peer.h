/* SPDX-License-Identifier: ISC */
/*
 * peer.h - who is on the other end of a unix socket, as the kernel says
 * (SO_PEERCRED at connect time), never as the peer says: uid, gid, pid,
 * a pidfd pinning that pid (SO_PEERPIDFD, else pidfd_open), the user name
 * and, when a decision needs them (peer_groups), the names of every group
 * of that uid.
 */
#ifndef ROOTGATE_PEER_H
#define ROOTGATE_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct caller;
struct rg_err;

struct peer {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	int pidfd;		/* -1 if the process is already gone */
	char *user;		/* NULL if the uid has no name */
	char **groups;		/* names of all its groups (owned), once
				   peer_groups has looked them up */
	size_t ngroups;
	bool groups_known;	/* peer_groups has run */
	char comm[32];		/* escaped /proc/PID/comm, "" if unknown */
};

/*
 * Fill *p for the connected socket fd. Returns 0, or -1 with *err set
 * (no credentials, out of memory); then nothing is left to free.
 */
int peer_identify(int fd, struct peer *p, struct rg_err *err);

/*
 * Look up the names of the groups of p's uid, once per peer (a group
 * database query costs more than the rest of the identity, and only a
 * policy with %group callers needs it). Root's are never looked up: root
 * may use every rule. Returns 0, or -1 with *err set (out of memory);
 * then p is as it was.
 */
int peer_groups(struct peer *p, struct rg_err *err);

/* A struct caller for match_argv; it points into *p. */
void peer_caller(const struct peer *p, struct caller *c);

void peer_free(struct peer *p);

#endif
