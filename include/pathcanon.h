/* SPDX-License-Identifier: ISC */
/*
 * pathcanon.h - path arguments: syntax checks, resolution of the part that
 * exists, and the component-wise "beneath" test. Never a string prefix
 * comparison (oslo.rootwrap's PathFilter accepts /base_evil for /base).
 *
 * UNPRIVILEGED; the only I/O is lstat/realpath of the path being checked.
 */
#ifndef ROOTGATE_PATHCANON_H
#define ROOTGATE_PATHCANON_H

#include <stdbool.h>
#include <stddef.h>

enum pc_result {
	PC_OK,
	PC_EMPTY,	/* "" */
	PC_RELATIVE,	/* does not start with '/' */
	PC_TOOLONG,	/* PATH_MAX or more bytes, or a component > NAME_MAX */
	PC_DOTDOT,	/* has a ".." component */
	PC_BADBYTE,	/* control character (0x01-0x1f, 0x7f, U+0080-U+009F) */
	PC_BADUTF8,	/* not valid UTF-8 */
	PC_NOENT,	/* does not exist (and may not be new) */
	PC_NOPARENT,	/* new, but its parent does not exist */
	PC_DANGLING,	/* last component is a symlink to nothing */
	PC_NOTDIR,	/* a component that must be a directory is not */
	PC_LOOP,	/* too many symlinks */
	PC_ACCESS,	/* permission denied while resolving */
	PC_IO,		/* any other resolution failure */
	PC_MAGIC,	/* resolved through a /proc magic link (cwd, root, fd) */
};

/* A short phrase for r ("contains a '..' component"). Never NULL. */
const char *pathcanon_strerror(enum pc_result r);

/*
 * Syntax only: absolute, non-empty, shorter than PATH_MAX, no component
 * longer than NAME_MAX bytes, no "..", no control characters, valid UTF-8
 * (no overlong forms, surrogates, code points past U+10FFFF or truncated
 * sequences). "//" and "." components and a trailing "/" are allowed (the
 * kernel ignores them). The C1 controls U+0080..U+009F are refused with the
 * C0 ones: a CSI (U+009B) drives a terminal showing the audit log. NULL is
 * PC_EMPTY.
 */
enum pc_result pathcanon_check_syntax(const char *path);

/*
 * Lexical normalisation of an absolute path written by a policy author
 * (a prefix): collapse "//", drop "." and a trailing "/", refuse "..".
 * Runs pathcanon_check_syntax first. Writes at most outlen bytes including
 * the NUL; PC_TOOLONG if that is not enough. On failure out is "".
 */
enum pc_result pathcanon_lexical(const char *path, char *out, size_t outlen);

/*
 * Follow path's symbolic links one at a time, as the kernel resolves it,
 * and call fn(link, dir, target, arg) for each link met: link is the path
 * by which it was reached (earlier links already replaced), dir the
 * directory holding it, target what it contains. A non-zero return from fn
 * ends the walk with that value. 0 when the walk reaches a component that
 * is not a link all the way to the end (or one that does not exist); -1
 * with errno ELOOP (40 links), ENAMETOOLONG, or readlink's error.
 */
int pathcanon_walk_links(const char *path,
    int (*fn)(const char *link, const char *dir, const char *target,
    void *arg), void *arg);

/*
 * Resolve an argument as the kernel would, following symlinks: the result
 * in out (PATH_MAX bytes) is the canonical path. When the path does not
 * exist and allow_new is true, only its last component may be missing: the
 * parent is resolved, the last component appended, and *exists set false.
 * A trailing "/" on a new path is accepted and dropped; a last component
 * of "." ("/x/missing/.") is PC_NOENT, and a missing parent PC_NOPARENT.
 * A last component that is a dangling symlink is PC_DANGLING with or
 * without allow_new (the tool would create the link's target, anywhere).
 * Runs pathcanon_check_syntax first. On failure out is "" and *exists
 * false; a result that does not fit in outlen bytes is PC_TOOLONG. exists
 * may be NULL. A path whose resolution passes through a /proc magic link
 * (/proc/self/cwd, /proc/PID/root, /proc/self/fd/N, /dev/fd/N) is PC_MAGIC:
 * it names rootgate's cwd or descriptors, not the command's, so what was
 * checked would not be what the command opens.
 * The answer is only as good as the moment it is computed:
 * the sandbox, not this function, stops a later swap of a component.
 */
enum pc_result pathcanon_resolve(const char *path, bool allow_new, char *out,
    size_t outlen, bool *exists);

/*
 * True when canonical `path` is `prefix` itself (only if allow_equal) or
 * lies beneath it, compared component by component: "/a/bc" is not beneath
 * "/a/b". "/" is a prefix of every absolute path. Empty and "."
 * components and a trailing "/" in either are ignored; a ".." in either,
 * a relative path or NULL gives false.
 */
bool pathcanon_beneath(const char *path, const char *prefix, bool allow_equal);

#endif
