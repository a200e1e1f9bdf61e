/* SPDX-License-Identifier: ISC */
/*
 * test_conf_more.c - the configuration loaders of conf.c on real files:
 * rootgate.conf's keys (rootgated's settings) and their refusals,
 * filters.d read in byte order of name (only *.conf, never dot files),
 * files and directories named by the auditor, and the file-safety
 * refusals. Needs root: the files must be root's (filesafe.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "filesafe.h"
#include "policy.h"
#include "suites.h"
#include "testutil.h"

static const char *const rule_true =
    "[t]\nexec = /usr/bin/true\nargs =\n";

static void
put(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* A configuration directory: TOP with filters.d/, mode 0755. */
static char *
confdir(char *filters, size_t len)
{
	char *top = tu_mkdtemp();

	ck_assert_int_eq(chmod(top, 0755), 0);
	snprintf(filters, len, "%s/filters.d", top);
	ck_assert_int_eq(mkdir(filters, 0755), 0);
	return top;
}

/* every message of errs, "FILE-BASENAME:LINE: MSG;" each */
static void
messages(const struct rg_errlist *errs, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < errs->n; i++) {
		const char *f = strrchr(errs->v[i].file, '/');
		char line[RG_ERR_FILELEN + RG_ERR_MSGLEN + 16];

		snprintf(line, sizeof(line), "%s:%u: %s;",
		    f != NULL ? f + 1 : errs->v[i].file, errs->v[i].line,
		    errs->v[i].msg);
		strlcat(buf, line, len);
	}
}

START_TEST(test_confdir_all_keys)
{
	struct rg_errlist errs = { 0 };
	char fd[4096];
	char *top;
	struct policy *p;

	TU_NEED_ROOT();
	top = confdir(fd, sizeof(fd));
	put(top, "rootgate.conf", "[rootgate]\naudit-log = /var/log/a.jsonl\n"
	    "syslog = no\nsocket = /run/x.sock\nsocket-group = nova\n"
	    "socket-mode = 0600\nmax-children = 10\n"
	    "max-children-per-caller = 3\nmax-connections-per-caller = 4\n"
	    "idle-timeout = 90s\nrequest-timeout = 250ms\n"
	    "shutdown-timeout = 7\nprepared-inits = no\n", 0644);
	put(fd, "b.conf", "[b]\nexec = /usr/bin/true\nargs = b\n", 0644);
	put(fd, "a.conf", "[a]\nexec = /usr/bin/true\nargs = a\n", 0644);
	/* neither read: not *.conf, a dot file, and a bare ".conf" */
	put(fd, "c.txt", "garbage\n", 0644);
	put(fd, ".d.conf", "garbage\n", 0644);
	put(fd, ".conf", "garbage\n", 0644);
	p = policy_load_confdir(top, NULL, &errs);
	ck_assert_msg(p != NULL, "%s", errs.n ? errs.v[0].msg : "?");
	ck_assert_uint_eq(rg_errlist_nerrors(&errs), 0);
	ck_assert_str_eq(p->confdir, top);
	ck_assert_str_eq(p->audit_log, "/var/log/a.jsonl");
	ck_assert(!p->use_syslog);
	ck_assert_str_eq(p->broker.socket, "/run/x.sock");
	ck_assert_str_eq(p->broker.socket_group, "nova");
	ck_assert_uint_eq(p->broker.socket_mode, 0600);
	ck_assert_uint_eq(p->broker.max_children, 10);
	ck_assert_uint_eq(p->broker.max_per_caller, 3);
	ck_assert_uint_eq(p->broker.max_conns_per_caller, 4);
	ck_assert_uint_eq(p->broker.idle_timeout_ms, 90000);
	ck_assert_uint_eq(p->broker.request_timeout_ms, 250);
	ck_assert_uint_eq(p->broker.shutdown_timeout_ms, 7000);
	ck_assert(p->broker.no_prepared);
	ck_assert_uint_eq(p->nrules, 2);
	ck_assert_str_eq(p->rules[0].name, "a");	/* byte order */
	ck_assert_str_eq(p->rules[1].name, "b");
	policy_free(p);
	rg_errlist_free(&errs);
	tu_rmtree(top);
	free(top);
}
END_TEST

/* Each bad value is one error with the file, the line and what was
 * expected; the whole load fails. */
START_TEST(test_conf_bad_values)
{
	struct rg_errlist errs = { 0 };
	char fd[4096], got[16384];
	char *top;

	TU_NEED_ROOT();
	top = confdir(fd, sizeof(fd));
	put(top, "rootgate.conf", "[rootgate]\n"
	    "audit-log = relative.jsonl\n"		/* 2 */
	    "audit-log = /a\naudit-log = /b\n"		/* 4: duplicate */
	    "syslog = maybe\n"				/* 5 */
	    "socket = run/x.sock\n"			/* 6 */
	    "socket-group =\n"				/* 7 */
	    "socket-mode = 660\n"			/* 8 */
	    "socket-mode = 0999\n"			/* 9 */
	    "socket-mode = 0000\n"			/* 10 */
	    "max-children = 0\n"			/* 11 */
	    "max-children-per-caller = 70000\n"		/* 12 */
	    "max-connections-per-caller = x\n"		/* 13 */
	    "idle-timeout = 5m\n"			/* 14 */
	    "request-timeout = 0ms\n"			/* 15 */
	    "shutdown-timeout = 86401s\n"		/* 16 */
	    "idle-timeout = ms\n"			/* 17 */
	    "request-timeout = 12345678901234567s\n"	/* 18 */
	    "colour = blue\n"				/* 19 */
	    "syslog = yes\n"				/* 20: fine */
	    "prepared-inits = maybe\n"			/* 21 */
	    "[other]\nk = v\n", 0644);			/* 23 */
	put(fd, "a.conf", rule_true, 0644);
	ck_assert_ptr_null(policy_load_confdir(top, NULL, &errs));
	messages(&errs, got, sizeof(got));
	ck_assert_uint_eq(rg_errlist_nerrors(&errs), 19);
	ck_assert_msg(strstr(got, "rootgate.conf:2: audit-log: an absolute "
	    "path is required;") != NULL, "%s", got);
	ck_assert_msg(strstr(got, "rootgate.conf:4: duplicate key "
	    "'audit-log';") != NULL, "%s", got);
	ck_assert_msg(strstr(got, "rootgate.conf:5: syslog: expected yes or "
	    "no, not 'maybe';") != NULL, "%s", got);
	ck_assert_msg(strstr(got, "rootgate.conf:6: socket: expected an "
	    "absolute path under 108 bytes, not 'run/x.sock';") != NULL, "%s",
	    got);
	ck_assert_msg(strstr(got, ":7: socket-group: expected a group name")
	    != NULL, "%s", got);
	ck_assert_msg(strstr(got, ":8: socket-mode: expected an octal mode "
	    "such as 0660, not '660';") != NULL, "%s", got);
	ck_assert_msg(strstr(got, ":9: socket-mode") != NULL, "%s", got);
	ck_assert_msg(strstr(got, ":10: socket-mode") != NULL, "%s", got);
	ck_assert_msg(strstr(got, ":11: max-children: expected a number in "
	    "1..65536, not '0';") != NULL, "%s", got);
	ck_assert_msg(strstr(got, ":12: max-children-per-caller") != NULL,
	    "%s", got);
	ck_assert_msg(strstr(got, ":13: max-connections-per-caller") != NULL,
	    "%s", got);
	ck_assert_msg(strstr(got, ":14: idle-timeout: expected a duration "
	    "such as 60s, not '5m';") != NULL, "%s", got);
	ck_assert_msg(strstr(got, ":15: request-timeout: expected a duration "
	    "such as 5s or 500ms, not '0ms';") != NULL, "%s", got);
	ck_assert_msg(strstr(got, ":16: shutdown-timeout: expected a duration "
	    "such as 10s, not '86401s';") != NULL, "%s", got);
	ck_assert_msg(strstr(got, ":17: idle-timeout") != NULL, "%s", got);
	ck_assert_msg(strstr(got, ":18: request-timeout") != NULL, "%s", got);
	ck_assert_msg(strstr(got, ":19: unknown key 'colour';") != NULL, "%s",
	    got);
	ck_assert_msg(strstr(got, ":21: prepared-inits: expected yes or no, "
	    "not 'maybe';") != NULL, "%s", got);
	ck_assert_msg(strstr(got, ":23: unknown section 'other' (expected "
	    "[rootgate]);") != NULL, "%s", got);
	rg_errlist_free(&errs);
	tu_rmtree(top);
	free(top);
}
END_TEST

/* What may not be trusted is not read: a group-writable rootgate.conf,
 * a configuration directory others may write, no filters.d. */
START_TEST(test_confdir_refusals)
{
	struct rg_errlist errs = { 0 };
	char fd[4096], got[8192], path[4096];
	char *top;

	TU_NEED_ROOT();
	top = confdir(fd, sizeof(fd));
	put(top, "rootgate.conf", "[rootgate]\nsyslog = yes\n", 0664);
	put(fd, "a.conf", rule_true, 0644);
	ck_assert_ptr_null(policy_load_confdir(top, NULL, &errs));
	messages(&errs, got, sizeof(got));
	ck_assert_uint_eq(rg_errlist_nerrors(&errs), 1);
	ck_assert_msg(strstr(got, "rootgate.conf:0: ") != NULL &&
	    strstr(got, "writable by its group") != NULL, "%s", got);
	rg_errlist_free(&errs);
	memset(&errs, 0, sizeof(errs));

	/* the directory itself: world-writable, not sticky */
	snprintf(path, sizeof(path), "%s/rootgate.conf", top);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(chmod(top, 0777), 0);
	ck_assert_ptr_null(policy_load_confdir(top, NULL, &errs));
	messages(&errs, got, sizeof(got));
	ck_assert_msg(strstr(got, "writable by others") != NULL, "%s", got);
	rg_errlist_free(&errs);
	memset(&errs, 0, sizeof(errs));
	ck_assert_int_eq(chmod(top, 0755), 0);

	/* filters.d missing */
	tu_rmtree(fd);
	ck_assert_ptr_null(policy_load_confdir(top, NULL, &errs));
	messages(&errs, got, sizeof(got));
	ck_assert_msg(strstr(got, "filters.d:0: unable to open directory: "
	    "No such file or directory;") != NULL, "%s", got);
	rg_errlist_free(&errs);
	tu_rmtree(top);
	free(top);
}
END_TEST

/* filesafe.c invariant 4: within one load a directory that passed is
 * not walked again, nor are its ancestors from a chain below it; each
 * directory below the remembered one still is; nothing is remembered
 * past the load. */
START_TEST(test_filesafe_memo_scope)
{
	struct rg_err e;
	char fd[4096], sub[4200];
	char *top;

	TU_NEED_ROOT();
	top = confdir(fd, sizeof(fd));
	snprintf(sub, sizeof(sub), "%s/sub", fd);
	ck_assert_int_eq(mkdir(sub, 0777), 0);
	ck_assert_int_eq(chmod(sub, 0777), 0);
	filesafe_memo_begin();
	ck_assert_int_eq(filesafe_check_dir(top, &e), 0);
	ck_assert_int_eq(chmod(top, 0777), 0);
	ck_assert_int_eq(filesafe_check_dir(top, &e), 0);	/* remembered */
	/* fd is walked, and its walk stops at top, remembered */
	ck_assert_int_eq(filesafe_check_dir(fd, &e), 0);
	/* below the remembered directories, each one is examined */
	ck_assert_int_eq(filesafe_check_dir(sub, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "writable by others"));
	ck_assert_ptr_nonnull(strstr(e.file, "/sub"));
	ck_assert_int_eq(chmod(sub, 0755), 0);
	ck_assert_int_eq(filesafe_check_dir(sub, &e), 0);
	filesafe_memo_end();
	/* a new load walks fd's whole chain again, top included */
	ck_assert_int_eq(filesafe_check_dir(fd, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "writable by others"));
	ck_assert_int_eq(filesafe_check_dir(top, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "writable by others"));
	/* outside a load nothing is remembered */
	ck_assert_int_eq(chmod(top, 0755), 0);
	ck_assert_int_eq(filesafe_check_dir(top, &e), 0);
	ck_assert_int_eq(chmod(top, 0777), 0);
	ck_assert_int_eq(filesafe_check_dir(top, &e), -1);
	ck_assert_int_eq(chmod(top, 0755), 0);
	tu_rmtree(top);
	free(top);
}
END_TEST

/* rootgate check PATH...: files and directories, every error of every
 * one; a missing path is an error, not a skip. */
START_TEST(test_load_paths)
{
	struct rg_errlist errs = { 0 };
	char fd[4096], f1[4096], miss[4096], bad[4096], got[8192];
	const char *paths[3];
	struct policy *p;
	char *top;

	TU_NEED_ROOT();
	top = confdir(fd, sizeof(fd));
	put(fd, "z.conf", "[z]\nexec = /usr/bin/true\nargs = z\n", 0644);
	put(fd, "y.conf", "[y]\nexec = /usr/bin/true\nargs = y\n", 0644);
	put(top, "one.conf", "[one]\nexec = /usr/bin/true\nargs = 1\n",
	    0644);
	snprintf(f1, sizeof(f1), "%s/one.conf", top);
	paths[0] = f1;
	paths[1] = fd;
	p = policy_load_paths(paths, 2, NULL, &errs);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->nrules, 3);
	ck_assert_str_eq(p->rules[0].name, "one");
	ck_assert_str_eq(p->rules[1].name, "y");
	ck_assert_str_eq(p->rules[2].name, "z");
	policy_free(p);

	snprintf(miss, sizeof(miss), "%s/missing.conf", top);
	put(top, "bad.conf", "[bad]\nexec = /usr/bin/true\n", 0644);
	snprintf(bad, sizeof(bad), "%s/bad.conf", top);
	paths[0] = miss;
	paths[1] = bad;
	paths[2] = f1;
	ck_assert_ptr_null(policy_load_paths(paths, 3, NULL, &errs));
	messages(&errs, got, sizeof(got));
	ck_assert_msg(strstr(got, "missing.conf:0: unable to open: No such "
	    "file or directory;") != NULL, "%s", got);
	ck_assert_msg(strstr(got, "bad.conf:") != NULL, "%s", got);
	rg_errlist_free(&errs);
	memset(&errs, 0, sizeof(errs));

	/* without the file-safety checks (the parser's own tests): a
	 * missing file says so with its errno */
	{
		struct policy_opts o = { .skip_file_safety = true };

		paths[0] = miss;
		ck_assert_ptr_null(policy_load_paths(paths, 1, &o, &errs));
		messages(&errs, got, sizeof(got));
		ck_assert_msg(strstr(got, "missing.conf:0: unable to open")
		    != NULL, "%s", got);
		rg_errlist_free(&errs);
		memset(&errs, 0, sizeof(errs));
		paths[0] = fd;
		p = policy_load_paths(paths, 1, &o, &errs);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq(p->nrules, 2);
		policy_free(p);
	}
	rg_errlist_free(&errs);
	tu_rmtree(top);
	free(top);
}
END_TEST

Suite *
suite_conf_more(void)
{
	Suite *s = suite_create("conf_more");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, test_confdir_all_keys);
	tcase_add_test(tc, test_conf_bad_values);
	tcase_add_test(tc, test_confdir_refusals);
	tcase_add_test(tc, test_filesafe_memo_scope);
	tcase_add_test(tc, test_load_paths);
	suite_add_tcase(s, tc);
	return s;
}
