/*-------------------------------------------------------------------------
 *
 * bench.h
 *		  What the benchmarks (test/unit/bench_decode.c, bench_encode.c)
 *		  share: the record they time, and their clock.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_TEST_BENCH_H
#define MESH_TEST_BENCH_H

#include <time.h>

/* An 8-field trade: ints, longs, doubles, strings and a timestamp. */
#define BENCH_TRADE_JSON \
	"{\"type\":\"record\",\"name\":\"Trade\",\"namespace\":\"bench\",\"fields\":[" \
	"{\"name\":\"id\",\"type\":\"long\"}," \
	"{\"name\":\"account\",\"type\":\"int\"}," \
	"{\"name\":\"symbol\",\"type\":\"string\"}," \
	"{\"name\":\"quantity\",\"type\":\"int\"}," \
	"{\"name\":\"price\",\"type\":\"double\"}," \
	"{\"name\":\"amount\",\"type\":\"double\"}," \
	"{\"name\":\"trader\",\"type\":\"string\"}," \
	"{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}"

/* The thread's CPU time in seconds: a shared machine's other load does not count. */
static inline double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif							/* MESH_TEST_BENCH_H */
