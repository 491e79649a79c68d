/*-------------------------------------------------------------------------
 *
 * calendar.c
 *		  Dates, times and timestamps as text, read as PostgreSQL's
 *		  date_in, time_in and timestamp_in read the forms to_jsonb()
 *		  writes.
 *
 * The encoder takes text for date, time and timestamp fields (from INSERT
 * of text, and inside JSON values): 'YYYY-MM-DD[ BC]' (a year of 1 to 7
 * digits), 'HH:MM[:SS[.fraction]]' (the fraction rounded to microseconds
 * as PostgreSQL rounds it; 24:00:00 is the end of the day), and ISO 8601
 * timestamps 'YYYY-MM-DD[(T| )HH:MM[:SS[.ffffff]][zone]][ BC]' with a zone
 * Z, +HH, +HH:MM, +HHMM or +HH:MM:SS.  Anything else is refused rather
 * than guessed at.  (The decoder writes these forms: avro_render.c.)
 *
 *-------------------------------------------------------------------------
 */
#include "core/calendar.h"

static int
days_in_month(int64_t y, int m)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : mdays[m - 1];
}

/* n digits at s[*i] into *out; false if there are not exactly n */
static bool
fixed_digits(const char *s, size_t len, size_t *i, int n, int *out)
{
	int			v = 0;
	int			k;

	for (k = 0; k < n; k++)
	{
		if (*i + k >= len || s[*i + k] < '0' || s[*i + k] > '9')
			return false;
		v = v * 10 + (s[*i + k] - '0');
	}
	if (*i + n < len && s[*i + n] >= '0' && s[*i + n] <= '9')
		return false;
	*i += n;
	*out = v;
	return true;
}

/* c at s[*i]: step past it; false if it is not there */
static bool
skip_char(const char *s, size_t len, size_t *i, char c)
{
	if (*i >= len || s[*i] != c)
		return false;
	(*i)++;
	return true;
}

/* YYYY-MM-DD (a year of 1 to 7 digits) at s[*i]: days since 1970. */
static bool
parse_date_part(const char *s, size_t len, size_t *i, int64_t *year, int *month,
				int *day)
{
	int64_t		y = 0;
	int			nd = 0;

	while (*i < len && s[*i] >= '0' && s[*i] <= '9' && nd < 8)
	{
		y = y * 10 + (s[*i] - '0');
		(*i)++;
		nd++;
	}
	if (nd == 0 || nd > 7 || !skip_char(s, len, i, '-') ||
		!fixed_digits(s, len, i, 2, month) || !skip_char(s, len, i, '-') ||
		!fixed_digits(s, len, i, 2, day))
		return false;
	*year = y;
	return true;
}

/* " BC" at s[*i], if there */
static bool
parse_bc(const char *s, size_t len, size_t *i)
{
	if (len - *i == 3 && memcmp(s + *i, " BC", 3) == 0)
	{
		*i += 3;
		return true;
	}
	return false;
}

/* A checked calendar date into days since 1970; false if there is none. */
static bool
civil_days(int64_t year, int month, int day, bool bc, int64_t *days)
{
	if (year < 1 || month < 1 || month > 12)
		return false;
	if (bc)
		year = 1 - year;		/* 1 BC is year 0 */
	if (day < 1 || day > days_in_month(year, month))
		return false;
	*days = mesh_days_from_civil(year, month, day);
	return true;
}

/*
 * HH[:MM[:SS]] at s[*i] into part[0..2] (0 where absent): how many parts
 * there are, -1 when a part is not two digits.
 */
static int
clock_parts(const char *s, size_t len, size_t *i, int part[3])
{
	int			k;

	part[0] = part[1] = part[2] = 0;
	for (k = 0; k < 3; k++)
	{
		if (k > 0 && !skip_char(s, len, i, ':'))
			break;
		if (!fixed_digits(s, len, i, 2, &part[k]))
			return -1;
	}
	return k;
}

/*
 * The digits of a fraction of a second at s[*i] into microseconds, rounded
 * as PostgreSQL does; false if there are none.
 */
static bool
parse_fraction(const char *s, size_t len, size_t *i, int64_t *frac)
{
	int			nd = 0;
	bool		round_up = false;

	*frac = 0;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9')
	{
		if (nd < 6)
			*frac = *frac * 10 + (s[*i] - '0');
		else if (nd == 6)
			round_up = s[*i] >= '5';
		nd++;
		(*i)++;
	}
	if (nd == 0)
		return false;
	while (nd < 6)
	{
		*frac *= 10;
		nd++;
	}
	if (round_up)
		(*frac)++;
	return true;
}

/*
 * HH:MM[:SS[.fraction]] at s[*i] into microseconds since midnight; 24:00:00
 * is the end of the day.
 */
static bool
parse_time_part(const char *s, size_t len, size_t *i, int64_t *us)
{
	int			t[3];
	int			n = clock_parts(s, len, i, t);
	int64_t		frac = 0;

	if (n < 2)
		return false;
	if (n == 3 && skip_char(s, len, i, '.') && !parse_fraction(s, len, i, &frac))
		return false;
	if (t[0] > 24 || t[1] > 59 || t[2] > 59 ||
		(t[0] == 24 && (t[1] != 0 || t[2] != 0 || frac != 0)))
		return false;
	*us = ((int64_t) t[0] * 3600 + t[1] * 60 + t[2]) * 1000000 + frac;
	return true;
}

/* Z, +HH, +HH:MM, +HHMM, +HH:MM:SS at s[*i]: the offset in seconds east. */
static bool
parse_zone(const char *s, size_t len, size_t *i, int64_t *offset)
{
	int			sign;
	int			t[3] = {0, 0, 0};

	if (skip_char(s, len, i, 'Z'))
	{
		*offset = 0;
		return true;
	}
	if (*i >= len || (s[*i] != '+' && s[*i] != '-'))
		return false;
	sign = s[*i] == '-' ? -1 : 1;
	(*i)++;
	if (*i + 4 <= len && s[*i + 2] >= '0' && s[*i + 2] <= '9')
	{
		/* +HHMM */
		if (!fixed_digits(s, len, i, 4, &t[0]))
			return false;
		t[1] = t[0] % 100;
		t[0] /= 100;
	}
	else if (clock_parts(s, len, i, t) < 1)
		return false;
	if (t[0] > 15 || t[1] > 59 || t[2] > 59)
		return false;
	*offset = sign * ((int64_t) t[0] * 3600 + t[1] * 60 + t[2]);
	return true;
}

bool
mesh_parse_date_text(const char *s, size_t len, int64_t *days)
{
	size_t		i = 0;
	int64_t		y;
	int			m;
	int			d;
	bool		bc;

	if (!parse_date_part(s, len, &i, &y, &m, &d))
		return false;
	bc = parse_bc(s, len, &i);
	return i == len && civil_days(y, m, d, bc, days);
}

bool
mesh_parse_time_text(const char *s, size_t len, int64_t *us)
{
	size_t		i = 0;

	return parse_time_part(s, len, &i, us) && i == len;
}

bool
mesh_parse_timestamp_text(const char *s, size_t len, bool local, int64_t *us,
						  bool *overflow)
{
	size_t		i = 0;
	int64_t		y;
	int			m;
	int			d;
	int64_t		days;
	int64_t		tod = 0;
	int64_t		offset = 0;
	bool		bc;
	int64_t		v;

	*overflow = false;
	if (!parse_date_part(s, len, &i, &y, &m, &d))
		return false;
	if (i < len && (s[i] == 'T' ||
					(s[i] == ' ' && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9')))
	{
		i++;
		if (!parse_time_part(s, len, &i, &tod))
			return false;
		if (i < len && (s[i] == 'Z' || s[i] == '+' || s[i] == '-') &&
			!parse_zone(s, len, &i, &offset))
			return false;
	}
	bc = parse_bc(s, len, &i);
	if (i != len || !civil_days(y, m, d, bc, &days))
		return false;
	if (local)
		offset = 0;
	if (__builtin_mul_overflow(days, MESH_USECS_PER_DAY, &v) ||
		__builtin_add_overflow(v, tod, &v) ||
		__builtin_sub_overflow(v, offset * 1000000, &v))
	{
		*overflow = true;
		return false;
	}
	*us = v;
	return true;
}
