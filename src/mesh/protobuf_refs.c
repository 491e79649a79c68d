/*-------------------------------------------------------------------------
 *
 * protobuf_refs.c
 *		  Protobuf schemas with the registry references their imports name.
 *
 * A catalog record keeps a product's references resolved (name, subject,
 * version and schema), so that IMPORT FOREIGN SCHEMA, the views and a
 * table's checks read it without the registry; a scan resolves the
 * references of each writer's schema id through the registry's caches.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/protobuf_refs.h"

MeshPbFile *
mesh_pb_parse_references(const char *schema, List *references, char *errbuf, size_t errlen)
{
	int			n = list_length(references);
	MeshPbImport *imports = palloc0(sizeof(MeshPbImport) * (n + 1));
	ListCell   *lc;

	foreach(lc, references)
	{
		MeshRegistryReference *r = lfirst(lc);
		MeshPbImport *imp = &imports[foreach_current_index(lc)];

		imp->name = r->name;
		imp->text = r->schema ? r->schema : "";
		imp->len = strlen(imp->text);
	}
	return mesh_pb_parse_imports(schema, strlen(schema), imports, n, errbuf, errlen);
}

MeshPbFile *
mesh_pb_parse_registered(MeshConnection *conn, int id, const char *schema,
						 char *errbuf, size_t errlen)
{
	List	   *references = mesh_registry_resolve_references(conn,
															 mesh_registry_references_by_id(conn, id));

	return mesh_pb_parse_references(schema, references, errbuf, errlen);
}
