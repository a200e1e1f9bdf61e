/* SPDX-License-Identifier: ISC */
/* testutil.c - helpers shared by the unit suites. */
#define _GNU_SOURCE
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "policy.h"
#include "testutil.h"

char *
tu_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "re");
	char *buf;
	long n;

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	ck_assert_int_ge(n, 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

char *
tu_subst_root(const char *s, const char *root)
{
	size_t cap = strlen(s) * 2 + 1024, o = 0;
	char *out = malloc(cap);
	const char *p;

	ck_assert_ptr_nonnull(out);
	while ((p = strstr(s, "@ROOT@")) != NULL) {
		size_t n = (size_t)(p - s), rl = strlen(root);

		if (o + n + rl + 1 > cap) {
			cap = (o + n + rl + 1) * 2;
			out = realloc(out, cap);
			ck_assert_ptr_nonnull(out);
		}
		memcpy(out + o, s, n);
		o += n;
		memcpy(out + o, root, rl);
		o += rl;
		s = p + 6;
	}
	if (o + strlen(s) + 1 > cap) {
		cap = o + strlen(s) + 1;
		out = realloc(out, cap);
		ck_assert_ptr_nonnull(out);
	}
	strcpy(out + o, s);
	return out;
}

struct policy *
tu_policy_from_text(const char *text, const char *name,
    struct rg_errlist *errs)
{
	struct policy_opts o = { .skip_file_safety = true };
	struct policy *p = policy_new();
	FILE *fp = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	size_t before = rg_errlist_nerrors(errs);

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(fp);
	policy_parse_native(p, fp, name, &o, errs);
	fclose(fp);
	if (rg_errlist_nerrors(errs) == before)
		policy_finish(p, errs);
	if (rg_errlist_nerrors(errs) != before) {
		policy_free(p);
		return NULL;
	}
	return p;
}

char *
tu_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char *path;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	ck_assert_int_gt(asprintf(&path, "%s/rootgate-test.XXXXXX", tmp), 0);
	ck_assert_ptr_nonnull(mkdtemp(path));
	return path;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		return rmdir(path) < 0 ? 0 : 0;
	return unlink(path) < 0 ? 0 : 0;
}

void
tu_rmtree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
