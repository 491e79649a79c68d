/*-------------------------------------------------------------------------
 *
 * option.c
 *		  The validator of mesh_fdw's options (CREATE/ALTER of a server,
 *		  user mapping, foreign table or column).
 *
 * What each option is, where it may appear and what values it takes is
 * one table (core/options.c); this file applies it to the option lists
 * PostgreSQL hands the validator, and checks "kafka.<property>" options
 * against the policy of kafka/settings.c.  The same policy runs again when
 * a client is built: ALTER ... OWNER TO and changed role attributes bypass
 * validators.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fdw/option.h"

#include "catalog/pg_attribute.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_user_mapping.h"
#include "commands/defrem.h"
#include "core/options.h"
#include "kafka/settings.h"
#include "miscadmin.h"

/* The option places of core/options.h for a catalog's OID. */
static int
place_of(Oid catalog)
{
	switch (catalog)
	{
		case ForeignServerRelationId:
			return MESH_OPT_SERVER;
		case UserMappingRelationId:
			return MESH_OPT_MAPPING;
		case ForeignTableRelationId:
			return MESH_OPT_TABLE;
		case AttributeRelationId:
			return MESH_OPT_COLUMN;
	}
	return 0;
}

static void
invalid_option_name(DefElem *def, int place)
{
	MeshBuf		names;

	mesh_buf_init(&names);
	mesh_option_names(place, &names);
	if (place & (MESH_OPT_SERVER | MESH_OPT_MAPPING))
		mesh_buf_append_str(&names, names.len > 0 ? ", kafka.<librdkafka property>" :
							"kafka.<librdkafka property>");
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
			 errmsg("invalid option \"%s\"", def->defname),
			 names.len > 0
			 ? errhint("Valid options in this context are: %s.", names.data)
			 : errhint("There are no valid options in this context.")));
}

/*
 * Validate the complete option list of a server, user mapping, foreign
 * table or column (catalog tells which).  Called by mesh_fdw_validator
 * with the list as it will be after CREATE or ALTER.
 */
void
mesh_validate_options(List *options, Oid catalog)
{
	int			place = place_of(catalog);
	ListCell   *lc;
	bool		have_brokers = false;
	bool		have_product = false;
	bool		have_topic = false;
	bool		have_bookmark = false;
	bool		table_mode = false;

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);
		const MeshOptionSpec *spec;
		char		msg[512];
		char		hint[512];

		if (strncmp(def->defname, MESH_KAFKA_PREFIX, MESH_KAFKA_PREFIX_LEN) == 0 &&
			(place & (MESH_OPT_SERVER | MESH_OPT_MAPPING)))
		{
			mesh_check_kafka_property(def->defname + MESH_KAFKA_PREFIX_LEN,
									  defGetString(def), GetUserId(),
									  place == MESH_OPT_MAPPING, true);
			continue;
		}
		spec = mesh_option_find(def->defname, place);
		if (spec == NULL)
			invalid_option_name(def, place);
		if (spec->kind == MESH_OPTION_BOOL)
			(void) defGetBoolean(def);
		else if (!mesh_option_check(spec, defGetString(def), msg, sizeof(msg),
									hint, sizeof(hint)))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg_internal("%s", msg),
					 hint[0] ? errhint("%s", hint) : 0));
		have_brokers |= strcmp(spec->name, "brokers") == 0;
		have_product |= strcmp(spec->name, "product") == 0;
		have_topic |= strcmp(spec->name, "topic") == 0;
		have_bookmark |= strcmp(spec->name, "bookmark") == 0;
		table_mode |= strcmp(spec->name, "mode") == 0 && strcmp(defGetString(def), "table") == 0;
	}

	if (place == MESH_OPT_SERVER && !have_brokers)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("option \"brokers\" is required for a mesh_fdw server"),
				 errhint("Add OPTIONS (brokers 'host:port[,host:port...]').")));

	if (place == MESH_OPT_TABLE)
	{
		if (have_product && have_topic)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("options \"product\" and \"topic\" cannot be used together"),
					 errhint("A table on a data product reads the product's topic.")));
		if (have_bookmark && table_mode)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("a foreign table in mode 'table' cannot have a bookmark"),
					 errdetail("A bookmark reads each message once; mode 'table' reads every key's latest value, from the whole topic.")));
		if (!have_product && !have_topic)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
					 errmsg("a mesh_fdw foreign table needs option \"product\" or \"topic\"")));
	}
}
