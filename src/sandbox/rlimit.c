/* SPDX-License-Identifier: ISC */
/*
 * rlimit.c - resource limits, soft = hard, so the command cannot raise
 * them again. Core dumps are always off in the sandbox: a dump of a
 * root process may hold secrets and lands where the command's cwd is.
 * Raising a hard limit needs CAP_SYS_RESOURCE; if that fails the command
 * does not run (fail closed), rather than running with less than asked.
 * Note: the kernel never enforces RLIMIT_NPROC for uid 0 (INIT_USER is
 * exempt in copy_process): only pids.max bounds a root fork bomb.
 */
#include <sys/resource.h>

#include "policy.h"
#include "sbx_steps.h"

static const int rlmap[SBX_RL_COUNT] = {
	[SBX_RL_AS] = RLIMIT_AS,
	[SBX_RL_CPU] = RLIMIT_CPU,
	[SBX_RL_FSIZE] = RLIMIT_FSIZE,
	[SBX_RL_NOFILE] = RLIMIT_NOFILE,
	[SBX_RL_NPROC] = RLIMIT_NPROC,
	[SBX_RL_CORE] = RLIMIT_CORE,
};

int
sbx_rlimit_apply(const struct sbx_profile *sbx)
{
	struct rlimit rl;

	for (int i = 0; i < SBX_RL_COUNT; i++) {
		if (!sbx->rl[i].set || i == SBX_RL_CORE)
			continue;
		rl.rlim_cur = rl.rlim_max = (rlim_t)sbx->rl[i].value;
		if (setrlimit(rlmap[i], &rl) < 0)
			return -1;
	}
	rl.rlim_cur = rl.rlim_max = 0;
	return setrlimit(RLIMIT_CORE, &rl);
}
