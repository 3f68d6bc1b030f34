// SPDX-License-Identifier: GPL-2.0
/*
 * ctrl_client - the plugin's PPTP client sequence without pppd or a kernel
 * PPTP channel: TCP connect, start the control connection, place a call,
 * serve it for a while, hang up.  Results go to stdout, the control code's
 * log to stderr.
 *
 * Usage: ctrl_client [-t MS] [-p SECONDS] [-c CALL_ID] [-w WINDOW]
 *		      [-n PHONE] HOST PORT
 *
 *   -t MS	 timeout for each reply (default 2000)
 *   -p SECONDS	 serve the call this long before hanging up (default 0)
 *   -c CALL_ID	 our Call ID (default 4321)
 *   -w WINDOW	 receive window we advertise (default 64)
 *   -n PHONE	 phone number (default none)
 *
 * Exit status: 0 done, 1 usage, 2 TCP connect failed, 3 start failed,
 * 4 call failed, 5 the call ended while served, 6 hangup incomplete.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "pptp_ctrl.h"

static void log_cb(void *arg, int level, const char *msg)
{
	static const char *const names[] = {
		[LOG_ERR] = "error", [LOG_WARNING] = "warning",
		[LOG_NOTICE] = "notice", [LOG_INFO] = "info",
		[LOG_DEBUG] = "debug",
	};

	(void)arg;
	fprintf(stderr, "%s: %s\n", level >= LOG_ERR && level <= LOG_DEBUG ?
		names[level] : "log", msg);
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: ctrl_client [-t MS] [-p SECONDS] [-c CALL_ID] [-w WINDOW] [-n PHONE] HOST PORT\n");
	exit(1);
}

static long num(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (end == s || *end || v < 0 || v > max)
		bad_usage();
	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int timeout_ms = 2000, seconds = 0, call_id = 4321, window = 64;
	struct in_addr server, any = { .s_addr = htonl(INADDR_ANY) };
	const char *phone = NULL;
	struct egre_pptp_ctrl c;
	char err[256];
	int opt, fd, rc = 0;
	double end;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* in order with stderr */
	while ((opt = getopt(argc, argv, "t:p:c:w:n:")) != -1) {
		switch (opt) {
		case 't':
			timeout_ms = num(optarg, 3600000);
			break;
		case 'p':
			seconds = num(optarg, 3600);
			break;
		case 'c':
			call_id = num(optarg, 65535);
			break;
		case 'w':
			window = num(optarg, 65535);
			break;
		case 'n':
			phone = optarg;
			break;
		default:
			bad_usage();
		}
	}
	if (argc - optind != 2 || inet_pton(AF_INET, argv[optind], &server) != 1)
		bad_usage();

	fd = egre_pptp_tcp_connect(server, num(argv[optind + 1], 65535), any,
				   timeout_ms, err, sizeof(err));
	if (fd < 0) {
		printf("connect: failed: %s\n", err);
		return 2;
	}
	egre_pptp_ctrl_init(&c, fd, timeout_ms, log_cb, NULL);

	if (egre_pptp_ctrl_start(&c)) {
		printf("start: failed: %s\n", c.err);
		rc = 3;
		goto hangup;
	}
	printf("start: ok\n");
	if (egre_pptp_ctrl_call(&c, call_id, 1, window, phone)) {
		printf("call: failed: %s\n", c.err);
		rc = 4;
		goto hangup;
	}
	printf("call: ok, peer call id %u, peer window %u\n", c.peer_call_id,
	       c.peer_window);

	/* Serve the call as the plugin does, only more often than 1/s. */
	for (end = now() + seconds; now() < end;) {
		struct pollfd pfd = { .fd = c.fd, .events = POLLIN };

		poll(&pfd, 1, 100);
		if (egre_pptp_ctrl_poll(&c)) {
			printf("poll: %s\n", c.err);
			rc = 5;
			break;
		}
	}
	if (!rc)
		printf("poll: ok\n");
hangup:
	if (egre_pptp_ctrl_hangup(&c)) {
		printf("hangup: failed: %s\n", c.err);
		if (!rc)
			rc = 6;
	} else {
		printf("hangup: ok\n");
	}
	return rc;
}
