// SPDX-License-Identifier: GPL-2.0
/*
 * egre: /proc/net/egre lists every session whose underlay is this network
 * namespace, of either front end, with the counters of ethtool -S: the one
 * place where the sessions of PPP channels (which have no netdevice of
 * their own) show their counters.  A header line names the columns:
 *
 *   front name call_id peer_call_id local remote rx_data rx_duplicate ...
 *   dev ppt0 1 2 192.0.2.1 192.0.2.2 12 0 ...
 *   ppp ppp0 5 6 192.0.2.1 192.0.2.2 9 0 ...
 *
 * "front" is dev (an egre netdevice, named by "name") or ppp (a PPTP
 * channel socket: "name" is its PPP unit, or chanN before it has one).
 */

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "egre_priv.h"

static int egre_proc_show(struct seq_file *seq, void *v)
{
	struct egre_net *en = egre_pernet(seq_file_single_net(seq));
	u64 x[EGRE_XSTATS_NUM];
	struct egre_session *s;
	char name[IFNAMSIZ + 8];
	int i;

	seq_puts(seq, "front name call_id peer_call_id local remote");
	for (i = 0; i < EGRE_XSTATS_NUM; i++)
		seq_printf(seq, " %s", egre_xstat_names[i]);
	seq_putc(seq, '\n');

	rtnl_lock();
	list_for_each_entry(s, &en->session_list, list) {
		if (s->dev)
			strscpy(name, s->dev->name, sizeof(name));
		else
			egre_chan_describe(s, name, sizeof(name));
		seq_printf(seq, "%s %s %u %u %pI4 %pI4", s->dev ? "dev" : "ppp",
			   name, s->cfg.call_id, s->cfg.peer_call_id,
			   &s->cfg.local, &s->cfg.remote);
		egre_xstats_collect(s, x);
		for (i = 0; i < EGRE_XSTATS_NUM; i++)
			seq_printf(seq, " %llu", x[i]);
		seq_putc(seq, '\n');
	}
	rtnl_unlock();
	return 0;
}

int egre_proc_init(struct net *net)
{
	if (!proc_create_net_single("egre", 0444, net->proc_net,
				    egre_proc_show, NULL))
		return -ENOMEM;
	return 0;
}

void egre_proc_exit(struct net *net)
{
	remove_proc_entry("egre", net->proc_net);
}
