/* SPDX-License-Identifier: ISC */
/*
 * rx.c - PCRE2 regular expressions, compiled once, matched in full.
 *
 * Invariants:
 * 1. Every pattern is compiled anchored at both ends, so a match covers
 *    the whole argument whatever alternations or '$' the pattern holds
 *    (RX_NOEND, start only, exists to detect where oslo.rootwrap's
 *    re.match(p + "$") reads wider; it never decides an allow).
 * 2. Every match runs under a match limit and a depth limit (and a heap
 *    limit), JIT or not: a pathological pattern yields RX_LIMIT, a denial,
 *    in bounded time and memory.
 * 3. The compiled struct rx is never written after rx_compile, so rx_match
 *    may run concurrently; per-match state lives in per-call match data.
 * 4. A subject that is not valid UTF-8 never matches.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rx.h"

/*
 * Limits for one match. Arguments are short (a path is under PATH_MAX);
 * an honest pattern needs a tiny fraction of these. The depth limit lets
 * the interpreter repeat a group with alternatives about 1000 times, as
 * the JIT's default 32 KiB stack does, so a decision does not depend on
 * whether the JIT is available.
 */
#define RX_MATCH_LIMIT	100000u
#define RX_DEPTH_LIMIT	2000u
#define RX_HEAP_LIMIT	8192u	/* KiB */

/* Probes for rx_is_overbroad: see rx.h for the rule. */
#define RX_OVERBROAD_MIN	4

enum probe_kind {
	PROBE_OPTION,
	PROBE_PATH,
	PROBE_OTHER,
};

struct probe {
	const char *s;
	enum probe_kind kind;
};

static const struct probe probes[] = {
	{ "-rf",		PROBE_OPTION },
	{ "--foo=bar",		PROBE_OPTION },
	{ "/etc/shadow",	PROBE_PATH },
	{ "../../etc/passwd",	PROBE_PATH },
	{ "..",			PROBE_PATH },
	{ "a b",		PROBE_OTHER },
	{ "x\n",		PROBE_OTHER },
	{ "",			PROBE_OTHER },
	{ ";id",		PROBE_OTHER },
};

struct rx {
	pcre2_code *code;
	pcre2_match_context *mctx;
	char *pattern;
	unsigned refs;		/* owners; only changed while loading */
};

static void
set_err(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
}

struct rx *
rx_compile(const char *pattern, unsigned flags, char *err, size_t errlen)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE erroff;
	uint32_t opts;
	struct rx *r;
	int errcode;

	set_err(err, errlen, "");
	if (pattern == NULL) {
		set_err(err, errlen, "no pattern");
		return NULL;
	}
	if ((flags & ~(RX_UCP | RX_JIT | RX_NOEND)) != 0) {
		set_err(err, errlen, "unknown regular expression flags");
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->refs = 1, r->pattern = strdup(pattern)) == NULL) {
		set_err(err, errlen, "out of memory");
		free(r);
		return NULL;
	}

	/* \C can split a UTF-8 character and break invariant 4. */
	opts = PCRE2_UTF | PCRE2_ANCHORED | PCRE2_NEVER_BACKSLASH_C;
	if (!(flags & RX_NOEND))
		opts |= PCRE2_ENDANCHORED;
	if (flags & RX_UCP)
		opts |= PCRE2_UCP;
	r->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    opts, &errcode, &erroff, NULL);
	if (r->code == NULL) {
		if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d",
			    errcode);
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s at offset %zu",
			    (const char *)msg, (size_t)erroff);
		rx_free(r);
		return NULL;
	}

	/*
	 * JIT is only a speed-up, and only for a long-lived process: it costs
	 * more to compile than a one-shot run matches (it was 42% of the
	 * instructions of loading a 150-rule policy), so it is opt-in. It is
	 * missing on some architectures and fails where W^X policy (SELinux
	 * execmem, PaX) forbids it; on any failure pcre2_match uses the
	 * interpreter, under the same limits.
	 */
	if (flags & RX_JIT)
		(void)pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE);

	if ((r->mctx = pcre2_match_context_create(NULL)) == NULL) {
		set_err(err, errlen, "out of memory");
		rx_free(r);
		return NULL;
	}
	/*
	 * The JIT honours the match limit but not the depth limit; its own
	 * bound is its stack (32 KiB by default), which fails with
	 * PCRE2_ERROR_JIT_STACKLIMIT, mapped to RX_LIMIT below.
	 */
	pcre2_set_match_limit(r->mctx, RX_MATCH_LIMIT);
	pcre2_set_depth_limit(r->mctx, RX_DEPTH_LIMIT);
	pcre2_set_heap_limit(r->mctx, RX_HEAP_LIMIT);
	return r;
}

enum rx_result
rx_match(const struct rx *r, const char *s, size_t len)
{
	pcre2_match_data *md;
	int rc;

	if (r == NULL)
		return RX_ERROR;
	if (s == NULL) {
		if (len != 0)
			return RX_ERROR;
		s = "";
	}
	if ((md = pcre2_match_data_create_from_pattern(r->code, NULL)) == NULL)
		return RX_ERROR;
	rc = pcre2_match(r->code, (PCRE2_SPTR)s, len, 0, 0, md, r->mctx);
	pcre2_match_data_free(md);

	/* rc == 0: matched, but the ovector was too small; still a match. */
	if (rc >= 0)
		return RX_MATCH;
	if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
		return RX_BADUTF;
	switch (rc) {
	case PCRE2_ERROR_NOMATCH:
		return RX_NOMATCH;
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT:
		return RX_LIMIT;
	default:
		return RX_ERROR;
	}
}

const char *
rx_pattern(const struct rx *r)
{
	return r != NULL ? r->pattern : "";
}

bool
rx_is_overbroad(const struct rx *r)
{
	unsigned nmatch = 0;
	bool option = false, path = false;

	if (r == NULL)
		return false;
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		const struct probe *p = &probes[i];

		/*
		 * A limit on a short probe means a pathological pattern;
		 * for a lint, counting it as accepted is the safe side.
		 */
		switch (rx_match(r, p->s, strlen(p->s))) {
		case RX_MATCH:
		case RX_LIMIT:
			break;
		case RX_NOMATCH:
		case RX_BADUTF:
		case RX_ERROR:
			continue;
		}
		nmatch++;
		if (p->kind == PROBE_OPTION)
			option = true;
		else if (p->kind == PROBE_PATH)
			path = true;
	}
	return nmatch >= RX_OVERBROAD_MIN && option && path;
}

struct rx *
rx_ref(struct rx *r)
{
	r->refs++;
	return r;
}

void
rx_free(struct rx *r)
{
	if (r == NULL || --r->refs > 0)
		return;
	pcre2_match_context_free(r->mctx);
	pcre2_code_free(r->code);
	free(r->pattern);
	free(r);
}

const char *
rx_skip_quoted(const char *p)
{
	if (*p == '\\' && p[1] != '\0')
		return p + 2;
	if (*p != '[')
		return p;
	p += p[1] == '^' ? 2 : 1;
	if (*p == ']')
		p++;
	while (*p != '\0' && *p != ']')
		p += *p == '\\' && p[1] != '\0' ? 2 : 1;
	return *p == '\0' ? NULL : p + 1;
}
