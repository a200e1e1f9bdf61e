/* SPDX-License-Identifier: ISC */
/*
 * filesafe.h - who may have written the files rootgate trusts. A filter
 * file, its directory and every directory above them must be owned by root
 * and not writable by group or others (a directory writable by others is
 * acceptable only with the sticky bit, root-owned, as /tmp). Filter files
 * are never followed through a symlink. The same holds for an executable
 * named by a rule, after its symlinks are resolved.
 *
 * UNPRIVILEGED: only open/fstat/lstat.
 */
#ifndef ROOTGATE_FILESAFE_H
#define ROOTGATE_FILESAFE_H

#include <stdio.h>

struct rg_err;

/*
 * Open a filter or configuration file for reading: refuses a symlink
 * (O_NOFOLLOW), anything but a regular file, an owner other than root, and
 * group/other write permission, all checked on the open descriptor. Also
 * checks the directories above it. Returns a stream, or NULL with *err.
 */
FILE *filesafe_open(const char *path, struct rg_err *err);

/* Check a configuration directory and the directories above it. */
int filesafe_check_dir(const char *path, struct rg_err *err);

/* Around one policy load: a directory whose chain passed is not walked
 * again until filesafe_memo_end (by then nobody but root could have
 * changed it). Not nested; end also frees what was remembered. */
void filesafe_memo_begin(void);
void filesafe_memo_end(void);

/*
 * Check an executable named by a rule: `path` is absolute; resolve it to
 * `real` (PATH_MAX bytes); it must exist, be a regular executable file
 * owned by root, not writable by group or others, in directories that pass
 * filesafe_check_dir's test. Returns 0, -1 with *err (err->errnum ENOENT
 * when it does not exist).
 */
int filesafe_check_exec(const char *path, char *real, struct rg_err *err);

#endif
