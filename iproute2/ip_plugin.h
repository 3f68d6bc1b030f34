/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ip_plugin.h: the few iproute2 6.1 symbols that link_egre.so uses.
 *
 * iproute2 does not install its internal headers, so this file declares,
 * by hand, exactly the ABI of the `ip` binary shipped by Debian 12
 * (iproute2 6.1.0).  Everything declared here is resolved from the `ip`
 * executable's dynamic symbol table when it dlopen()s the plugin; the
 * plugin is not linked against any library.
 *
 * Keep this list minimal: every declaration is a promise about a binary
 * we do not build.  Sources checked: iproute2's include/json_print.h,
 * include/color.h, include/utils.h, include/libnetlink.h, include/ll_map.h
 * and ip/ip_common.h, plus the disassembly of Debian's /bin/ip 6.1.0
 * (see README.rst, "ABI notes").
 */
#ifndef EGRE_IP_PLUGIN_H
#define EGRE_IP_PLUGIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* ip/ip_common.h: one entry per link kind; the plugin exports
 * `<kind>_link_util`, which ip finds with dlsym() after loading
 * $IP_LIB_DIR/link_<kind>.so (default /usr/lib/ip).
 */
struct link_util {
	struct link_util	*next;
	const char		*id;
	int			maxattr;
	int			(*parse_opt)(struct link_util *, int, char **,
					     struct nlmsghdr *);
	void			(*print_opt)(struct link_util *, FILE *,
					     struct rtattr *[]);
	void			(*print_xstats)(struct link_util *, FILE *,
						struct rtattr *);
	void			(*print_help)(struct link_util *, int, char **,
					      FILE *);
	int			(*parse_ifla_xstats)(struct link_util *,
						     int, char **);
	int			(*print_ifla_xstats)(struct nlmsghdr *, void *);
};

/* include/json_print.h */
enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = 4,
};

/* include/color.h.  The order changed over iproute2's history (COLOR_NONE
 * was once first); in 6.1 it is last, i.e. 6.  Verified against Debian's
 * /bin/ip: color_fprintf() compares its attr with 6, and the inline
 * print_*() wrappers pass 6 to print_color_*().
 */
enum color_attr {
	COLOR_IFNAME,
	COLOR_MAC,
	COLOR_INET,
	COLOR_INET6,
	COLOR_OPERSTATE_UP,
	COLOR_OPERSTATE_DOWN,
	COLOR_NONE,
};

bool is_json_context(void);
void open_json_object(const char *str);
void close_json_object(void);
void print_nl(void);

int print_color_string(enum output_type t, enum color_attr color,
		       const char *key, const char *fmt, const char *value);
int print_color_bool(enum output_type t, enum color_attr color,
		     const char *key, const char *fmt, bool value);
int print_color_uint(enum output_type t, enum color_attr color,
		     const char *key, const char *fmt, unsigned int value);
int print_color_u64(enum output_type t, enum color_attr color,
		    const char *key, const char *fmt, uint64_t value);

static inline int print_string(enum output_type t, const char *key,
			       const char *fmt, const char *value)
{
	return print_color_string(t, COLOR_NONE, key, fmt, value);
}

static inline int print_bool(enum output_type t, const char *key,
			     const char *fmt, bool value)
{
	return print_color_bool(t, COLOR_NONE, key, fmt, value);
}

static inline int print_uint(enum output_type t, const char *key,
			     const char *fmt, unsigned int value)
{
	return print_color_uint(t, COLOR_NONE, key, fmt, value);
}

static inline int print_u64(enum output_type t, const char *key,
			    const char *fmt, uint64_t value)
{
	return print_color_u64(t, COLOR_NONE, key, fmt, value);
}

/* include/libnetlink.h */
int addattr_l(struct nlmsghdr *n, int maxlen, int type,
	      const void *data, int alen);
int addattr8(struct nlmsghdr *n, int maxlen, int type, __u8 data);
int addattr16(struct nlmsghdr *n, int maxlen, int type, __u16 data);
int addattr32(struct nlmsghdr *n, int maxlen, int type, __u32 data);

/* include/ll_map.h */
unsigned int ll_name_to_index(const char *name);
const char *ll_index_to_name(unsigned int idx);

/* include/utils.h: numeric, or a host name with `ip -r` */
const char *format_host(int af, int len, const void *addr);

#endif /* EGRE_IP_PLUGIN_H */
