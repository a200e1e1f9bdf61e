/* SPDX-License-Identifier: ISC */
/*
 * pattern.c - parse a rule's `args` synopsis into a struct pel tree (the
 * grammar is in pattern.h and rootgate.filters(5)).
 *
 * Invariants:
 * 1. Every placeholder names a constraint of the same rule.
 * 2. No repeated element and no member of an unordered group can match an
 *    empty argument list, so matching always makes progress.
 * 3. Depth and size are bounded (PAT_MAX_DEPTH, PAT_MAX_ELEMS), so the
 *    matcher's recursion is bounded by the pattern, not by the argv.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"
#include "policy.h"
#include "strv.h"

#define PAT_MAX_DEPTH	12
#define PAT_MAX_ELEMS	256
#define PAT_MAX_MEMBERS	32

enum tok { T_WORD, T_LBRACK, T_RBRACK, T_LBRACE, T_RBRACE, T_COMMA, T_DOTS,
	T_END, T_ERR };

struct lexer {
	const char *p;
	/* current word */
	char *text;		/* literal bytes with the placeholder removed */
	size_t len, cap;
	size_t ph_at;		/* offset of the placeholder in text */
	char ph[64];		/* placeholder name, "" if none */
	bool pending_comma;	/* word ended with ", " */
	bool pending_dots;	/* word ended with "..." */
	enum tok queued;	/* token to return after the word */
	bool has_queued;
	char *err;
	size_t errlen;
};

struct parser {
	struct lexer lx;
	enum tok cur;
	struct constraint *cks;
	size_t ncks;
	size_t nelems;
	char *err;
	size_t errlen;
};

static int
lx_putc(struct lexer *lx, char c)
{
	if (lx->len + 2 > lx->cap) {
		size_t cap = lx->cap ? lx->cap * 2 : 64;
		char *t = realloc(lx->text, cap);

		if (t == NULL)
			return -1;
		lx->text = t;
		lx->cap = cap;
	}
	lx->text[lx->len++] = c;
	lx->text[lx->len] = '\0';
	return 0;
}

static enum tok
lx_fail(struct lexer *lx, const char *msg)
{
	snprintf(lx->err, lx->errlen, "%s", msg);
	return T_ERR;
}

static bool
is_delim(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '[' || c == ']' || c == '{' || c == '}';
}

/* A placeholder "<name>" at lx->p; returns its length or 0. */
static size_t
placeholder_len(const char *p)
{
	size_t n = 1;

	if (*p != '<')
		return 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '-')
		n++;
	if (n == 1 || p[n] != '>' || n - 1 >= 64)
		return 0;
	return n + 1;
}

static enum tok
lx_word(struct lexer *lx)
{
	bool quoted_end = false;

	lx->len = 0;
	if (lx_putc(lx, '\0') < 0)
		return lx_fail(lx, "out of memory");
	lx->len = 0;
	lx->ph[0] = '\0';
	while (!is_delim(*lx->p)) {
		char q = *lx->p;
		size_t n;

		quoted_end = false;
		if (q == '\'' || q == '"') {
			lx->p++;
			while (*lx->p != q) {
				char c = *lx->p;

				if (c == '\0')
					return lx_fail(lx, "unterminated quote");
				if (q == '"' && c == '\\' &&
				    (lx->p[1] == '"' || lx->p[1] == '\\'))
					c = *++lx->p;
				if (lx_putc(lx, c) < 0)
					return lx_fail(lx, "out of memory");
				lx->p++;
			}
			lx->p++;
			quoted_end = true;
			continue;
		}
		if ((n = placeholder_len(lx->p)) > 0) {
			if (lx->ph[0] != '\0')
				return lx_fail(lx, "two placeholders in one "
				    "argument");
			memcpy(lx->ph, lx->p + 1, n - 2);
			lx->ph[n - 2] = '\0';
			lx->ph_at = lx->len;
			lx->p += n;
			continue;
		}
		if (q == '<' || q == '>')
			return lx_fail(lx, "stray '<' or '>' (quote it, or "
			    "write a placeholder as <name>)");
		if (lx_putc(lx, q) < 0)
			return lx_fail(lx, "out of memory");
		lx->p++;
	}
	/* unquoted trailing "..." marks repetition, trailing "," ends a
	 * member of { } */
	if (!quoted_end && lx->len >= 3 &&
	    strcmp(lx->text + lx->len - 3, "...") == 0 &&
	    (lx->ph[0] == '\0' || lx->ph_at <= lx->len - 3)) {
		lx->len -= 3;
		lx->text[lx->len] = '\0';
		lx->pending_dots = true;
	}
	if (!quoted_end && !lx->pending_dots && lx->len >= 1 &&
	    lx->text[lx->len - 1] == ',' &&
	    (lx->ph[0] == '\0' || lx->ph_at < lx->len)) {
		lx->len--;
		lx->text[lx->len] = '\0';
		lx->pending_comma = true;
	}
	if (lx->len == 0 && lx->ph[0] == '\0' && !quoted_end) {
		/* the word was only "..." or "," */
		if (lx->pending_dots) {
			lx->pending_dots = false;
			return T_DOTS;
		}
		lx->pending_comma = false;
		return T_COMMA;
	}
	return T_WORD;
}

static enum tok
lx_next(struct lexer *lx)
{
	if (lx->pending_dots) {
		lx->pending_dots = false;
		return T_DOTS;
	}
	if (lx->pending_comma) {
		lx->pending_comma = false;
		return T_COMMA;
	}
	lx->p += strspn(lx->p, " \t\r\n");
	switch (*lx->p) {
	case '\0':
		return T_END;
	case '[':
		lx->p++;
		return T_LBRACK;
	case '{':
		lx->p++;
		return T_LBRACE;
	case ']':
	case '}': {
		enum tok t = *lx->p == ']' ? T_RBRACK : T_RBRACE;

		lx->p++;
		if (strncmp(lx->p, "...", 3) == 0 && is_delim(lx->p[3])) {
			lx->p += 3;
			lx->pending_dots = true;
		}
		return t;
	}
	default:
		return lx_word(lx);
	}
}

static void
advance(struct parser *ps)
{
	ps->cur = lx_next(&ps->lx);
}

static int __attribute__((format(printf, 2, 3)))
fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->cur != T_ERR) {
		va_start(ap, fmt);
		vsnprintf(ps->err, ps->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool
nullable(const struct pel *e)
{
	if (e->optional)
		return true;
	switch (e->kind) {
	case PE_SEQ:
	case PE_UNORDERED:
		for (size_t i = 0; i < e->nkids; i++)
			if (!nullable(&e->kids[i]))
				return false;
		return true;
	case PE_LITERAL:
	case PE_PARAM:
	case PE_TEMPLATE:
	default:
		return false;
	}
}

/* Can e's body, taken as present, match no argument at all? */
static bool
body_nullable(const struct pel *e)
{
	struct pel tmp = *e;

	tmp.optional = false;
	return nullable(&tmp);
}

static struct pel *
push_kid(struct pel *parent)
{
	struct pel *k = vec_room(parent->kids, parent->nkids, sizeof(*k));

	if (k == NULL)
		return NULL;
	parent->kids = k;
	memset(&k[parent->nkids], 0, sizeof(*k));
	return &k[parent->nkids++];
}

static struct constraint *
find_ck(struct parser *ps, const char *name)
{
	for (size_t i = 0; i < ps->ncks; i++)
		if (strcmp(ps->cks[i].name, name) == 0)
			return &ps->cks[i];
	return NULL;
}

static int
word_elem(struct parser *ps, struct pel *e)
{
	struct lexer *lx = &ps->lx;
	struct constraint *ck;

	if (lx->ph[0] == '\0') {
		e->kind = PE_LITERAL;
		if ((e->lit = strdup(lx->text)) == NULL)
			return fail(ps, "%s", "out of memory");
		return 0;
	}
	if ((ck = find_ck(ps, lx->ph)) == NULL)
		return fail(ps, "placeholder <%s> is not defined in this rule",
		    lx->ph);
	ck->used = true;
	e->ck = ck;
	e->kind = lx->len == 0 ? PE_PARAM : PE_TEMPLATE;
	e->lit = strndup(lx->text, lx->ph_at);
	e->suffix = strdup(lx->text + lx->ph_at);
	if (e->lit == NULL || e->suffix == NULL)
		return fail(ps, "%s", "out of memory");
	return 0;
}

static int parse_seq(struct parser *, struct pel *, int, bool);

static int
parse_item(struct parser *ps, struct pel *e, int depth, bool in_group)
{
	if (++ps->nelems > PAT_MAX_ELEMS)
		return fail(ps, "%s", "pattern too large");
	switch (ps->cur) {
	case T_WORD:
		if (word_elem(ps, e) < 0)
			return -1;
		advance(ps);
		break;
	case T_LBRACK:
		advance(ps);
		e->kind = PE_SEQ;
		e->optional = true;
		if (parse_seq(ps, e, depth + 1, false) < 0)
			return -1;
		if (ps->cur != T_RBRACK)
			return fail(ps, "%s", "missing ']'");
		if (e->nkids == 0)
			return fail(ps, "%s", "empty [ ]");
		advance(ps);
		break;
	case T_LBRACE:
		advance(ps);
		e->kind = PE_UNORDERED;
		for (;;) {
			struct pel *m = push_kid(e);

			if (m == NULL)
				return fail(ps, "%s", "out of memory");
			m->kind = PE_SEQ;
			if (parse_seq(ps, m, depth + 1, true) < 0)
				return -1;
			if (m->nkids == 1 && m->kids[0].kind == PE_SEQ &&
			    m->kids[0].optional && !m->kids[0].repeat) {
				/* "[ -p ]" as a member: an optional member */
				struct pel inner = m->kids[0];

				free(m->kids);
				*m = inner;
				m->optional = true;
			}
			if (m->nkids == 0 || body_nullable(m))
				return fail(ps, "%s", "a member of { } must "
				    "match at least one argument");
			if (e->nkids > PAT_MAX_MEMBERS)
				return fail(ps, "%s", "too many members in { }");
			if (ps->cur == T_COMMA) {
				advance(ps);
				continue;
			}
			if (ps->cur != T_RBRACE)
				return fail(ps, "%s", "missing '}'");
			advance(ps);
			break;
		}
		break;
	case T_RBRACK:
		return fail(ps, "%s", "unexpected ']'");
	case T_RBRACE:
		return fail(ps, "%s", "unexpected '}'");
	case T_COMMA:
		return fail(ps, "%s", in_group ? "empty member in { }" :
		    "',' outside { } (quote a literal comma)");
	case T_DOTS:
		return fail(ps, "%s", "'...' must follow an element");
	case T_END:
	case T_ERR:
	default:
		return fail(ps, "%s", "unexpected end of pattern");
	}
	if (ps->cur == T_DOTS) {
		e->repeat = true;
		advance(ps);
		if (ps->cur == T_DOTS)
			return fail(ps, "%s", "'...' twice");
		if (body_nullable(e))
			return fail(ps, "%s", "a repeated element must match "
			    "at least one argument");
	}
	return 0;
}

static int
parse_seq(struct parser *ps, struct pel *seq, int depth, bool in_group)
{
	if (depth > PAT_MAX_DEPTH)
		return fail(ps, "%s", "pattern nested too deeply");
	while (ps->cur != T_END && ps->cur != T_RBRACK &&
	    ps->cur != T_RBRACE && ps->cur != T_ERR &&
	    !(in_group && ps->cur == T_COMMA)) {
		struct pel *e = push_kid(seq);

		if (e == NULL)
			return fail(ps, "%s", "out of memory");
		if (parse_item(ps, e, depth, in_group) < 0)
			return -1;
	}
	return ps->cur == T_ERR ? -1 : 0;
}

void
pattern_clear(struct pel *p)
{
	for (size_t i = 0; i < p->nkids; i++)
		pattern_clear(&p->kids[i]);
	free(p->kids);
	free(p->lit);
	free(p->suffix);
	memset(p, 0, sizeof(*p));
}

int
pattern_parse(const char *src, struct constraint *cks, size_t ncks,
    struct pel *out, char *err, size_t errlen)
{
	struct parser ps;
	int rc;

	memset(&ps, 0, sizeof(ps));
	memset(out, 0, sizeof(*out));
	ps.lx.p = src;
	ps.lx.err = err;
	ps.lx.errlen = errlen;
	ps.cks = cks;
	ps.ncks = ncks;
	ps.err = err;
	ps.errlen = errlen;
	out->kind = PE_SEQ;
	advance(&ps);
	rc = parse_seq(&ps, out, 0, false);
	if (rc == 0 && ps.cur == T_RBRACK)
		rc = fail(&ps, "%s", "unexpected ']'");
	if (rc == 0 && ps.cur == T_RBRACE)
		rc = fail(&ps, "%s", "unexpected '}'");
	if (rc == 0 && ps.cur == T_COMMA)
		rc = fail(&ps, "%s", "',' outside { } (quote a literal comma)");
	free(ps.lx.text);
	if (rc < 0)
		pattern_clear(out);
	return rc;
}

/* --- formatting ------------------------------------------------------ */

struct outbuf {
	char *p;
	size_t len, off;
};

static void
put(struct outbuf *o, const char *s)
{
	size_t n = strlen(s);

	if (o->len == 0)
		return;
	if (o->off + n >= o->len)
		n = o->off + 1 < o->len ? o->len - o->off - 1 : 0;
	memcpy(o->p + o->off, s, n);
	o->off += n;
	o->p[o->off] = '\0';
}

/* Would the lexer read s back as something else? */
static bool
needs_quotes(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || s[n - 1] == ',' ||
	    (n >= 3 && strcmp(s + n - 3, "...") == 0))
		return true;
	for (; *s; s++)
		if (strchr(" \t\r\n[]{}<>'\"", *s) != NULL)
			return true;
	return false;
}

static void
put_lit(struct outbuf *o, const char *s)
{
	if (!needs_quotes(s)) {
		put(o, s);
		return;
	}
	put(o, "\"");
	for (; *s; s++) {
		char c[3] = { *s, '\0', '\0' };

		if (*s == '"' || *s == '\\') {
			c[0] = '\\';
			c[1] = *s;
		}
		put(o, c);
	}
	put(o, "\"");
}

static void fmt_elem(struct outbuf *, const struct pel *);

static void
fmt_seq(struct outbuf *o, const struct pel *e)
{
	for (size_t i = 0; i < e->nkids; i++) {
		if (i > 0)
			put(o, " ");
		fmt_elem(o, &e->kids[i]);
	}
}

static void
fmt_elem(struct outbuf *o, const struct pel *e)
{
	switch (e->kind) {
	case PE_LITERAL:
		put_lit(o, e->lit);
		break;
	case PE_PARAM:
	case PE_TEMPLATE:
		if (e->lit[0] != '\0')
			put_lit(o, e->lit);
		put(o, "<");
		put(o, e->ck->name);
		put(o, ">");
		if (e->suffix[0] != '\0')
			put_lit(o, e->suffix);
		break;
	case PE_SEQ:
		if (e->optional)
			put(o, "[ ");
		fmt_seq(o, e);
		if (e->optional)
			put(o, " ]");
		break;
	case PE_UNORDERED:
		put(o, "{ ");
		for (size_t i = 0; i < e->nkids; i++) {
			if (i > 0)
				put(o, ", ");
			fmt_elem(o, &e->kids[i]);
		}
		put(o, " }");
		break;
	default:
		break;
	}
	if (e->repeat)
		put(o, "...");
}

void
pattern_format(const struct pel *p, char *buf, size_t len)
{
	struct outbuf o = { buf, len, 0 };

	if (len > 0)
		buf[0] = '\0';
	fmt_seq(&o, p);
}
