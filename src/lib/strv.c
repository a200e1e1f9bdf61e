/* SPDX-License-Identifier: ISC */
/* strv.c - NULL-terminated string vectors (see strv.h). */
#include <stdlib.h>
#include <string.h>

#include "strv.h"

int
strv_push_owned(char ***v, size_t *n, char *s)
{
	char **nv;

	if (s == NULL)
		return -1;
	nv = reallocarray(*v, *n + 2, sizeof(*nv));
	if (nv == NULL) {
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
