/* SPDX-License-Identifier: ISC */
/*
 * rwpath.c - Python 3.11 posixpath.realpath(strict=False), step by step:
 * _joinrealpath(), then abspath() and normpath().
 *
 * Invariants:
 * 1. Same answer as Python for every input Python answers without an
 *    exception; where Python raises (an unreadable link), -1.
 * 2. Bounded: at most RWP_MAX_LINKS links are remembered and every string
 *    is shorter than RWP_MAX; past either, -1 (a refusal upstream).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rwpath.h"

#define RWP_MAX		((size_t)4 * PATH_MAX)
#define RWP_MAX_LINKS	256

struct seen {
	char *key;
	char *val;	/* NULL: being resolved (a loop if met again) */
};

struct rstate {
	struct seen v[RWP_MAX_LINKS];
	size_t n;
};

/* posixpath.join(a, b) into a new string */
static char *
pjoin(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s;

	if (b[0] == '/')
		return strdup(b);
	if (la + lb + 2 > RWP_MAX || (s = malloc(la + lb + 2)) == NULL)
		return NULL;
	memcpy(s, a, la);
	if (la > 0 && a[la - 1] != '/')
		s[la++] = '/';
	memcpy(s + la, b, lb + 1);
	return s;
}

static int
set(char **dst, char *s)
{
	if (s == NULL)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

static int joinreal(char **path, const char *rest, struct rstate *st,
    bool *ok);

/* ".." against *path: split it, and keep a ".." that cannot go up */
static int
pardir(char **path)
{
	const char *p = *path, *sl;
	char *head, *t;
	size_t i, h;
	bool dd;

	if (p[0] == '\0')
		return set(path, strdup(".."));
	sl = strrchr(p, '/');
	i = sl != NULL ? (size_t)(sl - p) + 1 : 0;
	dd = strcmp(p + i, "..") == 0;
	if ((head = strndup(p, i)) == NULL)
		return -1;
	/* posixpath.split: trailing slashes off the head, unless all */
	for (h = i; h > 0 && head[h - 1] == '/'; h--)
		;
	if (h > 0)
		head[h] = '\0';
	if (dd) {
		t = pjoin(head, "..");
		free(head);
		if (t == NULL)
			return -1;
		head = pjoin(t, "..");
		free(t);
		if (head == NULL)
			return -1;
	}
	return set(path, head);
}

static int
follow(char **path, char *newpath, const char *rest, struct rstate *st,
    bool *ok)
{
	char target[PATH_MAX + 1];
	ssize_t n;
	bool sub;

	for (size_t i = 0; i < st->n; i++) {
		if (strcmp(st->v[i].key, newpath) != 0)
			continue;
		if (st->v[i].val != NULL) {
			free(newpath);
			return set(path, strdup(st->v[i].val));
		}
		/* a loop: Python gives up and keeps the rest unresolved */
		*ok = false;
		set(path, pjoin(newpath, rest));
		free(newpath);
		return *path != NULL ? 0 : -1;
	}
	if (st->n == RWP_MAX_LINKS) {
		free(newpath);
		return -1;
	}
	st->v[st->n].key = newpath;
	st->v[st->n].val = NULL;
	st->n++;
	if ((n = readlink(newpath, target, sizeof(target) - 1)) < 0)
		return -1;	/* Python raises OSError */
	target[n] = '\0';
	if (joinreal(path, target, st, &sub) < 0)
		return -1;
	if (!sub) {
		*ok = false;
		return set(path, pjoin(*path, rest));
	}
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->v[i].key, newpath) == 0 &&
		    (st->v[i].val = strdup(*path)) == NULL)
			return -1;
	return 0;
}

static int
joinreal(char **path, const char *rest_in, struct rstate *st, bool *ok)
{
	char *rest, *r;
	int rc = -1;

	*ok = true;
	if ((rest = strdup(rest_in)) == NULL)
		return -1;
	r = rest;
	if (r[0] == '/') {
		r++;
		if (set(path, strdup("/")) < 0)
			goto out;
	}
	while (*r != '\0') {
		char *name = r, *slash = strchr(r, '/'), *newpath;
		struct stat sb;

		if (slash != NULL) {
			*slash = '\0';
			r = slash + 1;
		} else
			r += strlen(r);
		if (name[0] == '\0' || strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			if (pardir(path) < 0)
				goto out;
			continue;
		}
		if ((newpath = pjoin(*path, name)) == NULL)
			goto out;
		if (lstat(newpath, &sb) < 0 || !S_ISLNK(sb.st_mode)) {
			set(path, newpath);
			continue;
		}
		if (follow(path, newpath, r, st, ok) < 0)
			goto out;
		if (!*ok)
			break;
	}
	rc = 0;
out:
	free(rest);
	return rc;
}

/* posixpath.normpath of an absolute path */
static int
normpath(const char *p, char *out, size_t outlen)
{
	size_t o = 0;

	if (outlen < 2)
		return -1;
	out[o++] = '/';
	while (*p != '\0') {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* drop the last component and the '/' before it */
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
		} else {
			if (o > 1 && out[o - 1] != '/')
				out[o++] = '/';
			if (o + n + 1 >= outlen)
				return -1;
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	if (o > 1 && out[o - 1] == '/')
		o--;
	out[o] = '\0';
	return 0;
}

int
rwpath_realpath(const char *path, char *out, size_t outlen)
{
	struct rstate st = { .n = 0 };
	char *res = NULL, *abs = NULL;
	char cwd[PATH_MAX];
	bool ok;
	int rc = -1;

	if ((res = strdup("")) == NULL)
		return -1;
	if (joinreal(&res, path, &st, &ok) < 0)
		goto out;
	if (res[0] != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL) {
			/* oslo.rootwrap's realpath(): FileNotFoundError -> "" */
			if (errno != ENOENT || outlen == 0)
				goto out;
			out[0] = '\0';
			rc = 0;
			goto out;
		}
		if ((abs = pjoin(cwd, res)) == NULL)
			goto out;
	}
	rc = normpath(abs != NULL ? abs : res, out, outlen);
out:
	for (size_t i = 0; i < st.n; i++) {
		free(st.v[i].key);
		free(st.v[i].val);
	}
	free(res);
	free(abs);
	return rc;
}
