// SPDX-License-Identifier: GPL-2.0
/*
 * pptp-static - a PPP unit on a kernel pptp.ko channel, without pppd
 *
 * Usage: pptp-static [-d] [-p PIDFILE] [-m MRU] [-a] [-c] [-w WINDOW]
 *                    LOCAL_IP LOCAL_CALLID PEER_IP PEER_CALLID
 *
 * Sets up what pppd's pptp plugin sets up once the control connection and
 * LCP/IPCP are done: a PX_PROTO_PPTP socket bound to (LOCAL_CALLID,
 * LOCAL_IP) and connected to (PEER_CALLID, PEER_IP), its PPP channel
 * attached to a new PPP unit that passes IPv4 and IPv6.  No LCP, no
 * authentication, no control connection: both ends are configured
 * statically, for benchmarking pptp.ko's data path.
 *
 * Prints the interface name ("ppp0") on stdout, then waits for SIGTERM,
 * SIGINT or SIGHUP, keeping the descriptors (and so the unit) open.
 *
 *   -d          daemonize once the unit exists: the parent prints the name
 *               and exits, so that NAME=$(pptp-static -d ...) works
 *   -p PIDFILE  write the process id of the waiting process to PIDFILE
 *   -m MRU      the unit's MRU (PPPIOCSMRU)
 *   -a          ACFC: omit the address/control bytes (FF 03) on transmit
 *   -c          PFC: compress the protocol field to 1 byte on transmit
 *   -w WINDOW   the peer's receive window (egre only: SOL_EGRE socket
 *               option EGRE_SO_PEER_WINDOW; pptp.ko has no window)
 *
 * The same program drives egre's PPTP channel sockets, which offer
 * pptp.ko's API (selftests/egre_ppp.sh).
 *
 * The interface is left down, without addresses: configure it with ip(8).
 * pptp.ko's Call ID table is global (not per network namespace): two
 * instances in one kernel need different LOCAL_CALLIDs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>
#include <linux/ppp_defs.h>
#include <linux/egre.h>

static const char *prog = "pptp-static";

static void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(1);
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: %s [-d] [-p PIDFILE] [-m MRU] [-a] [-c] [-w WINDOW] LOCAL_IP LOCAL_CALLID PEER_IP PEER_CALLID\n",
		prog);
	exit(2);
}

static void parse_addr(const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1) {
		fprintf(stderr, "%s: not an IPv4 address: %s\n", prog, s);
		exit(2);
	}
}

static unsigned int parse_num(const char *s, unsigned long max, const char *what)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > max) {
		fprintf(stderr, "%s: %s: not a number 0-%lu: %s\n", prog, what, max, s);
		exit(2);
	}
	return v;
}

/* struct sockaddr_pppox is packed: keep it aligned for the sockaddr cast */
union pptp_sockaddr {
	struct sockaddr sa;
	struct sockaddr_pppox px;
};

static void pptp_sockaddr(union pptp_sockaddr *sp, unsigned int call_id,
			  struct in_addr addr)
{
	memset(sp, 0, sizeof(*sp));
	sp->px.sa_family = AF_PPPOX;
	sp->px.sa_protocol = PX_PROTO_PPTP;
	sp->px.sa_addr.pptp.call_id = call_id;	/* host byte order */
	sp->px.sa_addr.pptp.sin_addr = addr;	/* network byte order */
}

static void write_pidfile(const char *path, pid_t pid)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f))
		die(path);
}

int main(int argc, char **argv)
{
	int sock, chan_fd, unit_fd, chan, unit = -1, mru = 0, flags = 0;
	const char *pidfile = NULL;
	struct in_addr local, peer;
	unsigned int local_id, peer_id;
	union pptp_sockaddr sp;
	struct npioctl npi;
	int daemonize = 0, opt, sig, window = -1;
	sigset_t set;
	pid_t pid;

	while ((opt = getopt(argc, argv, "dp:m:acw:")) != -1) {
		switch (opt) {
		case 'd':
			daemonize = 1;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'm':
			mru = parse_num(optarg, 65535, "MRU");
			break;
		case 'a':
			flags |= SC_COMP_AC;
			break;
		case 'c':
			flags |= SC_COMP_PROT;
			break;
		case 'w':
			window = parse_num(optarg, 65535, "WINDOW");
			break;
		default:
			print_usage();
		}
	}
	if (argc - optind != 4)
		print_usage();
	parse_addr(argv[optind], &local);
	local_id = parse_num(argv[optind + 1], 65535, "LOCAL_CALLID");
	parse_addr(argv[optind + 2], &peer);
	peer_id = parse_num(argv[optind + 3], 65535, "PEER_CALLID");

	/* Block the signals we wait for before anything can send them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		die("sigprocmask");

	/* The PPTP data socket: our Call ID and address, then the peer's. */
	sock = socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP);
	if (sock < 0)
		die("socket(AF_PPPOX, PX_PROTO_PPTP) (modprobe pptp?)");
	pptp_sockaddr(&sp, local_id, local);
	if (bind(sock, &sp.sa, sizeof(sp.px)))
		die("bind (Call ID already in use?)");
	if (window >= 0 && setsockopt(sock, SOL_EGRE, EGRE_SO_PEER_WINDOW,
				      &window, sizeof(window)))
		die("setsockopt EGRE_SO_PEER_WINDOW (not egre?)");
	pptp_sockaddr(&sp, peer_id, peer);
	if (connect(sock, &sp.sa, sizeof(sp.px)))
		die("connect");

	/* Its PPP channel, attached to a /dev/ppp descriptor. */
	if (ioctl(sock, PPPIOCGCHAN, &chan))
		die("PPPIOCGCHAN");
	chan_fd = open("/dev/ppp", O_RDWR | O_CLOEXEC);
	if (chan_fd < 0)
		die("/dev/ppp (modprobe ppp_generic?)");
	if (ioctl(chan_fd, PPPIOCATTCHAN, &chan))
		die("PPPIOCATTCHAN");
	/* Channel flags reach pptp.ko (ACFC and PFC on transmit). */
	if (flags && ioctl(chan_fd, PPPIOCSFLAGS, &flags))
		die("PPPIOCSFLAGS (channel)");

	/* A new unit (the pppN interface) and the channel connected to it. */
	unit_fd = open("/dev/ppp", O_RDWR | O_CLOEXEC);
	if (unit_fd < 0)
		die("/dev/ppp");
	if (ioctl(unit_fd, PPPIOCNEWUNIT, &unit))
		die("PPPIOCNEWUNIT");
	if (ioctl(chan_fd, PPPIOCCONNECT, &unit))
		die("PPPIOCCONNECT");
	if (mru && ioctl(unit_fd, PPPIOCSMRU, &mru))
		die("PPPIOCSMRU");

	/* Pass IPv4 and IPv6 (what pppd does once IPCP/IPV6CP are up). */
	npi.protocol = PPP_IP;
	npi.mode = NPMODE_PASS;
	if (ioctl(unit_fd, PPPIOCSNPMODE, &npi))
		die("PPPIOCSNPMODE IPv4");
	npi.protocol = PPP_IPV6;
	if (ioctl(unit_fd, PPPIOCSNPMODE, &npi))
		die("PPPIOCSNPMODE IPv6");

	if (daemonize) {
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid > 0) {
			/* The parent reports and leaves; the child holds the fds. */
			if (pidfile)
				write_pidfile(pidfile, pid);
			printf("ppp%d\n", unit);
			return fflush(stdout) ? 1 : 0;
		}
		if (setsid() < 0)
			die("setsid");
		opt = open("/dev/null", O_RDWR);
		if (opt < 0)
			die("/dev/null");
		dup2(opt, STDIN_FILENO);
		dup2(opt, STDOUT_FILENO);
		dup2(opt, STDERR_FILENO);
		if (opt > STDERR_FILENO)
			close(opt);
	} else {
		if (pidfile)
			write_pidfile(pidfile, getpid());
		printf("ppp%d\n", unit);
		fflush(stdout);
	}

	if (sigwait(&set, &sig))
		return 1;
	close(chan_fd);
	close(unit_fd);
	close(sock);
	return 0;
}
