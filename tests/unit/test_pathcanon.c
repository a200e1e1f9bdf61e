/* SPDX-License-Identifier: ISC */
/*
 * test_pathcanon.c - path syntax, lexical normalisation, resolution in a
 * scratch tree (mkdtemp, removed after each test) and the beneath test.
 * Runs as any user; the permission test drops to nobody when root.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <seccomp.h>

#include "pathcanon.h"
#include "suites.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/*
 * top: the test case's directory under TMPDIR; base: this test's scratch
 * tree inside it, canonical (TMPDIR may itself be a symlink).
 */
static char top[PATH_MAX];
static char base[PATH_MAX];

/* ---- syntax ---------------------------------------------------------- */

struct syntax_case {
	const char *path;
	enum pc_result r;
};

static const struct syntax_case syntax_cases[] = {
	{ "/",				PC_OK },
	{ "//",				PC_OK },
	{ "/a//b",			PC_OK },
	{ "/a/./b",			PC_OK },
	{ "/a/",			PC_OK },
	{ "/.",				PC_OK },
	{ "/a/...",			PC_OK },
	{ "/a/..b",			PC_OK },
	{ "/a/b..",			PC_OK },
	{ "/a b",			PC_OK },
	{ "/-rf",			PC_OK },
	{ "",				PC_EMPTY },
	{ "a",				PC_RELATIVE },
	{ "./a",			PC_RELATIVE },
	{ "../a",			PC_RELATIVE },
	{ " /a",			PC_RELATIVE },
	{ "~/a",			PC_RELATIVE },
	{ "/..",			PC_DOTDOT },
	{ "/a/..",			PC_DOTDOT },
	{ "/a/../",			PC_DOTDOT },
	{ "/../a",			PC_DOTDOT },
	{ "/a/../b",			PC_DOTDOT },
	{ "/a//..//b",			PC_DOTDOT },
	{ "/a/\x01",			PC_BADBYTE },
	{ "/a\n",			PC_BADBYTE },
	{ "/a\nb",			PC_BADBYTE },
	{ "/a\tb",			PC_BADBYTE },
	{ "/a\rb",			PC_BADBYTE },
	{ "/a\x7f",			PC_BADBYTE },
	{ "/a\x1b[2J",			PC_BADBYTE },
	{ "/\xc2\x9b" "2J",		PC_BADBYTE },	/* C1 CSI */
	{ "/\xc2\x80",			PC_BADBYTE },
	{ "/\xc2\xa0",			PC_OK },	/* NBSP */
	{ "/caf\xc3\xa9",		PC_OK },
	{ "/\xe2\x82\xac",		PC_OK },	/* U+20AC */
	{ "/\xed\x9f\xbf",		PC_OK },	/* U+D7FF */
	{ "/\xee\x80\x80",		PC_OK },	/* U+E000 */
	{ "/\xf0\x9f\x98\x80",		PC_OK },	/* U+1F600 */
	{ "/\xf4\x8f\xbf\xbf",		PC_OK },	/* U+10FFFF */
	{ "/\xc0\xaf",			PC_BADUTF8 },	/* overlong '/' */
	{ "/\xc0\xae\xc0\xae",		PC_BADUTF8 },	/* overlong ".." */
	{ "/\xc1\xbf",			PC_BADUTF8 },
	{ "/\xe0\x80\xaf",		PC_BADUTF8 },
	{ "/\xe0\x9f\xbf",		PC_BADUTF8 },
	{ "/\xf0\x80\x80\xaf",		PC_BADUTF8 },
	{ "/\xf0\x8f\xbf\xbf",		PC_BADUTF8 },
	{ "/\xed\xa0\x80",		PC_BADUTF8 },	/* U+D800 */
	{ "/\xed\xbf\xbf",		PC_BADUTF8 },	/* U+DFFF */
	{ "/\xed\xa0\xbd\xed\xb8\x80",	PC_BADUTF8 },	/* CESU-8 pair */
	{ "/\xf4\x90\x80\x80",		PC_BADUTF8 },	/* U+110000 */
	{ "/\xf5\x80\x80\x80",		PC_BADUTF8 },
	{ "/\xf8\x88\x80\x80\x80",	PC_BADUTF8 },
	{ "/\xfe",			PC_BADUTF8 },
	{ "/\xff",			PC_BADUTF8 },
	{ "/\x80",			PC_BADUTF8 },
	{ "/a\xbf",			PC_BADUTF8 },
	{ "/\xc3",			PC_BADUTF8 },
	{ "/\xc3/",			PC_BADUTF8 },
	{ "/\xe2\x82",			PC_BADUTF8 },
	{ "/\xe2\x82/x",		PC_BADUTF8 },
	{ "/\xf0\x9f\x98",		PC_BADUTF8 },
	{ "/\xc3\xa9\xa9",		PC_BADUTF8 },
	{ "/\xe2\x28\xa1",		PC_BADUTF8 },
};

START_TEST(test_syntax)
{
	const struct syntax_case *c = &syntax_cases[_i];
	enum pc_result r = pathcanon_check_syntax(c->path);

	ck_assert_msg(r == c->r, "case %d: check_syntax = %d (%s), want %d",
	    _i, r, pathcanon_strerror(r), c->r);
}
END_TEST

/* Fill buf with "/" then n-1 bytes of components of at most comp bytes. */
static void
make_long(char *buf, size_t n, size_t comp)
{
	size_t run = 0;

	buf[0] = '/';
	for (size_t i = 1; i < n; i++) {
		if (run == comp && i + 1 < n) {
			buf[i] = '/';
			run = 0;
		} else {
			buf[i] = 'a';
			run++;
		}
	}
	buf[n] = '\0';
}

START_TEST(test_syntax_lengths)
{
	static char big[PATH_MAX * 4];
	char e[2 * 129 + 2];

	make_long(big, 1 + NAME_MAX, NAME_MAX);
	ck_assert_int_eq(pathcanon_check_syntax(big), PC_OK);
	make_long(big, 1 + NAME_MAX + 1, NAME_MAX + 1);
	ck_assert_int_eq(pathcanon_check_syntax(big), PC_TOOLONG);
	make_long(big, PATH_MAX - 1, 100);
	ck_assert_int_eq(pathcanon_check_syntax(big), PC_OK);
	make_long(big, PATH_MAX, 100);
	ck_assert_int_eq(pathcanon_check_syntax(big), PC_TOOLONG);
	make_long(big, sizeof(big) - 1, 100);
	ck_assert_int_eq(pathcanon_check_syntax(big), PC_TOOLONG);

	/* NAME_MAX counts bytes, not characters. */
	e[0] = '/';
	for (int i = 0; i < 128; i++)
		memcpy(e + 1 + 2 * i, "\xc3\xa9", 2);
	e[1 + 256] = '\0';
	ck_assert_int_eq(pathcanon_check_syntax(e), PC_TOOLONG);
	e[1 + 254] = '\0';
	ck_assert_int_eq(pathcanon_check_syntax(e), PC_OK);
	ck_assert_int_eq(pathcanon_check_syntax(NULL), PC_EMPTY);
}
END_TEST

/* ---- lexical --------------------------------------------------------- */

struct lex_case {
	const char *in;
	enum pc_result r;
	const char *out;
};

static const struct lex_case lex_cases[] = {
	{ "/",			PC_OK,		"/" },
	{ "//",			PC_OK,		"/" },
	{ "/.",			PC_OK,		"/" },
	{ "/./",		PC_OK,		"/" },
	{ "/a",			PC_OK,		"/a" },
	{ "/a/",		PC_OK,		"/a" },
	{ "///a///",		PC_OK,		"/a" },
	{ "/a//b/",		PC_OK,		"/a/b" },
	{ "/./a/./b/.",		PC_OK,		"/a/b" },
	{ "/a/.b/..c",		PC_OK,		"/a/.b/..c" },
	{ "/a/../b",		PC_DOTDOT,	"" },
	{ "/a/b/..",		PC_DOTDOT,	"" },
	{ "a/b",		PC_RELATIVE,	"" },
	{ "",			PC_EMPTY,	"" },
	{ "/a\x1b",		PC_BADBYTE,	"" },
	{ "/\xc0\xaf",		PC_BADUTF8,	"" },
};

START_TEST(test_lexical)
{
	const struct lex_case *c = &lex_cases[_i];
	char out[64];
	enum pc_result r;

	memset(out, 'x', sizeof(out));
	r = pathcanon_lexical(c->in, out, sizeof(out));
	ck_assert_msg(r == c->r, "lexical(\"%s\") = %d, want %d", c->in, r,
	    c->r);
	ck_assert_str_eq(out, c->out);
}
END_TEST

START_TEST(test_lexical_short)
{
	char out[8];

	memset(out, 'x', sizeof(out));
	ck_assert_int_eq(pathcanon_lexical("/abc", out, 4), PC_TOOLONG);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(out[1], 'x');
	ck_assert_int_eq(pathcanon_lexical("//abc//", out, 5), PC_OK);
	ck_assert_str_eq(out, "/abc");
	ck_assert_int_eq(pathcanon_lexical("/", out, 1), PC_TOOLONG);
	ck_assert_int_eq(pathcanon_lexical("/", out, 2), PC_OK);
	ck_assert_str_eq(out, "/");
	ck_assert_int_eq(pathcanon_lexical("/", out, 0), PC_TOOLONG);
	ck_assert_int_eq(pathcanon_lexical("/", NULL, 8), PC_TOOLONG);
}
END_TEST

/* ---- beneath --------------------------------------------------------- */

struct beneath_case {
	const char *path;
	const char *prefix;
	bool allow_equal;
	bool want;
};

static const struct beneath_case beneath_cases[] = {
	{ "/a/b/c",		"/a/b",		false,	true },
	{ "/a/b/c/d",		"/a/b",		false,	true },
	{ "/a/b",		"/a/b",		false,	false },
	{ "/a/b",		"/a/b",		true,	true },
	{ "/a/bc",		"/a/b",		true,	false },
	{ "/a/bc/d",		"/a/b",		true,	false },
	{ "/a/b",		"/a/bc",	true,	false },
	{ "/a",			"/a/b",		true,	false },
	{ "/base_evil",		"/base",	true,	false },
	{ "/base/evil",		"/base",	true,	true },
	{ "/a/b/c",		"/a/b/",	false,	true },
	{ "/a/b",		"/a/b/",	true,	true },
	{ "/a/b",		"/a/b/",	false,	false },
	{ "/a/b/",		"/a/b",		false,	false },
	{ "/a/bc",		"/a/b/",	false,	false },
	{ "/x",			"/",		false,	true },
	{ "/etc/shadow",	"/",		true,	true },
	{ "/",			"/",		false,	false },
	{ "/",			"/",		true,	true },
	{ "/",			"//",		true,	true },
	{ "/",			"/a",		true,	false },
	{ "/a//b/c",		"/a/b",		false,	true },
	{ "/a/b/c",		"//a//b//",	false,	true },
	{ "/a/./b/c",		"/a/b",		false,	true },
	{ "/a/b/c",		"/a/./b/.",	false,	true },
	{ "/a/b/../../etc",	"/a/b",		false,	false },
	{ "/a/b/..",		"/a/b",		true,	false },
	{ "/a/../a/b/c",	"/a/b",		true,	false },
	{ "/a/b/c",		"/a/b/..",	true,	false },
	{ "/a/../x",		"/a/..",	true,	false },
	{ "/a/b/c/..",		"/a/b",		true,	false },
	{ "/a/b/c/../../../x",	"/a/b",		true,	false },
	{ "/A/b",		"/a",		true,	false },
	{ "/a/b\xc3\xa9",	"/a/b",		true,	false },
	{ "a/b/c",		"a/b",		true,	false },
	{ "/a/b/c",		"a/b",		true,	false },
	{ "a/b/c",		"/",		true,	false },
	{ "",			"/",		true,	false },
	{ "/a/b/c",		"",		true,	false },
};

START_TEST(test_beneath)
{
	const struct beneath_case *c = &beneath_cases[_i];

	ck_assert_msg(pathcanon_beneath(c->path, c->prefix, c->allow_equal) ==
	    c->want, "beneath(\"%s\", \"%s\", %d) != %d", c->path, c->prefix,
	    c->allow_equal, c->want);
}
END_TEST

START_TEST(test_beneath_null)
{
	ck_assert(!pathcanon_beneath(NULL, "/", true));
	ck_assert(!pathcanon_beneath("/a", NULL, true));
}
END_TEST

/* ---- resolution in a scratch tree ------------------------------------ */

static int
rm_entry(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	/* Best effort: a leftover in TMPDIR must not fail the test. */
	(void)remove(p);
	return 0;
}

static int ndnr;

static int
unlock_entry(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DNR)
		ndnr++;
	if (type == FTW_D || type == FTW_DNR)
		(void)chmod(p, 0700);
	return 0;
}

/* Remove a scratch tree, even one the permission test left unreadable. */
static void
remove_tree(const char *dir)
{
	if (dir[0] != '/')
		return;
	for (int pass = 0; pass < 8; pass++) {
		ndnr = 0;
		(void)nftw(dir, unlock_entry, 16, FTW_PHYS);
		if (ndnr == 0)
			break;
	}
	(void)nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void
mk(const char *rel, char kind, const char *target)
{
	char p[PATH_MAX];
	int fd;

	ck_assert_int_lt(snprintf(p, sizeof(p), "%s/%s", base, rel),
	    (int)sizeof(p));
	switch (kind) {
	case 'd':
		ck_assert_msg(mkdir(p, 0755) == 0, "mkdir %s: %m", p);
		break;
	case 'f':
		fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		ck_assert_msg(fd >= 0, "create %s: %m", p);
		close(fd);
		break;
	default:
		ck_assert_msg(symlink(target, p) == 0, "symlink %s: %m", p);
		break;
	}
}

/*
 * Unchecked fixture, in the runner process: one top directory for the
 * whole test case, removed even when a test failed and exited without
 * its own teardown.
 */
static void
top_setup(void)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	if (snprintf(top, sizeof(top), "%s/rootgate-pc.XXXXXX", tmp) >=
	    (int)sizeof(top) || mkdtemp(top) == NULL)
		top[0] = '\0';
}

static void
top_teardown(void)
{
	remove_tree(top);
	top[0] = '\0';
}

/* Checked fixture: a fresh tree for each test, inside top. */
static void
tree_setup(void)
{
	char tmpl[PATH_MAX];
	char *real;

	ck_assert_msg(top[0] == '/', "no scratch directory under TMPDIR");
	ck_assert_int_lt(snprintf(tmpl, sizeof(tmpl), "%s/t.XXXXXX", top),
	    (int)sizeof(tmpl));
	ck_assert_msg(mkdtemp(tmpl) != NULL, "mkdtemp: %m");
	real = realpath(tmpl, NULL);
	ck_assert_ptr_nonnull(real);
	ck_assert_uint_lt(strlen(real), sizeof(base));
	strcpy(base, real);
	free(real);

	mk("d", 'd', NULL);
	mk("d/f", 'f', NULL);
	mk("d/sub", 'd', NULL);
	mk("out", 'd', NULL);
	mk("out/secret", 'f', NULL);
	mk("d_evil", 'd', NULL);
	mk("d/esc", 'l', "../out");		/* leaves d */
	mk("d/escf", 'l', "../out/secret");
	mk("d/escabs", 'l', "/");
	mk("d/in", 'l', "sub");			/* stays in d */
	mk("d/chain", 'l', "in");		/* link to a link */
	mk("d/dang", 'l', "nowhere");
	mk("d/dangabs", 'l', "/nonexistent-rootgate-test/x");
	mk("d/dangout", 'l', "../out/new");
	mk("d/loop", 'l', "loop");
	mk("d/l1", 'l', "l2");
	mk("d/l2", 'l', "l1");
	mk("link_d", 'l', "d");			/* symlinked parent */
	mk("d/evil", 'l', "../d_evil");
}

static void
tree_teardown(void)
{
	remove_tree(base);
	base[0] = '\0';
}

/* "@" at the start of a case's path stands for the scratch tree. */
static void
expand(const char *s, char *buf, size_t len)
{
	int n;

	if (s[0] == '@')
		n = snprintf(buf, len, "%s%s", base, s + 1);
	else
		n = snprintf(buf, len, "%s", s);
	ck_assert(n >= 0 && (size_t)n < len);
}

/* A new name directly under "/" (its parent resolves to "/" itself). */
#define NOSUCH "/rootgate-test-nonexistent-5f3a9c"

struct res_case {
	const char *path;
	bool allow_new;
	enum pc_result r;
	const char *out;	/* when r is PC_OK */
	bool exists;
};

static const struct res_case res_cases[] = {
	{ "@/d",		false,	PC_OK,		"@/d",		true },
	{ "@/d/",		false,	PC_OK,		"@/d",		true },
	{ "@//d///f",		false,	PC_OK,		"@/d/f",	true },
	{ "@/d/./f",		false,	PC_OK,		"@/d/f",	true },
	{ "@/./d/.",		true,	PC_OK,		"@/d",		true },
	{ "@/d/f",		true,	PC_OK,		"@/d/f",	true },
	{ "@/d/f/",		false,	PC_NOTDIR,	NULL,		false },
	{ "@/d/f/.",		true,	PC_NOTDIR,	NULL,		false },
	{ "@/d/f/x",		false,	PC_NOTDIR,	NULL,		false },
	{ "@/d/f/x",		true,	PC_NOTDIR,	NULL,		false },
	{ "@/d/missing",	false,	PC_NOENT,	NULL,		false },
	{ "@/d/missing",	true,	PC_OK,		"@/d/missing",	false },
	{ "@/d/missing/",	true,	PC_OK,		"@/d/missing",	false },
	{ "@/d/missing//",	true,	PC_OK,		"@/d/missing",	false },
	{ "@/d//./missing",	true,	PC_OK,		"@/d/missing",	false },
	{ "@/d/missing/.",	true,	PC_NOENT,	NULL,		false },
	{ "@/d/missing/x",	true,	PC_NOPARENT,	NULL,		false },
	{ "@/d/missing/x",	false,	PC_NOENT,	NULL,		false },
	{ "@/nodir/new",	true,	PC_NOPARENT,	NULL,		false },
	{ "@/d/esc",		false,	PC_OK,		"@/out",	true },
	{ "@/d/esc/secret",	false,	PC_OK,		"@/out/secret",	true },
	{ "@/d/escf",		false,	PC_OK,		"@/out/secret",	true },
	{ "@/d/esc/new",	true,	PC_OK,		"@/out/new",	false },
	{ "@/d/escabs",		false,	PC_OK,		"/",		true },
	{ "@/d/in",		false,	PC_OK,		"@/d/sub",	true },
	{ "@/d/chain/",		false,	PC_OK,		"@/d/sub",	true },
	{ "@/d/chain/new",	true,	PC_OK,		"@/d/sub/new",	false },
	{ "@/link_d/f",		false,	PC_OK,		"@/d/f",	true },
	{ "@/link_d/new",	true,	PC_OK,		"@/d/new",	false },
	{ "@/link_d",		false,	PC_OK,		"@/d",		true },
	{ "@/d/evil",		false,	PC_OK,		"@/d_evil",	true },
	{ "@/d/dang",		true,	PC_DANGLING,	NULL,		false },
	{ "@/d/dang",		false,	PC_DANGLING,	NULL,		false },
	{ "@/d/dang/",		true,	PC_DANGLING,	NULL,		false },
	{ "@/d/dangabs",	true,	PC_DANGLING,	NULL,		false },
	{ "@/d/dangout",	true,	PC_DANGLING,	NULL,		false },
	{ "@/link_d/dang",	true,	PC_DANGLING,	NULL,		false },
	{ "@/d/dang/x",		true,	PC_NOPARENT,	NULL,		false },
	{ "@/d/loop",		false,	PC_LOOP,	NULL,		false },
	{ "@/d/loop",		true,	PC_LOOP,	NULL,		false },
	{ "@/d/loop/x",		true,	PC_LOOP,	NULL,		false },
	{ "@/d/l1",		true,	PC_LOOP,	NULL,		false },
	{ "@/d/l1/x",		true,	PC_LOOP,	NULL,		false },
	{ "@/d/../out",		false,	PC_DOTDOT,	NULL,		false },
	{ "@/d/..",		true,	PC_DOTDOT,	NULL,		false },
	{ "@/d/sub/../f",	false,	PC_DOTDOT,	NULL,		false },
	{ "@/d/\x01",		true,	PC_BADBYTE,	NULL,		false },
	{ "@/d/f\n",		true,	PC_BADBYTE,	NULL,		false },
	{ "@/d/\xff",		true,	PC_BADUTF8,	NULL,		false },
	{ "@/d/\xc0\xae\xc0\xae/f", true, PC_BADUTF8,	NULL,		false },
	{ "/",			false,	PC_OK,		"/",		true },
	{ NOSUCH,		false,	PC_NOENT,	NULL,		false },
	{ NOSUCH,		true,	PC_OK,		NOSUCH,		false },
	{ NOSUCH "/",		true,	PC_OK,		NOSUCH,		false },
	{ "@/d/escabs" NOSUCH,	true,	PC_OK,		NOSUCH,		false },
	{ "//",			false,	PC_OK,		"/",		true },
	{ "d/f",		true,	PC_RELATIVE,	NULL,		false },
	{ "",			true,	PC_EMPTY,	NULL,		false },
};

START_TEST(test_resolve)
{
	const struct res_case *c = &res_cases[_i];
	char path[PATH_MAX], want[PATH_MAX], out[PATH_MAX];
	bool exists = !c->exists;
	enum pc_result r;

	expand(c->path, path, sizeof(path));
	memset(out, 'x', sizeof(out));
	r = pathcanon_resolve(path, c->allow_new, out, sizeof(out), &exists);
	ck_assert_msg(r == c->r, "resolve(\"%s\", %d) = %d (%s), want %d",
	    c->path, c->allow_new, r, pathcanon_strerror(r), c->r);
	if (c->r != PC_OK) {
		ck_assert_str_eq(out, "");
		ck_assert(!exists);
		return;
	}
	expand(c->out, want, sizeof(want));
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(exists, c->exists);
	/* A resolved path is canonical: valid, and lexically normal. */
	ck_assert_int_eq(pathcanon_check_syntax(out), PC_OK);
	ck_assert_int_eq(pathcanon_lexical(out, want, sizeof(want)), PC_OK);
	ck_assert_str_eq(out, want);
}
END_TEST

/* The point of resolution: a symlink cannot carry a path out of a prefix. */
START_TEST(test_resolve_then_beneath)
{
	char path[PATH_MAX], prefix[PATH_MAX], out[PATH_MAX];
	bool exists;

	expand("@/d", prefix, sizeof(prefix));

	expand("@/d/esc/secret", path, sizeof(path));
	ck_assert(pathcanon_beneath(path, prefix, false));	/* as written */
	ck_assert_int_eq(pathcanon_resolve(path, false, out, sizeof(out),
	    &exists), PC_OK);
	ck_assert(!pathcanon_beneath(out, prefix, true));

	expand("@/d/evil", path, sizeof(path));
	ck_assert_int_eq(pathcanon_resolve(path, false, out, sizeof(out),
	    &exists), PC_OK);
	ck_assert(!pathcanon_beneath(out, prefix, true));	/* d_evil */

	expand("@/d/esc/new", path, sizeof(path));
	ck_assert_int_eq(pathcanon_resolve(path, true, out, sizeof(out),
	    &exists), PC_OK);
	ck_assert(!exists);
	ck_assert(!pathcanon_beneath(out, prefix, true));

	expand("@/link_d/sub/new", path, sizeof(path));
	ck_assert(!pathcanon_beneath(path, prefix, true));	/* as written */
	ck_assert_int_eq(pathcanon_resolve(path, true, out, sizeof(out),
	    &exists), PC_OK);
	ck_assert(pathcanon_beneath(out, prefix, false));

	expand("@/d/escabs/etc", path, sizeof(path));
	ck_assert_int_eq(pathcanon_resolve(path, true, out, sizeof(out),
	    &exists), PC_OK);
	ck_assert_str_eq(out, "/etc");
	ck_assert(!pathcanon_beneath(out, prefix, true));
}
END_TEST

START_TEST(test_resolve_short_buffer)
{
	char path[PATH_MAX], out[PATH_MAX];
	size_t n = strlen(base);
	bool exists = true;

	expand("@/d/f", path, sizeof(path));
	/* Exactly enough room, then one byte short. */
	ck_assert_int_eq(pathcanon_resolve(path, false, out, n + 5, &exists),
	    PC_OK);
	ck_assert(exists);
	ck_assert_int_eq(pathcanon_resolve(path, false, out, n + 4, &exists),
	    PC_TOOLONG);
	ck_assert(!exists);
	ck_assert_str_eq(out, "");

	expand("@/d/newname", path, sizeof(path));
	ck_assert_int_eq(pathcanon_resolve(path, true, out, n + 11, &exists),
	    PC_OK);
	ck_assert_int_eq(pathcanon_resolve(path, true, out, n + 10, &exists),
	    PC_TOOLONG);
	ck_assert_int_eq(pathcanon_resolve(path, true, out, 0, &exists),
	    PC_TOOLONG);
	ck_assert_int_eq(pathcanon_resolve(path, true, NULL, 8, &exists),
	    PC_TOOLONG);
	/* exists may be NULL. */
	ck_assert_int_eq(pathcanon_resolve(path, true, out, sizeof(out),
	    NULL), PC_OK);
}
END_TEST

START_TEST(test_resolve_long)
{
	static char path[PATH_MAX * 2];
	char out[PATH_MAX];
	size_t n;

	expand("@/d/", path, sizeof(path));
	n = strlen(path);
	memset(path + n, 'a', NAME_MAX + 1);
	path[n + NAME_MAX + 1] = '\0';
	ck_assert_int_eq(pathcanon_resolve(path, true, out, sizeof(out),
	    NULL), PC_TOOLONG);
	path[n + NAME_MAX] = '\0';	/* a legal new name */
	ck_assert_int_eq(pathcanon_resolve(path, true, out, sizeof(out),
	    NULL), PC_OK);

	/* Many "./" keep it short on disk but long as written. */
	expand("@/d", path, sizeof(path));
	n = strlen(path);
	while (n + 2 < sizeof(path) - 8) {
		memcpy(path + n, "/.", 2);
		n += 2;
	}
	strcpy(path + n, "/f");
	ck_assert_int_eq(pathcanon_resolve(path, false, out, sizeof(out),
	    NULL), PC_TOOLONG);
}
END_TEST

/*
 * Resolve, in a child, a file and a new name inside an unreadable
 * directory, and a readable file; when root, drop to nobody first so that
 * the test process itself keeps its credentials. Exit status: the two
 * results as r1 << 4 | r2; 253 if the readable file failed; 255 if the
 * credentials could not be dropped.
 */
static int
access_probe(const char *noacc_file, const char *noacc_new, const char *ok)
{
	char out[PATH_MAX];
	int r1, r2;

	if (geteuid() == 0 && (setgroups(0, NULL) < 0 ||
	    setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0))
		return 255;
	if (pathcanon_resolve(ok, false, out, sizeof(out), NULL) != PC_OK)
		return 253;
	r1 = pathcanon_resolve(noacc_file, false, out, sizeof(out), NULL);
	r2 = pathcanon_resolve(noacc_new, true, out, sizeof(out), NULL);
	return r1 << 4 | r2;
}

START_TEST(test_resolve_access)
{
	char dir[PATH_MAX], file[PATH_MAX], newp[PATH_MAX], ok[PATH_MAX];
	int status, code;
	pid_t pid;

	mk("noacc", 'd', NULL);
	mk("noacc/f", 'f', NULL);
	expand("@/noacc", dir, sizeof(dir));
	expand("@/noacc/f", file, sizeof(file));
	expand("@/noacc/new", newp, sizeof(newp));
	expand("@/d/f", ok, sizeof(ok));
	/* mkdtemp made both 0700; nobody must be able to reach d/f. */
	ck_assert_int_eq(chmod(top, 0711), 0);
	ck_assert_int_eq(chmod(base, 0711), 0);
	ck_assert_int_eq(chmod(dir, 0), 0);

	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(access_probe(file, newp, ok));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	(void)chmod(dir, 0700);
	ck_assert(WIFEXITED(status));
	code = WEXITSTATUS(status);
	if (code == 255) {
		fprintf(stderr, "test_resolve_access: skipped: cannot drop "
		    "to uid 65534\n");
		return;
	}
	ck_assert_int_ne(code, 253);
	ck_assert_int_eq(code >> 4, PC_ACCESS);
	ck_assert_int_eq(code & 0xf, PC_ACCESS);
}
END_TEST

START_TEST(test_strerror)
{
	for (int r = PC_OK; r <= PC_IO; r++) {
		const char *m = pathcanon_strerror((enum pc_result)r);

		ck_assert_ptr_nonnull(m);
		ck_assert_int_gt(strlen(m), 0);
	}
	ck_assert_str_eq(pathcanon_strerror(PC_DOTDOT),
	    "contains a '..' component");
	ck_assert_ptr_nonnull(pathcanon_strerror((enum pc_result)99));
}
END_TEST

/*
 * Without openat2 (ENOSYS, as under an old container seccomp profile or
 * valgrind) magic links are still refused, by the walk over procfs links.
 * In a child of our own, whose seccomp filter answers openat2 with ENOSYS:
 * the filter must not outlive the test even when Check does not fork.
 */
START_TEST(test_magic_without_openat2)
{
	static const struct {
		const char *path;
		bool allow_new;
		enum pc_result want;
	} cases[] = {
		{ "/proc/self/cwd", false, PC_MAGIC },
		{ "/proc/self/root/etc/passwd", false, PC_MAGIC },
		{ "/proc/thread-self/cwd", false, PC_MAGIC },
		{ "/dev/fd/@", false, PC_MAGIC },	/* @: a file's fd */
		{ "/proc/self/fd/@", false, PC_MAGIC },
		{ "/proc/self/cwd/rg-new", true, PC_MAGIC },
		{ "/proc/self/mounts", false, PC_OK },	/* self/mounts, relative */
		{ "/etc/passwd", false, PC_OK },
	};
	pid_t pid;
	int st;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char out[PATH_MAX];
		int fd;

		/* valgrind has no openat2 (nor seccomp): ENOSYS already */
		if (syscall(SYS_openat2, AT_FDCWD, "/", NULL, 0) >= 0 ||
		    errno != ENOSYS) {
			scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
			int rc;

			if (ctx == NULL)
				_exit(100);
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
			    SCMP_SYS(openat2), 0);
			if (rc == 0)
				rc = seccomp_load(ctx);
			seccomp_release(ctx);
			if (rc < 0)
				_exit(100);
		}
		fd = open("/etc/passwd", O_RDONLY);
		if (fd < 0)
			_exit(102);
		if (syscall(SYS_openat2, AT_FDCWD, "/", NULL, 0) >= 0 ||
		    errno != ENOSYS)
			_exit(101);
		for (size_t i = 0; i < NELEM(cases); i++) {
			char path[64], *at;

			strlcpy(path, cases[i].path, sizeof(path));
			if ((at = strchr(path, '@')) != NULL)
				snprintf(at, sizeof(path) - (size_t)(at - path),
				    "%d", fd);
			if (pathcanon_resolve(path, cases[i].allow_new, out,
			    sizeof(out), NULL) != cases[i].want)
				_exit((int)i + 1);
		}
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st), "child died");
	ck_assert_msg(WEXITSTATUS(st) == 0, "case %d (100+: no filter)",
	    WEXITSTATUS(st) - 1);
}
END_TEST

Suite *
suite_pathcanon(void)
{
	Suite *s = suite_create("pathcanon");
	TCase *pure = tcase_create("pure");
	TCase *fs = tcase_create("fs");

	tcase_add_loop_test(pure, test_syntax, 0, NELEM(syntax_cases));
	tcase_add_test(pure, test_syntax_lengths);
	tcase_add_loop_test(pure, test_lexical, 0, NELEM(lex_cases));
	tcase_add_test(pure, test_lexical_short);
	tcase_add_loop_test(pure, test_beneath, 0, NELEM(beneath_cases));
	tcase_add_test(pure, test_beneath_null);
	tcase_add_test(pure, test_strerror);
	suite_add_tcase(s, pure);

	tcase_add_unchecked_fixture(fs, top_setup, top_teardown);
	tcase_add_checked_fixture(fs, tree_setup, tree_teardown);
	tcase_add_loop_test(fs, test_resolve, 0, NELEM(res_cases));
	tcase_add_test(fs, test_resolve_then_beneath);
	tcase_add_test(fs, test_resolve_short_buffer);
	tcase_add_test(fs, test_resolve_long);
	tcase_add_test(fs, test_resolve_access);
	tcase_add_test(fs, test_magic_without_openat2);
	suite_add_tcase(s, fs);
	return s;
}
