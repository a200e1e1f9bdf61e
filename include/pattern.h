/* SPDX-License-Identifier: ISC */
/*
 * pattern.h - the `args` pattern of a rule, a man-page-like synopsis:
 *
 *   WORD            the argument WORD exactly ('quoted' or "quoted" for
 *                   words with blanks or the characters < > [ ] { } ,)
 *   <name>          one argument satisfying the constraint `<name> = ...`;
 *                   never one that starts with '-' (unless `any`)
 *   pre<name>suf    one argument: pre, then a value for <name>, then suf
 *                   (e.g. --output=<fmt>, backing_file=<base>,backing_fmt=raw)
 *   [ ... ]         optional
 *   X...            one or more X; [ X ]... zero or more
 *   { A, B, C }     each of A, B, C once, in any order (a member in [ ] is
 *                   optional there)
 *
 * UNPRIVILEGED, pure.
 */
#ifndef ROOTGATE_PATTERN_H
#define ROOTGATE_PATTERN_H

#include <stddef.h>

struct pel;
struct constraint;

/*
 * Parse src into *out (a PE_SEQ). Placeholders are looked up in
 * cks[0..ncks) by name and marked used. Returns 0, or -1 with a one-line
 * reason in err; *out is then empty.
 */
int pattern_parse(const char *src, struct constraint *cks, size_t ncks,
    struct pel *out, char *err, size_t errlen);

/* Free what pattern_parse allocated in *p (not p itself). */
void pattern_clear(struct pel *p);

/* Canonical text of p, as an auditor should read it. */
void pattern_format(const struct pel *p, char *buf, size_t len);

#endif
