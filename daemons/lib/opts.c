// SPDX-License-Identifier: GPL-2.0-only
/* libhvd: command line options common to every daemon, plus its own. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvd.h"

#define HVD_MAX_OPTS 32

static const struct option common_long[] = {
	{ "no-daemon", no_argument, NULL, 'n' },
	{ "device", required_argument, NULL, 'd' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
};

#define N_COMMON (sizeof(common_long) / sizeof(common_long[0]))

static void usage(FILE *f, const char *prog, const char *summary,
		  const struct hvd_opt *opts, size_t n_opts,
		  const char *device)
{
	size_t i;
	char left[64];

	fprintf(f, "Usage: %s [options]\n%s\n\nOptions:\n", prog, summary);
	fprintf(f, "  -n, --no-daemon       stay in the foreground, log to stderr\n");
	fprintf(f, "  -d, --device PATH     the kernel device (default %s), or a\n"
		   "                        unix seqpacket socket (tests)\n", device);
	fprintf(f, "  -v, --verbose         log debug messages too\n");
	for (i = 0; i < n_opts; i++) {
		snprintf(left, sizeof(left), "--%s%s%s", opts[i].name,
			 opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		fprintf(f, "      %-18s%s%s\n", left,
			strlen(left) > 17 ? "\n                        " : "",
			opts[i].help);
	}
	fprintf(f, "  -h, --help            show this text\n");
	fprintf(f, "  -V, --version         show the version\n");
}

static void build_long(struct option *lo, const struct hvd_opt *opts,
		       size_t n_opts)
{
	size_t i;

	memcpy(lo, common_long, sizeof(common_long));
	for (i = 0; i < n_opts; i++) {
		lo[N_COMMON + i].name = opts[i].name;
		lo[N_COMMON + i].has_arg = opts[i].arg ? required_argument : no_argument;
		lo[N_COMMON + i].flag = NULL;
		lo[N_COMMON + i].val = opts[i].id;
	}
	memset(&lo[N_COMMON + n_opts], 0, sizeof(lo[0]));
}

int hvd_parse_args(int argc, char **argv, const char *summary,
		   const struct hvd_opt *opts, size_t n_opts,
		   struct hvd_common_opts *common,
		   int (*set)(void *ctx, int id, const char *arg), void *ctx)
{
	struct option lo[N_COMMON + HVD_MAX_OPTS + 1];
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int c;

	if (n_opts > HVD_MAX_OPTS)
		return -1;
	build_long(lo, opts, n_opts);
	optind = 1;
	while ((c = getopt_long(argc, argv, "nd:vhV", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			common->foreground = true;
			break;
		case 'd':
			common->device = optarg;
			break;
		case 'v':
			common->verbose = true;
			break;
		case 'h':
			usage(stdout, prog, summary, opts, n_opts, common->device);
			return 1;
		case 'V':
			printf("%s (hvlis) %s\n", prog, HVLIS_VERSION);
			return 1;
		default:
			if (c >= 256 && set && set(ctx, c, optarg) == 0)
				break;
			if (c >= 256)
				return -1;
			usage(stderr, prog, summary, opts, n_opts, common->device);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n",
			prog, argv[optind]);
		return -1;
	}
	return 0;
}

const char *hvd_progname(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	return slash ? slash + 1 : argv0;
}
