/*
 * Test-only wrappers around src/mesh/convert.c (scratch extension, never
 * installed with mesh_fdw).  Every call runs in a subtransaction so that
 * an ERROR thrown where none should be is reported as "THROWN: ..." and
 * does not stop the comparison.
 */
#include "postgres.h"

#include "core/avro_decode.h"
#include "core/json.h"
#include "mesh/convert.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

PG_MODULE_MAGIC;

typedef enum
{
	MODE_TEXT,
	MODE_JSON,
	MODE_AVRO,
	MODE_PG
} Mode;

/* The index of s among names[first..last]; an ERROR "bad <what>" if none. */
static int
name_index(const char *s, const char *const *names, int first, int last, const char *what)
{
	int			i;

	for (i = first; i <= last; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	elog(ERROR, "bad %s %s", what, s);
	return first;
}

static MeshAvroLogical
parse_logical(const char *s)
{
	static const char *const names[] = {
		"", "decimal", "uuid", "date", "time-millis", "time-micros",
		"timestamp-millis", "timestamp-micros", "local-timestamp-millis",
		"local-timestamp-micros", "duration"
	};

	return (MeshAvroLogical) name_index(s, names, 1, AVRO_LT_DURATION, "logical");
}

static MeshAvroKind
parse_kind(const char *s)
{
	static const char *const names[] = {
		"null", "boolean", "int", "long", "float", "double", "bytes",
		"string", "record", "enum", "array", "map", "union", "fixed"
	};

	return (MeshAvroKind) name_index(s, names, 0, AVRO_FIXED, "kind");
}

static char *
unhex(const char *s, size_t *len)
{
	size_t		n = strlen(s) / 2;
	char	   *out = palloc(n + 1);
	size_t		i;

	for (i = 0; i < n; i++)
	{
		unsigned int b;

		sscanf(s + 2 * i, "%2x", &b);
		out[i] = (char) b;
	}
	*len = n;
	return out;
}

/* "kind[/logical[/precision/scale]]" */
static void
parse_type(char *t, MeshAvroValue *v)
{
	char	   *save;
	char	   *k = strtok_r(t, "/", &save);
	char	   *l = strtok_r(NULL, "/", &save);
	char	   *p = strtok_r(NULL, "/", &save);
	char	   *sc = strtok_r(NULL, "/", &save);

	v->kind = parse_kind(k);
	if (l)
		v->logical = parse_logical(l);
	if (p)
		v->precision = atoi(p);
	if (sc)
		v->scale = atoi(sc);
}

static void
parse_payload(MeshAvroValue *v, const char *payload)
{
	v->present = true;
	v->is_null = v->kind == AVRO_NULL || strcmp(payload, "\\N") == 0;
	if (v->is_null)
		return;
	switch (v->kind)
	{
		case AVRO_BOOLEAN:
			v->boolean = strcmp(payload, "true") == 0;
			break;
		case AVRO_INT:
		case AVRO_LONG:
			v->integer = strtoll(payload, NULL, 10);
			break;
		case AVRO_FLOAT:
			v->real = (double) strtof(payload, NULL);
			break;
		case AVRO_DOUBLE:
			v->real = strtod(payload, NULL);
			break;
		case AVRO_BYTES:
		case AVRO_FIXED:
			v->data = unhex(payload, &v->len);
			break;
		default:
			v->data = pstrdup(payload);
			v->len = strlen(payload);
			break;
	}
}

/*
 * spec: "type:payload", "array/<type>:item|item|\N", or
 * "json/<kind>:<JSON text>" (MESH_SHAPE_JSON)
 */
static MeshAvroValue *
parse_avro_spec(const char *spec)
{
	MeshAvroValue *v = palloc0(sizeof(MeshAvroValue));
	char	   *s = pstrdup(spec);
	char	   *colon = strchr(s, ':');
	char	   *payload;

	if (!colon)
		elog(ERROR, "bad spec");
	*colon = '\0';
	payload = colon + 1;
	if (strncmp(s, "array/", 6) == 0)
	{
		char	   *save;
		char	   *item;
		int			cap = 16;

		v->present = true;
		v->kind = AVRO_ARRAY;
		v->items = palloc0(cap * sizeof(MeshAvroValue));
		if (*payload == '\0')
			return v;
		for (item = strtok_r(payload, "|", &save); item; item = strtok_r(NULL, "|", &save))
		{
			MeshAvroValue *it;

			if (v->nitems == cap)
			{
				cap *= 2;
				v->items = repalloc(v->items, cap * sizeof(MeshAvroValue));
			}
			it = &v->items[v->nitems++];
			memset(it, 0, sizeof(*it));
			parse_type(pstrdup(s + 6), it);
			parse_payload(it, item);
		}
		return v;
	}
	if (strncmp(s, "json/", 5) == 0)
	{
		v->present = true;
		v->kind = parse_kind(s + 5);
		v->data = pstrdup(payload);
		v->len = strlen(payload);
		return v;
	}
	parse_type(s, v);
	parse_payload(v, payload);
	return v;
}

static char *
run(Mode mode, const char *input, Oid typid, int32 typmod)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	char	   *volatile result = NULL;
	volatile bool converting = true;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		MeshColumnType ct;
		Datum		d = (Datum) 0;
		bool		isnull = false;
		bool		ok = true;
		char		errbuf[512];
		Oid			outfunc;
		bool		isvarlena;

		errbuf[0] = '\0';
		mesh_column_type_init(&ct, typid, typmod);
		switch (mode)
		{
			case MODE_TEXT:
				ok = mesh_convert_text(input, strlen(input), &ct, &d, errbuf, sizeof(errbuf));
				break;
			case MODE_JSON:
				{
					char		perr[256];
					MeshJson   *j = mesh_json_parse(input, strlen(input), 64, perr, sizeof(perr));

					if (j == NULL)
						elog(ERROR, "test input is not JSON: %s", perr);
					ok = mesh_convert_json(j, &ct, &d, &isnull, errbuf, sizeof(errbuf));
					break;
				}
			case MODE_AVRO:
				ok = mesh_convert_avro(parse_avro_spec(input), &ct, &d, &isnull, errbuf, sizeof(errbuf));
				break;
			case MODE_PG:
				{
					Oid			infunc,
								ioparam;

					converting = false;
					getTypeInputInfo(typid, &infunc, &ioparam);
					d = OidInputFunctionCall(infunc, (char *) input, ioparam, typmod);
					break;
				}
		}
		converting = false;
		if (!ok)
			result = psprintf("ERROR: %s", errbuf);
		else if (isnull)
			result = pstrdup("NULL");
		else
		{
			getTypeOutputInfo(typid, &outfunc, &isvarlena);
			result = OidOutputFunctionCall(outfunc, d);
		}
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		if (mode == MODE_PG)
			result = psprintf("ERROR: %s", edata->message);
		else
			result = psprintf("%s: %s", converting ? "THROWN" : "OUTPUT THROWN",
							  edata->message);
	}
	PG_END_TRY();
	return result;
}

/* A test function name(text, type oid, typmod): run() in this mode. */
#define RUN_FUNCTION(name, mode) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_TEXT_P(cstring_to_text(run((mode), text_to_cstring(PG_GETARG_TEXT_PP(0)), \
										 PG_GETARG_OID(1), PG_GETARG_INT32(2)))); \
}

RUN_FUNCTION(convert_test, MODE_TEXT)
RUN_FUNCTION(pg_input_test, MODE_PG)
RUN_FUNCTION(convert_json_test, MODE_JSON)
RUN_FUNCTION(convert_avro_test, MODE_AVRO)

/* the decoder's shape for a column type */
PG_FUNCTION_INFO_V1(convert_shape_test);
Datum
convert_shape_test(PG_FUNCTION_ARGS)
{
	MeshColumnType ct;
	static const char *const shapes[] = {"scalar", "array", "json"};

	mesh_column_type_init(&ct, PG_GETARG_OID(0), PG_GETARG_INT32(1));
	PG_RETURN_TEXT_P(cstring_to_text(shapes[mesh_column_avro_shape(&ct)]));
}
