/*
 * units.h - the one grammar for the values people type, in a config or on the
 * command line alike:
 *   sizes  "4096" (bytes), "256K", "800M", "1G", "1T" (powers of 1024; an
 *          optional "B" or "iB" after the letter: "1GiB");
 *   times  a number and a unit, always: "5ns", "80us", "1.5ms", "2s", "10m", "1h".
 *          A time without a unit is an error: "300" could be 300 ns or 300 s,
 *          and zsim used to read it both ways.
 * Parsers return 0 or ZSIM_EFORMAT (empty, junk, no unit, negative, overflow).
 */
#ifndef ZSIM_UNITS_H
#define ZSIM_UNITS_H

#include "zsim.h"

int zsim_parse_size(const char *s, uint64_t *out);
/* A time with its unit, into nanoseconds (rounded to the nearest ns). */
int zsim_parse_time(const char *s, uint64_t *ns);
/* Times parse below 2^62 ns (146 years), so every one prints back and
 * reloads as itself. */
#define ZSIM_TIME_MAX_NS 4611686018427387904.0
/* A non-negative decimal integer with nothing after it. */
int zsim_parse_u64(const char *s, uint64_t *out);
/* A finite real number with nothing after it. */
int zsim_parse_real(const char *s, double *out);

/* Print a time in the grammar above, in the largest unit that keeps it exact
 * ("1s", "250ms", "90us", "1500ns"); returns buf. */
char *zsim_format_time(uint64_t ns, char *buf, size_t len);

#endif
