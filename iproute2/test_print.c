// SPDX-License-Identifier: GPL-2.0
/*
 * test_print.c: write a canned RTM_NEWLINK for an egre device to stdout,
 * in the format `ip monitor file FILE` replays.  Lets the print side of
 * link_egre.so run inside the real ip binary without the kernel module:
 *
 *	./test_print > egre.nl
 *	IP_LIB_DIR=. ip -d -s monitor file egre.nl
 *	IP_LIB_DIR=. ip -j -d -s monitor file egre.nl
 *
 * `ip monitor` has no JSON output of its own; build this same file with
 * -DJSON_SHIM -shared -fPIC and LD_PRELOAD it to switch ip's JSON writer
 * on around the replay (see the Makefile's `check` target).
 *
 * Options: "nodata" leaves out IFLA_INFO_DATA, "noxstats" leaves out
 * IFLA_INFO_XSTATS, "inherit" sends ttl 0 / tos 1, "nolocal" sends no
 * IFLA_EGRE_LOCAL (so "local any"), "low" sends ack-delay auto and the
 * lowest values of the window and reorder settings, "old" leaves out the
 * attributes an older egre.ko does not send (peer-window and after).
 */
#ifdef JSON_SHIM
#include <stddef.h>

void new_json_obj(int json);
void delete_json_obj(void);
void open_json_object(const char *str);
void close_json_object(void);

__attribute__((constructor)) static void json_on(void)
{
	new_json_obj(1);
	open_json_object(NULL);
}

__attribute__((destructor)) static void json_off(void)
{
	close_json_object();
	delete_json_obj();
}
#else /* !JSON_SHIM */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "../include/uapi/linux/egre.h"

static unsigned char buf[8192];

static struct rtattr *put(struct nlmsghdr *n, int type, const void *data,
			  int len)
{
	struct rtattr *rta = (struct rtattr *)((char *)n +
					       NLMSG_ALIGN(n->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void put8(struct nlmsghdr *n, int type, uint8_t v)   { put(n, type, &v, 1); }
static void put16(struct nlmsghdr *n, int type, uint16_t v) { put(n, type, &v, 2); }
static void put32(struct nlmsghdr *n, int type, uint32_t v) { put(n, type, &v, 4); }
static void put64(struct nlmsghdr *n, int type, uint64_t v) { put(n, type, &v, 8); }

static struct rtattr *nest(struct nlmsghdr *n, int type)
{
	return put(n, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct nlmsghdr *n, struct rtattr *start)
{
	start->rta_len = (char *)n + n->nlmsg_len - (char *)start;
}

int main(int argc, char **argv)
{
	struct nlmsghdr *n = (struct nlmsghdr *)buf;
	struct ifinfomsg *ifi;
	struct rtattr *li, *data, *xs;
	int nodata = 0, noxstats = 0, inherit = 0, nolocal = 0, low = 0, old = 0;
	int i;

	for (i = 1; i < argc; i++) {
		nodata |= !strcmp(argv[i], "nodata");
		noxstats |= !strcmp(argv[i], "noxstats");
		inherit |= !strcmp(argv[i], "inherit");
		nolocal |= !strcmp(argv[i], "nolocal");
		low |= !strcmp(argv[i], "low");
		old |= !strcmp(argv[i], "old");
	}

	n->nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	n->nlmsg_type = RTM_NEWLINK;
	ifi = NLMSG_DATA(n);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_type = 0xfffe;		/* ARPHRD_NONE */
	ifi->ifi_index = 4242;
	ifi->ifi_flags = 0x91;		/* UP, POINTOPOINT, NOARP */

	put(n, IFLA_IFNAME, "egre0", 6);
	put32(n, IFLA_MTU, 1456);
	put32(n, IFLA_TXQLEN, 1000);
	put8(n, IFLA_OPERSTATE, 2);
	put32(n, IFLA_MIN_MTU, 68);
	put32(n, IFLA_MAX_MTU, 65535);
	put32(n, IFLA_NUM_TX_QUEUES, 1);
	put32(n, IFLA_NUM_RX_QUEUES, 1);

	li = nest(n, IFLA_LINKINFO);
	put(n, IFLA_INFO_KIND, "egre", 5);
	if (!nodata) {
		data = nest(n, IFLA_INFO_DATA);
		put32(n, IFLA_EGRE_LINK, 1);	/* lo */
		if (!nolocal)
			put32(n, IFLA_EGRE_LOCAL, inet_addr("192.0.2.1"));
		put32(n, IFLA_EGRE_REMOTE, inet_addr("192.0.2.2"));
		put16(n, IFLA_EGRE_CALL_ID, 1);
		put16(n, IFLA_EGRE_PEER_CALL_ID, 65535);
		put8(n, IFLA_EGRE_TTL, inherit ? 0 : 64);
		put8(n, IFLA_EGRE_TOS, inherit ? 1 : 0x10);
		put8(n, IFLA_EGRE_PMTUDISC, !inherit);
		put8(n, IFLA_EGRE_ACFC, 0);
		put8(n, IFLA_EGRE_PFC, 1);
		put32(n, IFLA_EGRE_ACK_DELAY, low ? EGRE_ACK_DELAY_AUTO : 50);
		if (!old) {
			put16(n, IFLA_EGRE_PEER_WINDOW, low ? 0 : 64);
			put16(n, IFLA_EGRE_REORDER_DEPTH,
			      low ? 0 : EGRE_REORDER_DEPTH_MAX);
			put32(n, IFLA_EGRE_REORDER_TIMEOUT,
			      low ? 1 : EGRE_REORDER_TIMEOUT_MAX);
			put32(n, IFLA_EGRE_MAX_AHEAD,
			      low ? 1 : EGRE_MAX_AHEAD_MAX);
			put8(n, IFLA_EGRE_REORDER_ADAPTIVE, !low);
		}
		nest_end(n, data);
	}
	if (!noxstats) {
		xs = nest(n, IFLA_INFO_XSTATS);
		/* nla_put_u64_64bit() may put an empty PAD first: skipped */
		put(n, IFLA_EGRE_XSTATS_PAD, NULL, 0);
		/* counter i gets 100 + i; one huge value checks 64-bit output */
		for (i = IFLA_EGRE_XSTATS_RX_DATA; i <= IFLA_EGRE_XSTATS_MAX; i++) {
			if (i == IFLA_EGRE_XSTATS_TX_SEQ)
				put64(n, i, 18446744073709551615ULL);
			else
				put64(n, i, 100 + i);
		}
		put64(n, IFLA_EGRE_XSTATS_MAX + 7, 1);	/* unknown: ignored */
		nest_end(n, xs);
	}
	nest_end(n, li);

	fwrite(buf, 1, NLMSG_ALIGN(n->nlmsg_len), stdout);
	return 0;
}
#endif /* !JSON_SHIM */
