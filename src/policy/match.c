/* SPDX-License-Identifier: ISC */
/*
 * match.c - the decision (match.h).
 *
 * Invariants:
 * 1. Pure: the result depends only on the policy, the caller, the argv,
 *    the caller's environment and the file system under path arguments.
 * 2. Deny by default: allowed only when a rule's pattern consumes every
 *    argument and the caller may use the rule. First such rule wins, in
 *    policy order.
 * 3. Bounded: backtracking is limited to MATCH_STEP_LIMIT steps per rule
 *    (a denial past that), recursion to MATCH_DEPTH_LIMIT nested
 *    occurrences: the matcher recurses once per argument it consumes, so
 *    without it 20000 arguments to a "<w>..." rule overflowed the stack
 *    (a crash, SIGSEGV) long before the step limit. The stack it uses is
 *    also measured against RLIMIT_STACK, which the caller sets: ulimit -s
 *    512 must not turn 2000 arguments into a crash either.
 * 4. The environment is built from nothing: the fixed PATH, sane locale
 *    variables, the rule's keep list, the rule's set list - except for a
 *    rule with env_passthrough (rootwrap: sudo has already reset it).
 * 5. A linear policy (translated rootwrap filters) is tried rule by rule
 *    in policy order; each rule decides argv[0] itself. A rule's
 *    strip_word is the only state carried from one rule to the next.
 * 6. Never a guess: a rule that fits only thanks to a CKV_UNSURE value,
 *    or that is unusable, ends the search with a denial; a rule that fits
 *    without an executable is remembered and the search goes on (96 if
 *    nothing else fits).
 * 7. A chained command (CK_CHAIN) is decided by the same function over
 *    the leaf rules of the same run-as user (no chain rule), depth 1, and
 *    is run as it was matched: its command word becomes the leaf rule's
 *    executable.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "constraint.h"
#include "match.h"
#include "pathcanon.h"
#include "policy.h"
#include "strv.h"

#define MATCH_STEP_LIMIT 100000
#define MATCH_DEPTH_LIMIT 2048	/* ~1.5 KiB of stack each: ~3 MiB */
#define STACK_RESERVE	((uintptr_t)256 * 1024)	/* for everything else */
#define ESC_MAX 64

enum kkind { K_SEQ, K_REP, K_UNORD };

/* what remains to be matched after the current element */
struct cont {
	enum kkind kind;
	const struct pel *el;	/* SEQ: the sequence; REP, UNORD: the elem */
	size_t idx;		/* SEQ: next kid; REP: where it started */
	unsigned long used;	/* UNORD: members used */
	const struct cont *up;
};

struct mstate {
	char *const *argv;
	size_t argc;
	unsigned long steps;
	unsigned depth;		/* match_once nesting (invariant 3) */
	uintptr_t stack_floor;	/* lowest stack address, 0 = unknown */
	bool limit;
	size_t fail_i;		/* deepest failure */
	int fail_prio;		/* at equal depth, the more telling one */
	bool have_fail;
	char fail[320];
	/* linear mode only (NULL / zero for native rules) */
	const struct policy *p;
	const struct rule *rule;	/* the rule being matched */
	const struct pel **bound;	/* argv[i] was taken by bound[i] */
	bool unsure;			/* fitted thanks to a CKV_UNSURE */
	const struct rule *leaf;	/* CK_CHAIN: the leaf rule */
	size_t leaf_cmd;		/* ... its command word, in the chain */
};

/* The outcome of trying the rules of a linear policy in order. */
enum lkind { LK_NONE, LK_ALLOW, LK_UNUSABLE };

struct lres {
	enum lkind kind;
	const struct rule *rule;	/* ALLOW, UNUSABLE */
	const struct rule *inactive;	/* first fit without executable */
	size_t off;			/* leading words stripped */
	const struct pel **bound;	/* ALLOW: owned, argc - off entries */
	size_t cmdi;			/* ALLOW: its command word, in
					   argv + off */
	const struct rule *leaf;	/* ALLOW through a chain */
	size_t chain_leaf_cmd;		/* ... the leaf's command word, from
					   the chain's first word */
	char why[400];			/* UNUSABLE */
};

static int match_linear(const struct policy *, const struct caller *,
    char *const *, size_t, const struct rule *, struct lres *,
    struct decision *);

/* failure kinds, least telling first */
enum { FP_SHAPE = 1, FP_REQUIRED = 2, FP_VALUE = 3 };

static void __attribute__((format(printf, 4, 5)))
note_fail(struct mstate *st, size_t i, int prio, const char *fmt, ...)
{
	va_list ap;

	if (st->have_fail && (i < st->fail_i || (i == st->fail_i &&
	    prio <= st->fail_prio)))
		return;
	st->have_fail = true;
	st->fail_i = i;
	st->fail_prio = prio;
	va_start(ap, fmt);
	vsnprintf(st->fail, sizeof(st->fail), fmt, ap);
	va_end(ap);
}

static void
describe_expect(const struct pel *e, char *buf, size_t len)
{
	switch (e->kind) {
	case PE_LITERAL:
		snprintf(buf, len, "'%s'", e->lit);
		break;
	case PE_PARAM:
		snprintf(buf, len, "<%s>", e->ck->name);
		break;
	case PE_TEMPLATE:
		snprintf(buf, len, "'%s<%s>%s'", e->lit, e->ck->name,
		    e->suffix);
		break;
	case PE_SEQ:
		if (e->nkids > 0)
			describe_expect(&e->kids[0], buf, len);
		else
			snprintf(buf, len, "nothing");
		break;
	case PE_UNORDERED:
	default:
		snprintf(buf, len, "one of the options in { }");
		break;
	}
}

static bool run_k(struct mstate *, size_t, const struct cont *);
static bool match_el(struct mstate *, const struct pel *, size_t,
    const struct cont *);

static bool
check_param(struct mstate *st, const struct pel *e, size_t i)
{
	const char *arg = st->argv[i];
	char why[300], q[4 * ESC_MAX + 8];

	if (e->kind == PE_PARAM) {
		enum ck_verdict v;

		if (arg[0] == '-' && e->ck->kind != CK_ANY &&
		    !(e->ck->flags & CKF_DASH_OK)) {
			constraint_escape(arg, ESC_MAX, q, sizeof(q));
			note_fail(st, i, FP_VALUE, "argument %zu '%s': <%s> may not start "
			    "with '-'", i + 1, q, e->ck->name);
			return false;
		}
		if ((v = constraint_eval(e->ck, arg, why, sizeof(why))) ==
		    CKV_FAIL) {
			note_fail(st, i, FP_VALUE, "argument %zu: <%s>: %s", i + 1,
			    e->ck->name, why);
			return false;
		}
		if (v == CKV_UNSURE) {
			/* invariant 6: go on as if it passed, then refuse */
			st->unsure = true;
			note_fail(st, i, FP_VALUE, "argument %zu: <%s>: %s", i + 1,
			    e->ck->name, why);
		}
		return true;
	}
	/* TEMPLATE: prefix <value> suffix, split where the suffix begins */
	{
		size_t len = strlen(arg), pl = strlen(e->lit),
		    sl = strlen(e->suffix);
		char *val;
		bool ok;

		if (len < pl + sl || strncmp(arg, e->lit, pl) != 0 ||
		    strcmp(arg + len - sl, e->suffix) != 0) {
			constraint_escape(arg, ESC_MAX, q, sizeof(q));
			note_fail(st, i, FP_SHAPE, "argument %zu '%s': expected "
			    "'%s<%s>%s'", i + 1, q, e->lit, e->ck->name,
			    e->suffix);
			return false;
		}
		if ((val = strndup(arg + pl, len - pl - sl)) == NULL) {
			note_fail(st, i, FP_VALUE, "out of memory");
			return false;
		}
		if (sl > 0 && strchr(val, e->suffix[0]) != NULL) {
			/* "x,data_file=/etc/shadow,backing_fmt=raw": the value
			 * must not contain the separator that follows it */
			constraint_escape(val, ESC_MAX, q, sizeof(q));
			note_fail(st, i, FP_VALUE, "argument %zu: <%s> '%s' contains '%c'",
			    i + 1, e->ck->name, q, e->suffix[0]);
			free(val);
			return false;
		}
		ok = constraint_check(e->ck, val, why, sizeof(why));
		if (!ok)
			note_fail(st, i, FP_VALUE, "argument %zu: <%s>: %s", i + 1,
			    e->ck->name, why);
		free(val);
		return ok;
	}
}

/*
 * CK_CHAIN at i: argv[i..] is a command a leaf rule allows (invariant 7).
 * As rootwrap, the command word is matched by its basename; stricter, a
 * word with a '/' must name the leaf rule's own executable, since that is
 * what runs.
 */
static bool
match_chain(struct mstate *st, size_t i)
{
	size_t n = st->argc - i;
	char **inner, q[4 * ESC_MAX + 8];
	char *w = st->argv[i], *slash = strrchr(w, '/');
	struct lres lr;
	bool ok = false;

	if (st->p == NULL || (inner = calloc(n + 1, sizeof(*inner))) == NULL)
		return false;
	memcpy(inner, st->argv + i, n * sizeof(*inner));
	if (slash != NULL)
		inner[0] = slash + 1;
	if (match_linear(st->p, NULL, inner, n, st->rule, &lr, NULL) < 0) {
		free(inner);
		return false;
	}
	constraint_escape(w, ESC_MAX, q, sizeof(q));
	if (lr.kind == LK_UNUSABLE) {
		st->unsure = true;	/* invariant 6 */
		note_fail(st, i, FP_VALUE, "argument %zu: chained command: %s",
		    i + 1, lr.why);
		ok = true;
	} else if (lr.kind != LK_ALLOW)
		note_fail(st, i, FP_VALUE, "argument %zu: chained command "
		    "'%s' is not allowed as %s", i + 1, q, st->rule->user);
	else if (slash != NULL && (lr.off + lr.cmdi != 0 || (strcmp(w,
	    lr.rule->exec) != 0 && (lr.rule->exec_real == NULL ||
	    strcmp(w, lr.rule->exec_real) != 0)))) {
		/* rootwrap would run the typed path: refuse, stop (inv. 6) */
		st->unsure = true;
		note_fail(st, i, FP_VALUE, "argument %zu: chained command '%s' "
		    "is not the executable its rule runs", i + 1, q);
		ok = true;
	} else {
		st->leaf = lr.rule;
		st->leaf_cmd = lr.off + lr.cmdi;
		ok = true;
	}
	free(lr.bound);
	free(inner);
	return ok;
}

static void
bind(struct mstate *st, const struct pel *e, size_t i)
{
	if (st->bound != NULL)
		st->bound[i] = e;
}

/*
 * Invariant 3: the lowest address the main thread's stack may grow to:
 * its top less RLIMIT_STACK (which the caller sets). The top is found
 * from the environment's strings, which exec places at the very top,
 * above argv's (which a caller can make a megabyte long); the exec'd
 * file name and the end marker above them fit in the slack. glibc's
 * pthread_getattr_np would read /proc/self/maps, and under valgrind
 * reports only what is mapped so far. No environment, no floor: then
 * only the depth limit applies. The environment is scanned once per
 * thread; RLIMIT_STACK is read on every match (setrlimit can change it).
 */
#define TOP_SLACK	((uintptr_t)16 * 1024)

extern char **environ;

/* The top, found once per thread (0: not yet; UINTPTR_MAX: none). */
static __thread uintptr_t stack_top;

static void
stack_start(struct mstate *st)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0), top = 0;
	struct rlimit rl;

	if (stack_top == 0) {
		for (char **e = environ; e != NULL && *e != NULL; e++) {
			uintptr_t a = (uintptr_t)*e, end = a + strlen(*e) + 1;

			/* strings set later live on the heap, below us */
			if (a > here && end > top)
				top = end;
		}
		stack_top = top != 0 ? top + TOP_SLACK : UINTPTR_MAX;
	}
	st->stack_floor = 0;
	if (stack_top == UINTPTR_MAX || getrlimit(RLIMIT_STACK, &rl) < 0)
		return;
	if (rl.rlim_cur == RLIM_INFINITY)
		rl.rlim_cur = (rlim_t)8 * 1024 * 1024;
	if (stack_top > rl.rlim_cur)
		st->stack_floor = stack_top - rl.rlim_cur;
}

/*
 * Less than STACK_RESERVE left below this frame (the stack grows down).
 * A frame below the floor is not on the main thread's stack (another
 * thread's: its floor is unknown here), so only the depth bound applies.
 */
static bool
stack_exhausted(const struct mstate *st)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);

	return st->stack_floor != 0 && here >= st->stack_floor &&
	    here - st->stack_floor < STACK_RESERVE;
}

/* one occurrence of e at i, then k */
static bool
match_once1(struct mstate *st, const struct pel *e, size_t i,
    const struct cont *k)
{
	char exp[200], q[4 * ESC_MAX + 8];

	switch (e->kind) {
	case PE_LITERAL:
	case PE_PARAM:
	case PE_TEMPLATE:
		if (e->kind == PE_PARAM && e->ck->kind == CK_CHAIN &&
		    i < st->argc) {
			if (!match_chain(st, i))
				return false;
			for (size_t j = i; j < st->argc; j++)
				bind(st, e, j);
			return run_k(st, st->argc, k);
		}
		if (i >= st->argc) {
			describe_expect(e, exp, sizeof(exp));
			note_fail(st, i, FP_SHAPE, "missing argument %zu: expected %s",
			    i + 1, exp);
			return false;
		}
		if (e->kind == PE_LITERAL) {
			if (strcmp(st->argv[i], e->lit) != 0) {
				constraint_escape(st->argv[i], ESC_MAX, q,
				    sizeof(q));
				note_fail(st, i, FP_SHAPE, "argument %zu '%s': expected "
				    "'%s'", i + 1, q, e->lit);
				return false;
			}
		} else if (!check_param(st, e, i))
			return false;
		bind(st, e, i);
		return run_k(st, i + 1, k);
	case PE_SEQ: {
		struct cont c = { K_SEQ, e, 0, 0, k };

		return run_k(st, i, &c);
	}
	case PE_UNORDERED: {
		struct cont c = { K_UNORD, e, 0, 0, k };

		return run_k(st, i, &c);
	}
	default:
		return false;
	}
}

/* match_once1 under the depth limit (invariant 3) */
static bool
match_once(struct mstate *st, const struct pel *e, size_t i,
    const struct cont *k)
{
	bool r;

	if (st->depth >= MATCH_DEPTH_LIMIT || stack_exhausted(st)) {
		st->limit = true;
		return false;
	}
	st->depth++;
	r = match_once1(st, e, i, k);
	st->depth--;
	return r;
}

static bool
match_el(struct mstate *st, const struct pel *e, size_t i,
    const struct cont *k)
{
	if (++st->steps > MATCH_STEP_LIMIT) {
		st->limit = true;
		return false;
	}
	if (e->repeat) {
		struct cont c = { K_REP, e, i, 0, k };

		if (match_once(st, e, i, &c))
			return true;
	} else if (match_once(st, e, i, k))
		return true;
	if (st->limit)
		return false;
	return e->optional && run_k(st, i, k);
}

static bool
unord_done(const struct pel *g, unsigned long used)
{
	for (size_t m = 0; m < g->nkids; m++)
		if (!g->kids[m].optional && !(used & (1UL << m)))
			return false;
	return true;
}

static bool
run_k(struct mstate *st, size_t i, const struct cont *k)
{
	if (st->limit)
		return false;
	if (k == NULL) {
		if (i == st->argc)
			return true;
		{
			char q[4 * ESC_MAX + 8];

			constraint_escape(st->argv[i], ESC_MAX, q, sizeof(q));
			note_fail(st, i, FP_SHAPE, "argument %zu '%s': not expected "
			    "(extra argument)", i + 1, q);
		}
		return false;
	}
	switch (k->kind) {
	case K_SEQ:
		if (k->idx == k->el->nkids)
			return run_k(st, i, k->up);
		{
			struct cont c = { K_SEQ, k->el, k->idx + 1, 0, k->up };

			return match_el(st, &k->el->kids[k->idx], i, &c);
		}
	case K_REP:
		/* another occurrence (only after progress), or go on */
		if (i > k->idx) {
			struct cont c = { K_REP, k->el, i, 0, k->up };

			if (match_once(st, k->el, i, &c))
				return true;
		}
		return run_k(st, i, k->up);
	case K_UNORD:
		for (size_t m = 0; m < k->el->nkids; m++) {
			const struct pel *mem = &k->el->kids[m];
			struct cont c = { K_UNORD, k->el, 0,
			    k->used | (1UL << m), k->up };

			if ((k->used & (1UL << m)) && !mem->repeat)
				continue;
			if (++st->steps > MATCH_STEP_LIMIT) {
				st->limit = true;
				return false;
			}
			if (match_once(st, mem, i, &c))
				return true;
			if (st->limit)
				return false;
		}
		if (unord_done(k->el, k->used))
			return run_k(st, i, k->up);
		{
			char exp[200];

			for (size_t m = 0; m < k->el->nkids; m++)
				if (!k->el->kids[m].optional &&
				    !(k->used & (1UL << m))) {
					describe_expect(&k->el->kids[m], exp,
					    sizeof(exp));
					note_fail(st, i, FP_REQUIRED, "%sargument "
					    "%zu: %s is required", i >= st->argc ?
					    "missing " : "", i + 1, exp);
					break;
				}
		}
		return false;
	default:
		return false;
	}
}

bool
match_caller_allowed(const struct rule *r, const struct caller *c)
{
	if (c->uid == 0)
		return true;	/* root: direct mode, sudo already decided */
	if (c->user != NULL && strv_find(r->caller_users, r->ncaller_users,
	    c->user) >= 0)
		return true;
	for (size_t i = 0; i < c->ngroups; i++)
		if (strv_find(r->caller_groups, r->ncaller_groups,
		    c->groups[i]) >= 0)
			return true;
	return false;
}

/* A locale value that names a locale, never a file (CVE-2014-0475). */
static bool
locale_value_ok(const char *v)
{
	if (*v == '\0' || strlen(v) > 64)
		return false;
	for (; *v; v++)
		if (!(*v >= 'a' && *v <= 'z') && !(*v >= 'A' && *v <= 'Z') &&
		    !(*v >= '0' && *v <= '9') && strchr("_.@-", *v) == NULL)
			return false;
	return true;
}

static bool
is_locale_var(const char *name, size_t n)
{
	return (n == 4 && strncmp(name, "LANG", 4) == 0) ||
	    (n == 8 && strncmp(name, "LANGUAGE", 8) == 0) ||
	    (n > 3 && strncmp(name, "LC_", 3) == 0);
}

static const char *
env_lookup(char *const *envp, const char *name, size_t n)
{
	if (envp == NULL)
		return NULL;
	for (; *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

static int
build_env(const struct rule *r, char *const *envp, struct decision *d)
{
	if (strv_push(&d->envp, &d->envc, "PATH=" MATCH_SAFE_PATH) < 0)
		return -1;
	for (char *const *e = envp; e != NULL && *e != NULL; e++) {
		const char *eq = strchr(*e, '=');
		size_t n;

		if (eq == NULL)
			continue;
		n = (size_t)(eq - *e);
		if (is_locale_var(*e, n) && locale_value_ok(eq + 1) &&
		    env_lookup(d->envp, *e, n) == NULL &&
		    strv_push(&d->envp, &d->envc, *e) < 0)
			return -1;
	}
	for (size_t i = 0; i < r->env.nkeep; i++) {
		const char *name = r->env.keep[i];
		size_t n = strlen(name);
		const char *v = env_lookup(envp, name, n);

		if (v == NULL || env_lookup(d->envp, name, n) != NULL)
			continue;
		if (strv_push(&d->envp, &d->envc, env_lookup(envp, name, n) -
		    n - 1) < 0)
			return -1;
	}
	for (size_t i = 0; i < r->env.nset; i++) {
		size_t n = (size_t)(strchr(r->env.set[i], '=') -
		    r->env.set[i]);

		for (size_t j = 0; j < d->envc; j++)
			if (strncmp(d->envp[j], r->env.set[i], n + 1) == 0) {
				free(d->envp[j]);
				d->envp[j] = d->envp[--d->envc];
				d->envp[d->envc] = NULL;
				break;
			}
		if (strv_push(&d->envp, &d->envc, r->env.set[i]) < 0)
			return -1;
	}
	return 0;
}

static int
allow(const struct rule *r, char *const *argv, size_t argc,
    char *const *envp, struct decision *d)
{
	d->allowed = true;
	d->code = DENY_NONE;
	d->rule = r;
	d->sbx = &r->sbx;
	if (strv_push(&d->argv, &d->argc, r->exec) < 0)
		return -1;
	for (size_t i = 1; i < argc; i++)
		if (strv_push(&d->argv, &d->argc, argv[i]) < 0)
			return -1;
	return build_env(r, envp, d);
}

static void
add_miss(struct decision *d, const struct rule *r, size_t argi,
    const char *reason)
{
	struct nearmiss *m;

	if (d->nmiss == MATCH_MAX_NEARMISS)
		return;
	m = &d->miss[d->nmiss++];
	m->rule = r;
	m->argi = argi;
	strlcpy(m->reason, reason, sizeof(m->reason));
}

/* --- linear policies (invariants 5-7) ------------------------------ */

/* a native rule in a linear policy: argv[0] names its executable */
static bool
names_exec(const struct rule *r, const char *a0)
{
	return strcmp(a0, r->exec) == 0 || strcmp(a0, r->cmdname) == 0 ||
	    (r->exec_real != NULL && strcmp(a0, r->exec_real) == 0);
}

static bool
is_leaf_of(const struct rule *r, const struct rule *chain)
{
	return !r->is_chain && strcmp(r->user, chain->user) == 0;
}

/* Try rule r on a[0..n); fills *st. True when its pattern fits. */
static bool
try_rule(const struct policy *p, const struct rule *r, char *const *a,
    size_t n, struct mstate *st)
{
	struct cont top = { K_SEQ, &r->pattern, 0, 0, NULL };

	memset(st, 0, sizeof(*st));
	stack_start(st);
	st->p = p;
	st->rule = r;
	if (r->cmd_in_pattern) {
		st->argv = a;
		st->argc = n;
		/* an array of pointers: the element size is a pointer's */
		if ((st->bound = calloc(n, sizeof(const struct pel *))) ==
		    NULL)
			return false;
	} else {
		if (!names_exec(r, a[0]))
			return false;
		st->argv = a + 1;
		st->argc = n - 1;
	}
	return run_k(st, 0, &top);
}

static size_t
cmd_index(const struct rule *r, const struct pel *const *bound, size_t n)
{
	if (!r->cmd_in_pattern)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (bound[i] != NULL && (bound[i]->flags & PEF_CMD))
			return i;
	return 0;
}

/*
 * Try the rules of p in order on argv (only the leaf rules of `chain`
 * when it is not NULL). Returns 0 with *lr filled, -1 on allocation
 * failure. Near misses go to d when it is not NULL.
 */
static int
match_linear(const struct policy *p, const struct caller *c,
    char *const *argv, size_t argc, const struct rule *chain,
    struct lres *lr, struct decision *d)
{
	memset(lr, 0, sizeof(*lr));
	for (size_t j = 0; j < p->nrules; j++) {
		const struct rule *r = &p->rules[j];
		struct mstate st;
		bool fit;

		if (chain != NULL && !is_leaf_of(r, chain))
			continue;
		if (r->strip_word != NULL && lr->off < argc &&
		    strcmp(argv[lr->off], r->strip_word) == 0)
			lr->off++;
		if (lr->off == argc)
			continue;	/* nothing left to match */
		fit = try_rule(p, r, argv + lr->off, argc - lr->off, &st);
		if (!fit) {
			if (d != NULL && (r->cmd_in_pattern ||
			    names_exec(r, argv[lr->off])))
				add_miss(d, r, st.limit ? 0 : st.fail_i +
				    lr->off + !r->cmd_in_pattern, st.limit ?
				    "pattern match limit reached" : st.fail);
			free(st.bound);
			continue;
		}
		if (c != NULL && !match_caller_allowed(r, c)) {
			if (d != NULL)
				add_miss(d, r, 0, "the caller is not among the "
				    "rule's callers");
			free(st.bound);
			continue;
		}
		if (r->inactive) {
			if (lr->inactive == NULL)
				lr->inactive = r;
			if (d != NULL)
				add_miss(d, r, 0, "the executable is not "
				    "installed");
			free(st.bound);
			continue;
		}
		lr->rule = r;
		if (r->unusable != NULL || st.unsure) {
			lr->kind = LK_UNUSABLE;
			snprintf(lr->why, sizeof(lr->why), "rule '%s': %s",
			    r->name, r->unusable != NULL ? r->unusable :
			    st.fail);
			free(st.bound);
			return 0;
		}
		lr->kind = LK_ALLOW;
		lr->bound = st.bound;
		lr->leaf = st.leaf;
		lr->cmdi = cmd_index(r, st.bound, argc - lr->off);
		lr->chain_leaf_cmd = st.leaf_cmd;
		return 0;
	}
	return 0;
}

static int
env_set(struct decision *d, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t n = eq != NULL ? (size_t)(eq - kv) : 0;

	/* rootwrap sets NAME=VALUE only when both are non-empty */
	if (n == 0 || eq[1] == '\0')
		return 0;
	for (size_t j = 0; j < d->envc; j++)
		if (strncmp(d->envp[j], kv, n + 1) == 0) {
			char *v = strdup(kv);

			if (v == NULL)
				return -1;
			free(d->envp[j]);
			d->envp[j] = v;
			return 0;
		}
	return strv_push(&d->envp, &d->envc, kv);
}

/* The final argv and environment of a linear rule (invariants 4, 7). */
static int
allow_linear(const struct rule *r, const struct lres *lr, char *const *a,
    size_t n, char *const *envp, struct decision *d)
{
	size_t cmdi = lr->cmdi;

	d->allowed = true;
	d->code = DENY_NONE;
	d->rule = r;
	d->sbx = &r->sbx;
	if (strv_push(&d->argv, &d->argc, r->exec) < 0)
		return -1;
	for (size_t i = cmdi + 1; i < n; i++) {
		const struct pel *e = lr->bound != NULL ? lr->bound[i] : NULL;
		const struct constraint *ck = e != NULL && e->kind ==
		    PE_PARAM ? e->ck : NULL;
		char canon[PATH_MAX];

		if (ck != NULL && ck->kind == CK_CHAIN) {
			for (size_t j = i; j < n; j++)
				if (strv_push(&d->argv, &d->argc, j - i ==
				    lr->chain_leaf_cmd ? lr->leaf->exec :
				    a[j]) < 0)
					return -1;
			break;
		}
		if (ck != NULL && (ck->flags & CKF_CANON_OUT)) {
			if (constraint_canon(ck, a[i], canon,
			    sizeof(canon)) < 0 || strv_push(&d->argv,
			    &d->argc, canon) < 0)
				return -1;
		} else if (strv_push(&d->argv, &d->argc, a[i]) < 0)
			return -1;
	}
	if (!r->env_passthrough) {
		if (build_env(r, envp, d) < 0)
			return -1;
	} else
		for (char *const *e = envp; e != NULL && *e != NULL; e++)
			if (strchr(*e, '=') != NULL &&
			    strv_push(&d->envp, &d->envc, *e) < 0)
				return -1;
	for (size_t i = 0; i < cmdi; i++)
		if (lr->bound != NULL && lr->bound[i] != NULL &&
		    (lr->bound[i]->flags & PEF_ENV) && env_set(d, a[i]) < 0)
			return -1;
	return 0;
}

static int
decide_linear(const struct policy *p, const struct caller *c,
    char *const *argv, size_t argc, char *const *envp, struct decision *d)
{
	struct lres lr;
	char q[4 * ESC_MAX + 8];
	int rc = 0;

	if (match_linear(p, c, argv, argc, NULL, &lr, d) < 0)
		return -1;
	d->argv_off = lr.off;
	d->inactive = lr.inactive;
	constraint_escape(lr.off < argc ? argv[lr.off] : "", ESC_MAX, q,
	    sizeof(q));
	switch (lr.kind) {
	case LK_ALLOW:
		rc = allow_linear(lr.rule, &lr, argv + lr.off, argc - lr.off,
		    envp, d);
		break;
	case LK_UNUSABLE:
		d->code = DENY_UNUSABLE;
		d->rule = NULL;
		snprintf(d->reason, sizeof(d->reason), "%s", lr.why);
		break;
	case LK_NONE:
	default:
		if (lr.inactive != NULL) {
			d->code = DENY_INACTIVE;
			snprintf(d->reason, sizeof(d->reason), "executable for "
			    "'%s' is not installed", q);
		} else {
			d->code = d->nmiss > 0 ? DENY_ARGS : DENY_NO_RULE;
			snprintf(d->reason, sizeof(d->reason), "no rule allows "
			    "'%s' with these arguments", q);
		}
		break;
	}
	free(lr.bound);
	return rc;
}

int
match_argv(const struct policy *p, const struct caller *c,
    char *const *argv, size_t argc, char *const *envp, struct decision *d)
{
	const size_t *idx;
	size_t n;
	bool pattern_fit = false, inactive_fit = false;
	char q[4 * ESC_MAX + 8];

	memset(d, 0, sizeof(*d));
	if (argc == 0 || argv[0] == NULL) {
		d->code = DENY_NO_COMMAND;
		snprintf(d->reason, sizeof(d->reason), "no command given");
		return 0;
	}
	if (p->linear)
		return decide_linear(p, c, argv, argc, envp, d);
	constraint_escape(argv[0], ESC_MAX, q, sizeof(q));
	idx = policy_lookup(p, argv[0], &n);
	if (n == 0 && argv[0][0] == '/') {
		/* /bin/true for a rule on /usr/bin/true: the same file */
		char real[PATH_MAX];

		if (realpath(argv[0], real) != NULL)
			idx = policy_lookup(p, real, &n);
	}
	for (size_t j = 0; j < n; j++) {
		const struct rule *r = &p->rules[idx[j]];
		struct mstate st = { .argv = argv + 1, .argc = argc - 1 };
		struct cont top = { K_SEQ, &r->pattern, 0, 0, NULL };

		stack_start(&st);
		if (!run_k(&st, 0, &top)) {
			if (st.limit)
				add_miss(d, r, 0, "pattern match limit reached");
			else {
				/* argv index: +1 for the command itself */
				add_miss(d, r, st.fail_i + 1, st.fail);
			}
			continue;
		}
		pattern_fit = true;
		if (!match_caller_allowed(r, c)) {
			add_miss(d, r, 0, "the caller is not among the rule's "
			    "callers");
			continue;
		}
		if (r->inactive) {
			inactive_fit = true;
			add_miss(d, r, 0, "the executable is not installed");
			continue;
		}
		return allow(r, argv, argc, envp, d) < 0 ? -1 : 0;
	}
	if (n == 0) {
		d->code = DENY_NO_RULE;
		snprintf(d->reason, sizeof(d->reason), "no rule for command "
		    "'%s'", q);
	} else if (inactive_fit) {
		d->code = DENY_INACTIVE;
		snprintf(d->reason, sizeof(d->reason), "executable for '%s' "
		    "is not installed", q);
	} else if (pattern_fit) {
		d->code = DENY_CALLER;
		snprintf(d->reason, sizeof(d->reason), "'%s' is not permitted "
		    "for this caller", q);
	} else {
		/* the rule that got furthest tells the caller why */
		size_t best = 0;

		d->code = DENY_ARGS;
		for (size_t j = 1; j < d->nmiss; j++)
			if (d->miss[j].argi > d->miss[best].argi)
				best = j;
		snprintf(d->reason, sizeof(d->reason), "%s", d->nmiss > 0 ?
		    d->miss[best].reason : "arguments not permitted");
	}
	return 0;
}

void
decision_clear(struct decision *d)
{
	strv_free(d->argv, d->argc);
	strv_free(d->envp, d->envc);
	memset(d, 0, sizeof(*d));
}

int
decision_exit_status(const struct decision *d)
{
	switch (d->code) {
	case DENY_NONE:
		return 0;
	case DENY_NO_COMMAND:
		return 98;
	case DENY_INACTIVE:
		return 96;
	case DENY_NO_RULE:
	case DENY_ARGS:
	case DENY_CALLER:
	case DENY_UNUSABLE:
	default:
		return 99;
	}
}
