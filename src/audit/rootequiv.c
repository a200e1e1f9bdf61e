/* SPDX-License-Identifier: ISC */
/*
 * rootequiv.c - the root-equivalence knowledge base (data/rootequiv.conf,
 * doc/audit.md) and the audit of a policy against it (rootequiv.h).
 *
 * The generic checks (any argument, over-broad regex, path anywhere,
 * capabilities) are lint.c's, reached through policy_lint_each: this file
 * only grades them with the knowledge base and adds the checks that need
 * it. A finding never changes a decision.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pwd.h>

#include "diag.h"
#include "ini_src.h"
#include "lint.h"
#include "pathcanon.h"
#include "policy.h"
#include "rootequiv.h"
#include "rx.h"
#include "strv.h"

#ifndef RG_DATADIR
#define RG_DATADIR "/usr/local/share/rootgate"
#endif
#define RG_KB_DEFAULT RG_DATADIR "/rootequiv.conf"

/* --- the knowledge base ------------------------------------------------- */

struct kstate {
	struct kb *kb;
	struct ini_src *src;
	struct rg_errlist *errs;
	char *section;		/* the section being read */
	char *lastkey;		/* for continuation lines */
	bool is_path;
};

static int
append_value(char **dst, const char *v)
{
	char *n;

	if (*dst == NULL)
		return (*dst = strdup(v)) != NULL ? 0 : -1;
	if (asprintf(&n, "%s %s", *dst, v) < 0)
		return -1;
	free(*dst);
	*dst = n;
	return 0;
}

static int
new_section(struct kstate *st, const char *section)
{
	struct kb *kb = st->kb;
	unsigned line = st->src->section_line;

	free(st->section);
	if ((st->section = strdup(section)) == NULL)
		return -1;
	st->is_path = section[0] == '/';
	if (st->is_path) {
		struct kb_path *v = reallocarray(kb->p, kb->np + 1, sizeof(*v));

		if (v == NULL)
			return -1;
		kb->p = v;
		memset(&v[kb->np], 0, sizeof(*v));
		v[kb->np].line = line;
		if ((v[kb->np++].dir = strdup(section)) == NULL)
			return -1;
		return 0;
	}
	struct kb_entry *e = reallocarray(kb->e, kb->ne + 1, sizeof(*e));

	if (e == NULL)
		return -1;
	kb->e = e;
	memset(&e[kb->ne], 0, sizeof(*e));
	e[kb->ne].line = line;
	return (e[kb->ne++].name = strdup(section)) != NULL ? 0 : -1;
}

static int
set_bool(struct kstate *st, const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0)
		*out = false;
	else
		rg_errlist_add(st->errs, 0, st->src->file, st->src->lineno,
		    "expected yes or no, not '%s'", v);
	return 0;
}

static int
path_key(struct kstate *st, struct kb_path *p, const char *key,
    const char *v)
{
	if (strcmp(key, "why") == 0)
		return append_value(&p->why, v);
	if (strcmp(key, "beneath") == 0)
		return set_bool(st, v, &p->beneath);
	rg_errlist_add(st->errs, 0, st->src->file, st->src->lineno,
	    "unknown key '%s' in a directory entry", key);
	return 0;
}

static int
entry_key(struct kstate *st, struct kb_entry *e, const char *key,
    const char *v)
{
	if (strcmp(key, "why") == 0)
		return append_value(&e->why, v);
	if (strcmp(key, "suggest") == 0)
		return append_value(&e->suggest, v);
	if (strcmp(key, "kind") == 0)
		return append_value(&e->kind, v);
	if (strcmp(key, "aliases") == 0)
		return strv_split_words(&e->aliases, &e->naliases, v);
	if (strcmp(key, "readonly") == 0)
		return set_bool(st, v, &e->readonly);
	if (strcmp(key, "when") == 0) {
		if (strcmp(v, "unconfined") == 0)
			e->when = KB_UNCONFINED;
		else if (strcmp(v, "always") == 0)
			e->when = KB_ALWAYS;
		else if (strcmp(v, "never") == 0)
			e->when = KB_NEVER;
		else
			rg_errlist_add(st->errs, 0, st->src->file,
			    st->src->lineno, "when: expected unconfined, "
			    "always or never, not '%s'", v);
		return 0;
	}
	rg_errlist_add(st->errs, 0, st->src->file, st->src->lineno,
	    "unknown key '%s'", key);
	return 0;
}

static int
kb_handler(void *user, const char *section, const char *key,
    const char *value)
{
	struct kstate *st = user;
	struct kb *kb = st->kb;
	int rc;

	if (st->src->new_section || st->section == NULL ||
	    strcmp(section, st->section) != 0) {
		if (new_section(st, section) < 0)
			goto oom;
		st->src->new_section = false;
	}
	if (st->src->cont && st->lastkey != NULL &&
	    strcmp(st->lastkey, key) == 0 && strcmp(key, "why") != 0 &&
	    strcmp(key, "suggest") != 0 && strcmp(key, "aliases") != 0) {
		rg_errlist_add(st->errs, 0, st->src->file, st->src->lineno,
		    "%s: only why, suggest and aliases may continue", key);
		return 1;
	}
	free(st->lastkey);
	if ((st->lastkey = strdup(key)) == NULL)
		goto oom;
	if (st->is_path)
		rc = path_key(st, &kb->p[kb->np - 1], key, value);
	else
		rc = entry_key(st, &kb->e[kb->ne - 1], key, value);
	if (rc == 0)
		return 1;
oom:
	rg_errlist_add(st->errs, 0, st->src->file, st->src->lineno,
	    "out of memory");
	return 1;
}

static void
kb_validate(const struct kb *kb, struct rg_errlist *errs)
{
	char norm[4096];

	for (size_t i = 0; i < kb->ne; i++) {
		if (kb->e[i].why == NULL || kb->e[i].suggest == NULL)
			rg_errlist_add(errs, 0, kb->file, kb->e[i].line,
			    "%s: an entry needs why and suggest",
			    kb->e[i].name);
	}
	for (size_t i = 0; i < kb->np; i++) {
		if (kb->p[i].why == NULL)
			rg_errlist_add(errs, 0, kb->file, kb->p[i].line,
			    "%s: a directory entry needs why", kb->p[i].dir);
		if (pathcanon_lexical(kb->p[i].dir, norm, sizeof(norm)) !=
		    PC_OK || strcmp(norm, kb->p[i].dir) != 0)
			rg_errlist_add(errs, 0, kb->file, kb->p[i].line,
			    "%s: write the directory in canonical form",
			    kb->p[i].dir);
	}
}

struct kb *
kb_parse(FILE *fp, const char *file, struct rg_errlist *errs)
{
	size_t before = rg_errlist_nerrors(errs);
	struct ini_src src;
	struct kstate st;
	struct kb *kb;

	if ((kb = calloc(1, sizeof(*kb))) == NULL ||
	    (kb->file = strdup(file)) == NULL) {
		rg_errlist_add(errs, 0, file, 0, "out of memory");
		kb_free(kb);
		return NULL;
	}
	memset(&st, 0, sizeof(st));
	st.kb = kb;
	st.src = &src;
	st.errs = errs;
	ini_src_parse(fp, file, kb_handler, &st, &src, errs);
	free(st.section);
	free(st.lastkey);
	kb_validate(kb, errs);
	if (rg_errlist_nerrors(errs) != before) {
		kb_free(kb);
		return NULL;
	}
	return kb;
}

struct kb *
kb_load(const char *explicit, const char **used, struct rg_errlist *errs)
{
	const char *path = explicit;
	struct kb *kb;
	FILE *fp;

	if (path == NULL)
		path = getenv("ROOTGATE_KB");
	if (path == NULL || path[0] == '\0')
		path = RG_KB_DEFAULT;
	*used = path;
	/*
	 * Not filesafe_open: the knowledge base grants nothing, and an
	 * auditor may well keep a copy of their own.
	 */
	if ((fp = fopen(path, "re")) == NULL) {
		rg_errlist_add(errs, 0, path, 0, "unable to open the knowledge "
		    "base: %s (see --kb and ROOTGATE_KB)", strerror(errno));
		return NULL;
	}
	kb = kb_parse(fp, path, errs);
	fclose(fp);
	return kb;
}

void
kb_free(struct kb *kb)
{
	if (kb == NULL)
		return;
	for (size_t i = 0; i < kb->ne; i++) {
		struct kb_entry *e = &kb->e[i];

		free(e->name);
		strv_free(e->aliases, e->naliases);
		free(e->kind);
		free(e->why);
		free(e->suggest);
	}
	for (size_t i = 0; i < kb->np; i++) {
		free(kb->p[i].dir);
		free(kb->p[i].why);
	}
	free(kb->e);
	free(kb->p);
	free(kb->file);
	free(kb);
}

const struct kb_entry *
kb_lookup(const struct kb *kb, const char *base)
{
	for (size_t i = 0; i < kb->ne; i++) {
		const struct kb_entry *e = &kb->e[i];

		if (fnmatch(e->name, base, FNM_PATHNAME) == 0)
			return e;
		for (size_t j = 0; j < e->naliases; j++)
			if (fnmatch(e->aliases[j], base, FNM_PATHNAME) == 0)
				return e;
	}
	return NULL;
}

const struct kb_path *
kb_path_lookup(const struct kb *kb, const char *dir)
{
	char norm[4096];

	if (pathcanon_lexical(dir, norm, sizeof(norm)) != PC_OK)
		return NULL;
	for (size_t i = 0; i < kb->np; i++) {
		const struct kb_path *p = &kb->p[i];

		/* the directory itself, one of its ancestors, or beneath */
		if (pathcanon_beneath(p->dir, norm, true) ||
		    (p->beneath && pathcanon_beneath(norm, p->dir, false)))
			return p;
	}
	return NULL;
}

/* --- the audit ---------------------------------------------------------- */

struct actx {
	const struct policy *p;
	const struct kb *kb;
	struct audit_report *rep;
	const struct rule *r;
	const struct kb_entry *ke;	/* the rule's binary, or NULL */
	bool root;			/* runs as root */
	bool equiv;			/* root && a binary of the kb */
	bool flagged;			/* a root-equivalent finding */
	bool root_done;			/* root-equivalent reported */
	bool oom;
};

const char *
audit_risk_name(enum audit_risk r)
{
	switch (r) {
	case AR_ROOT:
		return "root-equivalent";
	case AR_WARN:
		return "warning";
	case AR_DEVIATION:
		return "deviation";
	default:
		return "?";
	}
}

static void __attribute__((format(printf, 6, 7)))
add(struct actx *a, const char *id, enum audit_risk risk, unsigned line,
    const char *suggest, const char *fmt, ...)
{
	struct audit_report *rep = a->rep;
	struct audit_finding *f, *v;
	va_list ap;
	int n;

	v = reallocarray(rep->f, rep->nf + 1, sizeof(*v));
	if (v == NULL) {
		a->oom = true;
		return;
	}
	rep->f = v;
	f = &v[rep->nf];
	memset(f, 0, sizeof(*f));
	f->rule = a->r;
	f->id = id;
	f->risk = risk;
	f->line = line ? line : a->r->line;
	f->accepted = policy_lint_accepted(a->r, id);
	va_start(ap, fmt);
	n = vasprintf(&f->reason, fmt, ap);
	va_end(ap);
	if (n < 0 || (f->suggest = strdup(suggest)) == NULL) {
		if (n >= 0)
			free(f->reason);
		a->oom = true;
		return;
	}
	rep->nf++;
	if (f->accepted != NULL)
		rep->naccepted++;
	else if (risk == AR_ROOT) {
		rep->nroot++;
		a->flagged = true;
	} else if (risk == AR_WARN)
		rep->nwarn++;
	else
		rep->ndev++;
}

/* the element that uses ck, searched in e, or NULL */
static const struct pel *
pel_find(const struct pel *e, const struct constraint *ck)
{
	const struct pel *f;

	if ((e->kind == PE_PARAM || e->kind == PE_TEMPLATE) && e->ck == ck)
		return e;
	for (size_t i = 0; i < e->nkids; i++)
		if ((f = pel_find(&e->kids[i], ck)) != NULL)
			return f;
	return NULL;
}

/* can an argument that starts with '-' reach ck? (pattern.h) */
static bool
dash_reaches(const struct rule *r, const struct constraint *ck)
{
	const struct pel *e = pel_find(&r->pattern, ck);

	return (ck->flags & CKF_DASH_OK) || (e != NULL &&
	    e->kind == PE_TEMPLATE && e->lit[0] == '\0');
}

/* an argument of the command (not its name, not an environment value) */
static bool
is_argument(const struct rule *r, const struct constraint *ck)
{
	const struct pel *e;

	if (ck == NULL || (e = pel_find(&r->pattern, ck)) == NULL)
		return false;
	return (e->flags & (PEF_CMD | PEF_ENV)) == 0;
}

static const char *const generic_any =
    "name each argument: a literal, or a placeholder with a path, set, "
    "int, size or anchored regex constraint";

/* A lint finding, graded with the knowledge base */
static void
on_lint(const struct lint_finding *lf, void *ctx)
{
	struct actx *a = ctx;
	const char *id = lf->id;
	bool unconfined = strcmp(id, "any-argument") == 0 ||
	    strcmp(id, "overbroad-regex") == 0 ||
	    strcmp(id, "path-anywhere") == 0;

	if (lf->ck != NULL && !is_argument(a->r, lf->ck) &&
	    lf->ck->kind == CK_ANY)
		return;	/* an environment value of a rootwrap EnvFilter */
	if (unconfined && a->equiv && a->ke->when == KB_UNCONFINED &&
	    !a->r->is_chain && is_argument(a->r, lf->ck)) {
		if (!a->root_done)
			add(a, "root-equivalent", AR_ROOT, lf->line,
			    a->ke->suggest, "%s as root with %s: %s",
			    a->r->cmdname, lf->msg, a->ke->why);
		a->root_done = true;
		return;
	}
	if (unconfined)
		add(a, id, AR_WARN, lf->line, strcmp(id, "path-anywhere") == 0 ?
		    "confine the path to the directory the command needs" :
		    generic_any, "%s", lf->msg);
	else if (strcmp(id, "root-capabilities") == 0)
		add(a, id, AR_WARN, lf->line, "keep only the capabilities the "
		    "command needs, with the file system read-only", "%s",
		    lf->msg);
	else if (strcmp(id, "writable-root") == 0)
		add(a, id, AR_WARN, lf->line, "list only the directories the "
		    "command writes in writable", "%s", lf->msg);
	/* no-sandbox, no-seccomp, not-writable, not-visible: `check` */
}

/* graded like the binary: root-equivalent when the kb knows it */
static enum audit_risk
grade(const struct actx *a)
{
	return a->equiv && a->ke->when == KB_UNCONFINED ? AR_ROOT : AR_WARN;
}

/* the literal text a pattern starts with ("of=" for "of=/.*") */
static size_t
literal_prefix(const char *p, char *out, size_t len)
{
	size_t o = 0;

	for (; *p && o + 1 < len; p++) {
		if (*p == '\\' && p[1] != '\0' &&
		    strchr("./-=:_,", p[1]) != NULL)
			p++;
		else if (strchr("\\.^$*+?{}[]|()", *p) != NULL)
			break;
		out[o++] = *p;
	}
	/* a quantifier after the last character makes it optional */
	if (o > 0 && *p != '\0' && strchr("*?{", *p) != NULL)
		o--;
	out[o] = '\0';
	return o;
}

/*
 * Does the regex take a path outside any service directory? Probes:
 * /etc/shadow itself, after a literal option prefix (of=/etc/shadow),
 * and climbing out of a literal directory (/var/lib/x/../../etc/shadow).
 */
static const char *
regex_escape_probe(const struct rx *rx, char *buf, size_t len)
{
	static const char shadow[] = "/etc/shadow";
	char lit[256];
	const char *slash;

	if (rx_match(rx, shadow, sizeof(shadow) - 1) == RX_MATCH)
		return snprintf(buf, len, "%s", shadow), buf;
	if (literal_prefix(rx_pattern(rx), lit, sizeof(lit)) == 0)
		return NULL;
	snprintf(buf, len, "%.*s%s", (int)strcspn(lit, "/"), lit, shadow);
	if (rx_match(rx, buf, strlen(buf)) == RX_MATCH)
		return buf;
	if ((slash = strrchr(lit, '/')) == NULL)
		return NULL;
	snprintf(buf, len, "%.*s../../../../../../etc/shadow",
	    (int)(slash - lit + 1), lit);
	return rx_match(rx, buf, strlen(buf)) == RX_MATCH ? buf : NULL;
}

static void
audit_regex(struct actx *a, const struct constraint *ck)
{
	static const char opt[] = "-o";
	const char *pat, *probe;
	char buf[512];

	if (ck->u.rx == NULL || rx_is_overbroad(ck->u.rx))
		return;		/* unsure, or lint's overbroad-regex */
	pat = rx_pattern(ck->u.rx);
	if ((probe = regex_escape_probe(ck->u.rx, buf, sizeof(buf))) != NULL)
		add(a, "regex-path", grade(a), ck->line, grade(a) == AR_ROOT ?
		    a->ke->suggest : "confine the regex to one directory, "
		    "with no '..' ([^/.][^/]* components), or use a path "
		    "constraint", "<%s>: the regex %s accepts "
		    "a path outside any service directory (%s)%s%s",
		    ck->name, pat, probe, grade(a) == AR_ROOT ? ": " : "",
		    grade(a) == AR_ROOT ? a->ke->why : "");
	if (dash_reaches(a->r, ck) &&
	    rx_match(ck->u.rx, opt, sizeof(opt) - 1) == RX_MATCH)
		add(a, "regex-option", grade(a), ck->line, "state each option "
		    "as a literal word; let a value placeholder never start "
		    "with '-'", "<%s>: the regex %s accepts options (-o)",
		    ck->name, pat);
}

/* a '|' outside any group or class: oslo's "p$" leaves a branch open */
static bool
top_level_alternation(const char *p)
{
	int depth = 0;

	while (*p) {
		const char *q = rx_skip_quoted(p);

		if (q == NULL)
			return false;
		if (q != p) {
			p = q;
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		else if (*p == '|' && depth == 0)
			return true;
		p++;
	}
	return false;
}

static void
audit_deviation(struct actx *a, const struct constraint *ck)
{
	size_t n;

	if (a->r->origin != RO_ROOTWRAP)
		return;
	if (ck->kind == CK_REGEX && (ck->flags & CKF_UNSURE))
		add(a, "rootwrap-deviation", AR_DEVIATION, ck->line, "write "
		    "the pattern in the syntax Python and PCRE2 read alike",
		    "<%s>: rootgate cannot read the regex %s as Python "
		    "does; a command line that fits is refused "
		    "(doc/rootwrap-compat.md #2)", ck->name, ck->src);
	else if (ck->kind == CK_REGEX && ck->src != NULL &&
	    top_level_alternation(ck->src))
		add(a, "rootwrap-deviation", AR_DEVIATION, ck->line, "group "
		    "the alternatives, (a|b), so every branch is anchored",
		    "<%s>: oslo.rootwrap anchors only the last branch of %s "
		    "at the end; rootgate matches every branch in full "
		    "(doc/rootwrap-compat.md #1)", ck->name, ck->src);
	else if (ck->kind == CK_REALPATH && (n = strlen(ck->u.path.prefix)) >
	    0 && ck->u.path.prefix[n - 1] != '/')
		add(a, "rootwrap-deviation", AR_DEVIATION, ck->line, "end the "
		    "prefix with '/' (or write a native path constraint, "
		    "compared component by component)", "<%s>: oslo.rootwrap "
		    "also allows %s_evil/x for the prefix %s; rootgate "
		    "refuses it (doc/rootwrap-compat.md #3)", ck->name,
		    ck->u.path.prefix, ck->u.path.prefix);
}

static void
audit_path(struct actx *a, const struct constraint *ck)
{
	const struct kb_path *kp;

	if (strcmp(ck->u.path.prefix, "/") == 0)
		return;		/* lint's path-anywhere */
	if ((kp = kb_path_lookup(a->kb, ck->u.path.prefix)) == NULL)
		return;
	add(a, "path-system", grade(a), ck->line, grade(a) == AR_ROOT ?
	    a->ke->suggest :
	    "use the narrowest directory the command needs "
	    "(/var/lib/SERVICE/...)",
	    "<%s>: the prefix %s reaches %s: %s", ck->name, ck->u.path.prefix,
	    kp->dir, kp->why);
}

/* the service a path belongs to: its owner, else /var/lib/NAME */
static bool
service_of(const char *path, char *out, size_t len)
{
	static const char *const roots[] = { "/var/lib/", "/var/log/",
		"/var/cache/", "/run/", "/srv/" };
	struct passwd *pw;
	struct stat sb;

	if (stat(path, &sb) == 0 && sb.st_uid != 0 &&
	    (pw = getpwuid(sb.st_uid)) != NULL) {
		snprintf(out, len, "%s", pw->pw_name);
		return true;
	}
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		size_t n = strlen(roots[i]), k;

		if (strncmp(path, roots[i], n) != 0)
			continue;
		k = strcspn(path + n, "/");
		if (k == 0 || k >= len)
			return false;
		snprintf(out, len, "%.*s", (int)k, path + n);
		return true;
	}
	return false;
}

/* every path the rule reads is a service's: suggest that user */
static void
audit_runas(struct actx *a)
{
	char svc[64] = "", s[64];
	const char *where = NULL;
	size_t npaths = 0;

	if (!a->root || a->ke == NULL || !a->ke->readonly || a->flagged)
		return;
	for (size_t i = 0; i < a->r->ncks; i++) {
		const struct constraint *ck = &a->r->cks[i];

		if (!is_argument(a->r, ck))
			continue;
		if (ck->kind != CK_PATH && ck->kind != CK_REALPATH)
			continue;
		if (!service_of(ck->u.path.prefix, s, sizeof(s)) ||
		    (svc[0] != '\0' && strcmp(s, svc) != 0))
			return;
		memcpy(svc, s, sizeof(svc));
		where = ck->u.path.prefix;
		npaths++;
	}
	if (npaths == 0)
		return;
	add(a, "root-not-needed", AR_WARN, 0, "user = SERVICE", "%s only "
	    "reads, and only beneath %s: consider user = %s", a->r->cmdname,
	    where, svc);
	/* the suggestion names the service */
	free(a->rep->f[a->rep->nf - 1].suggest);
	if (asprintf(&a->rep->f[a->rep->nf - 1].suggest, "user = %s", svc) <
	    0) {
		a->rep->f[a->rep->nf - 1].suggest = NULL;
		a->oom = true;
	}
}

static void
audit_rule(struct actx *a, const struct rule *r)
{
	a->r = r;
	a->ke = kb_lookup(a->kb, r->cmdname != NULL ? r->cmdname : "");
	a->root = r->uid == 0 && r->user != NULL &&
	    strcmp(r->user, "root") == 0;
	a->equiv = a->root && a->ke != NULL && a->ke->when != KB_NEVER;
	a->flagged = a->root_done = false;
	if (r->unusable != NULL) {
		if (r->origin == RO_ROOTWRAP)
			add(a, "rootwrap-deviation", AR_DEVIATION, 0, "remove "
			    "the filter, or fix it", "never allows here: %s",
			    r->unusable);
		return;
	}
	if (a->equiv && a->ke->when == KB_ALWAYS)
		add(a, "root-equivalent", AR_ROOT, 0, a->ke->suggest,
		    "%s as root, whatever its arguments: %s", r->cmdname,
		    a->ke->why);
	policy_lint_each(r, on_lint, a);
	for (size_t i = 0; i < r->ncks; i++) {
		const struct constraint *ck = &r->cks[i];

		if (is_argument(r, ck) && ck->kind == CK_REGEX)
			audit_regex(a, ck);
		if (is_argument(r, ck) && (ck->kind == CK_PATH ||
		    ck->kind == CK_REALPATH))
			audit_path(a, ck);
		if (is_argument(r, ck))
			audit_deviation(a, ck);
	}
	audit_runas(a);
}

/* Is rule i root-equivalent (an unaccepted AR_ROOT finding)? */
static bool
rule_is_root(const struct audit_report *rep, const struct rule *r)
{
	for (size_t i = 0; i < rep->nf; i++)
		if (rep->f[i].rule == r && rep->f[i].risk == AR_ROOT &&
		    rep->f[i].accepted == NULL)
			return true;
	return false;
}

/* A chaining rule runs any command a leaf rule of its user allows */
static void
audit_chain(struct actx *a, const struct rule *r)
{
	const struct rule *first = NULL;
	size_t n = 0;

	a->r = r;
	a->flagged = false;
	for (size_t i = 0; i < a->p->nrules; i++) {
		const struct rule *l = &a->p->rules[i];

		if (l->is_chain || l->unusable != NULL ||
		    strcmp(l->user, r->user) != 0 ||
		    !rule_is_root(a->rep, l))
			continue;
		if (first == NULL)
			first = l;
		n++;
	}
	if (first == NULL)
		return;
	add(a, "chain-root-equivalent", AR_ROOT, 0, "give the chaining "
	    "filter's leaves only confined forms, or write one native rule "
	    "per inner command (rootgate import-rootwrap)", "%s runs any "
	    "command a leaf rule allows, and %zu leaf rule%s %s "
	    "root-equivalent (first: %s, %s:%u)", r->cmdname, n,
	    n == 1 ? "" : "s", n == 1 ? "is" : "are", first->name,
	    first->file, first->line);
}

int
rootequiv_audit(const struct policy *p, const struct kb *kb,
    struct audit_report *rep)
{
	struct actx a;
	size_t nleaf;

	memset(rep, 0, sizeof(*rep));
	memset(&a, 0, sizeof(a));
	a.p = p;
	a.kb = kb;
	a.rep = rep;
	for (size_t i = 0; i < p->nrules; i++)
		audit_rule(&a, &p->rules[i]);
	/* chains last: they depend on their leaves' findings */
	nleaf = rep->nf;
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].is_chain && p->rules[i].unusable == NULL)
			audit_chain(&a, &p->rules[i]);
	/* keep rule order: move each chain finding after its rule's */
	if (rep->nf > nleaf) {
		struct audit_finding *v = calloc(rep->nf, sizeof(*v));
		size_t o = 0;

		if (v == NULL)
			return a.oom = true, audit_report_free(rep), -1;
		for (size_t i = 0; i < p->nrules; i++)
			for (size_t j = 0; j < rep->nf; j++)
				if (rep->f[j].rule == &p->rules[i])
					v[o++] = rep->f[j];
		free(rep->f);
		rep->f = v;
	}
	if (a.oom) {
		audit_report_free(rep);
		return -1;
	}
	return 0;
}

void
audit_report_free(struct audit_report *rep)
{
	for (size_t i = 0; i < rep->nf; i++) {
		free(rep->f[i].reason);
		free(rep->f[i].suggest);
	}
	free(rep->f);
	memset(rep, 0, sizeof(*rep));
}
