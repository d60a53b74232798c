/* seed.c: demo data for the replica (placeholder until the generator lands) */
#include <stdio.h>

#include "seed.h"

int
seed_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("mendctl seed: not built yet\n", stderr);
	return 1;
}
