/* SPDX-License-Identifier: ISC */
/*
 * sbx_steps.h - the individual facilities behind sandbox.h, one file
 * each in src/sandbox/. Only enter.c, sandbox_prepare() and the unit
 * tests call these. Child-side functions (marked CHILD) allocate nothing,
 * print nothing, and return 0 or -1 with errno set.
 */
#ifndef ROOTGATE_SBX_STEPS_H
#define ROOTGATE_SBX_STEPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sbx_profile;
struct sbx_prepared;
struct rg_err;
struct sock_filter;

/* ns.c: the CLONE_NEW* flags for sbx->ns (0 when the sandbox is off). */
uint64_t sbx_ns_clone_flags(const struct sbx_profile *sbx);

/* mount.c: check paths in the parent (absolute, no mount ns needed...). */
int sbx_mount_check(const struct sbx_profile *sbx, struct rg_err *err);
/* mount.c, CHILD: private propagation, writable paths (those beneath
   /tmp carried into the private /tmp), read-only (and, without
   host_devices, nodev) tree, nosymfollow directories, the minimal
   /dev, hidden paths, fresh /proc. */
int sbx_mount_apply(const struct sbx_profile *sbx);
/* dev.c, CHILD, called by sbx_mount_apply: a read-only tmpfs on /dev
   with the host's null, zero, full, random, urandom, tty bound in (the
   only mounts without nodev) and the fd, stdin, stdout, stderr links. */
int sbx_dev_apply(void);

/* mount_setattr(2) of path relative to dfd (glibc has no wrapper). */
int sbx_setattr_at(int dfd, const char *path, unsigned flags, uint64_t set,
    uint64_t clr);

/* rlimit.c, CHILD: soft = hard = value; RLIMIT_CORE 0. */
int sbx_rlimit_apply(const struct sbx_profile *sbx);

/* fds.c, CHILD: fds[0..2] onto 0..2, close all others but keep[]. */
int sbx_fds_apply(const int *fds, const int *keep, size_t nkeep);

/* caps.c, parent: reject unknown capability numbers and do libcap-ng's
   one-time initialisation here, so the child reads nothing from /proc. */
int sbx_caps_warm(uint64_t caps);
/* caps.c, CHILD: drop every bounding-set bit not in caps (needs
   CAP_SETPCAP, so before the uid change). */
int sbx_caps_bound(uint64_t caps);
/* caps.c, CHILD: before the uid change: keep capabilities across it. */
int sbx_caps_keep(uint64_t caps);
/* caps.c, CHILD: after it: eff = prm = inh = amb = caps, then verify. */
int sbx_caps_apply(uint64_t caps);

/* ids.c, CHILD: setgroups(0), setresgid, setresuid, then verify all. */
int sbx_ids_apply(uid_t uid, gid_t gid);

/* seccomp.c: build the program in the parent (*prog from malloc). */
int sbx_seccomp_build(const struct sbx_profile *sbx,
    struct sock_filter **prog, unsigned short *len, struct rg_err *err);
/* seccomp.c: the pid-namespace init's allow-list (rt_sigtimedwait,
   wait4, kill, write, exit): anything else is EPERM, another
   architecture kills it. *prog from malloc. */
int sbx_seccomp_build_init(struct sock_filter **prog, unsigned short *len,
    struct rg_err *err);
/* seccomp.c, CHILD: load it (no_new_privs must already be set). */
int sbx_seccomp_load(const struct sock_filter *prog, unsigned short len);

/* cgroup.c: parent. Creates the per-run group or explains in warn why
   not; -1 only for a real failure (a limit that could not be written). */
int sbx_cgroup_create(const struct sbx_profile *sbx, struct sbx_prepared *p,
    char *warn, size_t warnlen, struct rg_err *err);
void sbx_cgroup_remove(struct sbx_prepared *p);

#endif
