/* seed.h: demo data for the replica (mendctl seed) */
#ifndef OM_SEED_H
#define OM_SEED_H

/* seed_main: `mendctl seed --orders N --seed S [--now "YYYY-MM-DD HH:MM"]
 * [--manifest FILE]`; returns the process exit status. */
int seed_main(int argc, char **argv);

#endif
