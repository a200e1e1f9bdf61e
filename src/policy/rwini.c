/* SPDX-License-Identifier: ISC */
/*
 * rwini.c - Python's RawConfigParser._read(), line by line (rwini.h).
 *
 * Invariants:
 * 1. Pure: the result depends on the buffer and `strict` only.
 * 2. Every input Python reads differently from us is refused: bytes that
 *    are not UTF-8, non-ASCII white space (Python strips it, we would
 *    not), non-ASCII option names (Python lower-cases them by Unicode
 *    rules).
 * 3. Nothing is partially returned on error: the caller frees *out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "rwini.h"

struct pstate {
	const char *file;
	bool strict;
	struct rwini *ini;
	struct rwini_section *cur;	/* NULL before the first header */
	struct rwini_kv *opt;		/* the option being continued */
	size_t indent_level;
	unsigned lineno;
	struct rg_err *err;
	bool deferred;			/* a ParsingError is pending */
	struct rg_err perr;
};

/* str.isspace() for the ASCII range (invariant 2 bans the rest) */
static bool
py_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c &&
	    c <= 0x1f);
}

/* Length of the UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t len;
	unsigned long c, min;

	if (s[0] < 0x80)
		return *cp = s[0], 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, c = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, c = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static bool
unicode_space(unsigned long c)
{
	return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 &&
	    c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	    c == 0x205f || c == 0x3000;
}

/* Invariant 2, over the whole buffer. */
static int
check_text(const char *buf, size_t len, const char *file, struct rg_err *err)
{
	const unsigned char *s = (const unsigned char *)buf;
	unsigned line = 1;

	for (size_t i = 0; i < len; ) {
		unsigned long cp;
		size_t n = utf8_len(s + i, len - i, &cp);

		if (n == 0 || cp == 0)
			return rg_err_set(err, file, line, 0, "%s", n == 0 ?
			    "not valid UTF-8" : "a NUL byte");
		if (unicode_space(cp))
			return rg_err_set(err, file, line, 0, "non-ASCII white "
			    "space (U+%04lX)", cp);
		line += cp == '\n';
		i += n;
	}
	return 0;
}

static struct rwini_section *
add_section(struct pstate *ps, const char *name, size_t n)
{
	struct rwini *ini = ps->ini;
	struct rwini_section *v;

	v = reallocarray(ini->sec, ini->nsec + 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	ini->sec = v;
	v = &ini->sec[ini->nsec];
	memset(v, 0, sizeof(*v));
	if ((v->name = strndup(name, n)) == NULL)
		return NULL;
	v->line = ps->lineno;
	ini->nsec++;
	return v;
}

static int
header(struct pstate *ps, const char *v, size_t n)
{
	const char *close = NULL;

	/* SECTCRE "\[(?P<header>.+)\]", re.match: to the LAST ']' */
	for (size_t i = 2; i < n; i++)
		if (v[i] == ']')
			close = v + i;
	if (v[0] != '[' || close == NULL)
		return 0;
	ps->opt = NULL;
	if ((size_t)(close - v - 1) == 7 && strncmp(v + 1, "DEFAULT", 7) == 0) {
		ps->cur = &ps->ini->defaults;
		if (ps->cur->name == NULL && ((ps->cur->name = strdup(
		    "DEFAULT")) == NULL))
			return -1;
		return 1;
	}
	for (size_t i = 0; i < ps->ini->nsec; i++) {
		struct rwini_section *s = &ps->ini->sec[i];

		if (strlen(s->name) == (size_t)(close - v - 1) &&
		    strncmp(s->name, v + 1, (size_t)(close - v - 1)) == 0) {
			if (ps->strict)
				return rg_err_set(ps->err, ps->file, ps->lineno,
				    0, "section '%s' already exists", s->name);
			ps->cur = s;
			return 1;
		}
	}
	if ((ps->cur = add_section(ps, v + 1, (size_t)(close - v - 1))) ==
	    NULL)
		return rg_err_set(ps->err, ps->file, ps->lineno, 0, "out of "
		    "memory");
	return 1;
}

static void
defer(struct pstate *ps, const char *why)
{
	if (!ps->deferred)
		rg_err_set(&ps->perr, ps->file, ps->lineno, 0, "%s", why);
	ps->deferred = true;
	ps->opt = NULL;
}

static int
option(struct pstate *ps, const char *v, size_t n)
{
	size_t d = 0, kl, vs, ve;
	struct rwini_section *s = ps->cur;
	struct rwini_kv *kv = NULL, *nv;
	char *key;

	/* within the line: buf[0..len) need not be NUL-terminated */
	while (d < n && v[d] != '=' && v[d] != ':')
		d++;
	if (d >= n)
		return defer(ps, "a line without ':' or '='"), 0;
	for (kl = d; kl > 0 && py_space((unsigned char)v[kl - 1]); kl--)
		;
	if (kl == 0)
		return defer(ps, "an option without a name"), 0;
	for (vs = d + 1; vs < n && py_space((unsigned char)v[vs]); vs++)
		;
	ve = n;
	if ((key = strndup(v, kl)) == NULL)
		return rg_err_set(ps->err, ps->file, ps->lineno, 0, "out of "
		    "memory");
	for (char *k = key; *k; k++) {
		if ((unsigned char)*k >= 0x80) {
			free(key);
			return rg_err_set(ps->err, ps->file, ps->lineno, 0,
			    "a non-ASCII option name");
		}
		if (*k >= 'A' && *k <= 'Z')
			*k = (char)(*k - 'A' + 'a');
	}
	for (size_t i = 0; i < s->nkv; i++)
		if (strcmp(s->kv[i].key, key) == 0)
			kv = &s->kv[i];
	if (kv != NULL && ps->strict) {
		rg_err_set(ps->err, ps->file, ps->lineno, 0, "option '%s' in "
		    "section '%s' already exists", key, s->name);
		free(key);
		return -1;
	}
	if (kv != NULL) {
		free(key);
		free(kv->value);
		kv->dupline = ps->lineno;
	} else {
		if ((nv = reallocarray(s->kv, s->nkv + 1, sizeof(*nv))) ==
		    NULL) {
			free(key);
			return rg_err_set(ps->err, ps->file, ps->lineno, 0,
			    "out of memory");
		}
		s->kv = nv;
		kv = &s->kv[s->nkv++];
		memset(kv, 0, sizeof(*kv));
		kv->key = key;
		kv->line = ps->lineno;
	}
	if ((kv->value = strndup(v + vs, ve - vs)) == NULL)
		return rg_err_set(ps->err, ps->file, ps->lineno, 0, "out of "
		    "memory");
	ps->opt = kv;
	return 0;
}

static int
append(struct pstate *ps, const char *v, size_t n)
{
	size_t ol = strlen(ps->opt->value);
	char *nv = realloc(ps->opt->value, ol + n + 2);

	if (nv == NULL)
		return rg_err_set(ps->err, ps->file, ps->lineno, 0, "out of "
		    "memory");
	nv[ol] = '\n';
	memcpy(nv + ol + 1, v, n);
	nv[ol + n + 1] = '\0';
	ps->opt->value = nv;
	return 0;
}

/* one physical line (without its end) */
static int
do_line(struct pstate *ps, const char *l, size_t len)
{
	size_t a = 0, b = len;
	int rc;

	while (a < len && py_space((unsigned char)l[a]))
		a++;
	while (b > a && py_space((unsigned char)l[b - 1]))
		b--;
	if (a == b || l[a] == '#' || l[a] == ';') {
		/* blank lines stay in a value; comment lines do not */
		if (a == b && ps->cur != NULL && ps->opt != NULL)
			return append(ps, "", 0);
		return 0;
	}
	if (ps->cur != NULL && ps->opt != NULL && a > ps->indent_level)
		return append(ps, l + a, b - a);
	ps->indent_level = a;
	if ((rc = header(ps, l + a, b - a)) != 0)
		return rc < 0 ? -1 : 0;
	if (ps->cur == NULL)
		return rg_err_set(ps->err, ps->file, ps->lineno, 0, "no section "
		    "header before the first option");
	return option(ps, l + a, b - a);
}

static void
rstrip_values(struct rwini_section *s)
{
	for (size_t i = 0; i < s->nkv; i++) {
		char *v = s->kv[i].value;
		size_t n = strlen(v);

		while (n > 0 && py_space((unsigned char)v[n - 1]))
			n--;
		v[n] = '\0';
	}
}

int
rwini_parse(const char *buf, size_t len, bool strict, const char *file,
    struct rwini *out, struct rg_err *err)
{
	struct pstate ps = { file, strict, out, NULL, NULL, 0, 0, err, false,
		{ "", 0, 0, "" } };
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	if (check_text(buf, len, file, err) < 0)
		return -1;
	while (i < len) {
		size_t e = i;

		/* universal newlines: "\n", "\r\n" and "\r" end a line */
		while (e < len && buf[e] != '\n' && buf[e] != '\r')
			e++;
		ps.lineno++;
		if (do_line(&ps, buf + i, e - i) < 0)
			return -1;
		if (e < len && buf[e] == '\r' && e + 1 < len &&
		    buf[e + 1] == '\n')
			e++;
		i = e + 1;
	}
	if (ps.deferred) {
		*err = ps.perr;
		return -1;
	}
	rstrip_values(&out->defaults);
	for (size_t s = 0; s < out->nsec; s++)
		rstrip_values(&out->sec[s]);
	return 0;
}

static void
section_free(struct rwini_section *s)
{
	for (size_t i = 0; i < s->nkv; i++) {
		free(s->kv[i].key);
		free(s->kv[i].value);
	}
	free(s->kv);
	free(s->name);
}

void
rwini_free(struct rwini *ini)
{
	section_free(&ini->defaults);
	for (size_t i = 0; i < ini->nsec; i++)
		section_free(&ini->sec[i]);
	free(ini->sec);
	memset(ini, 0, sizeof(*ini));
}

const struct rwini_section *
rwini_section(const struct rwini *ini, const char *name)
{
	for (size_t i = 0; i < ini->nsec; i++)
		if (strcmp(ini->sec[i].name, name) == 0)
			return &ini->sec[i];
	return NULL;
}

const struct rwini_kv *
rwini_get(const struct rwini_section *s, const char *key)
{
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < s->nkv; i++)
		if (strcmp(s->kv[i].key, key) == 0)
			return &s->kv[i];
	return NULL;
}
