// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* One control request, decoded (agent/request.h). */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ipmp_errors.h"
#include "snapshot.h"
#include "request.h"

static void fail_text(struct request *req, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_text(struct request *req, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(req->error, sizeof(req->error), fmt, ap);
	va_end(ap);
}

static const char *str_arg(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* "interface": a name that fits a netdev's; false if missing or not. */
static bool ifname_arg(const json_t *obj, struct request *req)
{
	const char *s = str_arg(obj, "interface");

	if (!s || !*s || strlen(s) >= sizeof(req->ifname))
		return false;
	memcpy(req->ifname, s, strlen(s) + 1);
	return true;
}

/* "group": a name no group can have is an unknown group. */
static bool group_arg(const json_t *obj, struct request *req)
{
	const char *s = str_arg(obj, "group");

	if (!s || strlen(s) >= sizeof(req->group)) {
		req->code = IPMP_EUNKGROUP;
		return false;
	}
	memcpy(req->group, s, strlen(s) + 1);
	return true;
}

static void decode_address(const json_t *obj, struct request *req, bool add)
{
	const char *text = str_arg(obj, "address"), *why = NULL;

	if (!text || ip_prefix_parse(text, add, &req->address, &why)) {
		fail_text(req, "bad address: %s", text && why ? why : "missing");
		return;
	}
	if (add)
		group_arg(obj, req);
}

/* add-interface {group, interface, standby?, test_address?, probe?}, remove-interface {interface}. */
static void decode_interface(const json_t *obj, struct request *req, bool add)
{
	const char *test = str_arg(obj, "test_address"), *probe = str_arg(obj, "probe"), *why;
	struct config_member *cm = &req->member;

	if (!ifname_arg(obj, req)) {
		const char *s = str_arg(obj, "interface");

		fail_text(req, "bad interface name: %.*s", IFNAMSIZ * 2, s ? s : "missing");
		return;
	}
	if (!add || !group_arg(obj, req))
		return;
	memcpy(cm->ifname, req->ifname, sizeof(cm->ifname));
	cm->standby = json_is_true(json_object_get(obj, "standby"));
	if (test) {
		if (ip_prefix_parse(test, true, &cm->test_address, &why)) {
			fail_text(req, "bad test address: %s", why);
			return;
		}
		if (cm->test_address.family != AF_INET) {
			fail_text(req, "an IPv6 test address is the member's link-local, "
				  "used by itself; give an IPv4 one");
			return;
		}
		cm->has_test_address = true;
	}
	if (probe && !config_probe_method(probe, &cm->probe))
		fail_text(req, "bad probe method '%.32s' (icmp, arp or off)", probe);
}

/* "addresses": true (the default), false, or "table" (snapshot.h) */
static void decode_snapshot(const json_t *obj, struct request *req)
{
	const json_t *how = json_object_get(obj, "addresses");

	if (json_is_string(how) && !strcmp(json_string_value(how), "table"))
		req->addresses = SNAPSHOT_ADDRS_TABLE;
	else if (json_is_string(how))
		fail_text(req, "bad addresses '%.32s' (true, false or \"table\")",
			  json_string_value(how));
	else
		req->addresses = json_is_false(how) ? SNAPSHOT_ADDRS_NONE : SNAPSHOT_ADDRS_OBJECTS;
}

static void decode_args(const json_t *obj, struct request *req)
{
	const json_t *on;

	switch (req->cmd) {
	case IPMP_CMD_SNAPSHOT:
		decode_snapshot(obj, req);
		break;
	case IPMP_CMD_ADD_ADDRESS:
	case IPMP_CMD_REMOVE_ADDRESS:
		decode_address(obj, req, req->cmd == IPMP_CMD_ADD_ADDRESS);
		break;
	case IPMP_CMD_ADD_INTERFACE:
	case IPMP_CMD_REMOVE_INTERFACE:
		decode_interface(obj, req, req->cmd == IPMP_CMD_ADD_INTERFACE);
		break;
	case IPMP_CMD_STANDBY:
		on = json_object_get(obj, "standby");
		if (!ifname_arg(obj, req) || !json_is_boolean(on))
			req->code = IPMP_EINVAL;
		else
			req->standby = json_is_true(on);
		break;
	case IPMP_CMD_OFFLINE:
	case IPMP_CMD_UNDO_OFFLINE:
		/* a name too long for a netdev is no member's */
		if (!str_arg(obj, "interface"))
			req->code = IPMP_EINVAL;
		else if (!ifname_arg(obj, req))
			req->code = IPMP_EUNKIF;
		break;
	default:
		break;
	}
}

int request_decode(const char *line, size_t len, struct request *req)
{
	json_error_t jerr;
	json_t *obj = json_loadb(line, len, 0, &jerr);
	const char *cmd;
	int i;

	memset(req, 0, sizeof(*req));
	if (!obj || !json_is_object(obj)) {
		fail_text(req, "malformed request: %s", obj ? "not an object" : jerr.text);
		json_decref(obj);
		return -1;
	}
	cmd = str_arg(obj, "cmd");
	if (json_integer_value(json_object_get(obj, "version")) != IPMP_PROTOCOL_VERSION)
		fail_text(req, "unsupported protocol version (this agent speaks %d)",
			  IPMP_PROTOCOL_VERSION);
	else if (!cmd)
		fail_text(req, "request without cmd");
	if (req->error[0]) {
		json_decref(obj);
		return -1;
	}
	i = ipmp_cmd_lookup(cmd);
	if (i < 0) {
		fail_text(req, "unknown command '%.64s'", cmd);
		json_decref(obj);
		return -1;
	}
	req->cmd = i;
	req->privileged = ipmp_commands[i].privileged;
	decode_args(obj, req);
	json_decref(obj);
	return 0;
}
