/* SPDX-License-Identifier: ISC */
/*
 * exitcode.h - the exit statuses of every rootgate program (DESIGN.md).
 * The set is an API: scripts and oslo.concurrency depend on it.
 */
#ifndef ROOTGATE_EXITCODE_H
#define ROOTGATE_EXITCODE_H

enum {
	RG_EXIT_OK = 0,
	RG_EXIT_LINT = 1,		/* `check` found errors */
	RG_EXIT_EXEC_MISSING = 96,	/* executable not found (rootwrap) */
	RG_EXIT_CONFIG = 97,		/* configuration error (rootwrap) */
	RG_EXIT_NO_COMMAND = 98,	/* no command given (rootwrap) */
	RG_EXIT_NOT_AUTHORIZED = 99,	/* no rule matches (rootwrap) */
	RG_EXIT_TIMEOUT = 124,		/* ran past its timeout (timeout(1)) */
	RG_EXIT_INTERNAL = 125,		/* rootgate itself failed */
	RG_EXIT_SIGNAL_BASE = 128,	/* + N: killed by signal N */
};

#endif
