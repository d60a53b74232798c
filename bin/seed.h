/* seed.h: demo data for the replica (mendctl seed) */
#ifndef OM_SEED_H
#define OM_SEED_H

/* seed_main: `mendctl seed --orders N --seed S [--now "YYYY-MM-DD HH:MM"]
 * [--manifest FILE]`: drops and recreates every table of schema/replica.sql
 * in the [replica] database (through the [admin] connection) and fills it;
 * writes the manifest of anomalies to FILE (default seed-manifest.json) and
 * a summary to stdout.  Needs cfg loaded and db_init() done.  Returns the
 * process exit status; fatal errors exit through die(). */
int seed_main(int argc, char **argv);

#endif
