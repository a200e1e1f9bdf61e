/* SPDX-License-Identifier: ISC */
/*
 * pathcanon.c - path syntax, resolution and the "beneath" test.
 *
 * Invariants:
 * 1. A path is compared only after the kernel's own resolution
 *    (realpath(3)), never as written: symlinks and "//" cannot make a path
 *    look beneath a prefix it is not beneath.
 * 2. "beneath" is decided component by component, never by a string
 *    prefix: /base_evil is not beneath /base.
 * 3. ".." is refused before any resolution, so a rule cannot be escaped
 *    through a directory the caller can make a symlink of.
 * 4. Only the last component of a new path may be missing, and it must not
 *    exist at all: a dangling symlink there would let the tool create its
 *    target anywhere.
 * 5. Every result that is not PC_OK is a denial; when unsure, fail closed.
 * 6. No /proc magic link in the resolution: /proc/self/cwd/x resolves
 *    through rootgate's cwd (the caller's) but the command, whose cwd is
 *    the rule's, would open another file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/openat2.h>

#include "pathcanon.h"

/* One component of a path, as a pointer into it and a length. */
struct comp {
	const char *s;
	size_t len;
};

static bool
is_ctl(unsigned char c)
{
	return (c >= 0x01 && c <= 0x1f) || c == 0x7f;
}

/*
 * Length of the valid UTF-8 sequence at p (Unicode 15, table 3-7), or 0
 * if it is not one: overlongs, surrogates, code points past U+10FFFF and
 * truncated sequences are all refused.
 */
static size_t
utf8_seqlen(const unsigned char *p)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	/* A NUL terminator fails this test, so we never read past it. */
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/*
 * Check the bytes: control characters (C0, DEL and the C1 range
 * U+0080..U+009F, whose CSI can drive a terminal showing an audit log)
 * and UTF-8 validity.
 */
static enum pc_result
check_bytes(const char *path)
{
	const unsigned char *p = (const unsigned char *)path;

	while (*p != '\0') {
		size_t n;

		if (is_ctl(*p))
			return PC_BADBYTE;
		if ((n = utf8_seqlen(p)) == 0)
			return PC_BADUTF8;
		if (n == 2 && p[0] == 0xc2 && p[1] <= 0x9f)
			return PC_BADBYTE;
		p += n;
	}
	return PC_OK;
}

/*
 * Next component of the path at *pp, skipping empty ones (from "//") and
 * ".". Returns false at the end of the path.
 */
static bool
next_comp(const char **pp, struct comp *c)
{
	const char *p = *pp;

	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0') {
			*pp = p;
			return false;
		}
		c->s = p;
		c->len = strcspn(p, "/");
		p += c->len;
		if (!(c->len == 1 && c->s[0] == '.'))
			break;
	}
	*pp = p;
	return true;
}

static bool
is_dotdot(const struct comp *c)
{
	return c->len == 2 && c->s[0] == '.' && c->s[1] == '.';
}

static enum pc_result
errno_result(int e)
{
	switch (e) {
	case ENOENT:
		return PC_NOENT;
	case ENOTDIR:
		return PC_NOTDIR;
	case ELOOP:
		return PC_LOOP;
	case EACCES:
		return PC_ACCESS;
	case ENAMETOOLONG:
		return PC_TOOLONG;
	default:
		return PC_IO;
	}
}

static enum pc_result
copy_out(const char *s, char *out, size_t outlen)
{
	size_t n = strlen(s);

	if (n >= outlen)
		return PC_TOOLONG;
	memcpy(out, s, n + 1);
	return PC_OK;
}

const char *
pathcanon_strerror(enum pc_result r)
{
	switch (r) {
	case PC_OK:
		return "ok";
	case PC_EMPTY:
		return "is empty";
	case PC_RELATIVE:
		return "is not an absolute path";
	case PC_TOOLONG:
		return "is too long";
	case PC_DOTDOT:
		return "contains a '..' component";
	case PC_BADBYTE:
		return "contains a control character";
	case PC_BADUTF8:
		return "is not valid UTF-8";
	case PC_NOENT:
		return "does not exist";
	case PC_NOPARENT:
		return "has no existing parent directory";
	case PC_DANGLING:
		return "is a dangling symbolic link";
	case PC_NOTDIR:
		return "has a component that is not a directory";
	case PC_LOOP:
		return "has too many levels of symbolic links";
	case PC_ACCESS:
		return "cannot be resolved: permission denied";
	case PC_IO:
		return "cannot be resolved";
	case PC_MAGIC:
		return "passes through a /proc magic link (cwd, root or fd of "
		    "a process)";
	}
	return "is not an acceptable path";
}

enum pc_result
pathcanon_check_syntax(const char *path)
{
	struct comp c;
	const char *p;
	enum pc_result r;

	if (path == NULL || *path == '\0')
		return PC_EMPTY;
	if (*path != '/')
		return PC_RELATIVE;
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return PC_TOOLONG;
	if ((r = check_bytes(path)) != PC_OK)
		return r;
	for (p = path; next_comp(&p, &c); ) {
		if (c.len > NAME_MAX)
			return PC_TOOLONG;
		if (is_dotdot(&c))
			return PC_DOTDOT;
	}
	return PC_OK;
}

enum pc_result
pathcanon_lexical(const char *path, char *out, size_t outlen)
{
	struct comp c;
	const char *p;
	size_t n = 0;
	enum pc_result r;

	if (out == NULL || outlen == 0)
		return PC_TOOLONG;
	out[0] = '\0';
	if ((r = pathcanon_check_syntax(path)) != PC_OK)
		return r;
	for (p = path; next_comp(&p, &c); ) {
		if (n + 1 + c.len >= outlen) {
			out[0] = '\0';
			return PC_TOOLONG;
		}
		out[n++] = '/';
		memcpy(out + n, c.s, c.len);
		n += c.len;
	}
	if (n == 0) {
		if (outlen < 2)
			return PC_TOOLONG;
		out[n++] = '/';
	}
	out[n] = '\0';
	return PC_OK;
}

int
pathcanon_walk_links(const char *path,
    int (*fn)(const char *link, const char *dir, const char *target,
    void *arg), void *arg)
{
	char cur[PATH_MAX], next[PATH_MAX], tgt[PATH_MAX], dir[PATH_MAX];
	struct stat st;
	ssize_t k;
	int rc;

	if (strlcpy(cur, path, sizeof(cur)) >= sizeof(cur))
		return errno = ENAMETOOLONG, -1;
	for (int hops = 0; hops <= 40; hops++) {
		size_t i, n = strlen(cur);
		bool link = false;

		for (i = 1; i <= n && !link; i++) {
			char c = cur[i];
			const char *slash;

			if (c != '/' && c != '\0')
				continue;
			cur[i] = '\0';
			if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode)) {
				cur[i] = c;
				continue;
			}
			link = true;
			slash = strrchr(cur, '/');
			if (slash == cur)
				strlcpy(dir, "/", sizeof(dir));
			else
				strlcpy(dir, cur, (size_t)(slash - cur) + 1);
			if ((k = readlink(cur, tgt, sizeof(tgt) - 1)) < 0)
				return -1;
			tgt[k] = '\0';
			if ((rc = fn(cur, dir, tgt, arg)) != 0)
				return rc;
			cur[i] = c;
			if ((size_t)snprintf(next, sizeof(next), "%s%s%s",
			    tgt[0] == '/' ? "" : dir, tgt[0] == '/' ? "" : "/",
			    tgt) >= sizeof(next) ||
			    strlcat(next, cur + i, sizeof(next)) >= sizeof(next))
				return errno = ENAMETOOLONG, -1;
			memcpy(cur, next, sizeof(cur));
		}
		if (!link)
			return 0;
	}
	return errno = ELOOP, -1;
}

/*
 * Without openat2 (a kernel before 5.6, or a container's seccomp profile
 * that answers ENOSYS): a magic link is a symbolic link on procfs whose
 * content is not a relative path - "/var/tmp" for cwd, "pipe:[12]" for a
 * descriptor. procfs's ordinary links (self, thread-self, mounts, net)
 * hold relative paths.
 */
static int
magic_link(const char *link, const char *dir, const char *target, void *arg)
{
	struct statfs sf;

	(void)link;
	(void)arg;
	if (statfs(dir, &sf) < 0)
		return -1;
	if (sf.f_type == PROC_SUPER_MAGIC &&
	    (target[0] == '/' || strchr(target, ':') != NULL))
		return 1;
	return 0;
}

/*
 * Resolve path (which realpath(3) just resolved) again with the kernel's
 * RESOLVE_NO_MAGICLINKS: ELOOP then means a magic link on the way (a loop
 * of ordinary links would have failed realpath already). Any other
 * failure fails closed.
 */
static enum pc_result
check_no_magic(const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_NO_MAGICLINKS,
	};
	int fd, rc;

	fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd >= 0) {
		close(fd);
		return PC_OK;
	}
	if (errno == ELOOP)
		return PC_MAGIC;
	if (errno != ENOSYS)
		return errno_result(errno);
	rc = pathcanon_walk_links(path, magic_link, NULL);
	return rc == 0 ? PC_OK : rc > 0 ? PC_MAGIC : errno_result(errno);
}

/*
 * The path does not exist: resolve a new last component under an existing
 * parent. tmp is a PATH_MAX-byte work buffer.
 */
static enum pc_result
resolve_new(const char *path, bool allow_new, char *out, size_t outlen,
    char *tmp)
{
	struct stat st;
	char *slash, *last, *parent;
	size_t len, lastlen;
	enum pc_result r;

	/* Drop trailing slashes: lstat("link/") would follow the link. */
	len = strlen(path);
	memcpy(tmp, path, len + 1);
	while (len > 1 && tmp[len - 1] == '/')
		tmp[--len] = '\0';
	if (lstat(tmp, &st) == 0)
		return PC_DANGLING;
	if (errno != ENOENT)
		return errno_result(errno);
	if (!allow_new)
		return PC_NOENT;

	slash = strrchr(tmp, '/');
	last = slash + 1;
	/* "/x/missing/." names the missing directory, not a new entry. */
	if (*last == '\0' || strcmp(last, ".") == 0)
		return PC_NOENT;
	if (slash == tmp) {
		parent = realpath("/", NULL);
	} else {
		*slash = '\0';
		parent = realpath(tmp, NULL);
	}
	if (parent == NULL)
		return errno == ENOENT ? PC_NOPARENT : errno_result(errno);
	if (slash != tmp && (r = check_no_magic(tmp)) != PC_OK) {
		free(parent);
		return r;
	}

	len = strlen(parent);
	if (len == 1)
		len = 0;	/* parent is "/": do not write "//x" */
	lastlen = strlen(last);
	if (len + 1 + lastlen >= outlen) {
		r = PC_TOOLONG;
	} else {
		memcpy(out, parent, len);
		out[len] = '/';
		memcpy(out + len + 1, last, lastlen + 1);
		r = PC_OK;
	}
	free(parent);
	return r;
}

enum pc_result
pathcanon_resolve(const char *path, bool allow_new, char *out,
    size_t outlen, bool *exists)
{
	char tmp[PATH_MAX];
	char *real;
	enum pc_result r;

	if (exists != NULL)
		*exists = false;
	if (out == NULL || outlen == 0)
		return PC_TOOLONG;
	out[0] = '\0';
	if ((r = pathcanon_check_syntax(path)) != PC_OK)
		return r;

	if ((real = realpath(path, NULL)) != NULL) {
		r = copy_out(real, out, outlen);
		free(real);
		if (r == PC_OK)
			r = check_no_magic(path);
		if (r != PC_OK) {
			out[0] = '\0';
			return r;
		}
		if (r == PC_OK && exists != NULL)
			*exists = true;
		return r;
	}
	if (errno != ENOENT)
		return errno_result(errno);
	/* check_syntax bounded path below PATH_MAX bytes. */
	r = resolve_new(path, allow_new, out, outlen, tmp);
	if (r != PC_OK)
		out[0] = '\0';
	return r;
}

bool
pathcanon_beneath(const char *path, const char *prefix, bool allow_equal)
{
	struct comp pc, xc;
	const char *p = path, *x = prefix;
	bool phas, xhas;

	/* Only canonical absolute paths are meaningful here: fail closed. */
	if (path == NULL || prefix == NULL || *path != '/' || *prefix != '/')
		return false;
	for (;;) {
		xhas = next_comp(&x, &xc);
		phas = next_comp(&p, &pc);
		if ((xhas && is_dotdot(&xc)) || (phas && is_dotdot(&pc)))
			return false;
		if (!xhas) {
			if (!phas)
				return allow_equal;
			/* Refuse ".." anywhere in the rest of the path too. */
			do {
				if (is_dotdot(&pc))
					return false;
			} while (next_comp(&p, &pc));
			return true;
		}
		if (!phas)
			return false;
		if (pc.len != xc.len || memcmp(pc.s, xc.s, pc.len) != 0)
			return false;
	}
}
