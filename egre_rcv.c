// SPDX-License-Identifier: GPL-2.0
/*
 * egre: receive path.  The kernel's GRE demultiplexer hands us every GRE
 * version 1 packet; we validate the header once, find the session by
 * (netns, Call ID, source address), let the session account sequence and
 * ack (and put the packet in order), strip the PPP framing and give
 * IPv4/IPv6 to the stack through the device's NAPI instance.  Every packet
 * that is not delivered increments exactly one counter.
 */

#include <linux/icmp.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/gre.h>
#include <net/ip.h>
#include <net/route.h>

#include "egre_priv.h"

/* Strip FF 03 (if present) and the 1- or 2-byte PPP protocol field */
static int egre_ppp_pull(struct sk_buff *skb, u16 *proto)
{
	unsigned int off = 0;
	const u8 *p;

	if (!pskb_may_pull(skb, min_t(unsigned int, skb->len,
				      EGRE_PPP_MAX_HDR_LEN)))
		return -EINVAL;
	p = skb->data;
	if (skb->len >= 2 && p[0] == EGRE_PPP_ADDRESS &&
	    p[1] == EGRE_PPP_CONTROL)
		off = 2;
	if (skb->len < off + 1)
		return -EINVAL;
	if (p[off] & 1) {		/* compressed protocol field */
		*proto = p[off];
		off += 1;
	} else {
		if (skb->len < off + 2 || !(p[off + 1] & 1))
			return -EINVAL;
		*proto = egre_get_be16(p + off);
		off += 2;
	}
	skb_pull_rcsum(skb, off);
	return 0;
}

static bool egre_inner_ok(struct sk_buff *skb, __be16 protocol)
{
	if (protocol == htons(ETH_P_IP))
		return pskb_may_pull(skb, sizeof(struct iphdr)) &&
		       ip_hdr(skb)->version == 4;
	return pskb_may_pull(skb, sizeof(struct ipv6hdr)) &&
	       ipv6_hdr(skb)->version == 6;
}

/* Netdevice front end: hand an inner IP packet to the stack (BH disabled) */
void egre_dev_deliver(struct egre_session *s, struct sk_buff *skb)
{
	struct net_device *dev = s->dev;
	struct egre_dev *ed = netdev_priv(dev);
	__be16 protocol;
	u16 proto;

	if (egre_ppp_pull(skb, &proto))
		goto bad_ppp;
	switch (proto) {
	case EGRE_PPP_IP:
		protocol = htons(ETH_P_IP);
		break;
	case EGRE_PPP_IPV6:
		protocol = htons(ETH_P_IPV6);
		break;
	default:
		egre_stat_inc(s, EGRE_STAT_RX_NON_IP);
		kfree_skb(skb);
		return;
	}

	skb_reset_network_header(skb);
	if (!egre_inner_ok(skb, protocol))
		goto bad_ppp;
	skb_reset_mac_header(skb);
	skb_scrub_packet(skb, !net_eq(s->net, dev_net(dev)));
	skb->protocol = protocol;
	skb->pkt_type = PACKET_HOST;
	skb->dev = dev;
	/*
	 * GRO grows the first packet's frags in place: a clone (a veth peer
	 * in this kernel hands over the sender's own clone, whose frags the
	 * sender's TCP still owns) gets a private header first.
	 */
	if (unlikely(!netif_running(dev) ||
		     skb_queue_len(&ed->rx_napi) >= EGRE_RX_BACKLOG ||
		     skb_unclone(skb, GFP_ATOMIC))) {
		dev_core_stats_rx_dropped_inc(dev);
		kfree_skb(skb);
		return;
	}
	dev_sw_netstats_rx_add(dev, skb->len);
	skb_queue_tail(&ed->rx_napi, skb);
	napi_schedule(&ed->napi);
	return;

bad_ppp:
	egre_stat_inc(s, EGRE_STAT_RX_BAD_PPP);
	kfree_skb(skb);
}

/* The device's NAPI poller: up the stack in the order the session chose */
int egre_dev_poll(struct napi_struct *napi, int budget)
{
	struct egre_dev *ed = container_of(napi, struct egre_dev, napi);
	struct sk_buff *skb;
	int done = 0;

	while (done < budget && (skb = skb_dequeue(&ed->rx_napi))) {
		napi_gro_receive(napi, skb);
		done++;
	}
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

static int egre_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	struct egre_session *s;
	struct egre_hdr_info h;
	const struct iphdr *iph;

	if (!pskb_may_pull(skb, min_t(unsigned int, skb->len,
				      EGRE_HDR_MAX_LEN))) {
		egre_net_stat_inc(net, EGRE_NSTAT_RX_BAD_LENGTH);
		goto drop;
	}
	switch (egre_parse_hdr(skb->data, skb_headlen(skb), skb->len, &h)) {
	case EGRE_PARSE_OK:
		break;
	case EGRE_PARSE_BAD_HEADER:
		egre_net_stat_inc(net, EGRE_NSTAT_RX_BAD_HEADER);
		goto drop;
	case EGRE_PARSE_BAD_LENGTH:
		egre_net_stat_inc(net, EGRE_NSTAT_RX_BAD_LENGTH);
		goto drop;
	}

	iph = ip_hdr(skb);
	s = egre_session_lookup(egre_pernet(net), iph->saddr, h.call_id);
	if (!s || (READ_ONCE(s->cfg.local) &&
		   READ_ONCE(s->cfg.local) != iph->daddr)) {
		egre_net_stat_inc(net, EGRE_NSTAT_RX_NO_SESSION);
		goto drop;
	}

	if (!h.has_seq) {
		egre_session_rx_ack_only(s, &h);
		consume_skb(skb);
		return NET_RX_SUCCESS;
	}
	skb_pull_rcsum(skb, h.hdr_len);
	if (pskb_trim_rcsum(skb, h.payload_len)) {
		egre_stat_inc(s, EGRE_STAT_RX_BAD_PPP);
		goto drop;
	}
	/*
	 * It may wait in the reorder queue: let it refer to nothing the
	 * underlay owns (its route, its device).
	 */
	skb_dst_drop(skb);
	skb->dev = s->dev;
	/* delivered in order (now or from the reorder queue), or counted */
	egre_session_rx(s, &h, skb);
	return NET_RX_SUCCESS;

drop:
	kfree_skb(skb);
	return NET_RX_SUCCESS;
}

/*
 * ICMP errors about packets we sent: learn the path MTU (the transmit path
 * then answers oversized inner packets with frag-needed/packet-too-big) and
 * follow redirects.  The quoted header is ours, so no session is needed.
 */
static void egre_err(struct sk_buff *skb, u32 info)
{
	const int type = icmp_hdr(skb)->type;
	const int code = icmp_hdr(skb)->code;
	struct net *net = dev_net(skb->dev);

	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		ipv4_update_pmtu(skb, net, info, 0, IPPROTO_GRE);
	else if (type == ICMP_REDIRECT)
		ipv4_redirect(skb, net, 0, IPPROTO_GRE);
}

static const struct gre_protocol egre_gre_protocol = {
	.handler = egre_rcv,
	.err_handler = egre_err,
};

int egre_rcv_init(void)
{
	int err = gre_add_protocol(&egre_gre_protocol, GREPROTO_PPTP);

	if (err == -EBUSY)
		pr_err("the GRE version 1 (PPTP) handler is already registered, most likely by pptp.ko: unload it (rmmod pptp) and load egre again\n");
	else if (err)
		pr_err("cannot register the GRE version 1 handler: %d\n", err);
	return err;
}

void egre_rcv_exit(void)
{
	gre_del_protocol(&egre_gre_protocol, GREPROTO_PPTP);
}
