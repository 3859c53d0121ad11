// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Notify hooks (agent/hooks.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "hooks.h"
#include "log.h"
#include "snapshot.h"

#define HOOK_ENV_MAX	16
#define HOOK_ENV_LEN	192

struct hook_job {
	char program[PATH_MAX];
	char env[HOOK_ENV_MAX][HOOK_ENV_LEN];
	unsigned nenv;
	char what[96];		/* for messages: "member-state m0" */
};

struct hook_run {
	pid_t pid;		/* 0: a free slot */
	struct hook_job job;
	struct event *timer;
	bool terminated;	/* SIGTERM sent: SIGKILL next */
	struct hooks *h;
};

struct hooks {
	struct agent *a;
	struct event *sigchld;
	struct event *start;	/* drains the queue at a later turn than the decision's */
	struct hook_run run[HOOKS_RUNNING];
	struct hook_job queue[HOOKS_QUEUED];
	unsigned head, count;	/* the queue, a ring */
	unsigned dropped;	/* since the queue was last empty: said when it is again */
};

static void job_env(struct hook_job *j, const char *name, const char *value)
{
	if (j->nenv < HOOK_ENV_MAX)
		snprintf(j->env[j->nenv++], HOOK_ENV_LEN, "%s=%s", name, value ? value : "");
}

/* Would it run someone else's code as root: writable by others, or in a directory they may write? */
static const char *unsafe(const char *program)
{
	char dir[PATH_MAX];
	struct stat st;

	if (stat(program, &st))
		return strerror(errno);
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return "it may be written by someone other than root";
	snprintf(dir, sizeof(dir), "%s", program);
	if (stat(dirname(dir), &st) || st.st_uid != 0 ||
	    ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)))
		return "its directory may be written by someone other than root";
	return NULL;
}

static void timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hook_run *r = arg;
	struct timeval second = { .tv_sec = 1 };

	if (!r->pid)
		return;
	if (!r->terminated) {
		pr_warn("notify %s (%s): still running after %u s; terminated", r->job.program,
			r->job.what, r->h->a->cfg.notify_timeout_s);
		kill(-r->pid, SIGTERM);
		r->terminated = true;
		evtimer_add(r->timer, &second);
		return;
	}
	pr_warn("notify %s (%s): killed", r->job.program, r->job.what);
	kill(-r->pid, SIGKILL);
}

static bool spawn(struct hooks *h, struct hook_run *r, const struct hook_job *j)
{
	char *argv[] = { (char *)j->program, NULL }, *envp[HOOK_ENV_MAX + 2];
	struct timeval limit = { .tv_sec = h->a->cfg.notify_timeout_s };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	const char *why = unsafe(j->program);
	sigset_t none;
	int ret;

	if (why) {
		pr_err("notify %s (%s): not run: %s", j->program, j->what, why);
		return false;
	}
	for (unsigned i = 0; i < j->nenv; i++)
		envp[i] = (char *)j->env[i];
	envp[j->nenv] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	envp[j->nenv + 1] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setpgroup(&attr, 0);	/* its own group: a timeout kills all of it */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
					POSIX_SPAWN_SETSIGDEF);
	{
		sigset_t def;

		sigemptyset(&def);
		sigaddset(&def, SIGPIPE);
		sigaddset(&def, SIGCHLD);
		sigaddset(&def, SIGTERM);
		sigaddset(&def, SIGINT);
		sigaddset(&def, SIGHUP);
		posix_spawnattr_setsigdefault(&attr, &def);
	}
	ret = posix_spawn(&r->pid, j->program, &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (ret) {
		pr_err("notify %s (%s): cannot run it: %s", j->program, j->what, strerror(ret));
		r->pid = 0;
		return false;
	}
	r->job = *j;
	r->terminated = false;
	r->h = h;
	if (!r->timer)
		r->timer = evtimer_new(h->a->base, timeout_cb, r);
	if (r->timer)
		evtimer_add(r->timer, &limit);
	pr_debug("notify %s (%s): pid %d", j->program, j->what, (int)r->pid);
	return true;
}

/* Start what waits, while there is room. */
static void drain(struct hooks *h)
{
	for (unsigned i = 0; i < HOOKS_RUNNING && h->count; i++) {
		if (h->run[i].pid)
			continue;
		while (h->count && !spawn(h, &h->run[i], &h->queue[h->head])) {
			h->head = (h->head + 1) % HOOKS_QUEUED;
			h->count--;
		}
		if (h->run[i].pid) {
			h->head = (h->head + 1) % HOOKS_QUEUED;
			h->count--;
		}
	}
}

static void start_cb(evutil_socket_t fd, short what, void *arg)
{
	drain(arg);
}

static void sigchld_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hooks *h = arg;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (unsigned i = 0; i < HOOKS_RUNNING; i++) {
			struct hook_run *r = &h->run[i];

			if (r->pid != pid)
				continue;
			if (WIFEXITED(status) && WEXITSTATUS(status))
				pr_warn("notify %s (%s): exited with status %d", r->job.program,
					r->job.what, WEXITSTATUS(status));
			else if (WIFSIGNALED(status) && !r->terminated)
				pr_warn("notify %s (%s): died of signal %d", r->job.program,
					r->job.what, WTERMSIG(status));
			r->pid = 0;
			if (r->timer)
				evtimer_del(r->timer);
		}
	}
	drain(h);
	if (!h->count && h->dropped) {
		pr_warn("notify: %u events were dropped, the program too slow for them", h->dropped);
		h->dropped = 0;
	}
}

int hooks_open(struct agent *a)
{
	struct hooks *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->a = a;
	h->sigchld = evsignal_new(a->base, SIGCHLD, sigchld_cb, h);
	h->start = event_new(a->base, -1, 0, start_cb, h);
	if (!h->sigchld || !h->start || evsignal_add(h->sigchld, NULL)) {
		if (h->sigchld)
			event_free(h->sigchld);
		if (h->start)
			event_free(h->start);
		free(h);
		return -ENOMEM;
	}
	a->hooks = h;
	return 0;
}

void hooks_close(struct agent *a)
{
	struct hooks *h = a->hooks;

	if (!h)
		return;
	for (unsigned i = 0; i < HOOKS_RUNNING; i++) {
		if (h->run[i].pid) {
			pid_t pid = h->run[i].pid;

			pr_info("notify %s (%s): terminated, the agent stops", h->run[i].job.program,
				h->run[i].job.what);
			kill(-pid, SIGTERM);
			for (int t = 0; t < 100 && waitpid(pid, NULL, WNOHANG) == 0; t++)
				usleep(10000);	/* a second at most, then it is killed */
			if (kill(pid, 0) == 0) {
				kill(-pid, SIGKILL);
				waitpid(pid, NULL, 0);
			}
		}
		if (h->run[i].timer)
			event_free(h->run[i].timer);
	}
	event_free(h->sigchld);
	event_free(h->start);
	free(h);
	a->hooks = NULL;
}

static void enqueue(struct hooks *h, const struct hook_job *j)
{
	if (h->count == HOOKS_QUEUED) {
		if (!h->dropped++)
			pr_warn("notify: %u events wait already; the oldest are dropped (first: %s)",
				HOOKS_QUEUED, h->queue[h->head].what);
		h->head = (h->head + 1) % HOOKS_QUEUED;
		h->count--;
	}
	h->queue[(h->head + h->count) % HOOKS_QUEUED] = *j;
	h->count++;
	/* not here, inside the decision: a fork would stand before its announcements */
	if (!event_pending(h->start, EV_TIMEOUT, NULL))
		event_active(h->start, EV_TIMEOUT, 0);
}

void hooks_event(struct agent *a, struct agent_group *ag, const struct group_event *ev)
{
	const char *program = ag->cfg->notify[0] ? ag->cfg->notify : a->cfg.notify;
	struct ipmp_group *g = &ag->group;
	char buf[IP_PREFIX_STRLEN], mac[MAC_STRLEN], flags[8], now[32];
	struct hook_job j = { .nenv = 0 };
	struct timespec wall;

	if (!program[0] || !a->hooks)
		return;
	snprintf(j.program, sizeof(j.program), "%s", program);
	clock_gettime(CLOCK_REALTIME, &wall);
	snprintf(now, sizeof(now), "%lld.%06ld", (long long)wall.tv_sec, wall.tv_nsec / 1000);
	job_env(&j, "IPMP_GROUP", g->name);
	job_env(&j, "IPMP_GROUP_INTERFACE", g->ifname);
	job_env(&j, "IPMP_TIME", now);
	switch (ev->kind) {
	case GROUP_EVENT_GROUP_STATE:
		job_env(&j, "IPMP_EVENT", "group-state");
		job_env(&j, "IPMP_STATE", group_state_names[ev->to]);
		job_env(&j, "IPMP_PREVIOUS_STATE", group_state_names[ev->from]);
		snprintf(j.what, sizeof(j.what), "group-state %s", group_state_names[ev->to]);
		break;
	case GROUP_EVENT_MEMBER_STATE:
		snapshot_member_flags(ev->member, ev->flags, flags);
		job_env(&j, "IPMP_EVENT", "member-state");
		job_env(&j, "IPMP_INTERFACE", ev->ifname);
		job_env(&j, "IPMP_STATE", member_state_names[ev->state]);
		job_env(&j, "IPMP_FLAGS", flags);
		job_env(&j, "IPMP_ACTIVE", ev->active ? "yes" : "no");
		snprintf(j.what, sizeof(j.what), "member-state %s %s", ev->ifname,
			 member_state_names[ev->state]);
		break;
	case GROUP_EVENT_MEMBER_JOINED:
	case GROUP_EVENT_MEMBER_LEFT:
		job_env(&j, "IPMP_EVENT", ev->kind == GROUP_EVENT_MEMBER_JOINED ? "member-joined" :
										  "member-left");
		job_env(&j, "IPMP_INTERFACE", ev->ifname);
		snprintf(j.what, sizeof(j.what), "%s %s",
			 ev->kind == GROUP_EVENT_MEMBER_JOINED ? "member-joined" : "member-left",
			 ev->ifname);
		break;
	case GROUP_EVENT_FAILOVER:
		if (!ev->addr->bound)
			return;
		mac_str(ev->addr->bound->mac, mac);
		job_env(&j, "IPMP_EVENT", "failover");
		job_env(&j, "IPMP_ADDRESS", ip_prefix_str(&ev->addr->prefix, false, buf, sizeof(buf)));
		job_env(&j, "IPMP_FROM", ev->left);
		job_env(&j, "IPMP_TO", ev->addr->bound->ifname);
		job_env(&j, "IPMP_MAC", mac);
		snprintf(j.what, sizeof(j.what), "failover %s to %s", buf, ev->addr->bound->ifname);
		break;
	}
	enqueue(a->hooks, &j);
}
