// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Early carrier loss (carrier.h; here with the data plane, which owns every
 * BPF object the agent loads): loads bpf/carrier_off.bpf.c for the agent's
 * network namespace, attaches it as a kprobe on netif_carrier_off(), and reads
 * its ring buffer from the event loop at detection priority.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/libbpf.h>
#include <event2/event.h>
#include <ipmp/carrier.h>

#include "agent.h"
#include "carrier.h"
#include "carrier_off.skel.h"
#include "linkwatch.h"
#include "log.h"

struct carrier {
	struct carrier_off *skel;
	struct ring_buffer *rb;
	struct event *ev;
};

static int record(void *ctx, void *data, size_t len)
{
	const struct ipmp_carrier_event *e = data;

	if (len >= sizeof(*e))
		linkwatch_carrier_lost(ctx, (int)e->ifindex);
	return 0;
}

static void ring_cb(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;

	ring_buffer__consume(a->carrier->rb);	/* each record a decision (linkwatch.h) */
}

void carrier_close(struct agent *a)
{
	struct carrier *c = a->carrier;

	if (!c)
		return;
	if (c->ev)
		event_free(c->ev);
	ring_buffer__free(c->rb);
	carrier_off__destroy(c->skel);
	free(c);
	a->carrier = NULL;
}

static int carrier_open(struct agent *a)
{
	struct carrier *c = calloc(1, sizeof(*c));
	struct stat st;
	int ret;

	if (!c)
		return -ENOMEM;
	a->carrier = c;
	if (stat("/proc/self/ns/net", &st))
		return -errno;
	c->skel = carrier_off__open();
	if (!c->skel)
		return -errno;
	c->skel->rodata->netns_inum = (__u32)st.st_ino;
	ret = carrier_off__load(c->skel);
	if (!ret)
		ret = carrier_off__attach(c->skel);
	if (ret)
		return ret;
	c->rb = ring_buffer__new(bpf_map__fd(c->skel->maps.carrier_events), record, a, NULL);
	if (!c->rb)
		return -errno;
	c->ev = event_new(a->base, ring_buffer__epoll_fd(c->rb), EV_READ | EV_PERSIST, ring_cb, a);
	if (!c->ev || event_priority_set(c->ev, AGENT_PRIO_DETECT) || event_add(c->ev, NULL))
		return -ENOMEM;
	return 0;
}

bool carrier_follow(struct agent *a)
{
	int ret;

	if (!a->cfg.early_carrier) {
		carrier_close(a);
		return false;
	}
	if (a->carrier)
		return true;
	ret = carrier_open(a);
	if (!ret) {
		pr_info("carrier losses are taken from the driver (a kprobe on netif_carrier_off), before netlink");
		return true;
	}
	carrier_close(a);
	pr_warn("carrier losses come from netlink only: cannot probe netif_carrier_off: %s",
		strerror(ret < 0 ? -ret : ret));
	return false;
}
