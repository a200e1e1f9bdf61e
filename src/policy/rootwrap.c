/* SPDX-License-Identifier: ISC */
/*
 * rootwrap.c - oslo.rootwrap configurations -> struct rule (rootwrap.h).
 * Translation only: the decisions are match.c's.
 *
 * Invariants:
 * 1. Each filter class becomes a pattern that fits exactly the argv its
 *    match() accepts, over argv[0] included (cmd_in_pattern), with the
 *    fail-open cases of doc/rootwrap-compat.md refused instead.
 * 2. A filter that oslo.rootwrap can never match (no patterns, a
 *    ChainingFilter, an IpNetnsExecFilter not run as root, an EnvFilter
 *    without variables) becomes no rule: it cannot change a decision.
 * 3. Executables are resolved once, here, as get_exec() does: an absolute
 *    exec_path if access(X_OK), else the first exec_dirs entry where
 *    exec_path passes access(X_OK). None: the rule is inactive (96).
 * 4. Every error of every file is reported; any error means no policy.
 *    Duplicate names in a file, unknown classes, unsafe or malformed
 *    files are errors (oslo.rootwrap skips, replaces or crashes).
 * 5. Every rule gets the compatibility profile (sandbox off, descendants
 *    kept: run.c invariant 4), unless rootwrap.conf's [rootgate] section
 *    selects its filter; then it gets the native sandbox, built by the
 *    native key parsers (rulekeys_sandbox). Never the implicit
 *    privsep-helper rule, whose daemon must outlive it. An entry of the
 *    section that names no filter, or applies to no sandboxed one, is an
 *    error: nothing in it is silently ignored.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "constraint.h"
#include "diag.h"
#include "filesafe.h"
#include "loadcache.h"
#include "policy.h"
#include "rootwrap.h"
#include "rulekeys.h"
#include "rwini.h"
#include "rx.h"
#include "strv.h"

#define RW_MAX_FILE	((size_t)1024 * 1024)	/* bytes of one file */
#define RW_MAX_CKS	64		/* constraints of one filter */
#define RG_IMPLICIT	"(implicit)"	/* file of the privsep-helper rule */

static const char *const netns_words[] = { "net", "netn", "netns" };
static const char *const exec_words[] = { "e", "ex", "exe", "exec" };

struct fctx {
	const char *file;
	unsigned line;
	const char *name;
	const struct rw_conf *conf;
	const struct rw_opts *o;
	struct rg_errlist *errs;
};

/* --- rootwrap.conf ---------------------------------------------------- */

struct facility {
	const char *name;
	int code;
};

/* SysLogHandler's LOG_* attributes, then its facility_names */
static const struct facility facilities[] = {
	{ "LOG_ALERT", 1 }, { "LOG_AUTH", 4 }, { "LOG_AUTHPRIV", 10 },
	{ "LOG_CONSOLE", 14 }, { "LOG_CRIT", 2 }, { "LOG_CRON", 9 },
	{ "LOG_DAEMON", 3 }, { "LOG_DEBUG", 7 }, { "LOG_EMERG", 0 },
	{ "LOG_ERR", 3 }, { "LOG_FTP", 11 }, { "LOG_INFO", 6 },
	{ "LOG_KERN", 0 }, { "LOG_LOCAL0", 16 }, { "LOG_LOCAL1", 17 },
	{ "LOG_LOCAL2", 18 }, { "LOG_LOCAL3", 19 }, { "LOG_LOCAL4", 20 },
	{ "LOG_LOCAL5", 21 }, { "LOG_LOCAL6", 22 }, { "LOG_LOCAL7", 23 },
	{ "LOG_LPR", 6 }, { "LOG_MAIL", 2 }, { "LOG_NEWS", 7 },
	{ "LOG_NOTICE", 5 }, { "LOG_NTP", 12 }, { "LOG_SECURITY", 13 },
	{ "LOG_SOLCRON", 15 }, { "LOG_SYSLOG", 5 }, { "LOG_USER", 1 },
	{ "LOG_UUCP", 8 }, { "LOG_WARNING", 4 },
	{ "auth", 4 }, { "authpriv", 10 }, { "console", 14 }, { "cron", 9 },
	{ "daemon", 3 }, { "ftp", 11 }, { "kern", 0 }, { "lpr", 6 },
	{ "mail", 2 }, { "news", 7 }, { "ntp", 12 }, { "security", 13 },
	{ "solaris-cron", 15 }, { "syslog", 5 }, { "user", 1 },
	{ "uucp", 8 }, { "local0", 16 }, { "local1", 17 }, { "local2", 18 },
	{ "local3", 19 }, { "local4", 20 }, { "local5", 21 },
	{ "local6", 22 }, { "local7", 23 },
};

static const struct facility levels[] = {
	{ "CRITICAL", 50 }, { "FATAL", 50 }, { "ERROR", 40 },
	{ "WARNING", 30 }, { "WARN", 30 }, { "INFO", 20 }, { "DEBUG", 10 },
	{ "NOTSET", 0 },
};

/* Python's repr() of a str, enough for the messages oslo prints */
static void
py_repr(const char *s, char *buf, size_t len)
{
	char qc = strchr(s, '\'') != NULL && strchr(s, '"') == NULL ? '"' :
	    '\'';
	size_t o = 0;

	if (len < 3)
		return;
	buf[o++] = qc;
	for (; *s && o + 6 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\' || c == (unsigned char)qc)
			o += (size_t)snprintf(buf + o, len - o, "\\%c", c);
		else if (c == '\n')
			o += (size_t)snprintf(buf + o, len - o, "\\n");
		else if (c == '\t')
			o += (size_t)snprintf(buf + o, len - o, "\\t");
		else if (c == '\r')
			o += (size_t)snprintf(buf + o, len - o, "\\r");
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o++] = qc;
	buf[o] = '\0';
}

static bool
py_isspace(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c &&
	    c <= 0x1f);
}

/* Python int(): blanks around, a sign, ASCII digits with single '_'
 * between them. (Non-ASCII digits are refused: doc/rootwrap-compat.md.) */
static int
py_int(const char *s, long long *out)
{
	const char *p = s, *end = s + strlen(s);
	long long v = 0;
	bool neg = false, digit = false;

	while (p < end && py_isspace(*p))
		p++;
	while (end > p && py_isspace(end[-1]))
		end--;
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	for (; p < end; p++) {
		if (*p == '_' && digit && p + 1 < end && p[1] >= '0' &&
		    p[1] <= '9')
			continue;
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (LLONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*p - '0');
		digit = true;
	}
	if (!digit)
		return -1;
	*out = neg ? -v : v;
	return 0;
}

static int
py_bool(const char *v, bool *out)
{
	static const char *const t[] = { "1", "yes", "true", "on" };
	static const char *const f[] = { "0", "no", "false", "off" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, t[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(v, f[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

static int
split_push(char ***v, size_t *n, const char *s, char sep)
{
	for (;;) {
		const char *e = strchr(s, sep);
		char *w = e != NULL ? strndup(s, (size_t)(e - s)) : strdup(s);

		if (w == NULL || strv_push_owned(v, n, w) < 0)
			return -1;
		if (e == NULL)
			return 0;
		s = e + 1;
	}
}

static enum rw_status
conf_ints(const struct rwini_section *d, const char *name,
    struct rw_conf *c, struct rg_err *err)
{
	static const char *const keys[] = { "daemon_timeout", "rlimit_nofile" };
	long long *dst[] = { &c->daemon_timeout, &c->rlimit_nofile };
	const struct rwini_kv *kv;
	char r[256];

	for (size_t i = 0; i < 2; i++) {
		if ((kv = rwini_get(d, keys[i])) == NULL)
			continue;
		if (py_int(kv->value, dst[i]) < 0) {
			py_repr(kv->value, r, sizeof(r));
			rg_err_set(err, name, kv->line, 0, "invalid literal for "
			    "int() with base 10: %s", r);
			return RW_BADVALUE;
		}
	}
	if (c->rlimit_nofile <= 0) {
		/* oslo.rootwrap closes its stdio and dies without a word */
		rg_err_set(err, name, 0, 0, "rlimit_nofile must be positive");
		return RW_BADVALUE;
	}
	return RW_OK;
}

static enum rw_status
conf_values(const struct rwini_section *d, const char *name,
    const struct rw_opts *o, struct rw_conf *c, struct rg_err *err)
{
	const struct rwini_kv *kv;
	char up[64], r[256];
	size_t i;

	if ((kv = rwini_get(d, "filters_path")) == NULL)
		return rg_err_set(err, name, 0, 0, "%s", ""), RW_BADCONF;
	if (split_push(&c->filters_path, &c->nfilters_path, kv->value, ',') < 0)
		return rg_err_set(err, name, 0, ENOMEM, "out of memory"),
		    RW_BADCONF;
	if ((kv = rwini_get(d, "exec_dirs")) != NULL ? split_push(&c->exec_dirs,
	    &c->nexec_dirs, kv->value, ',') < 0 : o->path_env != NULL &&
	    split_push(&c->exec_dirs, &c->nexec_dirs, o->path_env, ':') < 0)
		return rg_err_set(err, name, 0, ENOMEM, "out of memory"),
		    RW_BADCONF;
	if ((kv = rwini_get(d, "syslog_log_facility")) != NULL) {
		for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
			if (strcmp(kv->value, facilities[i].name) == 0)
				break;
		if (i == sizeof(facilities) / sizeof(facilities[0]))
			return rg_err_set(err, name, kv->line, 0, "Unexpected "
			    "syslog_log_facility: %s", kv->value), RW_BADVALUE;
		c->syslog_facility = facilities[i].code;
	}
	if ((kv = rwini_get(d, "syslog_log_level")) != NULL) {
		size_t n = strlen(kv->value);

		for (i = 0; i < n && i + 1 < sizeof(up); i++)
			/* ASCII only, whatever the locale */
			up[i] = (char)(kv->value[i] >= 'a' && kv->value[i] <=
			    'z' ? kv->value[i] - 'a' + 'A' : kv->value[i]);
		up[i] = '\0';
		for (i = 0; n < sizeof(up) && i < sizeof(levels) /
		    sizeof(levels[0]); i++)
			if (strcmp(up, levels[i].name) == 0)
				break;
		if (n >= sizeof(up) || i == sizeof(levels) / sizeof(levels[0])) {
			py_repr(kv->value, r, sizeof(r));
			return rg_err_set(err, name, kv->line, 0, "Unexpected "
			    "syslog_log_level: %s", r), RW_BADVALUE;
		}
		c->syslog_level = levels[i].code;
	}
	if ((kv = rwini_get(d, "use_syslog")) != NULL &&
	    py_bool(kv->value, &c->use_syslog) < 0)
		return rg_err_set(err, name, kv->line, 0, "Not a boolean: %s",
		    kv->value), RW_BADVALUE;
	if (conf_ints(d, name, c, err) != RW_OK)
		return RW_BADVALUE;
	/* rootgate's own option: oslo.rootwrap ignores unknown options */
	if ((kv = rwini_get(d, "rootgate_privsep_helper")) != NULL &&
	    py_bool(kv->value, &c->privsep_helper) < 0)
		return rg_err_set(err, name, kv->line, 0, "Not a boolean: %s",
		    kv->value), RW_BADVALUE;
	return RW_OK;
}

/* Keep the [rootgate] section for rootwrap_apply_rootgate. */
static int
take_rootgate(struct rwini *ini, const char *name, struct rw_conf *c)
{
	if ((c->name = strdup(name)) == NULL)
		return -1;
	for (size_t i = 0; i < ini->nsec; i++)
		if (strcmp(ini->sec[i].name, "rootgate") == 0) {
			c->rg = ini->sec[i].kv;
			c->nrg = ini->sec[i].nkv;
			ini->sec[i].kv = NULL;
			ini->sec[i].nkv = 0;
		}
	return 0;
}

enum rw_status
rootwrap_parse_conf(const char *buf, size_t len, const char *name,
    const struct rw_opts *o, struct rw_conf *c, struct rg_err *err)
{
	struct rwini ini = { 0 };	/* rwini_parse fills it */
	enum rw_status st;

	memset(c, 0, sizeof(*c));
	c->syslog_facility = 5;
	c->syslog_level = 40;
	c->daemon_timeout = 600;
	c->rlimit_nofile = 1024;
	c->privsep_helper = true;
	if (rwini_parse(buf, len, true, name, &ini, err) < 0) {
		rwini_free(&ini);
		/* oslo says only "Incorrect configuration file" */
		err->msg[0] = '\0';
		return RW_BADCONF;
	}
	st = conf_values(&ini.defaults, name, o, c, err);
	if (st == RW_OK && take_rootgate(&ini, name, c) < 0) {
		rg_err_set(err, name, 0, ENOMEM, "out of memory");
		st = RW_BADCONF;
	}
	rwini_free(&ini);
	return st;
}

static char *
slurp(FILE *fp, size_t *len)
{
	char *buf = malloc(RW_MAX_FILE + 1);
	size_t n;

	if (buf == NULL)
		return NULL;
	n = fread(buf, 1, RW_MAX_FILE + 1, fp);
	if (ferror(fp) || n > RW_MAX_FILE) {
		free(buf);
		errno = ferror(fp) ? EIO : EFBIG;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static FILE *
open_safe(const char *path, const struct rw_opts *o, struct rg_err *err)
{
	FILE *fp;

	if (!o->skip_file_safety)
		return filesafe_open(path, err);
	if ((fp = fopen(path, "re")) == NULL)
		rg_err_set(err, path, 0, errno, "unable to open: %s",
		    strerror(errno));
	return fp;
}

enum rw_status
rootwrap_read_conf(const char *path, const struct rw_opts *o,
    struct rw_conf *c, struct rg_err *err)
{
	struct stat sb;
	enum rw_status st;
	size_t len;
	char *buf;
	FILE *fp;

	memset(c, 0, sizeof(*c));
	if (stat(path, &sb) < 0) {
		/* RawConfigParser.read() skips it: no filters_path */
		rg_err_set(err, path, 0, 0, "%s", "");
		return RW_BADCONF;
	}
	if ((fp = open_safe(path, o, err)) == NULL)
		return RW_BADCONF;
	buf = slurp(fp, &len);
	fclose(fp);
	if (buf == NULL) {
		rg_err_set(err, path, 0, errno, "unable to read: %s",
		    strerror(errno));
		return RW_BADCONF;
	}
	st = rootwrap_parse_conf(buf, len, path, o, c, err);
	free(buf);
	return st;
}

void
rootwrap_conf_free(struct rw_conf *c)
{
	strv_free(c->filters_path, c->nfilters_path);
	strv_free(c->exec_dirs, c->nexec_dirs);
	for (size_t i = 0; i < c->nrg; i++) {
		free(c->rg[i].key);
		free(c->rg[i].value);
	}
	free(c->rg);
	free(c->name);
	memset(c, 0, sizeof(*c));
}

/* --- building rules ------------------------------------------------------ */

static struct constraint *
ck_add(struct rule *r, enum ck_kind kind, const char *name, const char *src,
    unsigned flags)
{
	struct constraint *ck;

	if (r->ncks == RW_MAX_CKS)
		return NULL;
	ck = &r->cks[r->ncks++];
	ck->kind = kind;
	ck->flags = flags;
	ck->used = true;
	ck->line = r->line;
	if ((ck->name = strdup(name)) == NULL ||
	    (ck->src = strdup(src)) == NULL)
		return NULL;
	return ck;
}

static struct constraint *
ck_set(struct rule *r, const char *name, const char *const *w, size_t nw,
    unsigned flags)
{
	char src[256] = "set";
	struct constraint *ck;

	for (size_t i = 0; i < nw; i++) {
		strlcat(src, " ", sizeof(src));
		strlcat(src, w[i][0] ? w[i] : "''", sizeof(src));
	}
	if ((ck = ck_add(r, CK_SET, name, src, flags)) == NULL)
		return NULL;
	for (size_t i = 0; i < nw; i++)
		if (strv_find(ck->u.set.words, ck->u.set.nwords, w[i]) < 0 &&
		    strv_push(&ck->u.set.words, &ck->u.set.nwords, w[i]) < 0)
			return NULL;
	return ck;
}

/* a new zeroed element at the end of seq->kids (valid until the next) */
static struct pel *
kid(struct pel *seq, enum pe_kind kind, unsigned flags)
{
	struct pel *v = vec_room(seq->kids, seq->nkids, sizeof(*v));

	if (v == NULL)
		return NULL;
	seq->kids = v;
	v = &seq->kids[seq->nkids++];
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->flags = flags;
	return v;
}

static int
param(struct pel *seq, const struct constraint *ck, unsigned flags,
    bool optional, bool repeat)
{
	struct pel *e;

	if (ck == NULL || (e = kid(seq, PE_PARAM, flags)) == NULL)
		return -1;
	/* as the native parser builds a parameter: empty prefix, suffix */
	if ((e->lit = strdup("")) == NULL || (e->suffix = strdup("")) == NULL)
		return -1;
	e->ck = ck;
	e->optional = optional;
	e->repeat = repeat;
	return 0;
}

static int
literal(struct pel *seq, const char *w, unsigned flags)
{
	struct pel *e = kid(seq, PE_LITERAL, flags);

	return e != NULL && (e->lit = strdup(w)) != NULL ? 0 : -1;
}

static int
any_tail(struct rule *r, struct pel *seq)
{
	return param(seq, ck_add(r, CK_ANY, "args", "any", 0), 0, true, true);
}

/* argv[0] == basename(exec_path) or == exec_path (CommandFilter.match) */
static int
cmd_word(struct rule *r, struct pel *seq, const char *exec_path)
{
	const char *base = strrchr(exec_path, '/');
	const char *w[2] = { base != NULL ? base + 1 : exec_path, exec_path };

	return param(seq, ck_set(r, "command", w, 2, CKF_DASH_OK), PEF_CMD,
	    false, false);
}

/* get_exec(): invariant 3 */
static char *
resolve_exec(const char *exec_path, const struct rw_conf *c)
{
	if (exec_path[0] == '/')
		return access(exec_path, X_OK) == 0 ? strdup(exec_path) : NULL;
	for (size_t i = 0; i < c->nexec_dirs; i++) {
		const char *d = c->exec_dirs[i];
		size_t dl = strlen(d);
		char *p;

		/* os.path.join(d, exec_path) */
		if (asprintf(&p, "%s%s%s", d, dl > 0 && d[dl - 1] != '/' ?
		    "/" : "", exec_path) < 0)
			return NULL;
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

static int
set_exec(struct rule *r, const char *exec_path, const struct rw_conf *c)
{
	const char *base = strrchr(exec_path, '/');
	char real[PATH_MAX];
	char *res = resolve_exec(exec_path, c);

	if ((r->exec_src = strdup(exec_path)) == NULL ||
	    (r->cmdname = strdup(base != NULL ? base + 1 : exec_path)) ==
	    NULL) {
		free(res);
		return -1;
	}
	if (res == NULL) {
		r->inactive = true;
		return (r->exec = strdup(exec_path)) != NULL ? 0 : -1;
	}
	r->exec = res;
	/* what execfd_open opens: the checked file, not a PATH lookup */
	if (realpath(res, real) != NULL && (r->exec_real = strdup(real)) ==
	    NULL)
		return -1;
	return 0;
}

static int
set_user(struct rule *r, const char *run_as)
{
	gid_t ignored;

	if ((r->user = strdup(run_as)) == NULL ||
	    (r->group = strdup("root")) == NULL)
		return -1;
	/* oslo.rootwrap: setuid(run_as) in the child, gid stays 0 (root
	 * itself is not looked up: loadcache.c) */
	r->gid = 0;
	if (run_as[0] != '\0' &&
	    loadcache_user(NULL, run_as, &r->uid, &ignored) == 0)
		return 0;
	r->uid = (uid_t)-1;
	return asprintf(&r->unusable, "unknown run-as user '%s'", run_as) <
	    0 ? -1 : 0;
}

/* A rule for filter line value, running exec_path as run_as. */
static struct rule *
new_rule(struct policy *p, const struct fctx *f, const char *value,
    const char *exec_path, const char *run_as)
{
	struct rule *r;

	if (policy_rules_room(p, 1) < 0)
		return NULL;
	r = &p->rules[p->nrules++];
	memset(r, 0, sizeof(*r));
	r->origin = RO_ROOTWRAP;
	r->line = f->line;
	r->cmd_in_pattern = true;
	r->env_passthrough = true;
	r->sbx.enabled = false;	/* the compatibility profile */
	r->sbx.keep_descendants = true;
	r->sbx.umask = 022;
	r->pattern.kind = PE_SEQ;
	if ((r->name = strdup(f->name)) == NULL ||
	    (r->file = strdup(f->file)) == NULL ||
	    (r->description = strdup(value)) == NULL ||
	    (r->cks = calloc(RW_MAX_CKS, sizeof(*r->cks))) == NULL ||
	    set_exec(r, exec_path, f->conf) < 0 || set_user(r, run_as) < 0)
		return NULL;
	return r;
}

/* --- regular expressions ------------------------------------------------ */

static bool
rx_escape_ok(const char **sp, bool in_class)
{
	const char *s = *sp;
	char c = s[1];

	if (c == '\0')
		return false;	/* Python: "\$" after the appended '$' */
	if (c == 'x') {
		if (!isxdigit((unsigned char)s[2]) ||
		    !isxdigit((unsigned char)s[3]))
			return false;
		*sp = s + 3;
		return true;
	}
	*sp = s + 1;
	if (strchr("dDwWsStnrf", c) != NULL)
		return true;
	if (c == 'b')
		return true;	/* boundary; backspace in a class: both */
	if (!in_class && strchr("BA", c) != NULL)
		return true;
	if (!in_class && c >= '1' && c <= '9' && !isdigit((unsigned char)s[2]))
		return true;
	/* other letters and digits differ (\v, \Z, \h, \K, \p, \0...) */
	return !isalnum((unsigned char)c);
}

static bool
rx_group_ok(const char **sp, bool at_start)
{
	const char *s = *sp + 1;	/* after '(' */

	if (*s != '?')
		return true;
	if (strncmp(s, "?:", 2) == 0 || strncmp(s, "?=", 2) == 0 ||
	    strncmp(s, "?!", 2) == 0 || strncmp(s, "?>", 2) == 0) {
		*sp = s + 1;
		return true;
	}
	if (strncmp(s, "?<=", 3) == 0 || strncmp(s, "?<!", 3) == 0) {
		*sp = s + 2;
		return true;
	}
	if (strncmp(s, "?P<", 3) == 0) {
		const char *e = s + 3;

		while (isalnum((unsigned char)*e) || *e == '_')
			e++;
		if (*e != '>' || e == s + 3)
			return false;
		*sp = e;
		return true;
	}
	if (at_start) {
		/* global flags, only at the start on Python 3.11 */
		size_t n = strspn(s + 1, "imsx");

		if (n > 0 && s[1 + n] == ')') {
			*sp = s + 1 + n;
			return true;
		}
	}
	return false;
}

/*
 * True when the pattern uses only syntax that Python's re and PCRE2 (UTF,
 * UCP) read alike; otherwise the filter's regex constraints are
 * CKF_UNSURE (a fit is refused, never guessed).
 */
static bool
rx_portable(const char *p)
{
	for (const char *s = p; *s; s++) {
		switch (*s) {
		case '\\':
			if (!rx_escape_ok(&s, false))
				return false;
			break;
		case '(':
			if (!rx_group_ok(&s, s == p))
				return false;
			break;
		case '{':
			if (s[1] == ',')
				return false;
			break;
		case '[':
			s++;
			if (*s == '^')
				s++;
			if (*s == ']')
				s++;
			for (; *s && *s != ']'; s++) {
				if (*s == '[' && s[1] != '\0' &&
				    strchr(":=.", s[1]) != NULL)
					return false;
				if (*s == '\\' && !rx_escape_ok(&s, true))
					return false;
			}
			if (*s == '\0')
				return false;
			break;
		default:
			break;
		}
	}
	return true;
}

static int
regex_param(struct rule *r, struct pel *seq, const char *pat, unsigned pflags)
{
	char err[200], name[32];
	struct constraint *ck;
	unsigned fl = CKF_DASH_OK;
	struct rx *rx = NULL;

	if (rx_portable(pat))
		rx = rx_compile(pat, RX_UCP, err, sizeof(err));
	if (rx == NULL)
		fl |= CKF_UNSURE;
	snprintf(name, sizeof(name), "arg%zu", r->ncks);
	if ((ck = ck_add(r, CK_REGEX, name, pat, fl)) == NULL) {
		rx_free(rx);
		return -1;
	}
	ck->u.rx = rx;
	if (rx != NULL) {
		/* what oslo.rootwrap compiles: the pattern + "$", re.match */
		char *py;

		if (asprintf(&py, "%s$", pat) < 0)
			return -1;
		ck->rx_py = rx_compile(py, RX_UCP | RX_NOEND, err, sizeof(err));
		free(py);
	}
	return param(seq, ck, pflags, false, false);
}

/* --- filter classes ----------------------------------------------------- */

typedef int (*class_fn)(struct policy *, const struct fctx *, const char *,
    char **, size_t);

static int
ferr(const struct fctx *f, const char *cls, const char *what)
{
	rg_errlist_add(f->errs, 0, f->file, f->line, "%s: %s needs %s",
	    f->name, cls, what);
	return -1;
}

static int
c_command(struct policy *p, const struct fctx *f, const char *v, char **a,
    size_t n)
{
	struct rule *r;

	if (n < 2)
		return ferr(f, "CommandFilter", "an executable and a user");
	if ((r = new_rule(p, f, v, a[0], a[1])) == NULL ||
	    cmd_word(r, &r->pattern, a[0]) < 0 || any_tail(r, &r->pattern) < 0)
		return -1;
	return 0;
}

static int
c_regexp(struct policy *p, const struct fctx *f, const char *v, char **a,
    size_t n)
{
	struct rule *r;

	if (n < 2)
		return ferr(f, "RegExpFilter", "an executable and a user");
	if (n == 2)
		return 0;	/* no patterns: never matches (invariant 2) */
	if ((r = new_rule(p, f, v, a[0], a[1])) == NULL)
		return -1;
	/* argv[0] is matched by the first pattern only, never exec_path */
	for (size_t i = 2; i < n; i++)
		if (regex_param(r, &r->pattern, a[i], i == 2 ? PEF_CMD : 0) < 0)
			return -1;
	return 0;
}

static int
c_path(struct policy *p, const struct fctx *f, const char *v, char **a,
    size_t n)
{
	struct rule *r;

	if (n < 2)
		return ferr(f, "PathFilter", "an executable and a user");
	if (n == 2)
		return 0;	/* needs an argument per constraint: none */
	if ((r = new_rule(p, f, v, a[0], a[1])) == NULL ||
	    cmd_word(r, &r->pattern, a[0]) < 0)
		return -1;
	for (size_t i = 2; i < n; i++) {
		struct constraint *ck;
		char name[32];
		int rc;

		snprintf(name, sizeof(name), "arg%zu", i - 1);
		if (strcmp(a[i], "pass") == 0)
			rc = param(&r->pattern, ck_add(r, CK_ANY, name, "any",
			    0), 0, false, false);
		else if (a[i][0] != '/')
			rc = literal(&r->pattern, a[i], 0);
		else if ((ck = ck_add(r, CK_REALPATH, name, a[i],
		    CKF_DASH_OK | CKF_CANON_OUT)) == NULL ||
		    (ck->u.path.prefix = strdup(a[i])) == NULL)
			rc = -1;
		else
			rc = param(&r->pattern, ck, 0, false, false);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
c_kill(struct policy *p, const struct fctx *f, const char *v, char **a,
    size_t n)
{
	struct constraint *ck;
	struct rule *r;

	if (n < 2)
		return ferr(f, "KillFilter", "a user and a program");
	if ((r = new_rule(p, f, v, "/bin/kill", a[0])) == NULL ||
	    literal(&r->pattern, "kill", PEF_CMD) < 0)
		return -1;
	if (n > 2 && param(&r->pattern, ck_set(r, "signal",
	    (const char *const *)a + 2, n - 2, CKF_DASH_OK), 0, false,
	    false) < 0)
		return -1;
	if ((ck = ck_add(r, CK_PROCEXE, "pid", a[1], 0)) == NULL ||
	    (ck->u.proc.target = strdup(a[1])) == NULL ||
	    (f->o->path_env != NULL && split_push(&ck->u.proc.dirs,
	    &ck->u.proc.ndirs, f->o->path_env, ':') < 0))
		return -1;
	return param(&r->pattern, ck, 0, false, false);
}

static int
c_readfile(struct policy *p, const struct fctx *f, const char *v, char **a,
    size_t n)
{
	struct rule *r;

	if (n < 1)
		return ferr(f, "ReadFileFilter", "a file");
	if ((r = new_rule(p, f, v, "/bin/cat", "root")) == NULL ||
	    literal(&r->pattern, "cat", PEF_CMD) < 0 ||
	    literal(&r->pattern, a[0], 0) < 0)
		return -1;
	return 0;
}

/* [ NOT-netns ]... [ netns [ NOT-exec [ any ]... ] ] */
static int
c_ip(struct policy *p, const struct fctx *f, const char *v, char **a,
    size_t n)
{
	struct pel *g, *h;
	struct rule *r;

	if (n < 2)
		return ferr(f, "IpFilter", "an executable and a user");
	/* argv[0] must be "ip"; exec_path is not compared (as oslo) */
	if ((r = new_rule(p, f, v, a[0], a[1])) == NULL ||
	    literal(&r->pattern, "ip", PEF_CMD) < 0 ||
	    param(&r->pattern, ck_set(r, "word", netns_words, 3, CKF_NOT |
	    CKF_DASH_OK), 0, true, true) < 0 ||
	    (g = kid(&r->pattern, PE_SEQ, 0)) == NULL)
		return -1;
	g->optional = true;
	if (param(g, ck_set(r, "netns", netns_words, 3, 0), 0, false,
	    false) < 0 || (h = kid(g, PE_SEQ, 0)) == NULL)
		return -1;
	h->optional = true;
	if (param(h, ck_set(r, "not-exec", exec_words, 4, CKF_NOT |
	    CKF_DASH_OK), 0, false, false) < 0 || any_tail(r, h) < 0)
		return -1;
	return 0;
}

/* distinct names of the leading NAME=... fields */
static size_t
env_names(char **a, size_t n, char ***names, size_t *nnames)
{
	size_t i;

	for (i = 0; i < n && strchr(a[i], '=') != NULL; i++) {
		char *nm = strndup(a[i], (size_t)(strchr(a[i], '=') - a[i]));

		if (nm == NULL)
			return (size_t)-1;
		if (strv_find(*names, *nnames, nm) >= 0)
			free(nm);
		else if (strv_push_owned(names, nnames, nm) < 0)
			return (size_t)-1;
	}
	return i;
}

static int
c_env_pattern(struct rule *r, const char *exec_path, char **names,
    size_t k, size_t nargs)
{
	struct pel *u = kid(&r->pattern, PE_UNORDERED, 0);
	size_t min;

	if (u == NULL)
		return -1;
	for (size_t i = 0; i < k; i++) {
		struct pel *m, *t;
		char *lit;

		if ((m = kid(u, PE_SEQ, 0)) == NULL ||
		    (t = kid(m, PE_TEMPLATE, PEF_ENV)) == NULL ||
		    asprintf(&lit, "%s=", names[i]) < 0)
			return -1;
		t->lit = lit;
		if ((t->suffix = strdup("")) == NULL || (t->ck = ck_add(r,
		    CK_ANY, names[i], "any", 0)) == NULL)
			return -1;
	}
	if (cmd_word(r, &r->pattern, exec_path) < 0)
		return -1;
	/* the filter's fields after the command only set a minimum length */
	min = nargs > k + 1 ? nargs - k - 1 : 0;
	for (size_t i = 0; i < min; i++)
		if (param(&r->pattern, ck_add(r, CK_ANY, "arg", "any", 0), 0,
		    false, false) < 0)
			return -1;
	return any_tail(r, &r->pattern);
}

static int
c_env(struct policy *p, const struct fctx *f, const char *v, char **a,
    size_t n)
{
	char **names = NULL;
	size_t nnames = 0, nvars;
	const char *exec_path;
	struct rule *r;
	int rc = -1;

	if (n < 2)
		return ferr(f, "EnvFilter", "an executable and a user");
	if ((nvars = env_names(a + 2, n - 2, &names, &nnames)) == (size_t)-1)
		goto out;
	exec_path = a[0];
	/* oslo: "env" anywhere in exec_path: the command is field k */
	if (strstr(exec_path, "env") != NULL && nnames < n - 2)
		exec_path = a[2 + nnames];
	rc = 0;
	if (nnames == 0 || strchr(exec_path, '=') != NULL)
		goto out;	/* never matches here (invariant 2) */
	(void)nvars;
	rc = -1;
	if ((r = new_rule(p, f, v, exec_path, a[1])) == NULL ||
	    (r->strip_word = strdup("env")) == NULL ||
	    c_env_pattern(r, exec_path, names, nnames, n - 2) < 0)
		goto out;
	rc = 0;
out:
	strv_free(names, nnames);
	return rc;
}

static int
c_chaining(struct policy *p, const struct fctx *f, const char *v, char **a,
    size_t n)
{
	(void)p;
	(void)v;
	(void)a;
	if (n < 2)
		return ferr(f, "ChainingFilter", "an executable and a user");
	return 0;	/* its chained command is always empty: never allows */
}

static int
chain_tail(struct rule *r)
{
	r->is_chain = true;
	return param(&r->pattern, ck_add(r, CK_CHAIN, "command", "chain", 0),
	    0, false, false);
}

static int
c_netns(struct policy *p, const struct fctx *f, const char *v, char **a,
    size_t n)
{
	struct rule *r;

	if (n < 2)
		return ferr(f, "IpNetnsExecFilter", "an executable and a user");
	if (strcmp(a[1], "root") != 0)
		return 0;	/* never matches unless run as root */
	if ((r = new_rule(p, f, v, a[0], a[1])) == NULL ||
	    literal(&r->pattern, "ip", PEF_CMD) < 0 ||
	    param(&r->pattern, ck_set(r, "netns", netns_words, 3, 0), 0,
	    false, false) < 0 ||
	    param(&r->pattern, ck_set(r, "exec", exec_words, 4, 0), 0, false,
	    false) < 0 ||
	    param(&r->pattern, ck_add(r, CK_ANY, "namespace", "any", 0), 0,
	    false, false) < 0 || chain_tail(r) < 0)
		return -1;
	return 0;
}

static int
c_chainre(struct policy *p, const struct fctx *f, const char *v, char **a,
    size_t n)
{
	struct rule *r;

	if (n < 2)
		return ferr(f, "ChainingRegExpFilter",
		    "an executable and a user");
	if ((r = new_rule(p, f, v, a[0], a[1])) == NULL)
		return -1;
	for (size_t i = 2; i < n; i++)
		if (regex_param(r, &r->pattern, a[i], i == 2 ? PEF_CMD : 0) < 0)
			return -1;
	if (n == 2 && r->unusable == NULL && (r->unusable = strdup("a "
	    "ChainingRegExpFilter without patterns runs its own executable "
	    "in place of the chained command")) == NULL)
		return -1;
	return chain_tail(r);
}

struct fclass {
	const char *name;
	class_fn fn;
};

static const struct fclass classes[] = {
	{ "CommandFilter", c_command },
	{ "RegExpFilter", c_regexp },
	{ "PathFilter", c_path },
	{ "KillFilter", c_kill },
	{ "ReadFileFilter", c_readfile },
	{ "IpFilter", c_ip },
	{ "EnvFilter", c_env },
	{ "ChainingFilter", c_chaining },
	{ "IpNetnsExecFilter", c_netns },
	{ "ChainingRegExpFilter", c_chainre },
};

/* value.split(','), each piece stripped as Python's str.strip() */
static int
split_fields(const char *value, char ***out, size_t *n)
{
	if (split_push(out, n, value, ',') < 0)
		return -1;
	for (size_t i = 0; i < *n; i++) {
		char *s = (*out)[i], *e = s + strlen(s);
		size_t a = 0;

		while (s[a] != '\0' && py_isspace(s[a]))
			a++;
		while (e > s + a && py_isspace(e[-1]))
			e--;
		*e = '\0';
		memmove(s, s + a, (size_t)(e - s) - a + 1);
	}
	return 0;
}

static int
translate(struct policy *p, struct fctx *f, const struct rwini_kv *kv)
{
	char **fields = NULL;
	size_t nf = 0, before = p->nrules;
	size_t nerr = rg_errlist_nerrors(f->errs);
	int rc = -1;

	f->name = kv->key;
	f->line = kv->line;
	if (split_fields(kv->value, &fields, &nf) < 0) {
		strv_free(fields, nf);	/* the fields split so far */
		rg_errlist_add(f->errs, 0, f->file, f->line, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strcmp(fields[0], classes[i].name) == 0) {
			rc = classes[i].fn(p, f, kv->value, fields + 1, nf - 1);
			if (rc < 0 && rg_errlist_nerrors(f->errs) == nerr)
				rg_errlist_add(f->errs, 0, f->file, f->line,
				    "%s: out of memory", f->name);
			goto out;
		}
	rg_errlist_add(f->errs, 0, f->file, f->line, "%s: unknown filter "
	    "class '%s'", f->name, fields[0]);
out:
	if (rc < 0)
		while (p->nrules > before)
			policy_rule_clear(&p->rules[--p->nrules]);
	strv_free(fields, nf);
	return rc;
}

/* --- files -------------------------------------------------------------- */

/* items("Filters"): [DEFAULT] keys first, then [Filters] (invariant 4) */
static int
filter_items(const struct rwini *ini, struct fctx *f, struct policy *p)
{
	const struct rwini_section *fs = rwini_section(ini, "Filters");
	const struct rwini_section *sv[2] = { &ini->defaults, fs };
	size_t nerr = rg_errlist_nerrors(f->errs);

	if (fs == NULL) {
		rg_errlist_add(f->errs, 0, f->file, 0, "no [Filters] section");
		return -1;
	}
	for (size_t s = 0; s < 2; s++)
		for (size_t i = 0; i < sv[s]->nkv; i++) {
			const struct rwini_kv *kv = &sv[s]->kv[i];
			const struct rwini_kv *d = s == 1 ?
			    rwini_get(&ini->defaults, kv->key) : NULL;

			if (kv->dupline != 0 || d != NULL) {
				rg_errlist_add(f->errs, 0, f->file, kv->dupline ?
				    kv->dupline : kv->line, "duplicate filter "
				    "name '%s' (first on line %u)", kv->key,
				    d != NULL ? d->line : kv->line);
				continue;
			}
			translate(p, f, kv);
		}
	return rg_errlist_nerrors(f->errs) == nerr ? 0 : -1;
}

int
rootwrap_parse_filters(struct policy *p, const char *buf, size_t len,
    const char *file, const struct rw_conf *conf, const struct rw_opts *o,
    struct rg_errlist *errs)
{
	struct fctx f = { file, 0, "", conf, o, errs };
	struct rwini ini = { 0 };	/* rwini_parse fills it */
	struct rg_err e = { 0 };
	int rc;

	if (rwini_parse(buf, len, false, file, &ini, &e) < 0) {
		rg_errlist_add_err(errs, &e);
		rwini_free(&ini);
		return -1;
	}
	rc = filter_items(&ini, &f, p);
	rwini_free(&ini);
	return rc;
}

int
rootwrap_add_privsep(struct policy *p, const struct rw_conf *conf,
    struct rg_errlist *errs)
{
	static const struct rw_opts o = { NULL, false };
	struct fctx f = { RG_IMPLICIT, 0, "privsep-helper", conf, &o, errs };
	struct constraint *ck;
	struct pel *g;
	struct rule *r;
	char err[200];

	if (!conf->privsep_helper)
		return 0;
	/*
	 * oslo.privsep's helper_command(): the config files and directories
	 * of the service, then the context and the socket, in this order.
	 */
	if ((r = new_rule(p, &f, "CommandFilter, privsep-helper, root",
	    "privsep-helper", "root")) == NULL ||
	    cmd_word(r, &r->pattern, "privsep-helper") < 0)
		goto oom;
	if ((g = kid(&r->pattern, PE_SEQ, 0)) == NULL)
		goto oom;
	g->optional = g->repeat = true;
	if (literal(g, "--config-file", 0) < 0 || (ck = ck_add(r, CK_PATH,
	    "config-file", "path /etc file", 0)) == NULL ||
	    (ck->u.path.prefix = strdup("/etc")) == NULL)
		goto oom;
	ck->u.path.flags = CKP_FILE;
	if (param(g, ck, 0, false, false) < 0 ||
	    (g = kid(&r->pattern, PE_SEQ, 0)) == NULL)
		goto oom;
	g->optional = g->repeat = true;
	if (literal(g, "--config-dir", 0) < 0 || (ck = ck_add(r, CK_PATH,
	    "config-dir", "path /etc dir", 0)) == NULL ||
	    (ck->u.path.prefix = strdup("/etc")) == NULL)
		goto oom;
	ck->u.path.flags = CKP_DIR;
	if (param(g, ck, 0, false, false) < 0 ||
	    literal(&r->pattern, "--privsep_context", 0) < 0 ||
	    (ck = ck_add(r, CK_REGEX, "context", "regex "
	    "[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+", 0)) == NULL ||
	    (ck->u.rx = rx_compile(ck->src + 6, 0, err, sizeof(err))) == NULL ||
	    param(&r->pattern, ck, 0, false, false) < 0 ||
	    literal(&r->pattern, "--privsep_sock_path", 0) < 0 ||
	    (ck = ck_add(r, CK_REGEX, "socket", "regex "
	    "(?!.*/\\.\\.?/)(/[^/]+)+/privsep\\.sock", 0)) == NULL ||
	    (ck->u.rx = rx_compile(ck->src + 6, 0, err, sizeof(err))) == NULL ||
	    param(&r->pattern, ck, 0, false, false) < 0)
		goto oom;
	return 0;
oom:
	rg_errlist_add(errs, 0, f.file, 0, "privsep-helper: unable to build "
	    "the rule");
	return -1;
}

/* --- [rootgate]: the native sandbox for selected filters ------------- */

static int __attribute__((format(printf, 4, 5)))
rg_fail(const struct rw_conf *c, struct rg_errlist *errs,
    const struct rwini_kv *kv, const char *fmt, ...)
{
	char msg[RG_ERR_MSGLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rg_errlist_add(errs, 0, c->name, kv != NULL ? kv->line : 0, "%s",
	    msg);
	return -1;
}

/* "KEY.FILTER": the filter part (or NULL) and the length of KEY. */
static const char *
rg_split(const char *key, size_t *klen)
{
	const char *dot = strchr(key, '.');

	*klen = dot != NULL ? (size_t)(dot - key) : strlen(key);
	return dot != NULL ? dot + 1 : NULL;
}

static bool
rg_is(const struct rwini_kv *kv, const char *key)
{
	size_t n;

	(void)rg_split(kv->key, &n);
	return n == strlen(key) && strncmp(kv->key, key, n) == 0;
}

static bool
rg_has_rule(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (strcmp(p->rules[i].name, name) == 0)
			return true;
	return false;
}

/* Whether filter r gets the sandbox: sandbox.NAME, else sandbox (never
 * for the implicit privsep-helper rule: see rg_check). */
static bool
rg_selected(const struct rule *r, const struct rw_conf *c)
{
	bool on = false, v;

	for (size_t i = 0; i < c->nrg; i++) {
		size_t n;
		const char *f = rg_split(c->rg[i].key, &n);

		if (!rg_is(&c->rg[i], "sandbox") ||
		    py_bool(c->rg[i].value, &v) < 0)
			continue;
		if (f == NULL && strcmp(r->file, RG_IMPLICIT) != 0)
			on = v;
		else if (f != NULL && strcmp(f, r->name) == 0)
			return v;
	}
	return on;
}

/* Every entry once: values of sandbox and env, names of filters. */
static int
rg_check(const struct policy *p, const struct rw_conf *c,
    struct rg_errlist *errs)
{
	int rc = 0;
	bool v = false;

	for (size_t i = 0; i < c->nrg; i++) {
		const struct rwini_kv *kv = &c->rg[i];
		size_t n;
		const char *f = rg_split(kv->key, &n);

		if (f != NULL && !rg_has_rule(p, f))
			rc = rg_fail(c, errs, kv, "%s: no filter named '%s'",
			    kv->key, f);
		else if (rg_is(kv, "sandbox") && py_bool(kv->value, &v) < 0)
			rc = rg_fail(c, errs, kv, "%s: expected on or off, not "
			    "'%s'", kv->key, kv->value);
		else if (rg_is(kv, "sandbox") && v && f != NULL &&
		    strcmp(f, "privsep-helper") == 0)
			/* the daemon it forks must outlive it (pid ns) */
			rc = rg_fail(c, errs, kv, "%s: privsep-helper cannot "
			    "run in the sandbox: the daemon it starts must "
			    "outlive it", kv->key);
		else if (rg_is(kv, "env") && strcmp(kv->value, "scrub") != 0 &&
		    strcmp(kv->value, "inherit") != 0)
			rc = rg_fail(c, errs, kv, "%s: expected scrub or "
			    "inherit, not '%s'", kv->key, kv->value);
	}
	return rc;
}

/* Does the filter's own KEY.NAME replace the global KEY? */
static bool
rg_overridden(const struct rw_conf *c, const struct rwini_kv *g,
    const char *name)
{
	size_t gl = strlen(g->key);

	for (size_t i = 0; i < c->nrg; i++) {
		size_t n;
		const char *f = rg_split(c->rg[i].key, &n);

		if (f != NULL && n == gl && strcmp(f, name) == 0 &&
		    strncmp(c->rg[i].key, g->key, n) == 0)
			return true;
	}
	return false;
}

/* The global keys (unless replaced), then the filter's own. */
static int
rg_apply(struct rule *r, const struct rw_conf *c, struct rg_errlist *errs)
{
	struct kv *kv = calloc(c->nrg + 1, sizeof(*kv));
	size_t nkv = 0;
	int rc = 0;

	if (kv == NULL)
		return rg_fail(c, errs, NULL, "out of memory");
	for (int own = 0; own < 2; own++)
		for (size_t i = 0; i < c->nrg; i++) {
			const struct rwini_kv *e = &c->rg[i];
			size_t n;
			const char *f = rg_split(e->key, &n);

			if (rg_is(e, "sandbox") || (own ? f == NULL ||
			    strcmp(f, r->name) != 0 : f != NULL ||
			    rg_overridden(c, e, r->name)))
				continue;
			if (rg_is(e, "env")) {
				r->env_passthrough = strcmp(e->value,
				    "scrub") != 0;
				continue;
			}
			kv[nkv].key = strndup(e->key, n);
			kv[nkv].value = e->value;
			kv[nkv].line = e->line;
			if (kv[nkv++].key == NULL)
				rc = rg_fail(c, errs, e, "out of memory");
		}
	if (rc == 0)
		rulekeys_sandbox(r, kv, nkv, c->name, errs);
	for (size_t i = 0; i < nkv; i++)
		free(kv[i].key);
	free(kv);
	return rc;
}

/* A key that applies to no sandboxed filter would be silently unused. */
static int
rg_unused(const struct policy *p, const struct rw_conf *c,
    struct rg_errlist *errs)
{
	int rc = 0;

	for (size_t i = 0; i < c->nrg; i++) {
		const struct rwini_kv *kv = &c->rg[i];
		size_t n;
		const char *f = rg_split(kv->key, &n);
		bool used = false;

		if (rg_is(kv, "sandbox"))
			continue;
		for (size_t j = 0; j < p->nrules && !used; j++)
			used = p->rules[j].sbx.enabled && (f == NULL ||
			    strcmp(f, p->rules[j].name) == 0);
		if (!used)
			rc = rg_fail(c, errs, kv, "%s: applies to no filter in "
			    "the sandbox (sandbox = on, or sandbox.NAME = on)",
			    kv->key);
	}
	return rc;
}

/* A global key is applied to every selected filter: say each error
 * once. */
static void
rg_merge(struct rg_errlist *errs, const struct rg_errlist *one)
{
	for (size_t i = 0; i < one->n; i++) {
		bool seen = false;

		for (size_t j = 0; j < errs->n && !seen; j++)
			seen = errs->v[j].line == one->v[i].line &&
			    strcmp(errs->v[j].msg, one->v[i].msg) == 0;
		if (!seen)
			rg_errlist_add_err(errs, &one->v[i]);
	}
}

int
rootwrap_apply_rootgate(struct policy *p, const struct rw_conf *c,
    struct rg_errlist *errs)
{
	size_t before = rg_errlist_nerrors(errs);

	if (c->nrg == 0)
		return 0;
	if (rg_check(p, c, errs) < 0)
		return -1;
	for (size_t i = 0; i < p->nrules; i++) {
		struct rg_errlist one = { 0 };

		if (!rg_selected(&p->rules[i], c))
			continue;
		rg_apply(&p->rules[i], c, &one);
		rg_merge(errs, &one);
		rg_errlist_free(&one);
	}
	if (rg_errlist_nerrors(errs) == before)
		rg_unused(p, c, errs);
	return rg_errlist_nerrors(errs) == before ? 0 : -1;
}

static int
load_file(struct policy *p, const char *path, const struct rw_conf *conf,
    const struct rw_opts *o, struct rg_errlist *errs)
{
	struct rg_err e;
	size_t len;
	char *buf;
	FILE *fp;
	int rc;

	if ((fp = open_safe(path, o, &e)) == NULL) {
		rg_errlist_add_err(errs, &e);
		return -1;
	}
	buf = slurp(fp, &len);
	fclose(fp);
	if (buf == NULL) {
		rg_errlist_add(errs, 0, path, 0, "unable to read: %s",
		    strerror(errno));
		return -1;
	}
	rc = rootwrap_parse_filters(p, buf, len, path, conf, o, errs);
	free(buf);
	return rc;
}

/* One filters_path entry: readdir order, as os.listdir (invariant 4). */
static void
load_dir(struct policy *p, const char *dir, const struct rw_conf *conf,
    const struct rw_opts *o, struct rg_errlist *errs)
{
	size_t dl = strlen(dir);
	struct dirent *de;
	struct stat sb;
	struct rg_err e;
	DIR *d;

	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return;		/* skipped silently, as oslo.rootwrap */
	if (!o->skip_file_safety && filesafe_check_dir(dir, &e) < 0) {
		rg_errlist_add_err(errs, &e);
		return;
	}
	if ((d = opendir(dir)) == NULL) {
		rg_errlist_add(errs, 0, dir, 0, "unable to read directory: %s",
		    strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *path;

		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&path, "%s%s%s", dir, dl > 0 && dir[dl - 1] != '/' ?
		    "/" : "", de->d_name) < 0) {
			rg_errlist_add(errs, 0, dir, 0, "out of memory");
			break;
		}
		/* os.path.isfile: regular after following links */
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			load_file(p, path, conf, o, errs);
		free(path);
	}
	closedir(d);
}

struct policy *
policy_load_rootwrap(const char *conf_path, const struct rw_opts *o,
    struct rw_conf *conf, enum rw_status *st, struct rg_err *err,
    struct rg_errlist *errs)
{
	size_t before = rg_errlist_nerrors(errs);
	struct policy *p;

	if ((*st = rootwrap_read_conf(conf_path, o, conf, err)) != RW_OK)
		return NULL;
	*st = RW_BADFILTERS;
	if ((p = policy_new()) == NULL) {
		rg_errlist_add(errs, 0, NULL, 0, "out of memory");
		return NULL;
	}
	p->use_syslog = conf->use_syslog;
	filesafe_memo_begin();
	for (size_t i = 0; i < conf->nfilters_path; i++)
		load_dir(p, conf->filters_path[i], conf, o, errs);
	filesafe_memo_end();
	rootwrap_add_privsep(p, conf, errs);
	if (rg_errlist_nerrors(errs) == before)
		rootwrap_apply_rootgate(p, conf, errs);
	if (rg_errlist_nerrors(errs) == before)
		policy_finish(p, errs);
	if (rg_errlist_nerrors(errs) != before) {
		policy_free(p);
		return NULL;
	}
	/* linear even with no rule at all: argv[0] is never looked up */
	p->linear = true;
	*st = RW_OK;
	return p;
}
