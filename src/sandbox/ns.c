/* SPDX-License-Identifier: ISC */
/*
 * ns.c - namespaces from the profile, as clone3 flags: the child is
 * born in them, which costs one fork less than unshare(2) followed by a
 * second fork for the pid namespace (perf-anchors 5a: about 250 us).
 */
#define _GNU_SOURCE
#include <sched.h>

#include "policy.h"
#include "sbx_steps.h"

static const struct {
	unsigned bit;
	uint64_t flag;
} nsmap[] = {
	{ SBX_NS_MOUNT, CLONE_NEWNS },
	{ SBX_NS_PID, CLONE_NEWPID },
	{ SBX_NS_IPC, CLONE_NEWIPC },
	{ SBX_NS_UTS, CLONE_NEWUTS },
	{ SBX_NS_NET, CLONE_NEWNET },
	{ SBX_NS_CGROUP, CLONE_NEWCGROUP },
};

uint64_t
sbx_ns_clone_flags(const struct sbx_profile *sbx)
{
	uint64_t flags = 0;

	if (!sbx->enabled)
		return 0;
	for (size_t i = 0; i < sizeof(nsmap) / sizeof(nsmap[0]); i++)
		if (sbx->ns & nsmap[i].bit)
			flags |= nsmap[i].flag;
	return flags;
}
