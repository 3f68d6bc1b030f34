// SPDX-License-Identifier: GPL-2.0
/*
 * PPTP control connection (RFC 2637 section 2), client (PNS) side.
 *
 * Messages are built and read with explicit byte offsets, in network
 * order, never through packed structures.  Offsets in the comments are
 * from the start of the message; every message starts with the same
 * 12-byte header:
 *
 *	0 Length  2 PPTP Message Type  4 Magic Cookie
 *	8 Control Message Type  10 Reserved0
 *
 * Decisions on what a received message must look like:
 *
 *  - Every control message has a fixed size (section 2): the Length must
 *    be exactly that size.  A longer one is not "extended": the RFC has
 *    no extension mechanism, and accepting it would let a confused peer
 *    push us out of step without noticing.
 *  - The reader rejects a Length below 12 or above 512 as soon as the two
 *    Length bytes are in, before waiting for the rest: the largest message
 *    is 220 bytes, so anything bigger can only be garbage.
 *  - PPTP Message Type must be 1 (control).  Type 2 (management) is
 *    reserved and undefined (section 1.4); we refuse it.
 *  - The Magic Cookie must be 0x1A2B3C4D (section 1.4: it is there to
 *    detect a stream out of step).
 *  - Reserved fields "MUST be 0" for the sender; we ignore them on receipt
 *    (a non-zero Reserved0 is logged at debug level): they carry no
 *    meaning, and the length and cookie checks already catch misframing.
 *  - Any malformed message, a read error, a truncated message or a missing
 *    reply makes the stream untrustworthy: the connection is then closed
 *    without a Stop-Control-Connection-Request (c->broken).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "pptp_ctrl.h"

/* Framing and Bearer Capabilities / Types (section 2.1, 2.7) */
#define PPTP_FRAMING_ASYNC	1
#define PPTP_FRAMING_SYNC	2
#define PPTP_BEARER_ANALOG	1
#define PPTP_BEARER_DIGITAL	2
#define PPTP_FIRMWARE		0x0100	/* our "firmware": this code's 1.0 */
#define PPTP_MIN_BPS		300
#define PPTP_MAX_BPS		100000000
#define PPTP_NAME_LEN		64	/* Host Name, Vendor String, Phone */

static const uint16_t msg_len[EGRE_PPTP_TYPE_MAX + 1] = {
	[EGRE_PPTP_SCCRQ] = 156,	[EGRE_PPTP_SCCRP] = 156,
	[EGRE_PPTP_STOPCCRQ] = 16,	[EGRE_PPTP_STOPCCRP] = 16,
	[EGRE_PPTP_ECHORQ] = 16,	[EGRE_PPTP_ECHORP] = 20,
	[EGRE_PPTP_OCRQ] = 168,		[EGRE_PPTP_OCRP] = 32,
	[EGRE_PPTP_ICRQ] = 220,		[EGRE_PPTP_ICRP] = 24,
	[EGRE_PPTP_ICCN] = 28,		[EGRE_PPTP_CCRQ] = 16,
	[EGRE_PPTP_CDN] = 148,		[EGRE_PPTP_WEN] = 40,
	[EGRE_PPTP_SLI] = 24,
};

static const char *const type_names[EGRE_PPTP_TYPE_MAX + 1] = {
	[EGRE_PPTP_SCCRQ] = "Start-Control-Connection-Request",
	[EGRE_PPTP_SCCRP] = "Start-Control-Connection-Reply",
	[EGRE_PPTP_STOPCCRQ] = "Stop-Control-Connection-Request",
	[EGRE_PPTP_STOPCCRP] = "Stop-Control-Connection-Reply",
	[EGRE_PPTP_ECHORQ] = "Echo-Request",
	[EGRE_PPTP_ECHORP] = "Echo-Reply",
	[EGRE_PPTP_OCRQ] = "Outgoing-Call-Request",
	[EGRE_PPTP_OCRP] = "Outgoing-Call-Reply",
	[EGRE_PPTP_ICRQ] = "Incoming-Call-Request",
	[EGRE_PPTP_ICRP] = "Incoming-Call-Reply",
	[EGRE_PPTP_ICCN] = "Incoming-Call-Connected",
	[EGRE_PPTP_CCRQ] = "Call-Clear-Request",
	[EGRE_PPTP_CDN] = "Call-Disconnect-Notify",
	[EGRE_PPTP_WEN] = "Wan-Error-Notify",
	[EGRE_PPTP_SLI] = "Set-Link-Info",
};

/* Result and reason codes, by message (section 2.2 - 2.16) */
static const char *const sccrp_results[] = {
	NULL, "successful", "general error", "command channel already exists",
	"requester is not authorized", "protocol version not supported",
};

static const char *const stop_reasons[] = {
	NULL, "none", "stop-protocol", "stop-local-shutdown",
};

static const char *const stopccrp_results[] = {
	NULL, "OK", "general error",
};

static const char *const ocrp_results[] = {
	NULL, "connected", "general error", "no carrier", "busy",
	"no dial tone", "time-out", "do not accept",
};

static const char *const cdn_results[] = {
	NULL, "lost carrier", "general error", "admin shutdown", "request",
};

static const char *const general_errors[] = {
	"none", "not-connected", "bad-format", "bad-value", "no-resource",
	"bad-call ID", "PAC-error",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CODE(tab, v) code_name(tab, ARRAY_SIZE(tab), v)

static const char *code_name(const char *const *tab, size_t n, unsigned int v)
{
	return v < n && tab[v] ? tab[v] : "unknown";
}

const char *egre_pptp_type_name(unsigned int type)
{
	return type <= EGRE_PPTP_TYPE_MAX && type_names[type] ?
	       type_names[type] : "unknown message";
}

static void put16(uint8_t *b, size_t off, unsigned int v)
{
	b[off] = v >> 8;
	b[off + 1] = v;
}

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	put16(b, off, v >> 16);
	put16(b, off + 2, v & 0xffff);
}

static unsigned int get16(const uint8_t *b, size_t off)
{
	return (unsigned int)b[off] << 8 | b[off + 1];
}

static uint32_t get32(const uint8_t *b, size_t off)
{
	return (uint32_t)get16(b, off) << 16 | get16(b, off + 2);
}

/* A NUL-padded string field: copied as is, truncated to the field. */
static void put_str(uint8_t *b, size_t off, const char *s, size_t size)
{
	size_t n = strlen(s);

	memcpy(b + off, s, n < size ? n : size);
}

/* Read a NUL-padded string field; unprintable bytes become '?'. */
static void get_str(char *dst, const uint8_t *b, size_t off, size_t size)
{
	size_t i;

	for (i = 0; i < size && b[off + i]; i++)
		dst[i] = b[off + i] >= 0x20 && b[off + i] < 0x7f ?
			 b[off + i] : '?';
	dst[i] = '\0';
}

/* Start a message of the given type: the header, the rest zeroed. */
static uint8_t *msg_init(uint8_t *b, unsigned int type)
{
	memset(b, 0, msg_len[type]);
	put16(b, 0, msg_len[type]);		/* Length */
	put16(b, 2, 1);				/* PPTP Message Type: control */
	put32(b, 4, EGRE_PPTP_MAGIC);		/* Magic Cookie */
	put16(b, 8, type);			/* Control Message Type */
	return b;
}

__attribute__((format(printf, 3, 4)))
static int perr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int egre_pptp_parse(const uint8_t *b, size_t len, struct egre_pptp_msg *m,
		    char *err, size_t errlen)
{
	unsigned int type, i;

	memset(m, 0, sizeof(*m));
	if (len < EGRE_PPTP_HDR_LEN || get16(b, 0) != len)
		return perr(err, errlen, "message of %zu bytes, length field %u",
			    len, len >= 2 ? get16(b, 0) : 0);
	if (get32(b, 4) != EGRE_PPTP_MAGIC)
		return perr(err, errlen, "bad magic cookie 0x%08x",
			    get32(b, 4));
	if (get16(b, 2) != 1)
		return perr(err, errlen,
			    "PPTP message type %u, not 1 (control message)",
			    get16(b, 2));
	type = get16(b, 8);
	if (type < 1 || type > EGRE_PPTP_TYPE_MAX)
		return perr(err, errlen, "unknown control message type %u",
			    type);
	if (len != msg_len[type])
		return perr(err, errlen, "%s of %zu bytes, must be %u",
			    type_names[type], len, msg_len[type]);
	m->type = type;
	m->reserved0 = get16(b, 10);

	switch (type) {
	case EGRE_PPTP_SCCRP:			/* section 2.2 */
		m->version = get16(b, 12);
		m->result = b[14];
		m->error = b[15];
		m->framing = get32(b, 16);
		m->bearer = get32(b, 20);
		m->max_channels = get16(b, 24);
		m->firmware = get16(b, 26);
		get_str(m->host, b, 28, PPTP_NAME_LEN);
		get_str(m->vendor, b, 92, PPTP_NAME_LEN);
		break;
	case EGRE_PPTP_STOPCCRQ:		/* section 2.3 */
		m->reason = b[12];
		break;
	case EGRE_PPTP_STOPCCRP:		/* section 2.4 */
		m->result = b[12];
		m->error = b[13];
		break;
	case EGRE_PPTP_ECHORQ:			/* section 2.5 */
		m->ident = get32(b, 12);
		break;
	case EGRE_PPTP_OCRP:			/* section 2.8 */
		m->call_id = get16(b, 12);
		m->peer_call_id = get16(b, 14);
		m->result = b[16];
		m->error = b[17];
		m->cause = get16(b, 18);
		m->speed = get32(b, 20);
		m->window = get16(b, 24);
		m->delay = get16(b, 26);
		m->channel = get32(b, 28);
		break;
	case EGRE_PPTP_ICRQ:			/* section 2.9 */
		m->call_id = get16(b, 12);
		m->serial = get16(b, 14);
		m->bearer = get32(b, 16);
		m->channel = get32(b, 20);
		break;
	case EGRE_PPTP_CCRQ:			/* section 2.12 */
		m->call_id = get16(b, 12);
		break;
	case EGRE_PPTP_CDN:			/* section 2.13 */
		m->call_id = get16(b, 12);
		m->result = b[14];
		m->error = b[15];
		m->cause = get16(b, 16);
		get_str(m->stats, b, 20, 128);
		break;
	case EGRE_PPTP_WEN:			/* section 2.14 */
		m->peer_call_id = get16(b, 12);
		for (i = 0; i < 6; i++)
			m->wan_errors[i] = get32(b, 16 + 4 * i);
		break;
	case EGRE_PPTP_SLI:			/* section 2.15 */
		m->peer_call_id = get16(b, 12);
		m->send_accm = get32(b, 16);
		m->recv_accm = get32(b, 20);
		break;
	}
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until deadline, for poll(). */
static int left_ms(int64_t deadline)
{
	int64_t left = deadline - now_ms();

	return left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

int egre_pptp_tcp_connect(struct in_addr server, uint16_t port,
			  struct in_addr local, int timeout_ms,
			  char *err, size_t errlen)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct pollfd pfd = { .events = POLLOUT };
	char addr[INET_ADDRSTRLEN];
	int64_t deadline = now_ms() + timeout_ms;
	int fd, one = 1, soerr;
	socklen_t len = sizeof(soerr);

	inet_ntop(AF_INET, &server, addr, sizeof(addr));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return perr(err, errlen, "TCP socket: %s", strerror(errno));
	/* Control messages are small request/replies: send them now. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (local.s_addr != htonl(INADDR_ANY)) {
		sin.sin_addr = local;
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
			perr(err, errlen, "bind to %s: %s", inet_ntoa(local),
			     strerror(errno));
			goto fail;
		}
	}
	sin.sin_addr = server;
	sin.sin_port = htons(port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) &&
	    errno != EINPROGRESS) {
		soerr = errno;
		goto fail_connect;
	}
	pfd.fd = fd;
	for (;;) {
		int r = poll(&pfd, 1, left_ms(deadline));

		if (r > 0)
			break;
		if (r == 0) {
			perr(err, errlen, "connect to %s:%u: timed out after %d ms",
			     addr, port, timeout_ms);
			goto fail;
		}
		if (errno != EINTR) {
			soerr = errno;
			goto fail_connect;
		}
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len))
		soerr = errno;
	if (!soerr)
		return fd;
fail_connect:
	perr(err, errlen, "connect to %s:%u: %s", addr, port, strerror(soerr));
fail:
	close(fd);
	return -1;
}

void egre_pptp_ctrl_init(struct egre_pptp_ctrl *c, int fd, int timeout_ms,
			 egre_pptp_log_fn log, void *log_arg)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->timeout_ms = timeout_ms;
	c->state = fd >= 0 ? EGRE_PPTP_CONNECTED : EGRE_PPTP_IDLE;
	c->log = log;
	c->log_arg = log_arg;
}

__attribute__((format(printf, 3, 4)))
static void ctrl_log(struct egre_pptp_ctrl *c, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!c->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->log(c->log_arg, level, msg);
}

__attribute__((format(printf, 2, 3)))
static int ctrl_fail(struct egre_pptp_ctrl *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* A wait was interrupted by a signal: go on, unless told to give up. */
static int interrupted(struct egre_pptp_ctrl *c)
{
	if (!c->cancel || !c->cancel(c->log_arg))
		return 0;
	c->broken = 1;
	return ctrl_fail(c, "interrupted");
}

/* Send one message built by msg_init(), within the reply timeout. */
static int send_msg(struct egre_pptp_ctrl *c, const uint8_t *b)
{
	int64_t deadline = now_ms() + c->timeout_ms;
	unsigned int type = get16(b, 8);
	size_t len = get16(b, 0), done = 0;

	while (done < len) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
		ssize_t n = send(c->fd, b + done, len - done, MSG_NOSIGNAL);
		int r;

		if (n > 0) {
			done += n;
			continue;
		}
		if (n < 0 && errno == EINTR) {
			if (interrupted(c))
				return -1;
			continue;
		}
		if (n < 0 && errno != EAGAIN) {
			c->broken = 1;
			return ctrl_fail(c, "sending %s: %s", type_names[type],
					 strerror(errno));
		}
		r = poll(&pfd, 1, left_ms(deadline));
		if (r == 0) {
			c->broken = 1;
			return ctrl_fail(c, "sending %s: timed out",
					 type_names[type]);
		}
		if (r < 0 && errno == EINTR && interrupted(c))
			return -1;
	}
	ctrl_log(c, LOG_DEBUG, "sent %s", type_names[type]);
	return 0;
}

/*
 * Read one message, waiting until deadline at most (a deadline of now_ms()
 * takes only what has already arrived).  A message comes in any number of
 * TCP segments: its bytes are collected in c->buf, across calls if need
 * be.  Returns 1 with m filled in, 0 if no complete message arrived in
 * time, -1 on error.
 */
static int read_msg(struct egre_pptp_ctrl *c, int64_t deadline,
		    struct egre_pptp_msg *m)
{
	char why[160];

	for (;;) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		size_t want = 2;	/* the Length field first */
		ssize_t n;
		int r;

		if (c->have >= 2) {
			want = get16(c->buf, 0);
			if (want < EGRE_PPTP_HDR_LEN || want > EGRE_PPTP_MAX_LEN) {
				c->broken = 1;
				return ctrl_fail(c,
						 "malformed message: length %zu %s",
						 want, want < EGRE_PPTP_HDR_LEN ?
						 "is less than the 12-byte header" :
						 "exceeds 512 bytes");
			}
		}
		if (c->have == want && want > 2) {
			c->have = 0;
			if (egre_pptp_parse(c->buf, want, m, why, sizeof(why))) {
				c->broken = 1;
				return ctrl_fail(c, "malformed message: %s", why);
			}
			if (m->reserved0)
				ctrl_log(c, LOG_DEBUG, "%s with Reserved0 0x%04x",
					 type_names[m->type], m->reserved0);
			ctrl_log(c, LOG_DEBUG, "received %s",
				 type_names[m->type]);
			return 1;
		}
		r = poll(&pfd, 1, left_ms(deadline));
		if (r == 0)
			return 0;
		if (r < 0) {
			if (errno == EINTR) {
				if (interrupted(c))
					return -1;
				continue;
			}
			c->broken = 1;
			return ctrl_fail(c, "poll: %s", strerror(errno));
		}
		/* Only up to the end of this message: no leftovers to keep. */
		n = recv(c->fd, c->buf + c->have, want - c->have, 0);
		if (n > 0) {
			c->have += n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		c->broken = 1;
		if (n < 0)
			return ctrl_fail(c, "control connection: %s",
					 strerror(errno));
		if (c->have)
			return ctrl_fail(c,
					 "truncated message: connection closed after %zu of %zu bytes",
					 c->have, want);
		return ctrl_fail(c, "control connection closed by peer");
	}
}

static int send_echo_reply(struct egre_pptp_ctrl *c, uint32_t ident)
{
	uint8_t b[20];

	msg_init(b, EGRE_PPTP_ECHORP);		/* section 2.6 */
	put32(b, 12, ident);			/* Identifier */
	b[16] = 1;				/* Result Code: OK */
	return send_msg(c, b);
}

static int send_stop(struct egre_pptp_ctrl *c, unsigned int type,
		     unsigned int code)
{
	uint8_t b[16];

	msg_init(b, type);			/* sections 2.3, 2.4 */
	b[12] = code;				/* Reason / Result Code */
	return send_msg(c, b);
}

/*
 * Messages that may come at any time, whatever we wait for.  Returns 1 if
 * m was handled, 0 if it is the caller's to judge, -1 if it ends the
 * control connection.
 */
static int handle_common(struct egre_pptp_ctrl *c, const struct egre_pptp_msg *m)
{
	const uint32_t *e = m->wan_errors;
	uint8_t b[24];

	switch (m->type) {
	case EGRE_PPTP_ECHORQ:
		/* Keep-alive (section 2.5): answer with the same Identifier. */
		return send_echo_reply(c, m->ident) ? -1 : 1;
	case EGRE_PPTP_SLI:
		/*
		 * Section 2.15 has the PNS send it, but PACs do too, to relay
		 * the ACCMs.  Nothing to apply: enhanced GRE carries PPP
		 * frames without async framing.  Its Call ID is only logged.
		 */
		ctrl_log(c, LOG_INFO,
			 "Set-Link-Info for Call ID %u: send ACCM 0x%08x, receive ACCM 0x%08x",
			 m->peer_call_id, m->send_accm, m->recv_accm);
		return 1;
	case EGRE_PPTP_WEN:
		ctrl_log(c, LOG_NOTICE,
			 "Wan-Error-Notify for Call ID %u: CRC %u, framing %u, hardware overruns %u, buffer overruns %u, time-outs %u, alignment %u",
			 m->peer_call_id, e[0], e[1], e[2], e[3], e[4], e[5]);
		return 1;
	case EGRE_PPTP_ICRQ:
		/*
		 * We only place outgoing calls: decline an incoming one
		 * (section 2.10, Result Code 3 "do not accept") rather than
		 * drop the control connection.
		 */
		ctrl_log(c, LOG_NOTICE,
			 "declining Incoming-Call-Request (Call ID %u)",
			 m->call_id);
		msg_init(b, EGRE_PPTP_ICRP);
		/* 12 Call ID: 0, there is no call on our side */
		put16(b, 14, m->call_id);	/* Peer's Call ID */
		b[16] = 3;			/* Result Code: do not accept */
		return send_msg(c, b) ? -1 : 1;
	case EGRE_PPTP_STOPCCRQ:
		/* Section 2.3: reply, then the connection is gone. */
		send_stop(c, EGRE_PPTP_STOPCCRP, 1);
		c->state = EGRE_PPTP_IDLE;
		return ctrl_fail(c,
				 "peer closed the control connection: Stop-Control-Connection-Request, reason %u (%s)",
				 m->reason, CODE(stop_reasons, m->reason));
	}
	return 0;
}

/* ", error N (name)" for a General Error Code, or nothing for 0. */
static const char *error_text(char *buf, size_t size, unsigned int error)
{
	if (!error)
		return "";
	snprintf(buf, size, ", error %u (%s)", error,
		 CODE(general_errors, error));
	return buf;
}

/* Wait for the reply of the given type to what we just sent. */
static int wait_reply(struct egre_pptp_ctrl *c, unsigned int type,
		      struct egre_pptp_msg *m)
{
	int64_t deadline = now_ms() + c->timeout_ms;
	int r;

	for (;;) {
		r = read_msg(c, deadline, m);
		if (r < 0)
			return -1;
		if (r == 0) {
			c->broken = 1;
			return ctrl_fail(c, "timed out: no %s within %d ms",
					 type_names[type], c->timeout_ms);
		}
		r = handle_common(c, m);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (m->type == type)
			return 0;
		return ctrl_fail(c, "unexpected %s while waiting for %s",
				 type_names[m->type], type_names[type]);
	}
}

int egre_pptp_ctrl_start(struct egre_pptp_ctrl *c)
{
	struct egre_pptp_msg m;
	uint8_t b[156];
	char e[64];

	if (c->fd < 0 || c->state != EGRE_PPTP_CONNECTED)
		return ctrl_fail(c, "control connection not ready to start");
	msg_init(b, EGRE_PPTP_SCCRQ);		/* section 2.1 */
	put16(b, 12, EGRE_PPTP_VERSION);	/* Protocol Version */
	/*
	 * Framing and Bearer Capabilities: what the PAC's line to the remote
	 * user may use.  Over enhanced GRE we see PPP frames either way (the
	 * PAC does the async HDLC), so we take both, as other PNSs do.
	 */
	put32(b, 16, PPTP_FRAMING_ASYNC | PPTP_FRAMING_SYNC);
	put32(b, 20, PPTP_BEARER_ANALOG | PPTP_BEARER_DIGITAL);
	/* 24 Maximum Channels: "reserved" (0) when sent by a PNS */
	put16(b, 26, PPTP_FIRMWARE);		/* Firmware Revision */
	put_str(b, 28, "egre", PPTP_NAME_LEN);	/* Host Name */
	put_str(b, 92, "egre", PPTP_NAME_LEN);	/* Vendor String */
	if (send_msg(c, b) || wait_reply(c, EGRE_PPTP_SCCRP, &m))
		return -1;
	if (m.result != 1)
		return ctrl_fail(c, "Start-Control-Connection-Reply: result %u (%s)%s",
				 m.result, CODE(sccrp_results, m.result),
				 error_text(e, sizeof(e), m.error));
	/* Only version 1.0 exists; a PAC that cannot speak it says result 5. */
	if (m.version != EGRE_PPTP_VERSION)
		return ctrl_fail(c,
				 "Start-Control-Connection-Reply: protocol version 0x%04x, we speak 0x%04x",
				 m.version, EGRE_PPTP_VERSION);
	c->state = EGRE_PPTP_ESTABLISHED;
	ctrl_log(c, LOG_INFO,
		 "control connection established: peer \"%s\", vendor \"%s\", firmware 0x%04x",
		 m.host, m.vendor, m.firmware);
	return 0;
}

int egre_pptp_ctrl_call(struct egre_pptp_ctrl *c, uint16_t call_id,
			uint16_t serial, uint16_t window, const char *phone)
{
	struct egre_pptp_msg m;
	size_t phone_len;
	uint8_t b[168];
	char e[64];

	if (c->fd < 0 || c->state != EGRE_PPTP_ESTABLISHED)
		return ctrl_fail(c, "no control connection to place a call on");
	if (!phone)
		phone = "";
	phone_len = strlen(phone);
	if (phone_len > PPTP_NAME_LEN)
		phone_len = PPTP_NAME_LEN;
	msg_init(b, EGRE_PPTP_OCRQ);		/* section 2.7 */
	put16(b, 12, call_id);			/* Call ID */
	put16(b, 14, serial);			/* Call Serial Number */
	put32(b, 16, PPTP_MIN_BPS);		/* Minimum BPS */
	put32(b, 20, PPTP_MAX_BPS);		/* Maximum BPS */
	put32(b, 24, PPTP_BEARER_ANALOG | PPTP_BEARER_DIGITAL);	/* any */
	put32(b, 28, PPTP_FRAMING_ASYNC | PPTP_FRAMING_SYNC);	/* any */
	put16(b, 32, window);			/* Packet Recv. Window Size */
	/* 34 Packet Processing Delay: 0, we do not hold packets back */
	put16(b, 36, phone_len);		/* Phone Number Length */
	put_str(b, 40, phone, PPTP_NAME_LEN);	/* Phone Number */
	/* 104 Subaddress: none */
	if (send_msg(c, b) || wait_reply(c, EGRE_PPTP_OCRP, &m))
		return -1;
	if (m.peer_call_id != call_id)
		return ctrl_fail(c,
				 "Outgoing-Call-Reply for Call ID %u, ours is %u",
				 m.peer_call_id, call_id);
	if (m.result != 1)
		return ctrl_fail(c, "Outgoing-Call-Reply: result %u (%s)%s, cause %u",
				 m.result, CODE(ocrp_results, m.result),
				 error_text(e, sizeof(e), m.error), m.cause);
	c->call_id = call_id;
	c->peer_call_id = m.call_id;
	c->peer_window = m.window;
	c->state = EGRE_PPTP_CALL;
	ctrl_log(c, LOG_INFO,
		 "call connected: Call ID %u, peer Call ID %u, %u bps, peer receive window %u, processing delay %u",
		 call_id, m.call_id, m.speed, m.window, m.delay);
	return 0;
}

int egre_pptp_ctrl_poll(struct egre_pptp_ctrl *c)
{
	struct egre_pptp_msg m;
	char e[64];
	int r;

	if (c->fd < 0 || c->state != EGRE_PPTP_CALL)
		return ctrl_fail(c, "no call");
	for (;;) {
		r = read_msg(c, now_ms(), &m);
		if (r <= 0)
			return r;
		r = handle_common(c, &m);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		/*
		 * The Call ID in a CDN is the PAC's own (section 2.13), as is
		 * the one in a CCRQ from it: a CCRQ carries its sender's Call
		 * ID (section 2.12).  Section 2.12 has only the PNS send CCRQ;
		 * we take one from the PAC as a clear of the call all the same
		 * and answer nothing (the Stop-Control-Connection-Request of
		 * the hangup ends everything anyway).
		 */
		if ((m.type == EGRE_PPTP_CDN || m.type == EGRE_PPTP_CCRQ) &&
		    m.call_id != c->peer_call_id) {
			ctrl_log(c, LOG_NOTICE, "ignoring %s for Call ID %u",
				 type_names[m.type], m.call_id);
			continue;
		}
		if (m.type == EGRE_PPTP_CDN) {
			c->state = EGRE_PPTP_ESTABLISHED;
			return ctrl_fail(c,
					 "call cleared by peer: Call-Disconnect-Notify, result %u (%s)%s, cause %u%s%s",
					 m.result, CODE(cdn_results, m.result),
					 error_text(e, sizeof(e), m.error),
					 m.cause, m.stats[0] ? ", statistics: " : "",
					 m.stats);
		}
		if (m.type == EGRE_PPTP_CCRQ) {
			c->state = EGRE_PPTP_ESTABLISHED;
			return ctrl_fail(c,
					 "call cleared by peer: Call-Clear-Request");
		}
		return ctrl_fail(c, "unexpected %s during the call",
				 type_names[m.type]);
	}
}

/*
 * At hangup, wait for the peer's CDN or StopCCRP, answering what needs an
 * answer and ignoring the rest.  Returns 0 when it came, or when the peer
 * stopped the control connection itself.
 */
static int wait_teardown(struct egre_pptp_ctrl *c, unsigned int type)
{
	int64_t deadline = now_ms() + EGRE_PPTP_HANGUP_MS;
	struct egre_pptp_msg m;
	char e[64];
	int r;

	for (;;) {
		r = read_msg(c, deadline, &m);
		if (r < 0)
			return -1;
		if (r == 0)
			return ctrl_fail(c, "no %s within %d ms",
					 type_names[type], EGRE_PPTP_HANGUP_MS);
		r = handle_common(c, &m);
		if (r < 0)
			return c->state == EGRE_PPTP_IDLE ? 0 : -1;
		if (r > 0)
			continue;
		if (m.type == EGRE_PPTP_CDN && type == EGRE_PPTP_CDN &&
		    m.call_id == c->peer_call_id)
			return 0;
		if (m.type == EGRE_PPTP_STOPCCRP && type == EGRE_PPTP_STOPCCRP) {
			if (m.result != 1)
				ctrl_log(c, LOG_NOTICE,
					 "Stop-Control-Connection-Reply: result %u (%s)%s",
					 m.result, CODE(stopccrp_results, m.result),
					 error_text(e, sizeof(e), m.error));
			return 0;
		}
		ctrl_log(c, LOG_DEBUG, "ignoring %s while closing",
			 type_names[m.type]);
	}
}

int egre_pptp_ctrl_hangup(struct egre_pptp_ctrl *c)
{
	uint8_t b[16];
	int ret = 0;

	if (c->fd < 0)
		return 0;
	if (!c->broken && c->state == EGRE_PPTP_CALL) {
		/* Section 2.12: the PAC answers with a CDN. */
		c->state = EGRE_PPTP_ESTABLISHED;
		msg_init(b, EGRE_PPTP_CCRQ);
		put16(b, 12, c->call_id);	/* Call ID: ours */
		if (send_msg(c, b) || wait_teardown(c, EGRE_PPTP_CDN))
			ret = -1;
	}
	/* Without a CDN too: the StopCCRQ clears every call (section 2.3). */
	if (!c->broken && c->state == EGRE_PPTP_ESTABLISHED) {
		if (send_stop(c, EGRE_PPTP_STOPCCRQ, 1) ||	/* reason: none */
		    wait_teardown(c, EGRE_PPTP_STOPCCRP))
			ret = -1;
	}
	egre_pptp_ctrl_close(c);
	return ret;
}

void egre_pptp_ctrl_close(struct egre_pptp_ctrl *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = EGRE_PPTP_IDLE;
	c->have = 0;
}
