/* SPDX-License-Identifier: ISC */
/*
 * failalloc.c - the wrappers behind failalloc.h. Unarmed, each one is
 * the real function; armed, the n-th call fails as the real one would
 * when memory runs out (NULL, errno ENOMEM).
 */
#include <errno.h>
#include <stddef.h>

#include "failalloc.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t nmemb, size_t size);
void *__real_realloc(void *p, size_t n);
void *__real_reallocarray(void *p, size_t nmemb, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t nmemb, size_t size);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_reallocarray(void *p, size_t nmemb, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static unsigned long countdown;	/* 0: disarmed */
static bool fired;

void
fa_arm(unsigned long n)
{
	countdown = n;
	fired = false;
}

bool
fa_disarm(void)
{
	countdown = 0;
	return fired;
}

static bool
fail_now(void)
{
	if (countdown == 0 || --countdown > 0)
		return false;
	fired = true;
	errno = ENOMEM;
	return true;
}

void *
__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t nmemb, size_t size)
{
	return fail_now() ? NULL : __real_calloc(nmemb, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

void *
__wrap_reallocarray(void *p, size_t nmemb, size_t size)
{
	return fail_now() ? NULL : __real_reallocarray(p, nmemb, size);
}

char *
__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}
