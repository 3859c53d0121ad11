// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Frames through the programs, held against the model (harness.h): the
 * maps filled as the agent fills them (lib/buckets.c, lib/addr_index.c),
 * in variants the model allows (shared index entries, buckets naming
 * inactive members), the verdict, frame, event and counters compared.
 * One concern, past 600 lines: running the programs against the model.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "addr_index.h"
#include "buckets.h"
#include "harness.h"
#include "group_egress.skel.h"
#include "member_ingress.skel.h"
#include "member_xdp.skel.h"

#define EVENTS_MAX	4

struct expected {
	uint64_t drops[IPMP_DROP__MAX];
	struct ipmp_member_stats stats[IPMP_MAX_MEMBERS];
	uint64_t probe_stats[IPMP_PROBE_STAT__MAX];
};

struct harness {
	struct group_egress *egress;
	struct member_ingress *ingress;
	struct member_xdp *xdp;
	struct ring_buffer *rb;
	struct ipmp_probe_event events[EVENTS_MAX];
	unsigned nevents;
	struct model_cfg cfg;
	struct expected want[HARNESS_NPROGS];
	uint64_t ran[HARNESS_NPROGS], refused[HARNESS_NPROGS];
	uint8_t out[MODEL_FRAME_MAX + 512];
};

static const char *const prog_names[] = { "group_egress", "member_ingress", "member_xdp" };

const char *harness_prog_name(enum harness_prog p)
{
	return prog_names[p];
}

uint64_t harness_ran(const struct harness *h, enum harness_prog p)
{
	return h->ran[p];
}

uint64_t harness_refused(const struct harness *h, enum harness_prog p)
{
	return h->refused[p];
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct harness *h = ctx;

	if (h->nevents < EVENTS_MAX && size == sizeof(struct ipmp_probe_event))
		memcpy(&h->events[h->nevents], data, size);
	h->nevents++;
	return 0;
}

static void unpin(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		bpf_map__set_pin_path(map, NULL);
}

struct harness *harness_open(void)
{
	struct harness *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->egress = group_egress__open();
	h->ingress = member_ingress__open();
	h->xdp = member_xdp__open();
	if (!h->egress || !h->ingress || !h->xdp)
		goto fail;
	unpin(h->egress->obj);
	unpin(h->ingress->obj);
	unpin(h->xdp->obj);
	/* the model has no clock: a million frames a second must not meet the flood budget */
	h->xdp->rodata->probe_events_per_window = UINT32_MAX;
	h->xdp->rodata->probe_discovery_per_window = UINT32_MAX;
	h->ingress->rodata->probe_events_per_window = UINT32_MAX;
	h->ingress->rodata->probe_discovery_per_window = UINT32_MAX;
	if (group_egress__load(h->egress) || member_ingress__load(h->ingress) ||
	    member_xdp__load(h->xdp))
		goto fail;
	h->rb = ring_buffer__new(bpf_map__fd(h->xdp->maps.probe_events), on_event, h, NULL);
	if (!h->rb || ring_buffer__add(h->rb, bpf_map__fd(h->ingress->maps.probe_events), on_event, h))
		goto fail;
	return h;
fail:
	harness_close(h);
	return NULL;
}

void harness_close(struct harness *h)
{
	if (!h)
		return;
	ring_buffer__free(h->rb);
	group_egress__destroy(h->egress);
	member_ingress__destroy(h->ingress);
	member_xdp__destroy(h->xdp);
	free(h);
}

/* Empty the entries of addr_index the bindings in addr_binding use, then addr_binding. */
static int bindings_clear(int fd_bind, int fd_index)
{
	struct ipmp_addr_key key;
	struct ipmp_addr_entry none = {};

	while (!bpf_map_get_next_key(fd_bind, NULL, &key)) {
		uint32_t idx = addr_index_of(&key);

		if (bpf_map_update_elem(fd_index, &idx, &none, BPF_ANY) ||
		    bpf_map_delete_elem(fd_bind, &key))
			return -errno;
	}
	return 0;
}

/* The group's maps of one program object, as cfg says. */
static int group_maps(struct bpf_object *obj, struct model_cfg *cfg, unsigned variant)
{
	int fd_cfg = bpf_object__find_map_fd_by_name(obj, "group_cfg");
	int fd_members = bpf_object__find_map_fd_by_name(obj, "members");
	int fd_index = bpf_object__find_map_fd_by_name(obj, "member_index");
	int fd_buckets = bpf_object__find_map_fd_by_name(obj, "buckets");
	int fd_index4 = bpf_object__find_map_fd_by_name(obj, "addr_index");
	int fd_tx = bpf_object__find_map_fd_by_name(obj, "tx_set");
	int fd_bind = bpf_object__find_map_fd_by_name(obj, "addr_binding");
	struct ipmp_group_cfg g = { .group_ifindex = cfg->group_ifindex,
				    .bcast_ifindex = cfg->bcast_ifindex,
				    .mcast6_ifindex = cfg->mcast6_ifindex,
				    .abi_version = IPMP_ABI_VERSION,
				    /*
				     * delivered to the group's ingress, named (the agent's
				     * direct datapath) every other configuration, or not (0);
				     * a veth peer's egress cannot be tried under test_run
				     */
				    .deliver_ifindex = variant % 2 ? cfg->group_ifindex : 0,
				    .deliver_flags = 1u << 0 /* BPF_F_INGRESS */ };
	struct ipmp_tx_set tx = { .count = 0 };
	struct ipmp_member_info none = {};
	uint32_t zero = 0, tx_mask = 0, table[IPMP_BUCKETS] = { 0 };

	memcpy(g.group_mac, cfg->group_mac, 6);
	if (bindings_clear(fd_bind, fd_index4))
		return -errno;
	if (bpf_map_update_elem(fd_cfg, &zero, &g, BPF_ANY))
		return -errno;
	for (uint32_t s = 0; s < IPMP_MAX_MEMBERS; s++)
		if (bpf_map_update_elem(fd_members, &s, &none, BPF_ANY))
			return -errno;
	for (uint32_t k = 0; k < IPMP_MEMBER_INDEX; k++)
		if (bpf_map_update_elem(fd_index, &k, &zero, BPF_ANY))
			return -errno;
	for (unsigned i = 0; i < cfg->nmembers; i++) {
		const struct model_member *m = &cfg->members[i];
		struct ipmp_member_info info = { .slot = m->slot, .ifindex = m->ifindex,
						 .flags = m->active ? IPMP_MEMBER_ACTIVE : 0 };
		uint32_t idx = m->ifindex & (IPMP_MEMBER_INDEX - 1), slot1 = m->slot + 1;

		memcpy(info.mac, m->mac, 6);
		if (bpf_map_update_elem(fd_members, &m->slot, &info, BPF_ANY))
			return -errno;
		/* as the agent does: a shared index entry is the first member's */
		if (!(variant & 4) || i == 0)
			if (bpf_map_update_elem(fd_index, &idx, &slot1, BPF_ANY))
				return -errno;
	}
	/* tx_set by slot; an entry naming no member (the model allows it) gets a free slot */
	for (unsigned i = 0; i < cfg->ntx; i++) {
		uint32_t slot = IPMP_MAX_MEMBERS - 1;

		for (unsigned j = 0; j < cfg->nmembers; j++)
			if (cfg->members[j].ifindex == cfg->tx[i])
				slot = cfg->members[j].slot;
		tx.slot[tx.count++] = slot;
		tx_mask |= 1u << slot;
	}
	if (bpf_map_update_elem(fd_tx, &zero, &tx, BPF_ANY))
		return -errno;
	/*
	 * Buckets over tx_set's members as the agent spreads them, or, every
	 * other configuration, naming every member in turn, active or not
	 * (the moment between a member's failure and the agent's new buckets).
	 */
	if (variant & 2)
		buckets_assign(table, tx_mask);
	else
		for (unsigned b = 0; b < IPMP_BUCKETS; b++)
			table[b] = cfg->nmembers ? cfg->members[b % cfg->nmembers].slot : 0;
	cfg->bucket_slots = 0;
	for (unsigned b = 0; b < IPMP_BUCKETS; b++)
		cfg->bucket_slots |= 1u << table[b];
	for (uint32_t b = 0; b < IPMP_BUCKETS; b++)
		if (bpf_map_update_elem(fd_buckets, &b, &table[b], BPF_ANY))
			return -errno;
	for (unsigned i = 0; i < cfg->nbindings; i++) {
		const struct model_binding *b = &cfg->bindings[i];
		struct ipmp_addr_key key = { .family = b->family == 4 ? IPMP_AF_INET : IPMP_AF_INET6 };
		struct ipmp_binding val = { .ifindex = b->ifindex };
		struct ipmp_addr_entry e;
		uint32_t idx;

		memcpy(key.addr, b->addr, b->family == 4 ? 4 : 16);
		if (bpf_map_update_elem(fd_bind, &key, &val, BPF_ANY))
			return -errno;
		/*
		 * Its index entry as the agent writes it, or, every other
		 * configuration, an entry that sends the programs to
		 * addr_binding (as when two addresses share it).
		 */
		idx = addr_index_of(&key);
		if (bpf_map_lookup_elem(fd_index4, &idx, &e))
			return -errno;
		if (variant & 8)
			e.more = 1;
		else
			addr_index_entry_put(&e, &key, b->ifindex);
		if (bpf_map_update_elem(fd_index4, &idx, &e, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* probe_cfg of the member frames arrive on, in member_xdp's and member_ingress's maps */
static int probe_config(int fd, const struct model_cfg *cfg)
{
	if (cfg->probing)
		return bpf_map_update_elem(fd, &cfg->rx_ifindex, &cfg->probe, BPF_ANY) ? -errno : 0;
	if (bpf_map_delete_elem(fd, &cfg->rx_ifindex) && errno != ENOENT)
		return -errno;
	return 0;
}

int harness_config(struct harness *h, const struct model_cfg *cfg_in)
{
	static unsigned variant;	/* which way maps the model does not fix are filled */
	struct model_cfg cfg_buf = *cfg_in, *cfg = &cfg_buf;
	uint32_t zero = 0, in_tc = cfg->probing && cfg->probe.in_tc;
	int err;

	if (cfg->nmembers > MODEL_MEMBERS || cfg->ntx > MODEL_MEMBERS ||
	    cfg->nbindings > MODEL_BINDINGS)
		return -EINVAL;
	variant++;
	err = group_maps(h->egress->obj, cfg, variant);
	if (!err)
		err = group_maps(h->ingress->obj, cfg, variant);
	if (!err &&
	    bpf_map_update_elem(bpf_map__fd(h->ingress->maps.probe_tc), &zero, &in_tc, BPF_ANY))
		err = -errno;
	if (!err)
		err = probe_config(bpf_map__fd(h->xdp->maps.probe_cfg), cfg);
	if (!err)
		err = probe_config(bpf_map__fd(h->ingress->maps.probe_cfg), cfg);
	if (err)
		return err;
	h->cfg = *cfg;
	return 0;
}

static void say(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t len, const char *fmt, ...)
{
	size_t used = strlen(why);
	va_list ap;

	if (used >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(why + used, len - used, fmt, ap);
	va_end(ap);
}

static void hexdump(char *why, size_t whylen, const uint8_t *p, uint32_t len)
{
	say(why, whylen, " frame[%u]:", len);
	for (uint32_t i = 0; i < len && i < 96; i++)
		say(why, whylen, "%s%02x", i % 16 ? "" : " ", p[i]);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * What BPF_PROG_TEST_RUN refuses before any program runs: always less than
 * an Ethernet header. For tc, kernels differ: 6.18 also refuses an
 * IPv4/IPv6 frame shorter than its fixed header (it pulls it), and some
 * refuse a bare Ethernet header; either way is taken there, and a frame
 * that runs is held against the model like any other.
 */
enum refusal { RUNS, MAY_REFUSE, REFUSES };

static enum refusal kernel_refusal(enum harness_prog p, const uint8_t *f, uint32_t len)
{
	if (len < 14)
		return REFUSES;
	if (p == HARNESS_XDP)
		return RUNS;
	if (len == 14 || (rd16(f + 12) == 0x0800 && len < 14 + 20) ||
	    (rd16(f + 12) == 0x86dd && len < 14 + 40))
		return MAY_REFUSE;
	return RUNS;
}

static int test_run(struct harness *h, enum harness_prog p, const uint8_t *f, uint32_t len,
		    int *retval, uint32_t *out_len)
{
	struct xdp_md xctx = { .data_end = len, .ingress_ifindex = h->cfg.rx_ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f, .data_size_in = len, .repeat = 1);
	int fd;

	switch (p) {
	case HARNESS_EGRESS:
		fd = bpf_program__fd(h->egress->progs.group_egress);
		break;
	case HARNESS_INGRESS:
		fd = bpf_program__fd(h->ingress->progs.member_ingress);
		break;
	default:
		fd = bpf_program__fd(h->xdp->progs.member_xdp);
		opts.ctx_in = &xctx;
		opts.ctx_size_in = sizeof(xctx);
		break;
	}
	if (p != HARNESS_XDP) {
		opts.data_out = h->out;
		opts.data_size_out = sizeof(h->out);
	}
	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	*retval = (int)opts.retval;
	*out_len = opts.data_size_out;
	return 0;
}

/* The frame left behind against the model's; the ICMPv6 checksum by value. */
static bool same_frame(const struct model_verdict *v, const uint8_t *out, uint32_t out_len)
{
	uint32_t c = v->csum_off >= 0 ? (uint32_t)v->csum_off : UINT32_MAX;

	if (out_len != v->len)
		return false;
	for (uint32_t i = 0; i < out_len; i++)
		if ((i != c && i != c + 1) && out[i] != v->out[i])
			return false;
	if (c != UINT32_MAX) {
		/* 0x0000 and 0xffff are the same ones'-complement number */
		uint16_t got = rd16(out + c), want = rd16(v->out + c);

		if (got != want && !((got == 0 || got == 0xffff) && (want == 0 || want == 0xffff)))
			return false;
	}
	return true;
}

static void count(struct expected *e, const struct model_verdict *v, uint32_t len, bool rx)
{
	if (v->drop >= 0)
		e->drops[v->drop]++;
	if (v->probe_stat >= 0)
		e->probe_stats[v->probe_stat]++;
	if (v->slot >= 0 && v->slot < IPMP_MAX_MEMBERS) {
		if (rx) {
			e->stats[v->slot].rx_packets++;
			e->stats[v->slot].rx_bytes += len;
		} else {
			e->stats[v->slot].tx_packets++;
			e->stats[v->slot].tx_bytes += len;
		}
	}
}

/* A frame spread by flow: which member did the kernel's hash pick, and may it? */
static bool resolve_flow(struct harness *h, struct model_verdict *v, int ret, uint32_t out_len)
{
	if (ret == MODEL_TC_SHOT) {
		if (!v->flow_may_fail)
			return false;
		v->ret = MODEL_TC_SHOT;
		v->drop = IPMP_DROP_NO_MEMBER;
		return true;
	}
	if (ret != MODEL_TC_REDIRECT || out_len < 12)
		return false;
	for (unsigned i = 0; i < v->nflow_members; i++) {
		const struct model_member *m = model_member(&h->cfg, v->flow_members[i]);

		if (m && !memcmp(h->out + 6, m->mac, 6)) {
			memcpy(v->out + 6, m->mac, 6);
			v->ifindex = m->ifindex;
			v->slot = (int)m->slot;
			return true;
		}
	}
	return false;
}

/* The probe event the program reported (if any) against the model's. */
static int check_event(struct harness *h, enum harness_prog p, const struct model_verdict *v,
		       int ret, const uint8_t *f, uint32_t len, char *why, size_t whylen)
{
	struct ipmp_probe_event got;

	ring_buffer__consume(h->rb);
	if (ret != v->ret || h->nevents != (v->event ? 1u : 0u)) {
		say(why, whylen, "%s: returned %d with %u event(s), model says %d with %d",
		    prog_names[p], ret, h->nevents, v->ret, v->event);
		hexdump(why, whylen, f, len);
		return -1;
	}
	if (!v->event)
		return 0;
	got = h->events[0];
	if (!got.rx_ns) {
		say(why, whylen, "%s: event without a receive time", prog_names[p]);
		return -1;
	}
	got.rx_ns = 0;
	if (memcmp(&got, &v->ev, sizeof(got))) {
		say(why, whylen, "%s: event differs: kind %#x/%#x seq %u/%u sent %llu/%llu family %u/%u",
		    prog_names[p], got.kind, v->ev.kind, got.seq, v->ev.seq,
		    (unsigned long long)got.sent_ns, (unsigned long long)v->ev.sent_ns, got.family,
		    v->ev.family);
		hexdump(why, whylen, f, len);
		say(why, whylen, "\n  event:");
		hexdump(why, whylen, (const uint8_t *)&got, sizeof(got));
		say(why, whylen, "\n  model:");
		hexdump(why, whylen, (const uint8_t *)&v->ev, sizeof(v->ev));
		return -1;
	}
	return 0;
}

static int check_tc(struct harness *h, enum harness_prog p, const uint8_t *f, uint32_t len,
		    char *why, size_t whylen)
{
	struct model_verdict v;
	uint32_t out_len = 0;
	int ret, err;

	if (p == HARNESS_EGRESS)
		model_group_egress(&h->cfg, f, len, &v);
	else
		model_member_ingress(&h->cfg, f, len, &v);
	h->nevents = 0;
	err = test_run(h, p, f, len, &ret, &out_len);
	if (err) {
		if (err == -EINVAL && kernel_refusal(p, f, len) != RUNS) {
			h->refused[p]++;
			return 0;
		}
		say(why, whylen, "%s: test run failed (%s)", prog_names[p], strerror(-err));
		hexdump(why, whylen, f, len);
		return -1;
	}
	if (kernel_refusal(p, f, len) == REFUSES) {
		say(why, whylen, "%s: the kernel ran a frame it was expected to refuse", prog_names[p]);
		hexdump(why, whylen, f, len);
		return -1;
	}
	h->ran[p]++;
	if (v.by_flow && !resolve_flow(h, &v, ret, out_len)) {
		say(why, whylen, "%s: returned %d leaving by %02x:%02x:%02x:%02x:%02x:%02x, not one of the flow's %u member(s)%s",
		    prog_names[p], ret, h->out[6], h->out[7], h->out[8], h->out[9], h->out[10],
		    h->out[11], v.nflow_members, v.flow_may_fail ? " or no member" : "");
		hexdump(why, whylen, f, len);
		return -1;
	}
	if (ret != v.ret) {
		say(why, whylen, "%s: returned %d, model says %d (drop reason %d)", prog_names[p], ret,
		    v.ret, v.drop);
		hexdump(why, whylen, f, len);
		return -1;
	}
	if (p == HARNESS_INGRESS && check_event(h, p, &v, ret, f, len, why, whylen))
		return -1;
	if (ret != MODEL_TC_SHOT && !same_frame(&v, h->out, out_len)) {
		say(why, whylen, "%s: left a different frame than the model (verdict %d)",
		    prog_names[p], ret);
		hexdump(why, whylen, f, len);
		say(why, whylen, "\n  program left:");
		hexdump(why, whylen, h->out, out_len);
		say(why, whylen, "\n  model left:  ");
		hexdump(why, whylen, v.out, v.len);
		return -1;
	}
	count(&h->want[p], &v, len, p == HARNESS_INGRESS);
	return 0;
}

static int check_xdp(struct harness *h, const uint8_t *f, uint32_t len, char *why, size_t whylen)
{
	struct model_verdict v;
	uint32_t out_len;
	int ret, err;

	model_member_xdp(&h->cfg, f, len, &v);
	h->nevents = 0;
	err = test_run(h, HARNESS_XDP, f, len, &ret, &out_len);
	if (err) {
		if (err == -EINVAL && kernel_refusal(HARNESS_XDP, f, len) == REFUSES) {
			h->refused[HARNESS_XDP]++;
			return 0;
		}
		say(why, whylen, "member_xdp: test run failed (%s)", strerror(-err));
		hexdump(why, whylen, f, len);
		return -1;
	}
	h->ran[HARNESS_XDP]++;
	if (check_event(h, HARNESS_XDP, &v, ret, f, len, why, whylen))
		return -1;
	count(&h->want[HARNESS_XDP], &v, len, true);
	return 0;
}

int harness_run(struct harness *h, const uint8_t *f, uint32_t len, char *why, size_t whylen)
{
	if (whylen)
		why[0] = 0;
	if (len > MODEL_FRAME_MAX) {
		say(why, whylen, "frame of %u bytes: at most %u", len, MODEL_FRAME_MAX);
		return -1;
	}
	if (check_tc(h, HARNESS_EGRESS, f, len, why, whylen) ||
	    check_tc(h, HARNESS_INGRESS, f, len, why, whylen) || check_xdp(h, f, len, why, whylen))
		return -1;
	return 0;
}

/* Sum a per-CPU array entry of n 64-bit counters. */
static int percpu_sum(int fd, uint32_t key, uint64_t *sum, unsigned n)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals;

	if (ncpu <= 0)
		return -EINVAL;
	vals = calloc((size_t)ncpu * n, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, vals)) {
		free(vals);
		return -errno;
	}
	memset(sum, 0, n * sizeof(*sum));
	for (int c = 0; c < ncpu; c++)
		for (unsigned i = 0; i < n; i++)
			sum[i] += vals[(size_t)c * n + i];
	free(vals);
	return 0;
}

static int check_counter(char *why, size_t whylen, const char *prog, const char *what,
			 unsigned key, uint64_t got, uint64_t want)
{
	if (got == want)
		return 0;
	say(why, whylen, "%s: counter %s[%u] is %llu, model says %llu; ", prog, what, key,
	    (unsigned long long)got, (unsigned long long)want);
	return -1;
}

int harness_counters(struct harness *h, char *why, size_t whylen)
{
	struct bpf_object *objs[] = { h->egress->obj, h->ingress->obj };
	int bad = 0;

	if (whylen)
		why[0] = 0;
	for (int p = 0; p < 2; p++) {
		int fd_drops = bpf_object__find_map_fd_by_name(objs[p], "drops");
		int fd_stats = bpf_object__find_map_fd_by_name(objs[p], "stats");
		const struct expected *e = &h->want[p];

		for (uint32_t r = 0; r < IPMP_DROP__MAX; r++) {
			uint64_t n;

			if (percpu_sum(fd_drops, r, &n, 1))
				return -1;
			bad |= check_counter(why, whylen, prog_names[p], "drops", r, n, e->drops[r]);
		}
		for (uint32_t s = 0; s < IPMP_MAX_MEMBERS; s++) {
			uint64_t n[4];

			if (percpu_sum(fd_stats, s, n, 4))
				return -1;
			bad |= check_counter(why, whylen, prog_names[p], "tx_packets", s, n[0],
					     e->stats[s].tx_packets);
			bad |= check_counter(why, whylen, prog_names[p], "tx_bytes", s, n[1],
					     e->stats[s].tx_bytes);
			bad |= check_counter(why, whylen, prog_names[p], "rx_packets", s, n[2],
					     e->stats[s].rx_packets);
			bad |= check_counter(why, whylen, prog_names[p], "rx_bytes", s, n[3],
					     e->stats[s].rx_bytes);
		}
	}
	for (uint32_t r = 0; r < IPMP_PROBE_STAT__MAX; r++) {
		uint64_t n;

		if (percpu_sum(bpf_map__fd(h->xdp->maps.probe_stats), r, &n, 1))
			return -1;
		bad |= check_counter(why, whylen, "member_xdp", "probe_stats", r, n,
				     h->want[HARNESS_XDP].probe_stats[r]);
		if (percpu_sum(bpf_map__fd(h->ingress->maps.probe_stats), r, &n, 1))
			return -1;
		bad |= check_counter(why, whylen, "member_ingress", "probe_stats", r, n,
				     h->want[HARNESS_INGRESS].probe_stats[r]);
	}
	return bad ? -1 : 0;
}
