/* SPDX-License-Identifier: ISC */
/*
 * mount.c - the child's view of the filesystem.
 *
 * Invariants (when the sandbox has a mount namespace):
 * 1. Propagation is made private first, recursively: nothing we mount
 *    leaks to the host, and nothing the host mounts later appears here.
 * 2. Every mount is read-only except the writable paths (and the
 *    private /tmp). mount_setattr(AT_RECURSIVE) flips the read-only bit
 *    on every mount of the tree in one call and leaves nosuid, nodev,
 *    noexec as they were, which a MS_REMOUNT loop would have to restate
 *    by hand (statvfs) for each mount. Without host_devices the same
 *    call sets nodev on every mount too, and clearing read-only later
 *    (3, 6) leaves it: a device node anywhere - planted in a writable
 *    directory, or the host's /dev reached by another path - cannot be
 *    opened (EACCES). /dev is then replaced by the minimal one of dev.c,
 *    whose few nodes are the only mounts without nodev. With
 *    host_devices, the host's flags and /dev as they were.
 * 3. Writable paths are bound onto themselves BEFORE the tree is made
 *    read-only, so each is a mount of its own whose read-only bit can be
 *    cleared again without touching anything around it. Only that one
 *    mount is cleared (not AT_RECURSIVE): a separate filesystem mounted
 *    below a writable path stays read-only, and a path whose mount was
 *    already read-only on the host stays read-only (never widened).
 * 4. Hidden paths are masked after that, on top of everything but
 *    /proc: an empty read-only tmpfs over a directory, /dev/null
 *    (read-only) over anything else. A path is resolved as mount(2)
 *    resolves it, following links (a link to a directory hides the
 *    directory); one that does not resolve - missing, a file in the
 *    middle, a dangling link, a loop (also a link below a nofollow
 *    directory, 8) - has nothing the command could reach by that name
 *    and is skipped, never an error: the default list names secrets
 *    that many hosts lack. It is resolved once and the mask (built
 *    detached) moved onto what was opened; if the host replaced the
 *    file in between (useradd renames a new /etc/shadow over the old
 *    one, and the move fails ENOENT on the unlinked one), the name is
 *    resolved again, a bounded number of times, then the run fails.
 * 5. A new pid namespace gets a fresh, read-only /proc, so the command
 *    sees only its own processes and cannot write the host's sysctls
 *    (uid 0 may write /proc/sys without any capability).
 * 6. The private /tmp is an empty tmpfs, except for each writable path
 *    strictly beneath /tmp: before the tmpfs covers /tmp, a detached
 *    clone of that path's tree is taken (open_tree(OPEN_TREE_CLONE |
 *    AT_RECURSIVE)), then moved onto a mount point created inside the
 *    tmpfs (intermediate directories 0755, root-owned). It is the host's
 *    directory (writes land on the host) and a mount of its own, so
 *    invariant 3 applies to it unchanged. The directories created to
 *    reach it are scaffolding, not the host's: the first one below /tmp
 *    is bound onto itself, so the read-only pass leaves that subtree
 *    read-only (EROFS, as anywhere else outside the writable paths)
 *    while the rest of the private /tmp stays writable. Such paths are
 *    resolved with
 *    RESOLVE_NO_SYMLINKS: /tmp is world-writable, and a symlink planted
 *    there must not redirect a writable bind (the run fails, ELOOP).
 *    Anything else under /tmp - including a path constraint's prefix
 *    that is only read - is simply not visible in the sandbox. A path
 *    equal to /tmp names the private /tmp itself.
 * 7. A hidden path under the private /tmp that no writable path brings
 *    back is already hidden: skipped, never an error.
 * 8. Each existing nofollow directory is mounted over itself with
 *    nosymfollow: a symbolic link beneath it, at any depth, is not
 *    followed by anyone in the namespace (ELOOP); readlink still works.
 *    The caller may swap a checked file for a link to /etc/shadow or a
 *    device between the decision and the command's open; the command
 *    then fails instead. It runs after the read-only pass and the
 *    writable clears: the directory's tree is cloned recursively
 *    (open_tree) with the flags the layout gave each mount, so
 *    read-only stays read-only, a writable path at, above or below it
 *    stays writable, nodev stays; only nosymfollow is added, to the
 *    detached clone, before it is moved over the very directory that
 *    was opened (one resolution, no window). The path itself is resolved
 *    following links, as the matcher's realpath of the prefix did: the
 *    protection is for what lies beneath the directory, which the
 *    caller controls, not for the path to it, which it must not (if it
 *    can rename the directory itself, it can put another in its place).
 *    A directory that does not exist (or is not a directory) has
 *    nothing beneath it and is skipped. Before the hidden paths, so
 *    that a mask beneath it stays on top.
 * 10. With the parent's templates (sbx_templates_init: rootgated), the
 *    minimal /dev and every directory mask are clones of detached
 *    mounts made once (dev.c, invariant 5), and a file mask is a clone
 *    of the template's null node: the same content and attributes,
 *    without a new superblock per run.
 * 9. Order: private propagation, private /tmp, writable binds, the
 *    read-only (and nodev) pass, writable clears, nofollow (8), the
 *    minimal /dev (2, dev.c: its /dev/null is what 4 binds), hidden
 *    (4), /proc (5).
 * Without a mount namespace there is no layout at all: host_devices has
 * no effect (the host's /dev), and writable, hidden, nofollow and
 * private_tmp are refused by sbx_mount_check.
 * Any failure fails the run: a half-read-only tree is never executed in.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "diag.h"
#include "policy.h"
#include "sandbox.h"
#include "sbx_steps.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

#define MAX_WRITABLE 64		/* ro_before is a uint64_t */

/* Child only (between clone3 and exec): no gcov counters; doc/quality.md. */
/* GCOVR_EXCL_START */
/* Strictly beneath /tmp (lexically; paths are absolute and normalised
 * by the loader). */
static bool
under_tmp(const char *path)
{
	return strncmp(path, "/tmp/", 5) == 0 && path[5] != '\0';
}

/* Invariant 6: carried into the private /tmp. */
static bool
tmp_carried(const struct sbx_profile *sbx, size_t i)
{
	return sbx->private_tmp && under_tmp(sbx->writable[i]);
}

int
sbx_setattr_at(int dfd, const char *path, unsigned flags, uint64_t set,
    uint64_t clr)
{
	struct mount_attr a = { .attr_set = set, .attr_clr = clr };

	return (int)syscall(SYS_mount_setattr, dfd, path, flags, &a,
	    sizeof(a));
}

static int
setattr(const char *path, unsigned flags, uint64_t set, uint64_t clr)
{
	return sbx_setattr_at(AT_FDCWD, path, flags, set, clr);
}
/* GCOVR_EXCL_STOP */

int
sbx_tmpfs_tree(const char *mode, const char *size, const char *nr_inodes,
    unsigned attr)
{
	int fs, mnt = -1, e;

	if ((fs = fsopen("tmpfs", FSOPEN_CLOEXEC)) < 0)
		return -1;
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", mode, 0) == 0 &&
	    fsconfig(fs, FSCONFIG_SET_STRING, "size", size, 0) == 0 &&
	    (nr_inodes == NULL || fsconfig(fs, FSCONFIG_SET_STRING,
	    "nr_inodes", nr_inodes, 0) == 0) &&
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		mnt = fsmount(fs, FSMOUNT_CLOEXEC, attr);
	e = errno;
	close(fs);
	errno = e;
	return mnt;
}

/* An empty, read-only tmpfs, detached: a directory mask (invariant 4),
 * or the parent's template of one (invariant 10). */
int
sbx_mask_dir_tree(void)
{
	return sbx_tmpfs_tree("000", "4k", NULL, MOUNT_ATTR_RDONLY |
	    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

int
sbx_mount_check(const struct sbx_profile *sbx, struct rg_err *err)
{
	struct stat st;

	if (!sbx->enabled)
		return 0;
	if (!(sbx->ns & SBX_NS_MOUNT)) {
		if (sbx->nwritable || sbx->nhidden || sbx->nnofollow ||
		    sbx->private_tmp)
			return rg_err_set(err, "", 0, 0, "writable, hidden, "
			    "nofollow and private_tmp need a mount namespace");
		return 0;
	}
	if (sbx->nwritable > MAX_WRITABLE)
		return rg_err_set(err, "", 0, 0, "more than %d writable paths",
		    MAX_WRITABLE);
	for (size_t i = 0; i < sbx->nwritable; i++) {
		if (sbx->writable[i][0] != '/')
			return rg_err_set(err, sbx->writable[i], 0, 0,
			    "writable path is not absolute");
		if (stat(sbx->writable[i], &st) < 0)
			return rg_err_set(err, sbx->writable[i], 0, errno,
			    "unable to stat writable path");
	}
	for (size_t i = 0; i < sbx->nhidden; i++)
		if (sbx->hidden[i][0] != '/')
			return rg_err_set(err, sbx->hidden[i], 0, 0,
			    "hidden path is not absolute");
	for (size_t i = 0; i < sbx->nnofollow; i++)
		if (sbx->nofollow[i][0] != '/')
			return rg_err_set(err, sbx->nofollow[i], 0, 0,
			    "nofollow path is not absolute");
	return 0;
}

/* Child only (between clone3 and exec): no gcov counters; doc/quality.md. */
/* GCOVR_EXCL_START */
/* Invariants 4 and 8: the path does not resolve to anything. */
static bool
unresolved(int e)
{
	return e == ENOENT || e == ENOTDIR || e == ELOOP;
}

/* Invariant 4: the first mask of each kind placed, [1] a directory's,
 * [0] a file's; the later ones are its clones. */
static int mask_tmpl[2] = { -1, -1 };

/* Invariant 4: the mask for st, built detached: an empty read-only
 * tmpfs for a directory, else a read-only clone of the new /dev/null
 * (dev.c; nodev cleared: it must read as empty, not EACCES). Once one
 * of its kind is placed, a clone of that one: a bind mount copies the
 * attributes, and all directory masks share one empty tmpfs (a new
 * superblock each cost more to make and to tear down). It is read-only
 * like every mask. With the parent's templates (invariant 10), a clone
 * of theirs. */
static int
mask_tree(const struct stat *st, const struct sbx_prepared *prep)
{
	int mnt, e;

	if (S_ISDIR(st->st_mode) && prep->tmpl_dir >= 0)
		return open_tree(prep->tmpl_dir, "", OPEN_TREE_CLONE |
		    OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (!S_ISDIR(st->st_mode) && prep->tmpl_dev >= 0)
		return open_tree(prep->tmpl_dev, "null", OPEN_TREE_CLONE |
		    OPEN_TREE_CLOEXEC);
	if (mask_tmpl[S_ISDIR(st->st_mode)] >= 0)
		return open_tree(mask_tmpl[S_ISDIR(st->st_mode)], "",
		    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (!S_ISDIR(st->st_mode)) {
		mnt = open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE |
		    OPEN_TREE_CLOEXEC);
		if (mnt >= 0 && sbx_setattr_at(mnt, "", AT_EMPTY_PATH,
		    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
		    MOUNT_ATTR_NODEV) < 0) {
			e = errno;
			close(mnt);
			errno = e;
			return -1;
		}
		return mnt;
	}
	return sbx_mask_dir_tree();
}

/* Invariant 4: the path is resolved once (open, following links) and
 * the mask is moved onto what was opened, so its type is the mask's.
 * The host may replace the file meanwhile (useradd renames a new
 * /etc/shadow over the old one): the mount point is then unlinked and
 * the move fails with ENOENT. The name now means the new file, or
 * nothing: resolve it again. Bounded: fail closed if it keeps moving. */
#define MASK_TRIES 16

static int
mask_path(const char *path, const struct sbx_prepared *prep)
{
	struct stat st;
	int fd, mnt = -1, rc, e;
	bool dir = false;

	for (int i = 0; i < MASK_TRIES; i++) {
		fd = open(path, O_PATH | O_CLOEXEC);
		if (fd < 0) {
			e = errno;
			if (mnt >= 0)
				close(mnt);
			/* Nothing there, nothing revealed; the tree is
			 * read-only. */
			return unresolved(e) ? 0 : (errno = e, -1);
		}
		rc = fstat(fd, &st);
		/* a mask that failed to move is still detached: reuse it
		 * while the type stays the same, so a retry is only the
		 * open and the move */
		if (rc == 0 && (mnt < 0 || dir != S_ISDIR(st.st_mode))) {
			if (mnt >= 0)
				close(mnt);
			dir = S_ISDIR(st.st_mode);
			mnt = mask_tree(&st, prep);
		}
		if (rc == 0 && mnt >= 0)
			rc = move_mount(mnt, "", fd, "",
			    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
		else
			rc = -1;
		e = errno;
		close(fd);
		if (rc == 0 && mask_tmpl[dir] < 0 && (dir ?
		    prep->tmpl_dir : prep->tmpl_dev) < 0) {
			/* attached now: open_tree clones only what is in
			 * our namespace (a detached mount it refuses). The
			 * fd is CLOEXEC and closed with the rest (fds.c). */
			mask_tmpl[dir] = mnt;
			return 0;
		}
		if (rc == 0 || e != ENOENT) {
			if (mnt >= 0)
				close(mnt);
			errno = e;
			return rc;
		}
	}
	if (mnt >= 0)
		close(mnt);
	errno = ENOENT;
	return -1;
}

/* Invariant 6, before the tmpfs: a detached clone of path's tree. */
static int
clone_tree(const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd, tree, e;

	fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0)
		return -1;
	tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
	    AT_RECURSIVE | AT_EMPTY_PATH);
	e = errno;
	close(fd);
	errno = e;
	return tree;
}

/* Invariant 6, in the new tmpfs: the read-only scaffolding, one bind of
 * /tmp/FIRST per first component (once: an earlier path may share it). */
static int
scaffold(const struct sbx_profile *sbx, size_t i)
{
	const char *path = sbx->writable[i], *slash = strchr(path + 5, '/');
	char top[PATH_MAX];
	size_t n;

	if (slash == NULL)	/* /tmp/FIRST itself: nothing to reach */
		return 0;
	n = (size_t)(slash - path);
	if (n >= sizeof(top)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (size_t j = 0; j < i; j++)
		if (tmp_carried(sbx, j) &&
		    strncmp(sbx->writable[j], path, n + 1) == 0)
			return 0;
	memcpy(top, path, n);
	top[n] = '\0';
	if (mkdir(top, 0755) < 0 && errno != EEXIST)
		return -1;
	return mount(top, top, NULL, MS_BIND, NULL);
}

/* Invariant 6, in the new tmpfs: mkdir -p (0755) of path's parents,
 * then a directory or an empty file matching the clone, then move the
 * clone there. Nobody else can reach the tmpfs yet: no race. */
static int
place_tree(const char *path, int tree)
{
	char buf[PATH_MAX];
	struct stat st;
	size_t len = strlen(path);
	int fd;

	if (len >= sizeof(buf) || fstat(tree, &st) < 0) {
		errno = len >= sizeof(buf) ? ENAMETOOLONG : errno;
		return -1;
	}
	memcpy(buf, path, len + 1);
	for (char *p = buf + 5; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (S_ISDIR(st.st_mode)) {
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		    0644);
		if (fd < 0)
			return -1;
		close(fd);
	}
	return move_mount(tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH);
}

static void
close_trees(int *trees, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (trees[i] >= 0)
			close(trees[i]);
}

/* Invariant 7: nothing of the host's /tmp is there to hide. */
static bool
hidden_moot(const struct sbx_profile *sbx, const char *path)
{
	size_t n;

	if (!sbx->private_tmp || !under_tmp(path))
		return false;
	for (size_t i = 0; i < sbx->nwritable; i++) {
		n = strlen(sbx->writable[i]);
		if (tmp_carried(sbx, i) &&
		    strncmp(path, sbx->writable[i], n) == 0 &&
		    (path[n] == '/' || path[n] == '\0'))
			return false;
	}
	return true;
}

/* Invariant 8: path's tree, cloned with its flags, made nosymfollow
 * while detached, mounted back over the directory that was opened. */
static int
nofollow_path(const char *path)
{
	int dir, tree = -1, rc = -1, e;

	dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return unresolved(errno) ? 0 : -1;
	tree = open_tree(dir, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
	    AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree >= 0 && sbx_setattr_at(tree, "", AT_EMPTY_PATH | AT_RECURSIVE,
	    MOUNT_ATTR_NOSYMFOLLOW, 0) == 0)
		rc = move_mount(tree, "", dir, "", MOVE_MOUNT_F_EMPTY_PATH |
		    MOVE_MOUNT_T_EMPTY_PATH);
	e = errno;
	if (tree >= 0)
		close(tree);
	close(dir);
	errno = e;
	return rc;
}

/* Private /tmp with the carried writable paths (invariant 6). */
static int
private_tmp(const struct sbx_profile *sbx)
{
	int trees[MAX_WRITABLE], e;
	size_t n = sbx->nwritable;

	for (size_t i = 0; i < n; i++)
		trees[i] = -1;	/* all: the failure path closes all n */
	for (size_t i = 0; i < n; i++) {
		if (tmp_carried(sbx, i) &&
		    (trees[i] = clone_tree(sbx->writable[i])) < 0)
			goto fail;
	}
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
	    "mode=1777") < 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (trees[i] >= 0 && (scaffold(sbx, i) < 0 ||
		    place_tree(sbx->writable[i], trees[i]) < 0))
			goto fail;
	close_trees(trees, n);
	return 0;
fail:
	e = errno;
	close_trees(trees, n);
	errno = e;
	return -1;
}

int
sbx_mount_apply(const struct sbx_profile *sbx,
    const struct sbx_prepared *prep)
{
	uint64_t ro_before = 0;
	struct statvfs vfs;

	if (!sbx->enabled || !(sbx->ns & SBX_NS_MOUNT))
		return 0;
	if (sbx->nwritable > MAX_WRITABLE) {
		errno = E2BIG;	/* sbx_mount_check refuses it first */
		return -1;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;	/* 1 */
	/* Read-only on the host: never widened (3); measured before the
	 * private /tmp covers the paths beneath it. */
	for (size_t i = 0; i < sbx->nwritable; i++) {
		if (statvfs(sbx->writable[i], &vfs) < 0)
			return -1;
		if (vfs.f_flag & ST_RDONLY)
			ro_before |= UINT64_C(1) << i;
	}
	if (sbx->private_tmp && private_tmp(sbx) < 0)
		return -1;	/* 6 */
	for (size_t i = 0; i < sbx->nwritable; i++)
		if (!tmp_carried(sbx, i) && mount(sbx->writable[i],
		    sbx->writable[i], NULL, MS_BIND | MS_REC, NULL) < 0)
			return -1;	/* 3; carried ones are mounts already */
	if (setattr("/", AT_RECURSIVE, MOUNT_ATTR_RDONLY |
	    (sbx->host_devices ? 0 : MOUNT_ATTR_NODEV), 0) < 0)
		return -1;	/* 2; ENOSYS before Linux 5.12: fail closed */
	if (sbx->private_tmp && setattr("/tmp", 0, 0, MOUNT_ATTR_RDONLY) < 0)
		return -1;
	for (size_t i = 0; i < sbx->nwritable; i++)
		if (!(ro_before & (UINT64_C(1) << i)) &&
		    setattr(sbx->writable[i], 0, 0, MOUNT_ATTR_RDONLY) < 0)
			return -1;
	for (size_t i = 0; i < sbx->nnofollow; i++)
		if (nofollow_path(sbx->nofollow[i]) < 0)
			return -1;	/* 8 */
	if (!sbx->host_devices && sbx_dev_apply(prep->tmpl_dev) < 0)
		return -1;	/* 2, dev.c */
	for (size_t i = 0; i < sbx->nhidden; i++)
		if (!hidden_moot(sbx, sbx->hidden[i]) &&
		    mask_path(sbx->hidden[i], prep) < 0)
			return -1;	/* 4, 7 */
	if ((sbx->ns & SBX_NS_PID) && mount("proc", "/proc", "proc",
	    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -1;	/* 5 */
	return 0;
}
/* GCOVR_EXCL_STOP */
