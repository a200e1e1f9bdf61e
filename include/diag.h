/* SPDX-License-Identifier: ISC */
/*
 * diag.h - error records. Modules never print and never exit: they fill a
 * struct rg_err (one failure) or append to a struct rg_errlist (a loader
 * that reports every error of a file before failing the whole load).
 * Programs turn records into one stderr line each, in one place.
 */
#ifndef ROOTGATE_DIAG_H
#define ROOTGATE_DIAG_H

#include <stddef.h>

#define RG_ERR_MSGLEN 512
#define RG_ERR_FILELEN 1024

struct rg_err {
	char file[RG_ERR_FILELEN];	/* "" when no file is concerned */
	unsigned line;			/* 0 when no line is concerned */
	int errnum;			/* saved errno, 0 if none */
	char msg[RG_ERR_MSGLEN];	/* "what: why", no trailing newline */
};

struct rg_errlist {
	struct rg_err *v;
	size_t n;
	size_t nwarn;			/* how many of v are warnings */
	size_t nnote;			/* how many of v are notes */
	unsigned char *warn;		/* per entry: RG_ERROR, RG_WARNING,
					   RG_NOTE */
	size_t cap;
	size_t lost;			/* errors dropped for lack of memory */
};

enum { RG_ERROR = 0, RG_WARNING = 1, RG_NOTE = 2 };

/* Fill *e (may be NULL: then nothing happens). Always returns -1. */
int rg_err_set(struct rg_err *e, const char *file, unsigned line, int errnum,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Append an error (RG_ERROR), a warning (RG_WARNING) or a note (RG_NOTE:
 * an accepted risk, reported but not counted as a warning) to *l. On
 * allocation failure the record is dropped and counted in l->lost, so a
 * failing load is never reported clean.
 */
void rg_errlist_add(struct rg_errlist *l, int warning, const char *file,
    unsigned line, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Number of errors (not warnings or notes) in *l. */
size_t rg_errlist_nerrors(const struct rg_errlist *l);

/* Move *e onto the list as an error. */
void rg_errlist_add_err(struct rg_errlist *l, const struct rg_err *e);

void rg_errlist_free(struct rg_errlist *l);

/*
 * Format one record as "FILE:LINE: MSG" (or "FILE: MSG", or "MSG") into
 * buf; the caller prefixes the program name.
 */
void rg_err_format(const struct rg_err *e, char *buf, size_t len);

#endif
