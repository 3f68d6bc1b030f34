// SPDX-License-Identifier: GPL-2.0
/*
 * egre_pptp_api - checks the pptp.ko-compatible socket API of egre's PPP
 * channel front end, in the calling process's network namespace.
 *
 * Usage: egre_pptp_api LOCAL_IP PEER_IP [FIXED_CALL_ID]
 *
 * The sequence pppd's PPTP plugins and accel-ppp use against pptp.ko:
 * socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP), bind (call_id 0 = allocate),
 * getsockname, connect (the peer's Call ID and address), PPPIOCGCHAN; and
 * the error codes pptp.ko gives for misuse.  Then egre's SOL_EGRE options.
 * Prints one "ok"/"not ok" line per check (KTAP style, no plan) and exits 1
 * if any check failed.  With FIXED_CALL_ID, also binds that Call ID and
 * keeps it bound for 2 seconds (another namespace may bind it meanwhile).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>
#include <linux/egre.h>

static int failed;
static int num;

static void check(int cond, const char *what)
{
	num++;
	printf("%sok %d %s\n", cond ? "" : "not ", num, what);
	if (!cond)
		failed = 1;
}

static void check_err(int rc, int want, const char *what)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "%s: %s (want %s)", what,
		 rc == 0 ? "success" : strerror(errno), strerror(want));
	check(rc == -1 && errno == want, buf);
}

static int pptp_socket(void)
{
	return socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP);
}

/* struct sockaddr_pppox is packed: keep it aligned for the sockaddr cast */
union pptp_sa {
	struct sockaddr sa;
	struct sockaddr_pppox px;
};

static union pptp_sa pptp_addr(const char *ip, unsigned int id)
{
	union pptp_sa sp;

	memset(&sp, 0, sizeof(sp));
	sp.px.sa_family = AF_PPPOX;
	sp.px.sa_protocol = PX_PROTO_PPTP;
	sp.px.sa_addr.pptp.call_id = id;
	if (inet_pton(AF_INET, ip, &sp.px.sa_addr.pptp.sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", ip);
		exit(2);
	}
	return sp;
}

int main(int argc, char **argv)
{
	union pptp_sa a, b, got;
	socklen_t len = sizeof(got.px);
	int fd, fd2, chan = -1, val;
	char buf[160];

	if (argc < 3) {
		fprintf(stderr, "usage: %s LOCAL_IP PEER_IP [FIXED_CALL_ID]\n",
			argv[0]);
		return 2;
	}

	fd = pptp_socket();
	check(fd >= 0, "socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP)");
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	b = pptp_addr(argv[2], 77);
	check_err(connect(fd, &b.sa, sizeof(b.px)), EINVAL,
		  "connect before bind");
	check_err(getpeername(fd, &got.sa, &len), ENOTCONN,
		  "getpeername before connect");

	a = pptp_addr(argv[1], 0);
	check_err(bind(fd, &a.sa, sizeof(a.px) - 1), EINVAL,
		  "bind with a short address");
	check(bind(fd, &a.sa, sizeof(a.px)) == 0,
	      "bind call_id 0 (allocate)");
	len = sizeof(got.px);
	memset(&got, 0, sizeof(got.px));
	check(getsockname(fd, &got.sa, &len) == 0 &&
	      len == sizeof(got.px) && got.px.sa_family == AF_PPPOX &&
	      got.px.sa_protocol == PX_PROTO_PPTP && got.px.sa_addr.pptp.call_id &&
	      got.px.sa_addr.pptp.sin_addr.s_addr ==
	      a.px.sa_addr.pptp.sin_addr.s_addr,
	      "getsockname: allocated call_id (host order) and local address");
	printf("# allocated call_id %u\n", got.px.sa_addr.pptp.call_id);
	check_err(bind(fd, &a.sa, sizeof(a.px)), EBUSY,
		  "second bind");

	fd2 = pptp_socket();
	a.px.sa_addr.pptp.call_id = got.px.sa_addr.pptp.call_id;
	check_err(bind(fd2, &a.sa, sizeof(a.px)), EBUSY,
		  "bind a call_id another socket holds");
	a.px.sa_addr.pptp.call_id = 0;
	check(bind(fd2, &a.sa, sizeof(a.px)) == 0, "bind another");
	len = sizeof(b.px);
	check(getsockname(fd2, &b.sa, &len) == 0 &&
	      b.px.sa_addr.pptp.call_id != got.px.sa_addr.pptp.call_id,
	      "a different call_id is allocated");
	close(fd2);

	check_err(ioctl(fd, PPPIOCGCHAN, &chan), ENOTCONN,
		  "PPPIOCGCHAN before connect");
	b = pptp_addr(argv[2], 77);
	b.px.sa_protocol = 0;
	check_err(connect(fd, &b.sa, sizeof(b.px)), EINVAL,
		  "connect with a wrong sa_protocol");
	b.px.sa_protocol = PX_PROTO_PPTP;
	check(connect(fd, &b.sa, sizeof(b.px)) == 0, "connect");
	check_err(connect(fd, &b.sa, sizeof(b.px)), EBUSY,
		  "second connect");
	len = sizeof(got.px);
	memset(&got, 0, sizeof(got.px));
	check(getpeername(fd, &got.sa, &len) == 0 &&
	      got.px.sa_addr.pptp.call_id == 77 &&
	      got.px.sa_addr.pptp.sin_addr.s_addr ==
	      b.px.sa_addr.pptp.sin_addr.s_addr, "getpeername");
	check(ioctl(fd, PPPIOCGCHAN, &chan) == 0 && chan >= 0, "PPPIOCGCHAN");
	printf("# channel %d\n", chan);

	val = 4;
	check(setsockopt(fd, SOL_EGRE, EGRE_SO_PEER_WINDOW, &val,
			 sizeof(val)) == 0, "SOL_EGRE peer window 4");
	val = 0;
	len = sizeof(val);
	check(getsockopt(fd, SOL_EGRE, EGRE_SO_PEER_WINDOW, &val, &len) == 0 &&
	      val == 4 && len == sizeof(val), "getsockopt reads it back");
	val = 70000;
	check_err(setsockopt(fd, SOL_EGRE, EGRE_SO_PEER_WINDOW, &val,
			     sizeof(val)), EINVAL, "peer window 70000");
	val = 2000;
	check_err(setsockopt(fd, SOL_EGRE, EGRE_SO_REORDER_DEPTH, &val,
			     sizeof(val)), EINVAL, "reorder depth 2000");
	val = 0;
	check_err(setsockopt(fd, SOL_EGRE, EGRE_SO_REORDER_TIMEOUT, &val,
			     sizeof(val)), EINVAL, "reorder timeout 0");
	check_err(setsockopt(fd, SOL_EGRE, 99, &val, sizeof(val)),
		  ENOPROTOOPT, "unknown option");
	check_err(setsockopt(fd, SOL_EGRE, EGRE_SO_ACK_DELAY, &val, 2),
		  EINVAL, "short option value");
	val = 10;
	check(setsockopt(fd, SOL_EGRE, EGRE_SO_ACK_DELAY, &val,
			 sizeof(val)) == 0, "ack delay 10 ms");

	if (argc > 3) {
		fd2 = pptp_socket();
		a = pptp_addr(argv[1], atoi(argv[3]));
		snprintf(buf, sizeof(buf), "bind fixed call_id %s", argv[3]);
		check(bind(fd2, &a.sa, sizeof(a.px)) == 0, buf);
		fflush(stdout);
		sleep(2);
		close(fd2);
	}
	close(fd);
	return failed;
}
