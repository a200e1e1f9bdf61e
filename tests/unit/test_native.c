/* SPDX-License-Identifier: ISC */
/*
 * test_native.c - the native filter loader, fed strings through fmemopen:
 * every malformed input gives an error naming its line, and any error
 * means no policy at all.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "pattern.h"
#include "policy.h"
#include "suites.h"
#include "testutil.h"

#define R "[r]\nexec = /usr/bin/true\n"

struct bad {
	const char *text;
	unsigned line;		/* expected line of the first error */
	const char *msg;	/* expected substring */
};

static const struct bad bads[] = {
	{ "exec = /usr/bin/true\n", 1, "outside a [rule]" },
	{ "[r]\nexec = true\nargs =\n", 2, "relative executable path" },
	{ "[r]\nexec = /usr/bin/../bin/true\nargs =\n", 2, "'..'" },
	{ "[r]\nexec = /usr/bin//true\nargs =\n", 2, "write the executable "
	  "path as /usr/bin/true" },
	{ "[r]\nexec = /usr/bin/rootgate-no-such\nargs =\n", 2,
	  "missing executable" },
	{ "[r]\nexec = /usr/bin\nargs =\n", 2, "not a regular file" },
	{ "[r]\nexec = /etc/passwd\nargs =\n", 2, "not executable" },
	{ R "args =\nfrobnicate = 1\n", 4, "unknown key 'frobnicate'" },
	{ R "args =\nargs = x\n", 4, "duplicate key 'args'" },
	{ R "args =\n[r]\nexec = /usr/bin/true\nargs =\n", 4,
	  "duplicate rule name 'r'" },
	{ R "args =\n[s]\nexec = /usr/bin/true\nargs =\n[r]\nexec = "
	  "/usr/bin/true\nargs =\n", 7, "duplicate rule name 'r'" },
	{ "[bad name]\nexec = /usr/bin/true\nargs =\n", 1, "bad rule name" },
	{ "[r]\nexec = /usr/bin/true\n", 1, "has no args" },
	{ "[r]\nargs =\n", 1, "has no exec" },
	{ R "args = <x>\n<x> = regex a(b\n", 4, "bad regex 'a(b'" },
	{ R "args = <x>\n<x> = regex\n", 4, "regex needs a pattern" },
	{ R "args = <x>\n", 3, "<x> is not defined" },
	{ R "args = a\n<x> = any\n", 4, "<x> is not used" },
	{ R "args = <x>\n<x> = path relative/dir\n", 4, "bad path prefix" },
	{ R "args = <x>\n<x> = path /a/../b\n", 4, "bad path prefix" },
	{ R "args = <x>\n<x> = path /a sideways\n", 4, "unknown path option" },
	{ R "args = <x>\n<x> = path\n", 4, "path needs a prefix" },
	{ R "args = <x>\n<x> = int 5\n", 4, "int needs MIN..MAX" },
	{ R "args = <x>\n<x> = int 9..1\n", 4, "empty int range" },
	{ R "args = <x>\n<x> = int 0x1..9\n", 4, "bad int range" },
	{ R "args = <x>\n<x> = size 1..1X\n", 4, "bad size range" },
	{ R "args = <x>\n<x> = size 2G..1G\n", 4, "empty size range" },
	{ R "args = <x>\n<x> = size 1..2G unit=0\n", 4, "bad unit" },
	{ R "args = <x>\n<x> = size 1..2G suffixes=KQ\n", 4, "bad suffixes" },
	{ R "args = <x>\n<x> = set\n", 4, "at least one word" },
	{ R "args = <x>\n<x> = any thing\n", 4, "any takes no options" },
	{ R "args = <x>\n<x> = glob *\n", 4, "unknown constraint type" },
	{ R "args = <x>\n<x> = regex a\n  b\n", 4, "fit on one line" },
	{ R "args = [ a\n", 3, "missing ']'" },
	{ R "args = a ]\n", 3, "unexpected ']'" },
	{ R "args = { a, b\n", 3, "missing '}'" },
	{ R "args = 'a\n", 3, "unterminated quote" },
	{ R "args = a<b\n", 3, "stray '<'" },
	{ R "args = ...\n", 3, "must follow an element" },
	{ R "args = a, b\n", 3, "',' outside { }" },
	{ R "args = [ ]\n", 3, "empty [ ]" },
	{ R "args = [ a ]... b... ...\n", 3, "twice" },
	{ R "args = [ [ a ]... ]...\n", 3, "at least one argument" },
	{ R "args = { [ a ]... , b }\n", 3, "at least one argument" },
	{ R "args = <x><y>\n<x> = any\n<y> = any\n", 3, "two placeholders" },
	{ R "args =\nuser = 0\n", 4, "may not start with a digit" },
	{ R "args =\nuser = 4294967295\n", 4, "may not start with a digit" },
	{ R "args =\nuser = -1\n", 4, "may not start with a digit" },
	{ R "args =\nuser = rootgate-no-such-user\n", 4, "unknown user" },
	{ R "args =\ngroup = rootgate-no-such-grp\n", 4, "unknown group" },
	{ R "args =\ncallers = nova 0day\n", 4, "may not start with a digit" },
	{ R "args =\ncallers = %1000\n", 4, "may not start with a digit" },
	{ R "args =\nenv-keep = LD_PRELOAD\n", 4, "may never be passed" },
	{ R "args =\nenv-keep = PYTHONPATH\n", 4, "may never be passed" },
	{ R "args =\nenv-keep = BASH_FUNC_x%%\n", 4, "bad variable name" },
	{ R "args =\nenv-keep = PATH\n", 4, "may never be passed" },
	{ R "args =\nenv-set = LD_LIBRARY_PATH=/tmp\n", 4, "may never be set" },
	{ R "args =\nenv-set = novalue\n", 4, "expected NAME=value" },
	{ R "args =\nsandbox = maybe\n", 4, "expected on or off" },
	{ R "args =\nsandbox = off\ntimeout = 5s\n", 5, "sandbox keys in a "
	  "rule with sandbox = off" },
	{ R "args =\nnamespaces = mount user\n", 4, "unknown namespace" },
	{ R "args =\ncapabilities = CAP_MAKE_COFFEE\n", 4,
	  "unknown capability" },
	{ R "args =\nseccomp-allow = not_a_syscall\n", 4,
	  "unknown system call" },
	{ R "args =\nseccomp = strict\n", 4, "expected default or off" },
	{ R "args =\ntimeout = 5 s\n", 4, "expected a duration" },
	{ R "args =\ntimeout = 1.5s\n", 4, "expected a duration" },
	{ R "args =\ntimeout = 99999999999h\n", 4, "expected a duration" },
	{ R "args =\nrlimit-as = lots\n", 4, "expected a size" },
	{ R "args =\nrlimit-nofile = -1\n", 4, "expected a number" },
	{ R "args =\nwritable = relative\n", 4, "not an absolute path" },
	{ R "args =\nhidden = /a/../etc\n", 4, "'..'" },
	{ R "args =\ncwd = tmp\n", 4, "not an absolute path" },
	{ R "args =\numask = 22\n", 4, "expected an octal mask" },
	{ R "args =\numask = 0999\n", 4, "expected an octal mask" },
	{ R "args =\nmemory-max = 0\n", 4, "expected a size" },
	{ R "args =\npids-max = 0\n", 4, "expected a positive number" },
	{ R "args =\noptional = perhaps\n", 4, "expected yes or no" },
	{ R "args =\naccept = any-argument\n", 4, "expected 'ID: reason'" },
	{ R "args =\naccept = everything: yes\n", 4, "unknown risk" },
	{ R "args =\naccept = no-sandbox:\n", 4, "needs a reason" },
	{ R "args =\nexec = /usr/bin/true\n", 4, "duplicate key 'exec'" },
	{ R "args =\nnamespaces =\n", 4, "empty (write 'none'" },
	{ R "args =\nnamespaces = pid\nwritable = /tmp\n", 5,
	  "writable: needs the mount namespace" },
	{ R "args =\nnamespaces = none\nhidden = /etc/shadow\n", 5,
	  "hidden: needs the mount namespace" },
	{ R "args =\nnamespaces = pid\nprivate-tmp = yes\n", 5,
	  "private-tmp: needs the mount namespace" },
	{ R "args =\nrlimit-core = 1M\n", 4, "unknown key 'rlimit-core'" },
	{ R "args = <x>\n<x> = size 1..2G suffixes=bX\n", 4, "bad suffixes" },
	{ "[r]\nexec = /usr/bin/true\nargs = this line is longer than "
	  "the limit of the INI reader, which is one hundred and ninety "
	  "nine bytes; it must be an error naming the line, never a "
	  "silent truncation of the rule's arguments; so here is some "
	  "more text to be quite sure of the length\n", 3,
	  "line too long" },
	{ "[r]\nexec = /usr/bin/true\njust some words\n", 3,
	  "syntax error" },
	{ "[r\nexec = /usr/bin/true\n", 1, "without ']'" },
};

START_TEST(test_bad)
{
	const struct bad *b = &bads[_i];
	struct rg_errlist errs = { 0 };
	struct policy *p = tu_policy_from_text(b->text, "f.conf", &errs);

	ck_assert_msg(p == NULL, "accepted: %s", b->text);
	ck_assert_uint_ge(rg_errlist_nerrors(&errs), 1);
	ck_assert_str_eq(errs.v[0].file, "f.conf");
	ck_assert_msg(strstr(errs.v[0].msg, b->msg) != NULL,
	    "error '%s' lacks '%s' for:\n%s", errs.v[0].msg, b->msg, b->text);
	ck_assert_msg(errs.v[0].line == b->line, "error at line %u, not %u: "
	    "%s", errs.v[0].line, b->line, errs.v[0].msg);
	rg_errlist_free(&errs);
}
END_TEST

/* inih's buffer holds 198 bytes of a line: 198 loads, 199 is an error. */
START_TEST(test_line_limit)
{
	char text[512], *v;
	struct rg_errlist errs = { 0 };
	struct policy *p;
	size_t n;

	for (int len = 198; len <= 199; len++) {
		n = (size_t)snprintf(text, sizeof(text), R "args = ");
		v = text + n;
		/* "args = " + words to make the line exactly len bytes */
		memset(v, 'a', (size_t)len - 7);
		v[len - 7] = '\n';
		v[len - 6] = '\0';
		for (int i = 1; i < len - 7; i += 2)
			v[i] = ' ';
		p = tu_policy_from_text(text, "f.conf", &errs);
		if (len == 198) {
			ck_assert_msg(p != NULL, "198 bytes refused: %s",
			    errs.n ? errs.v[0].msg : "");
			policy_free(p);
		} else {
			ck_assert_ptr_null(p);
			ck_assert_ptr_nonnull(strstr(errs.v[0].msg,
			    "more than 198 bytes"));
		}
		rg_errlist_free(&errs);
	}
}
END_TEST

/* Without a mount namespace, private-tmp follows (off by default). */
START_TEST(test_private_tmp_follows_mount_ns)
{
	struct rg_errlist errs = { 0 };
	struct policy *p = tu_policy_from_text(R "args =\nnamespaces = pid "
	    "ipc\n", "f.conf", &errs);

	ck_assert_ptr_nonnull(p);
	ck_assert(!p->rules[0].sbx.private_tmp);
	ck_assert_uint_eq(p->rules[0].sbx.ns, SBX_NS_PID | SBX_NS_IPC);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

/* Every error of a file is reported, not just the first. */
START_TEST(test_all_errors_reported)
{
	const char *text = "[a]\nexec = rel\nargs =\n"
	    "[b]\nexec = /usr/bin/true\nargs =\nbogus = 1\n"
	    "[c]\nexec = /usr/bin/true\nargs = <x>\n";
	struct rg_errlist errs = { 0 };

	ck_assert_ptr_null(tu_policy_from_text(text, "f.conf", &errs));
	ck_assert_uint_eq(rg_errlist_nerrors(&errs), 3);
	ck_assert_uint_eq(errs.v[0].line, 2);
	ck_assert_uint_eq(errs.v[1].line, 7);
	ck_assert_uint_eq(errs.v[2].line, 10);
	rg_errlist_free(&errs);
}
END_TEST

START_TEST(test_good_rule_fields)
{
	const char *text =
	    "# comment\n"
	    "[qemu-img-info]\n"
	    "description = inspect\n  an image\n"
	    "exec = /usr/bin/true\n"
	    "args = info { -f <fmt>, --output=json }\n"
	    "  [ -v ]... <img>\n"
	    "<fmt> = set qcow2 raw\n"
	    "<img> = path /var/lib/nova new\n"
	    "user = nobody\n"
	    "group = nogroup\n"
	    "callers = nova %nova\n"
	    "env-keep = TERM\n"
	    "namespaces = mount pid net\n"
	    "capabilities = cap_net_admin CAP_SYS_NICE sys_chroot\n"
	    "seccomp-deny = chmod\n"
	    "seccomp-allow = ptrace\n"
	    "rlimit-as = 2G\nrlimit-cpu = 30\nrlimit-nofile = 64\n"
	    "timeout = 90s\ngrace = 500ms\n"
	    "writable = /var/lib/nova /run//x/\nhidden = /etc/shadow\n"
	    "private-tmp = no\ncwd = /var/lib\numask = 077\n"
	    "memory-max = 512M\npids-max = 32\n";
	struct rg_errlist errs = { 0 };
	struct policy *p = tu_policy_from_text(text, "f.conf", &errs);
	const struct rule *r;
	char pat[512];

	ck_assert_msg(p != NULL, "%s", errs.n ? errs.v[0].msg : "");
	ck_assert_uint_eq(p->nrules, 1);
	r = &p->rules[0];
	ck_assert_str_eq(r->name, "qemu-img-info");
	ck_assert_uint_eq(r->line, 2);
	ck_assert_str_eq(r->description, "inspect an image");
	ck_assert_str_eq(r->cmdname, "true");
	pattern_format(&r->pattern, pat, sizeof(pat));
	ck_assert_str_eq(pat, "info { -f <fmt>, --output=json } [ -v ]... "
	    "<img>");
	ck_assert_str_eq(r->user, "nobody");
	ck_assert_uint_eq(r->uid, 65534);
	ck_assert_str_eq(r->group, "nogroup");
	ck_assert_uint_eq(r->ncaller_users, 1);
	ck_assert_str_eq(r->caller_groups[0], "nova");
	ck_assert_uint_eq(r->sbx.ns, SBX_NS_MOUNT | SBX_NS_PID | SBX_NS_NET);
	ck_assert_uint_eq(r->sbx.caps, (1ULL << 12) | (1ULL << 23) |
	    (1ULL << 18));
	ck_assert_str_eq(r->sbx.sc_deny[0], "chmod");
	ck_assert_str_eq(r->sbx.sc_allow[0], "ptrace");
	ck_assert(r->sbx.rl[SBX_RL_AS].set);
	ck_assert_uint_eq(r->sbx.rl[SBX_RL_AS].value, 2ULL << 30);
	ck_assert_uint_eq(r->sbx.rl[SBX_RL_CPU].value, 30);
	ck_assert(r->sbx.rl[SBX_RL_CORE].set);
	ck_assert_uint_eq(r->sbx.rl[SBX_RL_CORE].value, 0);
	ck_assert(!r->sbx.rl[SBX_RL_NPROC].set);
	ck_assert_uint_eq(r->sbx.timeout_ms, 90000);
	ck_assert_uint_eq(r->sbx.grace_ms, 500);
	ck_assert_str_eq(r->sbx.writable[1], "/run/x");
	ck_assert(!r->sbx.private_tmp);
	ck_assert_str_eq(r->sbx.cwd, "/var/lib");
	ck_assert_uint_eq(r->sbx.umask, 077);
	ck_assert_uint_eq(r->sbx.mem_max, 512ULL << 20);
	ck_assert_uint_eq(r->sbx.pids_max, 32);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

START_TEST(test_defaults)
{
	struct rg_errlist errs = { 0 };
	struct policy *p = tu_policy_from_text(R "args =\n", "f.conf", &errs);
	const struct rule *r;

	ck_assert_ptr_nonnull(p);
	r = &p->rules[0];
	ck_assert_str_eq(r->user, "root");
	ck_assert_uint_eq(r->uid, 0);
	ck_assert_uint_eq(r->gid, 0);
	ck_assert(r->sbx.enabled);
	ck_assert_uint_eq(r->sbx.ns, SBX_NS_DEFAULT);
	ck_assert_uint_eq(r->sbx.caps, 0);
	ck_assert_int_eq(r->sbx.seccomp, SBX_SECCOMP_DEFAULT);
	ck_assert(r->sbx.private_tmp);
	ck_assert_str_eq(r->sbx.cwd, "/");
	ck_assert_uint_eq(r->sbx.umask, 022);
	ck_assert_uint_eq(r->sbx.timeout_ms, 0);
	ck_assert_uint_eq(r->sbx.grace_ms, 2000);
	ck_assert_str_eq(r->exec_real, "/usr/bin/true");
	ck_assert(!r->inactive);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

START_TEST(test_optional_missing_exec_is_inactive)
{
	struct rg_errlist errs = { 0 };
	struct policy *p = tu_policy_from_text("[r]\nexec = /usr/sbin/"
	    "rootgate-no-such\noptional = yes\nargs =\n", "f.conf", &errs);

	ck_assert_ptr_nonnull(p);
	ck_assert(p->rules[0].inactive);
	ck_assert_ptr_null(p->rules[0].exec_real);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

/* Lint: over-broad rules are warned about; accepted risks become notes. */
START_TEST(test_lint)
{
	const char *text =
	    "[a]\nexec = /usr/bin/tee\nargs = [ <x> ]...\n<x> = any\n"
	    "sandbox = off\n"
	    "[b]\nexec = /usr/bin/cat\nargs = <f>\n<f> = path /\n"
	    "[c]\nexec = /usr/bin/echo\nargs = <r>\n<r> = regex .*\n"
	    "capabilities = CAP_SYS_ADMIN\n"
	    "accept = root-capabilities: needs\n  mount\n";
	struct rg_errlist errs = { 0 }, w = { 0 };
	struct policy *p = tu_policy_from_text(text, "f.conf", &errs);

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < p->nrules; i++)
		policy_lint_rule(&p->rules[i], &w);
	ck_assert_uint_eq(w.nwarn, 4);
	ck_assert_uint_eq(w.nnote, 1);
	ck_assert_uint_eq(rg_errlist_nerrors(&w), 0);
	ck_assert_ptr_nonnull(strstr(w.v[0].msg, "sandbox = off"));
	ck_assert_ptr_nonnull(strstr(w.v[1].msg, "ANY argument"));
	ck_assert_ptr_nonnull(strstr(w.v[2].msg, "prefix of /"));
	ck_assert_ptr_nonnull(strstr(w.v[3].msg, "over"));
	ck_assert_ptr_nonnull(strstr(w.v[4].msg, "needs mount"));
	policy_free(p);
	rg_errlist_free(&errs);
	rg_errlist_free(&w);
}
END_TEST

/* A file with a NUL byte, or over the size limit, loads nothing. */
/*
 * Many rules, over two files: the first file's rules are allocated at
 * once from a count of its header lines (an over-count here: indented
 * '[' lines inside continued values), the second's grow the array;
 * every rule keeps its place, name and values.
 */
START_TEST(test_many_rules)
{
	struct policy_opts o = { .skip_file_safety = true };
	struct rg_errlist errs = { 0 };
	struct policy *p = policy_new();
	size_t cap = 300 * 128, len = 0;
	char *text = malloc(cap), want[64];
	FILE *fp;

	ck_assert_ptr_nonnull(text);
	for (unsigned i = 0; i < 300; i++)
		len += (size_t)snprintf(text + len, cap - len, "[r%u]\nexec = "
		    "/usr/bin/true\nargs = a%u\ndescription = rule\n  [%u]\n",
		    i, i, i);
	ck_assert_uint_lt(len, cap);
	fp = fmemopen(text, len, "r");
	ck_assert_int_eq(policy_parse_native(p, fp, "a.conf", &o, &errs), 0);
	fclose(fp);
	ck_assert_uint_eq(p->nrules, 300);
	len = 0;
	for (unsigned i = 300; i < 305; i++)
		len += (size_t)snprintf(text + len, cap - len, "[r%u]\nexec = "
		    "/usr/bin/true\nargs = a%u\n", i, i);
	fp = fmemopen(text, len, "r");
	ck_assert_int_eq(policy_parse_native(p, fp, "b.conf", &o, &errs), 0);
	fclose(fp);
	ck_assert_int_eq(policy_finish(p, &errs), 0);
	ck_assert_uint_eq(p->nrules, 305);
	for (unsigned i = 0; i < 305; i++) {
		snprintf(want, sizeof(want), "r%u", i);
		ck_assert_str_eq(p->rules[i].name, want);
		snprintf(want, sizeof(want), "a%u", i);
		ck_assert_str_eq(p->rules[i].args_src, want);
		ck_assert_str_eq(p->rules[i].file, i < 300 ? "a.conf" :
		    "b.conf");
		if (i < 300) {
			snprintf(want, sizeof(want), "rule [%u]", i);
			ck_assert_str_eq(p->rules[i].description, want);
		}
	}
	free(text);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

START_TEST(test_nul_and_huge)
{
	static const char nul[] = "[r]\nexec = /usr/bin/true\0\nargs =\n";
	struct policy_opts o = { .skip_file_safety = true };
	struct rg_errlist errs = { 0 };
	struct policy *p = policy_new();
	FILE *fp = fmemopen((void *)(uintptr_t)nul, sizeof(nul) - 1, "r");
	char *big;

	ck_assert_int_eq(policy_parse_native(p, fp, "n.conf", &o, &errs), -1);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(errs.v[0].msg, "NUL byte"));
	ck_assert_uint_eq(errs.v[0].line, 2);
	rg_errlist_free(&errs);
	big = malloc(2 * 1024 * 1024);
	ck_assert_ptr_nonnull(big);
	memset(big, '#', 2 * 1024 * 1024);
	fp = fmemopen(big, 2 * 1024 * 1024, "r");
	ck_assert_int_eq(policy_parse_native(p, fp, "h.conf", &o, &errs), -1);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(errs.v[0].msg, "too large"));
	ck_assert_uint_eq(p->nrules, 0);
	free(big);
	policy_free(p);
	rg_errlist_free(&errs);
}
END_TEST

Suite *
suite_native(void)
{
	Suite *s = suite_create("native");
	TCase *tc = tcase_create("loader");

	tcase_add_loop_test(tc, test_bad, 0, sizeof(bads) / sizeof(bads[0]));
	tcase_add_test(tc, test_all_errors_reported);
	tcase_add_test(tc, test_line_limit);
	tcase_add_test(tc, test_private_tmp_follows_mount_ns);
	tcase_add_test(tc, test_good_rule_fields);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_optional_missing_exec_is_inactive);
	tcase_add_test(tc, test_lint);
	tcase_add_test(tc, test_nul_and_huge);
	tcase_add_test(tc, test_many_rules);
	suite_add_tcase(s, tc);
	return s;
}
