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
 *    by hand (statvfs) for each mount.
 * 3. Writable paths are bound onto themselves BEFORE the tree is made
 *    read-only, so each is a mount of its own whose read-only bit can be
 *    cleared again without touching anything around it. Only that one
 *    mount is cleared (not AT_RECURSIVE): a separate filesystem mounted
 *    below a writable path stays read-only, and a path whose mount was
 *    already read-only on the host stays read-only (never widened).
 * 4. Hidden paths are masked after that, on top of everything: an empty
 *    read-only tmpfs over a directory, /dev/null (read-only) over a file.
 * 5. A new pid namespace gets a fresh, read-only /proc, so the command
 *    sees only its own processes and cannot write the host's sysctls
 *    (uid 0 may write /proc/sys without any capability).
 * Any failure fails the run: a half-read-only tree is never executed in.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diag.h"
#include "policy.h"
#include "sbx_steps.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

#define MAX_WRITABLE 64		/* ro_before is a uint64_t */

static int
setattr(const char *path, unsigned flags, uint64_t set, uint64_t clr)
{
	struct mount_attr a = { .attr_set = set, .attr_clr = clr };

	return (int)syscall(SYS_mount_setattr, AT_FDCWD, path, flags, &a,
	    sizeof(a));
}

int
sbx_mount_check(const struct sbx_profile *sbx, struct rg_err *err)
{
	struct stat st;

	if (!sbx->enabled)
		return 0;
	if (!(sbx->ns & SBX_NS_MOUNT)) {
		if (sbx->nwritable || sbx->nhidden || sbx->private_tmp)
			return rg_err_set(err, "", 0, 0, "writable, hidden and "
			    "private_tmp need a mount namespace");
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
	return 0;
}

static int
mask_path(const char *path)
{
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	struct stat st;

	if (lstat(path, &st) < 0)
		/* Nothing there, nothing revealed; the tree is read-only. */
		return errno == ENOENT ? 0 : -1;
	if (S_ISDIR(st.st_mode))
		return mount("tmpfs", path, "tmpfs", ro, "mode=000,size=4k");
	if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0)
		return -1;
	/* Not MS_NODEV here: the file must read as empty, not EACCES. */
	return mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY |
	    MS_NOSUID | MS_NOEXEC, NULL);
}

int
sbx_mount_apply(const struct sbx_profile *sbx)
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
	/* /tmp before the binds: a writable path under /tmp then fails
	 * (ENOENT) instead of being silently hidden by the new tmpfs. */
	if (sbx->private_tmp && mount("tmpfs", "/tmp", "tmpfs",
	    MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		return -1;
	for (size_t i = 0; i < sbx->nwritable && i < MAX_WRITABLE; i++) {
		if (statvfs(sbx->writable[i], &vfs) < 0)
			return -1;
		if (vfs.f_flag & ST_RDONLY)
			ro_before |= UINT64_C(1) << i;
		if (mount(sbx->writable[i], sbx->writable[i], NULL,
		    MS_BIND | MS_REC, NULL) < 0)
			return -1;	/* 3 */
	}
	if (setattr("/", AT_RECURSIVE, MOUNT_ATTR_RDONLY, 0) < 0)
		return -1;	/* 2; ENOSYS before Linux 5.12: fail closed */
	if (sbx->private_tmp && setattr("/tmp", 0, 0, MOUNT_ATTR_RDONLY) < 0)
		return -1;
	for (size_t i = 0; i < sbx->nwritable && i < MAX_WRITABLE; i++)
		if (!(ro_before & (UINT64_C(1) << i)) &&
		    setattr(sbx->writable[i], 0, 0, MOUNT_ATTR_RDONLY) < 0)
			return -1;
	for (size_t i = 0; i < sbx->nhidden; i++)
		if (mask_path(sbx->hidden[i]) < 0)
			return -1;	/* 4 */
	if ((sbx->ns & SBX_NS_PID) && mount("proc", "/proc", "proc",
	    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -1;	/* 5 */
	return 0;
}
