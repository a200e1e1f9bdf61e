/* SPDX-License-Identifier: ISC */
/*
 * seccomp_embed.c - the default profile's seccomp programs, generated at
 * build time by libseccomp (src/tools/gen_seccomp.c) and copied here
 * instead of rebuilt on every run.
 *
 * Invariants:
 * 1. Only a profile whose program is exactly the default's takes the
 *    copy: seccomp on, no sc_allow, no sc_deny; CAP_SYS_ADMIN kept or not
 *    selects one of the two programs (seccomp.c lets the mount family
 *    through with it). Anything else is built by libseccomp as before.
 * 2. The copy is libseccomp's own output for this architecture, made
 *    from the same seccomp.c and the same (static) libseccomp as the
 *    binary; a unit test compares it with a fresh build, instruction by
 *    instruction, so a change of either cannot leave a stale program.
 * 3. The caller gets a malloc'd copy, as from sbx_seccomp_build_lib:
 *    sandbox_release() frees either.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/filter.h>

#include <seccomp.h>

#include "diag.h"
#include "policy.h"
#include "sbx_steps.h"

#include "seccomp_default.h"	/* generated: $(BUILD)/gen */

static int
copy(const struct sock_filter *src, size_t n, struct sock_filter **prog,
    unsigned short *len, struct rg_err *err)
{
	if ((*prog = malloc(n * sizeof(*src))) == NULL)
		return rg_err_set(err, "", 0, errno,
		    "unable to allocate the seccomp program");
	memcpy(*prog, src, n * sizeof(*src));
	*len = (unsigned short)n;
	return 0;
}

int
sbx_seccomp_build(const struct sbx_profile *sbx, struct sock_filter **prog,
    unsigned short *len, struct rg_err *err)
{
	*prog = NULL;
	*len = 0;
	if (!sbx->enabled || sbx->seccomp == SBX_SECCOMP_OFF)
		return 0;
	if (sbx->nsc_allow > 0 || sbx->nsc_deny > 0 ||
	    seccomp_arch_native() != SBX_EMBED_ARCH)
		return sbx_seccomp_build_lib(sbx, prog, len, err);
	if ((sbx->caps >> CAP_SYS_ADMIN) & 1)
		return copy(sbx_bpf_default_sysadmin,
		    sizeof(sbx_bpf_default_sysadmin) /
		    sizeof(*sbx_bpf_default_sysadmin), prog, len, err);
	return copy(sbx_bpf_default, sizeof(sbx_bpf_default) /
	    sizeof(*sbx_bpf_default), prog, len, err);
}
