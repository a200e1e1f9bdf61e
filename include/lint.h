/* SPDX-License-Identifier: ISC */
/*
 * lint.h - the lint checks of src/policy/lint.c as structured findings,
 * for programs that present them otherwise than `rootgate check` does
 * (`rootgate audit`). One place per check: the checks live in lint.c;
 * policy_lint_rule (policy.h) is the error-list view of the same walk.
 *
 * UNPRIVILEGED, pure: no I/O.
 */
#ifndef ROOTGATE_LINT_H
#define ROOTGATE_LINT_H

#include <stdbool.h>

struct constraint;
struct rule;

/*
 * The ids `rootgate audit` adds to LINT_IDS (policy.h); a rule may
 * `accept` them like any lint id (doc/audit.md).
 */
#define AUDIT_IDS "root-equivalent path-system regex-path regex-option " \
	"chain-root-equivalent root-not-needed rootwrap-deviation"

/* One finding of a lint check, valid during the callback only. */
struct lint_finding {
	const struct rule *rule;
	const char *id;			/* one of LINT_IDS */
	unsigned line;			/* of the constraint, else the rule */
	const struct constraint *ck;	/* the constraint concerned, or NULL */
	const char *msg;		/* "<x> accepts ANY argument" */
	const char *accepted;		/* the rule's reason, or NULL */
};

typedef void (*lint_fn)(const struct lint_finding *f, void *ctx);

/* Run every lint check on r; fn is called once per finding, in order. */
void policy_lint_each(const struct rule *r, lint_fn fn, void *ctx);

/*
 * The reason rule r gives in `accept` for risk id, or NULL when it does
 * not accept it. The pointer is into r.
 */
const char *policy_lint_accepted(const struct rule *r, const char *id);

#endif
