/* SPDX-License-Identifier: ISC */
/*
 * dev.c - the minimal /dev of a sandbox without host_devices.
 *
 * Why: uid 0 without capabilities still owns every root-owned device
 * node (DAC), and a read-only mount does not stop writes to a device. A
 * command whose path argument was swapped for a link to /dev/sda would
 * write the host's disk. So the command sees no such node anywhere:
 *
 * Invariants (called by sbx_mount_apply, after the read-only pass that
 * also set nodev on every mount of the namespace, mount.c invariant 2):
 * 1. /dev is a new tmpfs, root-owned 0755, nosuid, nodev, noexec, and
 *    read-only once populated: the command can create nothing there.
 * 2. It holds exactly null, zero, full, random, urandom and tty, each
 *    the host's node bind-mounted onto an empty file: the only mounts
 *    of the namespace without nodev, each read-only (no chmod, chown or
 *    timestamps of the host's inode), nosuid, noexec. The clone is taken
 *    with AT_SYMLINK_NOFOLLOW and must be a character device, and its
 *    flags are set while it is still detached, so it is never visible
 *    with the host's flags.
 * 3. And the links fd, stdin, stdout, stderr into /proc/self/fd (the
 *    namespace's /proc: the command's own descriptors).
 * 4. No devpts and no ptmx: the commands rootgate runs take their
 *    streams as descriptors and need no terminal; /dev/tty is there
 *    for programs that probe it and get ENXIO (no controlling terminal
 *    after setsid). No /dev/shm, /dev/mqueue or /dev/log either. A rule
 *    that needs any of them (a pty, LVM, cryptsetup, losetup) says
 *    `devices = host`.
 * Any failure fails the run (mount.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sbx_steps.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

static const char *const nodes[] = {
	"null", "zero", "full", "random", "urandom", "tty",
};
#define NNODES (sizeof(nodes) / sizeof(nodes[0]))

static const struct {
	const char *name, *target;
} links[] = {
	{ "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
};

/* Invariant 2: a detached bind of the host's /dev/NAME, flags set. */
static int
clone_node(int hostdev, const char *name)
{
	struct stat st;
	int tree, e;

	tree = open_tree(hostdev, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
	    AT_SYMLINK_NOFOLLOW);
	if (tree < 0)
		return -1;
	if (fstat(tree, &st) < 0)
		goto fail;
	if (!S_ISCHR(st.st_mode)) {
		errno = ENODEV;
		goto fail;
	}
	if (sbx_setattr_at(tree, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY |
	    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, MOUNT_ATTR_NODEV) < 0)
		goto fail;
	return tree;
fail:
	e = errno;
	close(tree);
	errno = e;
	return -1;
}

static void
close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Invariants 1-3, in the new tmpfs (nobody else can reach it yet). */
static int
populate(const int *trees)
{
	int dev, e, rc = -1;

	dev = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dev < 0)
		return -1;
	for (size_t i = 0; i < NNODES; i++)
		if (mknodat(dev, nodes[i], S_IFREG | 0644, 0) < 0 ||
		    move_mount(trees[i], "", dev, nodes[i],
		    MOVE_MOUNT_F_EMPTY_PATH) < 0)
			goto out;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i].target, dev, links[i].name) < 0)
			goto out;
	rc = sbx_setattr_at(dev, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY, 0);
out:
	e = errno;
	close(dev);
	errno = e;
	return rc;
}

int
sbx_dev_apply(void)
{
	int trees[NNODES], hostdev, e, rc = -1;
	size_t n = 0;

	hostdev = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (hostdev < 0)
		return -1;
	for (; n < NNODES; n++)
		if ((trees[n] = clone_node(hostdev, nodes[n])) < 0)
			goto out;
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    "mode=0755,size=16k,nr_inodes=32") < 0)
		goto out;
	rc = populate(trees);
out:
	e = errno;
	close_all(trees, n);
	close(hostdev);
	errno = e;
	return rc;
}
