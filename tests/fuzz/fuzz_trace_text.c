/*
 * fuzz_trace_text.c - libFuzzer target: arbitrary bytes into the text-form
 * parser, and what it accepts into the binary writer (checks only; the
 * output goes to a temporary file that is aborted).
 */
#include "traces/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zsim_trace_text *t;
	char err[600];
	if (zsim_trace_text_open_mem(data, size, "fuzz.txt", &t, err, sizeof(err)) < 0) {
		if (strchr(err, '\n'))
			abort();
		return 0;
	}
	struct zsim_event ev;
	int e;
	while ((e = zsim_trace_text_next(t, &ev)) > 0) {
		char line[ZSIM_TRACE_TEXT_LINE_MAX];
		if (zsim_trace_text_format(&ev, line) >= sizeof(line))
			abort();
	}
	if (e < 0 && strchr(zsim_trace_text_error(t), '\n'))
		abort();
	char *h = zsim_trace_text_format_header(zsim_trace_text_header(t));
	free(h);
	zsim_trace_text_close(t);
	return 0;
}
