/* SPDX-License-Identifier: ISC */
/*
 * test_rootwrap.c - oslo.rootwrap configurations: the INI dialect (rwini)
 * and os.path.realpath (rwpath) against values produced by Python 3.11
 * (committed here, not computed at test time), rootwrap.conf options, and
 * a decision table per filter class over a real temporary tree (exec_dirs,
 * symlinks, a live `sleep` for KillFilter). Every deliberate deviation of
 * doc/rootwrap-compat.md that is decided here is asserted as a refusal.
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "match.h"
#include "policy.h"
#include "rootwrap.h"
#include "rwini.h"
#include "rwpath.h"
#include "strv.h"
#include "suites.h"
#include "testutil.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* --- rwini: RawConfigParser(strict=False).items("Filters") ----------- */

struct ini_case {
	const char *text;
	const char *want;	/* "key=value;" each, NULL: a parse error */
};

/* Expected values printed by Python 3.11.2's configparser. */
static const struct ini_case ini_cases[] = {
	{ "[Filters]\nMyCat: CommandFilter, cat, root  # x\n",
	  "mycat=CommandFilter, cat, root  # x;" },
	{ "[DEFAULT]\nd1 = CommandFilter, ls, root\n[Filters]\n"
	  "a: CommandFilter, cat, root\n",
	  "d1=CommandFilter, ls, root;a=CommandFilter, cat, root;" },
	{ "[Filters]\na: RegExpFilter, x, root,\n  p1,\n# c\n  p2\n",
	  "a=RegExpFilter, x, root,\np1,\np2;" },
	{ "[Filters]\na: CommandFilter, cat, root\nb = x\n"
	  "a: CommandFilter, ls, root\n",
	  "a=CommandFilter, ls, root;b=x;" },
	{ "[Filters]\nk=v:w\nk2:v=w\n", "k=v:w;k2=v=w;" },
	{ "[Filters]\r\na:\tCommandFilter, cat, root\r\n",
	  "a=CommandFilter, cat, root;" },
	{ "[Filters]\na: x\n\n  y\n", "a=x\n\ny;" },
	{ "[Filters]\n; c\n  # c2\na = 100%\n", "a=100%;" },
	{ "[Filters]\na\n", NULL },			/* ParsingError */
	{ "a: b\n", NULL },				/* no header */
	{ "\xef\xbb\xbf[Filters]\na: b\n", NULL },	/* BOM */
};

START_TEST(test_rwini)
{
	const struct ini_case *c = &ini_cases[_i];
	const struct rwini_section *fs, *sv[2];
	char got[1024] = "";
	struct rwini ini;
	struct rg_err e;
	int rc;

	rc = rwini_parse(c->text, strlen(c->text), false, "t.filters", &ini,
	    &e);
	if (c->want == NULL) {
		ck_assert_msg(rc < 0, "case %d parsed", _i);
		rwini_free(&ini);
		return;
	}
	ck_assert_msg(rc == 0, "case %d: %s", _i, e.msg);
	ck_assert_ptr_nonnull(fs = rwini_section(&ini, "Filters"));
	sv[0] = &ini.defaults;
	sv[1] = fs;
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < sv[s]->nkv; i++) {
			strlcat(got, sv[s]->kv[i].key, sizeof(got));
			strlcat(got, "=", sizeof(got));
			strlcat(got, sv[s]->kv[i].value, sizeof(got));
			strlcat(got, ";", sizeof(got));
		}
	ck_assert_str_eq(got, c->want);
	rwini_free(&ini);
}
END_TEST

START_TEST(test_rwini_no_filters_section)
{
	const char *t = "[filters]\na: b\n";
	struct rwini ini;
	struct rg_err e;

	ck_assert_int_eq(rwini_parse(t, strlen(t), false, "t", &ini, &e), 0);
	ck_assert_ptr_null(rwini_section(&ini, "Filters"));
	rwini_free(&ini);
}
END_TEST

/* --- rwpath: os.path.realpath ---------------------------------------- */

struct path_case {
	const char *in;		/* @ROOT@: the test tree; relative: from
				   @ROOT@/t */
	const char *want;
};

/* Expected values printed by Python 3.11.2's os.path.realpath over the
 * same tree (made by path_tree). */
static const struct path_case path_cases[] = {
	{ "@ROOT@/t/base/up/x", "@ROOT@/t/base2/x" },
	{ "@ROOT@/t/abs/f", "@ROOT@/t/base/f" },
	{ "@ROOT@/t/loop1/x", "@ROOT@/t/loop1/x" },
	{ "@ROOT@/t/dangle/y", "@ROOT@/t/missing/y" },
	{ "//a//b/./c/..", "/a/b" },
	{ "/../..", "/" },
	{ "base/../d", "@ROOT@/t/d" },
	{ "", "@ROOT@/t" },
	{ "./abs/../base2", "@ROOT@/t/base2" },
	{ "@ROOT@/t/base/./up/../z", "@ROOT@/t/z" },
	{ "/a/b/", "/a/b" },
	{ ".", "@ROOT@/t" },
	{ "..", "@ROOT@" },
	{ "dangle", "@ROOT@/t/missing" },
	{ "../t/../t/base", "@ROOT@/t/base" },
};

static char *
sub(const char *s, const char *root)
{
	return tu_subst_root(s, root);
}

static void
path_tree(const char *root)
{
	char *cmd;

	ck_assert_int_ge(asprintf(&cmd, "cd %s && mkdir -p t/base t/base2 t/d "
	    "&& ln -s ../base2 t/base/up && ln -s %s/t/base t/abs && "
	    "ln -s loop1 t/loop2 && ln -s loop2 t/loop1 && "
	    "ln -s missing t/dangle", root, root), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

START_TEST(test_rwpath)
{
	char *root = tu_mkdtemp(), *real = realpath(root, NULL), *t, *in,
	    *want;
	char out[4096];

	path_tree(real);
	ck_assert_int_ge(asprintf(&t, "%s/t", real), 0);
	ck_assert_int_eq(chdir(t), 0);
	for (int i = 0; i < NELEM(path_cases); i++) {
		in = sub(path_cases[i].in, real);
		want = sub(path_cases[i].want, real);
		ck_assert_int_eq(rwpath_realpath(in, out, sizeof(out)), 0);
		ck_assert_msg(strcmp(out, want) == 0, "realpath('%s') = '%s', "
		    "Python: '%s'", in, out, want);
		free(in);
		free(want);
	}
	ck_assert_int_eq(chdir("/"), 0);
	tu_rmtree(root);
	free(t);
	free(real);
	free(root);
}
END_TEST

/* --- rootwrap.conf ------------------------------------------------------ */

struct conf_case {
	const char *text;
	enum rw_status want;
	const char *msg;	/* RW_BADVALUE: oslo's DETAIL */
};

static const struct conf_case conf_cases[] = {
	{ "[DEFAULT]\nfilters_path=/x\n", RW_OK, NULL },
	{ "[DEFAULT]\nFilters_Path=/x\n", RW_OK, NULL },
	{ "[DEFAULT]\nexec_dirs=/bin\n", RW_BADCONF, NULL },
	{ "filters_path=/x\n", RW_BADCONF, NULL },
	{ "[DEFAULT]\nfilters_path=/x\nfilters_path=/y\n", RW_BADCONF, NULL },
	{ "[DEFAULT]\nfilters_path=/x\nuse_syslog=False  # off\n",
	  RW_BADVALUE, "Not a boolean: False  # off" },
	{ "[DEFAULT]\nfilters_path=/x\nuse_syslog=ON\n", RW_OK, NULL },
	{ "[DEFAULT]\nfilters_path=/x\nsyslog_log_facility=LOCAL0\n",
	  RW_BADVALUE, "Unexpected syslog_log_facility: LOCAL0" },
	{ "[DEFAULT]\nfilters_path=/x\nsyslog_log_facility=local0\n", RW_OK,
	  NULL },
	{ "[DEFAULT]\nfilters_path=/x\nsyslog_log_level=20\n", RW_BADVALUE,
	  "Unexpected syslog_log_level: '20'" },
	{ "[DEFAULT]\nfilters_path=/x\ndaemon_timeout=x\n", RW_BADVALUE,
	  "invalid literal for int() with base 10: 'x'" },
	{ "[DEFAULT]\nfilters_path=/x\nrlimit_nofile=+5_0\n", RW_OK, NULL },
	/* deviation 17: oslo dies silently */
	{ "[DEFAULT]\nfilters_path=/x\nrlimit_nofile=0\n", RW_BADVALUE,
	  "rlimit_nofile must be positive" },
	/* deviation 18 */
	{ "[DEFAULT]\nfilters_path=/x\nsyslog_log_facility=emit\n",
	  RW_BADVALUE, "Unexpected syslog_log_facility: emit" },
	/* deviation 19: Python's int() reads Arabic-Indic digits (1024) */
	{ "[DEFAULT]\nfilters_path=/x\nrlimit_nofile="
	  "\xd9\xa1\xd9\xa0\xd9\xa2\xd9\xa4\n", RW_BADVALUE, NULL },
	{ "[DEFAULT]\nfilters_path=/x\ndaemon_timeout=\xd9\xa1\n",
	  RW_BADVALUE, NULL },
};

START_TEST(test_conf)
{
	const struct conf_case *c = &conf_cases[_i];
	struct rw_opts o = { "/usr/bin:/bin", true };
	struct rw_conf conf;
	struct rg_err e;
	enum rw_status st;

	memset(&e, 0, sizeof(e));
	st = rootwrap_parse_conf(c->text, strlen(c->text), "r.conf", &o,
	    &conf, &e);
	ck_assert_msg(st == c->want, "case %d: %d, want %d (%s)", _i, st,
	    c->want, e.msg);
	if (c->msg != NULL)
		ck_assert_str_eq(e.msg, c->msg);
	rootwrap_conf_free(&conf);
}
END_TEST

START_TEST(test_conf_exec_dirs)
{
	const char *t = "[DEFAULT]\nfilters_path=/a, /b\n";
	struct rw_opts o = { "/usr/bin:/bin", true };
	struct rw_conf conf;
	struct rg_err e;

	ck_assert_int_eq(rootwrap_parse_conf(t, strlen(t), "r", &o, &conf,
	    &e), RW_OK);
	ck_assert_uint_eq(conf.nfilters_path, 2);
	ck_assert_str_eq(conf.filters_path[1], " /b");	/* not stripped */
	ck_assert_uint_eq(conf.nexec_dirs, 2);		/* PATH fallback */
	ck_assert_str_eq(conf.exec_dirs[1], "/bin");
	ck_assert(conf.privsep_helper);
	rootwrap_conf_free(&conf);
	t = "[DEFAULT]\nfilters_path=/a\nexec_dirs=\n"
	    "rootgate_privsep_helper=false\n";
	ck_assert_int_eq(rootwrap_parse_conf(t, strlen(t), "r", &o, &conf,
	    &e), RW_OK);
	ck_assert_uint_eq(conf.nexec_dirs, 1);
	ck_assert_str_eq(conf.exec_dirs[0], "");
	ck_assert(!conf.privsep_helper);
	rootwrap_conf_free(&conf);
}
END_TEST

/* --- decisions ---------------------------------------------------------- */

static const char filters[] =
    "[Filters]\n"
    "rf: ReadFileFilter, /etc/hostname\n"
    "cat: CommandFilter, cat, root\n"
    "tool: CommandFilter, tool, root\n"
    "only2: CommandFilter, only2, root\n"
    "noexec: CommandFilter, noexec, root\n"
    "missing1: CommandFilter, missing_x, root\n"
    "missing2: RegExpFilter, missing_x, root, missing_x\n"
    "re1: RegExpFilter, ls, root, ls, -l|-a\n"
    "re2: RegExpFilter, ls, root, ls, (-d|-1), /tmp/[a-z]+\n"
    "re8: RegExpFilter, ls, root, ls, --color=.+\n"
    "pf: PathFilter, /usr/bin/chmod, root, 0755, @ROOT@/t/base\n"
    "pfpass: PathFilter, chown, root, pass, @ROOT@/t/base\n"
    "kill1: KillFilter, root, /usr/bin/sleep, -9, -TERM\n"
    "kill2: KillFilter, root, sleep\n"
    "ip: IpFilter, ip, root\n"
    "netns: IpNetnsExecFilter, ip, root\n"
    "envf: EnvFilter, env, root, A=, B=, true\n"
    "chre: ChainingRegExpFilter, nice, root, nice, -n, -?\\d+\n"
    "nouser: CommandFilter, true, no_such_user_x\n";

struct dcase {
	const char *argv;	/* words separated by '|'; @ROOT@, %PID%,
				   %DPID% (a process whose file is deleted) */
	int status;		/* decision_exit_status */
	const char *rule;	/* allowed / 96: the rule (filter) named */
	const char *final;	/* allowed: the final argv, '|'-joined */
};

#define UNUSABLE 199	/* 99 with DENY_UNUSABLE: a deliberate deviation */

static const struct dcase dcases[] = {
	/* ReadFileFilter before CommandFilter cat: first match wins */
	{ "cat|/etc/hostname", 0, "rf", "/bin/cat|/etc/hostname" },
	{ "cat|/etc/passwd", 0, "cat", "/usr/bin/cat|/etc/passwd" },
	{ "/usr/bin/cat|x", 99, NULL, NULL },	/* relative exec_path */
	/* exec_dirs order, non-executable skipped */
	{ "tool|a", 0, "tool", "@ROOT@/b1/tool|a" },
	{ "only2", 0, "only2", "@ROOT@/b2/only2" },
	{ "noexec", 0, "noexec", "@ROOT@/b2/noexec" },
	/* missing executables: 96 naming the first */
	{ "missing_x", 96, "missing1", NULL },
	/* RegExpFilter: counts, anchoring (deviation 1) */
	{ "ls|-l", 0, "re1", "/usr/bin/ls|-l" },
	{ "ls|-a", 0, "re1", "/usr/bin/ls|-a" },
	{ "ls|-x", 99, NULL, NULL },
	{ "ls|-lX", UNUSABLE, NULL, NULL },
	{ "ls|-a\n", UNUSABLE, NULL, NULL },
	/* deviation 16: Python matches surrogate escapes, PCRE2 UTF refuses */
	{ "ls|--color=auto", 0, "re8", "/usr/bin/ls|--color=auto" },
	{ "ls|--color=\xff", 99, NULL, NULL },
	{ "ls", 99, NULL, NULL },
	{ "ls|-d|/tmp/abc", 0, "re2", "/usr/bin/ls|-d|/tmp/abc" },
	{ "ls|-d|/tmp/abc\n", UNUSABLE, NULL, NULL },
	{ "ls|-d|/tmp/abc|x", 99, NULL, NULL },
	/* PathFilter: realpath, canonical output, siblings (deviation 3) */
	{ "chmod|0755|@ROOT@/t/base/f", 0, "pf",
	  "/usr/bin/chmod|0755|@ROOT@/t/base/f" },
	{ "chmod|0755|@ROOT@/t/base/./g/../f", 0, "pf",
	  "/usr/bin/chmod|0755|@ROOT@/t/base/f" },
	{ "chmod|0755|@ROOT@/t/abs/f", 0, "pf",
	  "/usr/bin/chmod|0755|@ROOT@/t/base/f" },
	{ "chmod|0755|@ROOT@/t/base/up/x", UNUSABLE, NULL, NULL },
	{ "chmod|0755|@ROOT@/t/base2/x", UNUSABLE, NULL, NULL },
	{ "chmod|0755|@ROOT@/t/base/../d", 99, NULL, NULL },
	{ "chmod|0700|@ROOT@/t/base/f", 99, NULL, NULL },
	{ "chmod|0755", 99, NULL, NULL },
	{ "chmod|0755|@ROOT@/t/base/f|x", 99, NULL, NULL },
	{ "chown|anything|@ROOT@/t/base", 0, "pfpass",
	  "/usr/bin/chown|anything|@ROOT@/t/base" },
	/* KillFilter on a live sleep */
	{ "kill|-9|%PID%", 0, "kill1", "/bin/kill|-9|%PID%" },
	{ "kill|-TERM|%PID%", 0, "kill1", "/bin/kill|-TERM|%PID%" },
	{ "kill|-KILL|%PID%", 99, NULL, NULL },
	{ "kill|%PID%", 0, "kill2", "/bin/kill|%PID%" },
	{ "kill|-9|1", 99, NULL, NULL },
	{ "kill|-9|+%PID%", UNUSABLE, NULL, NULL },	/* deviation 12 */
	/* deviation 11: its executable deleted, the process calls itself
	 * "sleep"; oslo would believe its argv[0] */
	{ "kill|%DPID%", UNUSABLE, NULL, NULL },
	{ "kill|-9|%DPID%", UNUSABLE, NULL, NULL },
	{ "kill|-9|%PID%|x", 99, NULL, NULL },
	{ "/bin/kill|-9|%PID%", 99, NULL, NULL },
	/* IpFilter, IpNetnsExecFilter and chained commands */
	{ "ip|link", 0, "ip", "@ROOT@/b1/ip|link" },
	{ "ip|-s|netns|list", 0, "ip", "@ROOT@/b1/ip|-s|netns|list" },
	{ "ip|netns|exec|ns1|ls|-l", 0, "netns",
	  "@ROOT@/b1/ip|netns|exec|ns1|/usr/bin/ls|-l" },
	{ "ip|net|e|ns1|cat|/x", 0, "netns",
	  "@ROOT@/b1/ip|net|e|ns1|/usr/bin/cat|/x" },
	{ "ip|netns|exec|ns1|ls|-x", 99, NULL, NULL },
	{ "ip|netns|exec|ns1", 99, NULL, NULL },
	{ "ip|netns|exec|ns1|/tmp/ls|-l", UNUSABLE, NULL, NULL },
	{ "ip|netns|exec|ns1|ip|netns|exec|ns2|cat", 99, NULL, NULL },
	/* EnvFilter: orderings, the shared argv */
	{ "env|A=1|B=2|true|x", 0, "envf", "/usr/bin/true|x" },
	{ "env|B=2|A=1|true", 0, "envf", "/usr/bin/true" },
	{ "A=1|B=2|true", 0, "envf", "/usr/bin/true" },
	{ "env|A=1|true", 99, NULL, NULL },
	{ "env|A=1|B=2|C=3|true", 99, NULL, NULL },
	{ "env|A=1|B=2|false", 99, NULL, NULL },
	{ "env", 99, NULL, NULL },			/* deviation 15 */
	/* ChainingRegExpFilter */
	{ "nice|-n|5|cat|x", 0, "chre", "/usr/bin/nice|-n|5|/usr/bin/cat|x" },
	{ "nice|-n|-5|tool", 0, "chre", "/usr/bin/nice|-n|-5|@ROOT@/b1/tool" },
	{ "nice|-n|5", 99, NULL, NULL },
	{ "nice|-n|5|nice|-n|1|cat", 99, NULL, NULL },
	{ "nice|-n|5\n|cat", UNUSABLE, NULL, NULL },
	/* unknown run_as (deviation 13) */
	{ "true", UNUSABLE, NULL, NULL },
	/* the implicit privsep-helper filter (deviation 14) */
	{ "privsep-helper|--config-file|/etc/hostname|--privsep_context|"
	  "os_brick.privileged.default|--privsep_sock_path|/tmp/x/privsep.sock",
	  0, "privsep-helper", NULL },
	{ "privsep-helper|--privsep_context|a.b|--privsep_sock_path|"
	  "/tmp/x/privsep.sock", 0, "privsep-helper", NULL },
	{ "privsep-helper|--config-file|/root/x|--privsep_context|a.b|"
	  "--privsep_sock_path|/tmp/x/privsep.sock", 99, NULL, NULL },
	{ "privsep-helper|--anything", 99, NULL, NULL },
	{ "nice|-n|5|privsep-helper|--privsep_context|a.b|"
	  "--privsep_sock_path|/tmp/x/privsep.sock", 0, "chre", NULL },
	{ "rm|-rf|/", 99, NULL, NULL },
};

static char *droot;
static struct policy *dpol;
static pid_t sleeper;
static pid_t dsleeper;	/* its executable deleted */

static void
mkexec(const char *rel, mode_t mode)
{
	char *p;
	FILE *fp;

	ck_assert_int_ge(asprintf(&p, "%s/%s", droot, rel), 0);
	ck_assert_ptr_nonnull(fp = fopen(p, "w"));
	fputs("#!/bin/sh\nexit 0\n", fp);
	fclose(fp);
	ck_assert_int_eq(chmod(p, mode), 0);
	free(p);
}

static struct policy *
load_text(const char *text, const char *exec_dirs, struct rg_errlist *errs)
{
	struct rw_opts o = { "/usr/bin:/bin", true };
	struct rw_conf conf;
	struct policy *p;
	struct rg_err e;
	char *c, *t;

	ck_assert_int_ge(asprintf(&c, "[DEFAULT]\nfilters_path=/nonexistent\n"
	    "exec_dirs=%s\n", exec_dirs), 0);
	ck_assert_int_eq(rootwrap_parse_conf(c, strlen(c), "r.conf", &o,
	    &conf, &e), RW_OK);
	t = sub(text, droot != NULL ? droot : "/nonexistent");
	ck_assert_ptr_nonnull(p = policy_new());
	if (rootwrap_parse_filters(p, t, strlen(t), "t.filters", &conf, &o,
	    errs) < 0 || rootwrap_add_privsep(p, &conf, errs) < 0 ||
	    policy_finish(p, errs) < 0) {
		policy_free(p);
		p = NULL;
	} else
		p->linear = true;
	rootwrap_conf_free(&conf);
	free(c);
	free(t);
	return p;
}

/* Start a copy of sleep as "sleep" and delete the copy: the process's
 * /proc/PID/exe then names a deleted file. */
static pid_t
start_deleted_sleeper(void)
{
	char *copy, ch;
	int pfd[2];
	pid_t pid;

	ck_assert_int_ge(asprintf(&copy, "%s/b2/gone-sleep", droot), 0);
	{
		char *cmd;

		ck_assert_int_ge(asprintf(&cmd, "cp /bin/sleep %s", copy), 0);
		ck_assert_int_eq(system(cmd), 0);
		free(cmd);
	}
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	if ((pid = fork()) == 0) {
		execl(copy, "sleep", "60", (char *)NULL);
		_exit(127);
	}
	ck_assert_int_gt(pid, 0);
	close(pfd[1]);
	while (read(pfd[0], &ch, 1) > 0)
		;
	close(pfd[0]);
	ck_assert_int_eq(unlink(copy), 0);
	free(copy);
	return pid;
}

static void
dsetup(void)
{
	struct rg_errlist errs = { 0 };
	char *root = tu_mkdtemp(), *dirs, ch;
	int pfd[2];

	droot = realpath(root, NULL);
	free(root);
	path_tree(droot);
	ck_assert_int_ge(asprintf(&dirs, "mkdir -p %s/b1 %s/b2 && "
	    "touch %s/t/base/f", droot, droot, droot), 0);
	ck_assert_int_eq(system(dirs), 0);
	free(dirs);
	mkexec("b1/tool", 0755);
	mkexec("b2/tool", 0755);
	mkexec("b2/only2", 0755);
	mkexec("b1/noexec", 0644);
	mkexec("b2/noexec", 0755);
	mkexec("b1/ip", 0755);
	mkexec("b1/privsep-helper", 0755);
	ck_assert_int_ge(asprintf(&dirs, "%s/b1,%s/b2,/usr/bin,/bin", droot,
	    droot), 0);
	dpol = load_text(filters, dirs, &errs);
	free(dirs);
	if (dpol == NULL) {
		char buf[512];

		rg_err_format(&errs.v[0], buf, sizeof(buf));
		ck_abort_msg("load: %s", buf);
	}
	rg_errlist_free(&errs);
	/* EOF on a close-on-exec pipe: the sleep has been exec'd */
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	if ((sleeper = fork()) == 0) {
		execl("/bin/sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	ck_assert_int_gt(sleeper, 0);
	close(pfd[1]);
	while (read(pfd[0], &ch, 1) > 0)
		;
	close(pfd[0]);
	dsleeper = start_deleted_sleeper();
}

static void
dteardown(void)
{
	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
	kill(dsleeper, SIGKILL);
	waitpid(dsleeper, NULL, 0);
	policy_free(dpol);
	tu_rmtree(droot);
	free(droot);
}

static char *
expand(const char *s)
{
	char *a = sub(s, droot), *p, *out, pid[32], dpid[32];

	snprintf(pid, sizeof(pid), "%d", (int)sleeper);
	snprintf(dpid, sizeof(dpid), "%d", (int)dsleeper);
	while ((p = strstr(a, "%DPID%")) != NULL) {
		ck_assert_int_ge(asprintf(&out, "%.*s%s%s", (int)(p - a), a,
		    dpid, p + 6), 0);
		free(a);
		a = out;
	}
	while ((p = strstr(a, "%PID%")) != NULL) {
		ck_assert_int_ge(asprintf(&out, "%.*s%s%s", (int)(p - a), a,
		    pid, p + 5), 0);
		free(a);
		a = out;
	}
	return a;
}

static size_t
split_words(char *s, char **v, size_t max)
{
	size_t n = 0;

	for (char *w = strsep(&s, "|"); w != NULL && n < max;
	    w = strsep(&s, "|"))
		v[n++] = w;
	v[n] = NULL;
	return n;
}

START_TEST(test_decision)
{
	const struct dcase *c = &dcases[_i];
	struct caller root = { 0, 0, "root", NULL, 0 };
	char *a = expand(c->argv), *v[32], got[2048] = "";
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	struct decision d;
	size_t n = split_words(a, v, 31);
	int st;

	ck_assert_int_eq(match_argv(dpol, &root, v, n, envp, &d), 0);
	st = decision_exit_status(&d);
	if (d.code == DENY_UNUSABLE)
		st = UNUSABLE;
	ck_assert_msg(st == c->status, "case %d '%s': status %d, want %d (%s)",
	    _i, c->argv, st, c->status, d.reason);
	if (st == 0 && c->rule != NULL)
		ck_assert_str_eq(d.rule->name, c->rule);
	if (st == 96)
		ck_assert_str_eq(d.inactive->name, c->rule);
	if (st == 0 && c->final != NULL) {
		char *want = expand(c->final);

		for (size_t i = 0; i < d.argc; i++) {
			if (i > 0)
				strlcat(got, "|", sizeof(got));
			strlcat(got, d.argv[i], sizeof(got));
		}
		ck_assert_msg(strcmp(got, want) == 0, "case %d: final '%s', "
		    "want '%s'", _i, got, want);
		free(want);
	}
	decision_clear(&d);
	free(a);
}
END_TEST

START_TEST(test_env_and_off)
{
	struct caller root = { 0, 0, "root", NULL, 0 };
	char *envp[] = { "PATH=/usr/bin:/bin", "A=old", "KEEP=1", NULL };
	char *v1[] = { "env", "B=2", "A=1", "true", NULL };
	char *v2[] = { "env", "A=1", "tool", NULL };
	char *v3[] = { "env", "A=", "B=2", "true", NULL };
	struct decision d;

	ck_assert_int_eq(match_argv(dpol, &root, v1, 4, envp, &d), 0);
	ck_assert(d.allowed);
	ck_assert_int_ge(strv_find(d.envp, d.envc, "A=1"), 0);
	ck_assert_int_ge(strv_find(d.envp, d.envc, "B=2"), 0);
	ck_assert_int_ge(strv_find(d.envp, d.envc, "KEEP=1"), 0);
	ck_assert_int_lt(strv_find(d.envp, d.envc, "A=old"), 0);
	decision_clear(&d);
	/* the Unauthorized message prints argv without the env word */
	ck_assert_int_eq(match_argv(dpol, &root, v2, 3, envp, &d), 0);
	ck_assert(!d.allowed);
	ck_assert_uint_eq(d.argv_off, 1);
	decision_clear(&d);
	/* an empty value sets nothing: the inherited A stays */
	ck_assert_int_eq(match_argv(dpol, &root, v3, 4, envp, &d), 0);
	ck_assert(d.allowed);
	ck_assert_int_ge(strv_find(d.envp, d.envc, "A=old"), 0);
	decision_clear(&d);
}
END_TEST

/*
 * deviation 20: an empty exec_dirs entry finds a bare executable in the
 * cwd at load; oslo would hand the bare name to the child's PATH, so the
 * file checked and the file run could differ. rootgate runs what it
 * checked, by its absolute path.
 */
START_TEST(test_empty_exec_dir)
{
	struct caller root = { 0, 0, "root", NULL, 0 };
	char *v[] = { "only2", NULL };
	struct rg_errlist errs = { 0 };
	struct policy *p;
	struct decision d;
	char *dir, *want, *cwd = getcwd(NULL, 0);

	ck_assert_ptr_nonnull(cwd);
	ck_assert_int_ge(asprintf(&dir, "%s/b2", droot), 0);
	ck_assert_int_ge(asprintf(&want, "%s/only2", dir), 0);
	ck_assert_int_eq(chdir(dir), 0);
	p = load_text("[Filters]\nonly2: CommandFilter, only2, root\n", "",
	    &errs);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(match_argv(p, &root, v, 1, NULL, &d), 0);
	ck_assert(d.allowed);
	ck_assert_str_eq(d.rule->exec_real, want);	/* absolute, checked */
	decision_clear(&d);
	policy_free(p);
	rg_errlist_free(&errs);
	ck_assert_int_eq(chdir(cwd), 0);
	free(cwd);
	free(dir);
	free(want);
}
END_TEST

/* deviation 10: a ChainingRegExpFilter without patterns */
START_TEST(test_chain_zero_patterns)
{
	static const char text[] = "[Filters]\n"
	    "cat: CommandFilter, cat, root\n"
	    "chre0: ChainingRegExpFilter, ionice, root\n";
	struct caller root = { 0, 0, "root", NULL, 0 };
	char *v1[] = { "cat", "x", NULL }, *v2[] = { "/usr/bin/cat", "x", NULL };
	char *v3[] = { "ionice", "x", NULL };
	struct rg_errlist errs = { 0 };
	struct policy *p = load_text(text, "/usr/bin", &errs);
	struct decision d;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(match_argv(p, &root, v1, 2, NULL, &d), 0);
	ck_assert(d.allowed);
	ck_assert_str_eq(d.rule->name, "cat");
	decision_clear(&d);
	/* oslo: runs "ionice x" */
	ck_assert_int_eq(match_argv(p, &root, v2, 2, NULL, &d), 0);
	ck_assert_int_eq(d.code, DENY_UNUSABLE);
	decision_clear(&d);
	ck_assert_int_eq(match_argv(p, &root, v3, 2, NULL, &d), 0);
	ck_assert_int_eq(d.code, DENY_ARGS);
	decision_clear(&d);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

/* --- load errors (deviations 4, 5, 7) --------------------------------- */

static const char *const bad_filters[] = {
	"[Filters]\na: CommandFilter, cat, root\na: CommandFilter, ls, root\n",
	"[DEFAULT]\na: CommandFilter, cat, root\n[Filters]\n"
	"a: CommandFilter, ls, root\n",
	"[Filters]\na: NoSuchFilter, cat, root\n",
	"[Filters]\na: DnsmasqFilter, cat, root\n",
	"[Filters]\na: os, cat, root\n",
	"[Filters]\na: CommandFilter, cat\n",
	"[Filters]\na: KillFilter\n",
	"[Filters]\na:\n",
	"",
	"[filters]\na: CommandFilter, cat, root\n",
	"a: CommandFilter, cat, root\n",
	"[Filters]\na CommandFilter\n",
	"\xef\xbb\xbf[Filters]\na: CommandFilter, cat, root\n",
	"[Filters]\na: CommandFilter, \xff, root\n",
};

START_TEST(test_bad_filters)
{
	struct rg_errlist errs = { 0 };
	struct policy *p = load_text(bad_filters[_i], "/usr/bin", &errs);

	ck_assert_msg(p == NULL, "case %d loaded", _i);
	ck_assert_uint_gt(rg_errlist_nerrors(&errs), 0);
	ck_assert_str_eq(errs.v[0].file, "t.filters");
	rg_errlist_free(&errs);
}
END_TEST

START_TEST(test_good_filters)
{
	/* never-matching filters load (and add no rule) */
	static const char *const good[] = {
		"[Filters]\na: ChainingFilter, cat, root\n",
		"[Filters]\na: RegExpFilter, cat, root\n",
		"[Filters]\na: PathFilter, cat, root\n",
		"[Filters]\na: IpNetnsExecFilter, ip, nobody\n",
		"[Filters]\na: EnvFilter, env, root, true\n",
		"[Filters]\n",
		"[Filters]\na: RegExpFilter, cat, root, a{1,3}\n",
		"[Filters]\na: RegExpFilter, cat, root, (unbalanced\n",
	};

	for (int i = 0; i < NELEM(good); i++) {
		struct rg_errlist errs = { 0 };
		struct policy *p = load_text(good[i], "/usr/bin", &errs);

		ck_assert_msg(p != NULL, "case %d: %s", i, errs.n ?
		    errs.v[0].msg : "");
		policy_free(p);
		rg_errlist_free(&errs);
	}
}
END_TEST

/* --- [rootgate]: the native sandbox for selected filters -------------- */

static const char rg_filters[] = "[Filters]\n"
    "cat: CommandFilter, cat, root\n"
    "ls: CommandFilter, ls, root\n"
    "sh: CommandFilter, sh, root\n";

/* Load rg_filters with a rootwrap.conf ending in `section`. */
static struct policy *
load_rg(const char *section, struct rg_errlist *errs)
{
	struct rw_opts o = { "/usr/bin:/bin", true };
	struct rw_conf conf;
	struct policy *p;
	struct rg_err e;
	char *c;

	ck_assert_int_ge(asprintf(&c, "[DEFAULT]\nfilters_path=/nonexistent\n"
	    "exec_dirs=/usr/bin,/bin\n%s", section), 0);
	ck_assert_int_eq(rootwrap_parse_conf(c, strlen(c), "r.conf", &o,
	    &conf, &e), RW_OK);
	ck_assert_ptr_nonnull(p = policy_new());
	if (rootwrap_parse_filters(p, rg_filters, strlen(rg_filters),
	    "t.filters", &conf, &o, errs) < 0 || rootwrap_add_privsep(p,
	    &conf, errs) < 0 || rootwrap_apply_rootgate(p, &conf, errs) < 0) {
		policy_free(p);
		p = NULL;
	}
	rootwrap_conf_free(&conf);
	free(c);
	return p;
}

static const struct rule *
rg_rule(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (strcmp(p->rules[i].name, name) == 0)
			return &p->rules[i];
	ck_abort_msg("no rule %s", name);
	return NULL;
}

/* Without the section (and for filters it does not select): the
 * compatibility profile. */
START_TEST(test_rootgate_default)
{
	struct rg_errlist errs = { 0 };
	struct policy *p = load_rg("", &errs);
	const struct rule *r;

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < p->nrules; i++) {
		r = &p->rules[i];
		ck_assert(!r->sbx.enabled);
		ck_assert(r->sbx.keep_descendants);
		ck_assert(r->env_passthrough);
		ck_assert_ptr_null(r->sbx.cwd);
	}
	policy_free(p);
	p = load_rg("[rootgate]\nsandbox.cat = on\n", &errs);
	ck_assert_ptr_nonnull(p);
	r = rg_rule(p, "ls");
	ck_assert(!r->sbx.enabled && r->sbx.keep_descendants);
	r = rg_rule(p, "cat");
	ck_assert(r->sbx.enabled && !r->sbx.keep_descendants);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

/* Global keys for every selected filter; KEY.NAME replaces KEY. */
START_TEST(test_rootgate_keys)
{
	static const char sec[] = "[rootgate]\n"
	    "sandbox = on\n"
	    "sandbox.sh = off\n"
	    "timeout = 30s\n"
	    "rlimit-as = 2G\n"
	    "capabilities = CAP_SYS_ADMIN\n"
	    "env = scrub\n"
	    "timeout.ls = 5s\n"
	    "namespaces.ls = mount pid\n"
	    "env.ls = inherit\n";
	struct rg_errlist errs = { 0 };
	struct policy *p = load_rg(sec, &errs);
	const struct rule *r;

	ck_assert_msg(p != NULL, "%s", errs.n ? errs.v[0].msg : "");
	r = rg_rule(p, "cat");
	ck_assert(r->sbx.enabled);
	ck_assert_uint_eq(r->sbx.timeout_ms, 30000);
	ck_assert(r->sbx.rl[SBX_RL_AS].set);
	ck_assert_uint_eq(r->sbx.rl[SBX_RL_AS].value, 2ULL << 30);
	ck_assert_uint_eq(r->sbx.caps, 1ULL << 21);
	ck_assert_uint_eq(r->sbx.ns, SBX_NS_DEFAULT);
	ck_assert(!r->env_passthrough);
	ck_assert_str_eq(r->sbx.cwd, "/");
	ck_assert_int_eq(r->sbx.seccomp, SBX_SECCOMP_DEFAULT);
	r = rg_rule(p, "ls");
	ck_assert_uint_eq(r->sbx.timeout_ms, 5000);
	ck_assert_uint_eq(r->sbx.ns, SBX_NS_MOUNT | SBX_NS_PID);
	ck_assert(r->env_passthrough);
	r = rg_rule(p, "sh");
	ck_assert(!r->sbx.enabled && r->sbx.keep_descendants);
	/* sandbox = on never selects the implicit privsep-helper */
	r = rg_rule(p, "privsep-helper");
	ck_assert(!r->sbx.enabled && r->sbx.keep_descendants);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

static const struct { const char *sec, *err; } rg_bad[] = {
	{ "sandbox.nope = on\n", "sandbox.nope: no filter named 'nope'" },
	{ "sandbox = maybe\n", "sandbox: expected on or off, not 'maybe'" },
	{ "sandbox.privsep-helper = on\n", "sandbox.privsep-helper: "
	  "privsep-helper cannot run in the sandbox: the daemon it starts "
	  "must outlive it" },
	{ "sandbox = on\nenv = clean\n",
	  "env: expected scrub or inherit, not 'clean'" },
	{ "sandbox = on\nexec = /bin/sh\n", "'exec' is not a sandbox key" },
	{ "sandbox = on\nsandboxx = on\n", "'sandboxx' is not a sandbox key" },
	{ "sandbox = on\ntimeout = soon\n", "timeout: expected a duration "
	  "such as 30s, 500ms, 5m, not 'soon'" },
	{ "rlimit-as = 2G\n", "rlimit-as: applies to no filter in the "
	  "sandbox (sandbox = on, or sandbox.NAME = on)" },
	{ "sandbox.cat = on\ntimeout.ls = 1s\n", "timeout.ls: applies to no "
	  "filter in the sandbox (sandbox = on, or sandbox.NAME = on)" },
	{ "sandbox = on\nnamespaces = pid\nprivate-tmp = yes\n",
	  "private-tmp: needs the mount namespace (namespaces = mount ...)" },
};

START_TEST(test_rootgate_bad)
{
	struct rg_errlist errs = { 0 };
	struct policy *p;
	char *sec;

	ck_assert_int_ge(asprintf(&sec, "[rootgate]\n%s", rg_bad[_i].sec), 0);
	p = load_rg(sec, &errs);
	ck_assert_msg(p == NULL, "case %d loaded", _i);
	/* each error once, even for a key applied to three filters */
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_str_eq(errs.v[0].file, "r.conf");
	ck_assert_str_eq(errs.v[0].msg, rg_bad[_i].err);
	rg_errlist_free(&errs);
	free(sec);
}
END_TEST

Suite *
suite_rootwrap(void)
{
	Suite *s = suite_create("rootwrap");
	TCase *tc = tcase_create("parse");
	TCase *td = tcase_create("decide");

	tcase_add_loop_test(tc, test_rwini, 0, NELEM(ini_cases));
	tcase_add_test(tc, test_rwini_no_filters_section);
	tcase_add_test(tc, test_rwpath);
	tcase_add_loop_test(tc, test_conf, 0, NELEM(conf_cases));
	tcase_add_test(tc, test_conf_exec_dirs);
	tcase_add_loop_test(tc, test_bad_filters, 0, NELEM(bad_filters));
	tcase_add_test(tc, test_good_filters);
	tcase_add_test(tc, test_chain_zero_patterns);
	tcase_add_test(tc, test_rootgate_default);
	tcase_add_test(tc, test_rootgate_keys);
	tcase_add_loop_test(tc, test_rootgate_bad, 0, NELEM(rg_bad));
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(td, dsetup, dteardown);
	tcase_add_loop_test(td, test_decision, 0, NELEM(dcases));
	tcase_add_test(td, test_env_and_off);
	tcase_add_test(td, test_empty_exec_dir);
	suite_add_tcase(s, td);
	return s;
}
