/* main.c: upstream-sim, the stand-in for the upstream services (see sim.h)
 *
 * `upstream-sim --listen 127.0.0.1:PORT`, with the configuration in
 * ORDERMEND_CONF: [upstream] for the tokens, [admin] and [replica] for the
 * database it writes, [log] for its one line a request.  Ends on SIGTERM.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cfg.h"
#include "core/daemon.h"
#include "core/db.h"
#include "core/log.h"
#include "core/util.h"
#include "sim.h"

/* parse_listen: "127.0.0.1:PORT" (an IPv4 address and a port). */
static int
parse_listen(const char *s, struct sockaddr_in *sa)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	long long port;

	if (colon == NULL || colon - s >= (long)sizeof(host) ||
	    parse_i64(colon + 1, strlen(colon + 1), &port) < 0 || port < 1 || port > 65535)
		return -1;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in addr;

	if (argc != 3 || strcmp(argv[1], "--listen") != 0 ||
	    parse_listen(argv[2], &addr) < 0)
		die("usage: upstream-sim --listen 127.0.0.1:PORT");
	daemon_start("upstream-sim");
	/* The services write the replica, as replication would: the admin
	 * account on the replica's database; its own tables are named with
	 * their database. */
	free(cfg.admin.database);	/* cfg's strings are its own */
	cfg.admin.database = xstrdup(cfg.replica.database);
	store_open();
	robot_start();
	log_ev(LOG_INFO, NULL, "start", "pid=%ld listen=%s", (long)getpid(), argv[2]);
	if (http_run(&addr, &daemon_stopping) < 0)
		die("cannot listen on %s", argv[2]);
	robot_stop();
	log_ev(LOG_INFO, NULL, "stop", "pid=%ld", (long)getpid());
	db_shutdown();
	return 0;
}
