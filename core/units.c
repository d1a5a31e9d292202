/*
 * units.c - the grammar of sizes and times (units.h), shared by the config
 * reader, the command line and the trace tools.
 */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int zsim_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!s || !*s)
		return ZSIM_EFORMAT;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return ZSIM_EFORMAT;
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return ZSIM_EFORMAT;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int zsim_parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t n = 0;
	if (!s)
		return ZSIM_EFORMAT;
	while (isdigit((unsigned char)s[n]))
		n++;
	if (n == 0 || n >= sizeof(num))
		return ZSIM_EFORMAT;
	memcpy(num, s, n);
	num[n] = '\0';
	uint64_t v;
	if (zsim_parse_u64(num, &v) < 0)
		return ZSIM_EFORMAT;
	const char *suf = s + n;
	unsigned shift = 0;
	if (*suf) {
		switch (toupper((unsigned char)*suf)) {
		case 'K': shift = 10; break;
		case 'M': shift = 20; break;
		case 'G': shift = 30; break;
		case 'T': shift = 40; break;
		case 'B': shift = 0; suf--; break;
		default: return ZSIM_EFORMAT;
		}
		suf++;
		if (strcasecmp(suf, "") != 0 && strcasecmp(suf, "B") != 0 && strcasecmp(suf, "iB") != 0)
			return ZSIM_EFORMAT;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return ZSIM_EFORMAT;
	*out = v << shift;
	return 0;
}

int zsim_parse_real(const char *s, double *out)
{
	char *end;
	if (!s || !*s || isspace((unsigned char)*s))
		return ZSIM_EFORMAT;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v))
		return ZSIM_EFORMAT;
	*out = v;
	return 0;
}

static const struct { const char *suf; double mul; } time_units[] = {
	{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 },
};

int zsim_parse_time(const char *s, uint64_t *ns)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return ZSIM_EFORMAT;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v < 0)
		return ZSIM_EFORMAT;
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(time_units); i++)
		if (strcmp(end, time_units[i].suf) == 0) {
			double x = v * time_units[i].mul;
			if (x >= ZSIM_TIME_MAX_NS)   /* beyond it llround and the printers misbehave */
				return ZSIM_EFORMAT;
			*ns = (uint64_t)llround(x);
			return 0;
		}
	return ZSIM_EFORMAT;   /* no unit, or an unknown one */
}

char *zsim_format_time(uint64_t ns, char *buf, size_t len)
{
	static const struct { const char *suf; uint64_t mul; } exact[] = {
		{ "s", 1000000000ull },
		{ "ms", 1000000ull }, { "us", 1000ull },
	};
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(exact); i++)
		if (ns && ns % exact[i].mul == 0) {
			snprintf(buf, len, "%llu%s", (unsigned long long)(ns / exact[i].mul), exact[i].suf);
			return buf;
		}
	snprintf(buf, len, "%lluns", (unsigned long long)ns);
	return buf;
}
