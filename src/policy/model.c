/* SPDX-License-Identifier: ISC */
/*
 * model.c - struct policy: allocation, release, and the index from command
 * name to rules, so matching cost does not grow with the number of rules
 * for other executables.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "constraint.h"
#include "diag.h"
#include "hash.h"
#include "loadcache.h"
#include "pattern.h"
#include "policy.h"
#include "strv.h"

struct bucket {
	char *key;		/* command name: exec path or its basename */
	size_t *idx;		/* rule indices, ascending */
	size_t n;
};

struct policy_index {
	struct bucket *b;
	size_t nb;		/* power of two */
};

struct policy *
policy_new(void)
{
	struct policy *p = calloc(1, sizeof(struct policy));

	if (p != NULL)
		p->use_syslog = true;
	return p;
}

static void
sbx_clear(struct sbx_profile *s)
{
	strv_free(s->sc_allow, s->nsc_allow);
	strv_free(s->sc_deny, s->nsc_deny);
	strv_free(s->writable, s->nwritable);
	strv_free(s->hidden, s->nhidden);
	strv_free(s->nofollow, s->nnofollow);
	free(s->cwd);
}

void
policy_rule_clear(struct rule *r)
{
	free(r->name);
	free(r->file);
	free(r->exec);
	free(r->exec_real);
	free(r->cmdname);
	free(r->user);
	free(r->group);
	free(r->args_src);
	free(r->description);
	free(r->strip_word);
	free(r->exec_src);
	free(r->unusable);
	strv_free(r->accept, r->naccept);
	pattern_clear(&r->pattern);
	for (size_t i = 0; i < r->ncks; i++)
		constraint_clear(&r->cks[i]);
	free(r->cks);
	strv_free(r->caller_users, r->ncaller_users);
	strv_free(r->caller_groups, r->ncaller_groups);
	strv_free(r->env.keep, r->env.nkeep);
	strv_free(r->env.set, r->env.nset);
	sbx_clear(&r->sbx);
}

static void
index_free(struct policy_index *ix)
{
	if (ix == NULL)
		return;
	for (size_t i = 0; i < ix->nb; i++) {
		free(ix->b[i].key);
		free(ix->b[i].idx);
	}
	free(ix->b);
	free(ix);
}

int
policy_rules_room(struct policy *p, size_t more)
{
	size_t want, cap;
	struct rule *v;

	if (more > SIZE_MAX / 2 - p->nrules)
		return -1;
	want = p->nrules + more;
	if (want <= p->rules_cap)
		return 0;
	cap = p->rules_cap < 8 ? 8 : p->rules_cap;
	while (cap < want)
		cap *= 2;
	if (more > 1 && cap > want)	/* asked for a count: take it */
		cap = want;
	if ((v = reallocarray(p->rules, cap, sizeof(*v))) == NULL)
		return -1;
	p->rules = v;
	p->rules_cap = cap;
	return 0;
}

void
policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nrules; i++)
		policy_rule_clear(&p->rules[i]);
	free(p->rules);
	index_free(p->index);
	loadcache_free(p->loading);
	free(p->confdir);
	free(p->audit_log);
	free(p->cache_dir);
	free(p);
}

static struct bucket *
slot(const struct policy_index *ix, const char *key)
{
	size_t mask = ix->nb - 1;

	for (size_t i = hash_str(key) & mask;; i = (i + 1) & mask)
		if (ix->b[i].key == NULL || strcmp(ix->b[i].key, key) == 0)
			return &ix->b[i];
}

static int
index_add(struct policy_index *ix, const char *key, size_t ruleidx)
{
	struct bucket *b = slot(ix, key);
	size_t *v;

	if (b->key == NULL && (b->key = strdup(key)) == NULL)
		return -1;
	if (b->n > 0 && b->idx[b->n - 1] == ruleidx)
		return 0;	/* a rule's names coincide: once is enough */
	if ((v = vec_room(b->idx, b->n, sizeof(*v))) == NULL)
		return -1;
	v[b->n++] = ruleidx;
	b->idx = v;
	return 0;
}

int
policy_finish(struct policy *p, struct rg_errlist *errs)
{
	struct policy_index *ix;
	size_t nb = 16;

	index_free(p->index);
	p->index = NULL;
	loadcache_free(p->loading);	/* loading is over */
	p->loading = NULL;
	while (nb < 4 * p->nrules + 16)
		nb *= 2;
	if ((ix = calloc(1, sizeof(*ix))) == NULL ||
	    (ix->b = calloc(nb, sizeof(*ix->b))) == NULL) {
		free(ix);
		rg_errlist_add(errs, 0, NULL, 0, "out of memory");
		return -1;
	}
	ix->nb = nb;
	p->linear = false;
	p->needs_groups = false;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];

		p->needs_groups |= r->ncaller_groups > 0;
		/* such a rule decides argv[0] itself: no index can */
		if (r->cmd_in_pattern || r->strip_word != NULL) {
			p->linear = true;
			continue;
		}
		if (index_add(ix, r->exec, i) < 0 ||
		    index_add(ix, r->cmdname, i) < 0 ||
		    (r->exec_real != NULL && strcmp(r->exec_real, r->exec) != 0 &&
		    index_add(ix, r->exec_real, i) < 0)) {
			index_free(ix);
			rg_errlist_add(errs, 0, NULL, 0, "out of memory");
			return -1;
		}
	}
	p->index = ix;
	return 0;
}

const size_t *
policy_lookup(const struct policy *p, const char *cmd, size_t *n)
{
	const struct bucket *b;

	*n = 0;
	if (p->index == NULL)
		return NULL;
	b = slot(p->index, cmd);
	if (b->key == NULL)
		return NULL;
	*n = b->n;
	return b->idx;
}
