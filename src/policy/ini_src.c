/* SPDX-License-Identifier: ISC */
/* ini_src.c - line-accounted input for inih (see ini_src.h). */
#include <ini.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

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
slurp(FILE *fp, char **bufp, size_t *lenp)
{
	size_t cap = 4096, len = 0;
	struct stat st;
	char *buf;

	/* a regular file's size is known: one allocation, one read (+1 to
	 * see that it did not grow meanwhile) */
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= 0 && (uint64_t)st.st_size < INI_SRC_MAX_FILE)
		cap = (size_t)st.st_size + 1;

	if ((buf = malloc(cap + 1)) == NULL)
		return -1;
	*bufp = buf;
	for (;;) {
		size_t got;

		if (len == cap) {
			char *nb;

			if (cap >= INI_SRC_MAX_FILE)
				return -2;
			cap *= 2;
			if ((nb = realloc(buf, cap + 1)) == NULL)
				return -1;
			*bufp = buf = nb;
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(fp))
		return -1;
	if (len > INI_SRC_MAX_FILE)
		return -2;
	buf[len] = '\0';
	*lenp = len;
	return 0;
}

int
ini_src_read(FILE *fp, const char *file, char **buf, size_t *len,
    struct rg_errlist *errs)
{
	int rc;

	*buf = NULL;
	*len = 0;
	if ((rc = slurp(fp, buf, len)) < 0) {
		rg_errlist_add(errs, 0, file, 0, rc == -2 ? "file too large "
		    "(more than %zu bytes)" : "unable to read file",
		    INI_SRC_MAX_FILE);
		free(*buf);
		*buf = NULL;
		*len = 0;
		return -1;
	}
	return 0;
}

int
ini_src_parse_buf(const char *buf, size_t len, unsigned line0,
    const char *file, ini_src_handler h, void *user, struct ini_src *s,
    struct rg_errlist *errs)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->file = file;
	s->errs = errs;
	s->buf = buf;
	s->len = len;
	s->lineno = line0;
	if (memchr(buf, '\0', len) != NULL) {
		unsigned line = line0 + 1;

		for (const char *p = buf; *p; p++)
			line += *p == '\n';
		rg_errlist_add(errs, 0, file, line, "NUL byte in file");
		s->buf = NULL;
		return -1;
	}
	for (const char *p = buf; p != NULL && *p != '\0';) {
		p += strspn(p, " \t");
		s->nheaders += *p == '[';
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	rc = ini_parse_stream(reader, s, h, user);
	if (rc > 0 && s->syntax_line == 0 && s->nerr == 0) {
		/* inih saw something our classification did not */
		rg_errlist_add(errs, 0, file, line0 + (unsigned)rc,
		    "syntax error");
		s->nerr++;
	} else if (rc < 0) {
		rg_errlist_add(errs, 0, file, 0, "unable to parse file");
		s->nerr++;
	}
	s->buf = NULL;
	return s->nerr > 0 ? -1 : 0;
}

int
ini_src_parse(FILE *fp, const char *file, ini_src_handler h, void *user,
    struct ini_src *s, struct rg_errlist *errs)
{
	char *buf;
	size_t len;
	int rc;

	memset(s, 0, sizeof(*s));
	if (ini_src_read(fp, file, &buf, &len, errs) < 0)
		return -1;
	rc = ini_src_parse_buf(buf, len, 0, file, h, user, s, errs);
	free(buf);
	return rc;
}
