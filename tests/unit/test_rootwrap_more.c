/* SPDX-License-Identifier: ISC */
/*
 * test_rootwrap_more.c - the rootwrap loader on what test_rootwrap.c
 * leaves out: filters with too few fields and unknown classes (one
 * message each, file:line), configuration files that cannot be read,
 * and allocation failures (failalloc.h) while translating: the load
 * fails with an error, or yields the very policy it yields without them.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "failalloc.h"
#include "policy.h"
#include "rootwrap.h"
#include "match.h"
#include "suites.h"
#include "testutil.h"

static const char *const conf_text = "[DEFAULT]\nfilters_path=/nonexistent\n"
    "exec_dirs=/usr/bin,/bin\n";

struct short_case {
	const char *line;
	const char *msg;
};

static const struct short_case short_cases[] = {
	{ "r: RegExpFilter, dd", "r: RegExpFilter needs an executable and "
	  "a user" },
	{ "r: PathFilter, chown", "r: PathFilter needs an executable and a "
	  "user" },
	{ "r: ReadFileFilter", "r: ReadFileFilter needs a file" },
	{ "r: IpFilter, ip", "r: IpFilter needs an executable and a user" },
	{ "r: EnvFilter, env", "r: EnvFilter needs an executable and a user" },
	{ "r: ChainingFilter, nice", "r: ChainingFilter needs an executable "
	  "and a user" },
	{ "r: IpNetnsExecFilter, ip", "r: IpNetnsExecFilter needs an "
	  "executable and a user" },
	{ "r: ChainingRegExpFilter, nice", "r: ChainingRegExpFilter needs an "
	  "executable and a user" },
	{ "r: KillFilter, root", "r: KillFilter needs a user and a program" },
	{ "r: CommandFilter, cat", "r: CommandFilter needs an executable and "
	  "a user" },
	{ "r: SudoFilter, cat, root", "r: unknown filter class 'SudoFilter'" },
};

START_TEST(test_short_filters)
{
	const struct short_case *c = &short_cases[_i];
	struct rw_opts o = { "/usr/bin:/bin", true };
	struct rg_errlist errs = { 0 };
	struct rw_conf conf;
	struct policy *p;
	struct rg_err e;
	char *text;

	ck_assert_int_eq(rootwrap_parse_conf(conf_text, strlen(conf_text),
	    "r.conf", &o, &conf, &e), RW_OK);
	ck_assert_int_ge(asprintf(&text, "[Filters]\nok: CommandFilter, cat, "
	    "root\n%s\n", c->line), 0);
	ck_assert_ptr_nonnull(p = policy_new());
	ck_assert_int_eq(rootwrap_parse_filters(p, text, strlen(text),
	    "t.filters", &conf, &o, &errs), -1);
	ck_assert_uint_eq(rg_errlist_nerrors(&errs), 1);
	ck_assert_msg(strcmp(errs.v[0].msg, c->msg) == 0, "'%s': '%s'",
	    c->line, errs.v[0].msg);
	ck_assert_str_eq(errs.v[0].file, "t.filters");
	ck_assert_uint_eq(errs.v[0].line, 3);
	/* the good filter before it is kept, the bad one adds nothing */
	ck_assert_uint_eq(p->nrules, 1);
	ck_assert_str_eq(p->rules[0].name, "ok");
	policy_free(p);
	rootwrap_conf_free(&conf);
	rg_errlist_free(&errs);
	free(text);
}
END_TEST

/* A missing rootwrap.conf is oslo's "Incorrect configuration file" (no
 * filters_path); one that cannot be opened says why. */
START_TEST(test_conf_unreadable)
{
	struct rw_opts o = { "/usr/bin:/bin", true };
	struct rg_errlist errs = { 0 };
	struct rw_conf conf;
	enum rw_status st;
	struct rg_err e;
	char *top = tu_mkdtemp(), path[4096];

	memset(&e, 0, sizeof(e));
	ck_assert_ptr_null(policy_load_rootwrap("/nonexistent/rg.conf", &o,
	    &conf, &st, &e, &errs));
	ck_assert_int_eq(st, RW_BADCONF);
	ck_assert_str_eq(e.msg, "");
	rootwrap_conf_free(&conf);
	/* a directory: stat succeeds, reading fails */
	ck_assert_ptr_null(policy_load_rootwrap(top, &o, &conf, &st, &e,
	    &errs));
	ck_assert_int_eq(st, RW_BADCONF);
	ck_assert_msg(strncmp(e.msg, "unable to read", 14) == 0, "%s", e.msg);
	rootwrap_conf_free(&conf);
	/* filters_path names a file, not a directory: skipped silently */
	snprintf(path, sizeof(path), "%s/r.conf", top);
	{
		FILE *fp = fopen(path, "w");

		ck_assert_ptr_nonnull(fp);
		fprintf(fp, "[DEFAULT]\nfilters_path=%s\n", path);
		fclose(fp);
	}
	{
		struct policy *p;

		p = policy_load_rootwrap(path, &o, &conf, &st, &e, &errs);

		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(st, RW_OK);
		ck_assert_uint_eq(rg_errlist_nerrors(&errs), 0);
		policy_free(p);
	}
	rootwrap_conf_free(&conf);
	rg_errlist_free(&errs);
	tu_rmtree(top);
	free(top);
}
END_TEST

static const char *const filters_all =
    "[Filters]\n"
    "cat: CommandFilter, cat, root\n"
    "rx: RegExpFilter, dd, root, dd, if=/dev/zero, of=/tmp/.*, bs=\\d+[KM]\n"
    "py: RegExpFilter, ls, root, ls, (?P<x>a)(?P=x)\n"
    "path: PathFilter, chown, root, nova, /var/lib/nova\n"
    "kill: KillFilter, root, /usr/bin/sleep, -9, -HUP\n"
    "read: ReadFileFilter, /etc/hosts\n"
    "ip: IpFilter, ip, root\n"
    "env: EnvFilter, env, root, A=, B=, cat\n"
    "ch: ChainingFilter, nice, root\n"
    "netns: IpNetnsExecFilter, ip, root\n"
    "chre: ChainingRegExpFilter, nice, root, nice, -n, -?\\d+\n";

/* No Check assertion in here: it runs with a failure armed. */
static struct policy *
load(const struct rw_conf *conf, const struct rw_opts *o,
    struct rg_errlist *errs)
{
	struct policy *p = policy_new();

	if (p == NULL) {
		rg_errlist_add(errs, 0, NULL, 0, "out of memory");
		return NULL;
	}
	if (rootwrap_parse_filters(p, filters_all, strlen(filters_all),
	    "t.filters", conf, o, errs) < 0 ||
	    rootwrap_add_privsep(p, conf, errs) < 0 ||
	    policy_finish(p, errs) < 0) {
		policy_free(p);
		return NULL;
	}
	return p;
}

static const char *const argvs[] = {
	"cat /etc/hosts",
	"dd if=/dev/zero of=/tmp/x bs=4K",
	"dd if=/dev/zero of=/etc/x bs=4K",
	"ls aa",
	"chown nova /var/lib/nova/x",
	"chown nova /etc/shadow",
	"env A=1 B=2 cat",
	"nice -n 5 cat /etc/hosts",
	"nice -n 5 dd if=/dev/zero of=/etc/x bs=1K",
	"ip link",
	"ip netns exec x cat",
	"kill -9 1",
	"privsep-helper --privsep_context a.b --privsep_sock_path "
	    "/tmp/x/privsep.sock",
};

/* The decision of p on each of argvs, one line each. */
static char *
decide_all(const struct policy *p)
{
	const struct caller root = { 0, 0, "root", NULL, 0 };
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	char *out = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(mem);
	for (size_t i = 0; i < sizeof(argvs) / sizeof(argvs[0]); i++) {
		char *copy = strdup(argvs[i]), *v[16], *save = NULL;
		struct decision d;
		size_t n = 0;

		ck_assert_ptr_nonnull(copy);
		for (char *w = strtok_r(copy, " ", &save); w != NULL && n < 15;
		    w = strtok_r(NULL, " ", &save))
			v[n++] = w;
		v[n] = NULL;
		ck_assert_int_eq(match_argv(p, &root, v, n, envp, &d), 0);
		fprintf(mem, "%s: %d", argvs[i], d.allowed);
		for (size_t j = 0; d.allowed && j < d.argc; j++)
			fprintf(mem, " %s", d.argv[j]);
		fputc('\n', mem);
		decision_clear(&d);
		free(copy);
	}
	fclose(mem);
	return out;
}

/*
 * Every allocation of the translation failing in turn: no policy and an
 * error, or a policy that allows nothing the policy loaded without
 * failures denies, and allows it with the same final argv. (A regex
 * that cannot be compiled for want of memory makes its filter refuse
 * everything, as one rootgate cannot read: doc/rootwrap-compat.md #2.)
 */
START_TEST(test_oom_translate)
{
	struct rw_opts o = { "/usr/bin:/bin", true };
	struct rg_errlist errs = { 0 };
	struct rw_conf conf;
	struct policy *ref, *p;
	struct rg_err e;
	char *want;
	unsigned long k;
	int nloaded = 0;

	ck_assert_int_eq(rootwrap_parse_conf(conf_text, strlen(conf_text),
	    "r.conf", &o, &conf, &e), RW_OK);
	ck_assert_ptr_nonnull(ref = load(&conf, &o, &errs));
	ck_assert_uint_eq(rg_errlist_nerrors(&errs), 0);
	want = decide_all(ref);
	ck_assert_ptr_nonnull(strstr(want, "cat /etc/hosts: 1 /usr/bin/cat"));
	ck_assert_ptr_nonnull(strstr(want, "dd if=/dev/zero of=/etc/x bs=4K: "
	    "0\n"));
	for (k = 1; k < 20000; k++) {
		bool fired;

		rg_errlist_free(&errs);
		memset(&errs, 0, sizeof(errs));
		fa_arm(k);
		p = load(&conf, &o, &errs);
		fired = fa_disarm();
		if (!fired) {
			ck_assert_ptr_nonnull(p);
			policy_free(p);
			break;
		}
		if (p == NULL) {
			ck_assert_msg(rg_errlist_nerrors(&errs) + errs.lost > 0,
			    "allocation %lu: no policy, no error", k);
			continue;
		}
		nloaded++;
		{
			char *got = decide_all(p), *g = got, *w = want;

			/* line by line: the same, or a denial */
			while (*g != '\0' && *w != '\0') {
				size_t gl = strcspn(g, "\n");
				size_t wl = strcspn(w, "\n");
				const char *gc = memchr(g, ':', gl);

				ck_assert_ptr_nonnull(gc);
				ck_assert_msg((gl == wl &&
				    memcmp(g, w, gl) == 0) || gc[2] == '0',
				    "allocation %lu: %.*s, want %.*s", k,
				    (int)gl, g, (int)wl, w);
				g += gl + 1;
				w += wl + 1;
			}
			free(got);
		}
		policy_free(p);
	}
	ck_assert_uint_lt(k, 20000);
	ck_assert_int_gt(nloaded, 0);	/* some failures are not fatal */
	free(want);
	policy_free(ref);
	rootwrap_conf_free(&conf);
	rg_errlist_free(&errs);
}
END_TEST

/* rootwrap.conf itself under allocation failures: a status that is not
 * RW_OK, or the same configuration. */
START_TEST(test_oom_conf)
{
	struct rw_opts o = { "/usr/bin:/bin", true };
	const char *text = "[DEFAULT]\nfilters_path=/a,/b\n"
	    "exec_dirs=/usr/bin,/bin\nuse_syslog=True\n"
	    "syslog_log_facility=local0\nsyslog_log_level=ERROR\n"
	    "[rootgate]\nsandbox = cat\n";
	struct rw_conf conf;
	struct rg_err e;
	unsigned long k;

	for (k = 1; k < 5000; k++) {
		enum rw_status st;
		bool fired;

		fa_arm(k);
		st = rootwrap_parse_conf(text, strlen(text), "r.conf", &o,
		    &conf, &e);
		fired = fa_disarm();
		if (st == RW_OK) {
			ck_assert_uint_eq(conf.nfilters_path, 2);
			ck_assert_str_eq(conf.filters_path[1], "/b");
			ck_assert_uint_eq(conf.nexec_dirs, 2);
			ck_assert(conf.use_syslog);
		} else
			ck_assert_msg(fired, "status %d: %s", (int)st, e.msg);
		rootwrap_conf_free(&conf);
		if (!fired)
			break;
	}
	ck_assert_uint_gt(k, 1);
	ck_assert_uint_lt(k, 5000);
}
END_TEST

Suite *
suite_rootwrap_more(void)
{
	Suite *s = suite_create("rootwrap_more");
	TCase *tc = tcase_create("load");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_short_filters, 0,
	    (int)(sizeof(short_cases) / sizeof(short_cases[0])));
	tcase_add_test(tc, test_conf_unreadable);
	tcase_add_test(tc, test_oom_translate);
	tcase_add_test(tc, test_oom_conf);
	suite_add_tcase(s, tc);
	return s;
}
