/* SPDX-License-Identifier: ISC */
/*
 * execfd.h - open the executable once, verify it on the descriptor, and
 * execute that descriptor: what was checked is what runs.
 *
 * PRIVILEGED module (root).
 */
#ifndef ROOTGATE_EXECFD_H
#define ROOTGATE_EXECFD_H

struct rg_err;

/*
 * Open path and check, on the fd: a regular file, owned by root, not
 * writable by group or others, executable by someone. Returns the fd
 * (O_CLOEXEC, except for a #! script: see execfd.c), or -1 with *err
 * set; *missing is 1 when the file does not exist, 2 when it fails the
 * checks (both mean status 96: vanished or changed), else 0.
 */
int execfd_open(const char *path, int *missing, struct rg_err *err);

/* execveat(fd, "", argv, envp, AT_EMPTY_PATH). Returns only on error. */
int execfd_exec(int fd, char *const *argv, char *const *envp);

#endif
