/* SPDX-License-Identifier: ISC */
/*
 * test_rwimport_more.c - rwimport_write(): an oslo.rootwrap configuration
 * written back as native filters.d text. Each filter class, regexes that
 * may take a leading '-' (literal words and prefix<alternatives> only),
 * paths, sets, the run-as user and the executable's native form, name
 * collisions, the filters that became no rule, and every section
 * written loads with the native loader. Under allocation failures
 * (failalloc.h) nothing is imported that is not imported without them.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "failalloc.h"
#include "policy.h"
#include "rootwrap.h"
#include "rwimport.h"
#include "suites.h"
#include "testutil.h"

static const char *const filters =
    "[Filters]\n"
    "cmd: CommandFilter, cat, root\n"
    "bad_user: CommandFilter, cat, 1nova\n"
    "missing: CommandFilter, no-such-tool-rg, root\n"
    "abs_missing: CommandFilter, /opt/rg-none/tool, root\n"
    "rx_lit: RegExpFilter, dd, root, dd, -l, if=/dev/zero\n"
    "rx_alt: RegExpFilter, ls, root, ls, (--verbose|--quiet), (?:-a|-b)\n"
    "rx_noprefix: RegExpFilter, ls, root, ls, (-a|x)\n"
    "rx_short: RegExpFilter, ls, root, ls, (--a|--)\n"
    "rx_dash: RegExpFilter, ls, root, ls, -.*\n"
    "rx_class: RegExpFilter, ls, root, ls, [-a]x\n"
    "rx_group: RegExpFilter, ls, root, ls, (a|-b)?c\n"
    "rx_escape: RegExpFilter, ls, root, ls, \\-x\n"
    "rx_word: RegExpFilter, ls, root, ls, \\w+, [a-z][0-9], (?:x|y)z\n"
    "rx_cmd: RegExpFilter, ls, root, l., [0-9]+\n"
    "rx_badcmd: RegExpFilter, ls, root, cat, [0-9]+\n"
    "rx_look: RegExpFilter, ls, root, ls, (?=a)a\n"
    "rx_long: RegExpFilter, ls, root, ls, @LONG@\n"
    "path: PathFilter, chown, root, nova, /var/lib/nova\n"
    "path2: PathFilter, chown, root, pass, /var/lib/nova/\n"
    "path_sp: PathFilter, chown, root, nova, /var/lib/my dir\n"
    "kill: KillFilter, root, /usr/bin/sleep, -9, -HUP\n"
    "ip: IpFilter, ip, root\n"
    "env: EnvFilter, env, root, A=, B=, cat\n"
    "chain: ChainingRegExpFilter, nice, root, nice, -n, -?\\d+\n"
    "read: ReadFileFilter, /etc/hosts\n"
    "empty: RegExpFilter, ls, root\n";

struct fixture {
	char *top, conf[4096];
	struct rw_conf rw;
	struct policy *p;
};

static void
load(struct fixture *f, const char *text)
{
	struct rw_opts o = { "/usr/bin:/bin", true };
	struct rg_errlist errs = { 0 };
	char path[4096], *t, lng[201];
	enum rw_status st;
	struct rg_err err;
	FILE *fp;

	memset(lng, 'a', 200);
	lng[200] = '\0';
	f->top = tu_mkdtemp();
	snprintf(path, sizeof(path), "%s/f", f->top);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/f/t.filters", f->top);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	t = tu_subst_root(text, "");	/* a copy */
	{
		char *at = strstr(t, "@LONG@");

		if (at != NULL) {
			fwrite(t, 1, (size_t)(at - t), fp);
			fputs(lng, fp);
			fputs(at + 6, fp);
		} else
			fputs(t, fp);
	}
	free(t);
	fclose(fp);
	snprintf(f->conf, sizeof(f->conf), "%s/rootwrap.conf", f->top);
	ck_assert_ptr_nonnull(fp = fopen(f->conf, "w"));
	fprintf(fp, "[DEFAULT]\nfilters_path=%s/f,%s/none\n"
	    "exec_dirs=/usr/bin,/bin\n", f->top, f->top);
	fclose(fp);
	memset(&f->rw, 0, sizeof(f->rw));
	memset(&err, 0, sizeof(err));
	f->p = policy_load_rootwrap(f->conf, &o, &f->rw, &st, &err, &errs);
	ck_assert_msg(f->p != NULL, "status %d: %s %s", (int)st, err.msg,
	    errs.n ? errs.v[0].msg : "");
	rg_errlist_free(&errs);
}

static void
unload(struct fixture *f)
{
	policy_free(f->p);
	rootwrap_conf_free(&f->rw);
	tu_rmtree(f->top);
	free(f->top);
}

/* No Check assertion in here: it may run with a failure armed, and
 * Check allocates to record a passed assertion. */
static char *
import(struct fixture *f, struct rwimport_stats *st, int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (mem == NULL) {
		*rc = -2;
		return NULL;
	}
	*rc = rwimport_write(mem, f->p, f->conf, &f->rw, st);
	fclose(mem);
	return text;
}

#define HAS(text, s) ck_assert_msg(strstr((text), (s)) != NULL, \
	"missing: %s", (s))

START_TEST(test_import_classes)
{
	struct rwimport_stats st;
	struct fixture f;
	char *out, *sec, *end;
	int rc;

	load(&f, filters);
	out = import(&f, &st, &rc);
	ck_assert_int_eq(rc, 0);
	/* a leading '-': a literal word, or prefix<alternatives> */
	HAS(out, "[rx_lit]\n");
	HAS(out, "args = -l <arg2>\n<arg2> = regex if=/dev/zero\n");
	HAS(out, "args = --<arg1> -<arg2>\n<arg1> = regex verbose|quiet\n"
	    "<arg2> = regex a|b\n");
	HAS(out, "[rx_escape]\ndescription = imported from rootwrap filter "
	    "rx_escape\nexec = /usr/bin/ls\nargs = -x\n");
	HAS(out, "why: <arg1>: the regex (-a|x) accepts words that start "
	    "with '-' and share no prefix\n");
	HAS(out, "why: <arg1>: the regex (--a|--) accepts words that start "
	    "with '-' and share no prefix\n");
	HAS(out, "why: <arg1>: the regex -.* accepts arguments that start "
	    "with '-', which a native placeholder never takes\n");
	HAS(out, "line rx_class: RegExpFilter, ls, root, ls, [-a]x\n"
	    "#   why: <arg1>: the regex [-a]x accepts arguments");
	HAS(out, "line rx_group: RegExpFilter, ls, root, ls, (a|-b)?c\n"
	    "#   why: <arg1>: the regex (a|-b)?c accepts arguments");
	HAS(out, "line rx_look: RegExpFilter, ls, root, ls, (?=a)a\n"
	    "#   why: <arg1>: the regex (?=a)a accepts arguments");
	/* no leading '-' possible: a plain regex placeholder */
	HAS(out, "args = <arg1> <arg2> <arg3>\n<arg1> = regex \\w+\n"
	    "<arg2> = regex [a-z][0-9]\n<arg3> = regex (?:x|y)z\n");
	/* the command word: matched against the executable's name */
	HAS(out, "[rx_cmd]\n");
	HAS(out, "why: the command word must match cat, which the "
	    "executable's name ls does not\n");
	HAS(out, "why: the constraint of <arg1> does not fit on one line of "
	    "a filter file\n");
	/* paths: the directory itself unless the prefix ends in '/' */
	HAS(out, "args = nova <arg2>\n<arg2> = path /var/lib/nova new "
	    "prefix-ok\n");
	HAS(out, "<arg2> = path /var/lib/nova new\nuser = root\n");
	HAS(out, "why: <arg2>: the directory /var/lib/my dir cannot be "
	    "written as a native prefix\n");
	/* the classes without a native form */
	HAS(out, "why: <pid>: the native language cannot require that a pid "
	    "runs /usr/bin/sleep; any pid would make it root-equivalent\n");
	HAS(out, "why: <word>: the native language has no 'any word but' "
	    "constraint (set net netn netns)\n");
	HAS(out, "why: the native language has no chained command: write one "
	    "rule per inner command, with this rule's words first\n");
	HAS(out, "why: never allows: unknown run-as user '1nova'\n");
	/* EnvFilter: env-keep, the command after the assignments */
	HAS(out, "[env]\ndescription = imported from rootwrap filter env\n"
	    "exec = /usr/bin/cat\n");
	HAS(out, "env-keep = A B\n");
	/* not installed: the first exec_dirs candidate, optional */
	HAS(out, "exec = /usr/bin/no-such-tool-rg\n# not installed when "
	    "imported\noptional = yes\n");
	HAS(out, "exec = /opt/rg-none/tool\n# not installed when imported\n");
	HAS(out, "[read]\ndescription = imported from rootwrap filter read\n"
	    "exec = /bin/cat\nargs = /etc/hosts\n");
	/* a filter that became no rule, read again from its file */
	HAS(out, "# NOT IMPORTED: empty\n");
	HAS(out, "#   line empty: RegExpFilter, ls, root\n#   why: "
	    "oslo.rootwrap 6.3 never allows anything with this filter");
	/* a long line is folded into comment lines */
	{
		char run[190];

		memset(run, 'a', sizeof(run) - 1);
		run[sizeof(run) - 1] = '\0';
		ck_assert_ptr_null(strstr(out, run));
	}
	ck_assert_uint_eq(st.nrules, 13);	/* with privsep-helper */
	ck_assert_uint_eq(st.nskipped, 14);
	{
		char tail[100];

		snprintf(tail, sizeof(tail), "\n# %zu rules imported, %zu "
		    "filters not imported\n", st.nrules, st.nskipped);
		ck_assert_str_eq(out + strlen(out) - strlen(tail), tail);
	}
	/* every section written loads (invariant 2) */
	for (sec = strstr(out, "\n["); sec != NULL; sec = end) {
		struct rg_errlist errs = { 0 };
		struct policy *p;
		char *text;

		end = strstr(sec + 1, "\n\n");
		text = strndup(sec + 1, end != NULL ? (size_t)(end - sec) :
		    strlen(sec + 1));
		ck_assert_ptr_nonnull(text);
		p = tu_policy_from_text(text, "i.conf", &errs);
		ck_assert_msg(p != NULL, "%s: %s", text, errs.n ?
		    errs.v[0].msg : "");
		policy_free(p);
		rg_errlist_free(&errs);
		free(text);
		if (end != NULL)
			end = strstr(end, "\n[");
	}
	free(out);
	unload(&f);
}
END_TEST

/* Section names: what the language does not allow becomes '-', and a
 * name already used gets -2, -3. An output error is -1. */
START_TEST(test_import_names_and_errors)
{
	struct rwimport_stats st;
	struct fixture f;
	char *out;
	FILE *full;
	int rc;

	load(&f, "[Filters]\na+b: CommandFilter, ls, root\n"
	    "a-b: CommandFilter, ls, root\na@b: CommandFilter, ls, root\n");
	out = import(&f, &st, &rc);
	ck_assert_int_eq(rc, 0);
	HAS(out, "\n[a-b]\n");
	HAS(out, "\n[a-b-2]\n");
	HAS(out, "\n[a-b-3]\n");
	HAS(out, "#   a+b: CommandFilter, ls, root\n");
	free(out);
	full = fopen("/dev/full", "w");
	if (full != NULL) {
		ck_assert_int_eq(rwimport_write(full, f.p, f.conf, &f.rw, &st),
		    -1);
		fclose(full);
	}
	unload(&f);
}
END_TEST

/*
 * Every allocation of an import failing in turn: the run still writes
 * a whole file, and each section it imports is one the import without
 * failures imports too, word for word.
 */
START_TEST(test_import_oom)
{
	struct rwimport_stats st, ref_st;
	struct fixture f;
	char *ref, *out;
	unsigned long k;
	int rc;

	load(&f, "[Filters]\n"
	    "rx_alt: RegExpFilter, ls, root, ls, (--verbose|--quiet), x\n"
	    "rx_word: RegExpFilter, ls, root, ls, \\w+, (?:x|y)z\n"
	    "path: PathFilter, chown, root, nova, /var/lib/nova\n"
	    "env: EnvFilter, env, root, A=, B=, cat\n"
	    "kill: KillFilter, root, /usr/bin/sleep, -9, -HUP\n"
	    "ip: IpFilter, ip, root\n"
	    "empty: RegExpFilter, ls, root\n");
	ref = import(&f, &ref_st, &rc);
	ck_assert_int_eq(rc, 0);
	for (k = 1; k < 20000; k++) {
		bool fired;
		char *sec, *end;

		fa_arm(k);
		out = import(&f, &st, &rc);
		fired = fa_disarm();
		if (!fired) {
			ck_assert_str_eq(out, ref);
			free(out);
			break;
		}
		ck_assert_int_eq(rc, 0);
		ck_assert_uint_le(st.nrules, ref_st.nrules);
		/* (a filter file that cannot be parsed again for want of
		 * memory loses its NOT IMPORTED notes, not a rule) */
		ck_assert_uint_le(st.nrules + st.nskipped, ref_st.nrules +
		    ref_st.nskipped);
		for (sec = strstr(out, "\n# from "); sec != NULL; sec = end) {
			size_t n;

			end = strstr(sec + 1, "\n\n");
			n = end != NULL ? (size_t)(end - sec) : strlen(sec);
			ck_assert_msg(memmem(ref, strlen(ref), sec, n) != NULL,
			    "allocation %lu: not in the reference: %.*s", k,
			    (int)n, sec);
			if (end != NULL)
				end = strstr(end, "\n# from ");
		}
		free(out);
	}
	ck_assert_uint_lt(k, 20000);
	free(ref);
	unload(&f);
}
END_TEST

Suite *
suite_rwimport_more(void)
{
	Suite *s = suite_create("rwimport_more");
	TCase *tc = tcase_create("import");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_import_classes);
	tcase_add_test(tc, test_import_names_and_errors);
	tcase_add_test(tc, test_import_oom);
	suite_add_tcase(s, tc);
	return s;
}
