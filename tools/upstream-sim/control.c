/* control.c: upstream-sim's faults and its control endpoint (/_sim/...)
 *
 *   POST /_sim/faults   {"service": "order"|"payment"|"coupon"|"inventory"|"sms"|"robot"|"*",
 *                        "fail": N, "status": 500, "delay_ms": T, "hang": true,
 *                        "refuse_ms": T, "conflict": N, "reject": N, "message": "…"}
 *                       replaces the service's faults (every service's for "*")
 *                       with these; a field left out is off.  refuse_ms closes
 *                       the listening socket at once, for every service.
 *   GET  /_sim/faults   the faults now
 *   POST /_sim/reset    no faults anywhere, the robot's settings back to
 *                       their defaults and its held results dropped (the
 *                       records stay)
 *   GET  /_sim/requests?key=K | ?service=S&since=ID   the recorded requests
 *   GET  /_sim/effects?key=K   how many effects a key had
 *   /_sim/robot...      the phone robot's outcomes (robot.c)
 *
 * Loopback clients only; no token.  A service's fail, conflict and reject
 * counts are taken in that order, one a request; delay and hang hold every
 * request of the service until they are changed.
 */
#include <string.h>

#include "core/util.h"
#include "sim.h"

struct fault {
	long long fail, status;		/* the next fail requests answer status (0: 500) */
	long long delay_ms;		/* every request waits this long */
	int hang;			/* every request waits until this is off */
	long long conflict, reject;	/* the next ones answer 409, then 422 */
	char message[256];
};

static struct fault faults[UP_COUNT];

long long
fault_wait(enum upstream svc)
{
	return faults[svc].hang ? -1 : faults[svc].delay_ms;
}

int
fault_take(enum upstream svc, int *status, const char **message)
{
	struct fault *f = &faults[svc];
	const char *dflt;

	if (f->fail > 0) {
		f->fail--;
		*status = f->status ? (int)f->status : 500;
		dflt = "模拟故障：服务暂时不可用";
	} else if (f->conflict > 0) {
		f->conflict--;
		*status = 409;
		dflt = "模拟：该请求已处理过";
	} else if (f->reject > 0) {
		f->reject--;
		*status = 422;
		dflt = "模拟：服务拒绝了该请求";
	} else
		return 0;
	*message = f->message[0] ? f->message : dflt;
	return 1;
}

/* opt_int: an optional integer field within lo..hi; -1 when it is there
 * but not such an integer. */
static int
opt_int(struct json_object *o, const char *name, long long lo, long long hi,
    long long *v)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, name, &x) || json_object_is_type(x, json_type_null))
		return 0;
	if (!json_object_is_type(x, json_type_int))
		return -1;
	*v = json_object_get_int64(x);
	return *v < lo || *v > hi ? -1 : 0;
}

static struct json_object *
faults_json(void)
{
	struct json_object *all = json_object_new_object(), *o;
	int i;

	for (i = 0; i < UP_COUNT; i++) {
		const struct fault *f = &faults[i];

		o = json_object_new_object();
		json_object_object_add(o, "fail", json_object_new_int64(f->fail));
		json_object_object_add(o, "status", json_object_new_int64(f->status ? f->status : 500));
		json_object_object_add(o, "delay_ms", json_object_new_int64(f->delay_ms));
		json_object_object_add(o, "hang", json_object_new_boolean(f->hang));
		json_object_object_add(o, "conflict", json_object_new_int64(f->conflict));
		json_object_object_add(o, "reject", json_object_new_int64(f->reject));
		json_object_object_add(o, "message", json_object_new_string(f->message));
		json_object_object_add(all, upstream_names[i], o);
	}
	o = json_object_new_object();
	json_object_object_add(o, "faults", all);
	return o;
}

/* set_faults: POST /_sim/faults */
static void
set_faults(const struct sim_req *r, struct sim_resp *out)
{
	struct json_object *o = parse_body(r->body, r->len), *x;
	struct fault f = { .status = 500 };
	long long refuse = 0;
	const char *name = NULL;
	int svc = -1, i;

	if (o == NULL) {
		reply_msg(out, 400, "请求体须为 JSON 对象");
		return;
	}
	if (json_object_object_get_ex(o, "service", &x) && json_object_is_type(x, json_type_string))
		name = json_object_get_string(x);
	if (name == NULL || (strcmp(name, "*") != 0 && (svc = service_named(name)) < 0)) {
		reply_msg(out, 400, "service 须为 order、payment、coupon、inventory、sms、robot、"
		    "chat 或 *");
		goto out;
	}
	if (opt_int(o, "fail", 0, 1000000, &f.fail) < 0 ||
	    opt_int(o, "status", 100, 599, &f.status) < 0 ||
	    opt_int(o, "delay_ms", 0, 600000, &f.delay_ms) < 0 ||
	    opt_int(o, "refuse_ms", 0, 600000, &refuse) < 0 ||
	    opt_int(o, "conflict", 0, 1000000, &f.conflict) < 0 ||
	    opt_int(o, "reject", 0, 1000000, &f.reject) < 0) {
		reply_msg(out, 400, "fail、conflict、reject 须为非负整数，status 为 100–599，"
		    "delay_ms、refuse_ms 为 0–600000");
		goto out;
	}
	if (json_object_object_get_ex(o, "hang", &x) && !json_object_is_type(x, json_type_null)) {
		if (!json_object_is_type(x, json_type_boolean)) {
			reply_msg(out, 400, "hang 须为 true 或 false");
			goto out;
		}
		f.hang = json_object_get_boolean(x);
	}
	if (json_object_object_get_ex(o, "message", &x) && !json_object_is_type(x, json_type_null)) {
		if (!json_object_is_type(x, json_type_string) ||
		    (size_t)json_object_get_string_len(x) >= sizeof(f.message)) {
			reply_msg(out, 400, "message 须为字符串（最长 255 字节）");
			goto out;
		}
		memcpy(f.message, json_object_get_string(x),
		    (size_t)json_object_get_string_len(x) + 1);
	}
	for (i = 0; i < UP_COUNT; i++)
		if (svc < 0 || svc == i)
			faults[i] = f;
	sim_wake(svc);		/* a hang taken away lets its requests go */
	if (refuse > 0)
		sim_refuse(refuse);
	reply_json(out, 200, faults_json());
out:
	json_object_put(o);
}

void
control_serve(const struct sim_req *r, struct sim_resp *out, struct arena *a)
{
	int post = strcmp(r->method, "POST") == 0, get = strcmp(r->method, "GET") == 0;

	out->outcome = "control";
	if (!r->loopback)
		reply_msg(out, 403, "控制接口只接受本机请求");
	else if (strcmp(r->path, "/_sim/faults") == 0 && post)
		set_faults(r, out);
	else if (strcmp(r->path, "/_sim/faults") == 0 && get)
		reply_json(out, 200, faults_json());
	else if (strcmp(r->path, "/_sim/reset") == 0 && post) {
		memset(faults, 0, sizeof(faults));
		robot_reset();
		sim_wake(-1);
		reply_json(out, 200, faults_json());
	} else if (strcmp(r->path, "/_sim/requests") == 0 && get)
		store_requests(a, r, out);
	else if (strcmp(r->path, "/_sim/effects") == 0 && get)
		store_effects(a, r, out);
	else if (strncmp(r->path, "/_sim/robot", 11) == 0)
		robot_control(r, out, a);
	else
		reply_msg(out, 404, "没有这个控制接口");
}
