/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PPTP control connection (RFC 2637 section 2), client (PNS) side.
 *
 * Pure protocol code over a connected TCP socket: no pppd dependency, so
 * that the same code runs in the pppd plugin and in the host test driver.
 * Every wait is bounded by a timeout; nothing here blocks forever.
 */
#ifndef EGRE_PPTP_CTRL_H
#define EGRE_PPTP_CTRL_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define EGRE_PPTP_PORT		1723
#define EGRE_PPTP_VERSION	0x0100	/* protocol version 1, revision 0 */
#define EGRE_PPTP_MAGIC		0x1a2b3c4d
#define EGRE_PPTP_HDR_LEN	12	/* the header every message starts with */
#define EGRE_PPTP_MAX_LEN	512	/* the reader's limit (largest is 220) */
#define EGRE_PPTP_HANGUP_MS	3000	/* wait for CDN / StopCCRP at hangup */

/* Control Message Types (RFC 2637 section 2) */
enum {
	EGRE_PPTP_SCCRQ = 1,	/* Start-Control-Connection-Request */
	EGRE_PPTP_SCCRP,	/* Start-Control-Connection-Reply */
	EGRE_PPTP_STOPCCRQ,	/* Stop-Control-Connection-Request */
	EGRE_PPTP_STOPCCRP,	/* Stop-Control-Connection-Reply */
	EGRE_PPTP_ECHORQ,	/* Echo-Request */
	EGRE_PPTP_ECHORP,	/* Echo-Reply */
	EGRE_PPTP_OCRQ,		/* Outgoing-Call-Request */
	EGRE_PPTP_OCRP,		/* Outgoing-Call-Reply */
	EGRE_PPTP_ICRQ,		/* Incoming-Call-Request */
	EGRE_PPTP_ICRP,		/* Incoming-Call-Reply */
	EGRE_PPTP_ICCN,		/* Incoming-Call-Connected */
	EGRE_PPTP_CCRQ,		/* Call-Clear-Request */
	EGRE_PPTP_CDN,		/* Call-Disconnect-Notify */
	EGRE_PPTP_WEN,		/* Wan-Error-Notify */
	EGRE_PPTP_SLI,		/* Set-Link-Info */
	EGRE_PPTP_TYPE_MAX = EGRE_PPTP_SLI,
};

/*
 * A received message, decoded.  Fields are named as in RFC 2637; which
 * ones are set depends on the type (the others are zero).  Only the
 * messages a PAC sends to a PNS are decoded field by field; the others
 * are validated (header and length) but carry only their type.
 */
struct egre_pptp_msg {
	unsigned int type;		/* Control Message Type */
	unsigned int reserved0;		/* tolerated when not zero */
	unsigned int version;		/* SCCRP */
	unsigned int result;		/* SCCRP, StopCCRP, OCRP, CDN */
	unsigned int error;		/* the same: General Error Code */
	unsigned int cause;		/* OCRP, CDN */
	unsigned int reason;		/* StopCCRQ */
	uint32_t framing;		/* SCCRP capabilities */
	uint32_t bearer;		/* SCCRP capabilities, ICRQ type */
	unsigned int max_channels;	/* SCCRP */
	unsigned int firmware;		/* SCCRP */
	char host[65];			/* SCCRP */
	char vendor[65];		/* SCCRP */
	uint32_t ident;			/* Echo-Request */
	unsigned int call_id;		/* OCRP, ICRQ, CCRQ, CDN: sender's */
	unsigned int peer_call_id;	/* OCRP, WEN, SLI: the receiver's */
	unsigned int serial;		/* ICRQ */
	uint32_t speed;			/* OCRP: Connect Speed */
	unsigned int window;		/* OCRP: Packet Recv. Window Size */
	unsigned int delay;		/* OCRP: Packet Processing Delay */
	uint32_t channel;		/* OCRP, ICRQ: Physical Channel ID */
	uint32_t send_accm;		/* SLI */
	uint32_t recv_accm;		/* SLI */
	uint32_t wan_errors[6];		/* WEN: CRC, framing, hardware overrun,
					 * buffer overrun, time-out, alignment
					 */
	char stats[129];		/* CDN: Call Statistics */
};

/* Logging callback: level is a syslog priority (LOG_DEBUG .. LOG_ERR). */
typedef void (*egre_pptp_log_fn)(void *arg, int level, const char *msg);

/* Control connection states (RFC 2637 section 3.1), as seen by the PNS */
enum egre_pptp_state {
	EGRE_PPTP_IDLE,		/* no TCP connection, or the peer stopped it */
	EGRE_PPTP_CONNECTED,	/* TCP connected, no SCCRP accepted yet */
	EGRE_PPTP_ESTABLISHED,	/* control connection established */
	EGRE_PPTP_CALL,		/* our outgoing call is connected */
};

struct egre_pptp_ctrl {
	int fd;				/* the TCP connection, -1 when closed */
	int timeout_ms;			/* for each reply we wait for */
	enum egre_pptp_state state;
	int broken;			/* stream out of step or peer mute:
					 * hangup closes without talking
					 */
	uint16_t call_id;		/* ours (the kernel's) */
	uint16_t peer_call_id;		/* the PAC's, from the OCRP */
	uint16_t peer_window;		/* the PAC's receive window */
	egre_pptp_log_fn log;
	void *log_arg;
	/* called when a wait is interrupted by a signal: nonzero = give up */
	int (*cancel)(void *arg);
	char err[256];			/* why the last call returned -1 */
	size_t have;			/* bytes of the current message in buf */
	uint8_t buf[EGRE_PPTP_MAX_LEN];
};

const char *egre_pptp_type_name(unsigned int type);

/*
 * Validate one complete message of len bytes and decode it into m.
 * Returns 0, or -1 with a description in err.
 */
int egre_pptp_parse(const uint8_t *buf, size_t len, struct egre_pptp_msg *m,
		    char *err, size_t errlen);

/*
 * TCP connection to server:port, from local (INADDR_ANY: any) when given,
 * within timeout_ms.  Returns a non-blocking, close-on-exec socket, or -1
 * with a description in err.
 */
int egre_pptp_tcp_connect(struct in_addr server, uint16_t port,
			  struct in_addr local, int timeout_ms,
			  char *err, size_t errlen);

void egre_pptp_ctrl_init(struct egre_pptp_ctrl *c, int fd, int timeout_ms,
			 egre_pptp_log_fn log, void *log_arg);

/* The calls below return 0, or -1 with the reason in c->err. */

/* SCCRQ, then wait for a successful SCCRP (section 2.1, 2.2). */
int egre_pptp_ctrl_start(struct egre_pptp_ctrl *c);

/*
 * OCRQ for our Call ID, then wait for a connected OCRP (section 2.7, 2.8).
 * On success c->peer_call_id and c->peer_window hold the PAC's values.
 */
int egre_pptp_ctrl_call(struct egre_pptp_ctrl *c, uint16_t call_id,
			uint16_t serial, uint16_t window, const char *phone);

/*
 * Without blocking, handle what the PAC has sent during the call.
 * Returns -1 when the call or the control connection is over.
 */
int egre_pptp_ctrl_poll(struct egre_pptp_ctrl *c);

/*
 * Clear our call (CCRQ, wait for CDN) and the control connection (StopCCRQ,
 * wait for StopCCRP), as far as they are up, then close the socket.
 * Returns -1 if the peer did not complete the teardown; closed either way.
 */
int egre_pptp_ctrl_hangup(struct egre_pptp_ctrl *c);

/* Close the socket at once, without telling the peer. */
void egre_pptp_ctrl_close(struct egre_pptp_ctrl *c);

#endif /* EGRE_PPTP_CTRL_H */
