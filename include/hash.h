/* SPDX-License-Identifier: ISC */
/* hash.h - FNV-1a over a string, for the in-memory tables. */
#ifndef ROOTGATE_HASH_H
#define ROOTGATE_HASH_H

#include <stdint.h>

static inline uint64_t
hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#endif
