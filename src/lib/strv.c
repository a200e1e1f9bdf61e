/* SPDX-License-Identifier: ISC */
/* strv.c - NULL-terminated string vectors (see strv.h). */
#include <stdlib.h>
#include <string.h>

#include "strv.h"

/* Slots allocated for an array holding entries 0..n: a power of two, at
 * least 4, so that n appends cost O(log n) reallocations, without the
 * capacity being stored. */
static size_t
slots(size_t n)
{
	size_t c = 4;

	while (c < n + 1)
		c *= 2;
	return c;
}

void *
vec_room(void *v, size_t n, size_t size)
{
	/* it was allocated for entries 0..n-1 */
	if (v != NULL && n > 0 && slots(n - 1) == slots(n))
		return v;
	return reallocarray(v, slots(n), size);
}

int
strv_push_owned(char ***v, size_t *n, char *s)
{
	char **nv;

	if (s == NULL)
		return -1;
	/* the vector holds its n entries and the NULL: room for one more */
	if ((nv = vec_room(*v, *n + 1, sizeof(*nv))) == NULL) {
		free(s);
		return -1;
	}
	nv[*n] = s;
	nv[*n + 1] = NULL;
	*v = nv;
	(*n)++;
	return 0;
}

int
strv_push(char ***v, size_t *n, const char *s)
{
	return strv_push_owned(v, n, strdup(s));
}

int
strv_split_words(char ***v, size_t *n, const char *s)
{
	const char *p = s;

	for (;;) {
		size_t len;

		p += strspn(p, " \t\r\n");
		if (*p == '\0')
			return 0;
		len = strcspn(p, " \t\r\n");
		if (strv_push_owned(v, n, strndup(p, len)) < 0)
			return -1;
		p += len;
	}
}

long
strv_find(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return (long)i;
	return -1;
}

void
strv_free(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
