/* SPDX-License-Identifier: ISC */
/*
 * cov.h - coverage builds only (`make coverage` defines RG_COVERAGE):
 * rg_cov_flush() writes gcov's counters now. A forked process that
 * leaves by _exit never runs gcov's exit handler, so its counts would
 * be lost; call it just before such an _exit, and only where the
 * process can still write the build tree (never in the sandboxed
 * child). A no-op in every other build.
 */
#ifndef ROOTGATE_COV_H
#define ROOTGATE_COV_H

#ifdef RG_COVERAGE
void __gcov_dump(void);		/* libgcov, linked by --coverage */

static inline void
rg_cov_flush(void)
{
	__gcov_dump();
}
#else
static inline void
rg_cov_flush(void)
{
}
#endif

#endif
