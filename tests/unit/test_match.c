/* SPDX-License-Identifier: ISC */
/*
 * test_match.c - the matcher, driven by decision tables: each line of
 * tests/data/match/ *.cases is one command line and its expected verdict
 * against tests/data/match/policy.conf, in a real temporary tree with
 * files, directories and hostile symlinks (made once per run).
 */
#define _GNU_SOURCE
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "match.h"
#include "policy.h"
#include "strv.h"
#include "suites.h"
#include "testutil.h"

#define DATA "../data/match"

struct tcase_line {
	char *file;
	unsigned line;
	char *text;
};

static char *root;
static struct policy *pol;
static struct tcase_line *lines;
static size_t nlines;

static void
mkfile(const char *rel)
{
	char *p;
	FILE *fp;

	ck_assert_int_gt(asprintf(&p, "%s/%s", root, rel), 0);
	fp = fopen(p, "we");
	ck_assert_ptr_nonnull(fp);
	fputs("data\n", fp);
	fclose(fp);
	free(p);
}

static void
mkdir_rel(const char *rel)
{
	char *p;

	ck_assert_int_gt(asprintf(&p, "%s/%s", root, rel), 0);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	free(p);
}

static void
symlink_rel(const char *target, const char *rel)
{
	char *p, *t;

	ck_assert_int_gt(asprintf(&p, "%s/%s", root, rel), 0);
	t = tu_subst_root(target, root);
	ck_assert_int_eq(symlink(t, p), 0);
	free(p);
	free(t);
}

static void
build_tree(void)
{
	root = tu_mkdtemp();
	mkdir_rel("inst");
	mkdir_rel("inst/a");
	mkdir_rel("inst/a/dir");
	mkdir_rel("inst/_base");
	mkdir_rel("inst_evil");
	mkdir_rel("outside");
	mkfile("inst/a/disk");
	mkfile("inst/_base/b1");
	mkfile("inst_evil/x");
	mkfile("outside/file");
	symlink_rel("a/disk", "inst/link-in");
	symlink_rel("/etc", "inst/link-out");
	symlink_rel("..", "inst/link-up");
	symlink_rel("@ROOT@/nonexistent", "inst/dangling");
	symlink_rel("loop2", "inst/loop1");
	symlink_rel("loop1", "inst/loop2");
}

static void
load_cases(void)
{
	glob_t g;

	ck_assert_int_eq(glob(DATA "/*.cases", 0, NULL, &g), 0);
	for (size_t f = 0; f < g.gl_pathc; f++) {
		char *text = tu_slurp(g.gl_pathv[f], NULL), *save = NULL;
		unsigned ln = 0;
		char *l;

		/* strtok_r would merge empty lines; count them ourselves */
		for (l = text; l != NULL; ) {
			char *nl = strchr(l, '\n');

			if (nl != NULL)
				*nl = '\0';
			ln++;
			if (*l != '\0' && *l != '#') {
				lines = reallocarray(lines, nlines + 1,
				    sizeof(*lines));
				ck_assert_ptr_nonnull(lines);
				lines[nlines].file = strdup(g.gl_pathv[f]);
				lines[nlines].line = ln;
				lines[nlines].text = tu_subst_root(l, root);
				nlines++;
			}
			l = nl ? nl + 1 : NULL;
		}
		(void)save;
		free(text);
	}
	globfree(&g);
}

static void
setup(void)
{
	struct rg_errlist errs = { 0 };
	char *text, *sub;

	build_tree();
	text = tu_slurp(DATA "/policy.conf", NULL);
	sub = tu_subst_root(text, root);
	pol = tu_policy_from_text(sub, "policy.conf", &errs);
	if (pol == NULL) {
		char buf[2048];

		/* not in a test yet: say why and stop the run */
		for (size_t i = 0; i < errs.n; i++) {
			rg_err_format(&errs.v[i], buf, sizeof(buf));
			fprintf(stderr, "test_match: %s\n", buf);
		}
		exit(EXIT_FAILURE);
	}
	free(text);
	free(sub);
	rg_errlist_free(&errs);
	load_cases();
}

static void
teardown(void)
{
	tu_rmtree(root);
}

/* Decode one argv word: '' \s \n \t \\ \xNN @c*N@ */
static char *
decode_word(const char *w)
{
	size_t cap = strlen(w) + 1, o = 0;
	char *out = malloc(cap);

	ck_assert_ptr_nonnull(out);
	if (strcmp(w, "''") == 0) {
		out[0] = '\0';
		return out;
	}
	while (*w) {
		char c = *w++;
		unsigned n;

		if (c == '@' && w[0] != '\0' && w[1] == '*' &&
		    sscanf(w + 2, "%u@", &n) == 1) {
			char ch = w[0];

			out = realloc(out, cap += n);
			ck_assert_ptr_nonnull(out);
			memset(out + o, ch, n);
			o += n;
			w = strchr(w + 2, '@') + 1;
			continue;
		}
		if (c == '\\') {
			c = *w++;
			if (c == 's')
				c = ' ';
			else if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c == 'x') {
				unsigned v;

				ck_assert_int_eq(sscanf(w, "%2x", &v), 1);
				c = (char)v;
				w += 2;
			}
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

START_TEST(test_case_line)
{
	const struct tcase_line *tl;
	char *text, *bar, *left, *tok, *save = NULL;
	char *verdict, *as = NULL, *reason = NULL;
	char **argv = NULL;
	size_t argc = 0;
	const char *groups[8];
	struct caller c = { 0, 0, "root", groups, 0 };
	struct decision d;
	char where[512];

	ck_assert_msg(nlines > 0 && (size_t)_i < nlines, "no case %d (of %zu)",
	    _i, nlines);
	tl = &lines[_i];
	text = strdup(tl->text);
	snprintf(where, sizeof(where), "%s:%u: %s", tl->file, tl->line,
	    tl->text);
	bar = strstr(text, " |");
	ck_assert_msg(bar != NULL, "%s: no ' |'", where);
	*bar = '\0';
	left = text;
	verdict = strtok_r(left, " ", &save);
	tok = strtok_r(NULL, " ", &save);
	if (tok != NULL && strncmp(tok, "as=", 3) == 0) {
		as = tok + 3;
		tok = strtok_r(NULL, "", &save);
	} else if (tok != NULL)
		tok[strlen(tok)] = save && *save ? ' ' : '\0';
	if (tok != NULL && *tok == '~')
		reason = tok + 1;
	if (as != NULL) {
		char *slash = strchr(as, '/');

		c.uid = 1000;
		c.gid = 1000;
		if (slash != NULL) {
			char *g, *gs = NULL;

			*slash = '\0';
			for (g = strtok_r(slash + 1, ",", &gs); g != NULL &&
			    c.ngroups < 8; g = strtok_r(NULL, ",", &gs))
				groups[c.ngroups++] = g;
		}
		c.user = as;
	}
	save = NULL;
	for (tok = strtok_r(bar + 2, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save))
		ck_assert_int_eq(strv_push_owned(&argv, &argc,
		    decode_word(tok)), 0);
	ck_assert_int_eq(match_argv(pol, &c, argv, argc, NULL, &d), 0);
	if (strncmp(verdict, "allow:", 6) == 0) {
		ck_assert_msg(d.allowed, "%s\n  denied: %s", where, d.reason);
		ck_assert_msg(strcmp(d.rule->name, verdict + 6) == 0,
		    "%s\n  allowed by %s", where, d.rule->name);
		ck_assert_str_eq(d.argv[0], d.rule->exec);
		for (size_t i = 1; i < argc; i++)
			ck_assert_str_eq(d.argv[i], argv[i]);
		ck_assert_uint_eq(d.argc, argc);
	} else {
		static const char *const codes[] = { "none", "no-command",
			"no-rule", "args", "caller", "inactive" };

		ck_assert_msg(strncmp(verdict, "deny:", 5) == 0, "%s: bad "
		    "verdict", where);
		ck_assert_msg(!d.allowed, "%s\n  allowed by %s", where,
		    d.allowed ? d.rule->name : "");
		ck_assert_msg(strcmp(codes[d.code], verdict + 5) == 0,
		    "%s\n  denied as %s: %s", where, codes[d.code], d.reason);
		ck_assert_msg(d.reason[0] != '\0', "%s: no reason", where);
		ck_assert_msg(strchr(d.reason, '\n') == NULL, "%s: reason "
		    "has a newline: %s", where, d.reason);
	}
	if (reason != NULL)
		ck_assert_msg(strstr(d.reason, reason) != NULL,
		    "%s\n  reason '%s' lacks '%s'", where, d.reason, reason);
	decision_clear(&d);
	strv_free(argv, argc);
	free(text);
}
END_TEST

/* The environment: built from nothing, never the loader variables. */
START_TEST(test_env_built_from_nothing)
{
	char *argv[] = { "true", NULL };
	char *envp[] = { "LD_PRELOAD=/tmp/x.so", "PATH=/tmp/evil", "LANG=C",
		"LC_ALL=../../tmp/evil", "LC_TIME=de_DE.UTF-8", "IFS=x",
		"HOME=/root", "BASH_ENV=/tmp/x", "GCONV_PATH=/tmp", NULL };
	const struct caller c = { 0, 0, "root", NULL, 0 };
	struct decision d;

	ck_assert_int_eq(match_argv(pol, &c, argv, 1, envp, &d), 0);
	ck_assert(d.allowed);
	ck_assert_uint_eq(d.envc, 3);
	ck_assert_str_eq(d.envp[0], "PATH=" MATCH_SAFE_PATH);
	ck_assert_str_eq(d.envp[1], "LANG=C");
	ck_assert_str_eq(d.envp[2], "LC_TIME=de_DE.UTF-8");
	ck_assert_ptr_null(d.envp[3]);
	decision_clear(&d);
}
END_TEST

START_TEST(test_env_keep_and_set)
{
	const char *text =
	    "[r]\nexec = /usr/bin/true\nargs =\nenv-keep = HOME TERM\n"
	    "env-set = LC_ALL=C\n  MODE=fast\n";
	char *argv[] = { "true", NULL };
	char *envp[] = { "HOME=/home/x", "LC_ALL=de_DE", "MODE=slow",
		"SECRET=1", NULL };
	const struct caller c = { 0, 0, "root", NULL, 0 };
	struct rg_errlist errs = { 0 };
	struct policy *p = tu_policy_from_text(text, "t.conf", &errs);
	struct decision d;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(match_argv(p, &c, argv, 1, envp, &d), 0);
	ck_assert(d.allowed);
	ck_assert_uint_eq(d.envc, 4);
	ck_assert_str_eq(d.envp[0], "PATH=" MATCH_SAFE_PATH);
	ck_assert_str_eq(d.envp[1], "HOME=/home/x");
	ck_assert_str_eq(d.envp[2], "LC_ALL=C");
	ck_assert_str_eq(d.envp[3], "MODE=fast");
	decision_clear(&d);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

/* A pattern that could backtrack exponentially is cut off, denied. */
START_TEST(test_step_limit)
{
	const char *text =
	    "[r]\nexec = /usr/bin/true\n"
	    "args = [ <a>... ]... end\n"
	    "<a> = regex x+\n";
	char *argv[40];
	const struct caller c = { 0, 0, "root", NULL, 0 };
	struct rg_errlist errs = { 0 };
	struct policy *p = tu_policy_from_text(text, "t.conf", &errs);
	struct decision d;

	ck_assert_ptr_nonnull(p);
	argv[0] = "true";
	for (int i = 1; i < 39; i++)
		argv[i] = "x";
	argv[39] = NULL;
	ck_assert_int_eq(match_argv(p, &c, argv, 39, NULL, &d), 0);
	ck_assert(!d.allowed);
	ck_assert_ptr_nonnull(strstr(d.reason, "limit"));
	decision_clear(&d);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

/* 150 rules for other commands cost nothing: the index finds none. */
START_TEST(test_index_many_rules)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	char *argv[] = { "echo", "x", NULL };
	const struct caller c = { 0, 0, "root", NULL, 0 };
	struct rg_errlist errs = { 0 };
	struct policy *p;
	struct decision d;
	size_t n;

	for (int i = 0; i < 150; i++)
		fprintf(fp, "[r%d]\nexec = /usr/bin/true\nargs = a%d\n", i, i);
	fprintf(fp, "[last]\nexec = /usr/bin/echo\nargs = x\n");
	fclose(fp);
	p = tu_policy_from_text(text, "many.conf", &errs);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->nrules, 151);
	ck_assert_ptr_nonnull(policy_lookup(p, "echo", &n));
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_nonnull(policy_lookup(p, "true", &n));
	ck_assert_uint_eq(n, 150);
	ck_assert_ptr_null(policy_lookup(p, "false", &n));
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(match_argv(p, &c, argv, 2, NULL, &d), 0);
	ck_assert(d.allowed);
	ck_assert_str_eq(d.rule->name, "last");
	ck_assert_uint_eq(d.nmiss, 0);
	decision_clear(&d);
	policy_free(p);
	free(text);
	rg_errlist_free(&errs);
}
END_TEST

/* Count the case lines without Check (no test is running yet). */
static int
count_cases(void)
{
	glob_t g;
	int n = 0;

	if (glob(DATA "/*.cases", 0, NULL, &g) != 0)
		return 0;
	for (size_t f = 0; f < g.gl_pathc; f++) {
		FILE *fp = fopen(g.gl_pathv[f], "re");
		char buf[16384];

		while (fp != NULL && fgets(buf, sizeof(buf), fp) != NULL)
			n += buf[0] != '\n' && buf[0] != '#';
		if (fp != NULL)
			fclose(fp);
	}
	globfree(&g);
	return n;
}

Suite *
suite_match(void)
{
	Suite *s = suite_create("match");
	TCase *tc = tcase_create("cases");
	int n = count_cases();

	/* the runner builds the tree and reads the tables once (unchecked
	 * fixture); Check forks each case from it */
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_case_line, 0, n > 0 ? n : 1);
	tcase_add_test(tc, test_env_built_from_nothing);
	tcase_add_test(tc, test_env_keep_and_set);
	tcase_add_test(tc, test_step_limit);
	tcase_add_test(tc, test_index_many_rules);
	suite_add_tcase(s, tc);
	return s;
}
