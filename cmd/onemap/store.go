package main

import (
	"context"
	"flag"
	"log/slog"

	"onemap/gpkg"
	"onemap/layers"
	"onemap/sql"
)

// storeFlags are the flags that choose the store, shared by serve and demo.
type storeFlags struct {
	data        string
	databaseURL string
	replicaURL  string // serve only (replica.go)
	migrateURL  string // the schema owner's URL (migrate.go)
}

// register adds -data and -database-url to fs. The database URL defaults to
// ONEMAP_DATABASE_URL so that it need not appear in a process list.
func (sf *storeFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&sf.data, "data", "onemap.gpkg", "path of the embedded GeoPackage store (used without -database-url)")
	fs.StringVar(&sf.databaseURL, "database-url", getenv("ONEMAP_DATABASE_URL"), "PostGIS URL, postgres://user:password@host:port/db?sslmode=disable (default $ONEMAP_DATABASE_URL)")
	fs.StringVar(&sf.migrateURL, "migrate-database-url", getenv("ONEMAP_MIGRATE_DATABASE_URL"), "PostGIS URL of the schema's owner role: migrate with it and grant the -database-url role what the service needs, then open the store as that role (default $ONEMAP_MIGRATE_DATABASE_URL; see onemap migrate)")
}

// embedded reports whether the store is the GeoPackage file.
func (sf *storeFlags) embedded() bool { return sf.databaseURL == "" }

// open opens the chosen store. The log names the GeoPackage path but never
// the database URL, which may hold a password.
func (sf *storeFlags) open(ctx context.Context, log *slog.Logger) (layers.Store, error) {
	if !sf.embedded() {
		if err := sf.migrateAsOwner(ctx, log); err != nil {
			return nil, err
		}
		s, err := sql.Open(ctx, sf.databaseURL, sql.WithReplica(sf.replicaURL))
		if err != nil {
			return nil, err
		}
		log.Info("store opened", "store", "postgis", "read_replica", sf.replicaURL != "")
		return s, nil
	}
	s, err := gpkg.Open(ctx, sf.data)
	if err != nil {
		return nil, err
	}
	log.Info("store opened", "store", "geopackage", "path", s.Path())
	return s, nil
}

// tileSource picks the tile encoder: PostGIS builds tiles itself with
// ST_AsMVT; the embedded store leaves it nil, so the server encodes tiles in
// memory from the store's R-tree.
func tileSource(store layers.Store) (layers.TileSource, error) {
	if ps, ok := store.(*sql.Store); ok {
		return sql.NewTiles(ps)
	}
	return nil, nil
}
