/* SPDX-License-Identifier: ISC */
/*
 * cmd_run.c - `rootgate CMD ARGS...` as root (direct mode): decide with
 * the matcher, record the decision, run exactly the allowed argv under the
 * rule's sandbox, record how it ended, exit with its status.
 *
 * Invariants:
 * 1. Nothing runs unless the policy loaded whole and a rule allowed the
 *    exact argv; nothing runs if the decision could not be audited.
 * 2. The caller learns what was denied and why (the reason of the closest
 *    rule), never the other rules.
 */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auditlog.h"
#include "broker.h"
#include "cli.h"
#include "constraint.h"
#include "diag.h"
#include "exitcode.h"
#include "match.h"
#include "policy.h"
#include "run.h"

int cmd_run(const struct cli_opts *opts, int argc, char **argv);

extern char **environ;

static int
run_allowed(const struct policy *p, const struct audit_caller *ac,
    const struct decision *d, const char *q)
{
	const struct rule *r = d->rule;
	struct run_request req = {
		.exec_path = r->exec_real,
		.argv = d->argv,
		.envp = d->envp,
		.sbx = d->sbx,
		.uid = r->uid,
		.gid = r->gid,
		.fds = { STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO },
	};
	struct run_outcome out;
	struct rg_err err;
	int rc;

	memset(&out, 0, sizeof(out));
	rc = run_command(&req, &out, &err);
	if (out.warning[0] != '\0')
		cli_warnx("warning: %s", out.warning);
	if (rc < 0) {
		char buf[RG_ERR_MSGLEN + 64];

		rg_err_format(&err, buf, sizeof(buf));
		cli_warnx("unable to run %s: %s", q, buf);
		if (out.stage[0] == '\0') {
			/* failed in rootgate, before the child: say where */
			strlcpy(out.stage, err.msg, sizeof(out.stage));
			out.child_errno = err.errnum;
		}
	} else if (!out.started && out.status == RG_EXIT_INTERNAL)
		cli_warnx("unable to run %s: %s: %s", q, out.stage,
		    strerror(out.child_errno));
	if (auditlog_exit(p, ac, d, &out) < 0)
		cli_warnx("unable to write the audit record: %s",
		    strerror(errno));
	return out.status;
}

int
cmd_run(const struct cli_opts *opts, int argc, char **argv)
{
	struct audit_caller ac;
	struct cli_caller cc;
	struct decision d;
	struct policy *p;
	char q[300];
	int status;

	/* not root: the broker decides, by the kernel's word on who we are */
	if (geteuid() != 0)
		return broker_client_run(broker_socket_path(opts->socket), argc,
		    argv);
	if ((p = cli_load_policy_for(opts, argv[0])) == NULL)
		return RG_EXIT_CONFIG;
	/* direct mode: the caller is root, sudo has decided who may be */
	if (cli_caller_from_uid(&cc, getuid(), getgid()) < 0) {
		policy_free(p);
		return RG_EXIT_INTERNAL;
	}
	auditlog_caller_direct(&ac, cc.c.uid, cc.c.user, environ);
	constraint_escape(argv[0], 64, q, sizeof(q));
	if (match_argv(p, &cc.c, argv, (size_t)argc, environ, &d) < 0) {
		cli_warnx("unable to allocate memory");
		status = RG_EXIT_INTERNAL;
	} else if (auditlog_decision(p, &ac, argv, (size_t)argc, &d) < 0) {
		cli_warnx("unable to write the audit record to %s: %s; not "
		    "running %s", p->audit_log, strerror(errno), q);
		status = RG_EXIT_INTERNAL;
	} else if (!d.allowed) {
		cli_warnx("denied: %s: %s", q, d.reason);
		status = decision_exit_status(&d);
	} else
		status = run_allowed(p, &ac, &d, q);
#ifndef ROOTGATE_FREE_AT_EXIT
	/*
	 * The caller waits for this process to end, and freeing a large
	 * policy costs a tenth of loading it: let exit return the memory.
	 * (Sanitizer builds free everything, so leaks stay visible there.)
	 */
	if (status >= 0)
		exit(status);
#endif
	decision_clear(&d);
	cli_caller_free(&cc);
	policy_free(p);
	return status;
}
