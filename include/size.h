/* SPDX-License-Identifier: ISC */
/*
 * size.h - integers and sizes as rootgate accepts them. Only canonical
 * spellings pass: target tools disagree about hex (util-linux reads
 * 0x1000 and 010 as 4096 and 8), fractions (1.5K), spaces, '+' and
 * decimal vs binary units (1KB = 1000 for fallocate), so an argument whose
 * meaning could differ between rootgate and the tool is refused.
 *
 * Pure functions, no I/O.
 */
#ifndef ROOTGATE_SIZE_H
#define ROOTGATE_SIZE_H

#include <stdint.h>

enum sz_result {
	SZ_OK,
	SZ_EMPTY,	/* "" */
	SZ_SYNTAX,	/* not [-]digits[suffix] */
	SZ_LEADZERO,	/* "007": octal to some tools */
	SZ_SUFFIX,	/* suffix not among those accepted */
	SZ_RANGE,	/* overflows 64 bits */
};

const char *size_strerror(enum sz_result r);

/*
 * A canonical decimal integer: optional '-', then "0" or a digit 1-9
 * followed by digits. No '+', no spaces, no leading zeros, no hex, and
 * no "-0" (a second spelling of 0 that also looks like an option). The
 * range is that of int64_t. *out is written only on SZ_OK; NULL is
 * SZ_EMPTY.
 */
enum sz_result size_parse_int(const char *s, long long *out);

/*
 * A size argument: canonical unsigned decimal followed by at most one
 * suffix letter, which must occur in `suffixes` (a string such as "KMGT";
 * "" or NULL allows none). K, M, G, T, P, E (either case, if listed)
 * multiply by 1024^1..6; the letter is matched exactly as written, so "1k"
 * is SZ_SUFFIX for "KMGT". Other letters are never accepted. A bare number
 * is multiplied by `unit` (1 for bytes; 1048576 for lvcreate, whose
 * default unit is MiB); a suffixed one is not. Overflow is SZ_RANGE, and
 * so is a unit of 0. A leading '-' or '+', a space, '.', "0x" or anything
 * else that is not a letter after the digits is SZ_SYNTAX; trailing
 * letters that are not exactly one accepted suffix ("1KB", "1KiB") are
 * SZ_SUFFIX. *bytes is written only on SZ_OK.
 */
enum sz_result size_parse_arg(const char *s, const char *suffixes,
    uint64_t unit, uint64_t *bytes);

/*
 * A size written in a filter file (a bound or a limit): digits with an
 * optional K/M/G/T/P/E suffix in either case, binary multiples. "0" is
 * valid. The same canonical syntax as size_parse_arg.
 */
enum sz_result size_parse_bound(const char *s, uint64_t *bytes);

/*
 * Format bytes as the largest exact binary unit ("10G", "1536K", "7"),
 * truncated to len bytes as snprintf does; size_parse_bound reads it back.
 */
void size_format(uint64_t bytes, char *buf, unsigned len);

#endif
