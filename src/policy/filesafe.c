/* SPDX-License-Identifier: ISC */
/*
 * filesafe.c - only root may have written what rootgate trusts.
 *
 * Invariants:
 * 1. Filter files are opened with O_NOFOLLOW and checked on the open
 *    descriptor (fstat), so the file checked is the file parsed.
 * 2. A file, its directory and every ancestor directory are owned by root
 *    and not writable by group or others; a world-writable ancestor is
 *    acceptable only when it is sticky and root-owned (/tmp), because then
 *    nobody else can rename or replace root's entries in it.
 * 3. Executables are checked after resolving symlinks, on the real file;
 *    every symlink met on the way must itself sit in a directory that
 *    passes (2), or whoever can write that directory could repoint it at
 *    another root-owned program.
 * 4. Between filesafe_memo_begin and filesafe_memo_end (one policy load)
 *    a directory that passed (2) is not walked again: by (2) nobody but
 *    root can have changed it since. Every directory of a chain that
 *    passed is remembered (by its resolved name), so a later chain stops
 *    at the first ancestor it shares with an earlier one (the cache
 *    directory and filters.d below the configuration directory). Outside,
 *    nothing is remembered: a broker's reload checks everything afresh.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "filesafe.h"
#include "pathcanon.h"

static const char *
bad_owner_mode(const struct stat *st, bool dir)
{
	if (st->st_uid != 0)
		return "not owned by root";
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) == 0)
		return NULL;
	if (dir && (st->st_mode & S_ISVTX) != 0)
		return NULL;
	return (st->st_mode & S_IWOTH) ? "writable by others" :
	    "writable by its group";
}

/* Invariant 4: the directories (as named) that passed, this load. */
#define MEMO_MAX 64
static struct {
	bool on;
	size_t n;
	char *dirs[MEMO_MAX];
} memo;

void
filesafe_memo_begin(void)
{
	filesafe_memo_end();
	memo.on = true;
}

void
filesafe_memo_end(void)
{
	for (size_t i = 0; i < memo.n; i++)
		free(memo.dirs[i]);
	memo.n = 0;
	memo.on = false;
}

static bool
memo_has_n(const char *path, size_t len)
{
	for (size_t i = 0; memo.on && i < memo.n; i++)
		if (strncmp(memo.dirs[i], path, len) == 0 &&
		    memo.dirs[i][len] == '\0')
			return true;
	return false;
}

static bool
memo_has(const char *path)
{
	return memo_has_n(path, strlen(path));
}

/* Best effort: a directory not remembered is only checked again. */
static void
memo_addn(const char *path, size_t len)
{
	if (memo.on && memo.n < MEMO_MAX && !memo_has_n(path, len) &&
	    (memo.dirs[memo.n] = strndup(path, len)) != NULL)
		memo.n++;
}

static void
memo_add(const char *path)
{
	memo_addn(path, strlen(path));
}

static int check_chain(const char *path, struct rg_err *err);

/* Check every directory from `path` (a directory) up to "/". */
static int
check_ancestors(const char *path, struct rg_err *err)
{
	if (memo_has(path))
		return 0;
	if (check_chain(path, err) < 0)
		return -1;
	memo_add(path);
	return 0;
}

/* Remember each directory from full (resolved) up to, not including,
 * the one whose name is `len` bytes long: all of them passed. */
static void
memo_chain(const char *full, size_t len)
{
	size_t n = strlen(full);

	while (n > len) {
		memo_addn(full, n);
		if (n == 1)		/* "/" */
			break;
		while (n > 1 && full[n - 1] != '/')
			n--;
		n = n > 1 ? n - 1 : 1;	/* the parent; "/" keeps its slash */
	}
}

static int
check_chain(const char *path, struct rg_err *err)
{
	char buf[PATH_MAX], full[PATH_MAX];
	struct stat st;

	if (realpath(path, buf) == NULL)
		return rg_err_set(err, path, 0, errno, "unable to resolve "
		    "directory");
	strlcpy(full, buf, sizeof(full));
	for (;;) {
		const char *why;
		char *slash;

		if (memo_has(buf))	/* invariant 4: it and all above */
			break;
		if (stat(buf, &st) < 0)
			return rg_err_set(err, buf, 0, errno, "unable to "
			    "examine directory");
		if (!S_ISDIR(st.st_mode))
			return rg_err_set(err, buf, 0, 0, "not a directory");
		if ((why = bad_owner_mode(&st, true)) != NULL)
			return rg_err_set(err, buf, 0, 0, "unsafe directory: %s",
			    why);
		if (strcmp(buf, "/") == 0) {
			buf[0] = '\0';	/* "/" itself is remembered too */
			break;
		}
		slash = strrchr(buf, '/');
		if (slash == buf)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	memo_chain(full, strlen(buf));
	return 0;
}

int
filesafe_check_dir(const char *path, struct rg_err *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return rg_err_set(err, path, 0, errno, "unable to open "
		    "directory");
	if (S_ISLNK(st.st_mode))
		return rg_err_set(err, path, 0, 0, "unsafe directory: is a "
		    "symbolic link");
	return check_ancestors(path, err);
}

static void
dirname_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		strlcpy(dir, ".", len);
	else if (slash == path)
		strlcpy(dir, "/", len);
	else {
		size_t n = (size_t)(slash - path);

		if (n >= len)
			n = len - 1;
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
}

FILE *
filesafe_open(const char *path, struct rg_err *err)
{
	char dir[PATH_MAX];
	struct stat st;
	const char *why;
	FILE *fp;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK);
	if (fd < 0) {
		int e = errno;

		if (e == ELOOP)
			rg_err_set(err, path, 0, 0, "unsafe file: is a "
			    "symbolic link");
		else
			rg_err_set(err, path, 0, e, "unable to open");
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		rg_err_set(err, path, 0, errno, "unable to examine");
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		rg_err_set(err, path, 0, 0, "unsafe file: not a regular file");
		goto fail;
	}
	if ((why = bad_owner_mode(&st, false)) != NULL) {
		rg_err_set(err, path, 0, 0, "unsafe file: %s", why);
		goto fail;
	}
	dirname_of(path, dir, sizeof(dir));
	if (check_ancestors(dir, err) < 0)
		goto fail;
	if ((fp = fdopen(fd, "r")) == NULL) {
		rg_err_set(err, path, 0, errno, "unable to read");
		goto fail;
	}
	return fp;
fail:
	close(fd);
	return NULL;
}

struct link_check {
	const char *path;
	struct rg_err *err;
};

/* Invariant 3: the directory holding each link met must be safe. */
static int
check_link_dir(const char *link, const char *dir, const char *target,
    void *arg)
{
	struct link_check *lc = arg;
	char m[RG_ERR_MSGLEN];

	(void)target;
	if (check_ancestors(dir, lc->err) == 0)
		return 0;
	snprintf(m, sizeof(m), "unsafe executable %.100s: symbolic link "
	    "%.100s: %.100s%s%.100s", lc->path, link, lc->err->file,
	    lc->err->file[0] ? ": " : "", lc->err->msg);
	rg_err_set(lc->err, NULL, 0, 0, "%s", m);
	return 1;
}

static int
check_exec_links(const char *path, struct rg_err *err)
{
	struct link_check lc = { path, err };
	int rc = pathcanon_walk_links(path, check_link_dir, &lc);

	if (rc < 0)
		return rg_err_set(err, NULL, 0, errno, "unable to resolve "
		    "executable %s", path);
	return rc == 0 ? 0 : -1;
}

int
filesafe_check_exec(const char *path, char *real, struct rg_err *err)
{
	char dir[PATH_MAX];
	struct stat st;
	const char *why;

	if (path[0] != '/')
		return rg_err_set(err, NULL, 0, 0, "relative executable path "
		    "'%s'", path);
	if (realpath(path, real) == NULL) {
		int e = errno;

		if (e == ENOENT || e == ENOTDIR)
			return rg_err_set(err, NULL, 0, ENOENT, "missing "
			    "executable %s", path);
		return rg_err_set(err, NULL, 0, e, "unable to resolve "
		    "executable %s", path);
	}
	if (stat(real, &st) < 0)
		return rg_err_set(err, NULL, 0, errno, "unable to examine "
		    "executable %s", real);
	if (!S_ISREG(st.st_mode))
		return rg_err_set(err, NULL, 0, 0, "executable %s is not a "
		    "regular file", real);
	if (check_exec_links(path, err) < 0)
		return -1;
	if ((st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0)
		return rg_err_set(err, NULL, 0, 0, "executable %s is not "
		    "executable", real);
	if ((why = bad_owner_mode(&st, false)) != NULL)
		return rg_err_set(err, NULL, 0, 0, "unsafe executable %s: %s "
		    "(a non-root user could replace what runs as root)", real,
		    why);
	dirname_of(real, dir, sizeof(dir));
	if (check_ancestors(dir, err) < 0) {
		char m[RG_ERR_MSGLEN];

		snprintf(m, sizeof(m), "unsafe executable %.150s: %.150s%s%.150s",
		    real, err->file, err->file[0] ? ": " : "", err->msg);
		return rg_err_set(err, NULL, 0, 0, "%s", m);
	}
	return 0;
}
