// SPDX-License-Identifier: GPL-2.0
/*
 * egre: transmit path.  An inner IPv4/IPv6 packet becomes a PPP frame
 * (protocol field, FF 03 unless ACFC), gets an enhanced GRE header with the
 * next sequence number and, when something new arrived, a piggybacked ack,
 * and leaves through iptunnel_xmit() on a cached route.  PPP channel frames
 * (egre_chan.c) and lone acks are encapsulated here too.  No locks unless
 * a transmit window is configured: see egre_priv.h.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/dst_metadata.h>
#include <net/route.h>

#include "egre_priv.h"

/* Outer headers we push in front of the PPP frame, worst case */
#define EGRE_TX_HLEN	(sizeof(struct iphdr) + EGRE_HDR_MAX_LEN)

/*
 * The route to the peer (from the session's cache if @use_cache), with our
 * source address in @saddr.  Also what the channel front end sizes its MTU by.
 */
struct rtable *egre_route(struct egre_session *s, u8 tos, __be32 *saddr,
			  bool use_cache)
{
	struct rtable *rt;
	struct flowi4 fl4;

	if (use_cache) {
		rt = dst_cache_get_ip4(&s->dst_cache, saddr);
		if (rt)
			return rt;
	}

	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = READ_ONCE(s->cfg.remote);
	fl4.saddr = READ_ONCE(s->cfg.local);
	fl4.flowi4_oif = READ_ONCE(s->cfg.link);
	fl4.flowi4_tos = RT_TOS(tos);
	fl4.flowi4_proto = IPPROTO_GRE;
	rt = ip_route_output_key(s->net, &fl4);
	if (IS_ERR(rt))
		return rt;
	if (use_cache)
		dst_cache_set_ip4(&s->dst_cache, &rt->dst, fl4.saddr);
	*saddr = fl4.saddr;
	return rt;
}

/*
 * Path MTU: with DF set, an inner packet that cannot fit is answered with
 * ICMP frag-needed (IPv4) or packet-too-big (IPv6) and dropped, and the
 * device MTU follows the path MTU down.
 */
static bool egre_too_big(struct egre_session *s, struct sk_buff *skb,
			 struct rtable *rt)
{
	int mtu = dst_mtu(&rt->dst) - EGRE_OVERHEAD;

	if (skb->len <= mtu)
		return false;
	if (mtu < READ_ONCE(s->dev->mtu))
		egre_session_pmtu(s, mtu);
	if (skb->protocol == htons(ETH_P_IP)) {
		mtu = max(mtu, IPV4_MIN_MTU);
		if (skb->len <= mtu)
			return false;
		if (skb_valid_dst(skb))
			skb_dst_update_pmtu_no_confirm(skb, mtu);
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(mtu));
	} else {
		mtu = max(mtu, IPV6_MIN_MTU);
		if (skb->len <= mtu)
			return false;
		if (skb_valid_dst(skb))
			skb_dst_update_pmtu_no_confirm(skb, mtu);
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
	}
	return true;
}

static void egre_push_ppp(struct sk_buff *skb, u16 proto, bool acfc,
			  bool pfc)
{
	u8 *p;

	if (pfc && proto < 0x100) {
		p = skb_push(skb, 1);
		p[0] = proto;
	} else {
		p = skb_push(skb, 2);
		egre_put_be16(p, proto);
	}
	if (!acfc) {
		p = skb_push(skb, 2);
		p[0] = EGRE_PPP_ADDRESS;
		p[1] = EGRE_PPP_CONTROL;
	}
}

/* Stamp the PPP frame at skb->data with sequence/ack and push GRE */
static void egre_push_gre(struct egre_session *s, struct sk_buff *skb,
			  bool have_seq, u32 seq)
{
	u16 payload_len = skb->len;
	bool has_ack;
	u32 ack = 0;

	has_ack = egre_session_tx_stamp(s, have_seq, &seq, &ack);
	egre_build_hdr(skb_push(skb, egre_hdr_len(true, has_ack)), payload_len,
		       READ_ONCE(s->cfg.peer_call_id), true, seq, has_ack, ack);
	skb_reset_transport_header(skb);
	egre_stat_inc(s, EGRE_STAT_TX_DATA);
	if (has_ack)
		egre_stat_inc(s, EGRE_STAT_TX_ACKS);
}

/**
 * egre_xmit_frame - encapsulate and send an inner IPv4/IPv6 packet
 * @s: the session
 * @skb: the packet (protocol checked, not GSO); consumed
 * @have_seq: @seq was allocated by the transmit window
 * @seq: its sequence number, if @have_seq
 *
 * BH disabled.  Every packet that does not leave is counted once.
 */
void egre_xmit_frame(struct egre_session *s, struct sk_buff *skb,
		     bool have_seq, u32 seq)
{
	const struct iphdr *inner4 = NULL;	/* the inner IPv4 header */
	const struct iphdr *inner;	/* network header, as ip_tunnels.h wants */
	struct net_device *dev = s->dev;
	u8 tos, ttl, cfg_tos, cfg_ttl;
	enum egre_stat why;
	struct rtable *rt;
	__be32 saddr = 0;
	__be16 df = 0;
	u16 proto;

	inner = (const struct iphdr *)skb_network_header(skb);
	if (skb->protocol == htons(ETH_P_IP)) {
		proto = EGRE_PPP_IP;
		inner4 = inner;
	} else {
		proto = EGRE_PPP_IPV6;
	}

	cfg_tos = READ_ONCE(s->cfg.tos);
	cfg_ttl = READ_ONCE(s->cfg.ttl);
	tos = cfg_tos == EGRE_TOS_INHERIT ? ip_tunnel_get_dsfield(inner, skb) :
					    cfg_tos;
	rt = egre_route(s, tos, &saddr, cfg_tos != EGRE_TOS_INHERIT);
	if (IS_ERR(rt)) {
		why = EGRE_STAT_TX_NO_ROUTE;
		goto drop;
	}
	if (rt->dst.dev == dev) {
		ip_rt_put(rt);
		why = EGRE_STAT_TX_LOOP;
		goto drop;
	}
	if (READ_ONCE(s->cfg.pmtudisc)) {
		/* IPv4 keeps its own DF choice; IPv6 is never fragmented */
		df = inner4 ? inner4->frag_off & htons(IP_DF) : htons(IP_DF);
		if (df && egre_too_big(s, skb, rt)) {
			ip_rt_put(rt);
			why = EGRE_STAT_TX_TOO_BIG;
			goto drop;
		}
	}
	ttl = cfg_ttl ? cfg_ttl : ip_tunnel_get_ttl(inner, skb);
	tos = ip_tunnel_ecn_encap(tos, inner, skb);

	if (skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			 rt->dst.header_len + EGRE_TX_HLEN +
			 EGRE_PPP_MAX_HDR_LEN)) {
		ip_rt_put(rt);
		why = EGRE_STAT_TX_NOMEM;
		goto drop;
	}
	/*
	 * Inner headers for the underlay's checksum offload (a partial inner
	 * checksum stays partial, skb->encapsulation tells the underlay);
	 * iptunnel_xmit() also counts tx_bytes from the inner network header.
	 */
	if (iptunnel_handle_offloads(skb, SKB_GSO_GRE)) {
		ip_rt_put(rt);
		why = EGRE_STAT_TX_NOMEM;
		goto drop;
	}
	egre_push_ppp(skb, proto, READ_ONCE(s->cfg.acfc),
		      READ_ONCE(s->cfg.pfc));
	egre_push_gre(s, skb, have_seq, seq);
	iptunnel_xmit(NULL, rt, skb, saddr, READ_ONCE(s->cfg.remote),
		      IPPROTO_GRE, tos, ttl, df, !net_eq(s->net, dev_net(dev)));
	return;

drop:
	egre_stat_inc(s, why);
	kfree_skb(skb);
}

/* One wire-size packet: through the transmit window if there is one */
static void egre_dev_xmit_one(struct egre_session *s, struct sk_buff *skb)
{
	u32 seq;

	if (!READ_ONCE(s->cfg.peer_window))
		egre_xmit_frame(s, skb, false, 0);
	else if (egre_session_tx_window(s, skb, &seq) == EGRE_TXW_SEND)
		egre_xmit_frame(s, skb, true, seq);
	/* else it waits for the window, in the session's queue */
}

netdev_tx_t egre_dev_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct egre_dev *ed = netdev_priv(dev);
	struct egre_session *s = &ed->session;
	struct sk_buff *segs, *next;
	enum egre_stat why;

	switch (skb->protocol) {
	case htons(ETH_P_IP):
		if (!pskb_network_may_pull(skb, sizeof(struct iphdr)))
			goto drop_nomem;
		break;
	case htons(ETH_P_IPV6):
		if (!pskb_network_may_pull(skb, sizeof(struct ipv6hdr)))
			goto drop_nomem;
		break;
	default:
		why = EGRE_STAT_TX_BAD_PROTO;
		goto drop;
	}

	if (likely(!skb_is_gso(skb))) {
		egre_dev_xmit_one(s, skb);
		return NETDEV_TX_OK;
	}
	/*
	 * Each wire packet needs its own sequence number and payload length,
	 * so no GSO can pass below us: segment here, once, keeping the
	 * inner checksum partial (the underlay device or the core in front
	 * of it resolves it).
	 */
	segs = skb_gso_segment(skb, dev->features & ~NETIF_F_GSO_MASK);
	if (IS_ERR_OR_NULL(segs))
		goto drop_nomem;
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		egre_dev_xmit_one(s, skb);
	}
	return NETDEV_TX_OK;

drop_nomem:
	why = EGRE_STAT_TX_NOMEM;
drop:
	egre_stat_inc(s, why);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/*
 * Put the outer IPv4 header in front of an enhanced GRE packet and send it
 * on @rt (consumed).  Used for what has no inner IP header to inherit from
 * and no device to count it: lone acks and PPP channel frames.
 */
static void egre_ip_out(struct egre_session *s, struct sk_buff *skb,
			struct rtable *rt, __be32 saddr, u8 tos)
{
	struct iphdr *iph;

	skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = tos;
	iph->frag_off = READ_ONCE(s->cfg.pmtudisc) ? htons(IP_DF) : 0;
	iph->ttl = READ_ONCE(s->cfg.ttl) ? : ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_GRE;
	iph->saddr = saddr;
	iph->daddr = READ_ONCE(s->cfg.remote);
	skb->protocol = htons(ETH_P_IP);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	skb_dst_set(skb, &rt->dst);
	ip_select_ident(s->net, skb, NULL);
	ip_local_out(s->net, NULL, skb);
}

/*
 * The route for what has no inner header to inherit a TOS from (lone acks,
 * channel frames): a configured TOS, or 0; cached unless a netdevice's data
 * packets inherit theirs (the cache then belongs to no single TOS).
 */
static struct rtable *egre_route_fixed(struct egre_session *s, u8 *tos,
				       __be32 *saddr)
{
	u8 cfg_tos = READ_ONCE(s->cfg.tos);

	*tos = cfg_tos == EGRE_TOS_INHERIT ? 0 : cfg_tos;
	return egre_route(s, *tos, saddr, cfg_tos != EGRE_TOS_INHERIT || !s->dev);
}

/**
 * egre_xmit_ppp - encapsulate and send a frame from the PPP channel
 * @s: the session
 * @skb: the PPP frame, address/control and protocol fields as the peer
 *	 negotiated them (see egre_chan.c); consumed
 * @have_seq: @seq was allocated by the transmit window
 * @seq: its sequence number, if @have_seq
 *
 * BH disabled.  Every frame that does not leave is counted once.
 */
void egre_xmit_ppp(struct egre_session *s, struct sk_buff *skb,
		   bool have_seq, u32 seq)
{
	enum egre_stat why;
	struct rtable *rt;
	__be32 saddr = 0;
	u8 tos;

	rt = egre_route_fixed(s, &tos, &saddr);
	if (IS_ERR(rt)) {
		why = EGRE_STAT_TX_NO_ROUTE;
		goto drop;
	}
	if (skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			 rt->dst.header_len + EGRE_TX_HLEN) ||
	    (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))) {
		ip_rt_put(rt);
		why = EGRE_STAT_TX_NOMEM;
		goto drop;
	}
	/* what the PPP unit's side attached (its route, conntrack) stays */
	skb_scrub_packet(skb, true);
	skb->ip_summed = CHECKSUM_NONE;
	egre_push_gre(s, skb, have_seq, seq);
	egre_ip_out(s, skb, rt, saddr, tos);
	return;

drop:
	egre_stat_inc(s, why);
	kfree_skb(skb);
}

/**
 * egre_xmit_ack - send a lone acknowledgment (S=0, A=1, no payload)
 * @s: the session
 * @ack: the acknowledgment number
 *
 * Runs in softirq context (the ack timer).  The outer IPv4 header is built
 * here rather than by iptunnel_xmit() so that lone acks are counted only as
 * tx_ack_only, not as data in the device's packet counters.
 */
void egre_xmit_ack(struct egre_session *s, u32 ack)
{
	struct sk_buff *skb;
	struct rtable *rt;
	__be32 saddr = 0;
	enum egre_stat why;
	u8 tos;

	rt = egre_route_fixed(s, &tos, &saddr);
	if (IS_ERR(rt)) {
		why = EGRE_STAT_TX_NO_ROUTE;
		goto fail;
	}
	skb = alloc_skb(LL_RESERVED_SPACE(rt->dst.dev) + rt->dst.header_len +
			EGRE_TX_HLEN, GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		why = EGRE_STAT_TX_NOMEM;
		goto fail;
	}
	skb_reserve(skb, LL_RESERVED_SPACE(rt->dst.dev) + rt->dst.header_len +
		    EGRE_TX_HLEN);
	egre_build_hdr(skb_push(skb, EGRE_HDR_ACK_ONLY_LEN), 0,
		       READ_ONCE(s->cfg.peer_call_id), false, 0, true, ack);
	skb_reset_transport_header(skb);
	skb->ip_summed = CHECKSUM_NONE;
	skb->mark = 0;
	egre_stat_inc(s, EGRE_STAT_TX_ACK_ONLY);
	egre_ip_out(s, skb, rt, saddr, tos);
	return;

fail:
	egre_stat_inc(s, why);
}
