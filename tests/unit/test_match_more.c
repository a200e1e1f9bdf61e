/* SPDX-License-Identifier: ISC */
/*
 * test_match_more.c - match_argv() on what test_match.c's tables leave
 * out: an empty command line, the caller list of a rule whose pattern
 * fits, the recursion limit taken from RLIMIT_STACK, odd environment
 * entries, a native rule in a linear policy, and allocation failures
 * (tests/unit/failalloc.h), which must never allow what is denied.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "failalloc.h"
#include "match.h"
#include "policy.h"
#include "rootwrap.h"
#include "strv.h"
#include "suites.h"
#include "testutil.h"

#define STACK_RESERVE	(256 * 1024)	/* as match.c */

static const char *const text =
    "[t]\nexec = /usr/bin/true\nargs = <n>\n<n> = int 1..9\n"
    "callers = nova\n";

START_TEST(test_no_command)
{
	const struct caller c = { 0, 0, "root", NULL, 0 };
	struct rg_errlist errs = { 0 };
	struct policy *p = tu_policy_from_text(text, "t.conf", &errs);
	char *argv[] = { NULL };
	struct decision d;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(match_argv(p, &c, argv, 0, argv, &d), 0);
	ck_assert(!d.allowed);
	ck_assert_int_eq(d.code, DENY_NO_COMMAND);
	ck_assert_int_eq(decision_exit_status(&d), 98);
	decision_clear(&d);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

/* The pattern fits, the caller is not listed: denied with that reason,
 * while root and a listed caller are allowed. */
START_TEST(test_caller_not_listed)
{
	const char *const glance_groups[] = { "glance" };
	const struct caller glance = { 1001, 1001, "glance", glance_groups, 1 };
	const struct caller nova = { 1002, 1002, "nova", NULL, 0 };
	const struct caller root = { 0, 0, "root", NULL, 0 };
	struct rg_errlist errs = { 0 };
	struct policy *p = tu_policy_from_text(text, "t.conf", &errs);
	char *argv[] = { "true", "5", NULL };
	char *envp[] = { NULL };
	struct decision d;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(match_argv(p, &glance, argv, 2, envp, &d), 0);
	ck_assert(!d.allowed);
	ck_assert_int_eq(decision_exit_status(&d), 99);
	ck_assert_int_eq(d.code, DENY_CALLER);
	ck_assert_msg(d.nmiss == 1, "misses: %zu", d.nmiss);
	ck_assert_str_eq(d.miss[0].reason,
	    "the caller is not among the rule's callers");
	decision_clear(&d);
	ck_assert_int_eq(match_argv(p, &nova, argv, 2, envp, &d), 0);
	ck_assert(d.allowed);
	decision_clear(&d);
	ck_assert_int_eq(match_argv(p, &root, argv, 2, envp, &d), 0);
	ck_assert(d.allowed);
	decision_clear(&d);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

/*
 * Invariant 3: the matcher measures the stack it has left. In a child
 * (the stack's floor is looked up once per thread, from RLIMIT_STACK as
 * it is then): with a soft limit no larger than the reserve nothing
 * matches, in the indexed and the linear order; with the limit the test
 * started with, the same command line is allowed.
 */
static int
stack_child(const struct policy *p, char **argv, size_t argc, rlim_t cur)
{
	const struct caller root = { 0, 0, "root", NULL, 0 };
	struct decision d;
	int st;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rl;

		if (cur != 0) {
			if (getrlimit(RLIMIT_STACK, &rl) < 0)
				_exit(10);
			rl.rlim_cur = cur;
			if (setrlimit(RLIMIT_STACK, &rl) < 0)
				_exit(11);
		}
		if (match_argv(p, &root, argv, argc, NULL, &d) < 0)
			_exit(12);
		if (d.allowed)
			_exit(0);
		_exit(d.nmiss == 1 && strcmp(d.miss[0].reason,
		    "pattern match limit reached") == 0 ? 1 : 13);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st), "the matcher's child died");
	return WEXITSTATUS(st);
}

START_TEST(test_depth_from_stack_limit)
{
	struct rg_errlist errs = { 0 };
	struct policy *p = tu_policy_from_text("[u]\nexec = /usr/bin/true\n"
	    "args = { -a, -b, -c }\n", "u.conf", &errs);
	char *argv[] = { "true", "-c", "-a", "-b", NULL };

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(stack_child(p, argv, 4, STACK_RESERVE), 1);
	p->linear = true;
	ck_assert_int_eq(stack_child(p, argv, 4, STACK_RESERVE), 1);
	ck_assert_int_eq(stack_child(p, argv, 4, 0), 0);
	p->linear = false;
	ck_assert_int_eq(stack_child(p, argv, 4, 0), 0);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

/* Entries without '=', empty, overlong or path-like locale values are
 * dropped; the first of two LANG wins; env-keep takes only what is set. */
START_TEST(test_env_odd_entries)
{
	const struct caller root = { 0, 0, "root", NULL, 0 };
	struct rg_errlist errs = { 0 };
	struct policy *p = tu_policy_from_text("[e]\nexec = /usr/bin/true\n"
	    "args =\nenv-keep = HOME TERM\n", "e.conf", &errs);
	char lc_all[80] = "LC_ALL=";
	char *envp[] = { "NOEQUALS", "LANG=", lc_all, "LC_TIME=../../x",
	    "LANGUAGE=en_US:fr", "LANG=C.UTF-8", "LANG=de_DE", "HOME=/h",
	    "LC_CTYPE=en_US.UTF-8@euro", NULL };
	char *argv[] = { "true", NULL };
	struct decision d;

	ck_assert_ptr_nonnull(p);
	memset(lc_all + 7, 'a', 65);
	lc_all[72] = '\0';
	ck_assert_int_eq(match_argv(p, &root, argv, 1, envp, &d), 0);
	ck_assert(d.allowed);
	ck_assert_uint_eq(d.envc, 4);
	ck_assert_str_eq(d.envp[0], "PATH=" MATCH_SAFE_PATH);
	ck_assert_str_eq(d.envp[1], "LANG=C.UTF-8");
	ck_assert_str_eq(d.envp[2], "LC_CTYPE=en_US.UTF-8@euro");
	ck_assert_str_eq(d.envp[3], "HOME=/h");
	decision_clear(&d);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

/* A native rule in a linear policy: argv[0] must name its executable
 * (the path, the name or the real path); the first fitting rule decides. */
START_TEST(test_native_rule_linear)
{
	const char *const glance_groups[] = { "glance" };
	const struct caller glance = { 1001, 1001, "glance", glance_groups, 1 };
	const struct caller root = { 0, 0, "root", NULL, 0 };
	struct rg_errlist errs = { 0 };
	struct policy *p = tu_policy_from_text(text, "t.conf", &errs);
	char *a1[] = { "true", "5", NULL };
	char *a2[] = { "/usr/bin/true", "7", NULL };
	char *a3[] = { "true", "x", NULL };
	char *a4[] = { "false", "5", NULL };
	char *envp[] = { "LANG=C", "HOME=/root", NULL };
	struct decision d;

	ck_assert_ptr_nonnull(p);
	p->linear = true;
	ck_assert_int_eq(match_argv(p, &root, a1, 2, envp, &d), 0);
	ck_assert(d.allowed);
	ck_assert_uint_eq(d.argc, 2);
	ck_assert_str_eq(d.argv[0], "/usr/bin/true");
	ck_assert_str_eq(d.argv[1], "5");
	/* built from nothing (not passed through): PATH and LANG only */
	ck_assert_uint_eq(d.envc, 2);
	ck_assert_str_eq(d.envp[0], "PATH=" MATCH_SAFE_PATH);
	ck_assert_str_eq(d.envp[1], "LANG=C");
	decision_clear(&d);
	ck_assert_int_eq(match_argv(p, &root, a2, 2, envp, &d), 0);
	ck_assert(d.allowed);
	ck_assert_str_eq(d.argv[1], "7");
	decision_clear(&d);
	ck_assert_int_eq(match_argv(p, &root, a3, 2, envp, &d), 0);
	ck_assert(!d.allowed);
	ck_assert_int_eq(d.code, DENY_ARGS);
	ck_assert_uint_eq(d.nmiss, 1);
	ck_assert_uint_eq(d.miss[0].argi, 1);
	ck_assert_str_eq(d.reason, "no rule allows 'true' with these "
	    "arguments");
	decision_clear(&d);
	ck_assert_int_eq(match_argv(p, &root, a4, 2, envp, &d), 0);
	ck_assert(!d.allowed);
	ck_assert_int_eq(d.code, DENY_NO_RULE);
	ck_assert_uint_eq(d.nmiss, 0);
	decision_clear(&d);
	ck_assert_int_eq(match_argv(p, &glance, a1, 2, envp, &d), 0);
	ck_assert(!d.allowed);
	ck_assert_uint_eq(d.nmiss, 1);
	ck_assert_str_eq(d.miss[0].reason,
	    "the caller is not among the rule's callers");
	decision_clear(&d);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

/* --- allocation failures ------------------------------------------ */

static char *
join(char **v, size_t n)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	s = calloc(1, len);
	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < n; i++) {
		strcat(s, v[i]);
		strcat(s, "|");
	}
	return s;
}

/*
 * Fail each allocation of one decision in turn, until a decision makes
 * fewer. Every run either fails (-1, nothing allowed) or decides exactly
 * as without the failure: never an allow that should be a denial.
 */
static void
oom_sweep(const struct policy *p, const struct caller *c, char **argv,
    size_t argc, char **envp)
{
	struct decision ref, d;
	char *ra, *re;
	unsigned long k;
	int nfail = 0;

	ck_assert_int_eq(match_argv(p, c, argv, argc, envp, &ref), 0);
	ra = join(ref.argv, ref.argc);
	re = join(ref.envp, ref.envc);
	for (k = 1; k < 1000; k++) {
		bool fired;
		int rc;

		fa_arm(k);
		rc = match_argv(p, c, argv, argc, envp, &d);
		fired = fa_disarm();
		if (!fired) {
			ck_assert_int_eq(rc, 0);
			ck_assert_int_eq(d.allowed, ref.allowed);
			decision_clear(&d);
			break;
		}
		if (rc < 0) {
			nfail++;
			ck_assert(!ref.allowed || d.argc <= ref.argc);
		} else {
			ck_assert_int_eq(rc, 0);
			ck_assert(!d.allowed || ref.allowed);
			if (d.allowed) {
				char *a = join(d.argv, d.argc);
				char *e = join(d.envp, d.envc);

				ck_assert_str_eq(a, ra);
				ck_assert_str_eq(e, re);
				free(a);
				free(e);
			}
		}
		decision_clear(&d);
	}
	ck_assert_uint_lt(k, 1000);
	ck_assert_msg(!ref.allowed || nfail > 0, "no allocation failed");
	free(ra);
	free(re);
	decision_clear(&ref);
}

START_TEST(test_oom_native)
{
	const struct caller root = { 0, 0, "root", NULL, 0 };
	struct rg_errlist errs = { 0 };
	struct policy *p = tu_policy_from_text("[e]\nexec = /usr/bin/true\n"
	    "args = <n> [ -v ] <w>...\n<n> = int 1..9\n<w> = regex [a-z]+\n"
	    "env-keep = HOME\nenv-set = MODE=fast\n  LANG=C\n",
	    "e.conf", &errs);
	char *a1[] = { "true", "5", "-v", "ab", "cd", NULL };
	char *a2[] = { "true", "5", "AB", NULL };
	char *envp[] = { "HOME=/h", "LANG=de_DE", "LC_TIME=C", "X=1", NULL };

	ck_assert_ptr_nonnull(p);
	oom_sweep(p, &root, a1, 5, envp);
	oom_sweep(p, &root, a2, 3, envp);
	p->linear = true;
	oom_sweep(p, &root, a1, 5, envp);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

/* rootwrap's filters: a linear policy with chained commands, EnvFilter
 * assignments and a passed-through environment. */
static struct policy *
rootwrap_policy(const char *filters)
{
	struct rw_opts o = { "/usr/bin:/bin", true };
	const char *c = "[DEFAULT]\nfilters_path=/nonexistent\n"
	    "exec_dirs=/usr/bin,/bin\n";
	struct rg_errlist errs = { 0 };
	struct rw_conf conf;
	struct policy *p;
	struct rg_err e;

	ck_assert_int_eq(rootwrap_parse_conf(c, strlen(c), "r.conf", &o,
	    &conf, &e), RW_OK);
	ck_assert_ptr_nonnull(p = policy_new());
	ck_assert_int_eq(rootwrap_parse_filters(p, filters, strlen(filters),
	    "t.filters", &conf, &o, &errs), 0);
	ck_assert_int_eq(policy_finish(p, &errs), 0);
	p->linear = true;
	rootwrap_conf_free(&conf);
	rg_errlist_free(&errs);
	return p;
}

START_TEST(test_oom_rootwrap)
{
	const struct caller root = { 0, 0, "root", NULL, 0 };
	struct policy *p = rootwrap_policy("[Filters]\n"
	    "cat: CommandFilter, cat, root\n"
	    "env: EnvFilter, env, root, A=, B=, cat\n"
	    "nice: ChainingRegExpFilter, nice, root, nice, -n, -?\\d+\n"
	    "dd: RegExpFilter, dd, root, dd, if=/dev/zero, of=/tmp/.*\n");
	char *a1[] = { "env", "A=1", "B=2", "cat", NULL };
	char *a2[] = { "nice", "-n", "5", "cat", "/etc/hosts", NULL };
	char *a3[] = { "dd", "if=/dev/zero", "of=/tmp/x", NULL };
	char *a4[] = { "dd", "if=/dev/zero", "of=/etc/x", NULL };
	char *envp[] = { "A=old", "PATH=/bin", "NOEQ", NULL };
	struct decision d;

	ck_assert_int_eq(match_argv(p, &root, a1, 4, envp, &d), 0);
	ck_assert(d.allowed);
	ck_assert_int_ge(strv_find(d.envp, d.envc, "A=1"), 0);
	ck_assert_int_lt(strv_find(d.envp, d.envc, "A=old"), 0);
	ck_assert_int_lt(strv_find(d.envp, d.envc, "NOEQ"), 0);
	decision_clear(&d);
	oom_sweep(p, &root, a1, 4, envp);
	oom_sweep(p, &root, a2, 5, envp);
	oom_sweep(p, &root, a3, 3, envp);
	oom_sweep(p, &root, a4, 3, envp);
	policy_free(p);
}
END_TEST

Suite *
suite_match_more(void)
{
	Suite *s = suite_create("match_more");
	TCase *tc = tcase_create("edges");

	tcase_add_test(tc, test_no_command);
	tcase_add_test(tc, test_caller_not_listed);
	tcase_add_test(tc, test_depth_from_stack_limit);
	tcase_add_test(tc, test_env_odd_entries);
	tcase_add_test(tc, test_native_rule_linear);
	tcase_add_test(tc, test_oom_native);
	tcase_add_test(tc, test_oom_rootwrap);
	suite_add_tcase(s, tc);
	return s;
}
