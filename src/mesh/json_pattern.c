/*-------------------------------------------------------------------------
 *
 * json_pattern.c
 *		  JSON Schema "pattern" (an ECMA-262 regular expression) matched by
 *		  PostgreSQL's regular expressions (ARE), unanchored as JSON Schema
 *		  says: \d, \w, \s, classes, quantifiers, non-greedy and lookahead
 *		  mean the same in both.  A pattern ARE does not accept is not
 *		  checked (it never refuses a value).
 *
 * pg_regcomp and pg_regexec report errors by return code, never throw (a
 * cancel aside), so reading never stops on a pattern.  Patterns and
 * strings are UTF-8 whatever the database's encoding; the C collation.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/json_pattern.h"

#include "catalog/pg_collation.h"
#include "mb/pg_wchar.h"
#include "regex/regex.h"
#include "utils/memutils.h"

typedef struct PatternEntry
{
	const char *pattern;		/* the schema's string, by address */
	bool		usable;
	regex_t		re;
} PatternEntry;

/*
 * The compiled patterns, in the context itself (not in a child, such as a
 * dynahash table's: children are gone when reset callbacks run).  Schemas
 * have few patterns: a linear search.
 */
typedef struct Patterns
{
	MeshJsonPatterns matcher;
	PatternEntry **entries;		/* each its own chunk: a regex_t never moves */
	int			nentries;
	int			capacity;
	MemoryContext cxt;
	MemoryContextCallback free_cb;
} Patterns;

/*
 * The context goes: free what pg_regcomp allocated (malloc before
 * PostgreSQL 16, the current context since)
 */
static void
free_patterns(void *arg)
{
	Patterns   *p = (Patterns *) arg;
	int			i;

	for (i = 0; i < p->nentries; i++)
		if (p->entries[i]->usable)
			pg_regfree(&p->entries[i]->re);
	p->nentries = 0;
}

static pg_wchar *
to_wchars(const char *s, size_t len, size_t *wlen)
{
	pg_wchar   *w = palloc((len + 1) * sizeof(pg_wchar));

	*wlen = pg_encoding_mb2wchar_with_len(PG_UTF8, s, w, (int) len);
	return w;
}

static int
match(void *arg, const char *pattern, const char *s, size_t len)
{
	Patterns   *p = (Patterns *) arg;
	PatternEntry *entry = NULL;
	pg_wchar   *w;
	size_t		wlen;
	int			rc;
	int			i;

	if (len > MaxAllocSize / sizeof(pg_wchar) - 1 ||
		strlen(pattern) > MaxAllocSize / sizeof(pg_wchar) - 1)
		return -1;
	for (i = 0; i < p->nentries && entry == NULL; i++)
		if (p->entries[i]->pattern == pattern)
			entry = p->entries[i];
	if (entry == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(p->cxt);

		if (p->nentries == p->capacity)
		{
			p->capacity = Max(8, p->capacity * 2);
			p->entries = p->entries ? repalloc(p->entries, sizeof(PatternEntry *) * p->capacity) :
				palloc(sizeof(PatternEntry *) * p->capacity);
		}
		entry = palloc0(sizeof(PatternEntry));
		entry->pattern = pattern;
		w = to_wchars(pattern, strlen(pattern), &wlen);
		entry->usable = pg_regcomp(&entry->re, w, wlen, REG_ADVANCED | REG_NOSUB,
								   C_COLLATION_OID) == REG_OKAY;
		pfree(w);
		/* only now: a cancel in pg_regcomp leaves no entry half made */
		p->entries[p->nentries++] = entry;
		MemoryContextSwitchTo(old);
	}
	if (!entry->usable)
		return -1;
	w = to_wchars(s, len, &wlen);
	rc = pg_regexec(&entry->re, w, wlen, 0, NULL, 0, NULL, 0);
	pfree(w);
	return rc == REG_OKAY ? 1 : rc == REG_NOMATCH ? 0 : -1;
}

MeshJsonPatterns *
mesh_json_patterns_create(void)
{
	Patterns   *p = palloc0(sizeof(Patterns));

	p->cxt = CurrentMemoryContext;
	p->matcher.match = match;
	p->matcher.arg = p;
	p->free_cb.func = free_patterns;
	p->free_cb.arg = p;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, &p->free_cb);
	return &p->matcher;
}
