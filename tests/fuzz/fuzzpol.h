/* SPDX-License-Identifier: ISC */
/*
 * fuzzpol.h - what the two policy-loading harnesses (fuzz_native,
 * fuzz_rootwrap) do with a policy once it loaded.
 */
#ifndef ROOTGATE_FUZZPOL_H
#define ROOTGATE_FUZZPOL_H

#include "constraint.h"
#include "diag.h"
#include "match.h"
#include "policy.h"
#include "strv.h"

/* Every error formatted as the programs print it. */
static inline void
fuzz_format_errs(const struct rg_errlist *errs)
{
	char buf[RG_ERR_MSGLEN + RG_ERR_FILELEN + 64];

	for (size_t i = 0; i < errs->n; i++)
		rg_err_format(&errs->v[i], buf, sizeof(buf));
}

/* The rule's own synopsis as an argv (its executable as the filter file
 * wrote it): reaches the pattern matcher with the pattern shapes the
 * input built. */
static inline void
fuzz_self_match(const struct policy *p, const struct rule *r)
{
	const struct caller c = { 0, 0, "root", NULL, 0 };
	char *const envp[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };
	char **v = NULL;
	size_t n = 0;
	struct decision d;

	if (strv_push(&v, &n, r->exec_src != NULL ? r->exec_src : r->exec) ==
	    0 && (r->args_src == NULL || strv_split_words(&v, &n,
	    r->args_src) == 0) && match_argv(p, &c, v, n, envp, &d) == 0) {
		(void)decision_exit_status(&d);
		decision_clear(&d);
	}
	strv_free(v, n);
}

/* What both harnesses do with each rule of a policy that loaded: lint
 * it, describe its constraints, match the first eight against their own
 * synopsis; then format the warnings. */
static inline void
fuzz_inspect_rules(const struct policy *p)
{
	struct rg_errlist warns = { 0 };
	char buf[1024];

	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];

		policy_lint_rule(r, &warns);
		for (size_t k = 0; k < r->ncks; k++)
			constraint_describe(&r->cks[k], buf, sizeof(buf));
		if (i < 8)
			fuzz_self_match(p, r);
	}
	fuzz_format_errs(&warns);
	rg_errlist_free(&warns);
}

#endif
