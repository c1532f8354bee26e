// Package sql is the PostGIS store of record: it implements layers.Store over
// PostgreSQL 15 + PostGIS 3 through pgx, and is the only package that talks
// to PostgreSQL.
//
// SQL is code here. Catalog statements are embedded files, one statement per
// file under queries/; the statements that name a layer's own table are
// embedded text templates under templates/, whose identifiers come only from
// the layer catalog (quoted with pgx.Identifier.Sanitize) and whose values are
// always bind parameters. Schema changes are forward-only migrations under
// migrations/, applied when the store opens — or beforehand by Migrate as
// the schema's owner role, when the service connects as a role that may
// change rows but not the schema (privileges.go).
//
// Every table is created in the first schema of the connection's search_path,
// so one database can hold several independent stores (the tests use one
// schema per test).
package sql
