/* SPDX-License-Identifier: ISC */
/*
 * pcache.c - the policy cache file (see pcache.h for what it holds and
 * when it is used).
 *
 * Format (version 1): a header line, then records; every string is
 * written as its length in the record's line and its bytes after it,
 * followed by a newline, so no byte of a path or a filter file needs
 * escaping:
 *
 *   rootgate-policy-cache 1 BUILD_ID
 *   confdir LEN \n BYTES \n
 *   conf LEN \n BYTES \n            (or "conf -": no rootgate.conf)
 *   files N, then N x: file NAMELEN TEXTLEN \n NAME TEXT \n
 *   stamps N, then N x: stamp EXISTS DEV INO MODE SIZE MS MNS CS CNS LEN
 *                       \n PATH \n
 *   rules N, then N x: rule FILE OFF LEN LINE
 *   keys N, then N x: key RULE LEN \n KEY \n   (RULE nondecreasing)
 *   end SUM                         (16 hex digits: sum64 of all before)
 *
 * Invariants:
 * 1. The reader accepts exactly this form, with every index and range
 *    checked against what precedes it; anything else is "no cache" (a
 *    full load), never an error the caller sees and never a crash.
 * 2. BUILD_ID names the sources of the policy loader (the Makefile hashes
 *    them): a cache written by another loader is not used.
 * 3. The sum detects a damaged file (a torn write, a bad disk): a cache
 *    that lost a key would leave out a rule that a full load tries first.
 *    It is no defence against its writer, who is root.
 * 4. A rule's range starts at its '[' header line and ends where the next
 *    rule of the file starts (or at the end of the file); parsing it alone
 *    yields the rule a full parse yields (native.c builds each rule from
 *    its own section only).
 */
#define _GNU_SOURCE	/* open_memstream, renameat */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "filesafe.h"
#include "hash.h"
#include "pcache.h"
#include "policy.h"
#include "strv.h"

#ifndef RG_BUILD_ID
#define RG_BUILD_ID "unknown"
#endif

#define PC_MAGIC	"rootgate-policy-cache 1 "
#define PC_MAX_SIZE	((size_t)64 << 20)	/* bytes of one cache file */

/* Read outside the filter files by a load, for every rule: the users and
 * groups (run-as, callers) come from these */
static const char *const account_files[] = {
	"/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
};

struct pc_file {
	char *name;
	const char *text;
	size_t len;
};

struct pc_stamp {
	const char *path;
	bool exists;
	uint64_t dev, ino, mode, size, ms, mns, cs, cns;
};

struct pc_rule {
	size_t file, off, len;
	unsigned line;
};

struct pc_key {
	const char *key;
	size_t rule;
};

struct pcache {
	char *buf;
	size_t len;
	const char *confdir;
	bool have_conf;
	const char *conf;
	size_t conflen;
	struct pc_file *files;
	size_t nfiles;
	size_t nnames;		/* files[0..nnames) have their own name */
	struct pc_stamp *stamps;
	size_t nstamps;
	struct pc_rule *rules;
	size_t nrules;
	struct pc_key *keys;
	size_t nkeys;
};

/* A checksum of b, eight bytes a step (not a cryptographic hash: the
 * writer is root; see invariant 3). */
uint64_t
pcache_sum(const char *b, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, b, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

/* --- recording ------------------------------------------------------- */

int
pcache_rec_add(struct pcache_rec *rec, const char *name, char *buf,
    size_t len)
{
	struct pcache_text *f;

	if ((f = reallocarray(rec->files, rec->nfiles + 1, sizeof(*f))) ==
	    NULL) {
		free(buf);
		return -1;
	}
	rec->files = f;
	f = &f[rec->nfiles];
	if ((f->name = strdup(name)) == NULL) {
		free(buf);
		return -1;
	}
	f->buf = buf;
	f->len = len;
	rec->nfiles++;
	return 0;
}

void
pcache_rec_free(struct pcache_rec *rec)
{
	for (size_t i = 0; i < rec->nfiles; i++) {
		free(rec->files[i].name);
		free(rec->files[i].buf);
	}
	free(rec->files);
	free(rec->conf);
	memset(rec, 0, sizeof(*rec));
}

int
pcache_path(const char *cachedir, const char *confdir, char *out,
    size_t outlen)
{
	int n = snprintf(out, outlen, "%s/policy-%016" PRIx64 ".cache",
	    cachedir, hash_str(confdir));

	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* --- writing --------------------------------------------------------- */

static void
put_str(FILE *f, const char *tag, const char *s, size_t len)
{
	fprintf(f, "%s %zu\n", tag, len);
	fwrite(s, 1, len, f);
	fputc('\n', f);
}

/* The directories above path ("/a/b/c": "/a/b", "/a", "/"), once each. */
static int
add_dirs(char ***v, size_t *n, const char *path)
{
	char d[PATH_MAX];
	char *slash;

	if (path == NULL || path[0] != '/' || strlcpy(d, path, sizeof(d)) >=
	    sizeof(d))
		return 0;
	while ((slash = strrchr(d, '/')) != NULL) {
		if (slash == d)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (strv_find(*v, *n, d) < 0 && strv_push(v, n, d) < 0)
			return -1;
		if (strcmp(d, "/") == 0)
			break;
	}
	return 0;
}

/*
 * A stamp taken within PC_SETTLE_S of a change of what it stamps could
 * miss a second change in the same clock tick (timestamps are as coarse
 * as the kernel's tick, or the filesystem's), or one made while the load
 * read the executables: such a cache is not written (the next load
 * after things settle writes it).
 */
#define PC_SETTLE_S 2

static bool
settled(const struct stat *st, const struct timespec *now)
{
	return st->st_mtim.tv_sec + PC_SETTLE_S < now->tv_sec &&
	    st->st_ctim.tv_sec + PC_SETTLE_S < now->tv_sec;
}

/* Returns false when the path changed too recently to be stamped. */
static bool
put_stamp(FILE *f, const char *path, const struct timespec *now)
{
	struct stat st;
	int exists = lstat(path, &st) == 0;

	if (exists && !settled(&st, now))
		return false;
	if (!exists)
		memset(&st, 0, sizeof(st));
	fprintf(f, "stamp %d %" PRIu64 " %" PRIu64 " %u %" PRIu64 " %" PRIu64
	    " %ld %" PRIu64 " %ld %zu\n", exists,
	    (uint64_t)st.st_dev, (uint64_t)st.st_ino, (unsigned)st.st_mode,
	    (uint64_t)st.st_size, (uint64_t)st.st_mtim.tv_sec,
	    st.st_mtim.tv_nsec, (uint64_t)st.st_ctim.tv_sec,
	    st.st_ctim.tv_nsec, strlen(path));
	fputs(path, f);
	fputc('\n', f);
	return true;
}

/* Byte offset of line `line` (1-based) of text, searching from *pos at
 * line *at; updates both. (size_t)-1 when there is no such line. */
static size_t
line_offset(const struct pcache_text *t, size_t *pos, unsigned *at,
    unsigned line)
{
	while (*at < line) {
		const char *nl = memchr(t->buf + *pos, '\n', t->len - *pos);

		if (nl == NULL)
			return (size_t)-1;
		*pos = (size_t)(nl - t->buf) + 1;
		(*at)++;
	}
	return *at == line ? *pos : (size_t)-1;
}

/* The rules' ranges, or -1 (EINVAL) when p does not fit rec. */
static int
put_rules(FILE *f, const char *confdir, const struct pcache_rec *rec,
    const struct policy *p)
{
	struct {
		size_t file, off;
	} *at;			/* each rule's file (in rec) and header offset */
	size_t fi = 0, pos = 0, dlen = strlen(confdir);
	unsigned line = 1;
	int rc = -1;

	if ((at = calloc(p->nrules + 1, sizeof(*at))) == NULL)
		return -1;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];
		const char *name;

		if (r->origin != RO_NATIVE || r->file == NULL ||
		    strncmp(r->file, confdir, dlen) != 0 ||
		    strncmp(r->file + dlen, "/filters.d/", 11) != 0)
			goto bad;
		name = r->file + dlen + 11;
		while (fi < rec->nfiles && strcmp(rec->files[fi].name, name)
		    != 0) {
			fi++;
			pos = 0;
			line = 1;
		}
		if (fi == rec->nfiles)
			goto bad;
		at[i].file = fi;
		at[i].off = line_offset(&rec->files[fi], &pos, &line, r->line);
		if (at[i].off == (size_t)-1 ||
		    rec->files[fi].buf[at[i].off] != '[')
			goto bad;
	}
	fprintf(f, "rules %zu\n", p->nrules);
	for (size_t i = 0; i < p->nrules; i++) {
		/* to the next rule of the same file, or to its end */
		size_t end = i + 1 < p->nrules && at[i + 1].file == at[i].file ?
		    at[i + 1].off : rec->files[at[i].file].len;

		if (end <= at[i].off)
			goto bad;
		fprintf(f, "rule %zu %zu %zu %u\n", at[i].file, at[i].off,
		    end - at[i].off, p->rules[i].line);
	}
	rc = 0;
bad:
	if (rc < 0)
		errno = EINVAL;
	free(at);
	return rc;
}

static void
put_keys(FILE *f, const struct policy *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nrules; i++)
		n += 2 + (p->rules[i].exec_real != NULL &&
		    strcmp(p->rules[i].exec_real, p->rules[i].exec) != 0);
	fprintf(f, "keys %zu\n", n);
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];
		char tag[32];

		snprintf(tag, sizeof(tag), "key %zu", i);
		put_str(f, tag, r->exec, strlen(r->exec));
		put_str(f, tag, r->cmdname, strlen(r->cmdname));
		if (r->exec_real != NULL && strcmp(r->exec_real, r->exec) != 0)
			put_str(f, tag, r->exec_real, strlen(r->exec_real));
	}
}

/* The cache's text, in *out (malloc'd), or -1. */
static int
render(const char *confdir, const struct pcache_rec *rec,
    const struct policy *p, char **out, size_t *outlen)
{
	char **dirs = NULL;
	size_t ndirs = 0;
	struct timespec now;
	bool stamped = true;
	FILE *f;
	int rc = -1;

	if (p->linear) {	/* not a native policy: no index to cache */
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].exec == NULL || p->rules[i].cmdname == NULL ||
		    add_dirs(&dirs, &ndirs, p->rules[i].exec) < 0 ||
		    add_dirs(&dirs, &ndirs, p->rules[i].exec_real) < 0) {
			strv_free(dirs, ndirs);
			errno = p->rules[i].exec == NULL ? EINVAL : ENOMEM;
			return -1;
		}
	if ((f = open_memstream(out, outlen)) == NULL) {
		strv_free(dirs, ndirs);
		return -1;
	}
	fprintf(f, "%s%s\n", PC_MAGIC, RG_BUILD_ID);
	put_str(f, "confdir", confdir, strlen(confdir));
	if (rec->have_conf)
		put_str(f, "conf", rec->conf, rec->conflen);
	else
		fputs("conf -\n", f);
	fprintf(f, "files %zu\n", rec->nfiles);
	for (size_t i = 0; i < rec->nfiles; i++) {
		fprintf(f, "file %zu %zu\n", strlen(rec->files[i].name),
		    rec->files[i].len);
		fputs(rec->files[i].name, f);
		fwrite(rec->files[i].buf, 1, rec->files[i].len, f);
		fputc('\n', f);
	}
	fprintf(f, "stamps %zu\n", ndirs + sizeof(account_files) /
	    sizeof(account_files[0]));
	clock_gettime(CLOCK_REALTIME, &now);
	for (size_t i = 0; i < ndirs; i++)
		stamped = stamped && put_stamp(f, dirs[i], &now);
	for (size_t i = 0; i < sizeof(account_files) /
	    sizeof(account_files[0]); i++)
		stamped = stamped && put_stamp(f, account_files[i], &now);
	strv_free(dirs, ndirs);
	if (!stamped)
		errno = EAGAIN;
	else if (put_rules(f, confdir, rec, p) == 0) {
		put_keys(f, p);
		rc = 0;
	}
	if (ferror(f) != 0)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0) {
		char end[32];
		int n = snprintf(end, sizeof(end), "end %016" PRIx64 "\n",
		    pcache_sum(*out, *outlen));
		char *t = realloc(*out, *outlen + (size_t)n + 1);

		if (t == NULL)
			rc = -1;
		else {
			memcpy(t + *outlen, end, (size_t)n + 1);
			*out = t;
			*outlen += (size_t)n;
		}
	}
	if (rc < 0) {
		int e = errno;

		free(*out);
		*out = NULL;
		errno = e;
	}
	return rc;
}

static int
write_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int
pcache_write(const char *path, const char *confdir,
    const struct pcache_rec *rec, const struct policy *p)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *base;
	struct rg_err e;
	size_t len;
	char *text;
	int fd, rc, err;

	if ((base = strrchr(path, '/')) == NULL || base == path ||
	    (size_t)(base - path) >= sizeof(dir)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(dir, path, (size_t)(base - path));
	dir[base - path] = '\0';
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	if (filesafe_check_dir(dir, &e) < 0) {
		errno = EPERM;
		return -1;
	}
	if (render(confdir, rec, p, &text, &len) < 0)
		return -1;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.%ld", dir, base + 1,
	    (long)getpid()) >= sizeof(tmp)) {
		free(text);
		errno = ENAMETOOLONG;
		return -1;
	}
	/* a leftover of a process that had our pid is only ever ours to
	 * remove: the directory is root's */
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		free(text);
		return -1;
	}
	rc = fchmod(fd, 0600) < 0 || write_all(fd, text, len) < 0 ? -1 : 0;
	err = errno;
	free(text);
	if (close(fd) < 0 && rc == 0) {
		rc = -1;
		err = errno;
	}
	if (rc == 0 && rename(tmp, path) < 0) {
		rc = -1;
		err = errno;
	}
	if (rc < 0) {
		(void)unlink(tmp);
		errno = err;
	}
	return rc;
}

/* --- reading --------------------------------------------------------- */

struct cur {
	char *p, *end;
};

/* The line at c (without its newline), which must be `tag` + ' ' or
 * `tag` + '\n'; advances past the tag. */
static bool
take_tag(struct cur *c, const char *tag)
{
	size_t n = strlen(tag);

	if ((size_t)(c->end - c->p) <= n || memcmp(c->p, tag, n) != 0 ||
	    (c->p[n] != ' ' && c->p[n] != '\n'))
		return false;
	c->p += n;
	return true;
}

/* " NUMBER" (decimal, at most max) */
static bool
take_num(struct cur *c, uint64_t max, uint64_t *v)
{
	uint64_t n = 0;
	const char *s;

	if (c->p >= c->end || *c->p != ' ')
		return false;
	s = ++c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		unsigned d = (unsigned)(*c->p - '0');

		if (n > (max - d) / 10)
			return false;
		n = n * 10 + d;
		c->p++;
	}
	if (c->p == s)
		return false;
	*v = n;
	return true;
}

static bool
take_nl(struct cur *c)
{
	if (c->p >= c->end || *c->p != '\n')
		return false;
	c->p++;
	return true;
}

/* len bytes, then a newline that becomes the string's NUL */
static bool
take_bytes(struct cur *c, size_t len, const char **s)
{
	if ((size_t)(c->end - c->p) <= len || c->p[len] != '\n')
		return false;
	*s = c->p;
	c->p[len] = '\0';
	c->p += len + 1;
	return true;
}

/* "TAG N\n": a count of records, allocated as *v */
static bool
take_count(struct cur *c, const char *tag, size_t elem, void **v, size_t *n)
{
	uint64_t k;

	/* every record is at least 4 bytes: bounds the allocation */
	if (!take_tag(c, tag) || !take_num(c, (uint64_t)(c->end - c->p) / 4,
	    &k) || !take_nl(c))
		return false;
	*n = (size_t)k;
	return (*v = calloc(k > 0 ? (size_t)k : 1, elem)) != NULL;
}

static bool
parse_files(struct cur *c, struct pcache *pc)
{
	if (!take_count(c, "files", sizeof(*pc->files), (void **)&pc->files,
	    &pc->nfiles))
		return false;
	for (size_t i = 0; i < pc->nfiles; i++) {
		struct pc_file *f = &pc->files[i];
		uint64_t nl, tl;

		if (!take_tag(c, "file") || !take_num(c, NAME_MAX, &nl) ||
		    !take_num(c, SIZE_MAX / 2, &tl) || !take_nl(c) ||
		    (size_t)(c->end - c->p) <= nl + tl)
			return false;
		/* the name's bytes run into the text: split_names gives it
		 * its own NUL once the whole file has parsed */
		f->name = c->p;
		c->p += nl;
		if (!take_bytes(c, (size_t)tl, &f->text))
			return false;
		f->len = (size_t)tl;
		if (nl == 0 || memchr(f->name, '\0', nl) != NULL ||
		    memchr(f->name, '/', nl) != NULL)
			return false;
	}
	return true;
}

static bool
parse_stamps(struct cur *c, struct pcache *pc)
{
	if (!take_count(c, "stamps", sizeof(*pc->stamps),
	    (void **)&pc->stamps, &pc->nstamps))
		return false;
	for (size_t i = 0; i < pc->nstamps; i++) {
		struct pc_stamp *s = &pc->stamps[i];
		uint64_t ex, len;

		if (!take_tag(c, "stamp") || !take_num(c, 1, &ex) ||
		    !take_num(c, UINT64_MAX, &s->dev) ||
		    !take_num(c, UINT64_MAX, &s->ino) ||
		    !take_num(c, UINT32_MAX, &s->mode) ||
		    !take_num(c, UINT64_MAX, &s->size) ||
		    !take_num(c, UINT64_MAX, &s->ms) ||
		    !take_num(c, 999999999, &s->mns) ||
		    !take_num(c, UINT64_MAX, &s->cs) ||
		    !take_num(c, 999999999, &s->cns) ||
		    !take_num(c, PATH_MAX - 1, &len) || !take_nl(c) ||
		    !take_bytes(c, (size_t)len, &s->path) ||
		    s->path[0] != '/' || strlen(s->path) != len)
			return false;
		s->exists = ex == 1;
	}
	return true;
}

static bool
parse_rules(struct cur *c, struct pcache *pc)
{
	if (!take_count(c, "rules", sizeof(*pc->rules), (void **)&pc->rules,
	    &pc->nrules))
		return false;
	for (size_t i = 0; i < pc->nrules; i++) {
		struct pc_rule *r = &pc->rules[i];
		const struct pc_file *f;
		uint64_t fi, off, len, line;

		if (!take_tag(c, "rule") || !take_num(c, SIZE_MAX, &fi) ||
		    !take_num(c, SIZE_MAX, &off) ||
		    !take_num(c, SIZE_MAX, &len) ||
		    !take_num(c, UINT_MAX, &line) || !take_nl(c) ||
		    fi >= pc->nfiles || line == 0 || len == 0)
			return false;
		f = &pc->files[fi];
		/* invariant 3: a header line, within the text */
		if (off >= f->len || len > f->len - off || f->text[off] != '[' ||
		    (off > 0 && f->text[off - 1] != '\n'))
			return false;
		r->file = (size_t)fi;
		r->off = (size_t)off;
		r->len = (size_t)len;
		r->line = (unsigned)line;
	}
	return true;
}

static bool
parse_keys(struct cur *c, struct pcache *pc)
{
	if (!take_count(c, "keys", sizeof(*pc->keys), (void **)&pc->keys,
	    &pc->nkeys))
		return false;
	for (size_t i = 0; i < pc->nkeys; i++) {
		struct pc_key *k = &pc->keys[i];
		uint64_t ri, len;

		if (!take_tag(c, "key") || !take_num(c, SIZE_MAX, &ri) ||
		    !take_num(c, PATH_MAX - 1, &len) || !take_nl(c) ||
		    !take_bytes(c, (size_t)len, &k->key) ||
		    ri >= pc->nrules || strlen(k->key) != len ||
		    (i > 0 && ri < pc->keys[i - 1].rule))
			return false;
		k->rule = (size_t)ri;
	}
	return true;
}

static bool
parse(struct pcache *pc)
{
	struct cur c = { pc->buf, pc->buf + pc->len };
	size_t ml = strlen(PC_MAGIC), bl = strlen(RG_BUILD_ID);
	const size_t el = 21;	/* "end " + 16 hex digits + "\n" */
	char want[32];
	uint64_t len;

	/* the sum first: nothing damaged is parsed (invariant 3) */
	if (pc->len < el)
		return false;
	c.end -= el;
	snprintf(want, sizeof(want), "end %016" PRIx64 "\n", pcache_sum(pc->buf,
	    pc->len - el));
	if (memcmp(c.end, want, el) != 0)
		return false;
	if ((size_t)(c.end - c.p) < ml + bl + 1 || memcmp(c.p, PC_MAGIC, ml) != 0 ||
	    memcmp(c.p + ml, RG_BUILD_ID, bl) != 0 || c.p[ml + bl] != '\n')
		return false;
	c.p += ml + bl + 1;
	if (!take_tag(&c, "confdir") || !take_num(&c, PATH_MAX - 1, &len) ||
	    !take_nl(&c) || !take_bytes(&c, (size_t)len, &pc->confdir) ||
	    strlen(pc->confdir) != len || !take_tag(&c, "conf"))
		return false;
	if (c.p + 3 <= c.end && memcmp(c.p, " -\n", 3) == 0)
		c.p += 3;
	else if (take_num(&c, SIZE_MAX / 2, &len) && take_nl(&c) &&
	    take_bytes(&c, (size_t)len, &pc->conf)) {
		pc->have_conf = true;
		pc->conflen = (size_t)len;
	} else
		return false;
	return parse_files(&c, pc) && parse_stamps(&c, pc) &&
	    parse_rules(&c, pc) && parse_keys(&c, pc) && c.p == c.end;
}

/* The names are followed by their text: give each its own NUL. */
static bool
split_names(struct pcache *pc)
{
	for (size_t i = 0; i < pc->nfiles; i++) {
		struct pc_file *f = &pc->files[i];
		size_t nl = (size_t)(f->text - f->name);
		char *n = strndup(f->name, nl);

		if (n == NULL)
			return false;
		f->name = n;
		pc->nnames++;
	}
	return true;
}

struct pcache *
pcache_read(const char *path)
{
	struct pcache *pc;
	struct rg_err e;
	struct stat st;
	FILE *fp;
	ssize_t got;

	if ((fp = filesafe_open(path, &e)) == NULL)
		return NULL;
	if (fstat(fileno(fp), &st) < 0 || st.st_size <= 0 ||
	    (uint64_t)st.st_size > PC_MAX_SIZE ||
	    (pc = calloc(1, sizeof(*pc))) == NULL) {
		fclose(fp);
		return NULL;
	}
	pc->len = (size_t)st.st_size;
	if ((pc->buf = malloc(pc->len + 1)) == NULL) {
		fclose(fp);
		free(pc);
		return NULL;
	}
	/* one read of the size fstat gave (+1: it must not have grown) */
	do
		got = read(fileno(fp), pc->buf, pc->len + 1);
	while (got < 0 && errno == EINTR);
	fclose(fp);
	if (got < 0 || (size_t)got != pc->len) {
		pcache_free(pc);
		return NULL;
	}
	pc->buf[pc->len] = '\0';
	if (!parse(pc)) {
		pcache_free(pc);
		return NULL;
	}
	if (!split_names(pc)) {
		pcache_free(pc);
		return NULL;
	}
	return pc;
}

void
pcache_free(struct pcache *pc)
{
	if (pc == NULL)
		return;
	for (size_t i = 0; i < pc->nnames; i++)
		free(pc->files[i].name);
	free(pc->buf);
	free(pc->files);
	free(pc->stamps);
	free(pc->rules);
	free(pc->keys);
	free(pc);
}

bool
pcache_same_conf(const struct pcache *pc, const char *confdir,
    const char *conf, size_t conflen)
{
	if (strcmp(pc->confdir, confdir) != 0)
		return false;
	if (conf == NULL)
		return !pc->have_conf;
	return pc->have_conf && pc->conflen == conflen &&
	    memcmp(pc->conf, conf, conflen) == 0;
}

size_t
pcache_nfiles(const struct pcache *pc)
{
	return pc->nfiles;
}

const char *
pcache_file(const struct pcache *pc, size_t i, const char **text,
    size_t *len)
{
	*text = pc->files[i].text;
	*len = pc->files[i].len;
	return pc->files[i].name;
}

bool
pcache_stamps_hold(const struct pcache *pc)
{
	for (size_t i = 0; i < pc->nstamps; i++) {
		const struct pc_stamp *s = &pc->stamps[i];
		struct stat st;

		if (lstat(s->path, &st) < 0) {
			if (s->exists || errno != ENOENT)
				return false;
			continue;
		}
		if (!s->exists || (uint64_t)st.st_dev != s->dev ||
		    (uint64_t)st.st_ino != s->ino ||
		    (uint64_t)st.st_mode != s->mode ||
		    (uint64_t)st.st_size != s->size ||
		    (uint64_t)st.st_mtim.tv_sec != s->ms ||
		    (uint64_t)st.st_mtim.tv_nsec != s->mns ||
		    (uint64_t)st.st_ctim.tv_sec != s->cs ||
		    (uint64_t)st.st_ctim.tv_nsec != s->cns)
			return false;
	}
	return true;
}

size_t
pcache_lookup(const struct pcache *pc, const char *key, size_t *idx,
    size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < pc->nkeys; i++) {
		size_t r = pc->keys[i].rule;

		if (strcmp(pc->keys[i].key, key) != 0)
			continue;
		/* keys are in rule order: a repeat is the previous one */
		if (n > 0 && n <= max && idx[n - 1] == r)
			continue;
		if (n < max)
			idx[n] = r;
		n++;
	}
	return n;
}

void
pcache_rule(const struct pcache *pc, size_t i, size_t *file, size_t *off,
    size_t *len, unsigned *line)
{
	*file = pc->rules[i].file;
	*off = pc->rules[i].off;
	*len = pc->rules[i].len;
	*line = pc->rules[i].line;
}
