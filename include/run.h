/* SPDX-License-Identifier: ISC */
/*
 * run.h - run one allowed command under its sandbox profile and supervise
 * it to the end. The caller (direct mode, the broker) has already decided:
 * everything here is inert data from a `struct decision`.
 *
 * PRIVILEGED module (root): the sandbox and supervision code lives behind
 * this one entry point.
 */
#ifndef ROOTGATE_RUN_H
#define ROOTGATE_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

struct sbx_profile;
struct rg_err;

struct run_request {
	const char *exec_path;		/* canonical path checked at load */
	char *const *argv;		/* final argv, NULL-terminated */
	char *const *envp;		/* final environment, NULL-terminated */
	const struct sbx_profile *sbx;	/* how to confine it */
	uid_t uid;			/* run-as user */
	gid_t gid;			/* run-as group */
	int fds[3];			/* the child's stdin, stdout, stderr */
};

struct run_outcome {
	int status;		/* exit status for the caller (exitcode.h) */
	bool started;		/* execve succeeded */
	bool timed_out;		/* killed after timeout_ms */
	int wstatus;		/* raw wait status of the command (as
				   reported by the init of a pid ns) */
	struct rusage ru;	/* of the child and its descendants */
	uint64_t elapsed_us;	/* wall clock, start to reap */
	char stage[32];		/* when !started: the set-up step that failed */
	int child_errno;	/* ... and its errno */
	char warning[256];	/* e.g. "cgroup v2 not delegated: memory.max
				   not applied"; "" if none */
};

/*
 * Run req->argv from req->exec_path under req->sbx; block until the child
 * and every descendant are gone (with req->sbx->keep_descendants, the
 * rootwrap compatibility profile: until the child is gone, leaving its
 * descendants alone and forwarding no signal); fill *out. Returns 0 when the command was
 * run (out->status is its status, 124 on timeout, 128+N on signal N), or
 * -1 with *err set when rootgate failed before or during set-up (then
 * out->status is 125, or 96 when the executable vanished or changed).
 */
int run_command(const struct run_request *req, struct run_outcome *out,
    struct rg_err *err);

#endif
