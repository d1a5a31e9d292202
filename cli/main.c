/*
 * main.c - the zsim command: dispatch to subcommands, --list, --version.
 */
#include "cli.h"
#include "../codecs/codec.h"
#include "../traces/content.h"
#include "../core/kprofile.h"
#include "../allocators/allocator.h"
#include "../tiers/tier.h"
#include "../policies/reclaim.h"
#include "../traces/gen.h"

#include <stdio.h>
#include <string.h>

#include "../sim/results.h"
#define ZSIM_VERSION ZSIM_VERSION_STRING

static void usage(FILE *out)
{
	fprintf(out,
		"usage: zsim --trace FILE [--trace FILE...] --config FILE [--out DIR] [--json]\n"
		"       zsim COMMAND [options]\n"
		"commands:\n"
		"  fill      write a page corpus to a simulated zram device, print mm_stat\n"
		"  corpus    write a synthetic page corpus (raw 4096-byte pages)\n"
		"  calibrate measure this machine's codecs per page (a config's \"codec_ns\")\n"
		"  trace     make, convert and inspect workload traces (pack, dump, stat, gen, import)\n"
		"options:\n"
		"  --list     every family and its members (codecs, allocators, tiers, kernels)\n"
		"  --version  print the version\n"
		"`zsim COMMAND --help` describes a command.\n");
}

static void list_all(void)
{
	char buf[512];
	zsim_codec_names(buf, sizeof(buf));
	printf("codecs: %s\n", buf);
	zsim_allocator_names(buf, sizeof(buf));
	printf("allocators: %s\n", buf);
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < zsim_tier_count(); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? ", " : "",
					zsim_tier_at(i)->name);
	printf("tiers: %s\n", buf);
	zsim_reclaim_names(buf, sizeof(buf));
	printf("reclaim policies: %s\n", buf);
	zsim_content_names(buf, sizeof(buf));
	printf("content classes: %s\n", buf);
	zsim_gen_names(buf, sizeof(buf));
	printf("trace generators: %s\n", buf);
	printf("trace importers: lackey, oracle\n");
	zsim_tier_type_names(NULL, buf, sizeof(buf));
	printf("device types: %s (each type's keys and defaults below)\n", buf);
	zsim_kprofile_names(buf, sizeof(buf));
	printf("kernel profiles: %s (default %s)\n", buf, zsim_kprofile_default()->name);
	zsim_tier_print_types(stdout);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return ZSIM_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strncmp(cmd, "--trace", 7) || !strncmp(cmd, "--config", 8) || !strcmp(cmd, "--print-config"))
		return zsim_cmd_run(argc, argv);
	if (strcmp(cmd, "fill") == 0)
		return zsim_cmd_fill(argc - 1, argv + 1);
	if (strcmp(cmd, "calibrate") == 0)
		return zsim_cmd_calibrate(argc - 1, argv + 1);
	if (strcmp(cmd, "corpus") == 0)
		return zsim_cmd_corpus(argc - 1, argv + 1);
	if (strcmp(cmd, "trace") == 0)
		return zsim_cmd_trace(argc - 1, argv + 1);
	if (strcmp(cmd, "--list") == 0) {
		list_all();
		return ZSIM_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("zsim %s\n", ZSIM_VERSION);
		return ZSIM_EXIT_OK;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return ZSIM_EXIT_OK;
	}
	fprintf(stderr, "zsim: unknown command '%s' (try zsim --help)\n", cmd);
	return ZSIM_EXIT_USAGE;
}
