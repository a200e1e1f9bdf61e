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
 * 1. /dev is a new tmpfs, root-owned 0755, nosuid, noexec, and
 *    read-only once populated: the command can create nothing there. It
 *    is the one mount of the namespace without nodev.
 * 2. It holds exactly null, zero, full, random, urandom and tty, made
 *    by mknod with the numbers the kernel fixes for them (its
 *    devices.txt: 1:3, 1:5, 1:7, 1:8, 1:9, 5:0), mode 0666, owned by
 *    root - never copied from the host's /dev, so a host node that was
 *    replaced or re-numbered is not what the command gets. Nodes, not
 *    bind mounts: one mount instead of seven to create and tear down on
 *    every run.
 * 3. And the links fd, stdin, stdout, stderr into /proc/self/fd (the
 *    namespace's /proc: the command's own descriptors).
 * 4. No devpts and no ptmx: the commands rootgate runs take their
 *    streams as descriptors and need no terminal; /dev/tty is there
 *    for programs that probe it and get ENXIO (no controlling terminal
 *    after setsid). No /dev/shm, /dev/mqueue or /dev/log either. A rule
 *    that needs any of them (a pty, LVM, cryptsetup, losetup) says
 *    `devices = host`.
 * 5. A long-lived parent (rootgated) may make the minimal /dev once, as
 *    a detached template (sbx_templates_init, below): the same tmpfs
 *    and content, read-only before anyone can reach it. A run's /dev is
 *    then a clone of that mount (open_tree(OPEN_TREE_CLONE) of its fd,
 *    moved onto /dev), with its attributes: one clone instead of a new
 *    superblock, ten nodes and links and their teardown. All runs of
 *    the daemon share that superblock, read-only; the template's fd is
 *    closed in the child with every other descriptor of the parent's
 *    before anything of the command's runs (fds.c), so no command
 *    holds it. Where the kernel cannot clone a detached mount (before
 *    6.15: EINVAL), there is no template and each run makes its own.
 * Any failure fails the run (mount.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sbx_steps.h"

static const struct {
	const char *name;
	unsigned int major, minor;
} nodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
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

/* Invariants 1-3, in the new tmpfs (nobody else can reach it yet); dev
 * is its root directory, or the template's mount (invariant 5). */
static int
populate(int dev)
{
	mode_t old;
	int e, rc = -1;

	old = umask(0);		/* the modes are exact */
	for (size_t i = 0; i < NNODES; i++)
		if (mknodat(dev, nodes[i].name, S_IFCHR | 0666,
		    makedev(nodes[i].major, nodes[i].minor)) < 0)
			goto out;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i].target, dev, links[i].name) < 0)
			goto out;
	rc = sbx_setattr_at(dev, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY, 0);
out:
	e = errno;
	(void)umask(old);
	errno = e;
	return rc;
}

int
sbx_dev_apply(int tmpl)
{
	int dev, rc, e;

	if (tmpl >= 0) {	/* invariant 5 */
		if ((dev = open_tree(tmpl, "", OPEN_TREE_CLONE |
		    OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)) < 0)
			return -1;
		rc = move_mount(dev, "", AT_FDCWD, "/dev",
		    MOVE_MOUNT_F_EMPTY_PATH);
	} else {
		if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
		    "mode=0755,size=16k,nr_inodes=32") < 0)
			return -1;
		if ((dev = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			return -1;
		rc = populate(dev);
	}
	e = errno;
	close(dev);
	errno = e;
	return rc;
}

/* Invariant 5, in the parent: the same tmpfs as above, detached. */
int
sbx_dev_template(void)
{
	int mnt, e;

	mnt = sbx_tmpfs_tree("0755", "16k", "32", MOUNT_ATTR_NOSUID |
	    MOUNT_ATTR_NOEXEC);
	if (mnt >= 0 && populate(mnt) < 0) {
		e = errno;
		close(mnt);
		errno = e;
		mnt = -1;
	}
	return mnt;
}
