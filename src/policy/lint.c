/* SPDX-License-Identifier: ISC */
/*
 * lint.c - warnings about rules that grant more than they seem to: any
 * argument, a regex that accepts options and paths alike, a path anywhere,
 * an unconfined or unfiltered child, capabilities that amount to root.
 * `rootgate check` prints them; they never change a decision. A rule may
 * `accept` a risk by id, with its reason: it is then reported as accepted,
 * not hidden. policy_lint_each (lint.h) hands the same findings, one by
 * one, to `rootgate audit`, which grades them with its knowledge base.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "lint.h"
#include "pathcanon.h"
#include "policy.h"
#include "rx.h"

/* Capabilities that give back everything root has (the usual list). */
static const struct { int cap; const char *name; } rootcaps[] = {
	{ 21, "CAP_SYS_ADMIN" }, { 16, "CAP_SYS_MODULE" },
	{ 17, "CAP_SYS_RAWIO" }, { 19, "CAP_SYS_PTRACE" },
	{ 1, "CAP_DAC_OVERRIDE" }, { 2, "CAP_DAC_READ_SEARCH" },
	{ 0, "CAP_CHOWN" }, { 3, "CAP_FOWNER" }, { 7, "CAP_SETUID" },
	{ 6, "CAP_SETGID" }, { 8, "CAP_SETPCAP" }, { 27, "CAP_MKNOD" },
	{ 39, "CAP_BPF" },
};

static bool
id_in(const char *ids, const char *id)
{
	const char *p = ids;
	size_t n = strlen(id);

	if (n == 0)
		return false;
	while ((p = strstr(p, id)) != NULL) {
		if ((p == ids || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

bool
policy_lint_id_known(const char *id)
{
	return id_in(LINT_IDS, id) || id_in(AUDIT_IDS, id);
}

const char *
policy_lint_accepted(const struct rule *r, const char *id)
{
	size_t n = strlen(id);

	for (size_t i = 0; i < r->naccept; i++)
		if (strncmp(r->accept[i], id, n) == 0 &&
		    r->accept[i][n] == ':')
			return r->accept[i] + n + 1 + strspn(r->accept[i] + n +
			    1, " ");
	return NULL;
}

struct lint_walk {
	const struct rule *r;
	lint_fn fn;
	void *ctx;
};

static void __attribute__((format(printf, 5, 6)))
warn(const struct lint_walk *w, const char *id, unsigned line,
    const struct constraint *ck, const char *fmt, ...)
{
	char buf[RG_ERR_MSGLEN - 128];
	struct lint_finding f;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	f.rule = w->r;
	f.id = id;
	f.line = line ? line : w->r->line;
	f.ck = ck;
	f.msg = buf;
	f.accepted = policy_lint_accepted(w->r, id);
	w->fn(&f, w->ctx);
}

static bool
writable_covers(const struct sbx_profile *s, const char *path)
{
	for (size_t i = 0; i < s->nwritable; i++)
		if (pathcanon_beneath(path, s->writable[i], true))
			return true;
	return false;
}

static void
lint_constraint(const struct lint_walk *w, const struct constraint *ck)
{
	const struct sbx_profile *s = &w->r->sbx;

	switch (ck->kind) {
	case CK_ANY:
		warn(w, "any-argument", ck->line, ck, "<%s> accepts ANY "
		    "argument", ck->name);
		break;
	case CK_REGEX:
		if (rx_is_overbroad(ck->u.rx))
			warn(w, "overbroad-regex", ck->line, ck, "<%s>: the "
			    "regex accepts options and paths alike", ck->name);
		break;
	case CK_PATH:
		if (strcmp(ck->u.path.prefix, "/") == 0)
			warn(w, "path-anywhere", ck->line, ck, "<%s>: a path "
			    "prefix of / allows any file", ck->name);
		else if (s->enabled && (s->ns & SBX_NS_MOUNT) &&
		    s->private_tmp && pathcanon_beneath(ck->u.path.prefix,
		    "/tmp", true) && !writable_covers(s, ck->u.path.prefix))
			warn(w, "not-visible", ck->line, ck, "<%s> is beneath "
			    "/tmp, which the command sees private and empty "
			    "(add it to writable, or private-tmp = no)",
			    ck->name);
		else if (s->enabled && (s->ns & SBX_NS_MOUNT) &&
		    (ck->u.path.flags & CKP_NEW) &&
		    !writable_covers(s, ck->u.path.prefix))
			warn(w, "not-writable", ck->line, ck, "<%s> may be "
			    "new, but its directory is not in writable",
			    ck->name);
		break;
	case CK_REALPATH:
		if (strcmp(ck->u.path.prefix, "/") == 0)
			warn(w, "path-anywhere", ck->line, ck, "<%s>: a path "
			    "prefix of / allows any file", ck->name);
		break;
	case CK_INT:
	case CK_SIZE:
	case CK_SET:
	case CK_PROCEXE:
	case CK_CHAIN:
	default:
		break;
	}
}

void
policy_lint_each(const struct rule *r, lint_fn fn, void *ctx)
{
	const struct lint_walk walk = { r, fn, ctx }, *w = &walk;
	const struct sbx_profile *s = &r->sbx;
	char caps[256] = "";
	size_t o = 0;

	if (!s->enabled)
		warn(w, "no-sandbox", 0, NULL, "%s", "sandbox = off: the "
		    "command runs unconfined, as powerful as its arguments "
		    "allow");
	else if (s->seccomp == SBX_SECCOMP_OFF)
		warn(w, "no-seccomp", 0, NULL, "%s", "seccomp = off: no "
		    "system-call filter");
	for (size_t i = 0; i < r->ncks; i++)
		lint_constraint(w, &r->cks[i]);
	for (size_t i = 0; i < sizeof(rootcaps) / sizeof(rootcaps[0]); i++)
		if (s->enabled && (s->caps & (1ULL << rootcaps[i].cap)) &&
		    o < sizeof(caps))
			o += (size_t)snprintf(caps + o, sizeof(caps) - o,
			    "%s%s", o ? ", " : "", rootcaps[i].name);
	if (o > 0)
		warn(w, "root-capabilities", 0, NULL, "keeps %s: "
		    "root-equivalent in the wrong hands", caps);
	for (size_t i = 0; i < s->nwritable; i++)
		if (strcmp(s->writable[i], "/") == 0)
			warn(w, "writable-root", 0, NULL, "%s", "writable = /: "
			    "the whole file system is writable");
}

static void
lint_to_errlist(const struct lint_finding *f, void *ctx)
{
	struct rg_errlist *l = ctx;

	if (f->accepted != NULL)
		rg_errlist_add(l, RG_NOTE, f->rule->file, f->line,
		    "rule %s: %.150s [%s] (%.150s)", f->rule->name, f->msg,
		    f->id, f->accepted);
	else
		rg_errlist_add(l, RG_WARNING, f->rule->file, f->line,
		    "rule %s: %.200s [%s]", f->rule->name, f->msg, f->id);
}

void
policy_lint_rule(const struct rule *r, struct rg_errlist *w)
{
	policy_lint_each(r, lint_to_errlist, w);
}
