/* SPDX-License-Identifier: GPL-2.0 */
/*
 * egre: differences between the kernels we build for, in one place.
 * Kbuild probes the headers (not only the version: distributions backport)
 * and defines EGRE_COMPAT_* accordingly; the .c files stay free of #if.
 */
#ifndef _EGRE_COMPAT_H
#define _EGRE_COMPAT_H

#include <linux/netdevice.h>

/* 6.12: NETIF_F_LLTX became dev->lltx */
#ifdef EGRE_COMPAT_DEV_LLTX
static inline void egre_set_lltx(struct net_device *dev)
{
	dev->lltx = true;
}
#else
static inline void egre_set_lltx(struct net_device *dev)
{
	dev->features |= NETIF_F_LLTX;
}
#endif

/* 6.4: skb_gso_segment() moved from <linux/netdevice.h> to <net/gso.h> */
#ifdef EGRE_COMPAT_NET_GSO_H
#include <net/gso.h>
#endif

#endif /* _EGRE_COMPAT_H */
