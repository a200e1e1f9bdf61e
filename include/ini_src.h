/* SPDX-License-Identifier: ISC */
/*
 * ini_src.h - feed a filter or configuration file to inih line by line,
 * knowing what inih does not tell its handler: the line number, whether
 * the line continues the previous value, and whether a section header was
 * just read. Also enforces what inih as packaged cannot: a line longer
 * than its buffer, a NUL byte and an oversized file are errors naming
 * file:line, never a silent truncation.
 */
#ifndef ROOTGATE_INI_SRC_H
#define ROOTGATE_INI_SRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct rg_errlist;

#define INI_SRC_MAX_FILE ((size_t)1 << 20)	/* bytes in one file */
/* bytes in one line, newline aside: inih's 200-byte buffer holds the
 * line, its newline and a NUL */
#define INI_SRC_MAX_LINE 198

struct ini_src {
	const char *file;
	const char *buf;	/* the text, NUL-terminated (while parsing) */
	size_t len, off;
	unsigned lineno;	/* line last handed to inih */
	unsigned section_line;	/* line of the last [section] header */
	bool new_section;	/* a header was read since the last key */
	bool cont;		/* the last line was a continuation */
	unsigned syntax_line;	/* a syntax error we reported, 0 if none */
	struct rg_errlist *errs;
	size_t nerr;		/* errors this source added */
	size_t nheaders;	/* lines opening with '[': at least as many
				   as the sections (known before parsing) */
};

typedef int (*ini_src_handler)(void *user, const char *section,
    const char *key, const char *value);

/*
 * Read fp whole (at most INI_SRC_MAX_FILE bytes) and run inih over it,
 * calling h for every key. Errors (I/O, size, long lines, NUL bytes, INI
 * syntax) go to errs with file:line. Returns 0, or -1 if any error.
 */
int ini_src_parse(FILE *fp, const char *file, ini_src_handler h, void *user,
    struct ini_src *src, struct rg_errlist *errs);

/* The halves of ini_src_parse. Read fp whole into *buf (malloc'd,
 * NUL-terminated, *len bytes before the NUL): 0, or -1 with an error. */
int ini_src_read(FILE *fp, const char *file, char **buf, size_t *len,
    struct rg_errlist *errs);

/*
 * Parse buf (len bytes, buf[len] == '\0') as lines line0 + 1, line0 + 2,
 * ... of `file`: a whole file (line0 0), or a part of one that starts at
 * a line boundary (the policy cache's rule ranges).
 */
int ini_src_parse_buf(const char *buf, size_t len, unsigned line0,
    const char *file, ini_src_handler h, void *user, struct ini_src *src,
    struct rg_errlist *errs);

#endif
