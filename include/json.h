/* SPDX-License-Identifier: ISC */
/* json.h - the little JSON writing rootgate needs (explain, list, audit). */
#ifndef ROOTGATE_JSON_H
#define ROOTGATE_JSON_H

#include <stddef.h>
#include <stdio.h>

/*
 * Write s as a JSON string: quoted; C0 and C1 control characters and DEL
 * escaped; each byte that is not part of valid UTF-8 as \uDCXX, Python's
 * surrogateescape (json.loads then os.fsencode gives the bytes back), so
 * the output is always valid JSON and never ambiguous.
 */
void json_str(FILE *fp, const char *s);

/* ["a","b",...] */
void json_strv(FILE *fp, char *const *v, size_t n);

#endif
