// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bare_probe SECONDS RATE IFNAME,SRC,DST...: the baseline of the agent's CPU per probe.
 * bare_probe SECONDS RATE: this machine's floor, a process that wakes RATE times a second
 * and does nothing else.
 *
 * A plain prober, in.mpathd's way, for the same probes: one process, a raw ICMP or ICMPv6
 * socket per instance (bound to its member and test address), RATE echo requests a second
 * each, phases spread over the interval, each sent when due, every reply read from its
 * socket. No state machine, no statistics, no ring buffer, no control socket. It runs for SECONDS and
 * prints what it sent, what was answered and the CPU it used (its schedstat run time, the
 * measure bench/control.sh takes of the agent) and its CPU inside sendto():
 *   sent=N answered=M cpu_ns=X send_ns=S wakeups=W
 * where W counts the times it slept and woke (voluntary context switches).
 * Run it in the host's namespace with the agent stopped (no XDP takes the replies).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "inet_csum.h"

#ifndef ICMP_FILTER
#define ICMP_FILTER	1	/* linux/icmp.h, which clashes with net/if.h */
#endif

#define MAX_INSTANCES 64

struct instance {
	int fd;
	int v6;
	struct sockaddr_storage dst;
	socklen_t dst_len;
	uint16_t seq;
	uint64_t next_ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* "m0,192.0.2.21,192.0.2.1" or "m0,fe80::1,fe80::2": a socket bound to both */
static int instance_open(struct instance *in, char *spec)
{
	char *ifname = strtok(spec, ","), *src = strtok(NULL, ","), *dst = strtok(NULL, ",");
	struct sockaddr_storage local = {};
	unsigned int ifindex;

	if (!ifname || !src || !dst || !(ifindex = if_nametoindex(ifname))) {
		fprintf(stderr, "bare_probe: bad instance (IFNAME,SRC,DST)\n");
		return -1;
	}
	in->v6 = strchr(src, ':') != NULL;
	if (in->v6) {
		struct sockaddr_in6 *l = (struct sockaddr_in6 *)&local;
		struct sockaddr_in6 *d = (struct sockaddr_in6 *)&in->dst;
		struct icmp6_filter filter;

		l->sin6_family = d->sin6_family = AF_INET6;
		l->sin6_scope_id = d->sin6_scope_id = ifindex;
		if (inet_pton(AF_INET6, src, &l->sin6_addr) != 1 ||
		    inet_pton(AF_INET6, dst, &d->sin6_addr) != 1)
			return -1;
		in->dst_len = sizeof(*d);
		in->fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMPV6);
		ICMP6_FILTER_SETBLOCKALL(&filter);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
		if (in->fd < 0 ||
		    setsockopt(in->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)))
			return -1;
	} else {
		struct sockaddr_in *l = (struct sockaddr_in *)&local;
		struct sockaddr_in *d = (struct sockaddr_in *)&in->dst;
		uint32_t filter = ~(1u << ICMP_ECHOREPLY);

		l->sin_family = d->sin_family = AF_INET;
		if (inet_pton(AF_INET, src, &l->sin_addr) != 1 ||
		    inet_pton(AF_INET, dst, &d->sin_addr) != 1)
			return -1;
		in->dst_len = sizeof(*d);
		in->fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP);
		if (in->fd < 0 || setsockopt(in->fd, SOL_RAW, ICMP_FILTER, &filter, sizeof(filter)))
			return -1;
	}
	if (setsockopt(in->fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1) ||
	    bind(in->fd, (struct sockaddr *)&local, in->dst_len)) {
		perror("bare_probe: bind");
		return -1;
	}
	return 0;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* send_ns: the CPU spent inside sendto(), where the kernel takes the echo down to the member
 * and, on veth, on through the switch to the target and the reply back up (softirq work runs
 * in the sender's context, and is charged to it, when it is raised there) */
static int echo_send(struct instance *in, uint16_t id, uint64_t *send_ns)
{
	uint64_t c0;
	ssize_t ret;

	uint8_t pkt[8 + 24] = {};	/* the agent's echo: 8 bytes of header, 24 of payload */
	uint64_t t = now_ns();

	pkt[0] = in->v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	memcpy(pkt + 4, &id, 2);
	memcpy(pkt + 6, &in->seq, 2);
	memcpy(pkt + 8, &t, sizeof(t));
	in->seq++;
	if (!in->v6) {
		uint16_t c = inet_csum(pkt, sizeof(pkt));

		memcpy(pkt + 2, &c, 2);
	}	/* ICMPv6: the kernel writes the checksum */
	c0 = thread_cpu_ns();
	ret = sendto(in->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&in->dst, in->dst_len);
	*send_ns += thread_cpu_ns() - c0;
	return ret < 0 ? -1 : 0;
}

static long voluntary_switches(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_nvcsw;
}

static unsigned long long schedstat_ns(void)
{
	unsigned long long ns = 0;
	FILE *f = fopen("/proc/self/schedstat", "r");

	if (f) {
		if (fscanf(f, "%llu", &ns) != 1)
			ns = 0;
		fclose(f);
	}
	return ns;
}

int main(int argc, char **argv)
{
	struct instance ins[MAX_INSTANCES];
	unsigned long long sent = 0, answered = 0, cpu0;
	uint64_t send_ns = 0, idle_next;
	int n = argc - 3, ep = epoll_create1(0);
	uint64_t interval, end, start;
	uint16_t id = (uint16_t)getpid();
	long switches0;

	if (argc < 3 || n > MAX_INSTANCES || ep < 0 || atof(argv[2]) <= 0) {
		fprintf(stderr, "usage: bare_probe SECONDS RATE [IFNAME,SRC,DST...] (at most %d)\n",
			MAX_INSTANCES);
		return 2;
	}
	interval = (uint64_t)(1e9 / atof(argv[2]));
	start = now_ns();
	idle_next = start + interval;
	end = start + (uint64_t)(atof(argv[1]) * 1e9);
	for (int i = 0; i < n; i++) {
		struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};

		if (instance_open(&ins[i], argv[i + 3]) ||
		    epoll_ctl(ep, EPOLL_CTL_ADD, ins[i].fd, &ev)) {
			fprintf(stderr, "bare_probe: instance %s: %s\n", argv[i + 3], strerror(errno));
			return 1;
		}
		ins[i].seq = 0;
		ins[i].next_ns = start + interval * i / n;	/* phases spread over the interval */
	}
	cpu0 = schedstat_ns();
	switches0 = voluntary_switches();
	for (;;) {
		struct epoll_event evs[MAX_INSTANCES];
		uint64_t t = now_ns(), next = end;
		int timeout_ms, k;

		if (t >= end)
			break;
		if (!n) {	/* the floor: a wake-up on each interval, nothing else */
			while (idle_next <= t)
				idle_next += interval;
			next = idle_next < end ? idle_next : end;
		}
		for (int i = 0; i < n; i++) {
			if (ins[i].next_ns <= t) {
				if (echo_send(&ins[i], id, &send_ns) == 0)
					sent++;
				ins[i].next_ns += interval;
			}
			if (ins[i].next_ns < next)
				next = ins[i].next_ns;
		}
		timeout_ms = next > t ? (int)((next - t + 999999) / 1000000) : 0;
		k = epoll_wait(ep, evs, MAX_INSTANCES, timeout_ms);
		for (int j = 0; j < k; j++) {
			struct instance *in = &ins[evs[j].data.u32];
			uint8_t buf[256];
			ssize_t len;

			while ((len = recv(in->fd, buf, sizeof(buf), 0)) > 0) {
				size_t off = in->v6 ? 0 : (size_t)(buf[0] & 0xf) * 4;
				uint16_t rid;

				if ((size_t)len < off + 8)
					continue;
				memcpy(&rid, buf + off + 4, 2);
				answered += rid == id;
			}
		}
	}
	printf("sent=%llu answered=%llu cpu_ns=%llu send_ns=%llu wakeups=%ld\n", sent, answered,
	       schedstat_ns() - cpu0, (unsigned long long)send_ns,
	       voluntary_switches() - switches0);
	return 0;
}
