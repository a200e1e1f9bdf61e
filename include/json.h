/* SPDX-License-Identifier: ISC */
/* json.h - the little JSON writing rootgate needs (explain, list, audit). */
#ifndef ROOTGATE_JSON_H
#define ROOTGATE_JSON_H

#include <stddef.h>
#include <stdio.h>

/*
 * Write s as a JSON string: quoted, control characters escaped, and each
 * byte that is not part of valid UTF-8 as \u00XX (so the output is always
 * valid JSON; such bytes read back as U+0080..U+00FF).
 */
void json_str(FILE *fp, const char *s);

/* ["a","b",...] */
void json_strv(FILE *fp, char *const *v, size_t n);

#endif
