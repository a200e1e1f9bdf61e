/* SPDX-License-Identifier: ISC */
/*
 * test_pathcanon_more.c - pathcanon_resolve() on what test_pathcanon.c
 * leaves out: a new file whose parent passes through a /proc magic link,
 * and permission denied met by an unprivileged caller in this very
 * process (Check's fork), every result's phrase; pathcanon_walk_links()
 * on a tree of links, and the walk that replaces openat2 where the kernel
 * answers ENOSYS (a seccomp filter in Check's fork makes it so).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <seccomp.h>

#include "pathcanon.h"
#include "suites.h"
#include "testutil.h"

/* A new entry under /proc/self/cwd names rootgate's cwd, not the
 * command's: refused like an existing path through the link. */
START_TEST(test_new_under_magic_link)
{
	char out[PATH_MAX];
	bool exists = true;

	ck_assert_int_eq(pathcanon_resolve("/proc/self/cwd/rg-new-file", true,
	    out, sizeof(out), &exists), PC_MAGIC);
	ck_assert_str_eq(out, "");
	ck_assert(!exists);
	ck_assert_int_eq(pathcanon_resolve("/proc/self/root/tmp", false, out,
	    sizeof(out), &exists), PC_MAGIC);
	ck_assert_str_eq(out, "");
	/* the same directory, named plainly, is fine */
	ck_assert_int_eq(pathcanon_resolve("/proc/self", false, out,
	    sizeof(out), &exists), PC_OK);
	ck_assert(exists);
}
END_TEST

START_TEST(test_strerror_every_result)
{
	ck_assert_str_eq(pathcanon_strerror(PC_MAGIC), "passes through a "
	    "/proc magic link (cwd, root or fd of a process)");
	ck_assert_str_eq(pathcanon_strerror(PC_ACCESS),
	    "cannot be resolved: permission denied");
	ck_assert_str_eq(pathcanon_strerror((enum pc_result)999),
	    "is not an acceptable path");
	for (int r = PC_OK; r <= PC_MAGIC; r++)
		ck_assert_ptr_nonnull(pathcanon_strerror((enum pc_result)r));
}
END_TEST

/*
 * An existing path in a directory this caller may not search: the test
 * takes nobody's effective ids, so it needs root and Check's fork (never
 * the runner's own process).
 */
START_TEST(test_access_denied_unprivileged)
{
	const char *fork_mode = getenv("CK_FORK");
	char *top, dir[PATH_MAX], file[PATH_MAX], out[PATH_MAX];
	bool exists = true;
	FILE *fp;

	if (geteuid() != 0 || (fork_mode != NULL &&
	    strcmp(fork_mode, "no") == 0)) {
		fprintf(stderr, "test_access_denied_unprivileged: skipped: "
		    "needs root and CK_FORK\n");
		return;
	}
	top = tu_mkdtemp();
	ck_assert_int_eq(chmod(top, 0711), 0);
	snprintf(dir, sizeof(dir), "%s/closed", top);
	snprintf(file, sizeof(file), "%s/closed/f", top);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	fp = fopen(file, "w");
	ck_assert_ptr_nonnull(fp);
	fclose(fp);
	ck_assert_int_eq(setegid(65534), 0);
	ck_assert_int_eq(seteuid(65534), 0);
	ck_assert_int_eq(pathcanon_resolve(file, false, out, sizeof(out),
	    &exists), PC_ACCESS);
	ck_assert_str_eq(out, "");
	ck_assert(!exists);
	ck_assert_int_eq(pathcanon_resolve(file, true, out, sizeof(out),
	    &exists), PC_ACCESS);
	ck_assert_int_eq(seteuid(0), 0);
	ck_assert_int_eq(setegid(0), 0);
	tu_rmtree(top);
	free(top);
}
END_TEST

static bool
forked(void)
{
	const char *fork_mode = getenv("CK_FORK");

	return fork_mode == NULL || strcmp(fork_mode, "no") != 0;
}

struct walk_log {
	char text[2048];
	int stop_at;	/* return 7 from this call (1-based), 0: never */
	int n;
};

static int
log_link(const char *link, const char *dir, const char *target, void *arg)
{
	struct walk_log *w = arg;
	char line[PATH_MAX * 3];

	snprintf(line, sizeof(line), "%s|%s|%s;", link, dir, target);
	strlcat(w->text, line, sizeof(w->text));
	return ++w->n == w->stop_at ? 7 : 0;
}

/* Every link met, in the kernel's order, with the directory that holds
 * it; the callback's non-zero return ends the walk; loops and overlong
 * expansions fail. */
START_TEST(test_walk_links)
{
	char *top = tu_mkdtemp(), p[PATH_MAX], want[PATH_MAX * 3];
	char target[4001];
	struct walk_log w;

	snprintf(p, sizeof(p), "%s/d", top);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/d/f", top);
	fclose(fopen(p, "w"));
	/* a -> d (relative), b -> TOP/a (absolute), loop1 <-> loop2 */
	snprintf(p, sizeof(p), "%s/a", top);
	ck_assert_int_eq(symlink("d", p), 0);
	snprintf(want, sizeof(want), "%s/a", top);
	snprintf(p, sizeof(p), "%s/b", top);
	ck_assert_int_eq(symlink(want, p), 0);
	snprintf(p, sizeof(p), "%s/loop1", top);
	ck_assert_int_eq(symlink("loop2", p), 0);
	snprintf(p, sizeof(p), "%s/loop2", top);
	ck_assert_int_eq(symlink("loop1", p), 0);

	memset(&w, 0, sizeof(w));
	snprintf(p, sizeof(p), "%s/b/f", top);
	ck_assert_int_eq(pathcanon_walk_links(p, log_link, &w), 0);
	snprintf(want, sizeof(want), "%s/b|%s|%s/a;%s/a|%s|d;", top, top, top,
	    top, top);
	ck_assert_str_eq(w.text, want);
	ck_assert_int_eq(w.n, 2);
	/* stopped by the callback at the first link */
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	ck_assert_int_eq(pathcanon_walk_links(p, log_link, &w), 7);
	ck_assert_int_eq(w.n, 1);
	/* no link at all; a missing component ends the walk too */
	memset(&w, 0, sizeof(w));
	snprintf(p, sizeof(p), "%s/d/f", top);
	ck_assert_int_eq(pathcanon_walk_links(p, log_link, &w), 0);
	snprintf(p, sizeof(p), "%s/missing/x", top);
	ck_assert_int_eq(pathcanon_walk_links(p, log_link, &w), 0);
	ck_assert_int_eq(w.n, 0);
	/* a loop: ELOOP after 40 links */
	snprintf(p, sizeof(p), "%s/loop1/x", top);
	errno = 0;
	ck_assert_int_eq(pathcanon_walk_links(p, log_link, &w), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_int_ge(w.n, 40);
	/* an expansion past PATH_MAX, and a path that is already too long */
	memset(target, 'x', sizeof(target) - 1);
	for (size_t i = 200; i < sizeof(target) - 1; i += 200)
		target[i] = '/';
	target[sizeof(target) - 1] = '\0';
	snprintf(p, sizeof(p), "%s/long", top);
	ck_assert_int_eq(symlink(target, p), 0);
	snprintf(p, sizeof(p), "%s/long/%0200d/%0200d", top, 1, 2);
	memset(&w, 0, sizeof(w));
	errno = 0;
	ck_assert_int_eq(pathcanon_walk_links(p, log_link, &w), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_int_eq(w.n, 1);
	{
		char huge[PATH_MAX + 10];

		memset(huge, 'a', sizeof(huge) - 1);
		huge[0] = '/';
		huge[sizeof(huge) - 1] = '\0';
		errno = 0;
		ck_assert_int_eq(pathcanon_walk_links(huge, log_link, &w), -1);
		ck_assert_int_eq(errno, ENAMETOOLONG);
	}
	tu_rmtree(top);
	free(top);
}
END_TEST

/* A link directly under "/" (the merged /usr's /bin, where it is one):
 * its directory is "/". */
START_TEST(test_walk_links_root)
{
	struct walk_log w;
	struct stat st;

	if (lstat("/bin", &st) < 0 || !S_ISLNK(st.st_mode)) {
		fprintf(stderr, "test_walk_links_root: skipped: /bin is not a "
		    "symbolic link here\n");
		return;
	}
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(pathcanon_walk_links("/bin/sh", log_link, &w), 0);
	ck_assert_int_ge(w.n, 1);
	ck_assert_msg(strncmp(w.text, "/bin|/|", 7) == 0, "%s", w.text);
}
END_TEST

/* The result of a resolution longer than PATH_MAX: PC_TOOLONG. */
START_TEST(test_resolve_expands_too_long)
{
	char *top = tu_mkdtemp(), p[PATH_MAX], out[PATH_MAX];
	char target[4001], comps[4001], *save = NULL;
	bool exists = true;
	int dfd, nfd;

	memset(target, 'x', sizeof(target) - 1);
	for (size_t i = 200; i < sizeof(target) - 1; i += 200)
		target[i] = '/';
	target[sizeof(target) - 1] = '\0';
	/* the link's target exists: realpath gets that far */
	dfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	for (char *c = strtok_r(strcpy(comps, target), "/", &save); c != NULL;
	    c = strtok_r(NULL, "/", &save)) {
		ck_assert_int_eq(mkdirat(dfd, c, 0755), 0);
		nfd = openat(dfd, c, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ck_assert_int_ge(nfd, 0);
		close(dfd);
		dfd = nfd;
	}
	close(dfd);
	snprintf(p, sizeof(p), "%s/long", top);
	ck_assert_int_eq(symlink(target, p), 0);
	snprintf(p, sizeof(p), "%s/long/%0200d/%0200d", top, 1, 2);
	ck_assert_int_eq(pathcanon_resolve(p, true, out, sizeof(out),
	    &exists), PC_TOOLONG);
	ck_assert_str_eq(out, "");
	ck_assert(!exists);
	tu_rmtree(top);
	free(top);
}
END_TEST

/*
 * Without openat2 (ENOSYS, as under a container's seccomp profile or an
 * old kernel): the walk finds the magic links itself. Needs Check's
 * fork: the filter stays on the process.
 */
START_TEST(test_resolve_without_openat2)
{
	char *top, p[PATH_MAX], out[PATH_MAX];
	bool exists = false;
	scmp_filter_ctx ctx;
	int rc;

	if (!forked()) {
		fprintf(stderr, "test_resolve_without_openat2: skipped: needs "
		    "CK_FORK\n");
		return;
	}
	top = tu_mkdtemp();
	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_ptr_nonnull(ctx = seccomp_init(SCMP_ACT_ALLOW));
	ck_assert_int_eq(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
	    SCMP_SYS(openat2), 0), 0);
	if ((rc = seccomp_load(ctx)) == -ENOSYS) {
		/* valgrind 3.19 has no seccomp(2) (doc/quality.md) */
		fprintf(stderr, "test_resolve_without_openat2: SKIP: no "
		    "seccomp(2) here\n");
		seccomp_release(ctx);
		tu_rmtree(top);
		free(top);
		return;
	}
	ck_assert_int_eq(rc, 0);
	seccomp_release(ctx);

	ck_assert_int_eq(pathcanon_resolve("/proc/self/cwd", false, out,
	    sizeof(out), &exists), PC_MAGIC);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(pathcanon_resolve("/proc/self/root/etc", false, out,
	    sizeof(out), &exists), PC_MAGIC);
	ck_assert_int_eq(pathcanon_resolve("/proc/self/cwd/new", true, out,
	    sizeof(out), &exists), PC_MAGIC);
	/* procfs's ordinary link (self -> PID) and plain paths are fine */
	ck_assert_int_eq(pathcanon_resolve("/proc/self/status", false, out,
	    sizeof(out), &exists), PC_OK);
	ck_assert(exists);
	snprintf(p, sizeof(p), "%s/l", top);
	ck_assert_int_eq(symlink(top, p), 0);
	ck_assert_int_eq(pathcanon_resolve(p, false, out, sizeof(out),
	    &exists), PC_OK);
	ck_assert_str_eq(out, top);
	snprintf(p, sizeof(p), "%s/l/new", top);
	ck_assert_int_eq(pathcanon_resolve(p, true, out, sizeof(out),
	    &exists), PC_OK);
	ck_assert(!exists);
	tu_rmtree(top);
	free(top);
}
END_TEST

Suite *
suite_pathcanon_more(void)
{
	Suite *s = suite_create("pathcanon_more");
	TCase *tc = tcase_create("resolve");

	tcase_add_test(tc, test_new_under_magic_link);
	tcase_add_test(tc, test_strerror_every_result);
	tcase_add_test(tc, test_access_denied_unprivileged);
	tcase_add_test(tc, test_walk_links);
	tcase_add_test(tc, test_walk_links_root);
	tcase_add_test(tc, test_resolve_expands_too_long);
	tcase_add_test(tc, test_resolve_without_openat2);
	suite_add_tcase(s, tc);
	return s;
}
