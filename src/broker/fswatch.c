/* SPDX-License-Identifier: ISC */
/*
 * fswatch.c - see fswatch.h: a generation counter over the daemon's
 * mount table and the directories above a profile's mount points.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "fswatch.h"
#include "policy.h"

#define WATCH_MASK (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | \
    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

int
fswatch_open(struct fswatch *w)
{
	int e;

	w->gen = 1;
	w->ifd = -1;
	w->mfd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (w->mfd < 0)
		return -1;
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ifd < 0) {
		e = errno;
		fswatch_close(w);
		errno = e;
		return -1;
	}
	return 0;
}

void
fswatch_close(struct fswatch *w)
{
	if (w->mfd >= 0)
		close(w->mfd);
	if (w->ifd >= 0)
		close(w->ifd);
	w->mfd = w->ifd = -1;
}

uint64_t
fswatch_gen(struct fswatch *w)
{
	struct pollfd p[2] = { { w->mfd, POLLPRI, 0 }, { w->ifd, POLLIN, 0 } };
	char buf[4096] __attribute__((aligned(8)));
	int changed = 0;

	if (poll(p, 2, 0) < 0)
		changed = 1;
	if (p[0].revents & (POLLPRI | POLLERR | POLLNVAL))
		changed = 1;
	if (p[1].revents & (POLLIN | POLLERR | POLLNVAL)) {
		changed = 1;
		while (read(w->ifd, buf, sizeof(buf)) > 0)
			;	/* each event is a change: the count is enough */
	}
	if (changed)
		w->gen++;
	return w->gen;
}

void
fswatch_changed(struct fswatch *w)
{
	w->gen++;
}

int
fswatch_mounts(struct fswatch *w)
{
	struct pollfd p = { w->mfd, POLLPRI, 0 };

	if (poll(&p, 1, 0) == 0)
		return 0;
	w->gen++;	/* a change, or a failed poll: cannot tell */
	return 1;
}

/* Invariant 2: file systems whose changes may come from elsewhere. */
static int
remote_fs(long type)
{
	switch ((unsigned long)type) {
	case 0x6969UL:		/* NFS */
	case 0x517bUL:		/* SMB */
	case 0xfe534d42UL:	/* SMB2 */
	case 0xff534d42UL:	/* CIFS */
	case 0x65735546UL:	/* FUSE */
	case 0x00c36400UL:	/* Ceph */
	case 0x01021997UL:	/* 9P */
	case 0x5346414fUL:	/* AFS */
	case 0x6b414653UL:	/* kAFS */
	case 0x01161970UL:	/* GFS2 */
	case 0x7461636fUL:	/* OCFS2 */
	case 0x47504653UL:	/* GPFS */
	case 0x0bd00bd0UL:	/* Lustre */
		return 1;
	default:
		return 0;
	}
}

/* Watch one directory; 1 when it is remote, 0 when watched or absent. */
static int
watch_dir(struct fswatch *w, const char *dir)
{
	struct statfs sf;

	if (inotify_add_watch(w->ifd, dir, WATCH_MASK) < 0) {
		/* absent, or not a directory: its existing parent is
		 * watched already, and sees it appear */
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
			return 0;
		/* there but not to be watched by root (a FUSE mount without
		 * allow_other): changes there would go unseen */
		if (errno == EACCES || errno == EPERM)
			return 1;
		return -1;
	}
	if (statfs(dir, &sf) < 0)
		return errno == ENOENT ? 0 : -1;
	return remote_fs(sf.f_type);
}

/* Every proper ancestor of an absolute path, "/" first. */
static int
watch_ancestors(struct fswatch *w, const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);
	int rc;

	if (path[0] != '/' || n >= sizeof(buf))
		return 1;	/* cannot say: not watchable */
	if ((rc = watch_dir(w, "/")) != 0)
		return rc;
	memcpy(buf, path, n + 1);
	for (char *s = buf + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		rc = buf[1] != '\0' ? watch_dir(w, buf) : 0;
		*s = '/';
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
fswatch_path(struct fswatch *w, const char *path)
{
	char *real;
	int rc = watch_ancestors(w, path);

	if (rc != 0)
		return rc;
	/* as mount(2) resolved it: a link's target's directories too */
	if ((real = realpath(path, NULL)) == NULL)
		return 0;
	rc = strcmp(real, path) != 0 ? watch_ancestors(w, real) : 0;
	free(real);
	return rc;
}

static int
watch_list(struct fswatch *w, char *const *v, size_t n)
{
	int rc;

	for (size_t i = 0; i < n; i++)
		if ((rc = fswatch_path(w, v[i])) != 0)
			return rc;
	return 0;
}

int
fswatch_profile(struct fswatch *w, const struct sbx_profile *sbx)
{
	static const char *const fixed[] = { "/tmp", "/dev", "/proc" };
	int rc;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if ((rc = fswatch_path(w, fixed[i])) != 0)
			return rc;
	if ((rc = watch_list(w, sbx->hidden, sbx->nhidden)) != 0 ||
	    (rc = watch_list(w, sbx->writable, sbx->nwritable)) != 0)
		return rc;
	return watch_list(w, sbx->nofollow, sbx->nnofollow);
}
