/* SPDX-License-Identifier: ISC */
/*
 * rootgate-rootwrap - drop-in for oslo-rootwrap 6.3.1:
 *
 *   rootgate-rootwrap CONFIG CMD [ARG...]
 *
 * Reads CONFIG (rootwrap.conf) and the filter files of its filters_path,
 * decides with the one matcher (rootwrap.h, match.h) and runs the allowed
 * command as oslo.rootwrap does (the compatibility profile: the caller's
 * descriptors, cwd and environment, no sandbox, no signal forwarding,
 * descendants left alone; run.c invariant 4), or in the native sandbox
 * when the [rootgate] section of CONFIG selects the filter; the child's
 * status (128+N for signal N). The
 * messages, streams and statuses are oslo.rootwrap's (98 no command, 97
 * configuration, 96 executable not found, 99 unauthorized);
 * doc/rootwrap-compat.md lists where rootgate refuses what it allowed.
 *
 * Invariants:
 * 1. Nothing runs unless the configuration and every filter file loaded
 *    whole and a filter allowed the exact argv.
 * 2. Each message is one line on stderr prefixed by argv[0] verbatim,
 *    as oslo.rootwrap prints it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <syslog.h>
#include <unistd.h>

#include "diag.h"
#include "exitcode.h"
#include "match.h"
#include "policy.h"
#include "rootwrap.h"
#include "run.h"
#include "stdfds.h"

extern char **environ;

struct rwlog {
	bool on;
	int level;		/* Python logging level: 20 INFO, 40 ERROR */
};

static const char *execname;

/* "EXECNAME: MESSAGE" on stderr, and to syslog at ERROR (oslo's
 * _exit_error) */
static void __attribute__((format(printf, 2, 3)))
rw_error(const struct rwlog *lg, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", execname, msg);
	if (lg != NULL && lg->on && lg->level <= 40)
		syslog(LOG_ERR, "%s", msg);
}

/* The caller's words joined by single spaces (oslo's ' '.join(userargs)) */
static void
join_words(char *const *v, size_t n, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "",
		    v[i]);
}

/* Python's repr() of a list of str, for the "Executing" log line */
static void
repr_list(char *const *v, size_t n, char *buf, size_t len)
{
	size_t o = 0;

	o += (size_t)snprintf(buf, len, "[");
	for (size_t i = 0; i < n && o + 8 < len; i++) {
		if (i > 0)
			o += (size_t)snprintf(buf + o, len - o, ", ");
		buf[o++] = '\'';
		for (const char *s = v[i]; *s && o + 8 < len; s++) {
			if (*s == '\\' || *s == '\'')
				buf[o++] = '\\';
			buf[o++] = *s;
		}
		buf[o++] = '\'';
		buf[o] = '\0';
	}
	snprintf(buf + o, len - o, "]");
}

/* oslo: lower the soft RLIMIT_NOFILE to rlimit_nofile, never raise it */
static void
rw_rlimit(long long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= (rlim_t)want)
		return;
	/* descriptors at or above the limit were closed by closefrom(3) */
	rl.rlim_cur = (rlim_t)want;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		fprintf(stderr, "%s: unable to set RLIMIT_NOFILE: %s\n",
		    execname, strerror(errno));
}

static void
rw_syslog(const struct rw_conf *c, struct rwlog *lg)
{
	const char *base = strrchr(execname, '/');

	lg->on = c->use_syslog;
	lg->level = c->syslog_level;
	if (!lg->on)
		return;
	openlog(base != NULL ? base + 1 : execname, 0,
	    c->syslog_facility << 3);
}

static int
rw_load_error(enum rw_status st, const char *conf, const struct rg_err *err,
    const struct rg_errlist *errs)
{
	char buf[RG_ERR_MSGLEN + RG_ERR_FILELEN + 64];

	switch (st) {
	case RW_BADVALUE:
		rw_error(NULL, "Incorrect value in %s: %s", conf, err->msg);
		break;
	case RW_BADFILTERS:
		for (size_t i = 0; i < errs->n; i++) {
			if (errs->warn[i] != RG_ERROR)
				continue;
			rg_err_format(&errs->v[i], buf, sizeof(buf));
			rw_error(NULL, "%s", buf);
		}
		break;
	case RW_BADCONF:
	case RW_OK:
	default:
		if (err->msg[0] != '\0') {
			rg_err_format(err, buf, sizeof(buf));
			rw_error(NULL, "%s", buf);
		}
		rw_error(NULL, "Incorrect configuration file: %s", conf);
		break;
	}
	return RG_EXIT_CONFIG;
}

static int
rw_run(const struct decision *d, const struct rwlog *lg)
{
	const struct rule *r = d->rule;
	struct run_request req = {
		.exec_path = r->exec_real != NULL ? r->exec_real : r->exec,
		.argv = d->argv,
		.envp = d->envp,
		.sbx = d->sbx,
		.uid = r->uid,
		.gid = r->gid,
		.fds = { STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO },
	};
	struct run_outcome out;
	struct rg_err err;
	char buf[RG_ERR_MSGLEN + 64];

	if (lg->on && lg->level <= 20) {
		const char *login = getlogin();
		char cmd[4096];

		if (login == NULL && (login = getenv("USER")) == NULL &&
		    (login = getenv("USERNAME")) == NULL)
			login = getenv("LOGNAME");
		repr_list(d->argv, d->argc, cmd, sizeof(cmd));
		syslog(LOG_INFO, "(%s > %s) Executing %s (filter match = %s)",
		    login != NULL ? login : "None", r->user, cmd, r->name);
	}
	memset(&out, 0, sizeof(out));
	if (run_command(&req, &out, &err) < 0) {
		rg_err_format(&err, buf, sizeof(buf));
		fprintf(stderr, "%s: unable to run %s: %s\n", execname,
		    req.exec_path, buf);
	} else if (!out.started && out.status == RG_EXIT_INTERNAL)
		fprintf(stderr, "%s: unable to run %s: %s: %s\n", execname,
		    req.exec_path, out.stage, strerror(out.child_errno));
	return out.status;
}

static int
rw_decide(const struct policy *p, char **argv, size_t argc,
    const struct rwlog *lg)
{
	struct caller root = { 0, 0, "root", NULL, 0 };
	struct decision d;
	char args[4096];
	int status;

	if (match_argv(p, &root, argv, argc, environ, &d) < 0) {
		fprintf(stderr, "%s: unable to allocate memory\n", execname);
		return RG_EXIT_INTERNAL;
	}
	if (d.allowed)
		status = rw_run(&d, lg);
	else if (d.code == DENY_INACTIVE && d.inactive != NULL) {
		rw_error(lg, "Executable not found: %s (filter match = %s)",
		    d.inactive->exec_src != NULL ? d.inactive->exec_src :
		    d.inactive->exec, d.inactive->name);
		status = RG_EXIT_EXEC_MISSING;
	} else {
		if (d.code == DENY_UNUSABLE)
			fprintf(stderr, "%s: refused: %s\n", execname,
			    d.reason);
		join_words(argv + d.argv_off, argc - d.argv_off, args,
		    sizeof(args));
		rw_error(lg, "Unauthorized command: %s (no filter matched)",
		    args);
		status = RG_EXIT_NOT_AUTHORIZED;
	}
	decision_clear(&d);
	return status;
}

int
main(int argc, char **argv)
{
	struct rw_opts o = { getenv("PATH"), false };
	struct rg_errlist errs = { 0 };
	struct rwlog lg = { false, 40 };
	struct rw_conf conf;
	struct rg_err err;
	enum rw_status st;
	struct policy *p;
	int status;

	/* a closed 0, 1 or 2 would be taken by the next file we open */
	if (rg_keep_stdio() < 0)
		return RG_EXIT_INTERNAL;
	/* only fds 0-2 reach the command (oslo: close_fds=True) */
	closefrom(STDERR_FILENO + 1);
	execname = argc > 0 ? argv[0] : "rootgate-rootwrap";
	if (argc < 3) {
		rw_error(NULL, "No command specified");
		return RG_EXIT_NO_COMMAND;
	}
	memset(&err, 0, sizeof(err));
	p = policy_load_rootwrap(argv[1], &o, &conf, &st, &err, &errs);
	if (p == NULL) {
		status = rw_load_error(st, argv[1], &err, &errs);
		goto out;
	}
	rw_rlimit(conf.rlimit_nofile);
	rw_syslog(&conf, &lg);
	status = rw_decide(p, argv + 2, (size_t)argc - 2, &lg);
out:
	rg_errlist_free(&errs);
	rootwrap_conf_free(&conf);
	policy_free(p);
	return status;
}
