/* SPDX-License-Identifier: ISC */
/*
 * fds.c - the child's descriptors: exactly the caller's three on 0, 1,
 * 2, plus the few kept for the exec (see execfd.c, the status pipe).
 * close_range, never a loop to RLIMIT_NOFILE (oslo.rootwrap bug
 * 1796267: 400 ms with a 1M limit) nor a /proc/self/fd walk.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "sbx_steps.h"

static int
close_from(unsigned lo, unsigned hi)
{
	if (lo > hi)
		return 0;
	return close_range(lo, hi, 0);
}

int
sbx_fds_apply(const int *fds, const int *keep, size_t nkeep)
{
	int tmp[3];

	/* Move the sources above 2 first: fds[1] may be 0, which dup2
	 * onto 0 would already have replaced. */
	for (int i = 0; i < 3; i++) {
		tmp[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
		if (tmp[i] < 0)
			return -1;
	}
	for (int i = 0; i < 3; i++)
		if (dup2(tmp[i], i) < 0)	/* dup2 clears FD_CLOEXEC */
			return -1;
	return sbx_fds_close_rest(keep, nkeep);
}

int
sbx_fds_close_rest(const int *keep, size_t nkeep)
{
	unsigned lo;

	/* Close everything from 3 up, around the kept fds (keep is short
	 * and unsorted: walk it in ascending order). */
	lo = 3;
	for (;;) {
		int next = -1;

		for (size_t k = 0; k < nkeep; k++)
			if (keep[k] >= (int)lo && (next < 0 || keep[k] < next))
				next = keep[k];
		if (next < 0)
			break;
		if (close_from(lo, (unsigned)next - 1) < 0)
			return -1;
		lo = (unsigned)next + 1;
	}
	return close_from(lo, ~0U);
}
