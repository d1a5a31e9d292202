/*
 * fuzz_config.c - libFuzzer target: arbitrary bytes into the config parser.
 * A refused config must come with a one-line message; an accepted one must
 * print (--print-config) to a config that loads again and prints the same.
 */
#include "sim/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	struct zsim_config cfg, again;
	char err[600] = "";
	if (zsim_config_parse(text, "fuzz.json", &cfg, err, sizeof(err)) < 0) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		free(text);
		return 0;
	}
	char *dump = zsim_config_dump(&cfg);
	if (zsim_config_parse(dump, "dump.json", &again, err, sizeof(err)) < 0) {
		fprintf(stderr, "printed config refused: %s\n%s\n", err, dump);
		abort();
	}
	char *dump2 = zsim_config_dump(&again);
	if (strcmp(dump, dump2) != 0)
		abort();
	free(dump);
	free(dump2);
	free(text);
	return 0;
}
