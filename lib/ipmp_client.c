// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Control-socket client and snapshot decoding (lib/ipmp_client.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ipmp_client.h"

#define IPMP_SOCKET_PATH	"/run/ipmp/ipmp.sock"
#define REPLY_MAX		(16 * 1024 * 1024)

int ipmp_client_open(struct ipmp_client *c, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (!path)
		path = getenv("IPMP_SOCKET");
	if (!path || !*path)
		path = IPMP_SOCKET_PATH;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun))) {
		int err = -errno;

		close(c->fd);
		c->fd = -1;
		return err;
	}
	return 0;
}

void ipmp_client_close(struct ipmp_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->rbuf);
	c->rbuf = NULL;
	c->rlen = c->rcap = 0;
}

/* The next line from the agent, however the bytes arrive. */
static int read_line(struct ipmp_client *c, char **out)
{
	char *nl;
	ssize_t n;

	for (;;) {
		nl = c->rbuf ? memchr(c->rbuf, '\n', c->rlen) : NULL;
		if (nl) {
			size_t len = nl - c->rbuf;

			*out = malloc(len + 1);
			if (!*out)
				return -ENOMEM;
			memcpy(*out, c->rbuf, len);
			(*out)[len] = '\0';
			c->rlen -= len + 1;
			memmove(c->rbuf, nl + 1, c->rlen);
			return 0;
		}
		if (c->rlen + 4096 > c->rcap) {
			size_t cap = c->rcap ? c->rcap * 2 : 8192;
			char *grown = cap <= REPLY_MAX ? realloc(c->rbuf, cap) : NULL;

			if (!grown)
				return -EMSGSIZE;
			c->rbuf = grown;
			c->rcap = cap;
		}
		n = read(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -ECONNRESET;
		c->rlen += n;
	}
}

int ipmp_client_next(struct ipmp_client *c, json_t **event)
{
	json_error_t jerr;
	char *line;
	int ret = read_line(c, &line);

	if (ret)
		return ret;
	*event = json_loads(line, 0, &jerr);
	free(line);
	return *event ? 0 : -EPROTO;
}

/* One request and its reply object, ok or not (c->error and code set when not). */
static int client_call_any(struct ipmp_client *c, enum ipmp_cmd cmd, json_t *args, json_t **reply)
{
	json_t *req = args ? json_deep_copy(args) : json_object(), *rep;
	json_error_t jerr;
	char *text, *line = NULL;
	size_t len;
	int ret;

	c->error[0] = '\0';
	c->code = c->err = 0;
	json_object_set_new(req, "version", json_integer(1));
	json_object_set_new(req, "cmd", json_string(ipmp_cmd_name(cmd)));
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!text)
		return -ENOMEM;
	len = strlen(text);
	text[len++] = '\n';	/* over the terminating NUL: we send len bytes */
	ret = send(c->fd, text, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -errno;
	free(text);
	if (ret)
		return ret;
	ret = read_line(c, &line);
	if (ret)
		return ret;
	rep = json_loads(line, 0, &jerr);
	free(line);
	if (!rep || !json_is_object(rep)) {
		snprintf(c->error, sizeof(c->error), "malformed reply from the agent");
		json_decref(rep);
		return -EPROTO;
	}
	if (!json_is_true(json_object_get(rep, "ok"))) {
		const char *msg = json_string_value(json_object_get(rep, "error"));

		snprintf(c->error, sizeof(c->error), "%s", msg ? msg : "request failed");
		c->code = json_integer_value(json_object_get(rep, "code"));
		c->err = json_integer_value(json_object_get(rep, "errno"));
		ret = -EREMOTEIO;
	}
	*reply = rep;
	return ret;
}

int ipmp_client_call(struct ipmp_client *c, enum ipmp_cmd cmd, json_t *args, json_t **reply)
{
	json_t *rep = NULL;
	int ret = client_call_any(c, cmd, args, &rep);

	if (ret) {
		json_decref(rep);
		return ret;
	}
	*reply = rep;
	return 0;
}

/* A reply's list of strings, copied; missing is an empty list. */
static int strings_decode(const json_t *list, char ***out, unsigned *n)
{
	size_t i;
	json_t *v;

	*out = NULL;
	*n = 0;
	if (!json_is_array(list) || !json_array_size(list))
		return 0;
	*out = calloc(json_array_size(list), sizeof(**out));
	if (!*out)
		return -ENOMEM;
	json_array_foreach(list, i, v) {
		const char *s = json_string_value(v);

		if (s && !((*out)[(*n)++] = strdup(s)))
			return -ENOMEM;
	}
	return 0;
}

int ipmp_client_reload(struct ipmp_client *c, struct ipmp_reload *r)
{
	json_t *rep = NULL;
	int ret = client_call_any(c, IPMP_CMD_RELOAD, NULL, &rep), dret;

	memset(r, 0, sizeof(*r));
	if (rep) {
		dret = strings_decode(json_object_get(rep, "changes"), &r->changes, &r->nchanges);
		if (!dret)
			dret = strings_decode(json_object_get(rep, "errors"), &r->errors,
					      &r->nerrors);
		if (dret && !ret)
			ret = dret;
	}
	json_decref(rep);
	return ret;
}

void ipmp_reload_free(struct ipmp_reload *r)
{
	for (unsigned i = 0; i < r->nchanges; i++)
		free(r->changes[i]);
	for (unsigned i = 0; i < r->nerrors; i++)
		free(r->errors[i]);
	free(r->changes);
	free(r->errors);
	memset(r, 0, sizeof(*r));
}

int ipmp_client_ping(struct ipmp_client *c)
{
	json_t *reply;
	int ret = ipmp_client_call(c, IPMP_CMD_PING, NULL, &reply);

	if (!ret)
		json_decref(reply);
	return ret;
}

int ipmp_client_snapshot(struct ipmp_client *c, struct ipmp_snapshot *snap, bool with_addrs)
{
	/* with addresses: as one table, not an object each (agent/snapshot.h) */
	json_t *reply, *args = with_addrs ? json_pack("{s:s}", "addresses", "table") :
					    json_pack("{s:b}", "addresses", 0);
	int ret = ipmp_client_call(c, IPMP_CMD_SNAPSHOT, args, &reply);

	json_decref(args);
	if (ret)
		return ret;
	ret = ipmp_snapshot_decode(json_object_get(reply, "snapshot"), snap, c->error,
				   sizeof(c->error));
	json_decref(reply);
	return ret;
}

/* --- decoding ------------------------------------------------------------------ */

static bool get_str(const json_t *o, const char *key, char *out, size_t len)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!s || strlen(s) >= len)
		return false;
	memcpy(out, s, strlen(s) + 1);
	return true;
}

static bool get_names(const json_t *o, const char *key, char (**out)[IPMP_CLIENT_NAME_MAX],
		      unsigned *n)
{
	const json_t *arr = json_object_get(o, key);
	size_t i;
	json_t *v;

	*out = NULL;
	*n = 0;
	if (!json_is_array(arr))
		return false;
	*out = calloc(json_array_size(arr) ? json_array_size(arr) : 1, sizeof(**out));
	if (!*out)
		return false;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);

		if (!s || strlen(s) >= IPMP_CLIENT_NAME_MAX) {
			free(*out);	/* nothing half-decoded is left to free */
			*out = NULL;
			*n = 0;
			return false;
		}
		snprintf((*out)[(*n)++], IPMP_CLIENT_NAME_MAX, "%s", s);
	}
	return true;
}

static bool decode_group(const json_t *o, struct ipmp_snap_group *g)
{
	const json_t *fdt = json_object_get(o, "fdt_ms");

	return get_str(o, "ifname", g->ifname, sizeof(g->ifname)) &&
	       get_str(o, "name", g->name, sizeof(g->name)) &&
	       get_str(o, "state", g->state, sizeof(g->state)) && json_is_integer(fdt) &&
	       json_integer_value(fdt) >= 0 && (g->fdt_ms = json_integer_value(fdt), true) &&
	       get_names(o, "interfaces", &g->interfaces, &g->ninterfaces) &&
	       (!json_object_get(o, "outbound") ||
		get_names(o, "outbound", &g->outbound, &g->noutbound));
}

/* IPv6 probing: optional (an agent without it sends none), all three or nothing. */
static bool decode_if6(const json_t *o, struct ipmp_snap_if *i)
{
	if (!json_object_get(o, "mode6")) {
		strcpy(i->mode6, "disabled");
		return true;
	}
	return get_str(o, "mode6", i->mode6, sizeof(i->mode6)) &&
	       get_str(o, "testaddr6", i->testaddr6, sizeof(i->testaddr6)) &&
	       get_names(o, "targets6", &i->targets6, &i->ntargets6);
}

static bool decode_if(const json_t *o, struct ipmp_snap_if *i)
{
	const json_t *active = json_object_get(o, "active");

	if (!json_is_boolean(active))
		return false;
	i->active = json_is_true(active);
	return get_str(o, "name", i->name, sizeof(i->name)) &&
	       get_str(o, "group", i->group, sizeof(i->group)) &&
	       get_str(o, "flags", i->flags, sizeof(i->flags)) && strlen(i->flags) == 7 &&
	       get_str(o, "link", i->link, sizeof(i->link)) &&
	       get_str(o, "probe", i->probe, sizeof(i->probe)) &&
	       get_str(o, "state", i->state, sizeof(i->state)) &&
	       get_str(o, "mode", i->mode, sizeof(i->mode)) &&
	       get_str(o, "testaddr", i->testaddr, sizeof(i->testaddr)) &&
	       get_names(o, "targets", &i->targets, &i->ntargets) && decode_if6(o, i);
}

static bool decode_addr(const json_t *o, struct ipmp_snap_addr *a)
{
	return get_str(o, "address", a->address, sizeof(a->address)) &&
	       get_str(o, "state", a->state, sizeof(a->state)) &&
	       get_str(o, "group", a->group, sizeof(a->group)) &&
	       get_str(o, "inbound", a->inbound, sizeof(a->inbound)) &&
	       (!json_object_get(o, "outbound") ||
		(a->outbound_owned = get_names(o, "outbound", &a->outbound, &a->noutbound)));
}

/*
 * The agent sends OUTBOUND once per group (it is the same for every bound
 * address); an address without its own list gets its group's when bound.
 */
static void addrs_share_outbound(struct ipmp_snapshot *snap)
{
	for (unsigned i = 0; i < snap->naddrs; i++) {
		struct ipmp_snap_addr *a = &snap->addrs[i];

		if (a->outbound_owned || !a->inbound[0])
			continue;
		for (unsigned j = 0; j < snap->ngroups; j++)
			if (!strcmp(snap->groups[j].ifname, a->group)) {
				a->outbound = snap->groups[j].outbound;
				a->noutbound = snap->groups[j].noutbound;
			}
	}
}

#define DECODE_LIST(obj, key, arr, n, fn)                                                    \
	({                                                                                   \
		const json_t *_l = json_object_get(obj, key);                                \
		bool _ok = json_is_array(_l);                                                \
		size_t _i;                                                                   \
		json_t *_v;                                                                  \
		if (_ok) {                                                                   \
			arr = calloc(json_array_size(_l) ? json_array_size(_l) : 1,          \
				     sizeof(*arr));                                          \
			_ok = arr != NULL;                                                   \
		}                                                                            \
		if (_ok)                                                                     \
			json_array_foreach(_l, _i, _v) {                                     \
				n++;                                                         \
				if (!json_is_object(_v) || !fn(_v, &arr[_i])) {              \
					_ok = false;                                         \
					break;                                               \
				}                                                            \
			}                                                                    \
		_ok;                                                                         \
	})

/* One field of a table line into out (len bytes); false when missing or too long. */
static bool table_field(const char **p, const char *end, char sep, char *out, size_t len)
{
	const char *stop = memchr(*p, sep, (size_t)(end - *p));

	if (!stop || (size_t)(stop - *p) >= len)
		return false;
	memcpy(out, *p, (size_t)(stop - *p));
	out[stop - *p] = '\0';
	*p = stop + 1;
	return true;
}

/* "address_table": a line per address, address TAB state TAB group TAB inbound. */
static bool decode_table(const json_t *t, struct ipmp_snapshot *snap)
{
	const char *p = json_string_value(t), *end;
	unsigned n = 0;

	if (!p)
		return false;
	end = p + json_string_length(t);
	for (const char *q = p; q < end; q++)
		n += *q == '\n';
	snap->addrs = calloc(n ? n : 1, sizeof(*snap->addrs));
	if (!snap->addrs)
		return false;
	while (p < end) {
		struct ipmp_snap_addr *a = &snap->addrs[snap->naddrs];

		if (snap->naddrs >= n ||
		    !table_field(&p, end, '\t', a->address, sizeof(a->address)) ||
		    !table_field(&p, end, '\t', a->state, sizeof(a->state)) ||
		    !table_field(&p, end, '\t', a->group, sizeof(a->group)) ||
		    !table_field(&p, end, '\n', a->inbound, sizeof(a->inbound)))
			return false;
		snap->naddrs++;
	}
	return true;
}

int ipmp_snapshot_decode(const json_t *obj, struct ipmp_snapshot *snap, char *err, size_t errlen)
{
	const json_t *table = json_object_get(obj, "address_table");

	memset(snap, 0, sizeof(*snap));
	if (!json_is_object(obj) ||
	    !DECODE_LIST(obj, "groups", snap->groups, snap->ngroups, decode_group) ||
	    !DECODE_LIST(obj, "interfaces", snap->ifs, snap->nifs, decode_if) ||
	    !(table ? decode_table(table, snap) :
		      DECODE_LIST(obj, "addresses", snap->addrs, snap->naddrs, decode_addr))) {
		snprintf(err, errlen, "malformed snapshot from the agent");
		ipmp_snapshot_free(snap);
		return -EPROTO;
	}
	addrs_share_outbound(snap);
	return 0;
}

void ipmp_snapshot_free(struct ipmp_snapshot *snap)
{
	for (unsigned i = 0; i < snap->ngroups; i++) {
		free(snap->groups[i].interfaces);
		free(snap->groups[i].outbound);
	}
	for (unsigned i = 0; i < snap->nifs; i++) {
		free(snap->ifs[i].targets);
		free(snap->ifs[i].targets6);
	}
	for (unsigned i = 0; i < snap->naddrs; i++)
		if (snap->addrs[i].outbound_owned)
			free(snap->addrs[i].outbound);
	free(snap->groups);
	free(snap->ifs);
	free(snap->addrs);
	memset(snap, 0, sizeof(*snap));
}

const struct ipmp_snap_if *ipmp_snapshot_if(const struct ipmp_snapshot *snap, const char *name)
{
	for (unsigned i = 0; i < snap->nifs; i++)
		if (!strcmp(snap->ifs[i].name, name))
			return &snap->ifs[i];
	return NULL;
}
