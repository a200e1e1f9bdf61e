/* SPDX-License-Identifier: ISC */
/*
 * proto.h - the broker protocol (doc/protocol.md): fixed 20-byte header,
 * then a bounded payload of NUL-terminated strings. Encoding and decoding
 * only: no I/O, no allocation but the argument vectors of a decoded
 * request, so unit tests and a fuzzer drive it with byte buffers.
 */
#ifndef ROOTGATE_PROTO_H
#define ROOTGATE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_MAGIC		0x31424752u	/* "RGB1", little-endian */
#define PROTO_VERSION		1u
#define PROTO_HDR_LEN		20u

/* Hard limits, checked by the decoder before anything is allocated. */
#define PROTO_MAX_FRAME		((size_t)256 * 1024)	/* header + payload */
#define PROTO_MAX_ARGC		1024u
#define PROTO_MAX_ARGBYTES	((size_t)128 * 1024)	/* argv strings + NULs */
#define PROTO_MAX_ENVC		128u
#define PROTO_MAX_ENVBYTES	((size_t)32 * 1024)
#define PROTO_MAX_ENTRY		((size_t)16 * 1024)	/* one env entry */
#define PROTO_MAX_CWD		4096u
#define PROTO_MAX_TEXT		4096u		/* reason / messages */
#define PROTO_NFDS		3		/* stdin, stdout, stderr */

enum proto_type {
	PT_REQUEST = 1,	/* client: n1 argc, n2 envc; cwd, argv, env;
			   carries exactly 3 descriptors */
	PT_SIGNAL = 2,	/* client: n1 the signal to forward; no payload */
	PT_ACCEPT = 3,	/* broker: allowed, the command is starting */
	PT_DENY = 4,	/* broker: n1 exit status; payload the reason */
	PT_EXIT = 5,	/* broker: n1 exit status, n2 raw wait status;
			   payload: messages for stderr, one a line */
	PT_ERROR = 6,	/* broker: bad frame; n1 125; payload why. The
			   broker closes the connection after it. */
};

enum proto_result {
	PROTO_OK = 0,
	PROTO_SHORT,		/* not a whole header/frame yet */
	PROTO_EMAGIC,		/* not a rootgate frame */
	PROTO_EVERSION,		/* unsupported version */
	PROTO_ETYPE,		/* unknown or unexpected type */
	PROTO_ETOOBIG,		/* frame over PROTO_MAX_FRAME */
	PROTO_ECOUNT,		/* counts over limits, or not matching */
	PROTO_ESTRING,		/* a string not NUL-terminated, or bad */
	PROTO_ELIMIT,		/* argv / env bytes over their limits */
	PROTO_ENOMEM,
};

struct proto_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t type;
	uint32_t n1;
	uint32_t n2;
	uint32_t len;		/* payload bytes after the header */
};

/* A decoded request. The strings point into the frame buffer, which
 * must outlive it; the vectors are owned (proto_request_free). */
struct proto_request {
	const char *cwd;
	char **argv;		/* argc entries + NULL */
	size_t argc;
	char **envp;		/* envc entries + NULL */
	size_t envc;
};

/* One-line text of a result ("frame too large", ...). */
const char *proto_strerror(enum proto_result r);

/*
 * Decode the header at buf[0..len). PROTO_SHORT until PROTO_HDR_LEN bytes
 * are there; then magic, version, type, and the payload length against
 * PROTO_MAX_FRAME are checked, so the reader knows how much to expect
 * before reading it.
 */
enum proto_result proto_decode_hdr(const void *buf, size_t len,
    struct proto_hdr *h);

/* Encode a header into out[PROTO_HDR_LEN]. */
void proto_encode_hdr(void *out, enum proto_type type, uint32_t n1,
    uint32_t n2, uint32_t len);

/*
 * Decode a PT_REQUEST payload (h from proto_decode_hdr, payload of
 * h->len bytes): exactly 1 + argc + envc NUL-terminated strings filling
 * the payload, argc in 1..PROTO_MAX_ARGC, envc <= PROTO_MAX_ENVC, the cwd
 * absolute, every env entry NAME=VALUE. On error nothing is allocated.
 */
enum proto_result proto_decode_request(const struct proto_hdr *h,
    const char *payload, struct proto_request *r);
void proto_request_free(struct proto_request *r);

/*
 * Encode a request into buf (buflen bytes, PROTO_MAX_FRAME is always
 * enough): header and payload; *outlen is the frame size. Returns
 * PROTO_ELIMIT / PROTO_ECOUNT / PROTO_ESTRING when it would not decode.
 */
enum proto_result proto_encode_request(const char *cwd,
    char *const *argv, size_t argc, char *const *envp, size_t envc,
    void *buf, size_t buflen, size_t *outlen);

/*
 * Encode a reply or a signal frame with an optional text payload (NULL:
 * none; truncated to PROTO_MAX_TEXT - 1 bytes); *outlen as above.
 * buflen must be at least PROTO_HDR_LEN + PROTO_MAX_TEXT.
 */
enum proto_result proto_encode_msg(enum proto_type type, uint32_t n1,
    uint32_t n2, const char *text, void *buf, size_t buflen,
    size_t *outlen);

/*
 * Check a reply / signal frame's payload: empty, or one NUL-terminated
 * string under PROTO_MAX_TEXT with no NUL before its end; and its type
 * one of PT_SIGNAL .. PT_ERROR. *text is the string ("" if empty).
 */
enum proto_result proto_decode_msg(const struct proto_hdr *h,
    const char *payload, const char **text);

#endif
