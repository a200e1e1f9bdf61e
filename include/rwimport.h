/* SPDX-License-Identifier: ISC */
/*
 * rwimport.h - an oslo.rootwrap configuration, already translated into the
 * policy model (rootwrap.h), written back as native filters.d text
 * (rootgate.filters(5)): one section per rule that the native language can
 * express, commented with its source filter; a commented-out section,
 * saying why, for each one it cannot.
 *
 * UNPRIVILEGED: writes to a stream; reads the filter files again for the
 * filters that translate to no rule.
 */
#ifndef ROOTGATE_RWIMPORT_H
#define ROOTGATE_RWIMPORT_H

#include <stddef.h>
#include <stdio.h>

struct policy;
struct rw_conf;

struct rwimport_stats {
	size_t nrules;		/* sections written */
	size_t nskipped;	/* filters written commented out */
};

/*
 * Write the native policy for p (loaded from the rootwrap.conf at
 * conf_path, whose parsed [DEFAULT] is conf) to out. Returns 0, or -1 on
 * an output error (errno set).
 */
int rwimport_write(FILE *out, const struct policy *p, const char *conf_path,
    const struct rw_conf *conf, struct rwimport_stats *st);

#endif
