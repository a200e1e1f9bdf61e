/* SPDX-License-Identifier: ISC */
/*
 * test_peer.c - the broker's caller identity (src/broker/peer.c): taken
 * from the kernel over a real unix socket, and the group look-up,
 * including its out-of-memory paths (failalloc.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <check.h>

#include "diag.h"
#include "failalloc.h"
#include "match.h"
#include "peer.h"
#include "suites.h"

/* What SO_PEERCRED says about the other end of a socketpair: us. */
START_TEST(t_identify_from_kernel)
{
	struct peer p;
	struct rg_err err;
	struct passwd *pw = getpwuid(getuid());
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(peer_identify(sv[0], &p, &err), 0);
	ck_assert_uint_eq(p.uid, getuid());
	ck_assert_uint_eq(p.gid, getgid());
	ck_assert_int_eq(p.pid, getpid());
	ck_assert_int_ge(p.pidfd, 0);
	ck_assert_ptr_nonnull(pw);
	ck_assert_str_eq(p.user, pw->pw_name);
	ck_assert(!p.groups_known);	/* looked up only when needed */
	ck_assert_ptr_null(p.groups);
	peer_free(&p);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* A peer as peer_identify leaves it, for a uid that is not root. */
static void
nobody(struct peer *p)
{
	struct passwd *pw = getpwnam("nobody");

	ck_assert_ptr_nonnull(pw);
	memset(p, 0, sizeof(*p));
	p->pidfd = -1;
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	p->user = strdup(pw->pw_name);
	ck_assert_ptr_nonnull(p->user);
}

START_TEST(t_groups_looked_up_once)
{
	struct group *gr;
	struct peer p;
	struct caller c;
	struct rg_err err;
	char *first;

	nobody(&p);
	gr = getgrgid(p.gid);
	ck_assert_ptr_nonnull(gr);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(peer_groups(&p, &err), 0);
	ck_assert(p.groups_known);
	ck_assert_uint_ge(p.ngroups, 1);
	ck_assert_str_eq(p.groups[0], gr->gr_name);	/* its primary */
	first = p.groups[0];
	/* a second call keeps what the first found */
	ck_assert_int_eq(peer_groups(&p, &err), 0);
	ck_assert_ptr_eq(p.groups[0], first);
	peer_caller(&p, &c);
	ck_assert_uint_eq(c.uid, p.uid);
	ck_assert_str_eq(c.user, "nobody");
	ck_assert_str_eq(c.groups[0], gr->gr_name);
	peer_free(&p);
}
END_TEST

/* Out of memory at the look-up (the gid array, then the first name):
 * an error naming the cause, no partial list, and a later call can
 * still succeed (the daemon answers that request 125 and goes on). */
START_TEST(t_groups_out_of_memory)
{
	struct peer p;
	struct rg_err err;
	bool fired;
	int rc;

	for (unsigned long n = 1; n <= 2; n++) {
		nobody(&p);
		memset(&err, 0, sizeof(err));
		/* no ck_assert while armed: Check allocates for each */
		fa_arm(n);
		rc = peer_groups(&p, &err);
		fired = fa_disarm();
		ck_assert_int_eq(rc, -1);
		ck_assert(fired);
		ck_assert_int_eq(err.errnum, ENOMEM);
		ck_assert_ptr_nonnull(strstr(err.msg, "allocate memory"));
		ck_assert(!p.groups_known);
		ck_assert_ptr_null(p.groups);
		ck_assert_uint_eq(p.ngroups, 0);
		ck_assert_int_eq(peer_groups(&p, &err), 0);
		ck_assert(p.groups_known);
		ck_assert_uint_ge(p.ngroups, 1);
		peer_free(&p);
	}
}
END_TEST

/* root's groups decide nothing (it may use every rule): no look-up. */
START_TEST(t_groups_root_skipped)
{
	struct peer p;
	struct rg_err err;
	bool fired;
	int rc;

	memset(&p, 0, sizeof(p));
	p.pidfd = -1;
	memset(&err, 0, sizeof(err));
	fa_arm(1);		/* any allocation would fail */
	rc = peer_groups(&p, &err);
	fired = fa_disarm();
	ck_assert_int_eq(rc, 0);
	ck_assert(!fired);
	ck_assert(p.groups_known);
	ck_assert_uint_eq(p.ngroups, 0);
	peer_free(&p);
}
END_TEST

Suite *
suite_peer(void)
{
	Suite *s = suite_create("peer");
	TCase *tc = tcase_create("peer");

	tcase_add_test(tc, t_identify_from_kernel);
	tcase_add_test(tc, t_groups_looked_up_once);
	tcase_add_test(tc, t_groups_out_of_memory);
	tcase_add_test(tc, t_groups_root_skipped);
	suite_add_tcase(s, tc);
	return s;
}
