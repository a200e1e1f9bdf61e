/* SPDX-License-Identifier: ISC */
/*
 * execfd.c - open and verify the executable, then execute the descriptor.
 *
 * Invariants:
 * 1. The path is opened exactly once; every check is made on that fd
 *    (fstat), and the same fd is executed with execveat(AT_EMPTY_PATH).
 *    A file renamed over the path after the open is never run.
 * 2. The file is regular, owned by uid 0, not writable by group or
 *    others, and has an execute bit: nobody but root could have changed
 *    its contents since the policy was written.
 * 3. The fd is O_CLOEXEC, so the command never inherits it - except for
 *    a "#!" script: the kernel hands the interpreter /dev/fd/N, which an
 *    O_CLOEXEC fd would have closed (execveat fails with ENOENT). A
 *    script therefore inherits exactly one extra fd: itself, read-only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diag.h"
#include "execfd.h"

static int
check_stat(const struct stat *st, const char *path, struct rg_err *err)
{
	if (!S_ISREG(st->st_mode))
		return rg_err_set(err, path, 0, 0, "not a regular file");
	if (st->st_uid != 0)
		return rg_err_set(err, path, 0, 0, "not owned by root");
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return rg_err_set(err, path, 0, 0,
		    "writable by group or others");
	if ((st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0)
		return rg_err_set(err, path, 0, 0, "not executable");
	return 0;
}

int
execfd_open(const char *path, int *missing, struct rg_err *err)
{
	struct stat st;
	char magic[2];
	ssize_t n;
	int fd, e;

	*missing = 0;
	if (path == NULL || path[0] != '/')
		return rg_err_set(err, "", 0, 0,
		    "executable path is not absolute");
	/* O_RDONLY, not O_PATH: we read the first two bytes (invariant 3).
	 * O_NONBLOCK so that a FIFO put in its place cannot block us. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ENOENT || e == ENOTDIR)
			*missing = 1;
		return rg_err_set(err, path, 0, e,
		    "unable to open executable");
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		return rg_err_set(err, path, 0, e, "unable to stat executable");
	}
	if (check_stat(&st, path, err) < 0) {
		*missing = 2;	/* changed since the policy was checked */
		close(fd);
		return -1;
	}
	n = pread(fd, magic, sizeof(magic), 0);
	if (n == 2 && magic[0] == '#' && magic[1] == '!') {
		/* Invariant 3: the interpreter opens /dev/fd/N. */
		if (fcntl(fd, F_SETFD, 0) < 0) {
			e = errno;
			close(fd);
			return rg_err_set(err, path, 0, e,
			    "unable to clear close-on-exec");
		}
	}
	return fd;
}

/* Child only (between clone3 and exec): no gcov counters; doc/quality.md. */
/* GCOVR_EXCL_START */
int
execfd_exec(int fd, char *const *argv, char *const *envp)
{
	/* Raw syscall: the glibc wrapper exists only since 2.34. */
	return (int)syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
}
/* GCOVR_EXCL_STOP */
