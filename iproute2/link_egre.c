// SPDX-License-Identifier: GPL-2.0
/*
 * link_egre.c: iproute2 plugin for egre (PPTP enhanced GRE) tunnel devices.
 *
 * Built as link_egre.so and loaded by `ip` from $IP_LIB_DIR (default
 * /usr/lib/ip) the first time it meets link kind "egre".  All iproute2
 * helpers come from the ip binary itself; see ip_plugin.h.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ip_plugin.h"
#include "../include/uapi/linux/egre.h"

/* The request buffer of `ip link add/set` holds 1024 bytes of attributes. */
#define EGRE_REQ_MAX	1024

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static void egre_usage(FILE *f)
{
	fprintf(f,
		"Usage: ip link add NAME type egre remote ADDR [ OPTIONS ]\n"
		"       ip link set NAME type egre [ OPTIONS ]\n"
		"\n"
		"OPTIONS := [ remote ADDR ] [ local { ADDR | any } ]\n"
		"           [ call-id ID ] [ peer-call-id ID ]\n"
		"           [ { dev | link } PHYS_DEV ]\n"
		"           [ ttl TTL ] [ tos TOS ] [ [no]pmtudisc ]\n"
		"           [ acfc { on | off } ] [ pfc { on | off } ]\n"
		"           [ ack-delay { MSEC | auto } ] [ peer-window WINDOW ]\n"
		"           [ reorder-depth DEPTH ] [ reorder-timeout MSEC ]\n"
		"           [ reorder-adaptive { on | off } ]\n"
		"           [ max-ahead AHEAD ] [ start-seq SEQ ]\n"
		"\n"
		"Where: ADDR   := IPv4 unicast address; remote is required on add\n"
		"       ID     := 0..65535\n"
		"       TTL    := { 1..255 | inherit }  (default %u; 0 also means inherit)\n"
		"       TOS    := { 0..255 | inherit }  (decimal, or hex as in 0x10)\n"
		"       MSEC   := milliseconds, \"50ms\" works too:\n"
		"                 ack-delay 0..%u (default %u; auto: a quarter of the RTT),\n"
		"                 reorder-timeout 1..%u (default %u; the longest wait\n"
		"                 with reorder-adaptive on, the default)\n"
		"       WINDOW := 0..65535  the peer's receive window (default 0: no send window)\n"
		"       DEPTH  := 0..%u  packets held to restore order (default %u; 0: off)\n"
		"       AHEAD  := 1..%u, at least DEPTH  (default %u)\n"
		"       SEQ    := 0..4294967295  first sequence number sent (for testing)\n",
		EGRE_TTL_DEFAULT, EGRE_ACK_DELAY_MAX, EGRE_ACK_DELAY_DEFAULT,
		EGRE_REORDER_TIMEOUT_MAX, EGRE_REORDER_TIMEOUT_DEFAULT,
		EGRE_REORDER_DEPTH_MAX, EGRE_REORDER_DEPTH_DEFAULT,
		EGRE_MAX_AHEAD_MAX, EGRE_MAX_AHEAD_DEFAULT);
}

/* Errors: name the option and the offending value, then leave with a
 * non-zero status the way iproute2's invarg() does.
 */
static void __attribute__((noreturn, format(printf, 3, 4)))
egre_bad(const char *opt, const char *arg, const char *fmt, ...);

static void egre_bad(const char *opt, const char *arg, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "Error: argument \"%s\" is wrong: \"%s\" ", arg, opt);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(-1);
}

/* Unsigned number in C syntax (decimal, 0x hex, 0 octal), no sign, no
 * trailing junk except the optional `suffix`, at most `max`.
 */
static int egre_get_unsigned(unsigned long *val, const char *arg,
			     unsigned long max, const char *suffix)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)*arg))
		return -1;
	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || end == arg)
		return -1;
	if (*end && !(suffix && strcmp(end, suffix) == 0))
		return -1;
	if (v > max)
		return -1;
	*val = v;
	return 0;
}

static unsigned long egre_parse_range(const char *opt, const char *arg,
				      unsigned long min, unsigned long max,
				      const char *suffix)
{
	unsigned long v;

	if (egre_get_unsigned(&v, arg, max, suffix) || v < min)
		egre_bad(opt, arg, "must be a number in %lu..%lu", min, max);
	return v;
}

static unsigned long egre_parse_num(const char *opt, const char *arg,
				    unsigned long max, const char *suffix)
{
	return egre_parse_range(opt, arg, 0, max, suffix);
}

static __be32 egre_parse_addr(const char *opt, const char *arg,
			      bool allow_any)
{
	struct in_addr a;
	__u32 h;

	if (allow_any && strcmp(arg, "any") == 0)
		return 0;
	if (inet_pton(AF_INET, arg, &a) != 1)
		egre_bad(opt, arg, "must be an IPv4 address%s",
			 allow_any ? " or \"any\"" : "");
	h = ntohl(a.s_addr);
	if (IN_MULTICAST(h) || h == INADDR_BROADCAST)
		egre_bad(opt, arg, "must be a unicast address");
	if (!allow_any && h == INADDR_ANY)
		egre_bad(opt, arg, "must not be 0.0.0.0");
	return a.s_addr;
}

static bool egre_parse_on_off(const char *opt, const char *arg)
{
	if (strcmp(arg, "on") == 0)
		return true;
	if (strcmp(arg, "off") == 0)
		return false;
	egre_bad(opt, arg, "must be \"on\" or \"off\"");
}

/* Every option may be given once; `seen` also makes `ip link set` send
 * only what the user asked to change.
 */
enum egre_opt {
	OPT_REMOTE, OPT_LOCAL, OPT_CALL_ID, OPT_PEER_CALL_ID, OPT_LINK,
	OPT_TTL, OPT_TOS, OPT_PMTUDISC, OPT_ACFC, OPT_PFC, OPT_ACK_DELAY,
	OPT_PEER_WINDOW, OPT_REORDER_DEPTH, OPT_REORDER_TIMEOUT, OPT_MAX_AHEAD,
	OPT_START_SEQ, OPT_REORDER_ADAPTIVE,
	OPT_COUNT
};

static const struct {
	const char *name;
	enum egre_opt opt;
	bool has_arg;
} egre_opts[] = {
	{ "remote",          OPT_REMOTE,           true },
	{ "local",           OPT_LOCAL,            true },
	{ "call-id",         OPT_CALL_ID,          true },
	{ "peer-call-id",    OPT_PEER_CALL_ID,     true },
	{ "dev",             OPT_LINK,             true },
	{ "link",            OPT_LINK,             true },
	{ "ttl",             OPT_TTL,              true },
	{ "tos",             OPT_TOS,              true },
	{ "pmtudisc",        OPT_PMTUDISC,         false },
	{ "nopmtudisc",      OPT_PMTUDISC,         false },
	{ "acfc",            OPT_ACFC,             true },
	{ "pfc",             OPT_PFC,              true },
	{ "ack-delay",       OPT_ACK_DELAY,        true },
	{ "peer-window",     OPT_PEER_WINDOW,      true },
	{ "reorder-depth",   OPT_REORDER_DEPTH,    true },
	{ "reorder-timeout", OPT_REORDER_TIMEOUT,  true },
	{ "max-ahead",       OPT_MAX_AHEAD,        true },
	{ "start-seq",       OPT_START_SEQ,        true },
	{ "reorder-adaptive", OPT_REORDER_ADAPTIVE, true },
};

#define OPT_BIT(o)	(1u << (o))

static int egre_parse_opt(struct link_util *lu, int argc, char **argv,
			  struct nlmsghdr *n)
{
	const char *given[OPT_COUNT] = { NULL };
	unsigned int seen = 0;
	__be32 remote = 0, local = 0;
	__u16 call_id = 0, peer_call_id = 0, peer_window = 0, reorder_depth = 0;
	__u32 link = 0, ack_delay = 0, reorder_timeout = 0, max_ahead = 0;
	__u32 start_seq = 0;
	const char *max_ahead_arg = NULL;
	__u8 ttl = 0, tos = 0, pmtudisc = 0, acfc = 0, pfc = 0, adaptive = 0;

	(void)lu;

	for (; argc > 0; argc--, argv++) {
		const char *opt = *argv, *arg = NULL;
		unsigned long v;
		unsigned int i;

		if (strcmp(opt, "help") == 0) {
			egre_usage(stderr);
			return -1;
		}
		for (i = 0; i < ARRAY_LEN(egre_opts); i++)
			if (strcmp(opt, egre_opts[i].name) == 0)
				break;
		if (i == ARRAY_LEN(egre_opts)) {
			fprintf(stderr,
				"Error: egre: unknown option \"%s\"; try \"ip link help egre\".\n",
				opt);
			exit(-1);
		}
		if (given[egre_opts[i].opt]) {
			fprintf(stderr,
				"Error: egre: \"%s\" given again (after \"%s\"); each option may be given only once.\n",
				opt, given[egre_opts[i].opt]);
			exit(-1);
		}
		given[egre_opts[i].opt] = opt;
		seen |= OPT_BIT(egre_opts[i].opt);
		if (egre_opts[i].has_arg) {
			if (argc < 2) {
				fprintf(stderr,
					"Error: egre: option \"%s\" requires an argument; try \"ip link help egre\".\n",
					opt);
				exit(-1);
			}
			argc--, argv++;
			arg = *argv;
		}

		switch (egre_opts[i].opt) {
		case OPT_REMOTE:
			remote = egre_parse_addr(opt, arg, false);
			break;
		case OPT_LOCAL:
			local = egre_parse_addr(opt, arg, true);
			break;
		case OPT_CALL_ID:
			call_id = egre_parse_num(opt, arg, 0xffff, NULL);
			break;
		case OPT_PEER_CALL_ID:
			peer_call_id = egre_parse_num(opt, arg, 0xffff, NULL);
			break;
		case OPT_LINK:
			link = ll_name_to_index(arg);
			if (!link)
				egre_bad(opt, arg, "must name an existing device");
			break;
		case OPT_TTL:
			if (strcmp(arg, "inherit") == 0)
				v = EGRE_TTL_INHERIT;
			else if (egre_get_unsigned(&v, arg, 255, NULL))
				egre_bad(opt, arg, "must be 1..255 or \"inherit\"");
			ttl = v;
			break;
		case OPT_TOS:
			if (strcmp(arg, "inherit") == 0)
				v = EGRE_TOS_INHERIT;
			else if (egre_get_unsigned(&v, arg, 255, NULL))
				egre_bad(opt, arg,
					 "must be 0..255 (e.g. 0x10) or \"inherit\"");
			tos = v;
			break;
		case OPT_PMTUDISC:
			pmtudisc = strcmp(opt, "pmtudisc") == 0;
			break;
		case OPT_ACFC:
			acfc = egre_parse_on_off(opt, arg);
			break;
		case OPT_PFC:
			pfc = egre_parse_on_off(opt, arg);
			break;
		case OPT_ACK_DELAY:
			if (strcmp(arg, "auto") == 0)
				v = EGRE_ACK_DELAY_AUTO;
			else if (egre_get_unsigned(&v, arg, EGRE_ACK_DELAY_MAX,
						   "ms"))
				egre_bad(opt, arg,
					 "must be a number in 0..%u or \"auto\"",
					 EGRE_ACK_DELAY_MAX);
			ack_delay = v;
			break;
		case OPT_PEER_WINDOW:
			peer_window = egre_parse_num(opt, arg, 0xffff, NULL);
			break;
		case OPT_REORDER_DEPTH:
			reorder_depth = egre_parse_num(opt, arg,
						       EGRE_REORDER_DEPTH_MAX,
						       NULL);
			break;
		case OPT_REORDER_TIMEOUT:
			reorder_timeout =
				egre_parse_range(opt, arg, 1,
						 EGRE_REORDER_TIMEOUT_MAX, "ms");
			break;
		case OPT_MAX_AHEAD:
			max_ahead = egre_parse_range(opt, arg, 1,
						     EGRE_MAX_AHEAD_MAX, NULL);
			max_ahead_arg = arg;
			break;
		case OPT_START_SEQ:
			start_seq = egre_parse_num(opt, arg, 0xffffffff, NULL);
			break;
		case OPT_REORDER_ADAPTIVE:
			adaptive = egre_parse_on_off(opt, arg);
			break;
		case OPT_COUNT:
			break;
		}
	}

	/* ip 6.1 calls us only when options follow "type egre", so a bare
	 * `ip link add NAME type egre` is left to the kernel to refuse.
	 */
	if ((n->nlmsg_flags & NLM_F_CREATE) && !(seen & OPT_BIT(OPT_REMOTE))) {
		fprintf(stderr,
			"Error: egre: \"remote ADDR\" is required when creating a device.\n");
		exit(-1);
	}

	/* With only one of the two given, the kernel compares with the
	 * device's current (or default) value.
	 */
	if ((seen & OPT_BIT(OPT_MAX_AHEAD)) &&
	    (seen & OPT_BIT(OPT_REORDER_DEPTH)) && max_ahead < reorder_depth)
		egre_bad("max-ahead", max_ahead_arg,
			 "must be at least \"reorder-depth\" (%u)", reorder_depth);

	/* Only what was given: on `ip link set` the kernel keeps the rest. */
	if (seen & OPT_BIT(OPT_REMOTE))
		addattr_l(n, EGRE_REQ_MAX, IFLA_EGRE_REMOTE, &remote, 4);
	if (seen & OPT_BIT(OPT_LOCAL))
		addattr_l(n, EGRE_REQ_MAX, IFLA_EGRE_LOCAL, &local, 4);
	if (seen & OPT_BIT(OPT_CALL_ID))
		addattr16(n, EGRE_REQ_MAX, IFLA_EGRE_CALL_ID, call_id);
	if (seen & OPT_BIT(OPT_PEER_CALL_ID))
		addattr16(n, EGRE_REQ_MAX, IFLA_EGRE_PEER_CALL_ID,
			  peer_call_id);
	if (seen & OPT_BIT(OPT_LINK))
		addattr32(n, EGRE_REQ_MAX, IFLA_EGRE_LINK, link);
	if (seen & OPT_BIT(OPT_TTL))
		addattr8(n, EGRE_REQ_MAX, IFLA_EGRE_TTL, ttl);
	if (seen & OPT_BIT(OPT_TOS))
		addattr8(n, EGRE_REQ_MAX, IFLA_EGRE_TOS, tos);
	if (seen & OPT_BIT(OPT_PMTUDISC))
		addattr8(n, EGRE_REQ_MAX, IFLA_EGRE_PMTUDISC, pmtudisc);
	if (seen & OPT_BIT(OPT_ACFC))
		addattr8(n, EGRE_REQ_MAX, IFLA_EGRE_ACFC, acfc);
	if (seen & OPT_BIT(OPT_REORDER_ADAPTIVE))
		addattr8(n, EGRE_REQ_MAX, IFLA_EGRE_REORDER_ADAPTIVE, adaptive);
	if (seen & OPT_BIT(OPT_PFC))
		addattr8(n, EGRE_REQ_MAX, IFLA_EGRE_PFC, pfc);
	if (seen & OPT_BIT(OPT_ACK_DELAY))
		addattr32(n, EGRE_REQ_MAX, IFLA_EGRE_ACK_DELAY, ack_delay);
	if (seen & OPT_BIT(OPT_PEER_WINDOW))
		addattr16(n, EGRE_REQ_MAX, IFLA_EGRE_PEER_WINDOW, peer_window);
	if (seen & OPT_BIT(OPT_REORDER_DEPTH))
		addattr16(n, EGRE_REQ_MAX, IFLA_EGRE_REORDER_DEPTH,
			  reorder_depth);
	if (seen & OPT_BIT(OPT_REORDER_TIMEOUT))
		addattr32(n, EGRE_REQ_MAX, IFLA_EGRE_REORDER_TIMEOUT,
			  reorder_timeout);
	if (seen & OPT_BIT(OPT_MAX_AHEAD))
		addattr32(n, EGRE_REQ_MAX, IFLA_EGRE_MAX_AHEAD, max_ahead);
	if (seen & OPT_BIT(OPT_START_SEQ))
		addattr32(n, EGRE_REQ_MAX, IFLA_EGRE_START_SEQ, start_seq);

	return 0;
}

/* Attribute readers that tolerate a short payload from a confused kernel. */
static bool egre_attr_u8(struct rtattr *tb[], int type, __u8 *v)
{
	if (!tb[type] || RTA_PAYLOAD(tb[type]) < sizeof(*v))
		return false;
	memcpy(v, RTA_DATA(tb[type]), sizeof(*v));
	return true;
}

static bool egre_attr_u16(struct rtattr *tb[], int type, __u16 *v)
{
	if (!tb[type] || RTA_PAYLOAD(tb[type]) < sizeof(*v))
		return false;
	memcpy(v, RTA_DATA(tb[type]), sizeof(*v));
	return true;
}

static bool egre_attr_u32(struct rtattr *tb[], int type, __u32 *v)
{
	if (!tb[type] || RTA_PAYLOAD(tb[type]) < sizeof(*v))
		return false;
	memcpy(v, RTA_DATA(tb[type]), sizeof(*v));
	return true;
}

static void egre_print_addr(struct rtattr *tb[], int type, const char *key)
{
	__u32 addr = 0;	/* network byte order */
	const char *s = "any";

	if (egre_attr_u32(tb, type, &addr) && addr)
		s = format_host(AF_INET, 4, &addr);
	print_string(PRINT_FP, NULL, "%s ", key);
	print_string(PRINT_ANY, key, "%s ", s);
}

/* JSON: KEY as a boolean; text: "LABEL on|off" */
static void egre_print_on_off(const char *key, const char *label, bool on)
{
	if (is_json_context()) {
		print_bool(PRINT_JSON, key, NULL, on);
	} else {
		print_string(PRINT_FP, NULL, "%s ", label);
		print_string(PRINT_FP, NULL, "%s ", on ? "on" : "off");
	}
}

static void egre_print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
	__u32 v32;
	__u16 v16;
	__u8 v8;

	(void)lu;
	(void)f;

	if (!tb)
		return;

	if (tb[IFLA_EGRE_REMOTE])
		egre_print_addr(tb, IFLA_EGRE_REMOTE, "remote");
	egre_print_addr(tb, IFLA_EGRE_LOCAL, "local");

	if (egre_attr_u32(tb, IFLA_EGRE_LINK, &v32) && v32)
		print_string(PRINT_ANY, "link", "dev %s ",
			     ll_index_to_name(v32));

	if (egre_attr_u16(tb, IFLA_EGRE_CALL_ID, &v16))
		print_uint(PRINT_ANY, "call_id", "call-id %u ", v16);
	if (egre_attr_u16(tb, IFLA_EGRE_PEER_CALL_ID, &v16))
		print_uint(PRINT_ANY, "peer_call_id", "peer-call-id %u ", v16);

	/* As link_gre: JSON always has the number, 0 meaning inherit. */
	if (egre_attr_u8(tb, IFLA_EGRE_TTL, &v8)) {
		if (is_json_context() || v8 != EGRE_TTL_INHERIT)
			print_uint(PRINT_ANY, "ttl", "ttl %u ", v8);
		else
			print_string(PRINT_FP, NULL, "ttl %s ", "inherit");
	}

	/* As link_gre: JSON has a hex string, "0x1" meaning inherit. */
	if (egre_attr_u8(tb, IFLA_EGRE_TOS, &v8)) {
		char buf[8];

		snprintf(buf, sizeof(buf), "0x%x", v8);
		if (is_json_context() || v8 != EGRE_TOS_INHERIT)
			print_string(PRINT_ANY, "tos", "tos %s ", buf);
		else
			print_string(PRINT_FP, NULL, "tos %s ", "inherit");
	}

	if (egre_attr_u8(tb, IFLA_EGRE_PMTUDISC, &v8))
		print_bool(PRINT_ANY, "pmtudisc",
			   v8 ? "pmtudisc " : "nopmtudisc ", v8);
	if (egre_attr_u8(tb, IFLA_EGRE_ACFC, &v8))
		egre_print_on_off("acfc", "acfc", v8);
	if (egre_attr_u8(tb, IFLA_EGRE_PFC, &v8))
		egre_print_on_off("pfc", "pfc", v8);
	/* JSON: a number of milliseconds, or the string "auto". */
	if (egre_attr_u32(tb, IFLA_EGRE_ACK_DELAY, &v32)) {
		if (v32 == EGRE_ACK_DELAY_AUTO)
			print_string(PRINT_ANY, "ack_delay", "ack-delay %s ",
				     "auto");
		else
			print_uint(PRINT_ANY, "ack_delay", "ack-delay %ums ",
				   v32);
	}
	if (egre_attr_u16(tb, IFLA_EGRE_PEER_WINDOW, &v16))
		print_uint(PRINT_ANY, "peer_window", "peer-window %u ", v16);
	if (egre_attr_u16(tb, IFLA_EGRE_REORDER_DEPTH, &v16))
		print_uint(PRINT_ANY, "reorder_depth", "reorder-depth %u ", v16);
	if (egre_attr_u32(tb, IFLA_EGRE_REORDER_TIMEOUT, &v32))
		print_uint(PRINT_ANY, "reorder_timeout",
			   "reorder-timeout %ums ", v32);
	if (egre_attr_u8(tb, IFLA_EGRE_REORDER_ADAPTIVE, &v8))
		egre_print_on_off("reorder_adaptive", "reorder-adaptive", v8);
	if (egre_attr_u32(tb, IFLA_EGRE_MAX_AHEAD, &v32))
		print_uint(PRINT_ANY, "max_ahead", "max-ahead %u ", v32);
	/* IFLA_EGRE_START_SEQ is write-only: the kernel does not dump it,
	 * and the current number is the tx_seq gauge in the xstats.
	 */
}

/* Counters in the order they are shown; `group` starts a text line. */
static const struct egre_xstat {
	int type;
	const char *group;	/* text: "egre <group>:" */
	const char *name;	/* text label */
	const char *key;	/* JSON key */
} egre_xstats[] = {
	{ IFLA_EGRE_XSTATS_RX_DATA,	   "rx",       "data",	     "rx_data" },
	{ IFLA_EGRE_XSTATS_RX_DUPLICATE,   "rx",       "duplicate",  "rx_duplicate" },
	{ IFLA_EGRE_XSTATS_RX_OLD,	   "rx",       "old",	     "rx_old" },
	{ IFLA_EGRE_XSTATS_RX_LOST,	   "rx",       "lost",	     "rx_lost" },
	{ IFLA_EGRE_XSTATS_RX_JUMP,	   "rx",       "jump",	     "rx_jump" },
	{ IFLA_EGRE_XSTATS_RX_ACK_ONLY,	   "rx",       "ack-only",   "rx_ack_only" },
	{ IFLA_EGRE_XSTATS_RX_ACKS,	   "rx",       "acks",	     "rx_acks" },
	{ IFLA_EGRE_XSTATS_RX_BAD_ACK,	   "rx",       "bad-ack",    "rx_bad_ack" },
	{ IFLA_EGRE_XSTATS_RX_NON_IP,	   "rx",       "non-ip",     "rx_non_ip" },
	{ IFLA_EGRE_XSTATS_RX_BAD_PPP,	   "rx",       "bad-ppp",    "rx_bad_ppp" },
	{ IFLA_EGRE_XSTATS_RX_REORDERED,   "reorder",  "reordered",  "rx_reordered" },
	{ IFLA_EGRE_XSTATS_RX_REORDER_TIMEOUT, "reorder", "timeout", "rx_reorder_timeout" },
	{ IFLA_EGRE_XSTATS_RX_QUEUE_PURGE, "reorder",  "purge",	     "rx_queue_purge" },
	{ IFLA_EGRE_XSTATS_RX_QUEUED,	   "reorder",  "queued",     "rx_queued" },
	{ IFLA_EGRE_XSTATS_REORDER_HOLD,   "reorder",  "hold",	     "reorder_hold" },
	{ IFLA_EGRE_XSTATS_REORDER_WAIT_US, "reorder", "wait-us",    "reorder_wait_us" },
	{ IFLA_EGRE_XSTATS_TX_DATA,	   "tx",       "data",	     "tx_data" },
	{ IFLA_EGRE_XSTATS_TX_ACKS,	   "tx",       "acks",	     "tx_acks" },
	{ IFLA_EGRE_XSTATS_TX_ACK_ONLY,	   "tx",       "ack-only",   "tx_ack_only" },
	{ IFLA_EGRE_XSTATS_TX_BAD_PROTO,   "tx",       "bad-proto",  "tx_bad_proto" },
	{ IFLA_EGRE_XSTATS_TX_NO_ROUTE,	   "tx",       "no-route",   "tx_no_route" },
	{ IFLA_EGRE_XSTATS_TX_LOOP,	   "tx",       "loop",	     "tx_loop" },
	{ IFLA_EGRE_XSTATS_TX_TOO_BIG,	   "tx",       "too-big",    "tx_too_big" },
	{ IFLA_EGRE_XSTATS_TX_NOMEM,	   "tx",       "nomem",	     "tx_nomem" },
	{ IFLA_EGRE_XSTATS_TX_WINDOW,	   "window",   "size",	     "tx_window" },
	{ IFLA_EGRE_XSTATS_TX_IN_FLIGHT,   "window",   "in-flight",  "tx_in_flight" },
	{ IFLA_EGRE_XSTATS_TX_QUEUED,	   "window",   "queued",     "tx_queued" },
	{ IFLA_EGRE_XSTATS_TX_WINDOW_WAIT, "window",   "wait",	     "tx_window_wait" },
	{ IFLA_EGRE_XSTATS_TX_WINDOW_PURGE, "window",  "purge",	     "tx_window_purge" },
	{ IFLA_EGRE_XSTATS_TX_ACK_TIMEOUT, "window",   "ack-timeout", "tx_ack_timeout" },
	{ IFLA_EGRE_XSTATS_RTT_SAMPLES,	   "rtt",      "samples",    "rtt_samples" },
	{ IFLA_EGRE_XSTATS_SRTT_US,	   "rtt",      "srtt-us",    "srtt_us" },
	{ IFLA_EGRE_XSTATS_ATO_US,	   "rtt",      "ato-us",     "ato_us" },
	{ IFLA_EGRE_XSTATS_ACK_DELAY_US,   "rtt",      "ack-delay-us", "ack_delay_us" },
	{ IFLA_EGRE_XSTATS_TX_SEQ,	   "seq",      "tx",	     "tx_seq" },
	{ IFLA_EGRE_XSTATS_RX_SEQ,	   "seq",      "rx",	     "rx_seq" },
	{ IFLA_EGRE_XSTATS_RX_ACK,	   "seq",      "ack",	     "rx_ack" },
	{ IFLA_EGRE_XSTATS_NET_RX_BAD_HEADER, "netns rx", "bad-header", "net_rx_bad_header" },
	{ IFLA_EGRE_XSTATS_NET_RX_BAD_LENGTH, "netns rx", "bad-length", "net_rx_bad_length" },
	{ IFLA_EGRE_XSTATS_NET_RX_NO_SESSION, "netns rx", "no-session", "net_rx_no_session" },
};

/* Every counter but UNSPEC and PAD must be in the table above. */
_Static_assert(ARRAY_LEN(egre_xstats) == IFLA_EGRE_XSTATS_MAX - 1,
	       "egre_xstats[] does not list every IFLA_EGRE_XSTATS_* counter");

static void egre_print_xstats(struct link_util *lu, FILE *f,
			      struct rtattr *xstats)
{
	uint64_t val[IFLA_EGRE_XSTATS_MAX + 1] = { 0 };
	bool have[IFLA_EGRE_XSTATS_MAX + 1] = { false };
	const char *group = NULL;
	struct rtattr *rta;
	bool any = false;
	unsigned int i;
	int rem;

	(void)lu;
	(void)f;

	if (!xstats)
		return;

	rem = RTA_PAYLOAD(xstats);
	for (rta = RTA_DATA(xstats); RTA_OK(rta, rem);
	     rta = RTA_NEXT(rta, rem)) {
		int type = rta->rta_type & NLA_TYPE_MASK;

		if (type <= IFLA_EGRE_XSTATS_PAD || type > IFLA_EGRE_XSTATS_MAX ||
		    RTA_PAYLOAD(rta) < sizeof(uint64_t))
			continue;
		memcpy(&val[type], RTA_DATA(rta), sizeof(uint64_t));
		have[type] = true;
		any = true;
	}
	if (!any)
		return;

	open_json_object("egre_stats");
	for (i = 0; i < ARRAY_LEN(egre_xstats); i++) {
		const struct egre_xstat *x = &egre_xstats[i];

		if (!have[x->type])
			continue;
		if (!group || strcmp(group, x->group) != 0) {
			group = x->group;
			print_nl();
			print_string(PRINT_FP, NULL, "    egre %s:", group);
		}
		print_string(PRINT_FP, NULL, " %s ", x->name);
		print_u64(PRINT_ANY, x->key, "%" PRIu64, val[x->type]);
	}
	close_json_object();

	/* ip goes on with "addrgenmode ... numtxqueues ..." on the current
	 * line: give it a fresh, indented one rather than our last counter's.
	 */
	print_nl();
	print_string(PRINT_FP, NULL, "%s", "    ");
}

static void egre_print_help(struct link_util *lu, int argc, char **argv,
			    FILE *f)
{
	(void)lu;
	(void)argc;
	(void)argv;
	egre_usage(f);
}

struct link_util egre_link_util = {
	.id		= "egre",
	.maxattr	= IFLA_EGRE_MAX,
	.parse_opt	= egre_parse_opt,
	.print_opt	= egre_print_opt,
	.print_xstats	= egre_print_xstats,
	.print_help	= egre_print_help,
};
