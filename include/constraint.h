/* SPDX-License-Identifier: ISC */
/*
 * constraint.h - one argument against one constraint (struct constraint in
 * policy.h): parse the constraint as written in a filter file, test an
 * argument, describe both for auditors.
 *
 * UNPRIVILEGED; the only I/O is path resolution (pathcanon.h).
 */
#ifndef ROOTGATE_CONSTRAINT_H
#define ROOTGATE_CONSTRAINT_H

#include <stdbool.h>
#include <stddef.h>

struct constraint;
struct loadcache;

/*
 * Parse `spec` ("path /var/lib/nova/instances new", "size 1..10G",
 * "regex [a-z]+", "set qcow2 raw", "int 0..100", "any") into *ck, whose
 * name and line the caller has set. rx_flags go to rx_compile. Returns 0,
 * or -1 with a one-line reason in err.
 */
int constraint_parse(struct constraint *ck, const char *spec,
    unsigned rx_flags, char *err, size_t errlen);

/*
 * Test one argument. Returns true when it satisfies ck; otherwise false
 * with the reason ("'/etc/x' is not beneath /var/lib/nova/instances") in
 * why. The argument is quoted and escaped in the reason.
 */
bool constraint_check(const struct constraint *ck, const char *arg,
    char *why, size_t whylen);

/* The same, compiling regexes through the load's cache (may be NULL). */
int constraint_parse_lc(struct constraint *ck, const char *spec,
    struct loadcache *lc, unsigned rx_flags, char *err, size_t errlen);

enum ck_verdict {
	CKV_FAIL,
	CKV_PASS,
	CKV_UNSURE,	/* rootgate cannot tell as the rule's author would:
			   the matcher refuses rather than guess */
};

/* As constraint_check, with the third answer. */
enum ck_verdict constraint_eval(const struct constraint *ck, const char *arg,
    char *why, size_t whylen);

/*
 * The value a CKF_CANON_OUT constraint hands the command for arg (its
 * canonical path), in out (PATH_MAX bytes). Returns 0 or -1.
 */
int constraint_canon(const struct constraint *ck, const char *arg, char *out,
    size_t outlen);

/* Release what constraint_parse allocated (not ck itself). */
void constraint_clear(struct constraint *ck);

/*
 * Escape an argument for a message or log record: printable ASCII as is,
 * everything else as \xNN (\n, \t as such), at most maxin input bytes
 * then "...". Always NUL-terminates buf.
 */
void constraint_escape(const char *arg, size_t maxin, char *buf, size_t len);

#endif
