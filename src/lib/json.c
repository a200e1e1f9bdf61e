/* SPDX-License-Identifier: ISC */
/* json.c - JSON strings (see json.h). */
#include <stdio.h>

#include "json.h"

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

void
json_str(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', fp);
	while (*p) {
		size_t n = utf8_len(p);

		if (n == 0) {
			/* a byte that is not UTF-8: as Python's surrogateescape
			 * (U+DC80..U+DCFF), which valid text never contains */
			fprintf(fp, "\\u%04x", 0xdc00u | *p++);
			continue;
		}
		if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			/* C1 controls (U+0080..U+009F; U+009B is CSI) */
			fprintf(fp, "\\u%04x", p[1]);
			p += 2;
			continue;
		}
		if (n > 1) {
			fwrite(p, 1, n, fp);
			p += n;
			continue;
		}
		switch (*p) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
		}
		p++;
	}
	fputc('"', fp);
}

void
json_strv(FILE *fp, char *const *v, size_t n)
{
	fputc('[', fp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', fp);
		json_str(fp, v[i]);
	}
	fputc(']', fp);
}
