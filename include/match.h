/* SPDX-License-Identifier: ISC */
/*
 * match.h - the decision: (policy, caller, argv, caller environment) ->
 * allowed (rule, final argv, environment, sandbox profile) or denied (the
 * reason, and for each near-miss rule the argument and constraint that
 * failed). Everything `explain`, `list` and a real run show comes from
 * here, so what auditors see is what runs.
 *
 * UNPRIVILEGED; no I/O but the resolution of path arguments. No globals.
 */
#ifndef ROOTGATE_MATCH_H
#define ROOTGATE_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct policy;
struct rule;
struct sbx_profile;

/* Who is asking. In direct mode root (sudo decided); in the broker, what
 * SO_PEERCRED says. Names are resolved by the caller of match_argv. */
struct caller {
	uid_t uid;
	gid_t gid;
	const char *user;		/* NULL if the uid has no name */
	const char *const *groups;	/* names of all its groups */
	size_t ngroups;
};

enum deny_code {
	DENY_NONE,
	DENY_NO_COMMAND,	/* argv empty (98) */
	DENY_NO_RULE,		/* no rule names this command */
	DENY_ARGS,		/* rules exist, no argument pattern fits */
	DENY_CALLER,		/* the pattern fits, the caller may not */
	DENY_INACTIVE,		/* the rule's executable is absent (96) */
	DENY_UNUSABLE,		/* a rule fits that rootgate will not run
				   (rule->unusable, or a CKF_UNSURE value):
				   the search stops, refused (99) */
};

struct nearmiss {
	const struct rule *rule;
	size_t argi;		/* argv index that failed (argc: missing) */
	char reason[320];
};

#define MATCH_MAX_NEARMISS 16

struct decision {
	bool allowed;
	enum deny_code code;
	const struct rule *rule;	/* allowed: the rule that matched */
	char **argv;			/* allowed: final argv (owned) */
	size_t argc;
	char **envp;			/* allowed: final environment (owned) */
	size_t envc;
	const struct sbx_profile *sbx;	/* allowed: the rule's profile */
	const struct rule *inactive;	/* DENY_INACTIVE: the first rule
					   that fitted without executable */
	size_t argv_off;		/* leading words removed by rules'
					   strip_word before the decision */
	char reason[400];		/* denied: one line for the caller */
	struct nearmiss miss[MATCH_MAX_NEARMISS];
	size_t nmiss;
};

/* The fixed PATH of every command rootgate runs. */
#define MATCH_SAFE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * Decide. In a linear policy (policy.h) every rule is tried in order and
 * decides argv[0] itself; otherwise argv[0] is the command (a bare name or an absolute path);
 * envp is the caller's environment (may be NULL). Rules are tried in
 * policy order among those for argv[0]; the first whose pattern and
 * callers both fit wins. Returns 0 with *d filled (allowed or denied), or
 * -1 on allocation failure. Release with decision_clear.
 */
int match_argv(const struct policy *p, const struct caller *c,
    char *const *argv, size_t argc, char *const *envp, struct decision *d);

/* Does rule r allow caller c (callers list; root always may)? */
bool match_caller_allowed(const struct rule *r, const struct caller *c);

void decision_clear(struct decision *d);

/* Exit status a real run would have for this denial (exitcode.h). */
int decision_exit_status(const struct decision *d);

#endif
