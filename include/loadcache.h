/* SPDX-License-Identifier: ISC */
/*
 * loadcache.h - what one policy load has already looked up: user and
 * group names, executables and the directories above them. A policy of
 * 150 rules on a few executables must not cost 150 passwd lookups and 150
 * walks up to /. Lives only while a policy is being loaded; the answers
 * are exactly those the uncached look-ups would give within that load.
 */
#ifndef ROOTGATE_LOADCACHE_H
#define ROOTGATE_LOADCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct rg_err;

struct loadcache;

/* rx_flags: passed to every rx_compile of this load (RX_JIT, ...) */
struct loadcache *loadcache_new(unsigned rx_flags);
unsigned loadcache_rx_flags(const struct loadcache *lc);
void loadcache_free(struct loadcache *lc);

/* getpwnam(name): 0 with uid, gid, or -1 if unknown. */
int loadcache_user(struct loadcache *lc, const char *name, uid_t *uid,
    gid_t *gid);

/* getgrnam(name) (or, with name NULL, getgrgid(gid)'s name into *namep,
 * a string owned by the cache): 0 or -1 if unknown. */
int loadcache_group(struct loadcache *lc, const char *name, gid_t *gid,
    const char **namep);

/*
 * rx_compile(pattern, the load's rx flags | extra), shared: a policy that
 * repeats a pattern compiles it once. The caller owns one reference.
 */
struct rx *loadcache_rx(struct loadcache *lc, const char *pattern,
    unsigned extra_flags, char *err, size_t errlen);

/*
 * Rule names: 1 if name was seen before in this load, 0 if not (it is
 * now), -1 if the cache cannot tell (no cache, out of memory: then the
 * caller compares by itself).
 */
int loadcache_name_seen(struct loadcache *lc, const char *name);

/* filesafe_check_exec, remembered per path (success and failure). */
int loadcache_exec(struct loadcache *lc, const char *path, char *real,
    struct rg_err *err);

#endif
