/* SPDX-License-Identifier: ISC */
/* testutil.h - helpers shared by the unit suites. */
#ifndef ROOTGATE_TESTUTIL_H
#define ROOTGATE_TESTUTIL_H

#include <stddef.h>

struct policy;
struct rg_errlist;

/* Read a whole file into a new NUL-terminated buffer (abort on error). */
char *tu_slurp(const char *path, size_t *len);

/* Replace every "@ROOT@" in s by root; returns a new string. */
char *tu_subst_root(const char *s, const char *root);

/*
 * Parse native filter text (as if it were file `name`) into a new policy
 * with file-safety checks off; errors go to *errs. NULL on failure.
 */
struct policy *tu_policy_from_text(const char *text, const char *name,
    struct rg_errlist *errs);

/* mkdtemp under TMPDIR (or /tmp); returns a new string. */
char *tu_mkdtemp(void);

/* rm -rf path (no symlink following). */
void tu_rmtree(const char *path);

/*
 * In a test: return (skipped, said on stderr) unless running as root;
 * under CI=true a missing prerequisite fails instead. Needs <check.h>,
 * <stdio.h>, <stdlib.h>, <string.h>, <unistd.h>.
 */
#define TU_NEED_ROOT() do {						\
	if (geteuid() != 0) {						\
		const char *ci_ = getenv("CI");				\
									\
		if (ci_ != NULL && strcmp(ci_, "true") == 0)		\
			ck_abort_msg("prerequisite missing under CI: root"); \
		fprintf(stderr, "%s: SKIP: root\n", __func__);		\
		return;							\
	}								\
} while (0)

#endif
