/* SPDX-License-Identifier: ISC */
/*
 * rwini.h - the INI dialect of oslo.rootwrap: Python 3.11's
 * configparser.RawConfigParser, as rootwrap.conf (strict) and *.filters
 * files (strict=False) are read. Differences from inih that change
 * decisions: no inline comments, indented lines continue a value (also
 * across comment and blank lines), option names lower-cased, the first
 * ':' or '=' delimits, [DEFAULT] keys are kept apart, a repeated key
 * replaces the value in the first key's position (strict=False).
 *
 * A pure parser over a buffer: no I/O, no globals (fuzzable).
 */
#ifndef ROOTGATE_RWINI_H
#define ROOTGATE_RWINI_H

#include <stdbool.h>
#include <stddef.h>

struct rg_err;

struct rwini_kv {
	char *key;		/* lower-cased */
	char *value;		/* lines joined with '\n', stripped */
	unsigned line;		/* of the key */
	unsigned dupline;	/* strict=False: a later line that replaced
				   the value (0: none) */
};

struct rwini_section {
	char *name;
	unsigned line;
	struct rwini_kv *kv;	/* in Python's dict order */
	size_t nkv;
};

struct rwini {
	struct rwini_section defaults;	/* [DEFAULT] */
	struct rwini_section *sec;
	size_t nsec;
};

/*
 * Parse buf[0..len) (named `file` in errors) into *out. strict: a
 * repeated option, or a repeated section other than DEFAULT, is an error
 * (Python's default); otherwise the later value wins in the earlier
 * position. Returns 0; or -1 with the first error Python would raise in
 * *err (a file not valid UTF-8, or holding non-ASCII white space or a
 * non-ASCII option name, is refused too: Python would read those
 * differently). Free *out with rwini_free in both cases.
 */
int rwini_parse(const char *buf, size_t len, bool strict, const char *file,
    struct rwini *out, struct rg_err *err);

void rwini_free(struct rwini *ini);

/* The section called name (case-sensitive), or NULL. */
const struct rwini_section *rwini_section(const struct rwini *ini,
    const char *name);

/* The value of key in s, or NULL. */
const struct rwini_kv *rwini_get(const struct rwini_section *s,
    const char *key);

#endif
