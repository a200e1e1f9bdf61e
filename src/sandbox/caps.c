/* SPDX-License-Identifier: ISC */
/*
 * caps.c - keep exactly the rule's capabilities, nothing else.
 *
 * Invariants:
 * 1. After sbx_caps_apply: effective = permitted = inheritable = ambient
 *    = bounding = caps, read back from the kernel and compared; any
 *    difference fails the run. Ambient is what makes a non-root run-as
 *    user really have them after execve. The kernel never lets ambient
 *    hold a bit outside permitted and inheritable (it clears such bits
 *    itself), so once those two read back as caps, reading caps' own
 *    ambient bits proves ambient = caps: one prctl per granted
 *    capability rather than one per capability the kernel knows.
 * 2. The bounding set is cleared with our own PR_CAPBSET_DROP loop, not
 *    capng_apply(CAPNG_SELECT_BOUNDS): that call first re-reads the
 *    process state, including fopen+fgets+sscanf of /proc/TID/status for
 *    CapBnd, which is most of its 0.3 ms (perf-anchors 5b). Each drop
 *    commits new credentials (about 1.5 us, and an RCU free later), so
 *    the loop drops only the bits the child really holds and must lose:
 *    the parent reads its bounding set and the last capability number
 *    once (sbx_caps_warm) and the child, which inherits that set, is
 *    handed the mask to drop. It needs CAP_SETPCAP, hence before the
 *    uid change.
 * 3. libcap-ng keeps per-thread state that a raw clone3 child inherits,
 *    including the parent's tid in the capset header: capset() on
 *    another pid is EPERM, so the child resets it to 0 (= self).
 *    sbx_caps_warm() runs libcap-ng's one-time init (which reads
 *    /proc/sys/kernel/cap_last_cap) in the parent, so the child never
 *    reads /proc.
 */
#include <errno.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include <cap-ng.h>

#include "sbx_steps.h"

/* Child only (between clone3 and exec): no gcov counters; doc/quality.md. */
/* GCOVR_EXCL_START */
int
sbx_caps_bound(uint64_t drop, int last)
{
	for (int i = 0; i <= last; i++) {
		if ((drop & (UINT64_C(1) << i)) == 0)
			continue;
		if (prctl(PR_CAPBSET_DROP, (unsigned long)i, 0, 0, 0) < 0)
			return -1;
	}
	return 0;
}

int
sbx_caps_keep(uint64_t caps)
{
	/* Without KEEPCAPS, setresuid to non-zero clears permitted. */
	if (caps == 0)
		return 0;
	return prctl(PR_SET_KEEPCAPS, 1UL, 0, 0, 0);
}

static int
caps_verify(uint64_t caps, int last)
{
	struct __user_cap_header_struct hdr = {
		_LINUX_CAPABILITY_VERSION_3, 0
	};
	struct __user_cap_data_struct d[2];
	uint64_t eff, prm, inh;

	/* Raw: glibc declares no capget(). */
	if (syscall(SYS_capget, &hdr, d) < 0)
		return -1;
	eff = d[0].effective | (uint64_t)d[1].effective << 32;
	prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	if (eff != caps || prm != caps || inh != caps)
		goto bad;
	for (int i = 0; i <= last; i++) {
		int want = ((caps >> i) & 1) != 0;

		if (prctl(PR_CAPBSET_READ, (unsigned long)i, 0, 0, 0) != want)
			goto bad;
		/* Invariant 1: the kernel keeps ambient within permitted
		 * and inheritable (cap_ambient_invariant_ok), both = caps
		 * above, so only caps' own bits can be set: read those. */
		if (want && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET,
		    (unsigned long)i, 0, 0) != 1)
			goto bad;
	}
	return 0;
bad:
	errno = EPERM;
	return -1;
}

int
sbx_caps_apply(uint64_t caps, int last)
{
	capng_clear(CAPNG_SELECT_BOTH);
	capng_setpid(0);	/* invariant 3 */
	for (int i = 0; i <= last; i++)
		if ((caps & (UINT64_C(1) << i)) &&
		    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED |
		    CAPNG_INHERITABLE, (unsigned)i) < 0)
			return -1;
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 0UL, 0, 0, 0) < 0)
		return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return -1;
	for (int i = 0; i <= last; i++)
		if ((caps & (UINT64_C(1) << i)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
		    (unsigned long)i, 0, 0) < 0)
			return -1;
	return caps_verify(caps, last);
}
/* GCOVR_EXCL_STOP */

int
sbx_caps_warm(uint64_t caps, int *last, uint64_t *bnd)
{
	uint64_t have = 0;
	int i, r;

	/* [0, last]: the capability numbers the kernel knows. */
	for (i = 0; i < 64; i++) {
		if ((r = prctl(PR_CAPBSET_READ, (unsigned long)i, 0, 0, 0)) < 0)
			break;
		if (r > 0)
			have |= UINT64_C(1) << i;
	}
	*last = i - 1;
	*bnd = have;
	capng_clear(CAPNG_SELECT_BOTH);
	if (*last < 0 || (*last < 63 && (caps >> (*last + 1)) != 0)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}
