/*-------------------------------------------------------------------------
 *
 * core/calendar.h
 *		  PostgreSQL's calendar for the portable core: the ranges of its
 *		  date and timestamp types, the proleptic Gregorian calendar, and
 *		  dates and times read from text
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_CALENDAR_H
#define MESH_CORE_CALENDAR_H

#include "core/core.h"

/* The PostgreSQL calendar (datatype/timestamp.h), in Unix-epoch units. */
#define MESH_UNIX_EPOCH_JDATE		2440588 /* 1970-01-01 */
#define MESH_DATE_END_JULIAN		2147483494	/* 5874898-01-01 */
#define MESH_DATE_MIN_UNIX			(-(int64_t) MESH_UNIX_EPOCH_JDATE)
#define MESH_DATE_END_UNIX			((int64_t) MESH_DATE_END_JULIAN - MESH_UNIX_EPOCH_JDATE)
#define MESH_USECS_PER_DAY			INT64_C(86400000000)
/* 4714-11-24 BC 00:00 UTC; the upper end (294277 AD) is beyond int64 */
#define MESH_TIMESTAMP_MIN_UNIX_US	(MESH_DATE_MIN_UNIX * MESH_USECS_PER_DAY)

/* Days since 1970-01-01 within PostgreSQL's date range. */
static inline bool
mesh_date_in_range(int64_t days)
{
	return days >= MESH_DATE_MIN_UNIX && days < MESH_DATE_END_UNIX;
}

/* A time of day in units of 1/per_second s: 0 to 24:00:00 inclusive. */
static inline bool
mesh_time_in_range(int64_t t, int64_t per_second)
{
	return t >= 0 && t <= 86400 * per_second;
}

/*
 * A timestamp in units of 1/per_second s (1000 or 1000000) since 1970
 * within PostgreSQL's range, and so in microseconds within int64 (the
 * upper end of the range is beyond).
 */
static inline bool
mesh_timestamp_in_range(int64_t t, int64_t per_second)
{
	int64_t		factor = 1000000 / per_second;

	return t >= MESH_TIMESTAMP_MIN_UNIX_US / factor && t <= INT64_MAX / factor;
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date, the calendar
 * PostgreSQL uses for all dates; year 0 is 1 BC (H. Hinnant's
 * days_from_civil).
 */
static inline int64_t
mesh_days_from_civil(int64_t y, int m, int d)
{
	int64_t		era;
	int64_t		yoe;
	int64_t		doy;
	int64_t		doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The date of days since 1970-01-01 (H. Hinnant's civil_from_days). */
static inline void
mesh_civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
	int64_t		era;
	int64_t		doe;
	int64_t		yoe;
	int64_t		doy;
	int64_t		mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = (int) (doy - (153 * mp + 2) / 5 + 1);
	*month = (int) (mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2 ? 1 : 0);
}

/* 'YYYY-MM-DD[ BC]' into days since 1970-01-01; false if it is not one. */
extern bool mesh_parse_date_text(const char *s, size_t len, int64_t *days);
/* 'HH:MM[:SS[.fraction]]' into microseconds since midnight. */
extern bool mesh_parse_time_text(const char *s, size_t len, int64_t *us);
/*
 * An ISO 8601 timestamp as to_jsonb() and timestamp_in write it into
 * microseconds since 1970-01-01 00:00 UTC, or local time where local says
 * so (a zone is then ignored, as timestamp_in ignores it).  False on bad
 * syntax, and when it does not fit int64 (then *overflow).
 */
extern bool mesh_parse_timestamp_text(const char *s, size_t len, bool local,
									  int64_t *us, bool *overflow);

#endif							/* MESH_CORE_CALENDAR_H */
