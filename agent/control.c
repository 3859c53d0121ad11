// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The control socket (agent/control.h). Requests and replies are one JSON
 * object per line:
 *   -> {"version": 1, "cmd": "snapshot"}
 *   <- {"version": 1, "ok": true, "snapshot": {...}}
 *   <- {"version": 1, "ok": false, "error": "unknown command 'x'"}
 */
#define _GNU_SOURCE	/* struct ucred */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "admin.h"
#include "agent.h"
#include "control.h"
#include "ipmp_errors.h"
#include "log.h"
#include "probe_io.h"
#include "request.h"
#include "snapshot.h"
#include "ipaddr.h"

struct client {
	struct client *next;
	struct control *control;
	struct bufferevent *bev;
	struct ucred cred;	/* SO_PEERCRED: as the peer was at connect() */
	bool privileged;	/* decided once, at accept: may change state */
	bool paused;		/* not reading its requests until it reads our replies */
	unsigned streams;	/* enum control_stream bits subscribed to */
	bool dropping;		/* freed from the event loop soon; touch nothing */
};

struct control {
	struct agent *agent;
	struct evconnlistener *listener;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct event *resume;	/* re-enables accepting after running out of descriptors */
	unsigned nclients;
	unsigned probe_followers;	/* clients subscribed to CONTROL_STREAM_PROBES */
	unsigned event_followers;	/* and to CONTROL_STREAM_EVENTS */
	struct client *clients;
	uint64_t refused_logged_s;	/* refusals are logged at most once a second */
};

static const struct timeval idle_timeout = { .tv_sec = CONTROL_IDLE_TIMEOUT_S };
static const struct timeval write_timeout = { .tv_sec = CONTROL_WRITE_TIMEOUT_S };

static void client_free(struct client *cl)
{
	struct client **pp = &cl->control->clients;

	while (*pp && *pp != cl)
		pp = &(*pp)->next;
	if (*pp)
		*pp = cl->next;
	cl->control->nclients--;
	if (cl->streams & CONTROL_STREAM_PROBES && !--cl->control->probe_followers)
		probe_io_live(cl->control->agent, false);
	if (cl->streams & CONTROL_STREAM_EVENTS)
		cl->control->event_followers--;
	bufferevent_free(cl->bev);
	free(cl);
}

/* Queue one line; a client that lets them pile up is to be dropped (false). */
static bool client_send(struct client *cl, const json_t *obj)
{
	struct evbuffer *out = bufferevent_get_output(cl->bev);
	char *text = json_dumps(obj, JSON_COMPACT);

	if (!text)
		return false;
	if (evbuffer_get_length(out) + strlen(text) > CONTROL_OUTPUT_MAX) {
		pr_warn("control: dropping a client that does not read its replies");
		free(text);
		return false;
	}
	evbuffer_add(out, text, strlen(text));
	evbuffer_add(out, "\n", 1);
	free(text);
	return true;
}

static bool client_reply(struct client *cl, json_t *reply)
{
	bool ok;

	json_object_set_new(reply, "version", json_integer(IPMP_PROTOCOL_VERSION));
	ok = client_send(cl, reply);
	json_decref(reply);
	return ok;
}

static void client_free_cb(evutil_socket_t fd, short what, void *arg)
{
	client_free(arg);
}

/*
 * Drop a client from outside its own callbacks: it may be the client whose
 * request caused this event, still inside client_read(). Stop its I/O now,
 * free it from the event loop.
 */
static void client_drop_later(struct client *cl)
{
	static const struct timeval now = { 0, 0 };

	if (cl->dropping)
		return;
	cl->dropping = true;
	cl->streams = 0;
	bufferevent_disable(cl->bev, EV_READ | EV_WRITE);
	bufferevent_setcb(cl->bev, NULL, NULL, NULL, NULL);
	if (event_base_once(cl->control->agent->base, -1, EV_TIMEOUT, client_free_cb, cl, &now))
		pr_err("control: cannot schedule a client's removal");
}

unsigned control_followers(const struct control *c, enum control_stream stream)
{
	if (!c)
		return 0;
	return stream == CONTROL_STREAM_PROBES ? c->probe_followers : c->event_followers;
}

void control_publish(struct control *c, enum control_stream stream, json_t *event)
{
	if (!c)
		return;
	json_object_set_new(event, "version", json_integer(IPMP_PROTOCOL_VERSION));
	for (struct client *cl = c->clients; cl; cl = cl->next)
		if ((cl->streams & stream) && !client_send(cl, event))
			client_drop_later(cl);
}

static json_t *error_reply(const char *fmt, const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	return json_pack("{s:b, s:s}", "ok", 0, "error", msg);
}

/* A libipmp error: the code, the errno for IPMP_FAILURE, and the text. */
static json_t *ipmp_error_reply(int code, int err)
{
	return json_pack("{s:b, s:s, s:i, s:i}", "ok", 0, "error", ipmp_errmsg(code, err), "code",
			 code, "errno", err);
}

/* What an admin_* call left: ok, or its error with code and errno. */
static json_t *admin_reply(struct admin_result *r)
{
	json_t *reply;

	if (r->code)
		reply = json_pack("{s:b, s:s, s:i, s:i}", "ok", 0, "error", r->msg, "code", r->code,
				  "errno", r->err);
	else
		reply = json_pack("{s:b}", "ok", 1);
	if (reply && r->changes)
		json_object_set(reply, "changes", r->changes);
	if (reply && r->errors)
		json_object_set(reply, "errors", r->errors);
	admin_result_free(r);
	return reply;
}

/* {"cmd": "snapshot", "addresses": false} leaves the address list empty; "table": snapshot.h. */
static json_t *cmd_snapshot(struct control *c, const struct request *req)
{
	struct agent *a = c->agent;
	struct ipmp_group *groups[a->ngroups ? a->ngroups : 1];
	json_t *snap;

	for (unsigned i = 0; i < a->ngroups; i++) {
		probe_io_drain(a->groups[i]);	/* the replies so far, in the figures */
		groups[i] = &a->groups[i]->group;
	}
	snap = snapshot_build(groups, a->ngroups, req->addresses);
	if (!snap)
		return error_reply("%s", "out of memory");
	return json_pack("{s:b, s:o}", "ok", 1, "snapshot", snap);
}

static json_t *handle_request(struct client *cl, const char *line, size_t len)
{
	struct request req;

	if (request_decode(line, len, &req))
		return error_reply("%s", req.error);
	if (req.privileged && !cl->privileged) {
		if (req.cmd == IPMP_CMD_OFFLINE || req.cmd == IPMP_CMD_UNDO_OFFLINE)
			pr_err("Unprivileged request from uid %u for privileged command %s",
			       (unsigned)cl->cred.uid, ipmp_cmd_name(req.cmd));
		return ipmp_error_reply(IPMP_FAILURE, EPERM);
	}
	if (req.code)
		return ipmp_error_reply(req.code, 0);
	if (req.error[0])
		return error_reply("%s", req.error);
	switch (req.cmd) {
	case IPMP_CMD_PING:
		return json_pack("{s:b}", "ok", 1);
	case IPMP_CMD_SNAPSHOT:
		return cmd_snapshot(cl->control, &req);
	case IPMP_CMD_PROBES:
	case IPMP_CMD_EVENTS:
		/* from now on this connection also carries that stream: a follower may be quiet */
		if (req.cmd == IPMP_CMD_PROBES && !(cl->streams & CONTROL_STREAM_PROBES) &&
		    !cl->control->probe_followers++)
			probe_io_live(cl->control->agent, true);	/* replies wake the agent */
		if (req.cmd == IPMP_CMD_EVENTS && !(cl->streams & CONTROL_STREAM_EVENTS))
			cl->control->event_followers++;
		cl->streams |= req.cmd == IPMP_CMD_PROBES ? CONTROL_STREAM_PROBES : CONTROL_STREAM_EVENTS;
		bufferevent_set_timeouts(cl->bev, NULL, &write_timeout);
		pr_debug("control: a client follows %s", ipmp_cmd_name(req.cmd));
		return json_pack("{s:b}", "ok", 1);
	default: {
		/* everything that changes state is admin.c's */
		struct admin_result r;

		admin_result_init(&r);
		admin_execute(cl->control->agent, &req, &r);
		return admin_reply(&r);
	}
	}
}

static void client_event(struct bufferevent *bev, short what, void *arg);

static void client_closed(struct bufferevent *bev, void *arg)
{
	client_free(arg);
}

/* Say the last word, then hang up once it has been written. */
static void client_close_after_reply(struct client *cl, json_t *reply)
{
	client_reply(cl, reply);
	bufferevent_disable(cl->bev, EV_READ);
	if (!evbuffer_get_length(bufferevent_get_output(cl->bev))) {
		client_free(cl);
		return;
	}
	bufferevent_setwatermark(cl->bev, EV_WRITE, 0, 0);
	bufferevent_setcb(cl->bev, NULL, client_closed, client_event, cl);
}

/*
 * Requests are answered in order while the client reads the answers; once
 * CONTROL_OUTPUT_PAUSE bytes of them wait, its requests wait too (in its
 * socket, not in our memory) until it has read them all (client_drained).
 */
static void client_read(struct bufferevent *bev, void *arg)
{
	struct client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev), *out = bufferevent_get_output(bev);
	size_t len;
	char *line;

	while (evbuffer_get_length(out) < CONTROL_OUTPUT_PAUSE &&
	       (line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF))) {
		if (len > CONTROL_REQUEST_MAX) {
			free(line);
			client_close_after_reply(cl, error_reply("%s", "request too long"));
			return;
		}
		agent_mark(cl->control->agent);
		bool ok = client_reply(cl, handle_request(cl, line, len));

		free(line);
		if (cl->dropping)
			return;		/* the request's own events dropped it */
		if (!ok) {
			client_free(cl);	/* not reading its replies */
			return;
		}
	}
	if (evbuffer_get_length(out) >= CONTROL_OUTPUT_PAUSE) {
		cl->paused = true;
		bufferevent_disable(bev, EV_READ);
		return;
	}
	if (evbuffer_get_length(in) > CONTROL_REQUEST_MAX)
		client_close_after_reply(cl, error_reply("%s", "request too long"));
}

/* Its output is written: take its waiting requests again. */
static void client_drained(struct bufferevent *bev, void *arg)
{
	struct client *cl = arg;

	if (!cl->paused)
		return;
	cl->paused = false;
	bufferevent_enable(bev, EV_READ);
	client_read(bev, cl);
}

static void client_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		client_free(arg);	/* gone, idle too long, or not reading for too long */
}

/* uid 0, or a member of admin_group (its primary group or a supplementary one). */
static bool peer_privileged(const struct control *c, int fd, const struct ucred *cred)
{
	const struct ipmp_config *cfg = &c->agent->cfg;
	gid_t groups[256];
	socklen_t len = sizeof(groups);

	if (cred->uid == 0)
		return true;
	if (!cfg->admin_group[0])
		return false;
	if (cred->gid == cfg->admin_gid)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len))
		return false;	/* a lookup that fails grants nothing */
	for (unsigned i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == cfg->admin_gid)
			return true;
	return false;
}

static unsigned user_clients(const struct control *c, uid_t uid)
{
	unsigned n = 0;

	for (const struct client *cl = c->clients; cl; cl = cl->next)
		n += cl->cred.uid == uid && !cl->dropping;
	return n;
}

/* Whether an unprivileged peer may have one more connection; logs a refusal now and then. */
static bool unprivileged_room(struct control *c, const struct ucred *cred)
{
	uint64_t now_s = clock_now_ms(c->agent->clock) / 1000;
	unsigned mine = user_clients(c, cred->uid);

	if (c->nclients < CONTROL_CLIENTS_MAX - CONTROL_CLIENTS_RESERVED &&
	    mine < CONTROL_CLIENTS_PER_USER)
		return true;
	if (now_s != c->refused_logged_s)
		pr_warn("control: refusing a connection from uid %u (%u of its own, %u in all)",
			(unsigned)cred->uid, mine, c->nclients);
	c->refused_logged_s = now_s;
	return false;
}

/*
 * Who the peer is, and what it may do, is decided here once, from the
 * kernel's SO_PEERCRED (its credentials at connect(): a user namespace's
 * root is its real uid, a socket handed to a setuid program keeps the
 * uid that connected) and never from /proc. A peer whose credentials
 * cannot be read is not served at all. Unprivileged users get at most
 * CONTROL_CLIENTS_PER_USER connections each and never the last
 * CONTROL_CLIENTS_RESERVED, which stay for root and admin_group.
 */
static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
		      void *arg)
{
	struct control *c = arg;
	socklen_t credlen = sizeof(struct ucred);
	struct ucred cred;
	struct client *cl;
	bool privileged;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &credlen) || credlen != sizeof(cred)) {
		pr_warn("control: cannot read a client's credentials: %s; refusing it",
			strerror(errno));
		close(fd);
		return;
	}
	privileged = peer_privileged(c, fd, &cred);
	if (c->nclients >= CONTROL_CLIENTS_MAX || (!privileged && !unprivileged_room(c, &cred))) {
		close(fd);
		return;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(fd);
		return;
	}
	cl->control = c;
	cl->cred = cred;
	cl->privileged = privileged;
	cl->bev = bufferevent_socket_new(c->agent->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!cl->bev) {
		close(fd);
		free(cl);
		return;
	}
	c->nclients++;
	cl->next = c->clients;
	c->clients = cl;
	/* at most a request's worth waits in our input buffer; the rest in the socket */
	bufferevent_setwatermark(cl->bev, EV_READ, 0, CONTROL_REQUEST_MAX + 1);
	bufferevent_set_timeouts(cl->bev, &idle_timeout, &write_timeout);
	bufferevent_setcb(cl->bev, client_read, client_drained, client_event, cl);
	bufferevent_enable(cl->bev, EV_READ | EV_WRITE);
}

static void accept_resume(evutil_socket_t fd, short what, void *arg)
{
	struct control *c = arg;

	evconnlistener_enable(c->listener);
}

/*
 * accept() failed. Out of descriptors the listening socket stays readable:
 * stop accepting for 100 ms rather than spin (at most ten warnings a second).
 */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
	struct control *c = arg;
	static const struct timeval pause = { .tv_usec = 100000 };
	int err = EVUTIL_SOCKET_ERROR();

	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM)
		return;
	if (!evtimer_pending(c->resume, NULL))
		pr_warn("control: cannot accept clients: %s; pausing 100 ms", strerror(err));
	evconnlistener_disable(l);
	evtimer_add(c->resume, &pause);
}

static int mkdir_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

struct control *control_open(struct agent *a, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct control *c;
	int ret;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		pr_err("control socket path %s is too long", path);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->agent = a;
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	ret = mkdir_parent(path);
	if (ret) {
		pr_err("cannot create the directory of %s: %s", path, strerror(-ret));
		free(c);
		return NULL;
	}
	unlink(path);	/* a previous agent's */
	c->listener = evconnlistener_new_bind(a->base, on_accept, c,
					      LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 64,
					      (struct sockaddr *)&sun, sizeof(sun));
	if (!c->listener) {
		pr_err("cannot listen on %s: %s", path, strerror(errno));
		free(c);
		return NULL;
	}
	c->resume = evtimer_new(a->base, accept_resume, c);
	if (!c->resume) {
		evconnlistener_free(c->listener);
		free(c);
		return NULL;
	}
	evconnlistener_set_error_cb(c->listener, on_accept_error);
	chmod(path, 0666);	/* anyone reads; who may change things is decided at accept */
	return c;
}

void control_close(struct control *c)
{
	if (!c)
		return;
	while (c->clients)
		client_free(c->clients);
	evconnlistener_free(c->listener);
	event_free(c->resume);
	unlink(c->path);
	free(c);
}
