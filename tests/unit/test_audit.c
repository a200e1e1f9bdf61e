/* SPDX-License-Identifier: ISC */
/*
 * test_audit.c - the root-equivalence knowledge base (its loader and the
 * shipped data/rootequiv.conf) and the audit checks of rootequiv.c over
 * native and translated rootwrap rules.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "lint.h"
#include "policy.h"
#include "rootequiv.h"
#include "rootwrap.h"
#include "suites.h"
#include "testutil.h"

#define SHIPPED_KB "../../data/rootequiv.conf"

static struct kb *
kb_text(const char *text, struct rg_errlist *errs)
{
	FILE *fp = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	struct kb *kb;

	ck_assert_ptr_nonnull(fp);
	kb = kb_parse(fp, "kb.conf", errs);
	fclose(fp);
	return kb;
}

static bool
has_err(const struct rg_errlist *l, unsigned line, const char *needle)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].line == line && strstr(l->v[i].msg, needle) != NULL)
			return true;
	return false;
}

START_TEST(test_kb_parse)
{
	static const char text[] =
	    "# comment\n"
	    "[tee]\n"
	    "kind = file-write\n"
	    "why = writes any\n"
	    "  file\n"
	    "suggest = path\n"
	    "[python*]\n"
	    "aliases = perl ruby*\n"
	    "  lua\n"
	    "when = always\n"
	    "why = runs code\n"
	    "suggest = no\n"
	    "[ls]\n"
	    "when = never\n"
	    "readonly = yes\n"
	    "why = lists\n"
	    "suggest = user\n"
	    "[/etc]\n"
	    "why = config\n"
	    "[/usr]\n"
	    "beneath = yes\n"
	    "why = programs\n";
	struct rg_errlist errs = { 0 };
	const struct kb_entry *e;
	struct kb *kb = kb_text(text, &errs);

	ck_assert_ptr_nonnull(kb);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_uint_eq(kb->ne, 3);
	ck_assert_uint_eq(kb->np, 2);
	ck_assert_str_eq(kb->e[0].why, "writes any file");
	ck_assert_uint_eq(kb->e[0].line, 2);
	ck_assert_ptr_nonnull(e = kb_lookup(kb, "python3.11"));
	ck_assert_int_eq(e->when, KB_ALWAYS);
	ck_assert_ptr_eq(kb_lookup(kb, "ruby3.1"), e);
	ck_assert_ptr_eq(kb_lookup(kb, "lua"), e);
	ck_assert_ptr_null(kb_lookup(kb, "luac"));
	ck_assert_ptr_nonnull(e = kb_lookup(kb, "ls"));
	ck_assert(e->readonly);
	ck_assert_int_eq(e->when, KB_NEVER);
	/* a directory, its ancestors; beneath only with beneath = yes */
	ck_assert_ptr_nonnull(kb_path_lookup(kb, "/etc"));
	ck_assert_ptr_nonnull(kb_path_lookup(kb, "/etc/"));
	ck_assert_ptr_nonnull(kb_path_lookup(kb, "/"));
	ck_assert_ptr_null(kb_path_lookup(kb, "/etc/ceph"));
	ck_assert_ptr_nonnull(kb_path_lookup(kb, "/usr/lib/x"));
	ck_assert_ptr_null(kb_path_lookup(kb, "/usrx"));
	ck_assert_ptr_null(kb_path_lookup(kb, "/var/lib/nova"));
	kb_free(kb);
	rg_errlist_free(&errs);
}
END_TEST

START_TEST(test_kb_errors)
{
	static const char text[] =
	    "[tee]\n"			/* 1: no suggest */
	    "why = x\n"
	    "foo = 1\n"			/* 3 */
	    "[cat]\n"
	    "why = y\n"
	    "suggest = z\n"
	    "when = sometimes\n"	/* 7 */
	    "readonly = maybe\n"	/* 8 */
	    "kind = a\n"
	    "  b\n"			/* 10: kind does not continue */
	    "[/etc/]\n"			/* 11: not canonical */
	    "why = w\n"
	    "[/usr]\n"			/* 13: no why */
	    "beneath = yes\n";
	struct rg_errlist errs = { 0 };

	ck_assert_ptr_null(kb_text(text, &errs));
	ck_assert(has_err(&errs, 1, "tee: an entry needs why and suggest"));
	ck_assert(has_err(&errs, 3, "unknown key 'foo'"));
	ck_assert(has_err(&errs, 7, "expected unconfined, always or never"));
	ck_assert(has_err(&errs, 8, "expected yes or no"));
	ck_assert(has_err(&errs, 10, "only why, suggest and aliases"));
	ck_assert(has_err(&errs, 11, "canonical form"));
	ck_assert(has_err(&errs, 13, "a directory entry needs why"));
	rg_errlist_free(&errs);
}
END_TEST

/* the binaries issue 4 names, and a few more, each with its reason */
START_TEST(test_kb_shipped)
{
	static const char *const equiv[] = {
		"tee", "dd", "cp", "mv", "cat", "chmod", "chown", "mount",
		"umount", "sh", "bash", "dash", "python3", "python3.11",
		"perl", "find", "sed", "awk", "gawk", "vi", "vim", "tar",
		"rsync", "ln", "rm", "mkdir", "kill", "env", "nice", "ionice",
		"ip", "systemctl", "modprobe", "insmod", "qemu-img", "dmsetup",
		"cryptsetup", "lvcreate", "lvremove", "vgcreate", "iptables",
		"tgtadm", "privsep-helper", "dnsmasq", "mkfs.ext4", "head",
	};
	struct rg_errlist errs = { 0 };
	const struct kb_entry *e;
	const char *used;
	struct kb *kb;

	unsetenv("ROOTGATE_KB");
	kb = kb_load(SHIPPED_KB, &used, &errs);
	ck_assert_msg(kb != NULL, "%s", errs.n ? errs.v[0].msg : "");
	ck_assert_str_eq(used, SHIPPED_KB);
	for (size_t i = 0; i < sizeof(equiv) / sizeof(equiv[0]); i++) {
		e = kb_lookup(kb, equiv[i]);
		ck_assert_msg(e != NULL, "%s: not in the knowledge base",
		    equiv[i]);
		ck_assert_msg(e->when != KB_NEVER, "%s: never", equiv[i]);
		ck_assert(strlen(e->why) > 10 && strlen(e->suggest) > 10);
	}
	ck_assert_ptr_nonnull(e = kb_lookup(kb, "ls"));
	ck_assert_int_eq(e->when, KB_NEVER);
	ck_assert_ptr_null(kb_lookup(kb, "true"));
	ck_assert_ptr_nonnull(kb_path_lookup(kb, "/etc/sudoers.d/x"));
	ck_assert_ptr_nonnull(kb_path_lookup(kb, "/dev/sda"));
	ck_assert_ptr_null(kb_path_lookup(kb, "/var/lib/nova/instances"));
	kb_free(kb);
	/* $ROOTGATE_KB when there is no explicit path */
	setenv("ROOTGATE_KB", "/nonexistent/kb.conf", 1);
	ck_assert_ptr_null(kb_load(NULL, &used, &errs));
	ck_assert_str_eq(used, "/nonexistent/kb.conf");
	ck_assert(has_err(&errs, 0, "unable to open the knowledge base"));
	unsetenv("ROOTGATE_KB");
	rg_errlist_free(&errs);
}
END_TEST

/* --- the checks --------------------------------------------------------- */

struct want {
	const char *rule;
	const char *id;
	enum audit_risk risk;
	const char *needle;	/* in reason or suggest, or NULL */
};

static size_t
count(const struct audit_report *rep, const struct want *w)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->nf; i++) {
		const struct audit_finding *f = &rep->f[i];

		if (strcmp(f->rule->name, w->rule) != 0 ||
		    strcmp(f->id, w->id) != 0 || f->risk != w->risk)
			continue;
		if (w->needle == NULL || strstr(f->reason, w->needle) ||
		    strstr(f->suggest, w->needle))
			n++;
	}
	return n;
}

static struct kb *
shipped(void)
{
	struct rg_errlist errs = { 0 };
	const char *used;
	struct kb *kb = kb_load(SHIPPED_KB, &used, &errs);

	ck_assert_ptr_nonnull(kb);
	rg_errlist_free(&errs);
	return kb;
}

static const char native_text[] =
    "[tee-any]\nexec = /usr/bin/tee\nargs = [ <x> ]...\n<x> = any\n"
    "[tee-nobody]\nexec = /usr/bin/tee\nargs = [ <x> ]...\n<x> = any\n"
    "user = nobody\n"
    "[cat-etc]\nexec = /usr/bin/cat\nargs = <f>\n<f> = path /etc file\n"
    "[cat-ceph]\nexec = /usr/bin/cat\nargs = <f>\n"
    "<f> = path /etc/ceph file\n"
    "[cat-svc]\nexec = /usr/bin/cat\nargs = <f>\n"
    "<f> = path /var/lib/svc file\n"
    "[dd-rx]\nexec = /usr/bin/dd\nargs = <of>\n<of> = regex of=/.*\n"
    "[dd-up]\nexec = /usr/bin/dd\nargs = <of>\n"
    "<of> = regex of=/var/lib/svc/.+\n"
    "[dd-ok]\nexec = /usr/bin/dd\nargs = <of>\n"
    "<of> = regex of=/var/lib/svc/[a-z]+\n"
    "[rm-opt]\nexec = /usr/bin/rm\nargs = <o>\n<o> = regex -[a-z]\n"
    "[chmod-ok]\nexec = /usr/bin/chmod\nargs = <m> <f>\n"
    "<m> = set 0644\n<f> = path / file\n"
    "accept = root-equivalent: reviewed\n  path-anywhere: reviewed\n"
    "[ls-any]\nexec = /usr/bin/ls\nargs = [ <x> ]...\n<x> = any\n"
    "[true]\nexec = /usr/bin/true\nargs =\n";

START_TEST(test_audit_native)
{
	static const struct want wants[] = {
		{ "tee-any", "root-equivalent", AR_ROOT, "standard input" },
		{ "tee-nobody", "any-argument", AR_WARN, NULL },
		{ "cat-etc", "path-system", AR_ROOT, "/etc" },
		{ "cat-svc", "root-not-needed", AR_WARN, "user = svc" },
		{ "dd-rx", "regex-path", AR_ROOT, "of=/etc/shadow" },
		{ "dd-up", "regex-path", AR_ROOT, "../" },
		{ "ls-any", "any-argument", AR_WARN, NULL },
	};
	struct rg_errlist errs = { 0 };
	struct audit_report rep;
	struct kb *kb = shipped();
	struct policy *p = tu_policy_from_text(native_text, "n.conf", &errs);

	ck_assert_msg(p != NULL, "%s", errs.n ? errs.v[0].msg : "");
	ck_assert_int_eq(rootequiv_audit(p, kb, &rep), 0);
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++)
		ck_assert_msg(count(&rep, &wants[i]) == 1, "%s %s",
		    wants[i].rule, wants[i].id);
	for (size_t i = 0; i < rep.nf; i++) {
		const char *n = rep.f[i].rule->name;

		/* confined, or not the knowledge base's */
		/* a native placeholder never takes "-o" */
		ck_assert_msg(strcmp(n, "dd-ok") != 0 && strcmp(n, "rm-opt") !=
		    0 && strcmp(n,
		    "cat-ceph") != 0 && strcmp(n, "true") != 0, "%s: %s", n,
		    rep.f[i].reason);
		ck_assert_msg(strcmp(n, "tee-any") != 0 || strcmp(rep.f[i].id,
		    "any-argument") != 0, "graded twice");
		if (strcmp(n, "chmod-ok") == 0)
			ck_assert_str_eq(rep.f[i].accepted, "reviewed");
	}
	ck_assert_uint_eq(rep.nroot, 4);
	ck_assert_uint_eq(rep.naccepted, 1);
	audit_report_free(&rep);
	policy_free(p);
	kb_free(kb);
	rg_errlist_free(&errs);
}
END_TEST

START_TEST(test_audit_rootwrap)
{
	static const char conf_text[] =
	    "[DEFAULT]\nfilters_path=/x\nexec_dirs=/usr/bin,/bin\n";
	static const char filters[] =
	    "[Filters]\n"
	    "tee: CommandFilter, tee, root\n"
	    "ls: RegExpFilter, ls, root, ls, -l|-a\n"
	    "lsg: RegExpFilter, ls, root, ls, (-l|-a)\n"
	    "chmodp: PathFilter, chmod, root, 0755, /var/lib/svc\n"
	    "chmods: PathFilter, chmod, root, 0700, /var/lib/svc/\n"
	    "rebad: RegExpFilter, stat, root, stat, \\v\n"
	    "chre: ChainingRegExpFilter, nice, root, nice, -n, \\d+\n"
	    "envf: EnvFilter, env, root, A=, true\n"
	    "nobody: ChainingRegExpFilter, timeout, nobody, timeout, \\d+\n"
	    "rmopt: RegExpFilter, rm, root, rm, -[a-z], /var/lib/svc/x\n";
	static const struct want wants[] = {
		{ "tee", "root-equivalent", AR_ROOT, NULL },
		{ "ls", "rootwrap-deviation", AR_DEVIATION, "#1" },
		{ "chmodp", "rootwrap-deviation", AR_DEVIATION, "#3" },
		{ "rebad", "rootwrap-deviation", AR_DEVIATION, "#2" },
		{ "chre", "chain-root-equivalent", AR_ROOT, "first: tee" },
		{ "rmopt", "regex-option", AR_ROOT, "-o" },
	};
	struct rw_opts o = { "/usr/bin:/bin", true };
	struct rg_errlist errs = { 0 };
	struct audit_report rep;
	struct kb *kb = shipped();
	struct rw_conf conf;
	struct policy *p;
	struct rg_err e;

	ck_assert_int_eq(rootwrap_parse_conf(conf_text, strlen(conf_text),
	    "r.conf", &o, &conf, &e), RW_OK);
	ck_assert_ptr_nonnull(p = policy_new());
	ck_assert_int_eq(rootwrap_parse_filters(p, filters, strlen(filters),
	    "t.filters", &conf, &o, &errs), 0);
	ck_assert_int_eq(policy_finish(p, &errs), 0);
	ck_assert_int_eq(rootequiv_audit(p, kb, &rep), 0);
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++)
		ck_assert_msg(count(&rep, &wants[i]) == 1, "%s %s",
		    wants[i].rule, wants[i].id);
	for (size_t i = 0; i < rep.nf; i++) {
		const char *n = rep.f[i].rule->name;

		ck_assert_msg(strcmp(n, "lsg") != 0 && strcmp(n, "chmods") !=
		    0 && strcmp(n, "nobody") != 0, "%s: %s", n,
		    rep.f[i].reason);
		/* an EnvFilter's variable values are not findings */
		ck_assert_msg(strcmp(n, "envf") != 0 ||
		    strstr(rep.f[i].reason, "<A>") == NULL, "%s",
		    rep.f[i].reason);
		ck_assert_uint_gt(rep.f[i].line, 0);
	}
	/* findings stay in rule order, chains included */
	for (size_t i = 1; i < rep.nf; i++)
		ck_assert(rep.f[i - 1].rule <= rep.f[i].rule);
	audit_report_free(&rep);
	rootwrap_conf_free(&conf);
	policy_free(p);
	kb_free(kb);
	rg_errlist_free(&errs);
}
END_TEST

/* the audit ids are acceptable in `accept`, like lint's */
START_TEST(test_audit_ids_known)
{
	ck_assert(policy_lint_id_known("root-equivalent"));
	ck_assert(policy_lint_id_known("chain-root-equivalent"));
	ck_assert(policy_lint_id_known("rootwrap-deviation"));
	ck_assert(policy_lint_id_known("any-argument"));
	ck_assert(!policy_lint_id_known("root"));
	ck_assert(!policy_lint_id_known("equivalent"));
}
END_TEST

Suite *
suite_audit(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("kb");

	tcase_add_test(tc, test_kb_parse);
	tcase_add_test(tc, test_kb_errors);
	tcase_add_test(tc, test_kb_shipped);
	suite_add_tcase(s, tc);
	tc = tcase_create("checks");
	tcase_add_test(tc, test_audit_native);
	tcase_add_test(tc, test_audit_rootwrap);
	tcase_add_test(tc, test_audit_ids_known);
	suite_add_tcase(s, tc);
	return s;
}
