// SPDX-License-Identifier: GPL-2.0
/*
 * egre-pptp.so - pppd 2.4.9 plugin: a PPTP client (the PNS of RFC 2637)
 * whose data path is a kernel PPTP channel, egre's or pptp.ko's.
 *
 *   pppd plugin egre-pptp.so pptp-server 192.0.2.2 name alice ...
 *   pppd plugin egre-pptp.so egre-remote 192.0.2.2 egre-call-id 5 \
 *	egre-peer-call-id 6 ...
 *
 * Client mode (pptp-server): a TCP control connection to the server,
 * Start-Control-Connection and Outgoing-Call exchanges, and a
 * PX_PROTO_PPTP socket for the call, bound to the Call ID the kernel
 * allocates and connected to the server's.  pppd attaches the socket's
 * PPP channel to a ppp unit (generic_establish_ppp) and runs LCP on it.
 * While the link is up a one-second timer serves the control connection;
 * when the server clears the call, the link ends as on a modem hangup.
 *
 * Static mode (egre-remote): the same socket with both Call IDs given on
 * the command line and no control connection.
 */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "pppd.h"
#include "fsm.h"
#include "lcp.h"

#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>
#include <linux/egre.h>

#include "pptp_ctrl.h"

char pppd_version[] = VERSION;

/* Options; -1 or NULL: not given (so that misplaced ones can be named). */
static char *pptp_server;
static int pptp_port = -1;
static char *pptp_local;
static int pptp_window = -1;
static char *pptp_phone;
static int pptp_timeout = -1;
static char *egre_remote;
static char *egre_local;
static int egre_call_id = -1;
static int egre_peer_call_id = -1;
static int egre_peer_window = -1;

/*
 * The receive window we advertise in the Outgoing-Call-Request (RFC 2637
 * section 4.2): how many packets the server may send before our ack.
 * egre acks within its ack-delay (50 ms by default) and reorders up to
 * 64 packets; 64 is also what Windows clients advertise.  A server that
 * honours the window is held to 64 packets per round trip plus ack delay
 * (about 7 Mbit/s at 1400 bytes and 100 ms): raise it for fast links.
 */
#define PPTP_WINDOW_DEFAULT	64
#define PPTP_TIMEOUT_DEFAULT	10	/* seconds, per control reply */
#define PPTP_PHONE_MAX		64	/* the Phone Number field */

#define STR_OPT(n, var, desc) \
	{ .name = n, .type = o_string, .addr = &(var), .description = desc, \
	  .flags = OPT_PRIO }
#define INT_OPT(n, var, min, max, desc) \
	{ .name = n, .type = o_int, .addr = &(var), .description = desc, \
	  .flags = OPT_PRIO | OPT_LIMITS, .lower_limit = min, \
	  .upper_limit = max }

static option_t egre_pptp_options[] = {
	STR_OPT("pptp-server", pptp_server,
		"PPTP server to call (client mode)"),
	INT_OPT("pptp-port", pptp_port, 1, 65535, "PPTP server's TCP port"),
	STR_OPT("pptp-local", pptp_local,
		"Our IPv4 address for the control connection and GRE"),
	INT_OPT("pptp-window", pptp_window, 1, 65535,
		"Packet receive window we advertise"),
	STR_OPT("pptp-phone", pptp_phone,
		"Phone number for the Outgoing-Call-Request"),
	INT_OPT("pptp-timeout", pptp_timeout, 1, 3600,
		"Seconds to wait for each control reply"),
	STR_OPT("egre-remote", egre_remote,
		"Peer's IPv4 address (static mode)"),
	STR_OPT("egre-local", egre_local, "Our IPv4 address (static mode)"),
	INT_OPT("egre-call-id", egre_call_id, 0, 65535,
		"Our Call ID, 0 = allocated by the kernel (static mode)"),
	INT_OPT("egre-peer-call-id", egre_peer_call_id, 0, 65535,
		"Peer's Call ID (static mode)"),
	INT_OPT("egre-peer-window", egre_peer_window, 0, 65535,
		"Peer's receive window, 0 = none (static mode)"),
	{ .name = NULL }
};

static struct in_addr local_addr;	/* pptp-local or egre-local */
static struct in_addr remote_addr;	/* egre-remote; pptp-server resolved */
static struct egre_pptp_ctrl ctrl;
static int sock = -1;			/* the PX_PROTO_PPTP socket */
static int chan_fd = -1;		/* its channel in /dev/ppp */
static uint16_t call_serial;		/* Call Serial Number, per call */

/* struct sockaddr_pppox is packed: keep it aligned for the cast */
union px_addr {
	struct sockaddr sa;
	struct sockaddr_pppox px;
};

__attribute__((format(printf, 1, 2), noreturn))
static void option_die(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	option_error("egre-pptp: %s", msg);
	exit(EXIT_OPTION_ERROR);
}

static void parse_addr(const char *opt, const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1)
		option_die("%s %s: not an IPv4 address", opt, s);
}

/* The first option given that belongs to the other mode, if any. */
static const char *misplaced_option(void)
{
	if (pptp_server) {
		if (egre_local)
			return "egre-local";
		if (egre_call_id >= 0)
			return "egre-call-id";
		if (egre_peer_call_id >= 0)
			return "egre-peer-call-id";
		if (egre_peer_window >= 0)
			return "egre-peer-window";
		return NULL;
	}
	if (pptp_port >= 0)
		return "pptp-port";
	if (pptp_local)
		return "pptp-local";
	if (pptp_window >= 0)
		return "pptp-window";
	if (pptp_phone)
		return "pptp-phone";
	if (pptp_timeout >= 0)
		return "pptp-timeout";
	return NULL;
}

static void egre_pptp_check_options(void)
{
	const char *opt;

	if (!pptp_server == !egre_remote)
		option_die("give exactly one of pptp-server and egre-remote");
	opt = misplaced_option();
	if (opt && pptp_server)
		option_die("%s is for egre-remote (static mode), not with pptp-server",
			   opt);
	if (opt)
		option_die("%s is for pptp-server (client mode), not with egre-remote",
			   opt);

	if (pptp_server) {
		if (pptp_port < 0)
			pptp_port = EGRE_PPTP_PORT;
		if (pptp_window < 0)
			pptp_window = PPTP_WINDOW_DEFAULT;
		if (pptp_timeout < 0)
			pptp_timeout = PPTP_TIMEOUT_DEFAULT;
		if (pptp_local)
			parse_addr("pptp-local", pptp_local, &local_addr);
		if (pptp_phone && strlen(pptp_phone) > PPTP_PHONE_MAX)
			option_die("pptp-phone: longer than %d characters",
				   PPTP_PHONE_MAX);
		return;
	}
	if (egre_peer_call_id < 0)
		option_die("egre-peer-call-id is required with egre-remote");
	if (egre_call_id < 0)
		egre_call_id = 0;
	if (egre_peer_window < 0)
		egre_peer_window = EGRE_PEER_WINDOW_NONE;
	parse_addr("egre-remote", egre_remote, &remote_addr);
	if (remote_addr.s_addr == htonl(INADDR_ANY))
		option_die("egre-remote: 0.0.0.0 is not a peer address");
	if (egre_local)
		parse_addr("egre-local", egre_local, &local_addr);
}

static void ctrl_log_cb(void *arg, int level, const char *msg)
{
	(void)arg;
	switch (level) {
	case LOG_DEBUG:
		dbglog("egre-pptp: %s", msg);
		break;
	case LOG_INFO:
		info("egre-pptp: %s", msg);
		break;
	case LOG_NOTICE:
		notice("egre-pptp: %s", msg);
		break;
	default:
		warn("egre-pptp: %s", msg);
	}
}

/* A second SIGINT/SIGTERM while we wait for the server: stop waiting. */
static int ctrl_cancel_cb(void *arg)
{
	(void)arg;
	return got_sigterm != 0;
}

static void px_addr(union px_addr *a, unsigned int call_id, struct in_addr in)
{
	memset(a, 0, sizeof(*a));
	a->px.sa_family = AF_PPPOX;
	a->px.sa_protocol = PX_PROTO_PPTP;
	a->px.sa_addr.pptp.call_id = call_id;	/* host order */
	a->px.sa_addr.pptp.sin_addr = in;	/* network order */
}

/*
 * The data socket, bound to our Call ID (0: the kernel picks a free one)
 * and address.  Returns the Call ID it got, or -1.
 */
static int data_socket(unsigned int call_id, struct in_addr local)
{
	union px_addr a;
	socklen_t len = sizeof(a.px);

	sock = socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP);
	if (sock < 0) {
		error("egre-pptp: PPTP socket: %m (is egre or pptp loaded?)");
		return -1;
	}
	px_addr(&a, call_id, local);
	if (bind(sock, &a.sa, sizeof(a.px))) {
		error("egre-pptp: binding Call ID %u: %m", call_id);
		return -1;
	}
	if (getsockname(sock, &a.sa, &len)) {
		error("egre-pptp: getsockname on the PPTP socket: %m");
		return -1;
	}
	return a.px.sa_addr.pptp.call_id;
}

/* Our sending window (egre only; RFC 2637 section 4.2). */
static int set_peer_window(int window)
{
	if (!setsockopt(sock, SOL_EGRE, EGRE_SO_PEER_WINDOW, &window,
			sizeof(window)))
		return 0;
	/* pptp.ko has no socket options: it answers EOPNOTSUPP */
	if (errno == ENOPROTOOPT || errno == EOPNOTSUPP) {
		notice("egre-pptp: not egre (pptp.ko?): no transmit window");
		return 0;
	}
	error("egre-pptp: setting the peer's receive window %d: %m", window);
	return -1;
}

static int data_connect(unsigned int peer_call_id, struct in_addr remote)
{
	union px_addr a;
	char buf[16];

	px_addr(&a, peer_call_id, remote);
	if (connect(sock, &a.sa, sizeof(a.px))) {
		error("egre-pptp: connecting the PPTP socket to Call ID %u at %I: %m",
		      peer_call_id, remote.s_addr);
		return -1;
	}
	slprintf(buf, sizeof(buf), "%u", ctrl.call_id);
	script_setenv("PPTP_CALL_ID", buf, 0);
	slprintf(buf, sizeof(buf), "%u", peer_call_id);
	script_setenv("PPTP_PEER_CALL_ID", buf, 0);
	slprintf(ppp_devnam, sizeof(ppp_devnam), "pptp (%I)", remote.s_addr);
	return 0;
}

static void egre_pptp_service(void *arg);

static int resolve_server(void)
{
	struct addrinfo hints = {
		.ai_family = AF_INET,
		.ai_socktype = SOCK_STREAM,
	};
	struct addrinfo *res;
	int r;

	r = getaddrinfo(pptp_server, NULL, &hints, &res);
	if (r) {
		error("egre-pptp: pptp-server %s: %s", pptp_server,
		      gai_strerror(r));
		return -1;
	}
	remote_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

static int client_connect(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char err[256];
	int fd, call_id;

	/* Resolved at every connect: a persist'ing pppd follows DNS. */
	if (resolve_server())
		return -1;
	fd = egre_pptp_tcp_connect(remote_addr, pptp_port, local_addr,
				   pptp_timeout * 1000, err, sizeof(err));
	if (fd < 0) {
		error("egre-pptp: %s", err);
		return -1;
	}
	egre_pptp_ctrl_init(&ctrl, fd, pptp_timeout * 1000, ctrl_log_cb, NULL);
	ctrl.cancel = ctrl_cancel_cb;
	/* GRE goes from the address the control connection uses. */
	if (getsockname(fd, (struct sockaddr *)&sin, &len)) {
		error("egre-pptp: getsockname on the control connection: %m");
		return -1;
	}
	if (egre_pptp_ctrl_start(&ctrl))
		goto ctrl_error;
	call_id = data_socket(0, sin.sin_addr);
	if (call_id < 0)
		return -1;
	if (egre_pptp_ctrl_call(&ctrl, call_id, ++call_serial, pptp_window,
				pptp_phone))
		goto ctrl_error;
	if ((ctrl.peer_window && set_peer_window(ctrl.peer_window)) ||
	    data_connect(ctrl.peer_call_id, remote_addr))
		return -1;
	timeout(egre_pptp_service, NULL, 1, 0);
	return sock;

ctrl_error:
	error("egre-pptp: %s", ctrl.err);
	return -1;
}

static int static_connect(void)
{
	int call_id = data_socket(egre_call_id, local_addr);

	if (call_id < 0)
		return -1;
	ctrl.call_id = call_id;
	if ((egre_peer_window && set_peer_window(egre_peer_window)) ||
	    data_connect(egre_peer_call_id, remote_addr))
		return -1;
	info("egre-pptp: static call: Call ID %d, peer Call ID %d at %I",
	     call_id, egre_peer_call_id, remote_addr.s_addr);
	return sock;
}

/* Close everything at once, without telling the server. */
static void egre_pptp_cleanup(void)
{
	untimeout(egre_pptp_service, NULL);
	if (sock >= 0)
		close(sock);
	sock = -1;
	egre_pptp_ctrl_close(&ctrl);
}

static int egre_pptp_connect(void)
{
	int fd = pptp_server ? client_connect() : static_connect();

	if (fd >= 0)
		return fd;
	/* The error is logged: tell the server, quietly. */
	if (egre_pptp_ctrl_hangup(&ctrl))
		dbglog("egre-pptp: closing the control connection: %s",
		       ctrl.err);
	egre_pptp_cleanup();
	status = EXIT_CONNECT_FAILED;
	return -1;
}

static void egre_pptp_disconnect(void)
{
	untimeout(egre_pptp_service, NULL);
	/* Stop the data path first: the teardown may take seconds. */
	if (sock >= 0)
		close(sock);
	sock = -1;
	if (egre_pptp_ctrl_hangup(&ctrl))
		notice("egre-pptp: closing the control connection: %s",
		       ctrl.err);
}

/*
 * Every second while the call is up: answer Echo-Requests, and end the
 * link when the server clears the call or the control connection dies.
 * There is nothing to wait for on the data path (GRE is connectionless),
 * so this is handled like a modem hangup: no LCP Terminate-Request into a
 * call that is gone, exit status 16 (EXIT_HANGUP), and with "persist"
 * pppd calls again.
 */
static void egre_pptp_service(void *arg)
{
	(void)arg;
	if (!egre_pptp_ctrl_poll(&ctrl)) {
		timeout(egre_pptp_service, NULL, 1, 0);
		return;
	}
	if (ctrl.broken)
		error("egre-pptp: %s", ctrl.err);
	else
		notice("egre-pptp: %s", ctrl.err);
	hungup = 1;
	status = EXIT_HANGUP;
	lcp_lowerdown(0);
	link_terminated(0);
}

/*
 * generic_establish_ppp() returns the /dev/ppp descriptor attached to our
 * channel: keep it, channel ioctls (PPPIOCSFLAGS) go there.
 */
static int egre_pptp_establish(int fd)
{
	chan_fd = generic_establish_ppp(fd);
	return chan_fd;
}

static void egre_pptp_disestablish(int fd)
{
	chan_fd = -1;
	generic_disestablish_ppp(fd);
}

/*
 * Transmit side of what LCP negotiated: ACFC and PFC become the channel's
 * SC_COMP_AC and SC_COMP_PROT flags (egre and pptp.ko honour both).  The
 * ACCM means nothing without async framing, and pppd's lcp_up() sets the
 * interface MTU itself (netif_set_mtu).  There is no recv_config: both
 * channels accept compressed and uncompressed frames alike.
 */
static void egre_pptp_send_config(int mtu, u_int32_t accm, int pcomp,
				  int accomp)
{
	int flags;

	(void)mtu;
	(void)accm;
	if (chan_fd < 0)
		return;
	if (ioctl(chan_fd, PPPIOCGFLAGS, &flags) < 0) {
		warn("egre-pptp: getting the channel flags: %m");
		return;
	}
	flags &= ~(SC_COMP_PROT | SC_COMP_AC);
	flags |= (pcomp ? SC_COMP_PROT : 0) | (accomp ? SC_COMP_AC : 0);
	if (ioctl(chan_fd, PPPIOCSFLAGS, &flags) < 0)
		warn("egre-pptp: setting the channel flags: %m");
}

static struct channel egre_pptp_channel = {
	.options = egre_pptp_options,
	.check_options = egre_pptp_check_options,
	.connect = egre_pptp_connect,
	.disconnect = egre_pptp_disconnect,
	.establish_ppp = egre_pptp_establish,
	.disestablish_ppp = egre_pptp_disestablish,
	.send_config = egre_pptp_send_config,
	.cleanup = egre_pptp_cleanup,
	/* both sockets are close-on-exec: nothing to do in a child */
};

void plugin_init(void)
{
	egre_pptp_ctrl_init(&ctrl, -1, 0, NULL, NULL);
	call_serial = getpid();
	the_channel = &egre_pptp_channel;
	modem = 0;
	/*
	 * Enhanced GRE carries bare PPP frames (RFC 2637 section 4.1): no
	 * async control character map to negotiate.  ACFC and PFC stay
	 * negotiable.
	 */
	lcp_wantoptions[0].neg_asyncmap = 0;
	lcp_allowoptions[0].neg_asyncmap = 0;
}
