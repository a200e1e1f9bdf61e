/* SPDX-License-Identifier: ISC */
/* strv.h - NULL-terminated string vectors (argv, envp, word lists). */
#ifndef ROOTGATE_STRV_H
#define ROOTGATE_STRV_H

#include <stddef.h>

/*
 * Append a copy of s to *v (which has *n entries and stays
 * NULL-terminated). Returns 0, or -1 on allocation failure (then *v and
 * *n are unchanged).
 */
int strv_push(char ***v, size_t *n, const char *s);

/* Same, taking ownership of s (freed on failure). */
int strv_push_owned(char ***v, size_t *n, char *s);

/*
 * Split s on blanks (space, tab, newline) into words appended to *v.
 * Returns 0 or -1 on allocation failure.
 */
int strv_split_words(char ***v, size_t *n, const char *s);

/* Index of s in v[0..n), or -1. */
long strv_find(char *const *v, size_t n, const char *s);

/*
 * Room for entry n of an array of n entries of size bytes each, grown
 * only through this function (it may have shrunk since): the capacity is
 * kept a power of two (at least 4) without being stored, so n appends
 * cost O(log n) reallocations; strv_push grows its vectors the same way.
 * Returns the array, moved or not, or NULL on allocation failure (then v
 * is unchanged and still owned by the caller).
 */
void *vec_room(void *v, size_t n, size_t size);

/* Free every string and the vector; NULL is fine. */
void strv_free(char **v, size_t n);

#endif
