/* SPDX-License-Identifier: ISC */
/*
 * rwimport.c - rootwrap rules -> native filters.d text (rwimport.h).
 *
 * Invariants:
 * 1. A section is written only when every part of the rule has a native
 *    form that allows at least what rootgate-rootwrap allows, at most
 *    with the documented stricter readings (PathFilter, regex classes);
 *    never one that allows more but by the same program with the same
 *    arguments. Anything else is written commented out, with the reason.
 * 2. Everything written is loadable by native.c: names, words, lines
 *    and constraints are checked against rootgate.filters(5) here, and a
 *    rule that cannot be spelled is commented out, never mangled.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "pathcanon.h"
#include "policy.h"
#include "rootwrap.h"
#include "rwimport.h"
#include "rwini.h"
#include "rx.h"
#include "strv.h"

#define LINE_MAX_OUT	180	/* under inih's 198-byte lines */
#define NAME_MAX_OUT	64

struct words {
	char **v;
	size_t n;
};

/* One rule being written: its words and constraint lines, or why not. */
struct emit {
	const struct rule *r;
	struct words args;	/* pattern words */
	struct words defs;	/* "<name> = constraint" lines */
	struct words names;	/* placeholder names in use */
	const struct constraint **cks;	/* ... and their constraints */
	char why[256];		/* non-empty: not expressible */
	bool skipping_env;
};

static void __attribute__((format(printf, 2, 3)))
fail(struct emit *e, const char *fmt, ...)
{
	va_list ap;

	if (e->why[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
}

static void
push(struct emit *e, struct words *w, char *s)
{
	if (s == NULL || strv_push_owned(&w->v, &w->n, s) < 0)
		fail(e, "out of memory");
}

/* --- spelling ------------------------------------------------------------- */

static bool
needs_quotes(const char *w)
{
	size_t n = strlen(w);

	return n == 0 || strpbrk(w, " \t<>[]{}\"'\\") != NULL ||
	    w[n - 1] == ',' || (n >= 3 && strcmp(w + n - 3, "...") == 0) ||
	    w[0] == '#' || w[0] == ';';
}

/* a literal as one pattern word (rootgate.filters(5): quotes) */
static char *
quote(const char *w)
{
	size_t n = strlen(w), o = 0;
	char *q;

	if (!needs_quotes(w))
		return strdup(w);
	if ((q = malloc(2 * n + 3)) == NULL)
		return NULL;
	q[o++] = '"';
	for (; *w; w++) {
		if (*w == '"' || *w == '\\')
			q[o++] = '\\';
		q[o++] = *w;
	}
	q[o++] = '"';
	q[o] = '\0';
	return q;
}

/* a line native.c reads back as written: no blank before ';', no
 * control characters, within inih's line length */
static bool
line_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f ||
		    (*p == ';' && p > s && (p[-1] == ' ' || p[-1] == '\t')))
			return false;
	return strlen(s) <= LINE_MAX_OUT;
}

/* --- regexes -------------------------------------------------------------- */

/* The pattern as a plain literal ("-l", "if=/dev/zero"), or false. */
static bool
rx_literal(const char *p, char *out, size_t len)
{
	size_t o = 0;

	for (; *p; p++) {
		if (o + 1 >= len)
			return false;
		if (*p == '\\') {
			if (p[1] == '\0' || (p[1] >= 'a' && p[1] <= 'z') ||
			    (p[1] >= 'A' && p[1] <= 'Z') ||
			    (p[1] >= '0' && p[1] <= '9'))
				return false;
			out[o++] = *++p;
		} else if (strchr(".^$*+?{}[]|()", *p) != NULL)
			return false;
		else
			out[o++] = *p;
	}
	out[o] = '\0';
	return true;
}

/* a quantifier at p that allows zero repetitions */
static bool
zero_quant(const char *p)
{
	return *p == '?' || *p == '*' ||
	    (*p == '{' && (p[1] == '0' || p[1] == ','));
}

/* end of the group that starts at p ('('), or NULL */
static const char *
group_end(const char *p)
{
	int depth = 0;

	while (*p) {
		const char *q = rx_skip_quoted(p);

		if (q == NULL)
			return NULL;
		if (q != p) {
			p = q;
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p;
		p++;
	}
	return NULL;
}

static bool may_dash(const char *p, size_t n);

/* can the first atom at p (of a branch) be a '-'? */
static bool
atom_may_dash(const char *p, const char *end)
{
	const char *after;
	bool dash;

	if (p >= end)
		return false;	/* empty branch: "" */
	if (*p == '-')
		return true;
	if (*p == '\\') {
		char c = p[1];

		if (c != 'd' && c != 'w' && (c == '\0' ||
		    strchr("./=:,_+@%", c) == NULL))
			return true;
		dash = false;
		after = p + 2;
	} else if (*p == '[') {
		const char *q = p + 1;

		if (*q == '^')
			return true;
		dash = false;
		if (*q == '-' || *q == ']')
			dash = *q == '-', q++;
		for (; q < end && *q != ']'; q++) {
			if (*q == '\\')
				return true;	/* keep it simple */
			if ((*q == '-' && q[1] == ']') || (q[1] == '-' &&
			    q[2] != ']' && q[2] != '\0' && *q <= '-' &&
			    q[2] >= '-'))
				dash = true;
		}
		if (q >= end)
			return true;
		after = q + 1;
	} else if (*p == '(') {
		const char *ge = group_end(p);
		const char *in = p + 1;

		if (ge == NULL || ge > end)
			return true;
		if (in[0] == '?' && in[1] == ':')
			in += 2;
		else if (in[0] == '?')
			return true;
		dash = may_dash(in, (size_t)(ge - in));
		after = ge + 1;
	} else if (strchr(".^$*+?{}|)", *p) != NULL)
		return true;
	else {
		dash = false;
		after = p + 1;
	}
	/* an optional first atom: what follows may come first */
	return dash || (zero_quant(after) && after < end);
}

/* can some string the pattern p[0..n) matches start with '-'? */
static bool
may_dash(const char *p, size_t n)
{
	const char *end = p + n, *b = p;
	int depth = 0;

	for (const char *s = p; s <= end; s++) {
		if (s < end && *s == '\\' && s + 1 < end) {
			s++;
			continue;
		}
		if (s < end && *s == '[') {
			while (s < end && *s != ']')
				s += *s == '\\' ? 2 : 1;
			continue;
		}
		if (s < end && *s == '(')
			depth++;
		else if (s < end && *s == ')')
			depth--;
		else if (s == end || (*s == '|' && depth == 0)) {
			if (atom_may_dash(b, s))
				return true;
			b = s + 1;
		}
	}
	return false;
}

/* the top-level branches of p when each is a plain literal */
static bool
rx_literal_branches(const char *p, struct words *w)
{
	char buf[512], lit[512];
	size_t n = strlen(p);

	if (p[0] == '(' && group_end(p) == p + n - 1) {
		size_t k = p[1] == '?' && p[2] == ':' ? 3 : 1;

		if (p[1] == '?' && k == 1)
			return false;
		if (n - 1 - k >= sizeof(buf))
			return false;
		memcpy(buf, p + k, n - 1 - k);
		buf[n - 1 - k] = '\0';
	} else if (n < sizeof(buf))
		memcpy(buf, p, n + 1);
	else
		return false;
	for (char *s = buf, *e;; s = e + 1) {
		e = strchr(s, '|');
		if (e != NULL)
			*e = '\0';
		if (!rx_literal(s, lit, sizeof(lit)) ||
		    strv_push(&w->v, &w->n, lit) < 0)
			return false;
		if (e == NULL)
			return true;
	}
}

/* --- constraints ---------------------------------------------------------- */

static const char *
ck_name(struct emit *e, const struct constraint *ck)
{
	const struct constraint **v;
	char nm[48];
	const char *base = ck->name;
	bool ok = base[0] != '\0' && strlen(base) < 32;

	for (size_t i = 0; i < e->names.n; i++)
		if (e->cks[i] == ck)
			return e->names.v[i];
	for (const char *p = base; *p && ok; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-';
	snprintf(nm, sizeof(nm), "%s", ok ? base : "arg");
	for (unsigned k = 2; strv_find(e->names.v, e->names.n, nm) >= 0; k++)
		snprintf(nm, sizeof(nm), "%s%u", ok ? base : "arg", k);
	v = reallocarray(e->cks, e->names.n + 1, sizeof(const struct
	    constraint *));
	if (v == NULL) {
		fail(e, "out of memory");
		return "x";
	}
	e->cks = v;
	v[e->names.n] = ck;
	push(e, &e->names, strdup(nm));
	return e->why[0] ? "x" : e->names.v[e->names.n - 1];
}

static void
def(struct emit *e, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
def(struct emit *e, const char *name, const char *fmt, ...)
{
	char *body, *line;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&body, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fail(e, "out of memory");
		return;
	}
	if (asprintf(&line, "<%s> = %s", name, body) < 0)
		line = NULL;
	free(body);
	if (line != NULL && !line_ok(line)) {
		fail(e, "the constraint of <%s> does not fit on one line of a "
		    "filter file", name);
		free(line);
		return;
	}
	push(e, &e->defs, line);
}

/* a regex that may start with '-': a literal, or prefix<alternatives> */
static char *
regex_dash_word(struct emit *e, const struct constraint *ck, const char *pat)
{
	struct words br = { NULL, 0 };
	char lit[512], *w = NULL, *alt = NULL;
	size_t pl;

	if (rx_literal(pat, lit, sizeof(lit)))
		return quote(lit);
	if (!rx_literal_branches(pat, &br) || br.n < 2) {
		strv_free(br.v, br.n);
		fail(e, "<%s>: the regex %s accepts arguments that start with "
		    "'-', which a native placeholder never takes", ck->name,
		    pat);
		return NULL;
	}
	pl = strlen(br.v[0]);
	for (size_t i = 1; i < br.n; i++)
		for (size_t k = 0; k < pl; k++)
			if (br.v[i][k] != br.v[0][k]) {
				pl = k;
				break;
			}
	for (size_t i = 0; i < br.n; i++)
		if (strlen(br.v[i]) == pl)
			pl = 0;		/* a branch would leave no value */
	if (pl == 0) {
		strv_free(br.v, br.n);
		fail(e, "<%s>: the regex %s accepts words that start with "
		    "'-' and share no prefix", ck->name, pat);
		return NULL;
	}
	/* prefix<name> with the remainders as literal alternatives */
	for (size_t i = 0; i < br.n; i++) {
		char *esc = malloc(2 * strlen(br.v[i]) + 1), *o = esc, *n;

		if (esc == NULL) {
			/* not a shorter list: that would drop alternatives */
			free(alt);
			alt = NULL;
			break;
		}
		for (const char *s = br.v[i] + pl; *s; s++) {
			if (strchr("\\.^$*+?{}[]|()", *s) != NULL)
				*o++ = '\\';
			*o++ = *s;
		}
		*o = '\0';
		if (asprintf(&n, "%s%s%s", alt ? alt : "", alt ? "|" : "",
		    esc) < 0)
			n = NULL;
		free(esc);
		free(alt);
		if ((alt = n) == NULL)
			break;
	}
	br.v[0][pl] = '\0';
	if (alt != NULL) {
		const char *nm = ck_name(e, ck);
		char *q = quote(br.v[0]);

		def(e, nm, "regex %s", alt);
		if (q != NULL && asprintf(&w, "%s<%s>", q, nm) < 0)
			w = NULL;
		free(q);
	}
	free(alt);
	strv_free(br.v, br.n);
	if (w == NULL)
		fail(e, "out of memory");
	return w;
}

static char *
param_regex(struct emit *e, const struct constraint *ck)
{
	const char *pat = ck->u.rx != NULL ? rx_pattern(ck->u.rx) :
	    ck->src != NULL ? ck->src : "";
	const char *nm;
	char *w;

	if ((ck->flags & CKF_UNSURE) || ck->u.rx == NULL) {
		fail(e, "<%s>: rootgate cannot read the regex %s as Python "
		    "does (doc/rootwrap-compat.md #2)", ck->name, pat);
		return NULL;
	}
	if ((ck->flags & CKF_DASH_OK) && may_dash(pat, strlen(pat)))
		return regex_dash_word(e, ck, pat);
	if (pat[0] == ' ' || pat[0] == '\t' || pat[0] == '\0' ||
	    pat[strlen(pat) - 1] == ' ' || pat[strlen(pat) - 1] == '\t') {
		fail(e, "<%s>: the regex '%s' starts or ends with a blank",
		    ck->name, pat);
		return NULL;
	}
	nm = ck_name(e, ck);
	def(e, nm, "regex %s", pat);
	return asprintf(&w, "<%s>", nm) < 0 ? NULL : w;
}

static char *
param_path(struct emit *e, const struct constraint *ck)
{
	char norm[PATH_MAX];
	const char *nm, *pre = ck->u.path.prefix;
	size_t n = strlen(pre);
	char *w;

	if (pathcanon_lexical(pre, norm, sizeof(norm)) != PC_OK ||
	    strchr(norm, ' ') != NULL) {
		fail(e, "<%s>: the directory %s cannot be written as a native "
		    "prefix", ck->name, pre);
		return NULL;
	}
	nm = ck_name(e, ck);
	if (ck->kind == CK_REALPATH)
		/* os.path.realpath is not strict: the path may be new;
		 * "prefix".startswith: the directory itself unless the
		 * prefix ends in '/' */
		def(e, nm, "path %s new%s", norm, n > 0 && pre[n - 1] != '/' ?
		    " prefix-ok" : "");
	else
		def(e, nm, "path %s%s%s%s%s", norm,
		    (ck->u.path.flags & CKP_NEW) ? " new" : "",
		    (ck->u.path.flags & CKP_FILE) ? " file" : "",
		    (ck->u.path.flags & CKP_DIR) ? " dir" : "",
		    (ck->u.path.flags & CKP_ALLOW_PREFIX) ? " prefix-ok" : "");
	return asprintf(&w, "<%s>", nm) < 0 ? NULL : w;
}

static char *
param_set(struct emit *e, const struct constraint *ck)
{
	char *src = strdup("set"), *n, *w;
	bool dash = false;
	const char *nm;

	if (ck->flags & CKF_NOT) {
		free(src);
		fail(e, "<%s>: the native language has no 'any word but' "
		    "constraint (%s)", ck->name, ck->src);
		return NULL;
	}
	for (size_t i = 0; i < ck->u.set.nwords && src != NULL; i++) {
		const char *x = ck->u.set.words[i];

		dash |= x[0] == '-';
		if (x[0] == '\0' || strpbrk(x, " \t") != NULL)
			dash = true;	/* not spellable in a set either */
		if (asprintf(&n, "%s %s", src, x) < 0)
			n = NULL;
		free(src);
		src = n;
	}
	if (src == NULL) {
		fail(e, "out of memory");
		return NULL;
	}
	if (dash && ck->u.set.nwords == 1) {
		free(src);
		return quote(ck->u.set.words[0]);
	}
	if (dash) {
		free(src);
		fail(e, "<%s>: %s has words a native placeholder never takes",
		    ck->name, ck->src);
		return NULL;
	}
	nm = ck_name(e, ck);
	def(e, nm, "%s", src);
	free(src);
	return asprintf(&w, "<%s>", nm) < 0 ? NULL : w;
}

static char *
param_word(struct emit *e, const struct constraint *ck)
{
	const char *nm;
	char *w;

	switch (ck->kind) {
	case CK_ANY:
		nm = ck_name(e, ck);
		def(e, nm, "any");
		return asprintf(&w, "<%s>", nm) < 0 ? NULL : w;
	case CK_REGEX:
		return param_regex(e, ck);
	case CK_PATH:
	case CK_REALPATH:
		return param_path(e, ck);
	case CK_SET:
		return param_set(e, ck);
	case CK_PROCEXE:
		fail(e, "<%s>: the native language cannot require that a pid "
		    "runs %s; any pid would make it root-equivalent", ck->name,
		    ck->u.proc.target);
		return NULL;
	case CK_CHAIN:
		fail(e, "the native language has no chained command: write one "
		    "rule per inner command, with this rule's words first");
		return NULL;
	case CK_INT:
	case CK_SIZE:
	default:
		if (ck->src == NULL)
			break;
		nm = ck_name(e, ck);
		def(e, nm, "%s", ck->src);
		return asprintf(&w, "<%s>", nm) < 0 ? NULL : w;
	}
	fail(e, "<%s>: no native form", ck->name);
	return NULL;
}

/* --- patterns ------------------------------------------------------------- */

static void emit_pel(struct emit *e, const struct pel *p);

static bool
is_env_group(const struct pel *p)
{
	if (p->flags & PEF_ENV)
		return true;
	if (p->kind != PE_UNORDERED && p->kind != PE_SEQ)
		return false;
	for (size_t i = 0; i < p->nkids; i++)
		if (!is_env_group(&p->kids[i]))
			return false;
	return p->nkids > 0;
}

static void
emit_kids(struct emit *e, const struct pel *p, size_t from)
{
	for (size_t i = from; i < p->nkids && e->why[0] == '\0'; i++)
		emit_pel(e, &p->kids[i]);
}

static void
emit_pel(struct emit *e, const struct pel *p)
{
	bool group = p->kind == PE_SEQ && (p->optional || p->repeat);
	char *w = NULL, *q, *s;

	if (p->optional && !group)
		push(e, &e->args, strdup("["));
	switch (p->kind) {
	case PE_LITERAL:
		w = quote(p->lit);
		break;
	case PE_PARAM:
		w = param_word(e, p->ck);
		break;
	case PE_TEMPLATE:
		if ((q = quote(p->lit)) != NULL &&
		    (s = quote(p->suffix)) != NULL) {
			char *inner = param_word(e, p->ck);

			if (inner != NULL && inner[0] == '<' &&
			    asprintf(&w, "%s%s%s", p->lit[0] ? q : "", inner,
			    p->suffix[0] ? s : "") < 0)
				w = NULL;
			else if (inner != NULL && inner[0] != '<')
				fail(e, "<%s>: a literal inside a template",
				    p->ck->name);
			free(inner);
			free(s);
		}
		free(q);
		break;
	case PE_SEQ:
		if (group && !p->optional && p->nkids != 1) {
			fail(e, "a repeated group of several words");
			break;
		}
		if (group && p->optional)
			push(e, &e->args, strdup("["));
		emit_kids(e, p, 0);
		if (group && p->optional)
			push(e, &e->args, strdup("]"));
		break;
	case PE_UNORDERED:
	default:
		fail(e, "an unordered group");
		break;
	}
	if (w != NULL)
		push(e, &e->args, w);
	else if (p->kind != PE_SEQ && e->why[0] == '\0')
		fail(e, "out of memory");
	if (p->optional && !group)
		push(e, &e->args, strdup("]"));
	if (p->repeat && e->args.n > 0) {
		/* "X..." on the last word */
		char *last = e->args.v[e->args.n - 1];

		if (asprintf(&w, "%s...", last) < 0)
			fail(e, "out of memory");
		else {
			free(last);
			e->args.v[e->args.n - 1] = w;
		}
	}
}

/* The pattern after the command word, environment groups aside */
static void
emit_pattern(struct emit *e)
{
	const struct pel *top = &e->r->pattern;
	size_t from = 0;

	if (e->r->cmd_in_pattern) {
		for (from = 0; from < top->nkids; from++)
			if (top->kids[from].flags & PEF_CMD)
				break;
		if (from == top->nkids) {
			fail(e, "no command word");
			return;
		}
		from++;
	}
	for (size_t i = from; i < top->nkids && e->why[0] == '\0'; i++)
		if (!is_env_group(&top->kids[i]))
			emit_pel(e, &top->kids[i]);
}

/* rootwrap's RegExpFilter matches argv[0] with its first pattern */
static void
check_cmd_word(struct emit *e)
{
	const struct pel *top = &e->r->pattern;

	for (size_t i = 0; i < top->nkids; i++) {
		const struct pel *k = &top->kids[i];

		if (!(k->flags & PEF_CMD) || k->kind != PE_PARAM ||
		    k->ck->kind != CK_REGEX)
			continue;
		if (k->ck->u.rx == NULL || rx_match(k->ck->u.rx,
		    e->r->cmdname, strlen(e->r->cmdname)) != RX_MATCH)
			fail(e, "the command word must match %s, which the "
			    "executable's name %s does not", k->ck->src,
			    e->r->cmdname);
	}
}

/* --- sections ------------------------------------------------------------ */

/* text as comment lines: one per line of text, each within the limit */
static void
comment(FILE *out, const char *lead, const char *text)
{
	size_t w = LINE_MAX_OUT - strlen(lead) - 4;
	bool first = true;

	do {
		size_t n = strcspn(text, "\n");

		for (size_t o = 0; o < n || (o == 0 && n == 0); o += w) {
			fprintf(out, "#%s%.*s\n", first ? lead : "     ",
			    (int)(n - o < w ? n - o : w), text + o);
			first = false;
			if (n == 0)
				break;
		}
		text += n;
	} while (*text++ == '\n');
}

/*
 * Load one section as native.c would (invariant 2): NULL when it loads,
 * else the first error, in err.
 */
static const char *
validate(const char *text, size_t len, char *err, size_t errlen)
{
	struct policy_opts o = { false, false };
	struct rg_errlist errs = { 0 };
	struct policy *p = policy_new();
	FILE *fp = fmemopen((void *)(uintptr_t)text, len, "r");
	const char *res = NULL;

	if (p == NULL || fp == NULL) {
		snprintf(err, errlen, "out of memory");
		res = err;
	} else if (policy_parse_native(p, fp, "import", &o, &errs) < 0 ||
	    rg_errlist_nerrors(&errs) > 0) {
		for (size_t i = 0; i < errs.n; i++)
			if (errs.warn[i] == RG_ERROR) {
				snprintf(err, errlen, "%.200s", errs.v[i].msg);
				break;
			}
		res = err;
	}
	if (fp != NULL)
		fclose(fp);
	rg_errlist_free(&errs);
	policy_free(p);
	return res;
}

static void
section_name(const char *name, struct words *used, char *out, size_t len)
{
	size_t o = 0;
	char base[NAME_MAX_OUT - 4];

	for (const char *p = name; *p && o + 1 < sizeof(base); p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';

		if (!ok)
			c = '-';
		base[o++] = c;
	}
	base[o] = '\0';
	if (o == 0)
		snprintf(base, sizeof(base), "rule");
	snprintf(out, len, "%s", base);
	for (unsigned k = 2; strv_find(used->v, used->n, out) >= 0; k++)
		snprintf(out, len, "%s-%u", base, k);
	strv_push(&used->v, &used->n, out);
}

/* exec: the resolved file, or the first exec_dirs candidate (optional) */
static bool
exec_of(const struct rule *r, const struct rw_conf *conf, char *out,
    size_t len, bool *optional)
{
	const char *src = r->exec_src != NULL ? r->exec_src : r->exec;
	char joined[PATH_MAX];

	*optional = r->inactive;
	if (!r->inactive)
		snprintf(joined, sizeof(joined), "%s", r->exec);
	else if (src[0] == '/')
		snprintf(joined, sizeof(joined), "%s", src);
	else if (conf->nexec_dirs > 0 && conf->exec_dirs[0][0] == '/')
		snprintf(joined, sizeof(joined), "%s/%s", conf->exec_dirs[0],
		    src);
	else
		return false;
	return pathcanon_lexical(joined, out, len) == PC_OK &&
	    strchr(out, ' ') == NULL && strstr(out, "..") == NULL;
}

static bool
user_ok(const char *u)
{
	if (u[0] == '\0' || strlen(u) > 32 || (u[0] >= '0' && u[0] <= '9') ||
	    u[0] == '-' || u[0] == '+')
		return false;
	for (; *u; u++)
		if (!((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') ||
		    (*u >= '0' && *u <= '9') || *u == '.' || *u == '_' ||
		    *u == '-'))
			return false;
	return true;
}

/* names of the rootwrap EnvFilter variables (its PEF_ENV templates) */
static void
env_names(struct emit *e, const struct pel *p, struct words *w)
{
	if (p->kind == PE_TEMPLATE && (p->flags & PEF_ENV)) {
		size_t n = strlen(p->lit);

		/* a variable left out would change the command's run */
		if (n > 0 && strv_push_owned(&w->v, &w->n,
		    strndup(p->lit, n - 1)) < 0) {
			fail(e, "out of memory");
			return;
		}
	}
	for (size_t i = 0; i < p->nkids; i++)
		env_names(e, &p->kids[i], w);
}

/* "args = ..." over as many indented lines as needed */
static void
write_args(FILE *out, const struct words *a)
{
	size_t col = 7;

	fputs("args =", out);
	for (size_t i = 0; i < a->n; i++) {
		size_t n = strlen(a->v[i]);

		if (col + 1 + n > LINE_MAX_OUT) {
			fputs("\n ", out);
			col = 1;
		}
		fprintf(out, " %s", a->v[i]);
		col += 1 + n;
	}
	fputc('\n', out);
}

static void
emit_free(struct emit *e)
{
	strv_free(e->args.v, e->args.n);
	strv_free(e->defs.v, e->defs.n);
	strv_free(e->names.v, e->names.n);
	free(e->cks);
}

static void
write_not_imported(FILE *out, const char *name, const char *file,
    const char *orig, const char *why)
{
	fputc('\n', out);
	comment(out, " NOT IMPORTED: ", name);
	comment(out, "   from ", file);
	comment(out, "   line ", orig);
	comment(out, "   why: ", why);
}

static void
write_section(FILE *out, const struct rule *r, const struct emit *e,
    const char *name, const char *exec, bool optional, const struct words *env)
{
	for (size_t i = 0; i < e->defs.n; i++)
		if (strcmp(e->defs.v[i] + strlen(e->defs.v[i]) - 6, " = any") ==
		    0) {
			fputs("# any arguments: `rootgate audit` flags it; "
			    "name each argument instead\n", out);
			break;
		}
	for (size_t i = 0; i < r->ncks; i++)
		if (r->cks[i].kind == CK_REALPATH) {
			fputs("# paths: compared component by component, "
			    "absolute, no '..', at most the last component\n"
			    "# new, passed as written: stricter than "
			    "oslo.rootwrap's realpath prefix (fail-open)\n",
			    out);
			break;
		}
	fprintf(out, "[%s]\n", name);
	fprintf(out, "description = imported from rootwrap filter %s\n",
	    name);
	fprintf(out, "exec = %s\n", exec);
	if (optional)
		fputs("# not installed when imported\noptional = yes\n", out);
	write_args(out, &e->args);
	for (size_t i = 0; i < e->defs.n; i++)
		fprintf(out, "%s\n", e->defs.v[i]);
	fprintf(out, "user = %s\n", r->user);
	if (env->n > 0) {
		fputs("# EnvFilter: the caller sets these in its own "
		    "environment (NAME=VALUE rootgate CMD ...)\nenv-keep =",
		    out);
		for (size_t i = 0; i < env->n; i++)
			fprintf(out, " %s", env->v[i]);
		fputc('\n', out);
	}
	fputs("# oslo.rootwrap had no sandbox: turn it on where the command "
	    "allows\nsandbox = off\n", out);
}

static void
write_rule(FILE *out, const struct rule *r, const struct rw_conf *conf,
    struct words *used, struct rwimport_stats *st)
{
	char name[NAME_MAX_OUT + 8], exec[PATH_MAX], orig[1024], err[256];
	struct words env = { NULL, 0 };
	const char *bad = NULL;
	char *text = NULL;
	size_t len = 0;
	struct emit e;
	bool optional = false;
	FILE *mem;

	memset(&e, 0, sizeof(e));
	e.r = r;
	snprintf(orig, sizeof(orig), "%s: %s", r->name, r->description ?
	    r->description : "");
	if (r->unusable != NULL)
		fail(&e, "never allows: %s", r->unusable);
	else if (!user_ok(r->user))
		fail(&e, "the run-as user '%s' is not a native user name",
		    r->user);
	else if (!exec_of(r, conf, exec, sizeof(exec), &optional))
		fail(&e, "the executable %s has no absolute native form",
		    r->exec_src ? r->exec_src : r->exec);
	/* the classes with no native form at all, named first */
	for (size_t i = 0; i < r->ncks; i++)
		if (r->cks[i].kind == CK_PROCEXE || r->cks[i].kind == CK_CHAIN)
			free(param_word(&e, &r->cks[i]));
	check_cmd_word(&e);
	emit_pattern(&e);
	env_names(&e, &r->pattern, &env);
	if (e.why[0] == '\0') {
		section_name(r->name, used, name, sizeof(name));
		if ((mem = open_memstream(&text, &len)) == NULL)
			fail(&e, "out of memory");
		else {
			write_section(mem, r, &e, name, exec, optional, &env);
			fclose(mem);
			bad = validate(text, len, err, sizeof(err));
		}
		if (bad != NULL)
			fail(&e, "the native loader refuses it: %s", bad);
	}
	if (e.why[0] != '\0') {
		write_not_imported(out, r->name, r->file, orig, e.why);
		st->nskipped++;
	} else {
		fprintf(out, "\n# from %s:%u:\n", r->file, r->line);
		comment(out, "   ", orig);
		fputs(text, out);
		st->nrules++;
	}
	free(text);
	strv_free(env.v, env.n);
	emit_free(&e);
}

/* filters that became no rule (never match in oslo.rootwrap 6.3) */
static void
write_ruleless_file(FILE *out, const struct policy *p, const char *path,
    struct rwimport_stats *st)
{
	const struct rwini_section *fs;
	struct rwini ini;
	struct rg_err err;
	char *buf = NULL, line[1024];
	size_t len = 0;
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL)
		return;
	len = getdelim(&buf, &len, '\0', fp) < 0 ? 0 : strlen(buf);
	fclose(fp);
	if (buf == NULL)
		return;
	if (rwini_parse(buf, len, false, path, &ini, &err) == 0 &&
	    (fs = rwini_section(&ini, "Filters")) != NULL)
		for (size_t i = 0; i < fs->nkv; i++) {
			bool found = false;

			for (size_t j = 0; j < p->nrules && !found; j++) {
				const struct rule *r = &p->rules[j];

				found = strcmp(r->file, path) == 0 &&
				    strcmp(r->name, fs->kv[i].key) == 0;
			}
			if (found)
				continue;
			snprintf(line, sizeof(line), "%s: %s", fs->kv[i].key,
			    fs->kv[i].value);
			write_not_imported(out, fs->kv[i].key, path, line,
			    "oslo.rootwrap 6.3 never allows anything with this "
			    "filter (no patterns, a ChainingFilter, an "
			    "IpNetnsExecFilter not run as root, or an "
			    "EnvFilter without variables)");
			st->nskipped++;
		}
	rwini_free(&ini);
	free(buf);
}

static void
write_ruleless(FILE *out, const struct policy *p, const struct rw_conf *conf,
    struct rwimport_stats *st)
{
	for (size_t i = 0; i < conf->nfilters_path; i++) {
		const char *dir = conf->filters_path[i];
		struct dirent *de;
		DIR *d;

		if ((d = opendir(dir)) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			struct stat sb;
			char *path;

			if (de->d_name[0] == '.' || asprintf(&path, "%s%s%s",
			    dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" :
			    "/", de->d_name) < 0)
				continue;
			if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
				write_ruleless_file(out, p, path, st);
			free(path);
		}
		closedir(d);
	}
}

static const char header[] =
    "# The rules of an oslo.rootwrap configuration in the native language\n"
    "# of rootgate.filters(5), written by `rootgate import-rootwrap`. Each\n"
    "# section names its source filter (file:line and the original line).\n"
    "# Where the native reading differs from rootgate-rootwrap's:\n"
    "# - every rule has sandbox = off (oslo.rootwrap had no sandbox): turn\n"
    "#   the sandbox on rule by rule, with writable = the paths it writes;\n"
    "# - the command's environment is built from nothing (rootwrap passed\n"
    "#   sudo's); an EnvFilter's variables come from the caller's own\n"
    "#   environment through env-keep, and may be absent;\n"
    "# - the run-as group is the user's own (rootwrap kept group 0);\n"
    "# - the command word is the executable's name or path (a RegExpFilter\n"
    "#   matched it with its first pattern; the program run is the same);\n"
    "# - PathFilter arguments: stricter (see their comments);\n"
    "# - regexes: \\d, \\w and \\s are ASCII only (Python's are Unicode);\n"
    "# - a filter the language cannot express is written commented out,\n"
    "#   NOT IMPORTED, with the reason: KillFilter (no 'pid of program'\n"
    "#   constraint), IpFilter (no 'any word but'), chaining filters (no\n"
    "#   chained command), regexes that take a leading '-' other than\n"
    "#   literal words, regexes rootgate cannot read as Python does, and\n"
    "#   what the native loader refuses (env-keep = LVM_SYSTEM_DIR, ...).\n"
    "# Run `rootgate audit` on the result, and tighten what it flags.\n";

int
rwimport_write(FILE *out, const struct policy *p, const char *conf_path,
    const struct rw_conf *conf, struct rwimport_stats *st)
{
	struct words used = { NULL, 0 };

	memset(st, 0, sizeof(*st));
	fputs(header, out);
	comment(out, " source: ", conf_path);
	for (size_t i = 0; i < p->nrules; i++)
		write_rule(out, &p->rules[i], conf, &used, st);
	write_ruleless(out, p, conf, st);
	fprintf(out, "\n# %zu rules imported, %zu filters not imported\n",
	    st->nrules, st->nskipped);
	strv_free(used.v, used.n);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}
