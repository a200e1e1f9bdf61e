/* SPDX-License-Identifier: ISC */
/*
 * daemon.c - rootgated's event loop (broker.h): one epoll over the
 * listening socket, a signalfd, every client socket and every running
 * command's pidfd.
 *
 * Invariants:
 * 1. The loop never blocks on a client: sockets are non-blocking, a
 *    frame is read as it trickles in under a deadline (request-timeout),
 *    and a reply that does not fit in the socket buffer drops the client
 *    (logged: lost_reply).
 * 2. The caller is who SO_PEERCRED says (peer.c), taken at accept; the
 *    request names no identity. The decision (match_argv) and its audit
 *    record happen here, before any privileged action for the request.
 * 3. The daemon starts each allowed command itself (job.c: the halves
 *    of direct mode's run_command), as its own child, and supervises it
 *    from this loop: its pidfd, its timeout, the forwarded signals. The
 *    child keeps nothing of the daemon's (job.c, 2). It is reaped here,
 *    so no zombie outlives its connection's bookkeeping.
 * 4. A policy is immutable and reference-counted: a request keeps the
 *    policy it was decided under until its command is finished; SIGHUP
 *    builds a new one and swaps the pointer, or keeps the old one whole.
 * 5. Every descriptor a connection owns (socket, peer pidfd, the three
 *    received fds, the command's pidfd and status pipe) is closed when the
 *    connection is freed, and connections are freed only between epoll
 *    batches (no event can name a freed connection). Every descriptor
 *    in the epoll is taken out of it (EPOLL_CTL_DEL, under the number it
 *    was added with) before it is closed: close(2) alone does not do it
 *    while another copy of the file is open, and a child of the daemon
 *    holds copies of all its descriptors from its clone until it closes
 *    them. A registration left behind that way kept reporting a closed
 *    status pipe, tagged with a connection since freed.
 * 6. A malformed frame gets one PT_ERROR reply and the connection is
 *    closed: after a framing error the stream cannot be trusted.
 * 7. The daemon is a child subreaper. Without a pid namespace a
 *    command's children outlive it: its session is killed at its exit
 *    (job_reap), and whatever escaped the session is re-parented to us.
 *    Any child that is not a running command is killed and reaped
 *    (sweep_strays); a command's reply waits until none is left, so the
 *    caller never sees the end of a run whose processes still live, and
 *    they keep counting against max-children until then.
 * 8. One uid holds at most max-connections-per-caller connections, and
 *    a connection that has had its reply and sends nothing more is closed
 *    after idle-timeout: one caller cannot fill the connection table and
 *    lock the other services out.
 * 9. With a pid namespace the reply does not wait for the init's exit
 *    (the namespace teardown, ~0.2 ms): when the init reports that the
 *    command was reaped and it has no child left (pidinit.c invariant 3,
 *    supervise.c invariant 8), the exit record is written and the reply
 *    sent, and the job becomes a tail that the loop reaps when its pidfd
 *    says so. A tail keeps its slot (max-children, max-per-caller), its
 *    timeout and its place among the children the sweep leaves alone
 *    until it is reaped; the daemon does not stop before every tail is
 *    reaped. The connection is free for the next request at once.
 * 10. The minimal /dev and the hidden-path masks of every sandboxed run
 *    are clones of read-only detached mounts made once at start
 *    (sbx_templates_init; dev.c, invariant 5): one superblock fewer to
 *    make and tear down per run. Where the kernel cannot clone them,
 *    each run builds its own, as direct mode does.
 * 11. Prepared inits. After starting a sandboxed request, the daemon
 *    clones the next init for the same profile at the end of the event
 *    batch (run_park: namespaces, mounts, limits, bounding set made
 *    while the command runs) and parks it; the profile's next request
 *    is handed to it (run_start_parked) and pays only the command's own
 *    steps. One per profile, PARK_MAX in all, discarded (SIGKILL, then
 *    reaped from its pidfd like any child) when unused for PARK_AGE_MS,
 *    on reload, on shutdown, and whenever it may no longer be what a
 *    fresh init would be: the daemon's mount table or a directory above
 *    one of the profile's mount points changed (fswatch.h), or the host
 *    name, seen at the profile's next request. A change of the mount
 *    table discards every one at once, when the loop sees it (on_mounts):
 *    an init's copy of the old table would keep a file system that the
 *    host unmounted busy. Then, or when the hand-off fails, the request
 *    takes the ordinary path. A parked init holds nothing of the
 *    daemon's but its control socket and status pipe, counts as no
 *    running command, and is never taken for a stray. prepared-inits =
 *    no turns this off.
 * 12. ACCEPT is owed, not sent, when a command starts: it goes out
 *    ACCEPT_DELAY_MS later, or, when the command ends sooner, in the
 *    same send as the EXIT, so a short command's client wakes once, not
 *    twice (the order, ACCEPT then EXIT, is the protocol's either way).
 * 13. After a change of the mount table, no command starts until every
 *    prepared init and every tail (9) that held a copy of the old table
 *    has been reaped (its namespace torn down: a few milliseconds after
 *    the SIGKILL or the command's end), or PIN_WAIT_MS has passed
 *    (logged). A command still running keeps its copy until it ends:
 *    no request waits for it. A caller that unmounts through
 *    the daemon and then removes the device through it (umount, then
 *    lvremove) never finds the device held by one. The change is looked
 *    for at each allowed request (one poll), besides the loop's watch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "auditlog.h"
#include "broker.h"
#include "constraint.h"
#include "diag.h"
#include "exitcode.h"
#include "fswatch.h"
#include "job.h"
#include "match.h"
#include "peer.h"
#include "policy.h"
#include "proto.h"
#include "sandbox.h"

#define DEF_MAX_CHILDREN	64
#define DEF_MAX_PER_CALLER	32
#define DEF_REQUEST_MS		5000
#define DEF_IDLE_MS		60000
#define SWEEP_EVERY_MS		20
#define ACCEPT_DELAY_MS		2	/* invariant 12 */
#define DEF_CONNS_PER_CALLER	256
#define DEF_SHUTDOWN_MS		10000
#define DEF_SOCKET_MODE		0660
#define MAX_CONNS		1024
#define ACCEPT_BATCH		64
#define NEVENTS			64
#define CMSG_FDS		8	/* room to see that too many came */
#define PARK_MAX		8	/* invariant 11: parked inits */
#define PARK_AGE_MS		10000
#define PARK_FAILS		3	/* early deaths before giving up */
#define PARK_PROFILES		64	/* profiles remembered per policy */
#define PIN_WAIT_MS		2000	/* invariant 13: at most this long */

enum ev_kind { EV_LISTEN, EV_SIGNAL, EV_SOCK, EV_JOB, EV_JOBST, EV_TAIL,
	EV_PARK, EV_MOUNTS };

struct conn;
struct tail;
struct parked;

struct evtag {
	enum ev_kind kind;
	struct conn *c;
	struct tail *t;		/* EV_TAIL */
	struct parked *pk;	/* EV_PARK */
};

struct polref {
	struct policy *p;
	unsigned refs;		/* current + each request decided with it */
};

enum conn_state {
	CS_RECV,	/* reading a request */
	CS_WAIT,	/* allowed, waiting for a free slot */
	CS_RUN,		/* its command runs, or its strays are killed */
	CS_DEAD,	/* to be freed after this batch */
};

struct conn {
	struct conn *next, *prev;
	int fd;			/* -1 once closed */
	struct peer peer;
	enum conn_state st;
	unsigned char hdrbuf[PROTO_HDR_LEN];
	char *payload;
	size_t have;		/* bytes of the current frame */
	bool hdr_ok;
	bool idle;		/* CS_RECV after a reply, nothing since */
	struct proto_hdr hdr;
	int fds[CMSG_FDS];	/* received with the current frame */
	int nfds;
	int rfds[PROTO_NFDS];	/* the request's: CS_WAIT until started */
	int nrfds;
	int64_t deadline;	/* CS_RECV: request-timeout from the first
				   byte or the connection, idle-timeout
				   after a reply; else -1 */
	struct polref *pol;	/* CS_WAIT, CS_RUN */
	int64_t accept_due;	/* CS_RUN: when the owed ACCEPT goes out;
				   -1 once sent, or none owed */
	struct decision d;
	bool decided;
	struct audit_caller ac;
	char q[300];		/* the command, escaped, for messages */
	struct job j;
	bool draining;		/* reaped, waiting for its strays to go */
	bool orphan;		/* client gone while running: no reply */
	int st_fd;		/* the job's status pipe, as added to the
				   epoll (invariant 5); -1 = not there */
	struct evtag ev_sock, ev_job, ev_jobst;
};

/* Invariant 9: a run that has ended but for its exiting init, which is
 * still to be reaped; its caller has had the reply. */
struct tail {
	struct tail *next, *prev;
	struct job j;
	uid_t uid;		/* the caller's: it counts as theirs */
	bool pin;		/* invariant 13: an older mount table */
	struct evtag ev;
};

/* Invariant 11: a prepared init waiting for its profile's request. */
enum park_state {
	PK_PARKED,	/* waiting, in b->parked */
	PK_DYING,	/* discarded: killed, in b->parked until reaped */
	PK_GONE,	/* reaped or handed off: in b->dead_parked */
};

struct parked {
	struct parked *next, *prev;
	struct run_parked rp;
	struct polref *pol;	/* the policy of rp.sbx (a reference) */
	uint64_t gen;		/* fswatch generation it was made at */
	struct utsname uts;	/* the names its UTS namespace copied */
	int64_t made_ms;
	enum park_state st;
	bool pin;		/* holds a copy of an older mount table */
	struct evtag ev;
};

/* Invariant 11: whether a profile may have a prepared init. */
struct park_profile {
	const struct sbx_profile *sbx;
	bool ok;
};

struct broker {
	const struct broker_opts *o;
	int ep, lfd, sfd;
	char *sockpath;		/* ours to unlink, NULL if inherited */
	struct polref *pol;
	struct conn *conns;	/* in accept order */
	struct conn *dead;
	struct tail *tails;	/* invariant 9 */
	struct tail *dead_tails;
	size_t nconns, nrunning, maxconns;
	bool stopping;
	int64_t stop_deadline;
	bool sweeping;		/* invariant 7: strays remain ... */
	int64_t next_sweep;	/* ... look again at this time */
	struct evtag ev_listen, ev_signal, ev_mounts;
	struct parked *parked;	/* invariant 11 */
	struct parked *dead_parked;
	size_t nparked;		/* not dying */
	size_t npins;		/* invariant 13: inits with pin, not reaped */
	int64_t pin_deadline;	/* ... requests wait for them until then */
	struct fswatch fsw;
	bool fsw_ok;
	unsigned park_fails;	/* early deaths, in a row */
	const struct sbx_profile *park_want;	/* to prepare after the
						   batch, of ... */
	struct polref *park_want_pol;		/* ... this policy */
	struct park_profile profiles[PARK_PROFILES];
	size_t nprofiles;	/* of b->pol; reset on reload */
};

static bool log_stderr;

static void blog(int prio, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
blog(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_stderr) {
		fprintf(stderr, "rootgated: ");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else
		vsyslog(LOG_DAEMON | prio, fmt, ap);
	va_end(ap);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned
conf_or(unsigned v, unsigned def)
{
	return v != 0 ? v : def;
}

static const struct broker_conf *
bconf(const struct broker *b)
{
	return &b->pol->p->broker;
}

/* --- policy ----------------------------------------------------------- */

static struct polref *
pol_load(const char *confdir)
{
	struct policy_opts po = { .jit = true };
	struct rg_errlist errs = { 0 };
	char buf[RG_ERR_MSGLEN + RG_ERR_FILELEN + 64];
	struct polref *r;
	struct policy *p;

	p = policy_load_confdir(confdir, &po, &errs);
	for (size_t i = 0; p == NULL && i < errs.n; i++)
		if (errs.warn[i] == RG_ERROR) {
			rg_err_format(&errs.v[i], buf, sizeof(buf));
			blog(LOG_ERR, "%s", buf);
		}
	if (p == NULL)
		blog(LOG_ERR, "unable to load configuration %s: %zu error%s",
		    confdir, rg_errlist_nerrors(&errs),
		    rg_errlist_nerrors(&errs) == 1 ? "" : "s");
	rg_errlist_free(&errs);
	if (p == NULL)
		return NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		policy_free(p);
		blog(LOG_ERR, "unable to allocate memory");
		return NULL;
	}
	r->p = p;
	r->refs = 1;
	return r;
}

static void
pol_put(struct polref *r)
{
	if (r != NULL && --r->refs == 0) {
		policy_free(r->p);
		free(r);
	}
}

/* --- prepared inits (invariant 11) ------------------------------------ */

static void
park_unlink(struct broker *b, struct parked *pk)
{
	if (pk->next != NULL)
		pk->next->prev = pk->prev;
	if (pk->prev != NULL)
		pk->prev->next = pk->next;
	else
		b->parked = pk->next;
	pk->st = PK_GONE;
	pk->prev = NULL;
	pk->next = b->dead_parked;	/* freed after the batch */
	b->dead_parked = pk;
}

/* Wait for a killed init that the loop cannot reap, and close its
 * pidfd. */
static void
park_reap_now(struct parked *pk)
{
	siginfo_t si;

	(void)waitid((idtype_t)P_PIDFD, (id_t)pk->rp.p.pidfd, &si,
	    WEXITED | __WALL);
	close(pk->rp.p.pidfd);
	pk->rp.p.pidfd = -1;
}

/* Kill it; on_parked reaps it. */
static void
park_discard(struct broker *b, struct parked *pk)
{
	if (pk->st != PK_PARKED)
		return;
	pk->st = PK_DYING;
	b->nparked--;
	run_parked_discard(&pk->rp);
}

static void
park_flush(struct broker *b)
{
	for (struct parked *pk = b->parked; pk != NULL; pk = pk->next)
		park_discard(b, pk);
}

/* What a parked init that died on its own said on its status pipe. */
static void
park_failed(struct broker *b, struct parked *pk)
{
	struct spawn_status st;
	char why[160] = "it exited";

	if (read(pk->rp.p.statusfd, &st, sizeof(st)) == (ssize_t)sizeof(st) &&
	    st.stage >= 0)
		snprintf(why, sizeof(why), "unable to %s: %s",
		    sandbox_stage_name(st.stage), strerror(st.errnum));
	b->nparked--;
	b->park_fails++;
	blog(LOG_WARNING, "a prepared init ended before its request (%s)%s",
	    why, b->park_fails >= PARK_FAILS ? "; no more until a reload" :
	    "");
	run_parked_discard(&pk->rp);
}

static void start_waiting(struct broker *b);

/* Invariant 13: one init that held an old mount table is gone (a
 * prepared init, or a tail). */
static void
unpinned(struct broker *b)
{
	if (--b->npins > 0)
		return;
	b->pin_deadline = -1;
	start_waiting(b);
}

/* Its pidfd is readable: reap it. */
static void
on_parked(struct broker *b, struct parked *pk)
{
	siginfo_t si;
	int rc;

	memset(&si, 0, sizeof(si));
	rc = waitid((idtype_t)P_PIDFD, (id_t)pk->rp.p.pidfd, &si,
	    WEXITED | WNOHANG | __WALL);
	if ((rc < 0 && errno != ECHILD) || (rc == 0 && si.si_pid == 0))
		return;		/* not yet; ECHILD: nothing to reap */
	if (pk->st == PK_PARKED)
		park_failed(b, pk);
	(void)epoll_ctl(b->ep, EPOLL_CTL_DEL, pk->rp.p.pidfd, NULL);
	close(pk->rp.p.pidfd);
	pk->rp.p.pidfd = -1;
	park_unlink(b, pk);
	if (pk->pin)
		unpinned(b);
}

/* The profile's entry in b->profiles, made (its paths watched) on
 * first use; NULL when the table is full. */
static struct park_profile *
park_profile(struct broker *b, const struct sbx_profile *sbx)
{
	struct park_profile *pp;
	int rc;

	for (size_t i = 0; i < b->nprofiles; i++)
		if (b->profiles[i].sbx == sbx)
			return &b->profiles[i];
	if (b->nprofiles == PARK_PROFILES)
		return NULL;
	pp = &b->profiles[b->nprofiles++];
	pp->sbx = sbx;
	rc = fswatch_profile(&b->fsw, sbx);
	pp->ok = rc == 0;
	if (rc < 0)
		blog(LOG_WARNING, "no prepared init for a profile: unable to "
		    "watch its paths: %s", strerror(errno));
	return pp;
}

/* Prepare the next init for sbx, unless it has one or cannot. */
static void
park_make(struct broker *b, const struct sbx_profile *sbx)
{
	struct epoll_event ev = { EPOLLIN, { .ptr = NULL } };
	struct park_profile *pp;
	struct parked *pk, *oldest = NULL;
	struct rg_err err;
	int rc;

	if (b->park_fails >= PARK_FAILS || b->stopping)
		return;		/* park_want filtered the rest */
	for (pk = b->parked; pk != NULL; pk = pk->next) {
		if (pk->st == PK_PARKED && pk->rp.sbx == sbx)
			return;
		if (pk->st == PK_PARKED)
			oldest = pk;	/* newest first */
	}
	if ((pp = park_profile(b, sbx)) == NULL || !pp->ok)
		return;
	if (b->nparked >= PARK_MAX && oldest != NULL)
		park_discard(b, oldest);
	if ((pk = calloc(1, sizeof(*pk))) == NULL)
		return;
	/* fswatch.h invariant 3: read after the watches, before the clone */
	pk->gen = fswatch_gen(&b->fsw);
	memset(&err, 0, sizeof(err));
	if (uname(&pk->uts) < 0 || (rc = run_park(sbx, &pk->rp, &err)) > 0) {
		pp->ok = false;		/* this profile cannot have one */
		free(pk);
		return;
	}
	if (rc < 0) {
		blog(LOG_WARNING, "unable to prepare an init: %s", err.msg);
		b->park_fails++;
		free(pk);
		return;
	}
	pk->ev = (struct evtag){ EV_PARK, NULL, NULL, pk };
	ev.data.ptr = &pk->ev;
	if (epoll_ctl(b->ep, EPOLL_CTL_ADD, pk->rp.p.pidfd, &ev) < 0) {
		/* unwatched, it could not be reaped: end it now */
		run_parked_discard(&pk->rp);
		park_reap_now(pk);
		free(pk);
		return;
	}
	pk->pol = b->pol;
	b->pol->refs++;
	pk->made_ms = now_ms();
	pk->st = PK_PARKED;
	pk->next = b->parked;
	if (b->parked != NULL)
		b->parked->prev = pk;
	b->parked = pk;
	b->nparked++;
}

/* A current prepared init for c's profile, left parked, or NULL.
 * Invariant 11: any change seen discards every one made before it. */
static struct parked *
park_find(struct broker *b, const struct conn *c)
{
	struct parked *pk;
	struct utsname u;
	uint64_t gen;

	for (pk = b->parked; pk != NULL; pk = pk->next)
		if (pk->st == PK_PARKED && pk->rp.sbx == c->d.sbx &&
		    pk->pol == c->pol)
			break;
	if (pk == NULL)
		return NULL;
	gen = fswatch_gen(&b->fsw);
	if (pk->gen == gen && uname(&u) == 0 &&
	    strcmp(u.nodename, pk->uts.nodename) == 0 &&
	    strcmp(u.domainname, pk->uts.domainname) == 0)
		return pk;
	for (struct parked *q = b->parked; q != NULL; q = q->next)
		if (q->gen != gen || q == pk)
			park_discard(b, q);
	return NULL;
}

/* The daemon's mount table changed (its descriptor is in the epoll,
 * which takes the event: fswatch.h, invariant 4). Every prepared init
 * holds a copy of the old table, and a copy keeps a file system that the
 * host has since unmounted alive, its block device open: lvremove,
 * cryptsetup close, mkfs would find it busy. So all are discarded now,
 * not at their profile's next request or after PARK_AGE_MS. */
static void
mounts_changed(struct broker *b)
{
	for (struct parked *pk = b->parked; pk != NULL; pk = pk->next) {
		park_discard(b, pk);
		if (!pk->pin) {		/* invariant 13 */
			pk->pin = true;
			b->npins++;
		}
	}
	for (struct tail *t = b->tails; t != NULL; t = t->next)
		if (!t->pin) {
			t->pin = true;
			b->npins++;
		}
	if (b->npins > 0 && b->pin_deadline < 0)
		b->pin_deadline = now_ms() + PIN_WAIT_MS;
}

static void
on_mounts(struct broker *b)
{
	fswatch_changed(&b->fsw);
	mounts_changed(b);
}

/* Start c's job on a prepared init if there is one: as job_start, or 1
 * when there is none or it could not take the request. */
static int
park_start(struct broker *b, struct conn *c, struct job_report *r)
{
	struct parked *pk = park_find(b, c);
	int rc;

	if (pk == NULL)
		return 1;
	rc = job_start_parked(&c->j, &c->d, c->rfds, c->q, &pk->rp, r);
	if (rc != 0) {
		park_discard(b, pk);
		return rc;
	}
	/* its pidfd is the job's now, watched under the job's tag */
	(void)epoll_ctl(b->ep, EPOLL_CTL_DEL, job_pidfd(&c->j), NULL);
	b->nparked--;
	b->park_fails = 0;
	park_unlink(b, pk);
	return 0;
}

/* After the batch: the init that conn_start asked for. */
static void
park_pending(struct broker *b)
{
	const struct sbx_profile *sbx = b->park_want;
	struct polref *pol = b->park_want_pol;

	b->park_want = NULL;
	b->park_want_pol = NULL;
	if (sbx != NULL && pol == b->pol)
		park_make(b, sbx);
	pol_put(pol);
}

static void
park_want(struct broker *b, const struct conn *c)
{
	if (!b->fsw_ok || bconf(b)->no_prepared || c->d.sbx == NULL ||
	    !c->d.sbx->enabled)
		return;
	pol_put(b->park_want_pol);
	b->park_want = c->d.sbx;
	b->park_want_pol = c->pol;
	c->pol->refs++;
}

/* Invariant 4: the new policy whole, or the old one kept. */
static void
pol_reload(struct broker *b)
{
	struct polref *n = pol_load(b->o->confdir);

	if (n == NULL) {
		blog(LOG_ERR, "reload refused: keeping the current policy");
		return;
	}
	pol_put(b->pol);
	b->pol = n;
	/* invariant 11: the old profiles' inits, and what was known */
	park_flush(b);
	b->nprofiles = 0;
	b->park_fails = 0;
	blog(LOG_NOTICE, "policy reloaded: %zu rules", n->p->nrules);
}

/* --- connections ------------------------------------------------------ */

static void
close_frame_fds(struct conn *c)
{
	for (int i = 0; i < c->nfds; i++)
		close(c->fds[i]);
	c->nfds = 0;
}

static void
close_fds(struct conn *c)
{
	close_frame_fds(c);
	for (int i = 0; i < c->nrfds; i++)
		close(c->rfds[i]);
	c->nrfds = 0;
}

static void
frame_reset(struct conn *c)
{
	free(c->payload);
	c->payload = NULL;
	c->have = 0;
	c->hdr_ok = false;
	c->deadline = -1;
}

static void
conn_close_sock(struct broker *b, struct conn *c)
{
	if (c->fd < 0)
		return;
	(void)epoll_ctl(b->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
}

/* Invariant 5: unlink now, free after the batch. */
static void
conn_kill(struct broker *b, struct conn *c)
{
	if (c->st == CS_DEAD)
		return;
	conn_close_sock(b, c);
	if (c->st == CS_RUN) {
		job_signal(&c->j, SIGKILL);	/* none if draining */
		c->orphan = true;
		return;		/* freed when its pidfd says it is gone */
	}
	if (c->next != NULL)
		c->next->prev = c->prev;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		b->conns = c->next;
	c->st = CS_DEAD;
	c->next = b->dead;
	b->dead = c;
	b->nconns--;
}

static void
conn_free(struct conn *c)
{
	close_fds(c);
	frame_reset(c);
	if (c->decided)
		decision_clear(&c->d);
	pol_put(c->pol);
	peer_free(&c->peer);
	free(c);
}

static int
send_frame(struct conn *c, const void *buf, size_t len)
{
	ssize_t n;

	if (c->fd < 0) {
		errno = EBADF;
		return -1;
	}
	do
		n = send(c->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n >= 0 && n != (ssize_t)len)
		errno = 0;	/* a short send (lost_reply says so) */
	return n == (ssize_t)len ? 0 : -1;	/* invariant 1 */
}

static int
send_msg(struct conn *c, enum proto_type t, uint32_t n1, uint32_t n2,
    const char *text)
{
	unsigned char buf[PROTO_HDR_LEN + PROTO_MAX_TEXT];
	size_t len;

	if (proto_encode_msg(t, n1, n2, text, buf, sizeof(buf), &len) !=
	    PROTO_OK)
		return -1;
	return send_frame(c, buf, len);
}

/* Invariant 12: the ACCEPT still owed, if any, then the reply frame, in
 * one send. */
static int
send_reply(struct conn *c, enum proto_type t, uint32_t n1, uint32_t n2,
    const char *text)
{
	unsigned char buf[2 * PROTO_HDR_LEN + PROTO_MAX_TEXT];
	size_t off = 0, len;

	if (c->accept_due >= 0) {
		if (proto_encode_msg(PT_ACCEPT, 0, 0, NULL, buf, sizeof(buf),
		    &off) != PROTO_OK) {
			errno = EMSGSIZE;
			return -1;
		}
		c->accept_due = -1;
	}
	if (proto_encode_msg(t, n1, n2, text, buf + off, sizeof(buf) - off,
	    &len) != PROTO_OK) {
		errno = EMSGSIZE;
		return -1;
	}
	return send_frame(c, buf, off + len);
}

/* A reply that could not be sent (invariant 1): the client sees the
 * connection close without it, so say so where an operator looks. */
static void
lost_reply(const struct conn *c, const char *what)
{
	blog(LOG_WARNING, "uid %u pid %d: unable to send %s of %s: %s; "
	    "connection closed", (unsigned)c->peer.uid, (int)c->peer.pid,
	    what, c->q, errno != 0 ? strerror(errno) : "short send");
}

/* Invariant 6 */
static void
conn_error(struct broker *b, struct conn *c, const char *why)
{
	char text[256];

	snprintf(text, sizeof(text), "bad request: %s", why);
	blog(LOG_WARNING, "uid %u pid %d: %s", (unsigned)c->peer.uid,
	    (int)c->peer.pid, text);
	(void)send_msg(c, PT_ERROR, RG_EXIT_INTERNAL, 0, text);
	conn_kill(b, c);
}

/* After a reply: ready for the next request, or gone when stopping. */
static void
conn_idle(struct broker *b, struct conn *c)
{
	if (c->decided)
		decision_clear(&c->d);
	c->decided = false;
	pol_put(c->pol);
	c->pol = NULL;
	close_fds(c);
	c->st = CS_RECV;
	/* invariant 8: an idle connection does not hold its slot forever */
	c->idle = true;
	c->deadline = now_ms() + conf_or(bconf(b)->idle_timeout_ms,
	    DEF_IDLE_MS);
	if (b->stopping)
		conn_kill(b, c);
}

static size_t
running_for(const struct broker *b, uid_t uid)
{
	size_t n = 0;

	for (const struct conn *c = b->conns; c != NULL; c = c->next)
		if (c->st == CS_RUN && c->peer.uid == uid)
			n++;
	for (const struct tail *t = b->tails; t != NULL; t = t->next)
		if (t->uid == uid)
			n++;
	return n;
}

static bool
slot_free(const struct broker *b, const struct conn *c)
{
	const struct broker_conf *bc = bconf(b);

	return b->npins == 0 &&	/* invariant 13 */
	    b->nrunning < conf_or(bc->max_children, DEF_MAX_CHILDREN) &&
	    running_for(b, c->peer.uid) < conf_or(bc->max_per_caller,
	    DEF_MAX_PER_CALLER);
}

static void job_done(struct broker *b, struct conn *c,
    const struct job_report *r);
static void on_job(struct broker *b, struct conn *c);

static void
conn_start(struct broker *b, struct conn *c)
{
	struct epoll_event ev = { EPOLLIN, { .ptr = &c->ev_job } };
	struct job_report r;
	int rc, sfd;

	if ((rc = park_start(b, c, &r)) > 0)	/* invariant 11 */
		rc = job_start(&c->j, &c->d, c->rfds, c->q, &r);
	if (rc == 0)
		park_want(b, c);
	close_fds(c);		/* the child has its own copies */
	c->st = CS_RUN;
	b->nrunning++;
	c->accept_due = now_ms() + ACCEPT_DELAY_MS;	/* invariant 12 */
	if (rc < 0) {		/* not started: the reason is in r */
		job_done(b, c, &r);
		return;
	}
	if (epoll_ctl(b->ep, EPOLL_CTL_ADD, job_pidfd(&c->j), &ev) < 0) {
		/* unwatched, it could not be reaped: end it now */
		blog(LOG_ERR, "unable to watch %s: %s; killed", c->q,
		    strerror(errno));
		job_signal(&c->j, SIGKILL);
		while (poll(&(struct pollfd){ job_pidfd(&c->j), POLLIN, 0 }, 1,
		    -1) < 0 && errno == EINTR)
			;
		on_job(b, c);
		return;
	}
	/* invariant 9; unwatched, the reply waits for the reap */
	ev.data.ptr = &c->ev_jobst;
	sfd = job_statusfd(&c->j);
	if (sfd >= 0 && epoll_ctl(b->ep, EPOLL_CTL_ADD, sfd, &ev) == 0)
		c->st_fd = sfd;
}

/* Start waiting requests, in arrival order, while slots are free. */
static void
start_waiting(struct broker *b)
{
	struct conn *n;

	for (struct conn *c = b->conns; c != NULL; c = n) {
		n = c->next;	/* conn_start may unlink c */
		if (c->st == CS_WAIT && slot_free(b, c))
			conn_start(b, c);
	}
}

static void
fill_audit(struct conn *c)
{
	memset(&c->ac, 0, sizeof(c->ac));
	c->ac.uid = c->peer.uid;
	c->ac.user = c->peer.user;
	c->ac.pid = c->peer.pid;
	snprintf(c->ac.comm, sizeof(c->ac.comm), "%s", c->peer.comm);
	c->ac.mode = "broker";
}

/* Invariant 2: decide and audit, then deny, start or queue. */
static void
conn_decide(struct broker *b, struct conn *c, const struct proto_request *r)
{
	struct caller cl;
	struct rg_err err;
	char text[PROTO_MAX_TEXT];

	fill_audit(c);
	constraint_escape(r->argv[0], 64, c->q, sizeof(c->q));
	c->pol = b->pol;
	c->pol->refs++;
	if (c->pol->p->needs_groups && peer_groups(&c->peer, &err) < 0) {
		snprintf(text, sizeof(text), "%s", err.msg);
		goto deny;
	}
	peer_caller(&c->peer, &cl);
	if (match_argv(c->pol->p, &cl, r->argv, r->argc, r->envp,
	    &c->d) < 0) {
		snprintf(text, sizeof(text), "unable to allocate memory");
		goto deny;
	}
	c->decided = true;
	if (auditlog_decision(c->pol->p, &c->ac, r->argv, r->argc,
	    &c->d) < 0) {
		snprintf(text, sizeof(text), "unable to write the audit "
		    "record: %s; not running %s", strerror(errno), c->q);
		blog(LOG_ERR, "%s", text);
		goto deny;
	}
	if (!c->d.allowed) {
		snprintf(text, sizeof(text), "denied: %s: %s", c->q,
		    c->d.reason);
		if (send_msg(c, PT_DENY, (uint32_t)decision_exit_status(&c->d),
		    0, text) < 0)
			conn_kill(b, c);
		else
			conn_idle(b, c);
		return;
	}
	memcpy(c->rfds, c->fds, sizeof(c->rfds));
	c->nrfds = PROTO_NFDS;
	c->nfds = 0;
	c->st = CS_WAIT;
	/* invariant 13: a change made before the request, whatever order
	 * the loop would see the two in */
	if (b->fsw_ok && fswatch_mounts(&b->fsw))
		mounts_changed(b);
	if (slot_free(b, c))
		conn_start(b, c);
	return;
deny:
	if (send_msg(c, PT_DENY, RG_EXIT_INTERNAL, 0, text) < 0)
		conn_kill(b, c);
	else
		conn_idle(b, c);
}

static void
on_request(struct broker *b, struct conn *c)
{
	struct proto_request r;
	enum proto_result res;
	char why[128];

	if (c->st != CS_RECV)
		return conn_error(b, c, "a request while one is running");
	if (c->nfds != PROTO_NFDS) {
		snprintf(why, sizeof(why), "expected %d descriptors, got %d",
		    PROTO_NFDS, c->nfds);
		return conn_error(b, c, why);
	}
	res = proto_decode_request(&c->hdr, c->payload, &r);
	if (res != PROTO_OK)
		return conn_error(b, c, proto_strerror(res));
	conn_decide(b, c, &r);
	proto_request_free(&r);
}

static void
on_signal_frame(struct broker *b, struct conn *c)
{
	int sig = (int)c->hdr.n1;

	if (c->nfds != 0 || c->hdr.len != 0)
		return conn_error(b, c, "a signal frame with a payload");
	if (sig != SIGINT && sig != SIGTERM && sig != SIGHUP &&
	    sig != SIGQUIT)
		return conn_error(b, c, "a signal that is not forwarded");
	if (c->st == CS_RUN)
		job_signal(&c->j, sig);		/* none once it ended */
	else if (c->st == CS_WAIT) {
		/* never started: as if it died of the signal at once */
		if (send_msg(c, PT_EXIT, RG_EXIT_SIGNAL_BASE + (uint32_t)sig,
		    (uint32_t)sig, NULL) < 0)
			conn_kill(b, c);
		else
			conn_idle(b, c);
	}
	/* CS_RECV: the command has already ended; nothing to do */
}

static void
on_frame(struct broker *b, struct conn *c)
{
	switch ((enum proto_type)c->hdr.type) {
	case PT_REQUEST:
		on_request(b, c);
		break;
	case PT_SIGNAL:
		on_signal_frame(b, c);
		break;
	case PT_ACCEPT:
	case PT_DENY:
	case PT_EXIT:
	case PT_ERROR:
	default:
		conn_error(b, c, "not a client frame");
		break;
	}
	if (c->st != CS_DEAD) {
		close_frame_fds(c);
		frame_reset(c);
	}
}

/* Take the descriptors of one recvmsg; false if there were too many. */
static bool
take_fds(struct conn *c, struct msghdr *m)
{
	bool ok = (m->msg_flags & MSG_CTRUNC) == 0;

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(m); cm != NULL;
	    cm = CMSG_NXTHDR(m, cm)) {
		size_t n;
		int *fds = (int *)(void *)CMSG_DATA(cm);

		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_RIGHTS)
			continue;	/* invariant 2: nothing else counts */
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			if (c->nfds < CMSG_FDS)
				c->fds[c->nfds++] = fds[i];
			else {
				close(fds[i]);
				ok = false;
			}
		}
	}
	return ok && c->nfds <= PROTO_NFDS;
}

/* Header complete: check it before reading the payload. */
static bool
on_header(struct broker *b, struct conn *c)
{
	enum proto_result res = proto_decode_hdr(c->hdrbuf, PROTO_HDR_LEN,
	    &c->hdr);

	if (res != PROTO_OK) {
		conn_error(b, c, proto_strerror(res));
		return false;
	}
	c->hdr_ok = true;
	if (c->hdr.len > 0 && (c->payload = malloc(c->hdr.len)) == NULL) {
		conn_error(b, c, "out of memory");
		return false;
	}
	return true;
}

/* One recvmsg of at most the rest of the current frame. 1: progress,
 * 0: nothing more now, -1: the connection is gone. */
static int
read_some(struct broker *b, struct conn *c)
{
	char cbuf[CMSG_SPACE(sizeof(int) * CMSG_FDS)];
	struct iovec iov;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	ssize_t n;

	if (!c->hdr_ok)
		iov = (struct iovec){ c->hdrbuf + c->have,
		    PROTO_HDR_LEN - c->have };
	else
		iov = (struct iovec){ c->payload + (c->have - PROTO_HDR_LEN),
		    PROTO_HDR_LEN + c->hdr.len - c->have };
	n = recvmsg(c->fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		if (n < 0 && c->st == CS_RUN)	/* not a client that left */
			blog(LOG_WARNING, "uid %u pid %d: the connection "
			    "failed while %s ran: %s; killing it",
			    (unsigned)c->peer.uid, (int)c->peer.pid, c->q,
			    strerror(errno));
		conn_kill(b, c);	/* EOF or error: the client is gone */
		return -1;
	}
	if (!take_fds(c, &m)) {
		conn_error(b, c, "too many descriptors");
		return -1;
	}
	if (c->have == 0 && c->st == CS_RECV)
		c->deadline = now_ms() + conf_or(bconf(b)->request_timeout_ms,
		    DEF_REQUEST_MS);
	c->have += (size_t)n;
	c->idle = false;
	return 1;
}

static void
on_readable(struct broker *b, struct conn *c)
{
	for (int i = 0; i < 16 && c->st != CS_DEAD && c->fd >= 0; i++) {
		if (read_some(b, c) <= 0)
			return;
		if (!c->hdr_ok && c->have == PROTO_HDR_LEN &&
		    !on_header(b, c))
			return;
		if (c->hdr_ok && c->have == PROTO_HDR_LEN + c->hdr.len)
			on_frame(b, c);
	}
}

/* The end of a request that was accepted: audit, reply. */
static void
job_reply(struct broker *b, struct conn *c, const struct job_report *r)
{
	c->draining = false;
	if (auditlog_exit(c->pol->p, &c->ac, &c->d, &r->out) < 0)
		blog(LOG_ERR, "unable to write the audit record: %s",
		    strerror(errno));
	c->st = CS_WAIT;	/* not running: conn_kill unlinks it */
	/* an orphaned client, or one that cannot take its reply, is done */
	if (c->orphan)
		conn_kill(b, c);
	else if (send_reply(c, PT_EXIT, (uint32_t)r->out.status,
	    (uint32_t)r->out.wstatus, r->msg) < 0) {
		lost_reply(c, "the result");
		conn_kill(b, c);
	} else
		conn_idle(b, c);
}

static void
job_done(struct broker *b, struct conn *c, const struct job_report *r)
{
	b->nrunning--;
	job_reply(b, c, r);
	start_waiting(b);
}

/* Invariant 5: by the number it was added under, which is still open
 * (only run_release closes it), whatever the job's state: job_statusfd
 * says -1 once the job is reaped. */
static void
unwatch_status(struct broker *b, struct conn *c)
{
	if (c->st_fd >= 0)
		(void)epoll_ctl(b->ep, EPOLL_CTL_DEL, c->st_fd, NULL);
	c->st_fd = -1;
}

/* Invariant 9: the status pipe is readable. */
static void
on_status(struct broker *b, struct conn *c)
{
	struct epoll_event ev = { EPOLLIN, { .ptr = NULL } };
	struct job_report r;
	struct tail *t;
	int rc = job_poll_done(&c->j);

	if (rc == 0)
		return;
	unwatch_status(b, c);	/* done, or nothing more will come */
	if (rc < 0 || (t = calloc(1, sizeof(*t))) == NULL)
		return;		/* the reply waits for the reap */
	t->ev = (struct evtag){ EV_TAIL, NULL, t, NULL };
	ev.data.ptr = &t->ev;
	if (epoll_ctl(b->ep, EPOLL_CTL_MOD, job_pidfd(&c->j), &ev) < 0) {
		free(t);
		return;
	}
	job_move(&t->j, &c->j);
	t->uid = c->peer.uid;
	t->next = b->tails;
	if (b->tails != NULL)
		b->tails->prev = t;
	b->tails = t;
	job_finish_done(&t->j, c->q, &r);
	job_reply(b, c, &r);
}

/* Invariant 9: a tail's pidfd is readable. */
static void
on_tail(struct broker *b, struct tail *t)
{
	int rc = job_reap(&t->j);

	if (rc == 0)
		return;
	if (rc < 0)
		blog(LOG_ERR, "unable to reap an ended command's init: %s",
		    strerror(errno));
	(void)epoll_ctl(b->ep, EPOLL_CTL_DEL, job_pidfd(&t->j), NULL);
	job_release(&t->j);
	if (t->next != NULL)
		t->next->prev = t->prev;
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		b->tails = t->next;
	t->next = b->dead_tails;	/* freed after the batch */
	b->dead_tails = t;
	b->nrunning--;
	if (t->pin)
		unpinned(b);	/* starts the waiting requests */
	else
		start_waiting(b);
}

static bool sweep_strays(const struct broker *b);

static void
job_end(struct broker *b, struct conn *c)
{
	struct job_report r;

	job_finish(&c->j, c->q, &r);
	job_done(b, c, &r);
}

/* Its pidfd is readable: the command (or the init) has exited. */
static void
on_job(struct broker *b, struct conn *c)
{
	int rc = job_reap(&c->j);

	if (rc == 0)
		return;
	(void)epoll_ctl(b->ep, EPOLL_CTL_DEL, job_pidfd(&c->j), NULL);
	unwatch_status(b, c);
	if (rc < 0)	/* the run failed; the sweep reaps it as a stray */
		blog(LOG_ERR, "unable to reap %s: %s", c->q, strerror(errno));
	/* invariant 7: with a pid namespace nothing of it is left */
	if ((rc > 0 && c->j.rj.o.pidns) || !sweep_strays(b)) {
		job_end(b, c);
		return;
	}
	c->draining = true;
	if (!b->sweeping) {
		b->sweeping = true;
		b->next_sweep = now_ms() + SWEEP_EVERY_MS;
	}
}

/* No stray is left: every draining request is finished. */
static void
end_draining(struct broker *b)
{
	struct conn *n;

	for (struct conn *c = b->conns; c != NULL; c = n) {
		n = c->next;	/* job_done may unlink c */
		if (c->st == CS_RUN && c->draining)
			job_end(b, c);
	}
}

/* --- accept, signals, timers ------------------------------------------ */

static void
refuse(int fd, const char *why)
{
	unsigned char buf[PROTO_HDR_LEN + PROTO_MAX_TEXT];
	size_t len;

	if (proto_encode_msg(PT_ERROR, RG_EXIT_INTERNAL, 0, why, buf,
	    sizeof(buf), &len) == PROTO_OK)
		(void)send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

/* Invariant 8: open connections of one uid. */
static size_t
conns_for(const struct broker *b, uid_t uid)
{
	size_t n = 0;

	for (const struct conn *c = b->conns; c != NULL; c = c->next)
		if (c->st != CS_DEAD && c->peer.uid == uid)
			n++;
	return n;
}

static void
conn_new(struct broker *b, int fd)
{
	struct epoll_event ev = { EPOLLIN | EPOLLRDHUP, { .ptr = NULL } };
	struct rg_err err;
	struct conn *c;

	if (b->nconns >= b->maxconns)
		return refuse(fd, "too many connections");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return refuse(fd, "out of memory");
	if (peer_identify(fd, &c->peer, &err) < 0) {
		blog(LOG_ERR, "%s", err.msg);
		free(c);
		return refuse(fd, "unable to identify the caller");
	}
	if (conns_for(b, c->peer.uid) >= conf_or(bconf(b)->max_conns_per_caller,
	    DEF_CONNS_PER_CALLER)) {
		blog(LOG_WARNING, "uid %u: max-connections-per-caller reached",
		    (unsigned)c->peer.uid);
		peer_free(&c->peer);
		free(c);
		return refuse(fd, "too many connections for this caller");
	}
	c->fd = fd;
	c->deadline = now_ms() + conf_or(bconf(b)->request_timeout_ms,
	    DEF_REQUEST_MS);
	c->accept_due = -1;
	c->st_fd = -1;
	c->ev_sock = (struct evtag){ EV_SOCK, c, NULL, NULL };
	c->ev_job = (struct evtag){ EV_JOB, c, NULL, NULL };
	c->ev_jobst = (struct evtag){ EV_JOBST, c, NULL, NULL };
	c->j.rj.c.pidfd = c->j.rj.c.statusfd = -1;
	ev.data.ptr = &c->ev_sock;
	if (epoll_ctl(b->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		peer_free(&c->peer);
		free(c);
		return refuse(fd, "internal error");
	}
	/* append: start_waiting serves in arrival order */
	if (b->conns == NULL)
		b->conns = c;
	else {
		struct conn *t = b->conns;

		while (t->next != NULL)
			t = t->next;
		t->next = c;
		c->prev = t;
	}
	b->nconns++;
}

static void
on_accept(struct broker *b)
{
	for (int i = 0; i < ACCEPT_BATCH && b->lfd >= 0; i++) {
		int fd = accept4(b->lfd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				blog(LOG_ERR, "unable to accept: %s",
				    strerror(errno));
			return;
		}
		conn_new(b, fd);
	}
}

static void
stop_listening(struct broker *b)
{
	if (b->lfd < 0)
		return;
	(void)epoll_ctl(b->ep, EPOLL_CTL_DEL, b->lfd, NULL);
	close(b->lfd);
	b->lfd = -1;
	if (b->sockpath != NULL)
		(void)unlink(b->sockpath);
}

static void
begin_stop(struct broker *b)
{
	struct conn *n;

	if (b->stopping)
		return;
	b->stopping = true;
	b->stop_deadline = now_ms() + conf_or(bconf(b)->shutdown_timeout_ms,
	    DEF_SHUTDOWN_MS);
	blog(LOG_NOTICE, "stopping: %zu command%s running", b->nrunning,
	    b->nrunning == 1 ? "" : "s");
	stop_listening(b);
	park_flush(b);
	for (struct conn *c = b->conns; c != NULL; c = n) {
		n = c->next;
		if (c->st != CS_RUN)
			conn_kill(b, c);
	}
}

static void
on_signalfd(struct broker *b)
{
	struct signalfd_siginfo si;

	while (read(b->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP && !b->stopping)
			pol_reload(b);
		else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT ||
		    si.ssi_signo == SIGQUIT)
			begin_stop(b);
	}
}

/* Drop requests past their deadline; the next deadline, or -1. */
static int
on_timers(struct broker *b)
{
	int64_t now = now_ms(), next = -1;
	struct conn *n;

	if (b->stopping && now >= b->stop_deadline) {
		for (struct conn *c = b->conns; c != NULL; c = n) {
			n = c->next;
			if (c->st == CS_RUN && !c->orphan) {
				blog(LOG_WARNING, "shutdown-timeout: killing "
				    "%s of uid %u", c->q,
				    (unsigned)c->peer.uid);
				conn_kill(b, c);
			}
		}
	} else if (b->stopping)
		next = b->stop_deadline;
	for (struct conn *c = b->conns; c != NULL; c = c->next) {
		int64_t t = c->st == CS_RUN ? job_deadline(&c->j) : -1;

		if (t >= 0 && t <= now) {
			job_timer(&c->j);	/* timeout: TERM, then KILL */
			t = job_deadline(&c->j);
		}
		if (t >= 0 && (next < 0 || t < next))
			next = t;
		if (c->st != CS_RUN || c->accept_due < 0)
			continue;
		if (c->accept_due <= now) {	/* invariant 12 */
			c->accept_due = -1;
			if (!c->orphan && send_msg(c, PT_ACCEPT, 0, 0, NULL) <
			    0) {
				lost_reply(c, "the acceptance");
				conn_kill(b, c);	/* orphan now: it stays
							   linked, as CS_RUN */
			}
		} else if (next < 0 || c->accept_due < next)
			next = c->accept_due;
	}
	for (struct tail *tl = b->tails; tl != NULL; tl = tl->next) {
		int64_t t = job_deadline(&tl->j);

		if (b->stopping && now >= b->stop_deadline)
			job_signal(&tl->j, SIGKILL);
		if (t >= 0 && t <= now) {
			job_timer(&tl->j);	/* as its run's timeout */
			t = job_deadline(&tl->j);
		}
		if (t >= 0 && (next < 0 || t < next))
			next = t;
	}
	if (b->npins > 0 && b->pin_deadline <= now) {
		blog(LOG_WARNING, "inits that held the old mount table are "
		    "still not reaped after %d ms; starting the waiting "
		    "requests", PIN_WAIT_MS);
		for (struct parked *pk = b->parked; pk != NULL; pk = pk->next)
			pk->pin = false;
		for (struct tail *t = b->tails; t != NULL; t = t->next)
			t->pin = false;
		b->npins = 0;
		b->pin_deadline = -1;
		start_waiting(b);
	} else if (b->npins > 0 && (next < 0 || b->pin_deadline < next))
		next = b->pin_deadline;
	for (struct parked *pk = b->parked; pk != NULL; pk = pk->next) {
		int64_t t = pk->made_ms + PARK_AGE_MS;

		if (pk->st != PK_PARKED)
			continue;
		if (t <= now)
			park_discard(b, pk);	/* invariant 11: unused */
		else if (next < 0 || t < next)
			next = t;
	}
	for (struct conn *c = b->conns; c != NULL; c = n) {
		n = c->next;
		if (c->st != CS_RECV || c->deadline < 0)
			continue;
		/* what already arrived counts: the loop may have been busy */
		if (c->deadline <= now)
			on_readable(b, c);
		if (c->st != CS_RECV || c->deadline < 0)
			continue;
		if (c->deadline <= now && c->idle)
			conn_kill(b, c);	/* idle-timeout: just close */
		else if (c->deadline <= now)
			conn_error(b, c, "not received whole within "
			    "request-timeout");
		else if (next < 0 || c->deadline < next)
			next = c->deadline;
	}
	return next < 0 ? -1 : (int)(next - now);
}

static void
free_dead(struct broker *b)
{
	while (b->dead != NULL) {
		struct conn *c = b->dead;

		b->dead = c->next;
		conn_free(c);
	}
	while (b->dead_tails != NULL) {
		struct tail *t = b->dead_tails;

		b->dead_tails = t->next;
		free(t);
	}
	while (b->dead_parked != NULL) {
		struct parked *pk = b->dead_parked;

		b->dead_parked = pk->next;
		pol_put(pk->pol);
		free(pk);
	}
}

static void
dispatch(struct broker *b, const struct epoll_event *e)
{
	const struct evtag *t = e->data.ptr;

	switch (t->kind) {
	case EV_LISTEN:
		on_accept(b);
		break;
	case EV_SIGNAL:
		on_signalfd(b);
		break;
	case EV_SOCK:
		if (t->c->st != CS_DEAD && t->c->fd >= 0)
			on_readable(b, t->c);
		break;
	case EV_JOB:
		if (t->c->st == CS_RUN && t->c->j.live)
			on_job(b, t->c);
		break;
	case EV_JOBST:
		if (t->c->st == CS_RUN && t->c->j.live && t->c->st_fd >= 0)
			on_status(b, t->c);
		break;
	case EV_TAIL:
		if (t->t->j.live)
			on_tail(b, t->t);
		break;
	case EV_PARK:
		if (t->pk->st != PK_GONE)
			on_parked(b, t->pk);
		break;
	case EV_MOUNTS:
		on_mounts(b);
		break;
	default:
		break;
	}
}

static bool
is_job(const struct broker *b, pid_t pid)
{
	for (const struct conn *c = b->conns; c != NULL; c = c->next)
		if (c->st == CS_RUN && job_pid(&c->j) == pid)
			return true;
	for (const struct tail *t = b->tails; t != NULL; t = t->next)
		if (job_pid(&t->j) == pid)
			return true;
	for (const struct parked *pk = b->parked; pk != NULL; pk = pk->next)
		if (pk->rp.p.pid == pid)
			return true;	/* invariant 11: reaped by on_parked */
	return false;
}

/* Invariant 7: kill and reap every child that is not a running command.
 * True while some remain (the loop then looks again soon). */
static bool
sweep_strays(const struct broker *b)
{
	char path[64], *word = NULL;
	const char *bad;
	size_t cap = 0;
	bool left = false;
	siginfo_t si;
	FILE *fp;

	/* no child at all, so no stray: one system call, where /proc takes
	 * five (the common case: the command just reaped was the last) */
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) < 0 &&
	    errno == ECHILD)
		return false;
	snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
	    (long)syscall(SYS_gettid));
	if ((fp = fopen(path, "re")) == NULL)
		return false;
	/* "pid pid ... " */
	while (getdelim(&word, &cap, ' ', fp) > 0) {
		pid_t pid;

		word[strcspn(word, " \n")] = '\0';
		pid = (pid_t)strtonum(word, 1, INT_MAX, &bad);
		if (bad != NULL || is_job(b, pid))
			continue;
		(void)kill(pid, SIGKILL);
		if (waitpid(pid, NULL, WNOHANG | __WALL) != pid)
			left = true;
	}
	free(word);
	fclose(fp);
	return left;
}

static void
loop(struct broker *b)
{
	struct epoll_event ev[NEVENTS];

	while (!b->stopping || b->conns != NULL || b->tails != NULL ||
	    b->parked != NULL) {
		int tmo = on_timers(b), n;

		if (b->sweeping) {
			/* invariant 7: strays were left at a command's end;
			 * look every SWEEP_EVERY_MS until none is, then the
			 * requests that wait for that are finished */
			int64_t now = now_ms();

			if (now >= b->next_sweep && sweep_strays(b))
				b->next_sweep = now + SWEEP_EVERY_MS;
			else if (now >= b->next_sweep) {
				b->sweeping = false;
				end_draining(b);
			}
			if (b->sweeping && (tmo < 0 || tmo > SWEEP_EVERY_MS))
				tmo = SWEEP_EVERY_MS;
		}

		free_dead(b);
		n = epoll_wait(b->ep, ev, NEVENTS, tmo);
		if (n < 0 && errno != EINTR) {
			blog(LOG_ERR, "epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++)
			dispatch(b, &ev[i]);
		park_pending(b);	/* invariant 11: off the reply's path */
		free_dead(b);
	}
}

/* --- set-up ------------------------------------------------------------ */

/* A live broker answers; a stale socket is removed; anything else at
 * the path is left alone and refused. */
static int
replace_stale(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, rc;

	if (lstat(sa->sun_path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return blog(LOG_ERR, "%s: exists and is not a socket",
		    sa->sun_path), -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0)
		return blog(LOG_ERR, "unable to create a socket: %s",
		    strerror(errno)), -1;
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	if (rc == 0 || errno == EAGAIN) {
		close(fd);
		return blog(LOG_ERR, "%s: another broker is listening",
		    sa->sun_path), -1;
	}
	close(fd);
	(void)unlink(sa->sun_path);
	return 0;
}

static int
bind_socket(struct broker *b, const char *path)
{
	const struct broker_conf *bc = bconf(b);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct group *gr = NULL;
	gid_t gid = 0;
	mode_t old;
	int fd;

	if (strlcpy(sa.sun_path, path, sizeof(sa.sun_path)) >=
	    sizeof(sa.sun_path) || path[0] != '/')
		return blog(LOG_ERR, "%s: not an absolute path under 108 "
		    "bytes", path), -1;
	if (bc->socket_group[0] != '\0') {
		if ((gr = getgrnam(bc->socket_group)) == NULL)
			return blog(LOG_ERR, "socket-group: unknown group "
			    "'%s'", bc->socket_group), -1;
		gid = gr->gr_gid;
	}
	if (replace_stale(&sa) < 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0)
		return blog(LOG_ERR, "unable to create a socket: %s",
		    strerror(errno)), -1;
	old = umask(0177);	/* no window with a wider mode */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chown(path, 0, gid) < 0 || chmod(path,
	    conf_or(bc->socket_mode, DEF_SOCKET_MODE)) < 0 ||
	    listen(fd, 512) < 0) {
		blog(LOG_ERR, "unable to listen on %s: %s", path,
		    strerror(errno));
		umask(old);
		close(fd);
		return -1;
	}
	umask(old);
	b->sockpath = strdup(path);
	return fd;
}

static void
make_parent(const char *path)
{
	char dir[108];
	char *s;

	if (strlcpy(dir, path, sizeof(dir)) >= sizeof(dir) ||
	    (s = strrchr(dir, '/')) == NULL || s == dir)
		return;
	*s = '\0';
	/* EEXIST is the common case; any other failure shows at bind */
	(void)mkdir(dir, 0755);
}

static int
setup_fds(struct broker *b)
{
	struct epoll_event ev = { EPOLLIN, { .ptr = NULL } };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	/* run_start's requirement too (job.c, 2) */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (b->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
	    (b->ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return blog(LOG_ERR, "unable to set up the event loop: %s",
		    strerror(errno)), -1;
	signal(SIGPIPE, SIG_IGN);
	/* the last disposition the daemon sets: its children reset only
	 * what is not SIG_DFL now (enter.c, invariant 8) */
	sbx_signals_note();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)	/* invariant 7 */
		return blog(LOG_ERR, "unable to become subreaper: %s",
		    strerror(errno)), -1;
	b->ev_listen = (struct evtag){ EV_LISTEN, NULL, NULL, NULL };
	b->ev_signal = (struct evtag){ EV_SIGNAL, NULL, NULL, NULL };
	ev.data.ptr = &b->ev_signal;
	if (epoll_ctl(b->ep, EPOLL_CTL_ADD, b->sfd, &ev) < 0)
		return -1;
	ev.data.ptr = &b->ev_listen;
	if (fcntl(b->lfd, F_SETFL, O_NONBLOCK) < 0 ||
	    epoll_ctl(b->ep, EPOLL_CTL_ADD, b->lfd, &ev) < 0)
		return blog(LOG_ERR, "unable to watch the socket: %s",
		    strerror(errno)), -1;
	/* invariant 11: a changed mount table discards them at once */
	b->ev_mounts = (struct evtag){ EV_MOUNTS, NULL, NULL, NULL };
	ev.events = EPOLLPRI;
	ev.data.ptr = &b->ev_mounts;
	if (b->fsw_ok && epoll_ctl(b->ep, EPOLL_CTL_ADD, b->fsw.mfd, &ev) < 0) {
		blog(LOG_NOTICE, "no prepared inits: unable to watch the "
		    "mount table: %s", strerror(errno));
		b->fsw_ok = false;
	}
	return 0;
}

/* Each connection may hold ~7 descriptors; stay well inside NOFILE. */
static size_t
max_conns(void)
{
	struct rlimit rl;
	size_t n;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 64;
	if (rl.rlim_cur < rl.rlim_max && rl.rlim_cur < 65536) {
		rl.rlim_cur = rl.rlim_max < 65536 ? rl.rlim_max : 65536;
		(void)setrlimit(RLIMIT_NOFILE, &rl);	/* only a wish */
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	n = rl.rlim_cur > 128 ? (size_t)(rl.rlim_cur - 64) / 8 : 8;
	return n < MAX_CONNS ? n : MAX_CONNS;
}

static void
teardown(struct broker *b)
{
	stop_listening(b);
	/* the loop waits for every parked init; after a failed epoll_wait
	 * they are killed and reaped here */
	park_flush(b);
	while (b->parked != NULL) {
		park_reap_now(b->parked);
		park_unlink(b, b->parked);
	}
	pol_put(b->park_want_pol);
	b->park_want_pol = NULL;
	free_dead(b);
	fswatch_close(&b->fsw);
	if (b->ep >= 0)
		close(b->ep);
	if (b->sfd >= 0)
		close(b->sfd);
	pol_put(b->pol);
	free(b->sockpath);
	sbx_templates_release();
}

static void
ready(const struct broker_opts *o)
{
	if (o->ready_fd >= 0) {
		/* the parent exits 125 without the byte: nothing to add */
		if (write(o->ready_fd, "", 1) != 1)
			blog(LOG_ERR, "unable to report readiness");
		close(o->ready_fd);
	}
}

int
broker_daemon_run(const struct broker_opts *o)
{
	struct broker b = { .o = o, .ep = -1, .lfd = -1, .sfd = -1,
	    .fsw = { -1, -1, 0 }, .pin_deadline = -1 };
	const char *path;

	log_stderr = o->foreground;
	if (!log_stderr)
		openlog("rootgated", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	if ((b.pol = pol_load(o->confdir)) == NULL)
		return RG_EXIT_CONFIG;
	/* invariant 10: every sandboxed run's /dev and masks, made once */
	if (sbx_templates_init() < 0)
		blog(LOG_NOTICE, "no shared /dev and mask templates (%s): "
		    "each sandboxed run makes its own", strerror(errno));
	/* invariant 11 (prepared inits need the templates too: run_park) */
	b.fsw_ok = fswatch_open(&b.fsw) == 0;
	if (!b.fsw_ok)
		blog(LOG_NOTICE, "no prepared inits: unable to watch the "
		    "mount table and directories: %s", strerror(errno));
	b.maxconns = max_conns();
	path = o->socket != NULL ? o->socket : bconf(&b)->socket[0] != '\0' ?
	    bconf(&b)->socket : BROKER_DEFAULT_SOCKET;
	if (o->listen_fd >= 0)
		b.lfd = o->listen_fd;
	else {
		make_parent(path);
		b.lfd = bind_socket(&b, path);
	}
	if (b.lfd < 0 || setup_fds(&b) < 0) {
		teardown(&b);
		return RG_EXIT_INTERNAL;
	}
	blog(LOG_NOTICE, "serving %s with %zu rules", o->listen_fd >= 0 ?
	    "the inherited socket" : path, b.pol->p->nrules);
	ready(o);
	loop(&b);
	teardown(&b);
	blog(LOG_NOTICE, "stopped");
	return RG_EXIT_OK;
}
