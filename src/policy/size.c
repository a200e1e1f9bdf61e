/* SPDX-License-Identifier: ISC */
/*
 * size.c - canonical integers and sizes.
 *
 * Invariants:
 * 1. A value is accepted only in the one spelling every target tool reads
 *    the same way: ASCII decimal digits, no sign but an optional '-' on a
 *    signed integer, no leading zeros, no whitespace, no radix prefix.
 * 2. Every multiplication and every digit accumulation is checked for
 *    overflow; an overflow is SZ_RANGE, never a wrapped value.
 * 3. Digits are parsed by hand, so neither the locale nor strtol's
 *    leniency (leading spaces, '+', "0x") can widen what is accepted.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "size.h"

static const char binary_units[] = "KMGTPE";

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char
to_upper(char c)
{
	static const char up[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

	if (c >= 'a' && c <= 'z')
		return up[c - 'a'];
	return c;
}

/*
 * Parse the canonical unsigned decimal at the start of s into *out and set
 * *end past it. The digits must be "0" or [1-9][0-9]*.
 */
static enum sz_result
parse_digits(const char *s, uint64_t *out, const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (!is_digit(*p))
		return SZ_SYNTAX;
	if (p[0] == '0' && is_digit(p[1]))
		return SZ_LEADZERO;
	for (; is_digit(*p); p++) {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v))
			return SZ_RANGE;
	}
	*out = v;
	*end = p;
	return SZ_OK;
}

/* 1024 to the power of the unit letter's rank, or 0 if not a unit. */
static uint64_t
unit_multiplier(char c)
{
	const char *u;

	if (c == '\0')
		return 0;
	if (c == 'b' || c == 'B')
		return 1;	/* bytes, as lvcreate -L 1073741824b */
	u = strchr(binary_units, to_upper(c));
	if (u == NULL)
		return 0;
	return (uint64_t)1 << (10 * (u - binary_units + 1));
}

const char *
size_strerror(enum sz_result r)
{
	switch (r) {
	case SZ_OK:
		return "ok";
	case SZ_EMPTY:
		return "empty";
	case SZ_SYNTAX:
		return "not a canonical decimal number";
	case SZ_LEADZERO:
		return "has a leading zero";
	case SZ_SUFFIX:
		return "suffix not accepted";
	case SZ_RANGE:
		return "out of range";
	}
	return "unknown size error";
}

enum sz_result
size_parse_int(const char *s, long long *out)
{
	const char *end;
	uint64_t mag;
	bool neg = false;
	enum sz_result r;

	if (s == NULL || *s == '\0')
		return SZ_EMPTY;
	if (*s == '-') {
		neg = true;
		s++;
	}
	if ((r = parse_digits(s, &mag, &end)) != SZ_OK)
		return r;
	if (*end != '\0')
		return SZ_SYNTAX;
	/* "-0" is a second spelling of 0, and looks like an option. */
	if (neg && mag == 0)
		return SZ_SYNTAX;
	if (neg) {
		if (mag > (uint64_t)INT64_MAX + 1)
			return SZ_RANGE;
		/* Negate in unsigned arithmetic: -INT64_MIN overflows. */
		*out = (long long)(0 - mag);
	} else {
		if (mag > (uint64_t)INT64_MAX)
			return SZ_RANGE;
		*out = (long long)mag;
	}
	return SZ_OK;
}

enum sz_result
size_parse_arg(const char *s, const char *suffixes, uint64_t unit,
    uint64_t *bytes)
{
	const char *end;
	uint64_t v, mult;
	enum sz_result r;

	if (s == NULL || *s == '\0')
		return SZ_EMPTY;
	if ((r = parse_digits(s, &v, &end)) != SZ_OK)
		return r;
	if (*end == '\0') {
		mult = unit;
	} else {
		for (const char *p = end; *p != '\0'; p++)
			if (!is_alpha(*p))
				return SZ_SYNTAX;
		/* "1KB", "1KiB": the tool may read a decimal unit. */
		if (end[1] != '\0')
			return SZ_SUFFIX;
		if (suffixes == NULL || strchr(suffixes, *end) == NULL)
			return SZ_SUFFIX;
		if ((mult = unit_multiplier(*end)) == 0)
			return SZ_SUFFIX;
	}
	/* A unit of 0 is a caller bug; fail closed rather than return 0. */
	if (mult == 0)
		return SZ_RANGE;
	if (__builtin_mul_overflow(v, mult, &v))
		return SZ_RANGE;
	*bytes = v;
	return SZ_OK;
}

enum sz_result
size_parse_bound(const char *s, uint64_t *bytes)
{
	return size_parse_arg(s, "KMGTPEkmgtpe", 1, bytes);
}

void
size_format(uint64_t bytes, char *buf, unsigned len)
{
	int shift = 0;
	char unit[2] = "";

	if (buf == NULL || len == 0)
		return;
	if (bytes != 0) {
		for (int i = 6; i >= 1; i--) {
			uint64_t m = (uint64_t)1 << (10 * i);

			if (bytes % m == 0) {
				shift = 10 * i;
				unit[0] = binary_units[i - 1];
				break;
			}
		}
	}
	snprintf(buf, len, "%llu%s", (unsigned long long)(bytes >> shift),
	    unit);
}
