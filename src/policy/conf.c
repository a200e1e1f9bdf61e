/* SPDX-License-Identifier: ISC */
/*
 * conf.c - load a configuration: CONFDIR/rootgate.conf and the filter
 * files of CONFDIR/filters.d (or files and directories named by the
 * auditor). Files are read in byte order of their names, rules in file
 * order: that is the documented decision order.
 *
 * Invariants:
 * 1. Each file is opened and checked by filesafe_open before parsing.
 * 2. Every error of every file is collected; any error means no policy.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "filesafe.h"
#include "ini_src.h"
#include "loadcache.h"
#include "pcache.h"
#include "policy.h"
#include "size.h"
#include "strv.h"

#ifndef RG_CACHEDIR
#define RG_CACHEDIR "/var/cache/rootgate"
#endif

struct cstate {
	struct policy *p;
	const char *file;
	struct ini_src *src;
	struct rg_errlist *errs;
};

/* "N" seconds, "Ns" or "Nms", 1 ms .. 1 day. */
static int
parse_ms(const char *v, unsigned *ms)
{
	char num[16];
	size_t n = strspn(v, "0123456789");
	long long x;
	unsigned mul;

	if (strcmp(v + n, "ms") == 0)
		mul = 1;
	else if (strcmp(v + n, "s") == 0 || v[n] == '\0')
		mul = 1000;
	else
		return -1;
	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, v, n);
	num[n] = '\0';
	if (size_parse_int(num, &x) != SZ_OK || x < 1 ||
	    x * mul > 86400000LL)
		return -1;
	*ms = (unsigned)(x * mul);
	return 0;
}

static int
parse_count(const char *v, unsigned *out)
{
	long long x;

	if (size_parse_int(v, &x) != SZ_OK || x < 1 || x > 65536)
		return -1;
	*out = (unsigned)x;
	return 0;
}

static int
parse_mode(const char *v, unsigned *out)
{
	char *end;
	unsigned long m;

	if (v[0] != '0' || strlen(v) != 4)
		return -1;
	m = strtoul(v, &end, 8);
	if (*end != '\0' || m > 0777 || m == 0)
		return -1;
	*out = (unsigned)m;
	return 0;
}

/* The broker's keys (struct broker_conf); 1 when key is not one. */
static int
broker_key(struct cstate *st, unsigned line, const char *key,
    const char *value)
{
	struct broker_conf *b = &st->p->broker;
	const char *want = NULL;

	if (strcmp(key, "socket") == 0) {
		if (value[0] != '/' || strlcpy(b->socket, value,
		    sizeof(b->socket)) >= sizeof(b->socket))
			want = "an absolute path under 108 bytes";
	} else if (strcmp(key, "socket-group") == 0) {
		if (value[0] == '\0' || strlcpy(b->socket_group, value,
		    sizeof(b->socket_group)) >= sizeof(b->socket_group))
			want = "a group name";
	} else if (strcmp(key, "socket-mode") == 0) {
		if (parse_mode(value, &b->socket_mode) < 0)
			want = "an octal mode such as 0660";
	} else if (strcmp(key, "max-children") == 0) {
		if (parse_count(value, &b->max_children) < 0)
			want = "a number in 1..65536";
	} else if (strcmp(key, "max-children-per-caller") == 0) {
		if (parse_count(value, &b->max_per_caller) < 0)
			want = "a number in 1..65536";
	} else if (strcmp(key, "max-connections-per-caller") == 0) {
		if (parse_count(value, &b->max_conns_per_caller) < 0)
			want = "a number in 1..65536";
	} else if (strcmp(key, "idle-timeout") == 0) {
		if (parse_ms(value, &b->idle_timeout_ms) < 0)
			want = "a duration such as 60s";
	} else if (strcmp(key, "request-timeout") == 0) {
		if (parse_ms(value, &b->request_timeout_ms) < 0)
			want = "a duration such as 5s or 500ms";
	} else if (strcmp(key, "shutdown-timeout") == 0) {
		if (parse_ms(value, &b->shutdown_timeout_ms) < 0)
			want = "a duration such as 10s";
	} else if (strcmp(key, "prepared-inits") == 0) {
		if (strcmp(value, "yes") == 0)
			b->no_prepared = false;
		else if (strcmp(value, "no") == 0)
			b->no_prepared = true;
		else
			want = "yes or no";
	} else
		return 1;
	if (want != NULL)
		rg_errlist_add(st->errs, 0, st->file, line, "%s: expected %s, "
		    "not '%s'", key, want, value);
	return 0;
}

static int
conf_handler(void *user, const char *section, const char *key,
    const char *value)
{
	struct cstate *st = user;
	unsigned line = st->src->lineno;

	if (strcmp(section, "rootgate") != 0) {
		rg_errlist_add(st->errs, 0, st->file, line, "unknown section "
		    "'%s' (expected [rootgate])", section);
		return 1;
	}
	if (strcmp(key, "audit-log") == 0) {
		if (value[0] != '/')
			rg_errlist_add(st->errs, 0, st->file, line, "audit-log: "
			    "an absolute path is required");
		else if (st->p->audit_log != NULL)
			rg_errlist_add(st->errs, 0, st->file, line, "duplicate "
			    "key 'audit-log'");
		else if ((st->p->audit_log = strdup(value)) == NULL)
			rg_errlist_add(st->errs, 0, st->file, line, "out of "
			    "memory");
	} else if (strcmp(key, "syslog") == 0) {
		if (strcmp(value, "yes") == 0)
			st->p->use_syslog = true;
		else if (strcmp(value, "no") == 0)
			st->p->use_syslog = false;
		else
			rg_errlist_add(st->errs, 0, st->file, line, "syslog: "
			    "expected yes or no, not '%s'", value);
	} else if (strcmp(key, "policy-cache") == 0) {
		if (st->p->cache_off || st->p->cache_dir != NULL)
			rg_errlist_add(st->errs, 0, st->file, line, "duplicate "
			    "key 'policy-cache'");
		else if (strcmp(value, "no") == 0)
			st->p->cache_off = true;
		else if (strcmp(value, "yes") == 0)
			;	/* the default directory */
		else if (value[0] != '/' || strlen(value) >= PATH_MAX - 64)
			rg_errlist_add(st->errs, 0, st->file, line, "policy-"
			    "cache: expected yes, no or an absolute directory, "
			    "not '%s'", value);
		else if ((st->p->cache_dir = strdup(value)) == NULL)
			rg_errlist_add(st->errs, 0, st->file, line, "out of "
			    "memory");
	} else if (broker_key(st, line, key, value) != 0)
		rg_errlist_add(st->errs, 0, st->file, line, "unknown key '%s'",
		    key);
	return 1;
}

/* rootgate.conf: its text in *buf (for the cache), then parsed */
static int
load_conf(struct policy *p, const char *path, char **buf, size_t *len,
    struct rg_errlist *errs)
{
	struct rg_err e;
	struct ini_src src;
	struct cstate st = { p, path, &src, errs };
	FILE *fp;
	int rc;

	if ((fp = filesafe_open(path, &e)) == NULL) {
		rg_errlist_add_err(errs, &e);
		return -1;
	}
	rc = ini_src_read(fp, path, buf, len, errs);
	fclose(fp);
	if (rc < 0)
		return -1;
	return ini_src_parse_buf(*buf, *len, 0, path, conf_handler, &st, &src,
	    errs);
}

/* One filter file; with rec, its text is recorded for the cache under
 * `name`, the file's name in filters.d (unused without rec). */
static int
load_file(struct policy *p, const char *path, const char *name,
    const struct policy_opts *o, struct pcache_rec *rec,
    struct rg_errlist *errs)
{
	struct rg_err e;
	char *buf;
	size_t len;
	FILE *fp;
	int rc;

	if (o != NULL && o->skip_file_safety)
		fp = fopen(path, "re");
	else
		fp = filesafe_open(path, &e);
	if (fp == NULL) {
		if (o != NULL && o->skip_file_safety)
			rg_err_set(&e, path, 0, errno, "unable to open");
		rg_errlist_add_err(errs, &e);
		return -1;
	}
	rc = ini_src_read(fp, path, &buf, &len, errs);
	fclose(fp);
	if (rc < 0)
		return -1;
	rc = policy_parse_native_buf(p, buf, len, 0, path, o, errs);
	if (rec == NULL)
		free(buf);
	else if (pcache_rec_add(rec, name, buf, len) < 0)
		rec->broken = true;
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_filter_name(const char *n)
{
	size_t len = strlen(n);

	return n[0] != '.' && len > 5 && strcmp(n + len - 5, ".conf") == 0;
}

/* The names of dir's *.conf, in byte order: 0, or -1 with an error. */
static int
list_dir(const char *dir, const struct policy_opts *o, char ***names,
    size_t *n, struct rg_errlist *errs)
{
	struct rg_err e;
	struct dirent *de;
	DIR *d;

	*names = NULL;
	*n = 0;
	if ((o == NULL || !o->skip_file_safety) &&
	    filesafe_check_dir(dir, &e) < 0) {
		rg_errlist_add_err(errs, &e);
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		rg_errlist_add(errs, 0, dir, 0, "unable to read directory: %s",
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (is_filter_name(de->d_name) &&
		    strv_push(names, n, de->d_name) < 0) {
			rg_errlist_add(errs, 0, dir, 0, "out of memory");
			closedir(d);
			strv_free(*names, *n);
			*names = NULL;
			*n = 0;
			return -1;
		}
	closedir(d);
	if (*n > 0)
		qsort(*names, *n, sizeof(**names), cmp_str);
	return 0;
}

/* Every *.conf of dir, in byte order of name. */
static int
load_dir(struct policy *p, const char *dir, const struct policy_opts *o,
    struct pcache_rec *rec, struct rg_errlist *errs)
{
	char **names;
	size_t n;

	if (list_dir(dir, o, &names, &n, errs) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]) >= sizeof(path)) {
			rg_errlist_add(errs, 0, dir, 0, "path too long");
			continue;
		}
		load_file(p, path, names[i], o, rec, errs);
	}
	strv_free(names, n);
	return 0;
}

/* --- the policy cache (pcache.h) ---------------------------------- */

#define PC_MAX_CANDIDATES 64

static void
drop_rules(struct policy *p)
{
	for (size_t i = 0; i < p->nrules; i++)
		policy_rule_clear(&p->rules[i]);
	p->nrules = 0;
	loadcache_free(p->loading);
	p->loading = NULL;
}

/* filters.d holds exactly the cache's files, with the same text */
static bool
same_filters(const struct pcache *pc, const char *dir)
{
	struct rg_errlist errs = { 0 };
	char **names;
	size_t n;
	bool same;

	if (list_dir(dir, NULL, &names, &n, &errs) < 0) {
		rg_errlist_free(&errs);
		return false;
	}
	same = n == pcache_nfiles(pc);
	for (size_t i = 0; same && i < n; i++) {
		char path[PATH_MAX], *buf;
		const char *text;
		size_t len, tlen;
		struct rg_err e;
		FILE *fp;

		same = strcmp(pcache_file(pc, i, &text, &tlen), names[i]) ==
		    0 && (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]) < sizeof(path) &&
		    (fp = filesafe_open(path, &e)) != NULL;
		if (!same)
			break;
		same = ini_src_read(fp, path, &buf, &len, &errs) == 0;
		fclose(fp);
		if (same)
			same = len == tlen && memcmp(buf, text, len) == 0;
		free(buf);
	}
	strv_free(names, n);
	rg_errlist_free(&errs);
	return same;
}

/*
 * Parse into p the rules of the cache that the index would try for cmd
 * (match_argv: argv[0] as given, else its resolved path). True when the
 * cache was current and every such rule parsed; false leaves p without
 * rules (a full load follows, which reports what is wrong).
 */
static bool
load_cached(struct policy *p, const struct pcache *pc, const char *confdir,
    const char *cmd, const struct policy_opts *o)
{
	struct rg_errlist errs = { 0 };
	size_t some[PC_MAX_CANDIDATES], *idx = some, n;
	char dir[PATH_MAX], real[PATH_MAX];
	const char *key = cmd;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/filters.d", confdir) >=
	    sizeof(dir) || !pcache_stamps_hold(pc) || !same_filters(pc, dir))
		return false;
	n = pcache_lookup(pc, key, idx, PC_MAX_CANDIDATES);
	if (n == 0 && cmd[0] == '/' && realpath(cmd, real) != NULL)
		n = pcache_lookup(pc, key = real, idx, PC_MAX_CANDIDATES);
	if (n > PC_MAX_CANDIDATES) {
		if ((idx = reallocarray(NULL, n, sizeof(*idx))) == NULL)
			return false;
		(void)pcache_lookup(pc, key, idx, n);
	}
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX], *part;
		const char *text;
		size_t fi, off, len, tlen;
		unsigned line;

		pcache_rule(pc, idx[i], &fi, &off, &len, &line);
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    pcache_file(pc, fi, &text, &tlen)) >= sizeof(path) ||
		    (part = strndup(text + off, len)) == NULL) {
			rg_errlist_add(&errs, 0, path, 0, "out of memory");
			break;
		}
		policy_parse_native_buf(p, part, len, line - 1, path, o, &errs);
		free(part);
	}
	if (idx != some)
		free(idx);
	/* each range gave one rule, found under the key (the cache's word
	 * checked, not taken) */
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];

		if (strcmp(r->exec, key) != 0 && strcmp(r->cmdname, key) != 0 &&
		    (r->exec_real == NULL || strcmp(r->exec_real, key) != 0))
			rg_errlist_add(&errs, 0, NULL, 0, "cache: rule '%s' is "
			    "not one for '%s'", r->name, key);
	}
	if (p->nrules != n)
		rg_errlist_add(&errs, 0, NULL, 0, "cache: %zu rules, not %zu",
		    p->nrules, n);
	if (rg_errlist_nerrors(&errs) > 0 || errs.lost > 0) {
		rg_errlist_free(&errs);
		drop_rules(p);
		return false;
	}
	rg_errlist_free(&errs);
	p->partial = true;
	return true;
}

static struct policy *
finish(struct policy *p, struct rg_errlist *errs, size_t before)
{
	if (rg_errlist_nerrors(errs) == before)
		policy_finish(p, errs);
	if (rg_errlist_nerrors(errs) != before) {
		policy_free(p);
		return NULL;
	}
	return p;
}

struct policy *
policy_load_confdir_for(const char *confdir, const char *cmd,
    const struct policy_opts *o, struct rg_errlist *errs)
{
	size_t before = rg_errlist_nerrors(errs);
	char path[PATH_MAX], cpath[PATH_MAX];
	struct pcache_rec rec = { 0 };
	bool use = cmd != NULL && (o == NULL || !o->skip_file_safety);
	struct pcache *pc;
	struct policy *p;
	struct stat st;
	struct rg_err e;

	if ((p = policy_new()) == NULL || (p->confdir = strdup(confdir)) ==
	    NULL) {
		policy_free(p);
		rg_errlist_add(errs, 0, NULL, 0, "out of memory");
		return NULL;
	}
	filesafe_memo_begin();
	if (filesafe_check_dir(confdir, &e) < 0) {
		filesafe_memo_end();
		rg_errlist_add_err(errs, &e);
		return finish(p, errs, before);
	}
	snprintf(path, sizeof(path), "%s/rootgate.conf", confdir);
	if (lstat(path, &st) == 0 || errno != ENOENT) {
		rec.have_conf = true;
		load_conf(p, path, &rec.conf, &rec.conflen, errs);
	}
	use = use && rg_errlist_nerrors(errs) == before && !p->cache_off &&
	    pcache_path(p->cache_dir != NULL ? p->cache_dir : RG_CACHEDIR,
	    confdir, cpath, sizeof(cpath)) == 0;
	if (use && (pc = pcache_read(cpath)) != NULL) {
		bool hit = pcache_same_conf(pc, confdir, rec.have_conf ?
		    rec.conf : NULL, rec.conflen) &&
		    load_cached(p, pc, confdir, cmd, o);

		pcache_free(pc);
		if (hit) {
			pcache_rec_free(&rec);
			filesafe_memo_end();
			return finish(p, errs, before);
		}
	}
	snprintf(path, sizeof(path), "%s/filters.d", confdir);
	if (lstat(path, &st) < 0)
		rg_errlist_add(errs, 0, path, 0, "unable to open directory: %s",
		    strerror(errno));
	else
		load_dir(p, path, o, use ? &rec : NULL, errs);
	p = finish(p, errs, before);
	/* only root writes it: only root-owned caches are read */
	if (p != NULL && use && !rec.broken && geteuid() == 0)
		(void)pcache_write(cpath, confdir, &rec, p);
	filesafe_memo_end();
	pcache_rec_free(&rec);
	return p;
}

struct policy *
policy_load_confdir(const char *confdir, const struct policy_opts *o,
    struct rg_errlist *errs)
{
	return policy_load_confdir_for(confdir, NULL, o, errs);
}

struct policy *
policy_load_paths(const char *const *paths, size_t npaths,
    const struct policy_opts *o, struct rg_errlist *errs)
{
	size_t before = rg_errlist_nerrors(errs);
	struct policy *p;

	if ((p = policy_new()) == NULL) {
		rg_errlist_add(errs, 0, NULL, 0, "out of memory");
		return NULL;
	}
	filesafe_memo_begin();
	for (size_t i = 0; i < npaths; i++) {
		struct stat st;

		if (lstat(paths[i], &st) < 0)
			rg_errlist_add(errs, 0, paths[i], 0, "unable to open: %s",
			    strerror(errno));
		else if (S_ISDIR(st.st_mode))
			load_dir(p, paths[i], o, NULL, errs);
		else
			load_file(p, paths[i], NULL, o, NULL, errs);
	}
	filesafe_memo_end();
	return finish(p, errs, before);
}
