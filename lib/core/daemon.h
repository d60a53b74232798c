/* daemon.h: how every program of bin/ and tools/ starts
 *
 * daemon_start reads the configuration (a program with errors in it does
 * not start), opens the log under the program's name, makes SIGTERM and
 * SIGINT set daemon_stopping (the program's loop looks at it and ends
 * cleanly), ignores SIGPIPE and readies the database layer.
 */
#ifndef OM_DAEMON_H
#define OM_DAEMON_H

#include <signal.h>

extern volatile sig_atomic_t daemon_stopping;

void daemon_start(const char *name);

#endif
