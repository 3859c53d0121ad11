// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ipmp-traffic: bounded test traffic for the netns tests and benchmarks.
 * One concern, past 600 lines: every mode is a small bounded sender or
 * receiver sharing the same argument, timing and report helpers.
 *
 *   tcp-sink ADDR PORT SECONDS            accept one connection, check the pattern
 *   tcp-send ADDR PORT BYTES SECONDS      send BYTES of the pattern paced over SECONDS
 *                                         (BYTES 0: as fast as possible for SECONDS)
 *   udp-echo ADDR PORT SECONDS            echo every datagram back
 *   udp-stream ADDR PORT PPS SECONDS      sequenced datagrams both ways (via udp-echo);
 *                                         reports sent, lost and the longest gap
 *   mcast-send GROUP PORT IFNAME PPS SECONDS
 *                                         sequenced datagrams to an IPv4 or IPv6
 *                                         multicast GROUP out of IFNAME (TTL/hops 1)
 *   mcast-recv GROUP PORT IFNAME SECONDS  join GROUP on IFNAME for SECONDS; reports
 *                                         received, lost (by sequence) and the
 *                                         longest silence between two datagrams
 *   ctl SOCKET ARG...                     talk to the control socket: each ARG is a
 *                                         line to send, except @big:N (N bytes, no
 *                                         newline), @half (shut down our sending side)
 *                                         and @wait:MS; prints what comes back
 *   ctl-many SOCKET N                     N clients at once, each pings; prints how
 *                                         many got their answer
 *   ctl-stall SOCKET SECONDS              subscribe to probes, ask for 20,000 snapshots,
 *                                         never read; says when the agent hung up
 *   ctl-flood SOCKET N SECONDS KIND       N clients at once for SECONDS, each of KIND:
 *                                         busy (snapshot, read, again: ipmpstat in a
 *                                         loop), garbage (random bytes, bad JSON,
 *                                         unknown commands), slow (a request one byte
 *                                         a second, never finished); prints answers,
 *                                         errors and hang-ups
 *   echo-sniff-forge IFNAME VICTIM TARGET SECONDS
 *                                         a host on the link that sees what every host
 *                                         sees: for each all-hosts echo from VICTIM
 *                                         captured on IFNAME, forged replies to VICTIM
 *                                         claiming to come from TARGET, for the
 *                                         sequence numbers around it, with that
 *                                         probe's payload (its tag) marked unicast;
 *                                         prints seen= and forged=
 *   send-ra IFNAME LIFETIME               one router advertisement out of IFNAME to
 *                                         ff02::1 from its link-local address, router
 *                                         lifetime LIFETIME s (0: "not a router now"),
 *                                         no prefix: a default route, no address
 *   arp-flood IFNAME MAC SENDER PPS SECONDS
 *                                         ARP replies out of IFNAME to MAC, target IP
 *                                         0.0.0.0 (the answer to an RFC 5227 probe),
 *                                         from SENDER, PPS a second for SECONDS (at
 *                                         most 50,000 a second and 1,000,000 in all);
 *                                         prints sent=
 *   ctl-hog SOCKET N SECONDS              open up to N connections, on each pipeline 500
 *                                         snapshot requests and never read; after
 *                                         SECONDS prints how many were accepted and
 *                                         how many the agent closed
 *   ctl-inherit SOCKET PROGRAM REQUEST    connect, fork; the parent execs PROGRAM (a
 *                                         setuid-root one: the pid the agent saw is
 *                                         then a root process's), the child sends
 *                                         REQUEST on the inherited socket and prints
 *                                         the reply
 *   echo-forge DST SRC ID KEY SEQ_FROM SEQ_TO ROUNDS
 *                                         forged ICMP echo replies to DST claiming to
 *                                         come from SRC, with identifier ID and probe
 *                                         tags made with KEY (32 hex digits, the 16
 *                                         bytes as probe_cfg holds them), for every
 *                                         sequence number
 *                                         in [SEQ_FROM, SEQ_TO], ROUNDS times (at most
 *                                         100000 frames, paced)
 *
 * Every mode stops by itself after SECONDS (plus a short grace), so no test
 * can leave traffic running. Results are one line of key=value pairs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <linux/if_packet.h>
#include <linux/types.h>
#include <ipmp/maps.h>
#include <ipmp/siphash.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "inet_csum.h"

#define PATTERN_MOD 251

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int die(const char *what)
{
	fprintf(stderr, "ipmp-traffic: %s: %s\n", what, strerror(errno));
	return 2;
}

/* An IPv4 or IPv6 socket address. */
struct addr {
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	};
	socklen_t len;
};

static int sockaddr_make(const char *addr, const char *port, struct addr *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, addr, &sa->in.sin_addr) == 1) {
		sa->in.sin_family = AF_INET;
		sa->in.sin_port = htons(atoi(port));
		sa->len = sizeof(sa->in);
	} else if (inet_pton(AF_INET6, addr, &sa->in6.sin6_addr) == 1) {
		sa->in6.sin6_family = AF_INET6;
		sa->in6.sin6_port = htons(atoi(port));
		sa->len = sizeof(sa->in6);
	} else {
		fprintf(stderr, "ipmp-traffic: bad address %s\n", addr);
		return -1;
	}
	return 0;
}

static void fill_pattern(uint8_t *buf, size_t len, uint64_t offset)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (offset + i) % PATTERN_MOD;
}

static int tcp_sink(struct addr *sa, double seconds)
{
	int one = 1, lfd, fd;
	uint64_t total = 0, start, deadline = now_us() + seconds * 1e6;
	uint8_t buf[65536];
	struct pollfd p;
	bool corrupt = false;
	ssize_t n;

	lfd = socket(sa->sa.sa_family, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, &sa->sa, sa->len) || listen(lfd, 1))
		return die("listen");
	p = (struct pollfd){ .fd = lfd, .events = POLLIN };
	if (poll(&p, 1, seconds * 1000) != 1) {
		printf("bytes=0 result=no-connection\n");
		return 1;
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return die("accept");
	start = now_us();
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (now_us() < deadline) {
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && !corrupt; i++)
			corrupt = buf[i] != (total + i) % PATTERN_MOD;
		total += n;
	}
	printf("bytes=%llu seconds=%.3f mbit_per_s=%.1f result=%s\n", (unsigned long long)total,
	       (now_us() - start) / 1e6, total * 8.0 / ((now_us() - start) ? (now_us() - start) : 1),
	       corrupt ? "corrupt" : "ok");
	return corrupt ? 1 : 0;
}

static int tcp_send(struct addr *sa, uint64_t bytes, double seconds)
{
	uint64_t sent = 0, start = now_us(), end = start + seconds * 1e6;
	uint8_t buf[65536];
	int fd = socket(sa->sa.sa_family, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, &sa->sa, sa->len))
		return die("connect");
	while (now_us() < end + (bytes ? 5e6 : 0)) {
		uint64_t due = bytes ? (uint64_t)(bytes * ((now_us() - start) / (seconds * 1e6))) : ~0ULL;
		size_t len = sizeof(buf);
		ssize_t n;

		if (bytes && due > bytes)
			due = bytes;
		if (bytes && sent >= bytes)
			break;
		if (!bytes && now_us() >= end)
			break;
		/* pace in chunks of at least 8 KiB, not a trickle of tiny writes */
		if (due <= sent || (due - sent < 8192 && due < bytes)) {
			usleep(2000);
			continue;
		}
		if (bytes && due - sent < len)
			len = due - sent;
		fill_pattern(buf, len, sent);
		n = write(fd, buf, len);
		if (n < 0)
			return die("write");
		sent += n;
	}
	shutdown(fd, SHUT_WR);
	/* wait for the sink to close: everything sent was received */
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	printf("bytes=%llu result=%s\n", (unsigned long long)sent,
	       !bytes || sent == bytes ? "ok" : "short");
	return !bytes || sent == bytes ? 0 : 1;
}

/*
 * Room for a few seconds of a stream in the socket buffers: a test process
 * starved of CPU on a loaded machine must not count its own overflow as a
 * datagram the network lost. As root the sysctl ceilings do not apply.
 */
static void big_buffers(int fd)
{
	int size = 8 << 20;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

static int udp_echo(struct addr *sa, double seconds)
{
	uint64_t deadline = now_us() + seconds * 1e6, echoed = 0;
	struct sockaddr_storage from;
	socklen_t flen;
	uint8_t buf[2048];
	struct pollfd p;
	int fd = socket(sa->sa.sa_family, SOCK_DGRAM, 0);
	ssize_t n;

	if (fd < 0 || bind(fd, &sa->sa, sa->len))
		return die("bind");
	big_buffers(fd);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (now_us() < deadline) {
		if (poll(&p, 1, 100) <= 0)
			continue;
		flen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
		if (n > 0 && sendto(fd, buf, n, 0, (struct sockaddr *)&from, flen) == n)
			echoed++;
	}
	printf("echoed=%llu\n", (unsigned long long)echoed);
	return 0;
}

struct seq_packet {
	uint64_t seq;
	uint64_t sent_us;
};

/*
 * Send PPS datagrams a second for SECONDS and take their echoes. The gap is
 * the longest time between two consecutive echoes received: with nothing
 * lost it is about 1/PPS, and a failover shows as one long gap.
 */
static int udp_stream(struct addr *sa, unsigned pps, double seconds)
{
	uint64_t start = now_us(), end = start + seconds * 1e6, interval = 1000000 / pps;
	uint64_t next = start, sent = 0, received = 0, last_rx = 0, max_gap = 0, max_gap_at = 0;
	uint64_t highest = 0, send_failed = 0;
	struct seq_packet pkt;
	struct pollfd p;
	int fd = socket(sa->sa.sa_family, SOCK_DGRAM, 0);

	if (fd < 0 || connect(fd, &sa->sa, sa->len))
		return die("connect");
	big_buffers(fd);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (now_us() < end + 1000000) {
		uint64_t now = now_us();

		if (now < end && now >= next) {
			pkt = (struct seq_packet){ .seq = sent, .sent_us = now };
			/* one that cannot be sent counts as lost, as it is for an application */
			if (send(fd, &pkt, sizeof(pkt), MSG_DONTWAIT) != sizeof(pkt))
				send_failed++;
			sent++;
			next += interval;
			continue;
		}
		/* sleep until the next send is due or an echo arrives */
		struct timespec wait = { 0, 0 };
		uint64_t until = now < end ? next : end + 1000000;

		if (until > now)
			wait.tv_nsec = (until - now) * 1000;
		if (wait.tv_nsec >= 1000000000)
			wait = (struct timespec){ 0, 999999999 };
		if (ppoll(&p, 1, &wait, NULL) <= 0) {
			if (now >= end && received >= sent)
				break;
			continue;
		}
		while (recv(fd, &pkt, sizeof(pkt), MSG_DONTWAIT) == sizeof(pkt)) {
			now = now_us();
			received++;
			if (pkt.seq > highest)
				highest = pkt.seq;
			if (last_rx && now - last_rx > max_gap) {
				max_gap = now - last_rx;
				max_gap_at = last_rx - start;
			}
			last_rx = now;
		}
	}
	printf("sent=%llu received=%llu lost=%llu max_gap_us=%llu max_gap_at_ms=%llu send_failed=%llu\n",
	       (unsigned long long)sent, (unsigned long long)received,
	       (unsigned long long)(sent - received), (unsigned long long)max_gap,
	       (unsigned long long)(max_gap_at / 1000), (unsigned long long)send_failed);
	return 0;
}

/* A multicast socket for GROUP on IFNAME: bound to the group's port, sending out of IFNAME. */
static int mcast_socket(const char *group, const char *port, const char *ifname, bool join)
{
	unsigned ifindex = if_nametoindex(ifname);
	struct addr sa;
	int fd, one = 1, hops = 1;

	if (!ifindex || sockaddr_make(group, port, &sa))
		return -1;
	fd = socket(sa.sa.sa_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (sa.sa.sa_family == AF_INET6) {
		struct ipv6_mreq mr = { .ipv6mr_multiaddr = sa.in6.sin6_addr, .ipv6mr_interface = ifindex };

		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) ||
		    (join && (bind(fd, &sa.sa, sa.len) ||
			      setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)))))
			return -1;
	} else {
		struct ip_mreqn mr = { .imr_multiaddr = sa.in.sin_addr, .imr_ifindex = (int)ifindex };

		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &hops, sizeof(hops)) ||
		    (join && (bind(fd, &sa.sa, sa.len) ||
			      setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)))))
			return -1;
	}
	if (!join && connect(fd, &sa.sa, sa.len))
		return -1;
	return fd;
}

static int mcast_send(const char *group, const char *port, const char *ifname, unsigned pps,
		      double seconds)
{
	int fd = mcast_socket(group, port, ifname, false);
	uint64_t start = now_us(), interval = 1000000 / (pps ? pps : 1), sent = 0;

	if (fd < 0)
		return die("multicast socket");
	if (pps > 20000)
		pps = 20000, interval = 50;
	while (now_us() < start + seconds * 1e6 && sent < 2000000) {
		struct seq_packet pkt = { .seq = sent, .sent_us = now_us() };
		uint64_t due = start + (sent + 1) * interval;

		send(fd, &pkt, sizeof(pkt), MSG_DONTWAIT);
		sent++;
		while (now_us() < due)
			usleep(due - now_us() > 2000 ? 1000 : 50);
	}
	printf("sent=%llu\n", (unsigned long long)sent);
	return 0;
}

static int mcast_recv(const char *group, const char *port, const char *ifname, double seconds)
{
	int fd = mcast_socket(group, port, ifname, true);
	uint64_t start = now_us(), received = 0, highest = 0, last_rx = 0, max_gap = 0, gap_at = 0;
	struct seq_packet pkt;

	if (fd < 0)
		return die("multicast socket");
	while (now_us() < start + seconds * 1e6) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 50) <= 0)
			continue;
		while (recv(fd, &pkt, sizeof(pkt), MSG_DONTWAIT) == sizeof(pkt)) {
			uint64_t now = now_us();

			if (!received || pkt.seq > highest)
				highest = pkt.seq;
			received++;
			if (last_rx && now - last_rx > max_gap) {
				max_gap = now - last_rx;
				gap_at = last_rx - start;
			}
			last_rx = now;
		}
	}
	printf("received=%llu lost=%llu max_gap_us=%llu max_gap_at_ms=%llu\n",
	       (unsigned long long)received,
	       (unsigned long long)(received ? highest + 1 - received : 0),
	       (unsigned long long)max_gap, (unsigned long long)(gap_at / 1000));
	return 0;
}

/*
 * The probe reply layout of include/ipmp/probe.h, written out by hand on
 * purpose; the tag is the shared function's, under the key given (as the
 * probe_cfg map holds its 16 bytes): the right key makes valid tags for
 * any sequence and send time, a wrong one makes forgeries.
 */
/* A zeroed IPv4 packet of len bytes with its header for ICMP from src to dst (TTL 64). */
static void icmp4_header(uint8_t *pkt, size_t len, const void *src, const void *dst)
{
	memset(pkt, 0, len);
	pkt[0] = 0x45;
	pkt[2] = len >> 8;
	pkt[3] = len & 0xff;
	pkt[8] = 64;
	pkt[9] = IPPROTO_ICMP;
	memcpy(pkt + 12, src, 4);
	memcpy(pkt + 16, dst, 4);
}

static int echo_forge(const char *dst, const char *src, unsigned id, const char *key_hex,
		      unsigned seq_from, unsigned seq_to, unsigned rounds)
{
	uint8_t key_bytes[16];
	__u64 key[2];

	if (strlen(key_hex) != 32) {
		fprintf(stderr, "ipmp-traffic: the key is 32 hex digits\n");
		return 2;
	}
	for (int i = 0; i < 16; i++) {
		char byte[3] = { key_hex[2 * i], key_hex[2 * i + 1], 0 };

		key_bytes[i] = strtoul(byte, NULL, 16);
	}
	memcpy(key, key_bytes, sizeof(key));

	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t pkt[20 + 8 + 24];
	uint64_t sent = 0, limit = 100000;
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);

	if (fd < 0)
		return die("socket");
	inet_pton(AF_INET, dst, &to.sin_addr);
	for (unsigned r = 0; r < rounds && sent < limit; r++) {
		for (unsigned seq = seq_from; seq <= seq_to && sent < limit; seq++) {
			uint64_t now = now_us() * 1000, be_now = htobe64(now);
			uint32_t kind = htonl(0x1234);

			uint8_t from[4];

			inet_pton(AF_INET, src, from);
			icmp4_header(pkt, sizeof(pkt), from, &to.sin_addr);
			pkt[20] = 0;			/* echo reply */
			pkt[24] = id >> 8;		/* id as it is on the wire */
			pkt[25] = id & 0xff;
			pkt[26] = seq >> 8 & 0xff;
			pkt[27] = seq & 0xff;
			uint16_t id_host;
			uint64_t tag;

			memcpy(&id_host, pkt + 24, 2);
			tag = ipmp_probe_tag(key, IPMP_AF_INET, 0x1234, id_host, seq & 0xffff, now,
					     pkt + 12);
			memcpy(pkt + 28, &be_now, 8);
			memcpy(pkt + 36, &kind, 4);
			memcpy(pkt + 44, &tag, 8);
			uint16_t c = inet_csum(pkt + 20, sizeof(pkt) - 20);
			memcpy(pkt + 22, &c, 2);
			if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
				return die("sendto");
			if (++sent % 200 == 0)
				usleep(2000);
		}
	}
	printf("forged=%llu\n", (unsigned long long)sent);
	return 0;
}

static int unix_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
		return -1;
	return fd;
}

/* Print whatever arrives within ms milliseconds (or until EOF). */
static void drain(int fd, int ms)
{
	char buf[65536];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	while (poll(&p, 1, ms) == 1) {
		n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			printf("<eof>\n");
			return;
		}
		fwrite(buf, 1, n, stdout);
	}
}

static int ctl(const char *path, int argc, char **argv)
{
	int fd = unix_connect(path);

	if (fd < 0)
		return die("connect");
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "@big:", 5)) {
			size_t n = strtoul(argv[i] + 5, NULL, 10);
			char *big = malloc(n);

			memset(big, 'x', n);
			for (size_t off = 0; off < n;) {
				ssize_t w = write(fd, big + off, n - off);

				if (w <= 0)
					break;
				off += w;
			}
			free(big);
		} else if (!strcmp(argv[i], "@half")) {
			shutdown(fd, SHUT_WR);
		} else if (!strncmp(argv[i], "@wait:", 6)) {
			drain(fd, atoi(argv[i] + 6));
		} else if (write(fd, argv[i], strlen(argv[i])) < 0 || write(fd, "\n", 1) < 0) {
			return die("write");
		}
	}
	drain(fd, 1000);
	close(fd);
	return 0;
}

static int ctl_many(const char *path, int n)
{
	int *fds = calloc(n, sizeof(int)), answered = 0;
	const char ping[] = "{\"version\":1,\"cmd\":\"ping\"}\n";
	char buf[256];

	for (int i = 0; i < n; i++)
		fds[i] = unix_connect(path);
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0 && write(fds[i], ping, sizeof(ping) - 1) < 0)
			fds[i] = -1;
	for (int i = 0; i < n; i++) {
		struct pollfd p = { .fd = fds[i], .events = POLLIN };

		if (fds[i] >= 0 && poll(&p, 1, 5000) == 1 && read(fds[i], buf, sizeof(buf)) > 0 &&
		    strstr(buf, "\"ok\":true"))
			answered++;
		if (fds[i] >= 0)
			close(fds[i]);
	}
	printf("answered=%d of %d\n", answered, n);
	free(fds);
	return 0;
}

static int usage(void);

/* One client of ctl-flood: what it sends next. */
static void flood_send(int fd, const char *kind, unsigned *step)
{
	static const char *const bad[] = {
		"{\"version\":1,\"cmd\":\"snapshot\"\n", "[1,2,3]\n", "{\"version\":1}\n",
		"{\"version\":1,\"cmd\":\"frobnicate\"}\n", "\x00\xff\xfe{}}}\n",
		"{\"version\":1,\"cmd\":\"offline\",\"interface\":7}\n",
		"{\"version\":1,\"cmd\":\"add-address\",\"address\":\"999.1.1.1/99\"}\n",
	};
	const char snap[] = "{\"version\":1,\"cmd\":\"snapshot\"}\n";
	char junk[64];

	if (!strcmp(kind, "busy")) {
		send(fd, snap, sizeof(snap) - 1, MSG_NOSIGNAL);
	} else if (!strcmp(kind, "slow")) {
		send(fd, &snap[*step % (sizeof(snap) - 2)], 1, MSG_NOSIGNAL);	/* never the newline */
	} else if (*step % 2) {
		send(fd, bad[*step / 2 % (sizeof(bad) / sizeof(bad[0]))],
		     strlen(bad[*step / 2 % (sizeof(bad) / sizeof(bad[0]))]), MSG_NOSIGNAL);
	} else {
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (char)rand();
		junk[sizeof(junk) - 1] = '\n';
		send(fd, junk, sizeof(junk), MSG_NOSIGNAL);
	}
	(*step)++;
}

static int ctl_flood(const char *path, int n, double seconds, const char *kind)
{
	struct pollfd *p = calloc(n, sizeof(*p));
	unsigned *step = calloc(n, sizeof(*step));
	uint64_t end = now_us() + seconds * 1e6, next_slow = 0;
	long answers = 0, errors = 0, hangups = 0, refused = 0;
	char buf[65536];

	if (strcmp(kind, "busy") && strcmp(kind, "garbage") && strcmp(kind, "slow")) {
		free(p);
		free(step);
		return usage();
	}
	if (!p || !step)
		return die("calloc");
	for (int i = 0; i < n; i++) {
		p[i].fd = unix_connect(path);
		p[i].events = POLLIN;
		if (p[i].fd < 0)
			refused++;
		else if (strcmp(kind, "slow"))
			flood_send(p[i].fd, kind, &step[i]);
	}
	while (now_us() < end) {
		if (!strcmp(kind, "slow") && now_us() >= next_slow) {
			for (int i = 0; i < n; i++)
				if (p[i].fd >= 0)
					flood_send(p[i].fd, kind, &step[i]);
			next_slow = now_us() + 1000000;
		}
		if (poll(p, n, 100) <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			ssize_t len;

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			len = read(p[i].fd, buf, sizeof(buf) - 1);
			if (len <= 0) {
				hangups++;
				close(p[i].fd);
				p[i].fd = -1;
				continue;
			}
			buf[len] = 0;
			/* a reply ends its line; a big snapshot may take several reads */
			for (char *line = buf, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
				*nl = 0;
				if (strstr(line, "\"ok\":true"))
					answers++;
				else
					errors++;
				if (now_us() < end && strcmp(kind, "slow"))
					flood_send(p[i].fd, kind, &step[i]);
			}
		}
	}
	for (int i = 0; i < n; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	printf("answers=%ld errors=%ld hangups=%ld refused=%ld\n", answers, errors, hangups, refused);
	free(p);
	free(step);
	return 0;
}

/* A client that asks and asks and never reads: the agent must drop it, not wait. */
static int ctl_stall(const char *path, double seconds)
{
	const char sub[] = "{\"version\":1,\"cmd\":\"probes\"}\n";
	const char snap[] = "{\"version\":1,\"cmd\":\"snapshot\"}\n";
	int fd = unix_connect(path), small = 4096, flags;
	uint64_t end = now_us() + seconds * 1e6;
	char buf[4096];

	if (fd < 0)
		return die("connect");
	struct timeval tv = { .tv_sec = 2 };

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	flags = MSG_NOSIGNAL;
	send(fd, sub, sizeof(sub) - 1, flags);
	for (int i = 0; i < 20000 && now_us() < end; i++)
		if (send(fd, snap, sizeof(snap) - 1, flags) < 0)
			break;	/* the agent hung up on us, or stopped reading */
	while (now_us() < end) {
		/* peek only: a hangup shows as EOF once the queue is read... so look for it */
		struct pollfd p = { .fd = fd, .events = POLLRDHUP };

		if (poll(&p, 1, 50) == 1 && (p.revents & (POLLRDHUP | POLLHUP))) {
			printf("dropped by the agent\n");
			close(fd);
			return 0;
		}
	}
	(void)buf;
	printf("still connected\n");
	close(fd);
	return 0;
}

/*
 * What a host on the link learns from the all-hosts echo, turned into
 * replies for a target it is not: under a per-run secret that every
 * probe carried, these would be counted; with per-probe tags they are not.
 */
static int echo_sniff_forge(const char *ifname, const char *victim, const char *target,
			    double seconds)
{
	int cap = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				  .sll_ifindex = (int)if_nametoindex(ifname) };
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t vict[4], tgt[4], in[2048], pkt[20 + 8 + 24];
	uint64_t end = now_us() + seconds * 1e6;
	unsigned seen = 0, forged = 0;

	if (cap < 0 || raw < 0 || !ll.sll_ifindex || bind(cap, (struct sockaddr *)&ll, sizeof(ll)))
		return die("sniffer socket");
	inet_pton(AF_INET, victim, vict);
	inet_pton(AF_INET, target, tgt);
	memcpy(&to.sin_addr, vict, 4);
	while (now_us() < end && forged < 20000) {
		struct pollfd p = { .fd = cap, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(cap, in, sizeof(in), 0);
		/* IPv4, ICMP echo request, from the victim to 224.0.0.1, a full probe payload */
		if (n < 20 + 8 + 24 || (in[0] >> 4) != 4 || in[9] != IPPROTO_ICMP ||
		    memcmp(in + 12, vict, 4) || in[16] != 224 || in[19] != 1)
			continue;
		unsigned ihl = (in[0] & 0xf) * 4;

		if (n < (ssize_t)(ihl + 8 + 24) || in[ihl] != 8)
			continue;
		seen++;
		uint16_t seq = (uint16_t)(in[ihl + 6] << 8 | in[ihl + 7]);

		for (int d = -2; d <= 3; d++) {
			uint16_t s = (uint16_t)(seq + d), c;
			uint32_t uni = htonl(0x1234);

			icmp4_header(pkt, sizeof(pkt), tgt, vict);
			memcpy(pkt + 24, in + ihl + 4, 2);	/* the victim's identifier */
			pkt[26] = s >> 8;
			pkt[27] = s & 0xff;
			memcpy(pkt + 28, in + ihl + 8, 24);	/* its payload: send time, tag */
			memcpy(pkt + 36, &uni, 4);		/* ... as an answer to a unicast probe */
			c = inet_csum(pkt + 20, sizeof(pkt) - 20);
			memcpy(pkt + 22, &c, 2);
			if (sendto(raw, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) > 0)
				forged++;
		}
	}
	printf("seen=%u forged=%u\n", seen, forged);
	close(cap);
	close(raw);
	return 0;
}

/*
 * A host on the link flooding a probing member with what looks like the
 * answer to its ARP probe, from a target it probes: member_xdp cannot
 * tell these from real answers, so only its budget stands between the
 * flood and the agent.
 */
/* RFC 4861 4.2, sent as a router does: hop limit 255, the kernel fills the checksum. */
static int send_ra(const char *ifname, unsigned lifetime)
{
	unsigned ifindex = if_nametoindex(ifname);
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };
	uint8_t ra[16] = { 134, 0, 0, 0, 64, 0, 0, 0 };
	int fd, hops = 255;

	if (!ifindex)
		return die(ifname);
	ra[6] = lifetime >> 8;
	ra[7] = lifetime & 0xff;
	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
	dst.sin6_scope_id = ifindex;
	fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)))
		return die("socket");
	if (sendto(fd, ra, sizeof(ra), 0, (struct sockaddr *)&dst, sizeof(dst)) != sizeof(ra))
		return die("sendto");
	close(fd);
	printf("sent=1\n");
	return 0;
}

static int arp_flood(const char *ifname, const char *mac, const char *sender, unsigned pps,
		     double seconds)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ARP));
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
				  .sll_ifindex = (int)if_nametoindex(ifname), .sll_halen = 6 };
	uint8_t f[42] = { 0 }, dst[6], src[6] = { 0x02, 0x66, 0x10, 0x0d, 0, 1 };
	uint64_t start = now_us(), limit, sent = 0;

	if (fd < 0 || !ll.sll_ifindex)
		return die("packet socket");
	if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &dst[0], &dst[1], &dst[2], &dst[3],
		   &dst[4], &dst[5]) != 6 || inet_pton(AF_INET, sender, f + 28) != 1) {
		fprintf(stderr, "ipmp-traffic: arp-flood: bad MAC or sender\n");
		return 2;
	}
	if (pps > 50000)
		pps = 50000;
	limit = (uint64_t)(pps * (seconds < 60 ? seconds : 60));
	if (limit > 1000000)
		limit = 1000000;
	memcpy(ll.sll_addr, dst, 6);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08, f[13] = 0x06;			/* ARP */
	f[14] = 0, f[15] = 1, f[16] = 0x08, f[17] = 0;	/* Ethernet, IPv4 */
	f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 2;	/* reply */
	memcpy(f + 22, src, 6);				/* sender MAC; sender IP at 28 */
	memcpy(f + 32, dst, 6);				/* target MAC: the member's */
	/* target IP 0.0.0.0 (f + 38): the answer to a probe from 0.0.0.0 */
	while (sent < limit) {
		/* paced: never ahead of PPS, in bursts of at most a millisecond's worth */
		uint64_t due = (now_us() - start) * pps / 1000000;

		if (due > limit)
			due = limit;
		if (sent >= due) {
			usleep(1000);
			continue;
		}
		while (sent < due && sendto(fd, f, sizeof(f), 0, (struct sockaddr *)&ll, sizeof(ll)) > 0)
			sent++;
		if (sent < due)
			usleep(1000);	/* the queue is full: let it drain */
		if (now_us() - start > (uint64_t)(seconds + 2) * 1000000)
			break;
	}
	printf("sent=%llu\n", (unsigned long long)sent);
	close(fd);
	return 0;
}

/*
 * A user who opens what it can and asks without reading: each accepted
 * connection gets 500 snapshot requests in one go, and is never read.
 */
static int ctl_hog(const char *path, int n, double seconds)
{
	const char snap[] = "{\"version\":1,\"cmd\":\"snapshot\"}\n";
	uint64_t end = now_us() + seconds * 1e6;
	int *fds = calloc(n, sizeof(*fds)), accepted = 0, closed = 0;
	char batch[500 * (sizeof(snap) - 1)];

	if (!fds)
		return die("calloc");
	for (size_t i = 0; i < 500; i++)
		memcpy(batch + i * (sizeof(snap) - 1), snap, sizeof(snap) - 1);
	for (int i = 0; i < n; i++) {
		int one = 1;

		fds[i] = unix_connect(path);
		if (fds[i] < 0)
			continue;
		/* sent without blocking: what does not fit waits in our send buffer */
		ioctl(fds[i], FIONBIO, &one);
		send(fds[i], batch, sizeof(batch), MSG_NOSIGNAL);
	}
	while (now_us() < end)
		usleep(50000);
	for (int i = 0; i < n; i++) {
		struct pollfd p = { .fd = fds[i], .events = POLLRDHUP };

		if (fds[i] < 0)
			continue;
		/* refused connections are closed at once, accepted ones stay open */
		if (poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP))) {
			char b;

			if (recv(fds[i], &b, 1, MSG_PEEK | MSG_DONTWAIT) <= 0)
				closed++;
			else
				accepted++;
		} else {
			accepted++;
		}
		close(fds[i]);
	}
	printf("accepted=%d closed=%d\n", accepted, closed);
	free(fds);
	return 0;
}

/*
 * The socket outlives the process that connected: here a setuid-root
 * program takes over the pid the agent saw at accept, and another
 * process, unprivileged, sends the request.
 */
static int ctl_inherit(const char *path, const char *program, const char *request)
{
	int fd = unix_connect(path), status;
	char buf[4096];
	ssize_t len;
	pid_t child;

	if (fd < 0)
		return die("connect");
	child = fork();
	if (child < 0)
		return die("fork");
	if (child > 0) {
		execl(program, program, "3", (char *)NULL);
		_exit(127);
	}
	usleep(300000);		/* the parent is the setuid program by now */
	snprintf(buf, sizeof(buf), "%s\n", request);
	send(fd, buf, strlen(buf), MSG_NOSIGNAL);
	len = recv(fd, buf, sizeof(buf) - 1, 0);
	buf[len > 0 ? len : 0] = '\0';
	printf("%s", buf);
	(void)status;
	return 0;
}

/*
 * Stand in for systemd's notification socket: print each datagram
 * (newlines as spaces), one line each, until SECONDS pass.
 */
static int notify_listen(const char *path, double seconds)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timespec t0, now;
	char buf[512];
	int fd;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)))
		return die("notify socket");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		double left = seconds - (now.tv_sec - t0.tv_sec) - (now.tv_nsec - t0.tv_nsec) / 1e9;

		if (left <= 0)
			break;
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		for (char *c = buf; *c; c++)
			if (*c == '\n')
				*c = ' ';
		printf("%s\n", buf);
		fflush(stdout);
	}
	close(fd);
	unlink(path);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: ipmp-traffic tcp-sink ADDR PORT SECONDS\n"
			"       ipmp-traffic tcp-send ADDR PORT BYTES SECONDS\n"
			"       ipmp-traffic udp-echo ADDR PORT SECONDS\n"
			"       ipmp-traffic udp-stream ADDR PORT PPS SECONDS\n"
			"       ipmp-traffic echo-forge DST SRC ID KEY SEQ_FROM SEQ_TO ROUNDS\n"
			"       ipmp-traffic ctl SOCKET ARG... | ctl-many SOCKET N | ctl-stall SOCKET SECONDS\n"
			"       ipmp-traffic ctl-flood SOCKET N SECONDS busy|garbage|slow\n"
			"       ipmp-traffic ctl-hog SOCKET N SECONDS | ctl-inherit SOCKET PROGRAM REQUEST\n"
			"       ipmp-traffic echo-sniff-forge IFNAME VICTIM TARGET SECONDS\n"
			"       ipmp-traffic arp-flood IFNAME MAC SENDER PPS SECONDS | send-ra IFNAME LIFETIME\n"
			"       ipmp-traffic mcast-send GROUP PORT IFNAME PPS SECONDS\n"
			"       ipmp-traffic mcast-recv GROUP PORT IFNAME SECONDS\n"
			"       ipmp-traffic notify-listen PATH SECONDS\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct addr sa;

	if (argc >= 3 && !strcmp(argv[1], "ctl"))
		return ctl(argv[2], argc - 3, argv + 3);
	if (argc == 4 && !strcmp(argv[1], "ctl-many"))
		return ctl_many(argv[2], atoi(argv[3]));
	if (argc == 6 && !strcmp(argv[1], "ctl-flood"))
		return ctl_flood(argv[2], atoi(argv[3]), atof(argv[4]), argv[5]);
	if (argc == 6 && !strcmp(argv[1], "echo-sniff-forge"))
		return echo_sniff_forge(argv[2], argv[3], argv[4], atof(argv[5]));
	if (argc == 7 && !strcmp(argv[1], "mcast-send"))
		return mcast_send(argv[2], argv[3], argv[4], strtoul(argv[5], NULL, 0), atof(argv[6]));
	if (argc == 6 && !strcmp(argv[1], "mcast-recv"))
		return mcast_recv(argv[2], argv[3], argv[4], atof(argv[5]));
	if (argc == 4 && !strcmp(argv[1], "send-ra"))
		return send_ra(argv[2], atoi(argv[3]));
	if (argc == 7 && !strcmp(argv[1], "arp-flood"))
		return arp_flood(argv[2], argv[3], argv[4], strtoul(argv[5], NULL, 0), atof(argv[6]));
	if (argc == 5 && !strcmp(argv[1], "ctl-hog"))
		return ctl_hog(argv[2], atoi(argv[3]), atof(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "ctl-inherit"))
		return ctl_inherit(argv[2], argv[3], argv[4]);
	if (argc == 4 && !strcmp(argv[1], "ctl-stall"))
		return ctl_stall(argv[2], atof(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "notify-listen"))
		return notify_listen(argv[2], atof(argv[3]));
	if (argc == 9 && !strcmp(argv[1], "echo-forge"))
		return echo_forge(argv[2], argv[3], strtoul(argv[4], NULL, 0), argv[5],
				  atoi(argv[6]), atoi(argv[7]), atoi(argv[8]));
	if (argc < 5 || sockaddr_make(argv[2], argv[3], &sa))
		return usage();
	if (!strcmp(argv[1], "tcp-sink") && argc == 5)
		return tcp_sink(&sa, atof(argv[4]));
	if (!strcmp(argv[1], "tcp-send") && argc == 6)
		return tcp_send(&sa, strtoull(argv[4], NULL, 0), atof(argv[5]));
	if (!strcmp(argv[1], "udp-echo") && argc == 5)
		return udp_echo(&sa, atof(argv[4]));
	if (!strcmp(argv[1], "udp-stream") && argc == 6 && atoi(argv[4]) > 0)
		return udp_stream(&sa, atoi(argv[4]), atof(argv[5]));
	return usage();
}
