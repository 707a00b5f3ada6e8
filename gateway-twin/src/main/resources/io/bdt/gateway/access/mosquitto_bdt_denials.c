/*
 * B-DT's Mosquitto 2 plugin: reports the access checks no other plugin allowed to the gateways.
 *
 * Load it after the dynamic security plugin (the `plugin` lines in that order, with
 * `per_listener_settings false`). Mosquitto 2.0 asks the MOSQ_EVT_ACL_CHECK callbacks of its
 * plugins in load order until one answers something other than MOSQ_ERR_PLUGIN_DEFER, and takes
 * "every plugin deferred" as a denial (src/security.c, mosquitto_acl_check). The dynamic security
 * plugin answers every check one of the client's ACLs matches, and defers the rest when the default
 * access is deny: this plugin is asked exactly for the checks dynsec did not answer, i.e. denied by
 * default, never for allowed traffic. It keeps the denial (MOSQ_ERR_PLUGIN_DEFER) and records who
 * (username, client id), what (write, read, subscribe, unsubscribe) and the topic or filter. Checks
 * an explicit deny ACL of dynsec answers (MOSQ_ERR_ACL_DENIED) never reach it.
 *
 * Reports: JSON, QoS 1, not retained, on $SYS/broker/bdt/denied (clients cannot publish to $SYS;
 * only a role that may subscribe to $SYS/#, the dynsec admin, reads it), at most one per second:
 *
 *   {"seq":3,"denied":[{"access":"write","username":"dev-1","clientid":"c1",
 *                       "topic":"bdt/gw1/devices/dev-2/telemetry","count":12}],
 *    "unlisted":{"write":0,"read":0,"subscribe":0,"unsubscribe":0}}
 *
 * A period aggregates denials by (access, username, client id, topic) in at most MAX_ENTRIES
 * entries; denials beyond them are counted in "unlisted" by access only, so a flood of denials
 * costs at most one report per second of bounded size, and the counts stay exact. Names and
 * topics longer than their field are cut (at a UTF-8 boundary) and flagged "cut":true. No payload
 * and no password ever enter a report.
 *
 * Build: gcc -O2 -fPIC -shared -Wall -Wextra -o mosquitto_bdt_denials.so mosquitto_bdt_denials.c
 * (headers from Debian's mosquitto-dev and libmosquitto-dev; symbols resolved from the broker).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#define REPORT_TOPIC "$SYS/broker/bdt/denied"
#define MAX_ENTRIES 32
#define NAME_BYTES 128
#define TOPIC_BYTES 256
#define PERIOD_NS 1000000000LL

struct entry {
	int access;
	bool cut;
	char username[NAME_BYTES + 1];
	bool has_username;
	char clientid[NAME_BYTES + 1];
	char topic[TOPIC_BYTES + 1];
	unsigned long count;
};

static mosquitto_plugin_id_t *plugin_id;
static struct entry entries[MAX_ENTRIES];
static int entry_count;
/* denials beyond MAX_ENTRIES, by access: read, write, subscribe, unsubscribe */
static unsigned long unlisted[4];
static bool pending;
static long long last_report_ns = -PERIOD_NS;
static unsigned long long seq;

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int access_index(int access)
{
	switch(access){
		case MOSQ_ACL_READ: return 0;
		case MOSQ_ACL_WRITE: return 1;
		case MOSQ_ACL_SUBSCRIBE: return 2;
		case MOSQ_ACL_UNSUBSCRIBE: return 3;
		default: return -1;
	}
}

static const char *const ACCESS_NAMES[4] = {"read", "write", "subscribe", "unsubscribe"};

/* Copies at most max bytes of src, cut back to a UTF-8 character boundary; true if cut. */
static bool copy_cut(char *dst, const char *src, size_t max)
{
	size_t len = strlen(src);
	bool cut = len > max;
	if(cut){
		len = max;
		while(len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80){
			len--;
		}
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
	return cut;
}

static void record(const char *username, const char *clientid, int access, const char *topic)
{
	struct entry probe;
	int i;

	probe.access = access;
	probe.has_username = username != NULL;
	probe.cut = copy_cut(probe.username, username ? username : "", NAME_BYTES);
	probe.cut |= copy_cut(probe.clientid, clientid ? clientid : "", NAME_BYTES);
	probe.cut |= copy_cut(probe.topic, topic ? topic : "", TOPIC_BYTES);
	probe.count = 1;
	pending = true;
	for(i = 0; i < entry_count; i++){
		struct entry *e = &entries[i];
		if(e->access == access && e->has_username == probe.has_username
				&& !strcmp(e->username, probe.username) && !strcmp(e->clientid, probe.clientid)
				&& !strcmp(e->topic, probe.topic)){
			e->count++;
			return;
		}
	}
	if(entry_count < MAX_ENTRIES){
		entries[entry_count++] = probe;
	}else{
		unlisted[access_index(access)]++;
	}
}

/* Appends s as a JSON string (quoted, escaped); returns the new end. */
static char *json_string(char *out, const char *s)
{
	static const char HEX[] = "0123456789abcdef";
	*out++ = '"';
	for(; *s; s++){
		unsigned char c = (unsigned char)*s;
		if(c == '"' || c == '\\'){
			*out++ = '\\';
			*out++ = (char)c;
		}else if(c < 0x20 || c == 0x7f){
			out += sprintf(out, "\\u00%c%c", HEX[c >> 4], HEX[c & 0xf]);
		}else{
			*out++ = (char)c;
		}
	}
	*out++ = '"';
	return out;
}

static void report(long long now)
{
	/* each character escapes to at most 6 bytes; 128 more per entry for keys and numbers */
	size_t size = 256 + (size_t)entry_count * (6 * (2 * NAME_BYTES + TOPIC_BYTES) + 128);
	char *json = malloc(size);
	char *out;
	int i;

	if(json == NULL){
		return; /* kept for the next tick */
	}
	out = json;
	out += sprintf(out, "{\"seq\":%llu,\"denied\":[", ++seq);
	for(i = 0; i < entry_count; i++){
		struct entry *e = &entries[i];
		out += sprintf(out, "%s{\"access\":\"%s\",\"username\":", i ? "," : "",
				ACCESS_NAMES[access_index(e->access)]);
		if(e->has_username){
			out = json_string(out, e->username);
		}else{
			out += sprintf(out, "null");
		}
		out += sprintf(out, ",\"clientid\":");
		out = json_string(out, e->clientid);
		out += sprintf(out, ",\"topic\":");
		out = json_string(out, e->topic);
		out += sprintf(out, ",\"count\":%lu%s}", e->count, e->cut ? ",\"cut\":true" : "");
	}
	out += sprintf(out, "],\"unlisted\":{\"read\":%lu,\"write\":%lu,\"subscribe\":%lu,\"unsubscribe\":%lu}}",
			unlisted[0], unlisted[1], unlisted[2], unlisted[3]);
	if(mosquitto_broker_publish_copy(NULL, REPORT_TOPIC, (int)(out - json), json, 1, false, NULL)
			== MOSQ_ERR_SUCCESS){
		entry_count = 0;
		memset(unlisted, 0, sizeof(unlisted));
		pending = false;
		last_report_ns = now;
	}
	free(json);
}

/* Reports what is pending once a period has passed since the last report. */
static void report_if_due(void)
{
	long long now;
	if(!pending){
		return;
	}
	now = now_ns();
	if(now - last_report_ns >= PERIOD_NS){
		report(now);
	}
}

static int on_acl_check(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_acl_check *ed = event_data;
	(void)event;
	(void)userdata;

	if(access_index(ed->access) < 0){
		return MOSQ_ERR_PLUGIN_DEFER;
	}
	/* a subscriber refused our own report must not make another one */
	if(ed->access == MOSQ_ACL_READ && ed->topic && !strcmp(ed->topic, REPORT_TOPIC)){
		return MOSQ_ERR_PLUGIN_DEFER;
	}
	record(mosquitto_client_username(ed->client), mosquitto_client_id(ed->client), ed->access,
			ed->topic);
	/* without MOSQ_EVT_TICK (per_listener_settings true) this is the only chance to report */
	report_if_due();
	return MOSQ_ERR_PLUGIN_DEFER;
}

static int on_tick(int event, void *event_data, void *userdata)
{
	(void)event;
	(void)event_data;
	(void)userdata;
	report_if_due();
	return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
	int i;
	for(i = 0; i < supported_version_count; i++){
		if(supported_versions[i] == 5){
			return 5;
		}
	}
	return -1;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata,
		struct mosquitto_opt *options, int option_count)
{
	int rc;
	(void)userdata;
	(void)options;
	(void)option_count;

	plugin_id = identifier;
	rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, NULL);
	if(rc != MOSQ_ERR_SUCCESS){
		return rc;
	}
	rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_TICK, on_tick, NULL, NULL);
	if(rc != MOSQ_ERR_SUCCESS){
		return rc;
	}
	mosquitto_log_printf(MOSQ_LOG_INFO,
			"bdt-denials: reporting access checks no earlier plugin allowed on " REPORT_TOPIC);
	return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options, int option_count)
{
	(void)userdata;
	(void)options;
	(void)option_count;
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_TICK, on_tick, NULL);
	return MOSQ_ERR_SUCCESS;
}
