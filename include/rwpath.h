/* SPDX-License-Identifier: ISC */
/*
 * rwpath.h - Python's os.path.realpath (3.11, strict=False), which
 * oslo.rootwrap's PathFilter applies to its arguments: every existing
 * symlink followed, ".", ".." and "//" normalised, a relative path taken
 * from the cwd, missing tails kept, a symlink loop left unresolved
 * rather than an error. Reproduced so the path a PathFilter allows, and
 * the path the command receives, are the ones oslo.rootwrap computes.
 *
 * UNPRIVILEGED; the only I/O is lstat, readlink and getcwd.
 */
#ifndef ROOTGATE_RWPATH_H
#define ROOTGATE_RWPATH_H

#include <stddef.h>

/*
 * Write realpath(path) to out (outlen bytes). Returns 0; or -1 when the
 * result does not fit, a link cannot be read, or the search grows past
 * its bound (256 links): callers treat that as "no match". A cwd that no
 * longer exists gives "" (oslo.rootwrap's own fallback), with 0.
 */
int rwpath_realpath(const char *path, char *out, size_t outlen);

#endif
