// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * carrier_off: a driver's carrier loss, told to the agent as the driver
 * reports it (docs/design.md, "Early carrier loss").
 *
 * The kernel tells user space of a carrier change from linkwatch, a work
 * item that needs the RTNL lock and runs a physical NIC's loss at most
 * once a second after the last one (it is not "urgent"); a macvlan's loss
 * takes two such hops, its lower device's and its own. This program runs
 * when netif_carrier_off() is called on a device whose carrier is on, and
 * hands the device's ifindex to the agent over a ring buffer, for devices
 * in the agent's network namespace only; the agent decides which of them
 * are its members or their lower devices. Nothing here changes any state:
 * the netlink event still comes, later, and finds the decision taken.
 *
 * A kprobe, not fexit: kprobes are there wherever tracing programs load
 * (a BPF trampoline is refused on some virtual machines' kernels).
 */
#include <linux/bpf.h>
#include <asm/ptrace.h>	/* struct pt_regs, for BPF_KPROBE */
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <ipmp/carrier.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The kernel's own types, only the fields read here (CO-RE: relocated by name at load). */
struct ns_common {
	unsigned int inum;
} __attribute__((preserve_access_index));

struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));

typedef struct {
	struct net *net;
} possible_net_t;

struct net_device {
	int ifindex;
	possible_net_t nd_net;
	unsigned long state;
} __attribute__((preserve_access_index));

/* __LINK_STATE_NOCARRIER, an enum in include/linux/netdevice.h, read from the kernel's BTF */
enum netdev_state_t___ipmp {
	__LINK_STATE_NOCARRIER___ipmp = 2,
};

/* Set by the agent before load: the inode number of its network namespace. */
const volatile __u32 netns_inum = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, IPMP_CARRIER_RINGBUF_BYTES);
} carrier_events SEC(".maps");

SEC("kprobe/netif_carrier_off")
int BPF_KPROBE(carrier_off, struct net_device *dev)
{
	struct ipmp_carrier_event *ev;
	__u32 nocarrier = bpf_core_enum_value(enum netdev_state_t___ipmp,
					      __LINK_STATE_NOCARRIER___ipmp);
	int ifindex = BPF_CORE_READ(dev, ifindex);

	/* 0: a device being registered (a VLAN's init sets its carrier off before it has one) */
	if (ifindex <= 0 || BPF_CORE_READ(dev, nd_net.net, ns.inum) != netns_inum)
		return 0;
	/* off already: this call changes nothing */
	if (BPF_CORE_READ(dev, state) & (1UL << nocarrier))
		return 0;
	ev = bpf_ringbuf_reserve(&carrier_events, sizeof(*ev), 0);
	if (!ev)
		return 0;	/* full: the netlink event still comes */
	ev->ifindex = ifindex;
	ev->time_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(ev, 0);
	return 0;
}
