/* SPDX-License-Identifier: ISC */
/*
 * test_pcache.c - the policy cache (pcache.c, conf.c's
 * policy_load_confdir_for) on real files: a current cache yields exactly
 * the rules a full load would try for the command, with the same
 * decisions; a changed text, file set or rootgate.conf, a damaged or
 * untrusted cache, or a change next to an executable means a full load
 * (which reports a broken policy as before); a cache is written only by
 * a successful full load, mode 0600. Needs root: the files must be
 * root's (filesafe.c).
 */
#include <check.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "match.h"
#include "pcache.h"
#include "policy.h"
#include "suites.h"
#include "testutil.h"

/* snprintf that must fit */
#define FMT(buf, ...) ck_assert_int_lt(snprintf(buf, sizeof(buf),	\
    __VA_ARGS__), (int)sizeof(buf))

/* two files; 'true' has rules in both, 'echo' one, 'printf' none */
static const char *const file_a =
    "# a\n"
    "[true-a]\nexec = /usr/bin/true\nargs = a <n>\n<n> = int 1..9\n\n"
    "[echo]\nexec = /usr/bin/echo\nargs = <w>\n<w> = regex [a-z]+\n"
    "description = says\n  a word\n";
static const char *const file_b =
    "[true-b]\nexec = /usr/bin/true\nargs = b\nsandbox = off\n"
    "[true-any]\nexec = /usr/bin/true\nargs = [ a <n> ]\n<n> = int 1..99\n";

struct fx {
	char *top;
	char confdir[4096], fd[4096], cachedir[4096], cache[4096];
};

static void
put(const char *dir, const char *name, const char *text)
{
	char path[8192];
	FILE *fp;

	FMT(path, "%s/%s", dir, name);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
	ck_assert_int_eq(chmod(path, 0644), 0);
}

static void
fx_setup(struct fx *f)
{
	char conf[8192];

	f->top = tu_mkdtemp();
	ck_assert_int_eq(chmod(f->top, 0755), 0);
	FMT(f->confdir, "%s/c", f->top);
	FMT(f->fd, "%s/filters.d", f->confdir);
	FMT(f->cachedir, "%s/cache", f->top);
	ck_assert_int_eq(mkdir(f->confdir, 0755), 0);
	ck_assert_int_eq(mkdir(f->fd, 0755), 0);
	FMT(conf, "[rootgate]\nsyslog = no\n"
	    "policy-cache = %s\n", f->cachedir);
	put(f->confdir, "rootgate.conf", conf);
	put(f->fd, "a.conf", file_a);
	put(f->fd, "b.conf", file_b);
	ck_assert_int_eq(pcache_path(f->cachedir, f->confdir, f->cache,
	    sizeof(f->cache)), 0);
}

static void
fx_teardown(struct fx *f)
{
	tu_rmtree(f->top);
	free(f->top);
}

/* load for cmd; the load must succeed */
static struct policy *
load(const struct fx *f, const char *cmd)
{
	struct rg_errlist errs = { 0 };
	struct policy *p = policy_load_confdir_for(f->confdir, cmd, NULL,
	    &errs);

	ck_assert_msg(p != NULL, "load failed: %s", errs.n > 0 ?
	    errs.v[0].msg : "?");
	rg_errlist_free(&errs);
	return p;
}

/* the decision, as one comparable line */
static void
decide(const struct policy *p, char *const *argv, size_t argc,
    char *out, size_t len)
{
	const struct caller c = { 0, 0, "root", NULL, 0 };
	struct decision d;

	ck_assert_int_eq(match_argv(p, &c, argv, argc, NULL, &d), 0);
	snprintf(out, len, "%d %d %s:%u %s|%s", d.allowed, (int)d.code,
	    d.rule != NULL ? d.rule->file : "-", d.rule != NULL ?
	    d.rule->line : 0, d.rule != NULL ? d.rule->name : "-", d.reason);
	decision_clear(&d);
}

START_TEST(test_cache_hit_same_decisions)
{
	static char *const cmds[][4] = {
		{ "/usr/bin/true", "a", "5", NULL },
		{ "/usr/bin/true", "a", "50", NULL },	/* true-any */
		{ "/usr/bin/true", "b", NULL, NULL },
		{ "/usr/bin/true", "c", NULL, NULL },	/* denied: args */
		{ "/usr/bin/true", NULL, NULL, NULL },
		{ "true", "a", "1", NULL },		/* the basename */
		{ "/bin/true", "b", NULL, NULL },	/* the real path */
		{ "echo", "hi", NULL, NULL },
		{ "/usr/bin/echo", "Hi", NULL, NULL },
		{ "/usr/bin/printf", "x", NULL, NULL },	/* no rule */
		{ "nosuch", NULL, NULL, NULL },
	};
	struct policy *full, *p;
	struct stat st;
	struct fx f;

	TU_NEED_ROOT();
	fx_setup(&f);
	full = load(&f, NULL);		/* no command: no cache either way */
	ck_assert_int_eq(stat(f.cachedir, &st), -1);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char want[1024], got[1024];
		size_t argc = 0;

		while (argc < 4 && cmds[i][argc] != NULL)
			argc++;
		/* the first load of each command may write the cache; the
		 * second reads it */
		p = load(&f, cmds[i][0]);
		policy_free(p);
		ck_assert_int_eq(stat(f.cache, &st), 0);
		ck_assert_int_eq(st.st_mode & 07777, 0600);
		ck_assert_int_eq(st.st_uid, 0);
		p = load(&f, cmds[i][0]);
		ck_assert_msg(p->partial, "%s: cache not used", cmds[i][0]);
		decide(full, cmds[i], argc, want, sizeof(want));
		decide(p, cmds[i], argc, got, sizeof(got));
		ck_assert_str_eq(got, want);
		policy_free(p);
	}
	/* only the rules that can decide, in decision order */
	p = load(&f, "/usr/bin/true");
	ck_assert(p->partial);
	ck_assert_uint_eq(p->nrules, 3);
	ck_assert_str_eq(p->rules[0].name, "true-a");
	ck_assert_uint_eq(p->rules[0].line, 2);
	ck_assert_str_eq(p->rules[1].name, "true-b");
	ck_assert_str_eq(p->rules[2].name, "true-any");
	ck_assert_uint_eq(p->rules[2].line, 5);
	ck_assert_ptr_nonnull(strstr(p->rules[2].file, "/filters.d/b.conf"));
	policy_free(p);
	p = load(&f, "echo");
	ck_assert(p->partial);
	ck_assert_uint_eq(p->nrules, 1);
	ck_assert_str_eq(p->rules[0].description, "says a word");
	policy_free(p);
	p = load(&f, "/usr/bin/printf");
	ck_assert(p->partial);
	ck_assert_uint_eq(p->nrules, 0);
	policy_free(p);
	policy_free(full);
	fx_teardown(&f);
}
END_TEST

/* Any change of the texts: not used, and written anew by the full load. */
START_TEST(test_cache_stale_texts)
{
	struct timespec ts[2];
	char path[8192], text[4096];
	struct stat st;
	struct policy *p;
	struct fx f;

	TU_NEED_ROOT();
	fx_setup(&f);
	policy_free(load(&f, "/usr/bin/true"));
	p = load(&f, "/usr/bin/true");
	ck_assert(p->partial);
	policy_free(p);

	/* same size, same times: only the bytes differ ('5' for '9') */
	FMT(path, "%s/a.conf", f.fd);
	ck_assert_int_eq(stat(path, &st), 0);
	strlcpy(text, file_a, sizeof(text));
	*strstr(text, "1..9") = '\0';
	strlcat(text, "1..5", sizeof(text));
	strlcat(text, strstr(file_a, "1..9") + 4, sizeof(text));
	put(f.fd, "a.conf", text);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
	p = load(&f, "/usr/bin/true");
	ck_assert(!p->partial);
	policy_free(p);
	p = load(&f, "/usr/bin/true");	/* rewritten */
	ck_assert(p->partial);
	ck_assert_str_eq(p->rules[0].cks[0].src, "int 1..5");
	policy_free(p);

	/* a new file, then a file gone */
	put(f.fd, "c.conf", "[other]\nexec = /usr/bin/printf\nargs = x\n");
	p = load(&f, "/usr/bin/true");
	ck_assert(!p->partial);
	policy_free(p);
	p = load(&f, "/usr/bin/printf");
	ck_assert(p->partial);
	ck_assert_uint_eq(p->nrules, 1);
	policy_free(p);
	FMT(path, "%s/c.conf", f.fd);
	ck_assert_int_eq(unlink(path), 0);
	p = load(&f, "/usr/bin/printf");
	ck_assert(!p->partial);
	ck_assert_uint_eq(p->nrules, 4);
	policy_free(p);

	/* rootgate.conf: a comment more */
	FMT(path, "%s/rootgate.conf", f.confdir);
	FMT(text, "# x\n[rootgate]\nsyslog = no\n"
	    "policy-cache = %s\n", f.cachedir);
	put(f.confdir, "rootgate.conf", text);
	p = load(&f, "/usr/bin/true");
	ck_assert(!p->partial);
	policy_free(p);

	/* policy-cache = no: neither read nor written */
	ck_assert_int_eq(unlink(f.cache), 0);
	put(f.confdir, "rootgate.conf", "[rootgate]\npolicy-cache = no\n");
	policy_free(load(&f, "/usr/bin/true"));
	ck_assert_int_eq(stat(f.cache, &st), -1);
	fx_teardown(&f);
}
END_TEST

/* A cache never hides a broken policy: the full load reports it. */
START_TEST(test_cache_broken_policy_refused)
{
	struct rg_errlist errs = { 0 };
	struct policy *p;
	struct fx f;

	TU_NEED_ROOT();
	fx_setup(&f);
	policy_free(load(&f, "/usr/bin/true"));
	p = load(&f, "/usr/bin/echo");
	ck_assert(p->partial);
	policy_free(p);
	/* a rule for another command breaks */
	put(f.fd, "b.conf", "[true-b]\nexec = /usr/bin/true\nargs = b\n"
	    "bogus = 1\n");
	ck_assert_ptr_null(policy_load_confdir_for(f.confdir, "/usr/bin/echo",
	    NULL, &errs));
	ck_assert_uint_eq(rg_errlist_nerrors(&errs), 1);
	ck_assert_ptr_nonnull(strstr(errs.v[0].file, "b.conf"));
	ck_assert_uint_eq(errs.v[0].line, 4);
	ck_assert_ptr_nonnull(strstr(errs.v[0].msg, "unknown key 'bogus'"));
	rg_errlist_free(&errs);
	/* and the cache still describes the old text: not used either */
	put(f.fd, "b.conf", file_b);
	p = load(&f, "/usr/bin/echo");
	ck_assert(p->partial);		/* the old text again: current */
	policy_free(p);
	fx_teardown(&f);
}
END_TEST

/* Damaged or untrusted caches are not used; the load is full and right. */
START_TEST(test_cache_damaged)
{
	size_t len;
	char *good, path[8192];
	struct policy *p;
	struct fx f;
	int fd;

	TU_NEED_ROOT();
	fx_setup(&f);
	policy_free(load(&f, "/usr/bin/true"));
	ck_assert_ptr_nonnull(good = tu_slurp(f.cache, &len));
	/* every truncation, and every byte changed, in turn */
	for (size_t i = 0; i < 2 * len; i++) {
		ck_assert_int_ge(fd = open(f.cache, O_WRONLY | O_TRUNC), 0);
		if (i < len)
			ck_assert_int_eq(write(fd, good, i), (ssize_t)i);
		else {
			good[i - len] ^= 0x20;
			ck_assert_int_eq(write(fd, good, len), (ssize_t)len);
			good[i - len] ^= 0x20;
		}
		close(fd);
		p = load(&f, "/usr/bin/true");
		ck_assert_msg(!p->partial, "damaged cache used (%zu)", i);
		ck_assert_uint_eq(p->nrules, 4);
		policy_free(p);
	}
	/* every byte changed with the sum mended (as a buggy writer would
	 * leave it): the parser's own checks; whatever it accepts, the load
	 * succeeds and nothing breaks (ASan, valgrind) */
	for (size_t i = 0; i + 21 < len; i++) {
		char end[32];

		good[i] ^= 0x01;
		FMT(end, "end %016" PRIx64 "\n", pcache_sum(good, len - 21));
		ck_assert_int_ge(fd = open(f.cache, O_WRONLY | O_TRUNC), 0);
		ck_assert_int_eq(write(fd, good, len - 21),
		    (ssize_t)(len - 21));
		ck_assert_int_eq(write(fd, end, 21), 21);
		close(fd);
		good[i] ^= 0x01;
		p = load(&f, "/usr/bin/true");
		ck_assert_uint_le(p->nrules, 4);
		policy_free(p);
	}
	/* intact, but writable by its group: not trusted */
	ck_assert_int_eq(chmod(f.cache, 0620), 0);
	p = load(&f, "/usr/bin/true");
	ck_assert(!p->partial);
	policy_free(p);
	/* the full load replaced it with a good one */
	p = load(&f, "/usr/bin/true");
	ck_assert(p->partial);
	policy_free(p);
	/* a cache directory others may write: neither read nor written */
	ck_assert_int_eq(chmod(f.cachedir, 0777), 0);
	p = load(&f, "/usr/bin/true");
	ck_assert(!p->partial);
	policy_free(p);
	ck_assert_int_eq(unlink(f.cache), 0);
	policy_free(load(&f, "/usr/bin/true"));
	ck_assert_int_eq(access(f.cache, F_OK), -1);
	/* no stray temporary files */
	FMT(path, "%s/.%s.%ld", f.cachedir,
	    strrchr(f.cache, '/') + 1, (long)getpid());
	ck_assert_int_eq(access(path, F_OK), -1);
	free(good);
	fx_teardown(&f);
}
END_TEST

/*
 * Outside the texts: a change in a directory above an executable (a
 * program installed, a symlink repointed) means a full load; a cache is
 * not written while such a directory, or the account files, changed
 * within the last seconds.
 */
START_TEST(test_cache_stamps)
{
	char bindir[8192], prog[8192], rule[16384];
	struct policy *p;
	struct stat st;
	struct fx f;

	TU_NEED_ROOT();
	fx_setup(&f);
	FMT(bindir, "%s/bin", f.top);
	ck_assert_int_eq(mkdir(bindir, 0755), 0);
	FMT(prog, "%s/tool", bindir);
	ck_assert_int_eq(symlink("/usr/bin/true", prog), 0);
	FMT(rule, "[tool]\nexec = %s\nargs =\n"
	    "[gone]\nexec = %s/absent\nargs =\noptional = yes\n", prog, bindir);
	put(f.fd, "c.conf", rule);
	/* bindir just changed: no cache yet */
	p = load(&f, prog);
	ck_assert(!p->partial);
	policy_free(p);
	ck_assert_int_eq(stat(f.cache, &st), -1);
	/*
	 * Settled: written, then used. /tmp (above the scratch directory)
	 * is stamped too, and other programs change it: a few tries.
	 */
	p = NULL;
	for (int tries = 0; tries < 10; tries++) {
		sleep(3);
		policy_free(load(&f, prog));
		p = load(&f, prog);
		if (p->partial)
			break;
		policy_free(p);
		p = NULL;
	}
	ck_assert_msg(p != NULL, "a settled cache was never used");
	ck_assert_uint_eq(p->nrules, 1);
	policy_free(p);
	/* the optional program appears: its rule is active now */
	FMT(prog, "%s/absent", bindir);
	ck_assert_int_eq(symlink("/usr/bin/true", prog), 0);
	p = load(&f, prog);
	ck_assert(!p->partial);
	ck_assert(!p->rules[p->nrules - 1].inactive);
	policy_free(p);
	fx_teardown(&f);
}
END_TEST

/* policy-cache's values and refusals (rootgate.conf) */
START_TEST(test_cache_key)
{
	static const struct {
		const char *value, *msg;
	} bad[] = {
		{ "maybe", "policy-cache: expected yes, no or an absolute "
		  "directory, not 'maybe'" },
		{ "var/cache", "policy-cache: expected yes, no or an absolute "
		  "directory, not 'var/cache'" },
	};
	struct rg_errlist errs = { 0 };
	char text[256];
	struct policy *p;
	struct fx f;

	TU_NEED_ROOT();
	fx_setup(&f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FMT(text, "[rootgate]\npolicy-cache = %s\n", bad[i].value);
		put(f.confdir, "rootgate.conf", text);
		ck_assert_ptr_null(policy_load_confdir_for(f.confdir,
		    "/usr/bin/true", NULL, &errs));
		ck_assert_uint_eq(errs.n, 1);
		ck_assert_uint_eq(errs.v[0].line, 2);
		ck_assert_str_eq(errs.v[0].msg, bad[i].msg);
		rg_errlist_free(&errs);
		memset(&errs, 0, sizeof(errs));
	}
	put(f.confdir, "rootgate.conf", "[rootgate]\npolicy-cache = no\n"
	    "policy-cache = yes\n");
	ck_assert_ptr_null(policy_load_confdir(f.confdir, NULL, &errs));
	ck_assert_str_eq(errs.v[0].msg, "duplicate key 'policy-cache'");
	rg_errlist_free(&errs);
	memset(&errs, 0, sizeof(errs));
	put(f.confdir, "rootgate.conf", "[rootgate]\npolicy-cache = yes\n");
	ck_assert_ptr_nonnull(p = policy_load_confdir(f.confdir, NULL, &errs));
	ck_assert(!p->cache_off && p->cache_dir == NULL);
	policy_free(p);
	fx_teardown(&f);
}
END_TEST

Suite *
suite_pcache(void)
{
	Suite *s = suite_create("pcache");
	TCase *tc = tcase_create("pcache");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_cache_hit_same_decisions);
	tcase_add_test(tc, test_cache_stale_texts);
	tcase_add_test(tc, test_cache_broken_policy_refused);
	tcase_add_test(tc, test_cache_damaged);
	tcase_add_test(tc, test_cache_stamps);
	tcase_add_test(tc, test_cache_key);
	suite_add_tcase(s, tc);
	return s;
}
