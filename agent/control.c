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
#include "request.h"
#include "snapshot.h"
#include "ipaddr.h"

#define CAP_NET_ADMIN_BIT	12

struct client {
	struct client *next;
	struct control *control;
	struct bufferevent *bev;
	struct ucred cred;
	unsigned streams;	/* enum control_stream bits subscribed to */
	bool dropping;		/* freed from the event loop soon; touch nothing */
};

struct control {
	struct agent *agent;
	struct evconnlistener *listener;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct event *resume;	/* re-enables accepting after running out of descriptors */
	unsigned nclients;
	struct client *clients;
};

static void client_free(struct client *cl)
{
	struct client **pp = &cl->control->clients;

	while (*pp && *pp != cl)
		pp = &(*pp)->next;
	if (*pp)
		*pp = cl->next;
	cl->control->nclients--;
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

/* uid 0, or CAP_NET_ADMIN in the caller's effective set. */
static bool client_privileged(const struct client *cl)
{
	char path[64], line[256];
	bool ok = false;
	FILE *f;

	if (cl->cred.uid == 0)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)cl->cred.pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long caps;

		if (sscanf(line, "CapEff: %llx", &caps) == 1) {
			ok = caps & (1ULL << CAP_NET_ADMIN_BIT);
			break;
		}
	}
	fclose(f);
	return ok;
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

/* {"cmd": "snapshot", "addresses": false} leaves the address list empty. */
static json_t *cmd_snapshot(struct control *c, const struct request *req)
{
	struct agent *a = c->agent;
	struct ipmp_group *groups[a->ngroups ? a->ngroups : 1];
	json_t *snap;

	for (unsigned i = 0; i < a->ngroups; i++)
		groups[i] = &a->groups[i]->group;
	snap = snapshot_build(groups, a->ngroups, req->with_addresses);
	if (!snap)
		return error_reply("%s", "out of memory");
	return json_pack("{s:b, s:o}", "ok", 1, "snapshot", snap);
}

static json_t *handle_request(struct client *cl, const char *line, size_t len)
{
	struct request req;

	if (request_decode(line, len, &req))
		return error_reply("%s", req.error);
	if (req.privileged && !client_privileged(cl)) {
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
		/* from now on this connection also carries that stream */
		cl->streams |= req.cmd == IPMP_CMD_PROBES ? CONTROL_STREAM_PROBES : CONTROL_STREAM_EVENTS;
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

static void client_drained(struct bufferevent *bev, void *arg)
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
	bufferevent_setcb(cl->bev, NULL, client_drained, client_event, cl);
}

static void client_read(struct bufferevent *bev, void *arg)
{
	struct client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len;
	char *line;

	while ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF))) {
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
	if (evbuffer_get_length(in) > CONTROL_REQUEST_MAX)
		client_close_after_reply(cl, error_reply("%s", "request too long"));
}

static void client_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		client_free(arg);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
		      void *arg)
{
	struct control *c = arg;
	socklen_t credlen = sizeof(struct ucred);
	struct client *cl;

	if (c->nclients >= CONTROL_CLIENTS_MAX) {
		close(fd);
		return;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(fd);
		return;
	}
	cl->control = c;
	getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cl->cred, &credlen);
	cl->bev = bufferevent_socket_new(c->agent->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!cl->bev) {
		close(fd);
		free(cl);
		return;
	}
	c->nclients++;
	cl->next = c->clients;
	c->clients = cl;
	bufferevent_setcb(cl->bev, client_read, NULL, client_event, cl);
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
	chmod(path, 0666);	/* anyone reads; changes are checked per request */
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
