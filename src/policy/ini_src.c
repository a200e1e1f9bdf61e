/* SPDX-License-Identifier: ISC */
/* ini_src.c - line-accounted input for inih (see ini_src.h). */
#include <ini.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "ini_src.h"

/*
 * Note what inih will not tell the handler, and report malformed lines
 * here, where their number is known (inih only returns the first).
 */
static void
classify(struct ini_src *s, const char *line)
{
	const char *q = line + strspn(line, " \t\r");
	bool blank = *q == '\0' || *q == '\n' || *q == ';' || *q == '#';
	bool indented = line[0] == ' ' || line[0] == '\t';

	s->cont = indented && !blank;
	if (blank || s->cont)
		return;
	if (*q == '[') {
		if (strchr(q, ']') == NULL) {
			rg_errlist_add(s->errs, 0, s->file, s->lineno, "syntax "
			    "error: section header without ']'");
			s->nerr++;
			s->syntax_line = s->lineno;
		}
		s->section_line = s->lineno;
		s->new_section = true;
	} else if (strpbrk(q, "=:") == NULL) {
		rg_errlist_add(s->errs, 0, s->file, s->lineno, "syntax error: "
		    "expected [rule], key = value, or a comment");
		s->nerr++;
		s->syntax_line = s->lineno;
	}
}

static char *
reader(char *str, int num, void *stream)
{
	struct ini_src *s = stream;
	const char *p = s->buf + s->off;
	size_t n, take;

	if (s->off >= s->len)
		return NULL;
	n = strcspn(p, "\n");
	s->lineno++;
	take = n + (p[n] == '\n');
	s->off += take;
	if (n > INI_SRC_MAX_LINE || (int)take + 1 > num) {
		rg_errlist_add(s->errs, 0, s->file, s->lineno, "line too long "
		    "(more than %d bytes; continue a value on an indented "
		    "line)", INI_SRC_MAX_LINE);
		s->nerr++;
		strlcpy(str, "\n", (size_t)num);
		return str;
	}
	memcpy(str, p, take);
	str[take] = '\0';
	classify(s, str);
	return str;
}

static int
slurp(FILE *fp, struct ini_src *s)
{
	size_t cap = 4096;

	s->buf = malloc(cap + 1);
	if (s->buf == NULL)
		return -1;
	for (;;) {
		size_t got;

		if (s->len == cap) {
			char *nb;

			if (cap >= INI_SRC_MAX_FILE)
				return -2;
			cap *= 2;
			if ((nb = realloc(s->buf, cap + 1)) == NULL)
				return -1;
			s->buf = nb;
		}
		got = fread(s->buf + s->len, 1, cap - s->len, fp);
		s->len += got;
		if (got == 0)
			break;
	}
	if (ferror(fp))
		return -1;
	if (s->len > INI_SRC_MAX_FILE)
		return -2;
	s->buf[s->len] = '\0';
	return 0;
}

int
ini_src_parse(FILE *fp, const char *file, ini_src_handler h, void *user,
    struct ini_src *s, struct rg_errlist *errs)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->file = file;
	s->errs = errs;
	if ((rc = slurp(fp, s)) < 0) {
		rg_errlist_add(errs, 0, file, 0, rc == -2 ? "file too large "
		    "(more than %zu bytes)" : "unable to read file",
		    INI_SRC_MAX_FILE);
		free(s->buf);
		s->buf = NULL;
		return -1;
	}
	if (memchr(s->buf, '\0', s->len) != NULL) {
		unsigned line = 1;

		for (const char *p = s->buf; *p; p++)
			line += *p == '\n';
		rg_errlist_add(errs, 0, file, line, "NUL byte in file");
		free(s->buf);
		s->buf = NULL;
		return -1;
	}
	for (const char *p = s->buf; p != NULL && *p != '\0';) {
		p += strspn(p, " \t");
		s->nheaders += *p == '[';
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	rc = ini_parse_stream(reader, s, h, user);
	if (rc > 0 && s->syntax_line == 0 && s->nerr == 0) {
		/* inih saw something our classification did not */
		rg_errlist_add(errs, 0, file, (unsigned)rc, "syntax error");
		s->nerr++;
	} else if (rc < 0) {
		rg_errlist_add(errs, 0, file, 0, "unable to parse file");
		s->nerr++;
	}
	free(s->buf);
	s->buf = NULL;
	return s->nerr > 0 ? -1 : 0;
}
