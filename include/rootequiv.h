/* SPDX-License-Identifier: ISC */
/*
 * rootequiv.h - the root-equivalence knowledge base (data/rootequiv.conf,
 * documented in doc/audit.md) and the audit that uses it: which rules
 * make their caller root-equivalent, why, and the tighter native rule to
 * write instead. `rootgate audit` prints what rootequiv_audit finds.
 *
 * UNPRIVILEGED: reads the knowledge base; stat()s path prefixes to name
 * their owner; never executes anything.
 */
#ifndef ROOTGATE_ROOTEQUIV_H
#define ROOTGATE_ROOTEQUIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct policy;
struct rule;
struct rg_errlist;

/* When an entry's binary makes the caller root-equivalent */
enum kb_when {
	KB_UNCONFINED,	/* when an argument is unconfined (the default) */
	KB_ALWAYS,	/* whatever its arguments */
	KB_NEVER,	/* never by itself (read-only tools: run-as hint) */
};

struct kb_entry {
	char *name;		/* the section: a basename or fnmatch glob */
	char **aliases;		/* more basenames or globs */
	size_t naliases;
	char *kind;		/* file-write, file-read, exec, chain, ... */
	char *why;		/* why it is root-equivalent */
	char *suggest;		/* the tighter native shape */
	enum kb_when when;
	bool readonly;		/* only reads: run-as root may be too much */
	unsigned line;
};

/* A directory beneath which reading or writing is root-equivalent */
struct kb_path {
	char *dir;		/* absolute, normalised */
	bool beneath;		/* its subdirectories too */
	char *why;
	unsigned line;
};

struct kb {
	char *file;
	struct kb_entry *e;
	size_t ne;
	struct kb_path *p;
	size_t np;
};

/*
 * Parse a knowledge base from fp (named `file` in messages). Returns a new
 * kb, or NULL with every problem in errs (a missing `why` or `suggest`, an
 * unknown key, a bad `when`). Free with kb_free.
 */
struct kb *kb_parse(FILE *fp, const char *file, struct rg_errlist *errs);

/*
 * Load the knowledge base: `explicit` if not NULL (--kb), else
 * $ROOTGATE_KB if set, else RG_KB_DEFAULT (the installed copy). *used
 * is set to the path tried. NULL on failure, with the reason in errs.
 */
struct kb *kb_load(const char *explicit, const char **used,
    struct rg_errlist *errs);

void kb_free(struct kb *kb);

/* The entry for a command basename (first match in file order), or NULL. */
const struct kb_entry *kb_lookup(const struct kb *kb, const char *base);

/* The path entry a directory prefix falls under, or NULL. */
const struct kb_path *kb_path_lookup(const struct kb *kb, const char *dir);

enum audit_risk {
	AR_ROOT,	/* root-equivalent */
	AR_WARN,	/* grants more than it seems, short of root */
	AR_DEVIATION,	/* meaning depends on a deliberate deviation from
			   oslo.rootwrap (doc/rootwrap-compat.md) */
};

struct audit_finding {
	const struct rule *rule;
	const char *id;		/* LINT_IDS or AUDIT_IDS (lint.h) */
	enum audit_risk risk;
	unsigned line;
	char *reason;
	char *suggest;
	const char *accepted;	/* the rule's `accept` reason, or NULL */
};

struct audit_report {
	struct audit_finding *f;
	size_t nf;
	size_t nroot, nwarn, ndev, naccepted;	/* accepted ones counted
						   only in naccepted */
};

/*
 * Audit every rule of p against kb: findings in rule order. Returns 0,
 * or -1 when out of memory. Free the report with audit_report_free.
 */
int rootequiv_audit(const struct policy *p, const struct kb *kb,
    struct audit_report *rep);

void audit_report_free(struct audit_report *rep);

const char *audit_risk_name(enum audit_risk r);

#endif
