/* SPDX-License-Identifier: ISC */
/*
 * rx.h - regular expressions (PCRE2, the Python-compatible syntax rootwrap
 * users write). Compiled once at load, JIT where available, always with a
 * match limit and a depth limit so a catastrophic pattern fails closed
 * (RX_LIMIT, a denial) instead of hanging the gateway.
 *
 * Matching is a FULL match (unless RX_NOEND): anchored at the start and at the very
 * end of the subject (PCRE2_ANCHORED | PCRE2_ENDANCHORED), so `a|b` cannot
 * leave a branch unanchored and a trailing newline never passes. This is
 * stricter than oslo.rootwrap (re.match(pattern + '$')), where "abc"
 * accepts "abc\n" and "a|b" accepts "ab".
 *
 * Limits per match: 100000 backtracking steps, depth 2000 (interpreter;
 * the JIT is bounded by its 32 KiB stack instead: both allow about 1000
 * repetitions of a group with alternatives, "(a|b)*") and 8 MiB of heap.
 * A pattern may lower them ((*LIMIT_MATCH=n)), never raise them.
 */
#ifndef ROOTGATE_RX_H
#define ROOTGATE_RX_H

#include <stdbool.h>
#include <stddef.h>

struct rx;

#define RX_UCP	0x01u	/* \d, \w, \s are Unicode-aware (Python 3 str) */
#define RX_JIT	0x02u	/* JIT-compile: for long-lived processes (the
			   limits are set so both engines decide alike) */
#define RX_NOEND 0x04u	/* anchored at the start only, as Python's
			   re.match: with a pattern + "$" it reads as
			   oslo.rootwrap does ("a|b$" accepts "ab",
			   "a$" accepts "a\n"). Never to allow: only to
			   tell where rootwrap's reading is wider */

enum rx_result {
	RX_MATCH,
	RX_NOMATCH,
	RX_LIMIT,	/* a match, depth, heap or JIT stack limit: no match */
	RX_BADUTF,	/* subject is not valid UTF-8: treat as no match */
	RX_ERROR,	/* any other matcher error: treat as no match */
};

/*
 * Compile `pattern` (UTF-8, NUL-terminated). Returns NULL on a bad pattern
 * with a message ("missing closing parenthesis at offset 3") in err, which
 * may be NULL; err is "" on success. Unknown flags and NULL are errors.
 * \C is refused (it could split a UTF-8 character). Caller owns the
 * result; free with rx_free.
 */
struct rx *rx_compile(const char *pattern, unsigned flags, char *err,
    size_t errlen);

/*
 * Full match of s[0..len). Thread-safe: no state in *r changes. s may be
 * NULL only when len is 0.
 */
enum rx_result rx_match(const struct rx *r, const char *s, size_t len);

/* The pattern as written. */
const char *rx_pattern(const struct rx *r);

/*
 * Lint: true when the pattern accepts strings that no argument constraint
 * should, i.e. it is effectively "anything". The rule: of nine probes
 *   options  "-rf", "--foo=bar"
 *   paths    "/etc/shadow", "../../etc/passwd", ".."
 *   others   "a b", "x\n", "", ";id"
 * the pattern fully matches at least four, at least one option and at
 * least one path among them (a probe that hits a limit counts as matched).
 * So ".*", ".+", "[^/]*", "\S+" and "[\w./-]+" are overbroad; "[0-9]+",
 * "qcow2|raw", "/var/lib/nova/instances/[^/]+/disk", "/.*" and "[^-].*"
 * are not. False for NULL.
 */
bool rx_is_overbroad(const struct rx *r);

/* Share r: one more reference (rx_free drops one; the last frees). */
struct rx *rx_ref(struct rx *r);

void rx_free(struct rx *r);

/*
 * Scanning a pattern's text (lint, import; no matching): at an escape
 * (a backslash and the character after it) or a character class
 * ("[...]", "[^...]", a ']' first is literal), return the position just
 * past it, or NULL for a class that
 * is never closed; anywhere else, return p itself.
 */
const char *rx_skip_quoted(const char *p);

#endif
