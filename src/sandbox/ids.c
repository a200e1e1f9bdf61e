/* SPDX-License-Identifier: ISC */
/*
 * ids.c - the run-as identity.
 *
 * Invariants:
 * 1. Groups before gid before uid: after setresuid to a non-root uid we
 *    could no longer change groups (doas CVE-2019-15901 class).
 * 2. Supplementary groups are emptied even when running as root: the
 *    caller's (sudo's) groups never leak into the command.
 * 3. Every id is read back (getresuid, getresgid, getgroups) and any
 *    difference fails the run: a silently ignored set*id failure is how
 *    privilege drops go wrong (bubblewrap CVE-2016-8659 class).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <unistd.h>

#include "sbx_steps.h"

int
sbx_ids_apply(uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg, one;

	if (setgroups(0, NULL) < 0)
		return -1;
	if (setresgid(gid, gid, gid) < 0)
		return -1;
	if (setresuid(uid, uid, uid) < 0)
		return -1;
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -1;
	if (ru != uid || eu != uid || su != uid ||
	    rg != gid || eg != gid || sg != gid) {
		errno = EPERM;
		return -1;
	}
	if (getgroups(1, &one) != 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}
