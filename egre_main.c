// SPDX-License-Identifier: GPL-2.0
/*
 * egre: PPTP enhanced GRE (RFC 2637) tunnel devices.
 *
 * This file is the netdevice front end: module init/exit, the per-netns
 * state, the "egre" rtnl_link_ops with their netlink policy, netdevice setup,
 * counters (ndo_get_stats64, IFLA_INFO_XSTATS, ethtool -S).
 */

#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/if_pppox.h>
#include <linux/module.h>
#include <net/ip.h>
#include <net/netns/generic.h>
#include <net/pkt_sched.h>
#include <net/route.h>
#include <net/rtnetlink.h>

#include "egre_priv.h"

unsigned int egre_net_id __read_mostly;

/* Counter names: ethtool -S, and the order of IFLA_EGRE_XSTATS_RX_DATA.. */
const char egre_xstat_names[EGRE_XSTATS_NUM][ETH_GSTRING_LEN] = {
	"rx_data", "rx_duplicate", "rx_old", "rx_lost", "rx_ack_only",
	"rx_acks", "rx_bad_ack", "rx_non_ip", "rx_bad_ppp", "rx_jump",
	"rx_reordered", "rx_reorder_timeout", "rx_queue_purge",
	"tx_data", "tx_acks", "tx_ack_only", "tx_bad_proto", "tx_no_route",
	"tx_loop", "tx_too_big", "tx_nomem", "tx_window_wait",
	"tx_window_purge", "tx_ack_timeout", "rtt_samples",
	"tx_seq", "rx_seq", "rx_ack", "srtt_us", "ato_us", "ack_delay_us",
	"tx_window", "tx_in_flight", "tx_queued", "rx_queued",
	"net_rx_bad_header", "net_rx_bad_length", "net_rx_no_session",
	"reorder_hold", "reorder_wait_us",
};

static struct egre_session *egre_dev_session(const struct net_device *dev)
{
	return &((struct egre_dev *)netdev_priv(dev))->session;
}

/* Every value we report, in IFLA_EGRE_XSTATS order */
void egre_xstats_collect(struct egre_session *s, u64 *v)
{
	u64 *gauge = v + EGRE_STAT_NUM;

	BUILD_BUG_ON(ARRAY_SIZE(egre_xstat_names) != EGRE_XSTATS_NUM);
	BUILD_BUG_ON(EGRE_XSTATS_FIRST + EGRE_STAT_NUM !=
		     IFLA_EGRE_XSTATS_TX_SEQ);
	BUILD_BUG_ON(IFLA_EGRE_XSTATS_RX_QUEUED + 1 !=
		     IFLA_EGRE_XSTATS_NET_RX_BAD_HEADER);
	BUILD_BUG_ON(IFLA_EGRE_XSTATS_NET_RX_BAD_HEADER + EGRE_NSTAT_NUM !=
		     IFLA_EGRE_XSTATS_REORDER_HOLD);
	BUILD_BUG_ON(IFLA_EGRE_XSTATS_REORDER_WAIT_US + 1 !=
		     __IFLA_EGRE_XSTATS_MAX);

	egre_counters_sum(s->stats, EGRE_STAT_NUM, v);
	gauge[0] = (u32)atomic_read(&s->tx_seq);
	gauge[1] = READ_ONCE(s->rx_last);
	gauge[2] = READ_ONCE(s->rx_ack);
	gauge[3] = READ_ONCE(s->srtt);
	gauge[4] = READ_ONCE(s->ato);
	gauge[5] = egre_session_ack_delay_us(s);
	gauge[6] = READ_ONCE(s->cfg.peer_window) ? READ_ONCE(s->tx_win) : 0;
	gauge[7] = egre_session_in_flight(s);
	gauge[8] = skb_queue_len_lockless(&s->txq);
	gauge[9] = READ_ONCE(s->rxq.count);
	BUILD_BUG_ON(IFLA_EGRE_XSTATS_RX_QUEUED - IFLA_EGRE_XSTATS_TX_SEQ != 9);
	egre_counters_sum(egre_pernet(s->net)->stats, EGRE_NSTAT_NUM,
			  gauge + 10);
	egre_session_reorder_state(s, &gauge[10 + EGRE_NSTAT_NUM],
				   &gauge[11 + EGRE_NSTAT_NUM]);
}

/* netdevice */

static int egre_dev_init(struct net_device *dev)
{
	struct egre_dev *ed = netdev_priv(dev);
	int err;

	ed->session.deliver = egre_dev_deliver;
	ed->session.xmit = egre_xmit_frame;
	err = egre_session_init(&ed->session, dev);
	if (err)
		return err;
	skb_queue_head_init(&ed->rx_napi);
	netif_napi_add(dev, &ed->napi, egre_dev_poll);
	return 0;
}

static int egre_dev_open(struct net_device *dev)
{
	struct egre_dev *ed = netdev_priv(dev);

	napi_enable(&ed->napi);
	return 0;
}

static int egre_dev_stop(struct net_device *dev)
{
	struct egre_dev *ed = netdev_priv(dev);

	napi_disable(&ed->napi);
	skb_queue_purge(&ed->rx_napi);
	return 0;
}

static void egre_dev_uninit(struct net_device *dev)
{
	struct egre_session *s = egre_dev_session(dev);

	/* Normally dellink unhashed us and unregister waited for readers */
	if (s->hashed) {
		egre_session_unhash(egre_pernet(s->net), s);
		synchronize_net();
	}
	egre_session_uninit(s);
}

static void egre_dev_free(struct net_device *dev)
{
	struct egre_dev *ed = netdev_priv(dev);

	/* closed and unlisted: no poller, no netpoll reader is left */
	__netif_napi_del(&ed->napi);
	skb_queue_purge(&ed->rx_napi);
	egre_session_free(&ed->session);
}

/* Drops counted by egre also show in the usual device counters */
static void egre_get_stats64(struct net_device *dev,
			     struct rtnl_link_stats64 *tot)
{
	struct egre_session *s = egre_dev_session(dev);
	u64 c[EGRE_STAT_NUM];

	dev_get_tstats64(dev, tot);
	egre_counters_sum(s->stats, EGRE_STAT_NUM, c);
	tot->rx_dropped += c[EGRE_STAT_RX_DUPLICATE] + c[EGRE_STAT_RX_OLD] +
			   c[EGRE_STAT_RX_NON_IP] + c[EGRE_STAT_RX_JUMP] +
			   c[EGRE_STAT_RX_QUEUE_PURGE];
	tot->rx_errors += c[EGRE_STAT_RX_BAD_PPP];
	tot->rx_frame_errors += c[EGRE_STAT_RX_BAD_PPP];
	tot->tx_dropped += c[EGRE_STAT_TX_BAD_PROTO] + c[EGRE_STAT_TX_NOMEM] +
			   c[EGRE_STAT_TX_WINDOW_PURGE];
	tot->tx_errors += c[EGRE_STAT_TX_NO_ROUTE] + c[EGRE_STAT_TX_LOOP] +
			  c[EGRE_STAT_TX_TOO_BIG];
	tot->tx_carrier_errors += c[EGRE_STAT_TX_NO_ROUTE];
	tot->collisions += c[EGRE_STAT_TX_LOOP];
}

static const struct net_device_ops egre_netdev_ops = {
	.ndo_init		= egre_dev_init,
	.ndo_uninit		= egre_dev_uninit,
	.ndo_open		= egre_dev_open,
	.ndo_stop		= egre_dev_stop,
	.ndo_start_xmit		= egre_dev_xmit,
	.ndo_get_stats64	= egre_get_stats64,
};

static void egre_get_drvinfo(struct net_device *dev,
			     struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, EGRE_VERSION, sizeof(info->version));
}

static int egre_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? EGRE_XSTATS_NUM : -EOPNOTSUPP;
}

static void egre_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	if (sset == ETH_SS_STATS)
		memcpy(buf, egre_xstat_names, sizeof(egre_xstat_names));
}

static void egre_get_ethtool_stats(struct net_device *dev,
				   struct ethtool_stats *stats, u64 *data)
{
	egre_xstats_collect(egre_dev_session(dev), data);
}

static const struct ethtool_ops egre_ethtool_ops = {
	.get_drvinfo		= egre_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= egre_get_sset_count,
	.get_strings		= egre_get_strings,
	.get_ethtool_stats	= egre_get_ethtool_stats,
};

static void egre_setup(struct net_device *dev)
{
	dev->netdev_ops = &egre_netdev_ops;
	dev->ethtool_ops = &egre_ethtool_ops;
	dev->type = ARPHRD_PPP;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP | IFF_MULTICAST;
	/*
	 * A queue (unlike most tunnels): with a transmit window the device
	 * queue is stopped while the session's own queue is full.
	 */
	dev->tx_queue_len = DEFAULT_TX_QUEUE_LEN;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = ETH_DATA_LEN - EGRE_OVERHEAD;
	dev->min_mtu = IPV4_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - EGRE_OVERHEAD;
	dev->needed_headroom = LL_MAX_HEADER + EGRE_OVERHEAD;
	dev->needs_free_netdev = true;
	dev->priv_destructor = egre_dev_free;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->features |= EGRE_FEATURES;
	dev->hw_features |= EGRE_FEATURES;
	egre_set_lltx(dev);
	netif_keep_dst(dev);
}

/*
 * Size the device for its underlay: the MTU that fits one path MTU, and
 * headroom for every outer header so transmit does not reallocate.
 */
static int egre_dev_bind(struct net_device *dev, struct egre_session *s)
{
	struct net_device *tdev = NULL;
	int mtu = ETH_DATA_LEN;
	struct flowi4 fl4;
	struct rtable *rt;

	if (s->cfg.link)
		tdev = __dev_get_by_index(s->net, s->cfg.link);
	if (!tdev) {
		memset(&fl4, 0, sizeof(fl4));
		fl4.daddr = s->cfg.remote;
		fl4.saddr = s->cfg.local;
		fl4.flowi4_proto = IPPROTO_GRE;
		rt = ip_route_output_key(s->net, &fl4);
		if (!IS_ERR(rt)) {
			tdev = rt->dst.dev;
			ip_rt_put(rt);
		}
	}
	if (tdev) {
		dev->needed_headroom = LL_RESERVED_SPACE(tdev) +
				       EGRE_OVERHEAD;
		mtu = tdev->mtu;
	}
	return clamp_t(int, mtu - EGRE_OVERHEAD, dev->min_mtu, dev->max_mtu);
}

/* netlink */

static const struct nla_policy egre_policy[IFLA_EGRE_MAX + 1] = {
	[IFLA_EGRE_LINK]	 = { .type = NLA_U32 },
	[IFLA_EGRE_LOCAL]	 = { .type = NLA_U32 },
	[IFLA_EGRE_REMOTE]	 = { .type = NLA_U32 },
	[IFLA_EGRE_CALL_ID]	 = { .type = NLA_U16 },
	[IFLA_EGRE_PEER_CALL_ID] = { .type = NLA_U16 },
	[IFLA_EGRE_TTL]		 = { .type = NLA_U8 },
	[IFLA_EGRE_TOS]		 = { .type = NLA_U8 },
	[IFLA_EGRE_PMTUDISC]	 = { .type = NLA_U8 },
	[IFLA_EGRE_ACFC]	 = { .type = NLA_U8 },
	[IFLA_EGRE_PFC]		 = { .type = NLA_U8 },
	[IFLA_EGRE_ACK_DELAY]	 = { .type = NLA_U32 },
	[IFLA_EGRE_PEER_WINDOW]	 = { .type = NLA_U16 },
	[IFLA_EGRE_REORDER_DEPTH] = { .type = NLA_U16 },
	[IFLA_EGRE_REORDER_TIMEOUT] = { .type = NLA_U32 },
	[IFLA_EGRE_MAX_AHEAD]	 = { .type = NLA_U32 },
	[IFLA_EGRE_START_SEQ]	 = { .type = NLA_U32 },
	[IFLA_EGRE_REORDER_ADAPTIVE] = { .type = NLA_U8 },
};

static bool egre_bad_bool(const struct nlattr *attr)
{
	return attr && nla_get_u8(attr) > 1;
}

static int egre_validate(struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	__be32 addr;

	if (tb[IFLA_ADDRESS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "egre: address: a PPP link has no link-layer address");
		return -EINVAL;
	}
	if (!data)
		return 0;

	if (data[IFLA_EGRE_REMOTE]) {
		addr = nla_get_in_addr(data[IFLA_EGRE_REMOTE]);
		if (ipv4_is_zeronet(addr) || ipv4_is_multicast(addr) ||
		    ipv4_is_lbcast(addr)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EGRE_REMOTE],
					    "egre: remote: must be a unicast IPv4 address");
			return -EINVAL;
		}
	}
	if (data[IFLA_EGRE_LOCAL]) {
		addr = nla_get_in_addr(data[IFLA_EGRE_LOCAL]);
		if (ipv4_is_multicast(addr) || ipv4_is_lbcast(addr) ||
		    (ipv4_is_zeronet(addr) && addr)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EGRE_LOCAL],
					    "egre: local: must be a unicast IPv4 address or any");
			return -EINVAL;
		}
	}
	if (data[IFLA_EGRE_ACK_DELAY] &&
	    nla_get_u32(data[IFLA_EGRE_ACK_DELAY]) > EGRE_ACK_DELAY_MAX &&
	    nla_get_u32(data[IFLA_EGRE_ACK_DELAY]) != EGRE_ACK_DELAY_AUTO) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EGRE_ACK_DELAY],
				    "egre: ack-delay: at most 10000 ms, or auto");
		return -ERANGE;
	}
	if (data[IFLA_EGRE_REORDER_DEPTH] &&
	    nla_get_u16(data[IFLA_EGRE_REORDER_DEPTH]) >
	    EGRE_REORDER_DEPTH_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EGRE_REORDER_DEPTH],
				    "egre: reorder-depth: at most 1024");
		return -ERANGE;
	}
	if (data[IFLA_EGRE_REORDER_TIMEOUT] &&
	    (!nla_get_u32(data[IFLA_EGRE_REORDER_TIMEOUT]) ||
	     nla_get_u32(data[IFLA_EGRE_REORDER_TIMEOUT]) >
	     EGRE_REORDER_TIMEOUT_MAX)) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EGRE_REORDER_TIMEOUT],
				    "egre: reorder-timeout: 1 to 10000 ms");
		return -ERANGE;
	}
	if (data[IFLA_EGRE_MAX_AHEAD] &&
	    (!nla_get_u32(data[IFLA_EGRE_MAX_AHEAD]) ||
	     nla_get_u32(data[IFLA_EGRE_MAX_AHEAD]) > EGRE_MAX_AHEAD_MAX)) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EGRE_MAX_AHEAD],
				    "egre: max-ahead: 1 to 2147483647");
		return -ERANGE;
	}
	if (egre_bad_bool(data[IFLA_EGRE_PMTUDISC])) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EGRE_PMTUDISC],
				    "egre: pmtudisc: must be 0 or 1");
		return -EINVAL;
	}
	if (egre_bad_bool(data[IFLA_EGRE_ACFC])) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EGRE_ACFC],
				    "egre: acfc: must be 0 (off) or 1 (on)");
		return -EINVAL;
	}
	if (egre_bad_bool(data[IFLA_EGRE_PFC])) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EGRE_PFC],
				    "egre: pfc: must be 0 (off) or 1 (on)");
		return -EINVAL;
	}
	if (egre_bad_bool(data[IFLA_EGRE_REORDER_ADAPTIVE])) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EGRE_REORDER_ADAPTIVE],
				    "egre: reorder-adaptive: must be 0 (off) or 1 (on)");
		return -EINVAL;
	}
	return 0;
}

static void egre_cfg_apply(struct egre_cfg *cfg, struct nlattr *data[])
{
	if (data[IFLA_EGRE_LINK])
		cfg->link = nla_get_u32(data[IFLA_EGRE_LINK]);
	if (data[IFLA_EGRE_LOCAL])
		cfg->local = nla_get_in_addr(data[IFLA_EGRE_LOCAL]);
	if (data[IFLA_EGRE_REMOTE])
		cfg->remote = nla_get_in_addr(data[IFLA_EGRE_REMOTE]);
	if (data[IFLA_EGRE_CALL_ID])
		cfg->call_id = nla_get_u16(data[IFLA_EGRE_CALL_ID]);
	if (data[IFLA_EGRE_PEER_CALL_ID])
		cfg->peer_call_id = nla_get_u16(data[IFLA_EGRE_PEER_CALL_ID]);
	if (data[IFLA_EGRE_TTL])
		cfg->ttl = nla_get_u8(data[IFLA_EGRE_TTL]);
	if (data[IFLA_EGRE_TOS])
		cfg->tos = nla_get_u8(data[IFLA_EGRE_TOS]);
	if (data[IFLA_EGRE_PMTUDISC])
		cfg->pmtudisc = nla_get_u8(data[IFLA_EGRE_PMTUDISC]);
	if (data[IFLA_EGRE_ACFC])
		cfg->acfc = nla_get_u8(data[IFLA_EGRE_ACFC]);
	if (data[IFLA_EGRE_PFC])
		cfg->pfc = nla_get_u8(data[IFLA_EGRE_PFC]);
	if (data[IFLA_EGRE_ACK_DELAY])
		cfg->ack_delay = nla_get_u32(data[IFLA_EGRE_ACK_DELAY]);
	if (data[IFLA_EGRE_PEER_WINDOW])
		cfg->peer_window = nla_get_u16(data[IFLA_EGRE_PEER_WINDOW]);
	if (data[IFLA_EGRE_REORDER_DEPTH])
		cfg->reorder_depth = nla_get_u16(data[IFLA_EGRE_REORDER_DEPTH]);
	if (data[IFLA_EGRE_REORDER_TIMEOUT])
		cfg->reorder_timeout =
			nla_get_u32(data[IFLA_EGRE_REORDER_TIMEOUT]);
	if (data[IFLA_EGRE_MAX_AHEAD])
		cfg->max_ahead = nla_get_u32(data[IFLA_EGRE_MAX_AHEAD]);
	if (data[IFLA_EGRE_START_SEQ])
		cfg->start_seq = nla_get_u32(data[IFLA_EGRE_START_SEQ]);
	if (data[IFLA_EGRE_REORDER_ADAPTIVE])
		cfg->reorder_adaptive =
			nla_get_u8(data[IFLA_EGRE_REORDER_ADAPTIVE]);
}

/* The defaults of a new session, either front end */
void egre_cfg_init(struct egre_cfg *cfg)
{
	*cfg = (struct egre_cfg) {
		.ttl = EGRE_TTL_DEFAULT,
		.pmtudisc = true,
		.ack_delay = EGRE_ACK_DELAY_DEFAULT,
		.reorder_depth = EGRE_REORDER_DEPTH_DEFAULT,
		.reorder_timeout = EGRE_REORDER_TIMEOUT_DEFAULT,
		.max_ahead = EGRE_MAX_AHEAD_DEFAULT,
		.reorder_adaptive = true,
	};
}

/* Checks that need the netns: the underlay device and uniqueness */
static int egre_cfg_check(struct net *net, const struct egre_cfg *cfg,
			  const struct egre_session *self,
			  struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct egre_session *other;

	if (cfg->max_ahead < cfg->reorder_depth) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EGRE_MAX_AHEAD] ? :
				    data[IFLA_EGRE_REORDER_DEPTH],
				    "egre: max-ahead: less than reorder-depth");
		return -EINVAL;
	}
	if (cfg->link && !__dev_get_by_index(net, cfg->link)) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EGRE_LINK],
				    "egre: link: no such device in the underlay network namespace");
		return -ENODEV;
	}
	other = egre_session_find(egre_pernet(net), cfg->remote, cfg->call_id);
	if (other && other != self) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EGRE_CALL_ID] ? :
				    data[IFLA_EGRE_REMOTE],
				    "egre: call-id: a session with this call-id and remote already exists in this network namespace");
		return -EEXIST;
	}
	return 0;
}

static int egre_newlink(struct net *src_net, struct net_device *dev,
			struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	struct egre_session *s = egre_dev_session(dev);
	struct egre_cfg cfg;
	int mtu, err;

	if (!data || !data[IFLA_EGRE_REMOTE]) {
		NL_SET_ERR_MSG(extack, "egre: remote: the peer's address is required");
		return -EINVAL;
	}
	egre_cfg_init(&cfg);
	egre_cfg_apply(&cfg, data);
	err = egre_cfg_check(src_net, &cfg, NULL, data, extack);
	if (err)
		return err;

	s->net = src_net;
	s->cfg = cfg;
	mtu = egre_dev_bind(dev, s);
	if (!tb[IFLA_MTU])
		dev->mtu = mtu;

	err = register_netdevice(dev);
	if (err)
		return err;
	err = egre_session_hash(egre_pernet(src_net), s);
	if (err) {
		unregister_netdevice(dev);
		return err;
	}
	return 0;
}

static int egre_changelink(struct net_device *dev, struct nlattr *tb[],
			   struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	struct egre_session *s = egre_dev_session(dev);
	struct egre_net *en = egre_pernet(s->net);
	struct egre_cfg old = s->cfg, cfg = s->cfg;
	bool identity;
	int err;

	if (!data)
		return 0;
	egre_cfg_apply(&cfg, data);
	err = egre_cfg_check(s->net, &cfg, s, data, extack);
	if (err)
		return err;

	identity = cfg.remote != old.remote || cfg.local != old.local ||
		   cfg.call_id != old.call_id ||
		   cfg.peer_call_id != old.peer_call_id;
	if (identity || cfg.link != old.link) {
		/* A new call, or a new path: rehash and start afresh */
		egre_session_unhash(en, s);
		synchronize_net();
		s->cfg = cfg;
		/* tunables that own state are applied below */
		s->cfg.reorder_depth = old.reorder_depth;
		s->cfg.max_ahead = old.max_ahead;
		s->cfg.peer_window = old.peer_window;
		if (identity)
			egre_session_reset(s);
		dst_cache_reset(&s->dst_cache);
		err = egre_session_hash(en, s);
		if (err) {
			s->cfg = old;
			if (egre_session_hash(en, s))
				netdev_err(dev, "session lost on failed change\n");
			dst_cache_reset(&s->dst_cache);
			NL_SET_ERR_MSG(extack, "egre: cannot rehash the session");
			return err;
		}
		egre_dev_bind(dev, s);
	}

	err = egre_session_set_reorder(s, cfg.reorder_depth);
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EGRE_REORDER_DEPTH],
				    "egre: reorder-depth: no memory for the queue");
		return err;
	}
	WRITE_ONCE(s->cfg.ttl, cfg.ttl);
	WRITE_ONCE(s->cfg.pmtudisc, cfg.pmtudisc);
	WRITE_ONCE(s->cfg.acfc, cfg.acfc);
	WRITE_ONCE(s->cfg.pfc, cfg.pfc);
	WRITE_ONCE(s->cfg.ack_delay, cfg.ack_delay);
	WRITE_ONCE(s->cfg.reorder_timeout, cfg.reorder_timeout);
	WRITE_ONCE(s->cfg.reorder_adaptive, cfg.reorder_adaptive);
	if (cfg.max_ahead != s->cfg.max_ahead)
		egre_session_set_max_ahead(s, cfg.max_ahead);
	if (cfg.peer_window != s->cfg.peer_window)
		egre_session_set_window(s, cfg.peer_window);
	if (data[IFLA_EGRE_START_SEQ])
		egre_session_set_start_seq(s, cfg.start_seq);
	if (cfg.tos != s->cfg.tos) {
		WRITE_ONCE(s->cfg.tos, cfg.tos);
		dst_cache_reset(&s->dst_cache);
	}
	return 0;
}

static void egre_dellink(struct net_device *dev, struct list_head *head)
{
	struct egre_session *s = egre_dev_session(dev);

	egre_session_unhash(egre_pernet(s->net), s);
	unregister_netdevice_queue(dev, head);
}

static size_t egre_get_size(const struct net_device *dev)
{
	return nla_total_size(4) +	/* IFLA_EGRE_LINK */
	       nla_total_size(4) +	/* IFLA_EGRE_LOCAL */
	       nla_total_size(4) +	/* IFLA_EGRE_REMOTE */
	       nla_total_size(2) +	/* IFLA_EGRE_CALL_ID */
	       nla_total_size(2) +	/* IFLA_EGRE_PEER_CALL_ID */
	       nla_total_size(1) +	/* IFLA_EGRE_TTL */
	       nla_total_size(1) +	/* IFLA_EGRE_TOS */
	       nla_total_size(1) +	/* IFLA_EGRE_PMTUDISC */
	       nla_total_size(1) +	/* IFLA_EGRE_ACFC */
	       nla_total_size(1) +	/* IFLA_EGRE_PFC */
	       nla_total_size(4) +	/* IFLA_EGRE_ACK_DELAY */
	       nla_total_size(2) +	/* IFLA_EGRE_PEER_WINDOW */
	       nla_total_size(2) +	/* IFLA_EGRE_REORDER_DEPTH */
	       nla_total_size(4) +	/* IFLA_EGRE_REORDER_TIMEOUT */
	       nla_total_size(4) +	/* IFLA_EGRE_MAX_AHEAD */
	       nla_total_size(1);	/* IFLA_EGRE_REORDER_ADAPTIVE */
}

static int egre_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct egre_cfg *cfg = &egre_dev_session(dev)->cfg;

	if (nla_put_u32(skb, IFLA_EGRE_LINK, cfg->link) ||
	    nla_put_in_addr(skb, IFLA_EGRE_LOCAL, cfg->local) ||
	    nla_put_in_addr(skb, IFLA_EGRE_REMOTE, cfg->remote) ||
	    nla_put_u16(skb, IFLA_EGRE_CALL_ID, cfg->call_id) ||
	    nla_put_u16(skb, IFLA_EGRE_PEER_CALL_ID, cfg->peer_call_id) ||
	    nla_put_u8(skb, IFLA_EGRE_TTL, cfg->ttl) ||
	    nla_put_u8(skb, IFLA_EGRE_TOS, cfg->tos) ||
	    nla_put_u8(skb, IFLA_EGRE_PMTUDISC, cfg->pmtudisc) ||
	    nla_put_u8(skb, IFLA_EGRE_ACFC, cfg->acfc) ||
	    nla_put_u8(skb, IFLA_EGRE_PFC, cfg->pfc) ||
	    nla_put_u32(skb, IFLA_EGRE_ACK_DELAY, cfg->ack_delay) ||
	    nla_put_u16(skb, IFLA_EGRE_PEER_WINDOW, cfg->peer_window) ||
	    nla_put_u16(skb, IFLA_EGRE_REORDER_DEPTH, cfg->reorder_depth) ||
	    nla_put_u32(skb, IFLA_EGRE_REORDER_TIMEOUT, cfg->reorder_timeout) ||
	    nla_put_u32(skb, IFLA_EGRE_MAX_AHEAD, cfg->max_ahead) ||
	    nla_put_u8(skb, IFLA_EGRE_REORDER_ADAPTIVE,
		       cfg->reorder_adaptive))
		return -EMSGSIZE;
	return 0;
}

static size_t egre_get_xstats_size(const struct net_device *dev)
{
	return nla_total_size(0) +
	       EGRE_XSTATS_NUM * nla_total_size_64bit(sizeof(u64));
}

static int egre_fill_xstats(struct sk_buff *skb, const struct net_device *dev)
{
	u64 v[EGRE_XSTATS_NUM];
	struct nlattr *nest;
	int i;

	egre_xstats_collect(egre_dev_session(dev), v);
	nest = nla_nest_start_noflag(skb, IFLA_INFO_XSTATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < EGRE_XSTATS_NUM; i++) {
		if (nla_put_u64_64bit(skb, EGRE_XSTATS_FIRST + i, v[i],
				      IFLA_EGRE_XSTATS_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static struct net *egre_get_link_net(const struct net_device *dev)
{
	return egre_dev_session(dev)->net;
}

static struct rtnl_link_ops egre_link_ops __read_mostly = {
	.kind		= "egre",
	.maxtype	= IFLA_EGRE_MAX,
	.policy		= egre_policy,
	.priv_size	= sizeof(struct egre_dev),
	.setup		= egre_setup,
	.validate	= egre_validate,
	.newlink	= egre_newlink,
	.changelink	= egre_changelink,
	.dellink	= egre_dellink,
	.get_size	= egre_get_size,
	.fill_info	= egre_fill_info,
	.get_xstats_size = egre_get_xstats_size,
	.fill_xstats	= egre_fill_xstats,
	.get_link_net	= egre_get_link_net,
};

/* per network namespace */

static int __net_init egre_net_init(struct net *net)
{
	int err = egre_net_init_table(egre_pernet(net));

	if (err)
		return err;
	err = egre_proc_init(net);
	if (err)
		egre_net_destroy_table(egre_pernet(net));
	return err;
}

/* The underlay goes away: so do its sessions, wherever their devices live */
static void __net_exit egre_net_exit_batch_rtnl(struct list_head *net_list,
						struct list_head *dev_kill)
{
	struct egre_session *s, *tmp;
	struct net *net;

	list_for_each_entry(net, net_list, exit_list)
		list_for_each_entry_safe(s, tmp,
					 &egre_pernet(net)->session_list, list)
			if (s->dev)	/* a channel's socket holds its netns */
				egre_dellink(s->dev, dev_kill);
}

static void __net_exit egre_net_exit(struct net *net)
{
	egre_proc_exit(net);
	egre_net_destroy_table(egre_pernet(net));
}

static struct pernet_operations egre_net_ops = {
	.init		 = egre_net_init,
	.exit_batch_rtnl = egre_net_exit_batch_rtnl,
	.exit		 = egre_net_exit,
	.id		 = &egre_net_id,
	.size		 = sizeof(struct egre_net),
};

static int __init egre_init(void)
{
	int err;

	err = register_pernet_device(&egre_net_ops);
	if (err)
		return err;
	err = rtnl_link_register(&egre_link_ops);
	if (err)
		goto err_link;
	err = egre_rcv_init();
	if (err)
		goto err_rcv;
	err = egre_chan_init();
	if (err)
		goto err_chan;
	pr_info("PPTP enhanced GRE tunnels, version " EGRE_VERSION "\n");
	return 0;

err_chan:
	egre_rcv_exit();
err_rcv:
	rtnl_link_unregister(&egre_link_ops);
err_link:
	unregister_pernet_device(&egre_net_ops);
	return err;
}

static void __exit egre_exit(void)
{
	egre_chan_exit();
	egre_rcv_exit();
	rtnl_link_unregister(&egre_link_ops);
	unregister_pernet_device(&egre_net_ops);
}

module_init(egre_init);
module_exit(egre_exit);
MODULE_DESCRIPTION("PPTP enhanced GRE (RFC 2637) tunnel devices");
MODULE_LICENSE("GPL");
MODULE_VERSION(EGRE_VERSION);
MODULE_ALIAS_RTNL_LINK("egre");
/* socket(AF_PPPOX, ..., PX_PROTO_PPTP) loads us when pptp.ko is absent */
MODULE_ALIAS_NET_PF_PROTO(PF_PPPOX, PX_PROTO_PPTP);
