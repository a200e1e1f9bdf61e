/* SPDX-License-Identifier: ISC */
/*
 * lint.c - warnings about rules that grant more than they seem to: any
 * argument, a regex that accepts options and paths alike, a path anywhere,
 * an unconfined or unfiltered child, capabilities that amount to root.
 * `rootgate check` prints them; they never change a decision. A rule may
 * `accept` a risk by id, with its reason: it is then reported as accepted,
 * not hidden.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
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

bool
policy_lint_id_known(const char *id)
{
	static const char ids[] = LINT_IDS;
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

static const char *
accepted(const struct rule *r, const char *id)
{
	size_t n = strlen(id);

	for (size_t i = 0; i < r->naccept; i++)
		if (strncmp(r->accept[i], id, n) == 0 &&
		    r->accept[i][n] == ':')
			return r->accept[i] + n + 1 + strspn(r->accept[i] + n +
			    1, " ");
	return NULL;
}

static void __attribute__((format(printf, 5, 6)))
warn(struct rg_errlist *w, const struct rule *r, const char *id,
    unsigned line, const char *fmt, ...)
{
	char buf[RG_ERR_MSGLEN - 128];
	const char *why = accepted(r, id);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (why != NULL)
		rg_errlist_add(w, RG_NOTE, r->file, line ? line : r->line,
		    "rule %s: %.150s [%s] (%.150s)", r->name, buf, id, why);
	else
		rg_errlist_add(w, RG_WARNING, r->file, line ? line : r->line,
		    "rule %s: %.200s [%s]", r->name, buf, id);
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
lint_constraint(const struct rule *r, const struct constraint *ck,
    struct rg_errlist *w)
{
	const struct sbx_profile *s = &r->sbx;

	switch (ck->kind) {
	case CK_ANY:
		warn(w, r, "any-argument", ck->line, "<%s> accepts ANY "
		    "argument", ck->name);
		break;
	case CK_REGEX:
		if (rx_is_overbroad(ck->u.rx))
			warn(w, r, "overbroad-regex", ck->line, "<%s>: the regex "
			    "accepts options and paths alike", ck->name);
		break;
	case CK_PATH:
		if (strcmp(ck->u.path.prefix, "/") == 0)
			warn(w, r, "path-anywhere", ck->line, "<%s>: a path "
			    "prefix of / allows any file", ck->name);
		else if (s->enabled && (s->ns & SBX_NS_MOUNT) &&
		    s->private_tmp && pathcanon_beneath(ck->u.path.prefix,
		    "/tmp", true) && !writable_covers(s, ck->u.path.prefix))
			warn(w, r, "not-visible", ck->line, "<%s> is beneath "
			    "/tmp, which the command sees private and empty "
			    "(add it to writable, or private-tmp = no)",
			    ck->name);
		else if (s->enabled && (s->ns & SBX_NS_MOUNT) &&
		    (ck->u.path.flags & CKP_NEW) &&
		    !writable_covers(s, ck->u.path.prefix))
			warn(w, r, "not-writable", ck->line, "<%s> may be new, "
			    "but its directory is not in writable", ck->name);
		break;
	case CK_REALPATH:
		if (strcmp(ck->u.path.prefix, "/") == 0)
			warn(w, r, "path-anywhere", ck->line, "<%s>: a path "
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
policy_lint_rule(const struct rule *r, struct rg_errlist *w)
{
	const struct sbx_profile *s = &r->sbx;
	char caps[256] = "";
	size_t o = 0;

	if (!s->enabled)
		warn(w, r, "no-sandbox", 0, "%s", "sandbox = off: the command "
		    "runs unconfined, as powerful as its arguments allow");
	else if (s->seccomp == SBX_SECCOMP_OFF)
		warn(w, r, "no-seccomp", 0, "%s", "seccomp = off: no "
		    "system-call filter");
	for (size_t i = 0; i < r->ncks; i++)
		lint_constraint(r, &r->cks[i], w);
	for (size_t i = 0; i < sizeof(rootcaps) / sizeof(rootcaps[0]); i++)
		if (s->enabled && (s->caps & (1ULL << rootcaps[i].cap)) &&
		    o < sizeof(caps))
			o += (size_t)snprintf(caps + o, sizeof(caps) - o,
			    "%s%s", o ? ", " : "", rootcaps[i].name);
	if (o > 0)
		warn(w, r, "root-capabilities", 0, "keeps %s: root-equivalent "
		    "in the wrong hands", caps);
	for (size_t i = 0; i < s->nwritable; i++)
		if (strcmp(s->writable[i], "/") == 0)
			warn(w, r, "writable-root", 0, "%s", "writable = /: the "
			    "whole file system is writable");
}
