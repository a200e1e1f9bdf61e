/* SPDX-License-Identifier: ISC */
/*
 * rulekeys.h - the schema of a native rule: one table of keys, each with
 * its parser, default and documentation; turns the key/value pairs of one
 * section into a struct rule.
 */
#ifndef ROOTGATE_RULEKEYS_H
#define ROOTGATE_RULEKEYS_H

#include <stddef.h>
#include <stdio.h>

struct loadcache;
struct rule;
struct rg_errlist;

struct kv {
	char *key;
	char *value;	/* continuation lines joined with '\n' */
	unsigned line;
};

/*
 * Fill *r (name, file and line already set) from kv[0..nkv), looking
 * names and executables up through lc (may be NULL). Every
 * problem is appended to errs with file:line; the caller checks whether
 * errors were added and then discards the rule.
 */
void rulekeys_build(struct rule *r, const struct kv *kv, size_t nkv,
    const char *file, struct loadcache *lc, struct rg_errlist *errs);

/*
 * Give r (whose sbx owns nothing yet) the sandbox of a native rule with
 * sandbox = on: the defaults, then the sandbox keys of kv[0..nkv) in
 * order (any other key is an error), then what the native loader derives
 * (file-system keys need the mount namespace, the host's secrets hidden,
 * cwd "/"). For rootwrap.conf's [rootgate] section; errors go to errs
 * with file:line, as rulekeys_build's.
 */
void rulekeys_sandbox(struct rule *r, const struct kv *kv, size_t nkv,
    const char *file, struct rg_errlist *errs);

/* Print the key table (name, syntax, default, description) to fp. */
void rulekeys_print(FILE *fp);

#endif
