package gpkg

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"onemap/layers"
)

// migrations holds the schema changes of the GeoPackage, applied in name
// order, each once, forward only. A file that shipped is never edited: a
// change is a new file.
//
//go:embed migrations/*.sql
var migrations embed.FS

// GeoPackage identification (OGC 12-128r18 clause 1.1.1.1): the SQLite
// application_id "GPKG" and the version as user_version.
const (
	applicationID = 0x47504B47
	userVersion   = 10300
)

// migrate identifies the file as a GeoPackage and applies the migrations it
// has not seen yet, each in its own transaction together with its record in
// onemap_migrations.
func migrate(ctx context.Context, db *sql.DB) error {
	const op = "gpkg.migrate"
	var appID int64
	if err := db.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&appID); err != nil {
		return layers.Wrap(err, layers.Invalid, op, "the file cannot be read as a GeoPackage (SQLite database); check the path and the file's permissions")
	}
	if appID != 0 && appID != applicationID {
		return layers.Errorf(layers.Invalid, op, "the file is an SQLite database of another application (application_id %#x), not a GeoPackage", appID)
	}
	if appID == 0 {
		if _, err := db.ExecContext(ctx, fmt.Sprintf(`PRAGMA application_id = %d`, applicationID)); err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot mark the file as a GeoPackage")
		}
	}
	// A GeoPackage that declares a newer version (GDAL writes 1.4) keeps it:
	// the tables onemap adds are the same in 1.2 to 1.4.
	var version int64
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return layers.Wrap(err, layers.Invalid, op, "the file cannot be read as a GeoPackage")
	}
	if version < 10200 {
		if _, err := db.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, userVersion)); err != nil {
			return layers.Wrap(err, layers.Internal, op, "cannot mark the file as a GeoPackage")
		}
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS onemap_migrations (
		name TEXT NOT NULL PRIMARY KEY,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return layers.Wrap(err, layers.Internal, op, "cannot record migrations")
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return layers.Wrap(err, layers.Internal, op, "cannot list migrations")
	}
	sort.Strings(names)
	for _, name := range names {
		if err := applyMigration(ctx, db, name); err != nil {
			return err
		}
	}
	// Put the identification into the main file now: GDAL reads it from
	// the file header, which in WAL mode would otherwise wait for the first
	// checkpoint.
	if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return layers.Wrap(err, layers.Unavailable, op, "cannot write the GeoPackage header")
	}
	return nil
}

func applyMigration(ctx context.Context, db *sql.DB, name string) error {
	const op = "gpkg.migrate"
	body, err := migrations.ReadFile(name)
	if err != nil {
		return layers.Wrap(err, layers.Internal, op, "cannot read migration "+name)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return layers.Wrap(err, layers.Unavailable, op, "cannot start migration "+name)
	}
	defer tx.Rollback()
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM onemap_migrations WHERE name = ?`, name).Scan(&done); err != nil {
		return layers.Wrap(err, layers.Internal, op, "cannot read the migration record")
	}
	if done > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return layers.Wrap(err, layers.Internal, op, "migration "+name+" failed")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO onemap_migrations (name, applied_at) VALUES (?, ?)`,
		name, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		return layers.Wrap(err, layers.Internal, op, "cannot record migration "+name)
	}
	return layers.Wrap(tx.Commit(), layers.Internal, op, "cannot commit migration "+name)
}
