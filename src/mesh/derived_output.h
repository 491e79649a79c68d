/*-------------------------------------------------------------------------
 *
 * mesh/derived_output.h
 *		  The output of a derived data product: its schema from a query's
 *		  result columns, and result rows encoded as its messages.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_DERIVED_OUTPUT_H
#define MESH_MESH_DERIVED_OUTPUT_H

#include "access/tupdesc.h"
#include "core/buf.h"
#include "kafka/client.h"
#include "mesh/product.h"

typedef struct MeshDerivedOutput MeshDerivedOutput;

/*
 * The Avro record schema of a query's result: every column nullable (a
 * union with null, default null); an ERROR for a column name or type Avro
 * cannot hold.
 */
extern char *mesh_derive_schema(const char *domain, const char *name,
								const char *description, TupleDesc tupdesc);

/*
 * Register schema for topic's values when the server has a registry; the
 * framing that goes before each value into header (10 bytes at most);
 * returns its length.
 */
extern int	mesh_derived_header(MeshConnection *conn, MeshProductSchema *schema,
								const char *topic, char *header);

/* An encoder of rows of tupdesc; keycol (or NULL) is the key's column. */
extern MeshDerivedOutput *mesh_derived_output_create(const char *qualified_name,
													 const char *schema_text,
													 const char *header,
													 int header_len,
													 TupleDesc tupdesc,
													 const char *keycol);

/*
 * A row as a message value (valid until the next call), with the key's
 * text in *key (NULL without a key column or for a NULL key); allocates
 * in the current memory context.
 */
extern const MeshBuf *mesh_derived_output_encode(MeshDerivedOutput *out,
												 const Datum *values,
												 const bool *nulls, char **key);

/* An ERROR unless rows of desc are rows of the output's columns. */
extern void mesh_derived_output_check(MeshDerivedOutput *out, TupleDesc desc);

/* The output function of a type. */
extern Oid	mesh_type_output(Oid typid);

#endif							/* MESH_MESH_DERIVED_OUTPUT_H */
