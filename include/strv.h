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

/* Free every string and the vector; NULL is fine. */
void strv_free(char **v, size_t n);

#endif
