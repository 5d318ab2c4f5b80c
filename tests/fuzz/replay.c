/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plain driver for fuzz_input.c without libFuzzer: runs every file in the
 * directories (or files) given on the command line through
 * LLVMFuzzerTestOneInput() once. Meson registers it as the unit test
 * fuzz_replay over tests/fuzz/corpus and tests/fuzz/regress, so the seeds and
 * every committed crash reproducer run with any compiler, no clang needed.
 * A failing input aborts (exit status from SIGABRT) and is named on stderr.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	static uint8_t buf[1 << 20];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

int
main(int argc, char **argv)
{
	int runs = 0;

	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		struct dirent *e;

		if (d == NULL) {
			if (replay_file(argv[i]) < 0)
				return EXIT_FAILURE;
			runs++;
			continue;
		}
		while ((e = readdir(d)) != NULL) {
			char path[4096];

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			if (replay_file(path) < 0) {
				closedir(d);
				return EXIT_FAILURE;
			}
			runs++;
		}
		closedir(d);
	}
	printf("replay: %d inputs ran clean\n", runs);
	return runs > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
