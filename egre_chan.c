// SPDX-License-Identifier: GPL-2.0
/*
 * egre: the PPP channel front end.
 *
 * socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP) gives the API of the kernel's
 * pptp.ko on an egre session: bind() our Call ID (0: allocate one in this
 * network namespace) and local address, connect() the peer's Call ID and
 * address, PPPIOCGCHAN, and PPPIOCGFLAGS/PPPIOCSFLAGS on the channel.  The
 * addresses are struct sockaddr_pppox with struct pptp_addr (call_id in host
 * order, sin_addr in network order), exactly as pptp.ko has them, so pppd's
 * PPTP plugins and accel-ppp run unmodified.  Every PPP frame (LCP,
 * authentication, CCP/MPPE, IP) passes between ppp_generic and the wire
 * through the same session core as the netdevice front end: sequence
 * numbers, acks, the transmit window and the reorder queue.  Options of our
 * own (the peer's window, ack delay, reorder queue) are socket options at
 * level SOL_EGRE; counters are in /proc/net/egre.
 *
 * Lifetimes and locking:
 * - The session lives inside the socket.  bind/connect/setsockopt/release
 *   run in process context under lock_sock, then RTNL for the session
 *   table and the per-netns Call ID reservations (en->chan_ids).
 * - A user socket holds its network namespace, so a netns never exits
 *   under a channel session.
 * - release: unhash (no new receive), synchronize_net (no receive in
 *   flight), shut the timers down (no delivery from the reorder queue and
 *   no lone ack), then unregister the channel (ppp_generic calls neither
 *   start_xmit nor ioctl afterwards); the session is freed with the socket.
 */

#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>
#include <linux/ppp_channel.h>
#include <linux/ppp_defs.h>
#include <net/route.h>
#include <net/sock.h>

#include "egre_priv.h"

/* LCP codes that must keep the address and control field (RFC 1661 6.6) */
#define EGRE_LCP_CONFREQ	1	/* Configure-Request */
#define EGRE_LCP_CODEREJ	7	/* Code-Reject */

/* PPPIOCSFLAGS bits that only describe receive state, not kept */
#define EGRE_SC_RCV_BITS	(SC_RCV_B7_1 | SC_RCV_B7_0 | SC_RCV_ODDP | \
				 SC_RCV_EVNP)

struct egre_chan {
	struct pppox_sock po;		/* first: pppox_sk() casts the sock */
	struct egre_session session;
};

static struct egre_chan *egre_chan_sk(struct sock *sk)
{
	return container_of(pppox_sk(sk), struct egre_chan, po);
}

static struct egre_chan *egre_chan_of(struct egre_session *s)
{
	return container_of(s, struct egre_chan, session);
}

/* pptp.ko's bookkeeping fields, reused for the same meaning */
static struct pptp_opt *egre_chan_opt(struct egre_chan *c)
{
	return &c->po.proto.pptp;
}

/* Received, in order: hand it to ppp_generic (BH disabled) */
static void egre_chan_deliver(struct egre_session *s, struct sk_buff *skb)
{
	struct egre_chan *c = egre_chan_of(s);
	const u8 *p;

	if (!pskb_may_pull(skb, min_t(unsigned int, skb->len, 2)))
		goto bad;
	p = skb->data;
	if (skb->len >= 2 && p[0] == EGRE_PPP_ADDRESS &&
	    p[1] == EGRE_PPP_CONTROL)
		skb_pull(skb, 2);
	if (!skb->len)
		goto bad;
	/* the decapsulated frame owes nothing to the underlay's state */
	skb_scrub_packet(skb, true);
	skb->ip_summed = CHECKSUM_NONE;
	/* ppp_input() expands a compressed (PFC) protocol field itself */
	ppp_input(&c->po.chan, skb);
	return;

bad:
	egre_stat_inc(s, EGRE_STAT_RX_BAD_PPP);
	kfree_skb(skb);
}

/*
 * Frame a PPP packet for the wire and send it (BH disabled): ppp_generic
 * gives us the 2-byte protocol field; PFC and ACFC are applied as pppd set
 * them with PPPIOCSFLAGS, except that LCP configuration packets (codes 1-7)
 * always carry FF 03 (RFC 1661 section 6.6).
 */
static void egre_chan_send(struct egre_session *s, struct sk_buff *skb,
			   bool have_seq, u32 seq)
{
	bool lcp_cfg;
	const u8 *p;
	u8 *h;

	if (!pskb_may_pull(skb, min_t(unsigned int, skb->len, 3)) ||
	    skb->len < 2)
		goto bad;
	p = skb->data;
	lcp_cfg = egre_get_be16(p) == PPP_LCP && skb->len >= 3 &&
		  p[2] >= EGRE_LCP_CONFREQ && p[2] <= EGRE_LCP_CODEREJ;
	if (READ_ONCE(s->cfg.pfc) && p[0] == 0)
		skb_pull(skb, 1);
	if (!READ_ONCE(s->cfg.acfc) || lcp_cfg) {
		if (skb_cow_head(skb, 2)) {
			egre_stat_inc(s, EGRE_STAT_TX_NOMEM);
			kfree_skb(skb);
			return;
		}
		h = skb_push(skb, 2);
		h[0] = EGRE_PPP_ADDRESS;
		h[1] = EGRE_PPP_CONTROL;
	}
	egre_xmit_ppp(s, skb, have_seq, seq);
	return;

bad:
	egre_stat_inc(s, EGRE_STAT_TX_BAD_PROTO);
	kfree_skb(skb);
}

/* ppp_channel_ops.start_xmit: 1 = taken (sent, queued or counted) */
static int egre_chan_xmit(struct ppp_channel *chan, struct sk_buff *skb)
{
	struct egre_session *s = &egre_chan_sk(chan->private)->session;
	u32 seq;

	if (!READ_ONCE(s->cfg.peer_window)) {
		egre_chan_send(s, skb, false, 0);
		return 1;
	}
	switch (egre_session_tx_window(s, skb, &seq)) {
	case EGRE_TXW_SEND:
		egre_chan_send(s, skb, true, seq);
		return 1;
	case EGRE_TXW_QUEUED:
		return 1;
	case EGRE_TXW_FULL:
		break;
	}
	return 0;	/* ppp_generic keeps it until egre_chan_wake() */
}

/* The window queue has room again (BH disabled, no session lock) */
static void egre_chan_wake(struct egre_session *s)
{
	ppp_output_wakeup(&egre_chan_of(s)->po.chan);
}

static int egre_chan_ioctl(struct ppp_channel *chan, unsigned int cmd,
			   unsigned long arg)
{
	struct egre_chan *c = egre_chan_sk(chan->private);
	struct pptp_opt *opt = egre_chan_opt(c);
	int __user *p = (int __user *)arg;
	int val;

	switch (cmd) {
	case PPPIOCGFLAGS:
		val = READ_ONCE(opt->ppp_flags);
		return put_user(val, p) ? -EFAULT : 0;
	case PPPIOCSFLAGS:
		if (get_user(val, p))
			return -EFAULT;
		WRITE_ONCE(opt->ppp_flags, val & ~EGRE_SC_RCV_BITS);
		WRITE_ONCE(c->session.cfg.acfc, !!(val & SC_COMP_AC));
		WRITE_ONCE(c->session.cfg.pfc, !!(val & SC_COMP_PROT));
		return 0;
	}
	return -ENOTTY;
}

static const struct ppp_channel_ops egre_ppp_ops = {
	.start_xmit	= egre_chan_xmit,
	.ioctl		= egre_chan_ioctl,
};

static bool egre_call_id_used(struct egre_net *en, u16 id)
{
	struct egre_session *s;

	list_for_each_entry(s, &en->session_list, list)
		if (s->cfg.call_id == id)
			return true;
	return false;
}

/*
 * Under RTNL: reserve Call ID @id for @c in this netns, or, for 0, the next
 * one (cyclically from the last allocation) that no channel holds and no
 * session of either front end receives on.  Returns the ID or -EBUSY.
 */
static int egre_chan_reserve(struct egre_net *en, struct egre_chan *c,
			     u16 id)
{
	int err, n;

	ASSERT_RTNL();
	if (id) {
		err = xa_insert(&en->chan_ids, id, c, GFP_KERNEL);
		return err ? err : id;
	}
	id = en->chan_next;
	for (n = 0; n < U16_MAX; n++) {
		id = id % U16_MAX + 1;
		if (xa_load(&en->chan_ids, id) || egre_call_id_used(en, id))
			continue;
		err = xa_insert(&en->chan_ids, id, c, GFP_KERNEL);
		if (err)
			return err;
		en->chan_next = id;
		return id;
	}
	return -EBUSY;
}

static bool egre_chan_addr_bad(__be32 addr)
{
	return ipv4_is_multicast(addr) || ipv4_is_lbcast(addr) ||
	       (ipv4_is_zeronet(addr) && addr);
}

static int egre_chan_bind(struct socket *sock, struct sockaddr *uaddr,
			  int len)
{
	struct sockaddr_pppox *sp = (struct sockaddr_pppox *)uaddr;
	struct sock *sk = sock->sk;
	struct egre_chan *c = egre_chan_sk(sk);
	struct pptp_opt *opt = egre_chan_opt(c);
	int id, err = 0;

	if (len < (int)sizeof(struct sockaddr_pppox))
		return -EINVAL;
	if (egre_chan_addr_bad(sp->sa_addr.pptp.sin_addr.s_addr))
		return -EADDRNOTAVAIL;

	lock_sock(sk);
	if (sk->sk_state & PPPOX_DEAD) {
		err = -EALREADY;
		goto out;
	}
	if (sk->sk_state & PPPOX_BOUND) {
		err = -EBUSY;
		goto out;
	}
	rtnl_lock();
	id = egre_chan_reserve(egre_pernet(sock_net(sk)), c,
			       sp->sa_addr.pptp.call_id);
	rtnl_unlock();
	if (id < 0) {
		err = -EBUSY;	/* as pptp.ko: the Call ID is taken */
		goto out;
	}
	opt->src_addr = sp->sa_addr.pptp;
	opt->src_addr.call_id = id;
	sk->sk_state |= PPPOX_BOUND;
out:
	release_sock(sk);
	return err;
}

/* The PPP frame size that fits one underlay packet (fragmentation aside) */
static int egre_chan_mtu(struct egre_session *s)
{
	__be32 saddr;
	struct rtable *rt;
	int mtu;

	rt = egre_route(s, s->cfg.tos, &saddr, false);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	mtu = dst_mtu(&rt->dst) ? : PPP_MRU;
	ip_rt_put(rt);
	return max(mtu - EGRE_OVERHEAD, 68);
}

static int egre_chan_connect(struct socket *sock, struct sockaddr *uaddr,
			     int len, int flags)
{
	struct sockaddr_pppox *sp = (struct sockaddr_pppox *)uaddr;
	struct sock *sk = sock->sk;
	struct egre_chan *c = egre_chan_sk(sk);
	struct pptp_opt *opt = egre_chan_opt(c);
	struct egre_session *s = &c->session;
	__be32 remote;
	int mtu, err;

	if (len < (int)sizeof(struct sockaddr_pppox) ||
	    sp->sa_protocol != PX_PROTO_PPTP)
		return -EINVAL;
	remote = sp->sa_addr.pptp.sin_addr.s_addr;
	if (!remote || egre_chan_addr_bad(remote))
		return -EINVAL;

	lock_sock(sk);
	if (sk->sk_state & PPPOX_CONNECTED) {
		err = -EBUSY;
		goto out;
	}
	if (sk->sk_state & PPPOX_DEAD) {
		err = -EALREADY;
		goto out;
	}
	if (!(sk->sk_state & PPPOX_BOUND)) {
		err = -EINVAL;	/* as pptp.ko: bind first */
		goto out;
	}
	s->cfg.remote = remote;
	s->cfg.local = opt->src_addr.sin_addr.s_addr;
	s->cfg.call_id = opt->src_addr.call_id;
	s->cfg.peer_call_id = sp->sa_addr.pptp.call_id;
	mtu = egre_chan_mtu(s);
	if (mtu < 0) {
		err = -EHOSTUNREACH;
		goto out;
	}
	c->po.chan.private = sk;
	c->po.chan.ops = &egre_ppp_ops;
	c->po.chan.mtu = mtu;
	c->po.chan.hdrlen = LL_MAX_HEADER + EGRE_OVERHEAD;
	err = ppp_register_net_channel(sock_net(sk), &c->po.chan);
	if (err)
		goto out;
	rtnl_lock();
	err = egre_session_hash(egre_pernet(s->net), s);
	rtnl_unlock();
	if (err) {
		ppp_unregister_channel(&c->po.chan);
		err = -EADDRINUSE;	/* a session has this call-id and remote */
		goto out;
	}
	opt->dst_addr = sp->sa_addr.pptp;
	sk->sk_state |= PPPOX_CONNECTED;
out:
	release_sock(sk);
	return err;
}

static int egre_chan_getname(struct socket *sock, struct sockaddr *uaddr,
			     int peer)
{
	struct sock *sk = sock->sk;
	struct pptp_opt *opt = egre_chan_opt(egre_chan_sk(sk));
	struct sockaddr_pppox sp;

	memset(&sp, 0, sizeof(sp));
	sp.sa_family = AF_PPPOX;
	sp.sa_protocol = PX_PROTO_PPTP;
	lock_sock(sk);
	if (peer && !(sk->sk_state & PPPOX_CONNECTED)) {
		release_sock(sk);
		return -ENOTCONN;
	}
	sp.sa_addr.pptp = peer ? opt->dst_addr : opt->src_addr;
	release_sock(sk);
	memcpy(uaddr, &sp, sizeof(sp));
	return sizeof(sp);
}

static int egre_chan_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct egre_chan *c;
	struct egre_net *en;

	if (!sk)
		return 0;
	lock_sock(sk);
	if (sock_flag(sk, SOCK_DEAD)) {
		release_sock(sk);
		return -EBADF;
	}
	c = egre_chan_sk(sk);
	en = egre_pernet(sock_net(sk));
	rtnl_lock();
	egre_session_unhash(en, &c->session);
	if (sk->sk_state & PPPOX_BOUND)
		xa_erase(&en->chan_ids, egre_chan_opt(c)->src_addr.call_id);
	rtnl_unlock();
	synchronize_net();
	egre_session_uninit(&c->session);
	pppox_unbind_sock(sk);
	sk->sk_state = PPPOX_DEAD;
	sock_orphan(sk);
	sock->sk = NULL;
	release_sock(sk);
	sock_put(sk);
	return 0;
}

/* Socket options at SOL_EGRE: the netlink attributes of the same names */
static int egre_chan_setopt(struct egre_session *s, int optname, u32 val)
{
	switch (optname) {
	case EGRE_SO_PEER_WINDOW:
		if (val > U16_MAX)
			return -EINVAL;
		if (val != s->cfg.peer_window)
			egre_session_set_window(s, val);
		return 0;
	case EGRE_SO_ACK_DELAY:
		if (val > EGRE_ACK_DELAY_MAX && val != EGRE_ACK_DELAY_AUTO)
			return -EINVAL;
		WRITE_ONCE(s->cfg.ack_delay, val);
		return 0;
	case EGRE_SO_REORDER_DEPTH:
		if (val > EGRE_REORDER_DEPTH_MAX || val > s->cfg.max_ahead)
			return -EINVAL;
		return egre_session_set_reorder(s, val);
	case EGRE_SO_REORDER_TIMEOUT:
		if (!val || val > EGRE_REORDER_TIMEOUT_MAX)
			return -EINVAL;
		WRITE_ONCE(s->cfg.reorder_timeout, val);
		return 0;
	case EGRE_SO_MAX_AHEAD:
		if (!val || val > EGRE_MAX_AHEAD_MAX ||
		    val < s->cfg.reorder_depth)
			return -EINVAL;
		egre_session_set_max_ahead(s, val);
		return 0;
	case EGRE_SO_START_SEQ:
		egre_session_set_start_seq(s, val);
		return 0;
	}
	return -ENOPROTOOPT;
}

static int egre_chan_getopt(struct egre_session *s, int optname, u32 *val)
{
	switch (optname) {
	case EGRE_SO_PEER_WINDOW:
		*val = s->cfg.peer_window;
		return 0;
	case EGRE_SO_ACK_DELAY:
		*val = s->cfg.ack_delay;
		return 0;
	case EGRE_SO_REORDER_DEPTH:
		*val = s->cfg.reorder_depth;
		return 0;
	case EGRE_SO_REORDER_TIMEOUT:
		*val = s->cfg.reorder_timeout;
		return 0;
	case EGRE_SO_MAX_AHEAD:
		*val = s->cfg.max_ahead;
		return 0;
	case EGRE_SO_START_SEQ:
		*val = s->cfg.start_seq;
		return 0;
	}
	return -ENOPROTOOPT;
}

static int egre_chan_setsockopt(struct socket *sock, int level, int optname,
				sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	u32 val;
	int err;

	if (level != SOL_EGRE)
		return -ENOPROTOOPT;
	if (optlen < sizeof(val))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	lock_sock(sk);
	rtnl_lock();
	err = egre_chan_setopt(&egre_chan_sk(sk)->session, optname, val);
	rtnl_unlock();
	release_sock(sk);
	return err;
}

static int egre_chan_getsockopt(struct socket *sock, int level, int optname,
				char __user *optval, int __user *optlen)
{
	struct sock *sk = sock->sk;
	int len, err;
	u32 val;

	if (level != SOL_EGRE)
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < (int)sizeof(val))
		return -EINVAL;
	lock_sock(sk);
	rtnl_lock();
	err = egre_chan_getopt(&egre_chan_sk(sk)->session, optname, &val);
	rtnl_unlock();
	release_sock(sk);
	if (err)
		return err;
	if (put_user(sizeof(val), optlen) ||
	    copy_to_user(optval, &val, sizeof(val)))
		return -EFAULT;
	return 0;
}

/* For /proc/net/egre: the PPP unit, or the channel while it has none */
int egre_chan_describe(struct egre_session *s, char *buf, size_t len)
{
	struct ppp_channel *chan = &egre_chan_of(s)->po.chan;
	int unit = ppp_unit_number(chan);

	if (unit >= 0)
		return snprintf(buf, len, "ppp%d", unit);
	return snprintf(buf, len, "chan%d", ppp_channel_index(chan));
}

static const struct proto_ops egre_chan_sock_ops = {
	.family		= AF_PPPOX,
	.owner		= THIS_MODULE,
	.release	= egre_chan_release,
	.bind		= egre_chan_bind,
	.connect	= egre_chan_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= egre_chan_getname,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.setsockopt	= egre_chan_setsockopt,
	.getsockopt	= egre_chan_getsockopt,
	.sendmsg	= sock_no_sendmsg,
	.recvmsg	= sock_no_recvmsg,
	.mmap		= sock_no_mmap,
	.ioctl		= pppox_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl	= pppox_compat_ioctl,
#endif
};

static struct proto egre_chan_proto __read_mostly = {
	.name		= "EGRE_PPTP",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct egre_chan),
};

static void egre_chan_destruct(struct sock *sk)
{
	struct egre_chan *c = egre_chan_sk(sk);

	skb_queue_purge(&sk->sk_receive_queue);
	egre_session_free(&c->session);
}

static int egre_chan_create(struct net *net, struct socket *sock, int kern)
{
	struct egre_session *s;
	struct egre_chan *c;
	struct sock *sk;
	int err;

	sk = sk_alloc(net, PF_PPPOX, GFP_KERNEL, &egre_chan_proto, kern);
	if (!sk)
		return -ENOMEM;
	c = egre_chan_sk(sk);
	s = &c->session;
	egre_cfg_init(&s->cfg);
	/* PPP negotiates its own MRU: let the underlay fragment (as pptp.ko) */
	s->cfg.pmtudisc = false;
	s->net = net;
	s->deliver = egre_chan_deliver;
	s->xmit = egre_chan_send;
	s->tx_wake = egre_chan_wake;
	err = egre_session_init(s, NULL);
	if (err) {
		sk_free(sk);
		return err;
	}

	sock_init_data(sock, sk);
	sock->state = SS_UNCONNECTED;
	sock->ops = &egre_chan_sock_ops;
	sk->sk_state = PPPOX_NONE;
	sk->sk_type = SOCK_STREAM;
	sk->sk_family = PF_PPPOX;
	sk->sk_protocol = PX_PROTO_PPTP;
	sk->sk_destruct = egre_chan_destruct;
	return 0;
}

static const struct pppox_proto egre_pppox_proto = {
	.create	= egre_chan_create,
	.owner	= THIS_MODULE,
};

int egre_chan_init(void)
{
	int err;

	err = proto_register(&egre_chan_proto, 0);
	if (err)
		return err;
	err = register_pppox_proto(PX_PROTO_PPTP, &egre_pppox_proto);
	if (err) {
		pr_err("cannot register the PPTP PPPoX protocol (%d): is pptp.ko loaded?\n",
		       err);
		proto_unregister(&egre_chan_proto);
	}
	return err;
}

void egre_chan_exit(void)
{
	unregister_pppox_proto(PX_PROTO_PPTP);
	proto_unregister(&egre_chan_proto);
}
