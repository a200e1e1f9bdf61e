/* SPDX-License-Identifier: ISC */
/* stdfds.h - standard descriptors at program start. */
#ifndef ROOTGATE_STDFDS_H
#define ROOTGATE_STDFDS_H

/*
 * Open /dev/null on whichever of fds 0, 1 and 2 is closed, so that no file
 * opened later (the executable, a filter file, the audit log, a socket)
 * becomes the command's standard input, output or error, or receives our
 * messages. Call first thing in main. -1 if that fails.
 */
int rg_keep_stdio(void);

#endif
