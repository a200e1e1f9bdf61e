/* SPDX-License-Identifier: ISC */
/*
 * test_fswatch.c - the prepared inits' change counter (fswatch.h): real
 * directories, renames, creations and a real mount. Not tested here: a
 * path on NFS, SMB, Ceph or FUSE (fswatch_profile must refuse it: none
 * is mounted on a test machine); the refusal's decision is the f_type
 * switch in fswatch.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "fswatch.h"
#include "policy.h"
#include "suites.h"
#include "testutil.h"

static char top[256];

static void
mk(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	ck_assert_msg(mkdir(p, 0755) == 0, "mkdir %s: %s", p, strerror(errno));
}

static void
put(const char *rel)
{
	char p[512];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void
mv(const char *from, const char *to)
{
	char a[512], b[512];

	snprintf(a, sizeof(a), "%s/%s", top, from);
	snprintf(b, sizeof(b), "%s/%s", top, to);
	ck_assert_int_eq(rename(a, b), 0);
}

static void
setup(void)
{
	char *t = tu_mkdtemp();

	ck_assert_ptr_nonnull(t);
	snprintf(top, sizeof(top), "%s", t);
	free(t);
	mk("etc");
	mk("other");
}

static void
teardown(void)
{
	tu_rmtree(top);
}

static int
watch(struct fswatch *w, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	return fswatch_path(w, p);
}

/* A mount namespace of our own (the test's forked process: never the
 * runner's), so the host's table stays as it was. As root (the test
 * checks: TU_NEED_ROOT returns from its caller). */
static void
own_mount_ns(void)
{
	const char *fork_mode = getenv("CK_FORK");

	if (fork_mode != NULL && strcmp(fork_mode, "no") == 0)
		ck_abort_msg("a mount test needs Check's fork (CK_FORK)");
	ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	/* source and type are ignored here; named, not NULL, for memcheck */
	ck_assert_int_eq(mount("none", "/", "none", MS_REC | MS_PRIVATE,
	    NULL), 0);
}

/* A rename over a watched path's entry (useradd's new /etc/shadow), its
 * creation, its removal: each one change; nothing between them. */
START_TEST(t_entries)
{
	struct fswatch w;
	uint64_t g;

	ck_assert_int_eq(fswatch_open(&w), 0);
	put("etc/shadow");
	ck_assert_int_eq(watch(&w, "etc/shadow"), 0);
	g = fswatch_gen(&w);
	ck_assert_uint_eq(fswatch_gen(&w), g);	/* quiet: no change */
	put("etc/shadow.new");
	ck_assert_uint_eq(fswatch_gen(&w), g + 1);
	mv("etc/shadow.new", "etc/shadow");
	ck_assert_uint_eq(fswatch_gen(&w), g + 2);
	ck_assert_uint_eq(fswatch_gen(&w), g + 2);
	/* elsewhere: not watched, no change */
	put("other/x");
	mv("other/x", "other/y");
	ck_assert_uint_eq(fswatch_gen(&w), g + 2);
	/* writing a file's contents is no change of the tree */
	put("etc/shadow");
	ck_assert_uint_eq(fswatch_gen(&w), g + 2);
	fswatch_close(&w);
	ck_assert_int_eq(w.mfd, -1);
	ck_assert_int_eq(w.ifd, -1);
}
END_TEST

/* A path whose directories do not exist yet: the first missing one
 * appearing is a change; so is a directory above renamed away. */
START_TEST(t_missing_and_ancestors)
{
	struct fswatch w;
	uint64_t g;

	ck_assert_int_eq(fswatch_open(&w), 0);
	ck_assert_int_eq(watch(&w, "etc/ssh/keys/host"), 0);
	g = fswatch_gen(&w);
	mk("etc/ssh");
	ck_assert_uint_eq(fswatch_gen(&w), g + 1);
	/* the directory above everything here: renamed */
	mv("etc", "etc.old");
	ck_assert_uint_gt(fswatch_gen(&w), g + 1);
	fswatch_close(&w);
}
END_TEST

/* A path through a symbolic link: the target's directories count. */
START_TEST(t_link_target)
{
	struct fswatch w;
	char l[512], t[512];
	uint64_t g;

	ck_assert_int_eq(fswatch_open(&w), 0);
	mk("other/real");
	snprintf(t, sizeof(t), "%s/other/real", top);
	snprintf(l, sizeof(l), "%s/etc/link", top);
	ck_assert_int_eq(symlink(t, l), 0);
	put("other/real/secret");
	ck_assert_int_eq(watch(&w, "etc/link/secret"), 0);
	g = fswatch_gen(&w);
	put("other/real/secret.new");
	mv("other/real/secret.new", "other/real/secret");
	ck_assert_uint_gt(fswatch_gen(&w), g);
	fswatch_close(&w);
}
END_TEST

/* A mount anywhere in the daemon's namespace, and its unmount. */
START_TEST(t_mounts)
{
	struct fswatch w;
	char p[512];
	uint64_t g;

	TU_NEED_ROOT();
	own_mount_ns();
	ck_assert_int_eq(fswatch_open(&w), 0);
	g = fswatch_gen(&w);
	snprintf(p, sizeof(p), "%s/other", top);
	ck_assert_int_eq(mount("tmpfs", p, "tmpfs", 0, "size=64k"), 0);
	ck_assert_uint_eq(fswatch_gen(&w), g + 1);
	ck_assert_uint_eq(fswatch_gen(&w), g + 1);
	ck_assert_int_eq(umount(p), 0);
	ck_assert_uint_eq(fswatch_gen(&w), g + 2);
	fswatch_close(&w);
}
END_TEST

/* Invariant 4: fswatch_mounts sees mount changes only, and takes each
 * once; a change taken elsewhere (rootgated's epoll) is counted by
 * fswatch_changed. */
START_TEST(t_mounts_only)
{
	struct fswatch w;
	char p[512];
	uint64_t g;

	TU_NEED_ROOT();
	own_mount_ns();
	ck_assert_int_eq(fswatch_open(&w), 0);
	ck_assert_int_eq(watch(&w, "etc/shadow"), 0);
	g = fswatch_gen(&w);
	ck_assert_int_eq(fswatch_mounts(&w), 0);
	put("etc/shadow");	/* a directory change: not a mount */
	ck_assert_int_eq(fswatch_mounts(&w), 0);
	ck_assert_uint_eq(fswatch_gen(&w), g + 1);
	snprintf(p, sizeof(p), "%s/other", top);
	ck_assert_int_eq(mount("tmpfs", p, "tmpfs", 0, "size=64k"), 0);
	ck_assert_int_eq(fswatch_mounts(&w), 1);
	ck_assert_int_eq(fswatch_mounts(&w), 0);
	ck_assert_uint_eq(fswatch_gen(&w), g + 2);
	fswatch_changed(&w);
	ck_assert_uint_eq(fswatch_gen(&w), g + 3);
	ck_assert_int_eq(umount(p), 0);
	ck_assert_int_eq(fswatch_mounts(&w), 1);
	ck_assert_uint_eq(fswatch_gen(&w), g + 4);
	fswatch_close(&w);
}
END_TEST

/* A profile's paths, and the fixed ones. */
START_TEST(t_profile)
{
	struct fswatch w;
	struct sbx_profile p;
	char hid[512], *hidden[1] = { hid };
	uint64_t g;

	ck_assert_int_eq(fswatch_open(&w), 0);
	memset(&p, 0, sizeof(p));
	snprintf(hid, sizeof(hid), "%s/etc/gshadow", top);
	p.hidden = hidden;
	p.nhidden = 1;
	ck_assert_int_eq(fswatch_profile(&w, &p), 0);
	g = fswatch_gen(&w);
	put("etc/gshadow");
	ck_assert_uint_eq(fswatch_gen(&w), g + 1);
	/* not absolute: cannot be watched */
	hidden[0] = "relative/path";
	ck_assert_int_eq(fswatch_profile(&w, &p), 1);
	fswatch_close(&w);
}
END_TEST

/* A directory the daemon may not watch (as on a FUSE mount without
 * allow_other, where even root is refused): the profile is not
 * watchable, never taken as watched. Played here with an effective uid
 * that may not read a root-only directory (in Check's forked process). */
START_TEST(t_refused_not_watched)
{
	struct fswatch w;
	char p[512];
	const char *fork_mode = getenv("CK_FORK");

	TU_NEED_ROOT();
	if (fork_mode != NULL && strcmp(fork_mode, "no") == 0)
		ck_abort_msg("t_refused_not_watched needs Check's fork");
	ck_assert_int_eq(chmod(top, 0755), 0);
	mk("etc/locked");
	snprintf(p, sizeof(p), "%s/etc/locked", top);
	ck_assert_int_eq(chmod(p, 0700), 0);
	mk("etc/locked/dir");
	ck_assert_int_eq(fswatch_open(&w), 0);
	ck_assert_int_eq(seteuid(65534), 0);
	ck_assert_int_eq(watch(&w, "etc/locked/dir/secret"), 1);
	ck_assert_int_eq(seteuid(0), 0);
	/* root may: watched */
	ck_assert_int_eq(watch(&w, "etc/locked/dir/secret"), 0);
	fswatch_close(&w);
}
END_TEST

Suite *
suite_fswatch(void)
{
	Suite *s = suite_create("fswatch");
	TCase *tc = tcase_create("fswatch");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_entries);
	tcase_add_test(tc, t_missing_and_ancestors);
	tcase_add_test(tc, t_link_target);
	tcase_add_test(tc, t_mounts);
	tcase_add_test(tc, t_mounts_only);
	tcase_add_test(tc, t_profile);
	tcase_add_test(tc, t_refused_not_watched);
	suite_add_tcase(s, tc);
	return s;
}
