/* SPDX-License-Identifier: ISC */
/*
 * peer.c - the broker's caller, from the kernel (peer.h).
 *
 * Invariants:
 * 1. Identity is SO_PEERCRED only: the credentials the kernel recorded
 *    when the peer called connect(2). SCM_CREDENTIALS and anything in a
 *    request are never consulted (SO_PASSCRED is never set).
 * 2. The peer's pid is pinned by a pidfd taken right after the
 *    credentials, and /proc/PID/comm is believed only if that pidfd
 *    still names a live process after the read (a recycled pid would
 *    put another process's name in the audit record).
 * 3. Group names are looked up for the uid (getgrouplist), so a rule's
 *    %group callers mean what the group database says, not what
 *    supplementary groups the caller happened to keep or drop. They are
 *    looked up when the first decision that can use them is made (the
 *    policy names a %group caller), not for every connection.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "constraint.h"
#include "diag.h"
#include "match.h"
#include "peer.h"
#include "strv.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

#define PEER_MAX_GROUPS 4096

static int
pin_pid(int fd, pid_t pid)
{
	socklen_t len = sizeof(int);
	int pidfd = -1;

	/* Linux 6.5+: the pidfd of the process that connected */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) == 0 &&
	    pidfd >= 0)
		return pidfd;
	/* else as close as possible to the credentials (invariant 2) */
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static void
read_comm(struct peer *p)
{
	char path[64], raw[32] = "";
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)p->pid);
	if ((fp = fopen(path, "re")) == NULL)
		return;
	if (fgets(raw, sizeof(raw), fp) != NULL)
		raw[strcspn(raw, "\n")] = '\0';
	fclose(fp);
	if (p->pidfd < 0 || syscall(SYS_pidfd_send_signal, p->pidfd, 0, NULL,
	    0) < 0)
		return;		/* gone: the name may be another's */
	constraint_escape(raw, 16, p->comm, sizeof(p->comm));
}

static int
add_groups(struct peer *p)
{
	gid_t *gids;
	int ng = PEER_MAX_GROUPS;

	if ((gids = malloc((size_t)ng * sizeof(*gids))) == NULL)
		return -1;
	if (p->user == NULL || getgrouplist(p->user, p->gid, gids, &ng) < 0) {
		gids[0] = p->gid;	/* no name: its primary group */
		ng = 1;
	}
	for (int i = 0; i < ng; i++) {
		struct group *gr = getgrgid(gids[i]);

		if (gr != NULL && strv_find(p->groups, p->ngroups,
		    gr->gr_name) < 0 && strv_push(&p->groups, &p->ngroups,
		    gr->gr_name) < 0) {
			free(gids);
			strv_free(p->groups, p->ngroups);
			p->groups = NULL;
			p->ngroups = 0;
			return -1;
		}
	}
	free(gids);
	return 0;
}

int
peer_groups(struct peer *p, struct rg_err *err)
{
	if (p->groups_known)
		return 0;
	/* root may use every rule: its groups decide nothing */
	if (p->uid != 0 && add_groups(p) < 0)
		return rg_err_set(err, "", 0, ENOMEM, "unable to allocate "
		    "memory");
	p->groups_known = true;
	return 0;
}

int
peer_identify(int fd, struct peer *p, struct rg_err *err)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);
	struct passwd *pw;

	memset(p, 0, sizeof(*p));
	p->pidfd = -1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0)
		return rg_err_set(err, "", 0, errno, "unable to read the peer's "
		    "credentials");
	p->uid = uc.uid;
	p->gid = uc.gid;
	p->pid = uc.pid;
	p->pidfd = pin_pid(fd, uc.pid);
	read_comm(p);
	if ((pw = getpwuid(p->uid)) != NULL &&
	    (p->user = strdup(pw->pw_name)) == NULL) {
		peer_free(p);
		return rg_err_set(err, "", 0, ENOMEM, "unable to allocate "
		    "memory");
	}
	return 0;
}

void
peer_caller(const struct peer *p, struct caller *c)
{
	memset(c, 0, sizeof(*c));
	c->uid = p->uid;
	c->gid = p->gid;
	c->user = p->user;
	c->groups = (const char *const *)p->groups;
	c->ngroups = p->ngroups;
}

void
peer_free(struct peer *p)
{
	if (p->pidfd >= 0)
		close(p->pidfd);
	free(p->user);
	strv_free(p->groups, p->ngroups);
	memset(p, 0, sizeof(*p));
	p->pidfd = -1;
}
