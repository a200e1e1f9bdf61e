/* SPDX-License-Identifier: ISC */
/*
 * fswatch.h - has anything a prepared init's mount layout depends on
 * changed since it was made? (rootgated, daemon.c invariant 11)
 *
 * A prepared init copied the daemon's mount table when it was cloned and
 * put its masks and binds on the directory entries that the profile's
 * paths named then. Two kernel counters tell whether that still holds:
 * the mount namespace's event count (a poll of /proc/self/mountinfo
 * reports POLLPRI once per change: a mount, unmount or remount in the
 * daemon's namespace, including one propagated from the host's), and
 * inotify on every directory above each of those paths (an entry made,
 * removed or renamed there: /etc/shadow renamed over by useradd, a
 * writable directory removed and made again, a hidden path created).
 * Both are queued by the system call that makes the change, before it
 * returns: a change that a caller made before sending its request is
 * seen when the request is served.
 *
 * Invariants:
 * 1. fswatch_gen() counts changes: it rises by one each time it finds
 *    any (or cannot tell: a failed poll, an inotify queue overflow), so
 *    an init made at generation g is current while fswatch_gen() == g.
 * 2. A profile is watchable only if every watched directory is on a
 *    local file system: a change made by another NFS, SMB, Ceph or FUSE
 *    client never reaches inotify (fswatch_profile returns 1).
 * 3. Watches are added before the generation an init is made at is
 *    read, and never removed while the daemon runs (they are per
 *    directory, shared by profiles, and few).
 * 4. A caller may wait for mount changes itself (mfd in an epoll, with
 *    EPOLLPRI): the poll that reports an event also takes it, so
 *    fswatch_gen() would not see it again, and the caller calls
 *    fswatch_changed() for each report. Whichever poll takes an event,
 *    the generation rises.
 */
#ifndef ROOTGATE_FSWATCH_H
#define ROOTGATE_FSWATCH_H

#include <stdint.h>

struct sbx_profile;

struct fswatch {
	int mfd;		/* /proc/self/mountinfo */
	int ifd;		/* inotify */
	uint64_t gen;
};

/* 0, or -1 with errno; w is then closed (both fds -1). */
int fswatch_open(struct fswatch *w);
void fswatch_close(struct fswatch *w);

/* The current generation (invariant 1). */
uint64_t fswatch_gen(struct fswatch *w);

/* A change the caller saw on mfd itself (invariant 4). */
void fswatch_changed(struct fswatch *w);

/* Has the mount table changed (only that: no inotify)? 1 (the
 * generation risen), or 0. */
int fswatch_mounts(struct fswatch *w);

/*
 * Watch the directories above every path sbx's mount layout covers or
 * binds (hidden, writable, nofollow, and /tmp, /dev, /proc), as written
 * and as resolved: 0, 1 when the profile is not watchable (invariant
 * 2), -1 with errno.
 */
int fswatch_profile(struct fswatch *w, const struct sbx_profile *sbx);

/* One path's directories (for the tests): as fswatch_profile. */
int fswatch_path(struct fswatch *w, const char *path);

#endif
