/* SPDX-License-Identifier: ISC */
/* common.c - shared pieces of the command-line programs. */
#include <cap-ng.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "exitcode.h"
#include "policy.h"
#include "rootwrap.h"
#include "strv.h"
#include "xalloc.h"

const char *rg_progname = "rootgate";

void
cli_warnx(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", rg_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_usage_error(const char *arg)
{
	if (optopt != 0 && strncmp(arg, "--", 2) != 0)
		cli_warnx("unknown option '-%c' or missing argument (see "
		    "--help)", optopt);
	else
		cli_warnx("unknown option '%s' or missing argument (see "
		    "--help)", arg);
	return RG_EXIT_NO_COMMAND;
}

void
cli_print_errs(const struct rg_errlist *l)
{
	char buf[RG_ERR_MSGLEN + RG_ERR_FILELEN + 64];

	for (size_t i = 0; i < l->n; i++) {
		rg_err_format(&l->v[i], buf, sizeof(buf));
		if (l->warn[i] != RG_ERROR) {
			/* "FILE:LINE: warning: msg" */
			const struct rg_err *e = &l->v[i];
			const char *kind = l->warn[i] == RG_NOTE ? "accepted" :
			    "warning";

			if (e->file[0] != '\0')
				fprintf(stderr, "%s: %s:%u: %s: %s\n",
				    rg_progname, e->file, e->line, kind, e->msg);
			else
				fprintf(stderr, "%s: %s: %s\n", rg_progname,
				    kind, e->msg);
		} else
			fprintf(stderr, "%s: %s\n", rg_progname, buf);
	}
	if (l->lost > 0)
		fprintf(stderr, "%s: %zu more errors (out of memory)\n",
		    rg_progname, l->lost);
}

struct policy *
cli_load_rootwrap(const char *path, struct rg_errlist *errs)
{
	struct rw_opts o = { getenv("PATH"), false };
	struct rw_conf conf;
	struct policy *p;
	struct rg_err err;
	enum rw_status st;

	memset(&err, 0, sizeof(err));
	p = policy_load_rootwrap(path, &o, &conf, &st, &err, errs);
	switch (st) {
	case RW_BADVALUE:
		rg_errlist_add(errs, 0, path, err.line, "Incorrect value in "
		    "%s: %s", path, err.msg);
		break;
	case RW_BADCONF:
		rg_errlist_add(errs, 0, path, err.line, "Incorrect "
		    "configuration file: %s%s%s", path, err.msg[0] ? ": " : "",
		    err.msg);
		break;
	case RW_OK:
	case RW_BADFILTERS:
	default:
		break;
	}
	rootwrap_conf_free(&conf);
	return p;
}

int
cli_caller_for(const struct cli_opts *opts, struct cli_caller *cc,
    const char *as_user)
{
	if (as_user == NULL && opts->rootwrap_conf != NULL)
		return cli_caller_from_uid(cc, 0, 0);
	return cli_caller_init(cc, as_user);
}

struct policy *
cli_load_policy_for(const struct cli_opts *opts, const char *cmd)
{
	struct rg_errlist errs = { 0 };
	const char *what = opts->rootwrap_conf != NULL ? opts->rootwrap_conf :
	    opts->confdir;
	struct policy *p;

	if (opts->rootwrap_conf != NULL)
		p = cli_load_rootwrap(opts->rootwrap_conf, &errs);
	else
		p = policy_load_confdir_for(opts->confdir, cmd, NULL, &errs);
	if (p == NULL) {
		cli_print_errs(&errs);
		cli_warnx("unable to load configuration %s: %zu error%s",
		    what, rg_errlist_nerrors(&errs),
		    rg_errlist_nerrors(&errs) == 1 ? "" : "s");
	}
	rg_errlist_free(&errs);
	return p;
}

struct policy *
cli_load_policy(const struct cli_opts *opts)
{
	return cli_load_policy_for(opts, NULL);
}

int
cli_caller_from_uid(struct cli_caller *cc, uid_t uid, gid_t gid)
{
	struct passwd *pw;
	gid_t *gids = NULL;
	int ng = 0;

	memset(cc, 0, sizeof(*cc));
	cc->c.uid = uid;
	cc->c.gid = gid;
	if (uid == 0) {
		/* root may use every rule: its groups decide nothing, and
		 * looking them up is a tenth of a direct-mode run; its name
		 * is root, as for run-as (loadcache.c), without a look-up */
		cc->user = xstrdup("root");
	} else if ((pw = getpwuid(uid)) != NULL) {
		cc->user = xstrdup(pw->pw_name);
		getgrouplist(pw->pw_name, gid, NULL, &ng);
		gids = xreallocarray(NULL, (size_t)ng + 1, sizeof(*gids));
		if (getgrouplist(pw->pw_name, gid, gids, &ng) < 0)
			ng = 0;
	} else {
		gids = xmalloc(sizeof(*gids));
		gids[0] = gid;
		ng = 1;
	}
	for (int i = 0; i < ng; i++) {
		struct group *gr = getgrgid(gids[i]);

		if (gr != NULL && strv_find(cc->groups, cc->ngroups,
		    gr->gr_name) < 0 && strv_push(&cc->groups, &cc->ngroups,
		    gr->gr_name) < 0) {
			free(gids);
			cli_warnx("unable to allocate memory");
			return -1;
		}
	}
	free(gids);
	cc->c.user = cc->user;
	cc->c.groups = (const char *const *)cc->groups;
	cc->c.ngroups = cc->ngroups;
	return 0;
}

int
cli_caller_init(struct cli_caller *cc, const char *as_user)
{
	struct passwd *pw;

	if (as_user == NULL)
		return cli_caller_from_uid(cc, getuid(), getgid());
	errno = 0;
	if ((pw = getpwnam(as_user)) == NULL) {
		cli_warnx("unknown user '%s'", as_user);
		return -1;
	}
	return cli_caller_from_uid(cc, pw->pw_uid, pw->pw_gid);
}

void
cli_caller_free(struct cli_caller *cc)
{
	free(cc->user);
	strv_free(cc->groups, cc->ngroups);
	memset(cc, 0, sizeof(*cc));
}

void
cli_sbx_summary(const struct sbx_profile *s, char *buf, size_t len)
{
	static const char *const nsn[] = { "mount", "pid", "ipc", "uts",
		"net", "cgroup" };
	char ns[64] = "", caps[256] = "";
	size_t o = 0;

	if (!s->enabled) {
		snprintf(buf, len, "OFF (unconfined)");
		return;
	}
	for (unsigned i = 0; i < 6; i++)
		if (s->ns & (1u << i))
			o += (size_t)snprintf(ns + o, sizeof(ns) - o, "%s%s",
			    o ? "," : "", nsn[i]);
	o = 0;
	for (int c = 0; c < 64; c++)
		if (s->caps & (1ULL << c)) {
			const char *n = capng_capability_to_name(c);

			o += (size_t)snprintf(caps + o, sizeof(caps) - o,
			    "%s%s", o ? "," : "", n ? n : "?");
			if (o >= sizeof(caps))
				break;
		}
	snprintf(buf, len, "namespaces=%s caps=%s seccomp=%s timeout=%ums "
	    "writable=%zu hidden=%zu private-tmp=%s cwd=%s umask=%03o",
	    ns[0] ? ns : "none", caps[0] ? caps : "none",
	    s->seccomp == SBX_SECCOMP_OFF ? "off" : "default", s->timeout_ms,
	    s->nwritable, s->nhidden, s->private_tmp ? "yes" : "no",
	    s->cwd ? s->cwd : "/", (unsigned)s->umask);
}
