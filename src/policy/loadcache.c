/* SPDX-License-Identifier: ISC */
/* loadcache.c - look-ups remembered during one policy load. */
#define _GNU_SOURCE	/* asprintf */
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "hash.h"
#include "filesafe.h"
#include "loadcache.h"
#include "rx.h"
#include "strv.h"

struct lc_user {
	char *name;
	int found;
	uid_t uid;
	gid_t gid;
};

struct lc_group {
	char *name;
	int found;
	gid_t gid;
};

struct lc_exec {
	char *path;
	int rc;
	char real[PATH_MAX];
	struct rg_err err;
};

struct lc_rx {
	char *pattern;
	unsigned flags;
	struct rx *rx;
};

/* open-addressing string -> index table (FNV-1a), for names and patterns */
struct lc_tab {
	char **keys;
	size_t *vals;
	size_t cap;		/* power of two, or 0 */
	size_t n;
};

struct loadcache {
	unsigned rx_flags;
	struct lc_tab names;	/* rule names seen */
	struct lc_tab rxtab;	/* pattern (with flags byte) -> index in rxs */
	struct lc_rx *rxs;
	size_t nrxs;
	struct lc_user *users;
	size_t nusers;
	struct lc_group *groups;
	size_t ngroups;
	struct lc_exec *execs;
	size_t nexecs;
};

/* Slot of key in t (empty slot if absent); t->cap must be non-zero. */
static size_t
tab_slot(const struct lc_tab *t, const char *key)
{
	size_t i = hash_str(key) & (t->cap - 1);

	while (t->keys[i] != NULL && strcmp(t->keys[i], key) != 0)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static int
tab_grow(struct lc_tab *t)
{
	struct lc_tab nt = { NULL, NULL, t->cap ? t->cap * 2 : 64, 0 };

	nt.keys = calloc(nt.cap, sizeof(*nt.keys));
	nt.vals = calloc(nt.cap, sizeof(*nt.vals));
	if (nt.keys == NULL || nt.vals == NULL) {
		free(nt.keys);
		free(nt.vals);
		return -1;
	}
	for (size_t i = 0; i < t->cap; i++)
		if (t->keys[i] != NULL) {
			size_t j = tab_slot(&nt, t->keys[i]);

			nt.keys[j] = t->keys[i];
			nt.vals[j] = t->vals[i];
			nt.n++;
		}
	free(t->keys);
	free(t->vals);
	*t = nt;
	return 0;
}

/* Look key up: 1 and *val if present, 0 if absent. */
static int
tab_get(const struct lc_tab *t, const char *key, size_t *val)
{
	size_t i;

	if (t->cap == 0)
		return 0;
	i = tab_slot(t, key);
	if (t->keys[i] == NULL)
		return 0;
	*val = t->vals[i];
	return 1;
}

/* Insert key (absent) -> val: 0, or -1 out of memory. */
static int
tab_put(struct lc_tab *t, const char *key, size_t val)
{
	size_t i;

	if ((t->n + 1) * 2 > t->cap && tab_grow(t) < 0)
		return -1;
	i = tab_slot(t, key);
	if ((t->keys[i] = strdup(key)) == NULL)
		return -1;
	t->vals[i] = val;
	t->n++;
	return 0;
}

static void
tab_free(struct lc_tab *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->keys[i]);
	free(t->keys);
	free(t->vals);
}

struct loadcache *
loadcache_new(unsigned rx_flags)
{
	struct loadcache *lc = calloc(1, sizeof(struct loadcache));

	if (lc != NULL)
		lc->rx_flags = rx_flags;
	return lc;
}

unsigned
loadcache_rx_flags(const struct loadcache *lc)
{
	return lc != NULL ? lc->rx_flags : 0;
}

void
loadcache_free(struct loadcache *lc)
{
	if (lc == NULL)
		return;
	for (size_t i = 0; i < lc->nusers; i++)
		free(lc->users[i].name);
	for (size_t i = 0; i < lc->ngroups; i++)
		free(lc->groups[i].name);
	for (size_t i = 0; i < lc->nexecs; i++)
		free(lc->execs[i].path);
	for (size_t i = 0; i < lc->nrxs; i++) {
		free(lc->rxs[i].pattern);
		rx_free(lc->rxs[i].rx);
	}
	free(lc->rxs);
	tab_free(&lc->names);
	tab_free(&lc->rxtab);
	free(lc->users);
	free(lc->groups);
	free(lc->execs);
	free(lc);
}

int
loadcache_user(struct loadcache *lc, const char *name, uid_t *uid,
    gid_t *gid)
{
	struct lc_user *u;
	struct passwd *pw;

	/* root is uid 0 by the kernel's definition, and its group gid 0:
	 * no look-up (oslo.rootwrap never looks root up either), so the
	 * common policy, whose rules all run as root, costs no NSS trip. */
	if (strcmp(name, "root") == 0) {
		*uid = 0;
		*gid = 0;
		return 0;
	}
	for (size_t i = 0; lc != NULL && i < lc->nusers; i++)
		if (strcmp(lc->users[i].name, name) == 0) {
			*uid = lc->users[i].uid;
			*gid = lc->users[i].gid;
			return lc->users[i].found ? 0 : -1;
		}
	pw = getpwnam(name);
	if (pw != NULL) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	}
	if (lc != NULL && (u = reallocarray(lc->users, lc->nusers + 1,
	    sizeof(*u))) != NULL) {
		lc->users = u;
		u = &u[lc->nusers];
		if ((u->name = strdup(name)) != NULL) {
			u->found = pw != NULL;
			u->uid = pw ? pw->pw_uid : 0;
			u->gid = pw ? pw->pw_gid : 0;
			lc->nusers++;
		}
	}
	return pw != NULL ? 0 : -1;
}

int
loadcache_group(struct loadcache *lc, const char *name, gid_t *gid,
    const char **namep)
{
	struct lc_group *g;
	struct group *gr;

	/* as for the user root, above */
	if (name != NULL ? strcmp(name, "root") == 0 : *gid == 0) {
		*gid = 0;
		if (namep != NULL)
			*namep = "root";
		return 0;
	}
	for (size_t i = 0; lc != NULL && i < lc->ngroups; i++) {
		g = &lc->groups[i];
		if (name != NULL ? strcmp(g->name, name) == 0 :
		    (g->found && g->gid == *gid)) {
			if (g->found) {
				*gid = g->gid;
				if (namep != NULL)
					*namep = g->name;
			}
			return g->found ? 0 : -1;
		}
	}
	gr = name != NULL ? getgrnam(name) : getgrgid(*gid);
	if (gr == NULL && name == NULL)
		return -1;	/* a nameless gid is not remembered */
	if (lc == NULL || (g = reallocarray(lc->groups, lc->ngroups + 1,
	    sizeof(*g))) == NULL)
		return -1;
	lc->groups = g;
	g = &g[lc->ngroups];
	if ((g->name = strdup(name != NULL ? name : gr->gr_name)) == NULL)
		return -1;
	g->found = gr != NULL;
	g->gid = gr != NULL ? gr->gr_gid : 0;
	lc->ngroups++;
	if (gr == NULL)
		return -1;
	*gid = g->gid;
	if (namep != NULL)
		*namep = g->name;
	return 0;
}

int
loadcache_exec(struct loadcache *lc, const char *path, char *real,
    struct rg_err *err)
{
	struct lc_exec *e;
	int rc;

	for (size_t i = 0; lc != NULL && i < lc->nexecs; i++) {
		e = &lc->execs[i];
		if (strcmp(e->path, path) == 0) {
			if (e->rc == 0)
				strlcpy(real, e->real, PATH_MAX);
			else
				*err = e->err;
			return e->rc;
		}
	}
	rc = filesafe_check_exec(path, real, err);
	if (lc == NULL || (e = reallocarray(lc->execs, lc->nexecs + 1,
	    sizeof(*e))) == NULL)
		return rc;
	lc->execs = e;
	e = &e[lc->nexecs];
	if ((e->path = strdup(path)) == NULL)
		return rc;
	e->rc = rc;
	if (rc == 0)
		strlcpy(e->real, real, sizeof(e->real));
	else
		e->err = *err;
	lc->nexecs++;
	return rc;
}

struct rx *
loadcache_rx(struct loadcache *lc, const char *pattern, unsigned extra_flags,
    char *err, size_t errlen)
{
	unsigned flags = loadcache_rx_flags(lc) | extra_flags;
	struct lc_rx *e;
	struct rx *r;
	char kbuf[128], *key = NULL, *heap = NULL;
	size_t idx;
	int n;

	/* the key is the flags then the pattern: one table for all flags
	 * (tab_put copies it; most patterns fit on the stack) */
	if (lc != NULL && pattern != NULL) {
		n = snprintf(kbuf, sizeof(kbuf), "%02x%s", flags, pattern);
		if (n >= 0 && (size_t)n < sizeof(kbuf))
			key = kbuf;
		else if (asprintf(&heap, "%02x%s", flags, pattern) >= 0)
			key = heap;
	}
	if (key != NULL && tab_get(&lc->rxtab, key, &idx)) {
		free(heap);
		return rx_ref(lc->rxs[idx].rx);
	}
	if ((r = rx_compile(pattern, flags, err, errlen)) == NULL) {
		free(heap);	/* errors are not remembered: reported once */
		return NULL;
	}
	if (key == NULL || (e = vec_room(lc->rxs, lc->nrxs,
	    sizeof(*e))) == NULL) {
		free(heap);
		return r;
	}
	lc->rxs = e;
	e = &e[lc->nrxs];
	e->pattern = NULL;
	e->flags = flags;
	if (tab_put(&lc->rxtab, key, lc->nrxs) == 0) {
		e->rx = rx_ref(r);
		lc->nrxs++;
	}
	free(heap);
	return r;
}

int
loadcache_name_seen(struct loadcache *lc, const char *name)
{
	size_t v;

	if (lc == NULL)
		return -1;
	if (tab_get(&lc->names, name, &v))
		return 1;
	return tab_put(&lc->names, name, 0) < 0 ? -1 : 0;
}
