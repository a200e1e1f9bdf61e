/* SPDX-License-Identifier: ISC */
/*
 * pcache.h - the policy cache: what a successful full load of a
 * configuration directory validated, so that a one-shot run can parse
 * only the rules that can decide its command (conf.c,
 * policy_load_confdir_for).
 *
 * A cache file holds, for one configuration directory: the exact text of
 * rootgate.conf and of every filter file the load read (in load order),
 * the byte range and line of every rule in that text, the names under
 * which the policy's index finds each rule (exec, its basename, its
 * resolved path), and stamps (lstat) of what a load reads outside the
 * files: the directories above every executable and the account
 * databases. It is used only when all of these are unchanged: the texts
 * compared byte for byte with what is read now, the stamps with lstat.
 * It is written by root, read only if root-owned and not writable by
 * group or others (filesafe_open), and never trusted for more than
 * choosing which byte ranges of the unchanged text to parse.
 *
 * UNPRIVILEGED module: plain file I/O; the caller decides whether to write.
 */
#ifndef ROOTGATE_PCACHE_H
#define ROOTGATE_PCACHE_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

struct policy;

/* What a full load read, recorded for pcache_write (texts owned). */
struct pcache_text {
	char *name;		/* file name within filters.d */
	char *buf;		/* the text parsed, NUL-terminated */
	size_t len;
};

struct pcache_rec {
	bool have_conf;		/* rootgate.conf existed */
	char *conf;		/* its text */
	size_t conflen;
	struct pcache_text *files;	/* filters.d, in load order */
	size_t nfiles;
	bool broken;		/* a text could not be recorded: no cache */
};

/* Take ownership of buf (freed on failure too). 0, or -1 (ENOMEM). */
int pcache_rec_add(struct pcache_rec *rec, const char *name, char *buf,
    size_t len);
void pcache_rec_free(struct pcache_rec *rec);

/* The cache file of confdir in cachedir: 0, or -1 when too long. */
int pcache_path(const char *cachedir, const char *confdir, char *out,
    size_t outlen);

/*
 * Write the cache of p, loaded in full from confdir with the texts of
 * rec, to `path` (in a directory that must pass filesafe_check_dir; it is
 * created, mode 0700, when missing). Replaces the old file atomically.
 * Returns 0, or -1 with errno (EINVAL: this policy cannot be cached;
 * EAGAIN: something it stamps changed within the last seconds; EPERM:
 * the directory is not safe).
 */
int pcache_write(const char *path, const char *confdir,
    const struct pcache_rec *rec, const struct policy *p);

struct pcache;

/* Read and check the form of a cache file: NULL when it is missing,
 * unsafe, malformed or from another build (all mean "not usable"). */
struct pcache *pcache_read(const char *path);
void pcache_free(struct pcache *pc);

/* The cache describes confdir with this rootgate.conf text (conf NULL:
 * no rootgate.conf). */
bool pcache_same_conf(const struct pcache *pc, const char *confdir,
    const char *conf, size_t conflen);

/* Its filter files: name and text of file i < pcache_nfiles. */
size_t pcache_nfiles(const struct pcache *pc);
const char *pcache_file(const struct pcache *pc, size_t i, const char **text,
    size_t *len);

/* Every stamp still holds (lstat of each path unchanged). */
bool pcache_stamps_hold(const struct pcache *pc);

/*
 * The rules the index would find under `key`, ascending (decision
 * order): their count, up to max written to idx. A count larger than max
 * means idx was cut short.
 */
size_t pcache_lookup(const struct pcache *pc, const char *key, size_t *idx,
    size_t max);

/* The checksum of a cache file's text before its "end" line (the
 * reader's first check; exported for the tests that damage a cache and
 * mend its sum, to reach the parser). */
uint64_t pcache_sum(const char *b, size_t n);

/* Rule i: its file (index for pcache_file), byte range and header line. */
void pcache_rule(const struct pcache *pc, size_t i, size_t *file,
    size_t *off, size_t *len, unsigned *line);

#endif
