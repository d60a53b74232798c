/* cfg.h: the one INI configuration file
 *
 * The path comes from ORDERMEND_CONF (default /etc/ordermend/ordermend.ini).
 * Every key has a default and bounds (see the table in cfg.c, which is also
 * the reference in README.md).  Any key can be overridden from the
 * environment as ORDERMEND_<SECTION>_<KEY>, which is how secrets such as
 * ORDERMEND_CONSOLE_PASSWORD are meant to arrive.  Durations take a unit:
 * 30s, 30m, 48h, 7d (a bare number is seconds).  Relative paths are taken
 * relative to the file's directory.
 *
 * The configuration is read once at start-up into the global `cfg` and is
 * read-only afterwards.
 */
#ifndef OM_CFG_H
#define OM_CFG_H

struct cfg_db {
	char *host;
	long long port;
	char *socket;
	char *user;
	char *password;
	char *database;
	long long connect_timeout;
	long long read_timeout;
	long long write_timeout;
	long long query_timeout;
};

/* The upstream services an action reaches (README: The upstream contract),
 * and the team's chat, whose webhooks are the notification channels' own
 * (no [upstream] keys: its url and token stay ""). */
enum upstream { UP_ORDER, UP_PAYMENT, UP_COUPON, UP_INVENTORY, UP_SMS, UP_ROBOT, UP_CHAT,
	UP_COUNT };
extern const char *const upstream_names[UP_COUNT];	/* "order" ... "robot", "chat" */

struct cfg_upstream {
	char *url;		/* base URL, e.g. https://orders.internal/v1; "": not configured */
	char *token;		/* sent as Authorization: Bearer */
};

enum cfg_url_style { URL_PRETTY, URL_CGI };
enum cfg_secure { SECURE_AUTO, SECURE_ALWAYS, SECURE_NEVER };

struct cfg {
	const char *path;		/* the file read, or NULL */
	/* [server] */
	int url_style;
	char *cgi_base;
	char *static_url;
	char *templates;
	char *schema;
	long long max_body;
	int cookie_secure;
	char *public_origin;
	long long retry_after;
	char *time_zone;
	long long workers;
	long long request_timeout;
	long long memory_limit;		/* MiB of address space a worker may use; 0: any */
	/* [replica] [console] [admin] */
	struct cfg_db replica;
	long long replica_lag_warn;
	struct cfg_db console;
	struct cfg_db admin;
	/* [session] */
	long long idle_timeout;
	long long absolute_timeout;
	/* [log] */
	int log_level;
	char *log_file;
	/* [anomaly] */
	long long unpaid_timeout;
	long long not_shipped;
	long long logistics_stalled;
	long long refund_stuck;
	long long price_low_pct;
	long long price_high_pct;
	/* [scanner] */
	long long scan_interval;
	long long scan_full_interval;
	long long group_threshold;
	long long group_window;
	long long reopen_window;
	/* [queue] */
	long long queue_counts_ttl;
	/* [order] */
	long long activity_window;
	/* [health] */
	char *health_details_from;
	char *health_token;
	/* [upstream] */
	struct cfg_upstream upstream[UP_COUNT];
	long long upstream_timeout;
	long long upstream_connect_timeout;
	/* [dispatch] */
	long long dispatch_interval;
	long long dispatch_batch;
	long long dispatch_lease;
	long long dispatch_attempts;
	long long dispatch_backoff;
	long long dispatch_backoff_max;
	long long breaker_failures;
	long long breaker_open;
	/* [robot] the phone robot (README: The phone robot) */
	char *robot_callback_url;	/* told to the robot; "": public_origin + /hooks/robot */
	char *robot_secret;		/* HMAC-SHA256 key of its callbacks */
	long long robot_max_skew;	/* a callback's timestamp within this of now */
	char *robot_window_start;	/* "HH:MM", the customer's time */
	char *robot_window_end;
	long long robot_attempts;	/* per order and script */
	long long robot_in_flight;	/* calls dialled and not answered yet */
	long long robot_retry_no_answer;
	long long robot_retry_busy;
	long long robot_confidence;	/* percent; below it a captured address waits for an agent */
};

extern struct cfg cfg;

/* cfg_tz_offset: [server] time_zone as seconds east of UTC (+08:00:
 * 28800), for times written in the shop's zone. */
long cfg_tz_offset(void);

/* cfg_load: defaults, then the file at path (NULL: ORDERMEND_CONF or the
 * default path; a missing default file is not an error), then the
 * environment.  Each problem is reported through report(file, line, msg)
 * (line 0 for the environment); returns the number of problems. */
int cfg_load(const char *path,
    void (*report)(const char *file, int line, const char *msg));
/* cfg_dump: write every key's effective value, secrets hidden, to fp (a
 * FILE *, void here to keep stdio out of the header). */
void cfg_dump(void *fp);

#endif
