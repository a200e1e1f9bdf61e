/* SPDX-License-Identifier: ISC */
/*
 * xalloc.h - allocation that exits on failure (status 125). For the
 * command-line programs only: modules and the daemon handle failure.
 */
#ifndef ROOTGATE_XALLOC_H
#define ROOTGATE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);

#endif
