/* SPDX-License-Identifier: ISC */
/*
 * native.c - filters.d/ *.conf -> struct rule. One INI section per rule;
 * keys are collected per rule, then the rule is built from them at the end
 * of the section by the handlers of one schema table (keys[] below), which
 * is also what rootgate.filters(5) documents.
 *
 * Invariants:
 * 1. Every error of a file is reported (file:line: what: why) and any
 *    error fails the whole load: nothing is partially applied.
 * 2. Unknown keys, duplicate keys and duplicate rule names are errors.
 * 3. inih's strings live only for the handler call: everything is copied.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "constraint.h"
#include "diag.h"
#include "filesafe.h"
#include "ini_src.h"
#include "loadcache.h"
#include "pattern.h"
#include "rx.h"
#include "policy.h"
#include "rulekeys.h"
#include "strv.h"

struct pending {
	char *name;
	unsigned line;
	struct kv *kv;
	size_t nkv;
};

struct nstate {
	struct policy *p;
	const char *file;
	const struct policy_opts *opts;
	struct rg_errlist *errs;
	struct ini_src *src;
	struct pending cur;
	bool have_cur;
	bool reserved;		/* room for the file's rules asked for */
	size_t nerr_before;
};

static void
pending_clear(struct pending *pd)
{
	for (size_t i = 0; i < pd->nkv; i++)
		free(pd->kv[i].key);	/* the value is in the same block */
	free(pd->kv);
	free(pd->name);
	memset(pd, 0, sizeof(*pd));
}

static bool
valid_rule_name(const char *s)
{
	if (*s == '\0' || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && strchr("._-", *s) == NULL)
			return false;
	return true;
}

static bool
rule_name_taken(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (strcmp(p->rules[i].name, name) == 0)
			return true;
	return false;
}

static bool
name_taken(struct nstate *st, const char *name)
{
	int seen = loadcache_name_seen(st->p->loading, name);

	return seen < 0 ? rule_name_taken(st->p, name) : seen == 1;
}

/* Build the rule from the collected keys and append it to the policy. */
static void
finish_rule(struct nstate *st)
{
	struct rule r;
	size_t before = rg_errlist_nerrors(st->errs);

	if (!st->have_cur)
		return;
	st->have_cur = false;
	memset(&r, 0, sizeof(r));
	r.origin = RO_NATIVE;
	r.line = st->cur.line;
	r.name = st->cur.name;
	st->cur.name = NULL;
	if ((r.file = strdup(st->file)) == NULL) {
		rg_errlist_add(st->errs, 0, st->file, r.line, "out of memory");
		goto drop;
	}
	rulekeys_build(&r, st->cur.kv, st->cur.nkv, st->file, st->p->loading,
	    st->errs);
	if (rg_errlist_nerrors(st->errs) != before)
		goto drop;
	if (policy_rules_room(st->p, 1) < 0) {
		rg_errlist_add(st->errs, 0, st->file, r.line, "out of memory");
		goto drop;
	}
	st->p->rules[st->p->nrules++] = r;
	pending_clear(&st->cur);
	return;
drop:
	policy_rule_clear(&r);
	pending_clear(&st->cur);
}

/*
 * kv->key and kv->value in one block (freed as kv->key): the value is
 * value, or with more != NULL "value\nmore" (a continuation line).
 * Returns 0, or -1 with *kv unchanged.
 */
static int
kv_set(struct kv *kv, const char *key, const char *value, const char *more)
{
	size_t kl = strlen(key) + 1, vl = strlen(value);
	size_t ml = more != NULL ? strlen(more) + 1 : 0;	/* '\n', more */
	char *b;

	if ((b = malloc(kl + vl + ml + 1)) == NULL)
		return -1;
	memcpy(b, key, kl);
	memcpy(b + kl, value, vl);
	if (more != NULL) {
		b[kl + vl] = '\n';
		memcpy(b + kl + vl + 1, more, ml - 1);
	}
	b[kl + vl + ml] = '\0';
	kv->key = b;
	kv->value = b + kl;
	return 0;
}

static int
handler(void *user, const char *section, const char *key, const char *value)
{
	struct nstate *st = user;
	unsigned line = st->src->lineno;
	struct kv *kv;

	if (!st->reserved) {
		/* one allocation for the file's rules; a failure here is
		 * reported where a rule does not fit */
		st->reserved = true;
		(void)policy_rules_room(st->p, st->src->nheaders);
	}
	if (*section == '\0') {
		rg_errlist_add(st->errs, 0, st->file, line, "key '%s' outside "
		    "a [rule] section", key);
		return 1;
	}
	if (!st->have_cur || st->src->new_section ||
	    strcmp(section, st->cur.name) != 0) {
		finish_rule(st);
		st->src->new_section = false;
		if (!valid_rule_name(section))
			rg_errlist_add(st->errs, 0, st->file,
			    st->src->section_line, "bad rule name '%s' "
			    "(letters, digits, '.', '_', '-'; at most 64)",
			    section);
		else if (name_taken(st, section))
			rg_errlist_add(st->errs, 0, st->file,
			    st->src->section_line, "duplicate rule name '%s'",
			    section);
		st->cur.name = strdup(section);
		st->cur.line = st->src->section_line;
		if (st->cur.name == NULL) {
			/* no current rule: the next key must not compare
			 * its section with a NULL name */
			rg_errlist_add(st->errs, 0, st->file, line, "out of "
			    "memory");
			return 1;
		}
		st->have_cur = true;
	}
	/* inih hands a continuation line over as the same key again */
	if (st->src->cont && st->cur.nkv > 0 &&
	    strcmp(st->cur.kv[st->cur.nkv - 1].key, key) == 0) {
		struct kv *last = &st->cur.kv[st->cur.nkv - 1];
		char *old = last->key;

		if (kv_set(last, old, last->value, value) < 0)
			rg_errlist_add(st->errs, 0, st->file, line, "out of "
			    "memory");
		else
			free(old);
		return 1;
	}
	for (size_t i = 0; i < st->cur.nkv; i++)
		if (strcmp(st->cur.kv[i].key, key) == 0) {
			rg_errlist_add(st->errs, 0, st->file, line, "duplicate "
			    "key '%s' (first at line %u)", key,
			    st->cur.kv[i].line);
			return 1;
		}
	kv = vec_room(st->cur.kv, st->cur.nkv, sizeof(*kv));
	if (kv == NULL) {
		rg_errlist_add(st->errs, 0, st->file, line, "out of memory");
		return 1;
	}
	st->cur.kv = kv;
	kv = &kv[st->cur.nkv];
	if (kv_set(kv, key, value, NULL) < 0) {
		rg_errlist_add(st->errs, 0, st->file, line, "out of memory");
		return 1;
	}
	kv->line = line;
	st->cur.nkv++;
	return 1;
}

int
policy_parse_native_buf(struct policy *p, const char *buf, size_t len,
    unsigned line0, const char *file, const struct policy_opts *opts,
    struct rg_errlist *errs)
{
	struct nstate st;
	struct ini_src src;
	size_t before = rg_errlist_nerrors(errs);

	if (p->loading == NULL)		/* NULL is fine: uncached */
		p->loading = loadcache_new(opts != NULL && opts->jit ?
		    RX_JIT : 0);
	memset(&st, 0, sizeof(st));
	st.p = p;
	st.file = file;
	st.opts = opts;
	st.errs = errs;
	st.src = &src;
	ini_src_parse_buf(buf, len, line0, file, handler, &st, &src, errs);
	finish_rule(&st);
	pending_clear(&st.cur);
	return rg_errlist_nerrors(errs) == before ? 0 : -1;
}

int
policy_parse_native(struct policy *p, FILE *fp, const char *file,
    const struct policy_opts *opts, struct rg_errlist *errs)
{
	char *buf;
	size_t len;
	int rc;

	if (ini_src_read(fp, file, &buf, &len, errs) < 0)
		return -1;
	rc = policy_parse_native_buf(p, buf, len, 0, file, opts, errs);
	free(buf);
	return rc;
}
