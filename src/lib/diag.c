/* SPDX-License-Identifier: ISC */
/* diag.c - error records and error lists (see diag.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static void
fill(struct rg_err *e, const char *file, unsigned line, int errnum,
    const char *fmt, va_list ap)
{
	memset(e, 0, sizeof(*e));
	if (file != NULL)
		strlcpy(e->file, file, sizeof(e->file));
	e->line = line;
	e->errnum = errnum;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int
rg_err_set(struct rg_err *e, const char *file, unsigned line, int errnum,
    const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	fill(e, file, line, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

static struct rg_err *
slot(struct rg_errlist *l, int warning)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct rg_err *v = reallocarray(l->v, cap, sizeof(*v));
		unsigned char *w;

		if (v == NULL)
			return NULL;
		l->v = v;
		w = reallocarray(l->warn, cap, 1);
		if (w == NULL)
			return NULL;
		l->warn = w;
		l->cap = cap;
	}
	l->warn[l->n] = (unsigned char)warning;
	if (warning == RG_WARNING)
		l->nwarn++;
	else if (warning == RG_NOTE)
		l->nnote++;
	return &l->v[l->n++];
}

void
rg_errlist_add(struct rg_errlist *l, int warning, const char *file,
    unsigned line, const char *fmt, ...)
{
	struct rg_err *e;
	va_list ap;

	if (l == NULL)
		return;
	if ((e = slot(l, warning)) == NULL) {
		if (!warning)
			l->lost++;
		return;
	}
	va_start(ap, fmt);
	fill(e, file, line, 0, fmt, ap);
	va_end(ap);
}

void
rg_errlist_add_err(struct rg_errlist *l, const struct rg_err *src)
{
	struct rg_err *e;

	if (l == NULL)
		return;
	if ((e = slot(l, 0)) == NULL) {
		l->lost++;
		return;
	}
	*e = *src;
}

size_t
rg_errlist_nerrors(const struct rg_errlist *l)
{
	return l->n - l->nwarn - l->nnote + l->lost;
}

void
rg_errlist_free(struct rg_errlist *l)
{
	free(l->v);
	free(l->warn);
	memset(l, 0, sizeof(*l));
}

void
rg_err_format(const struct rg_err *e, char *buf, size_t len)
{
	char why[160] = "";

	if (e->errnum != 0)
		snprintf(why, sizeof(why), ": %s", strerror(e->errnum));
	if (e->file[0] != '\0' && e->line > 0)
		snprintf(buf, len, "%s:%u: %s%s", e->file, e->line, e->msg, why);
	else if (e->file[0] != '\0')
		snprintf(buf, len, "%s: %s%s", e->file, e->msg, why);
	else
		snprintf(buf, len, "%s%s", e->msg, why);
}
