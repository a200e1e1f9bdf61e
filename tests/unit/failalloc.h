/* SPDX-License-Identifier: ISC */
/*
 * failalloc.h - allocation failure injection for the unit tests. The
 * runner is linked with -Wl,--wrap for malloc, calloc, realloc,
 * reallocarray, strdup and strndup (mk/quality.mk), so every such call
 * in the runner and in librootgate.a goes through tests/unit/failalloc.c.
 * Allocations made inside libc (asprintf, getline) are not counted.
 */
#ifndef ROOTGATE_FAILALLOC_H
#define ROOTGATE_FAILALLOC_H

#include <stdbool.h>

/* Make the n-th allocation from now (1: the next one) fail with ENOMEM,
 * that one only. */
void fa_arm(unsigned long n);

/* Disarm; true if the armed failure happened. */
bool fa_disarm(void);

#endif
