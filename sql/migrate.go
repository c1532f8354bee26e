package sql

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"onemap/layers"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one forward-only schema change, migrations/NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded migrations in version order and refuses
// badly named or duplicate versions.
func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	seen := map[int]string{}
	for _, e := range entries {
		num, rest, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 || !strings.HasSuffix(rest, ".sql") || v < 1 {
			return nil, fmt.Errorf("migration file %s is not named NNNN_name.sql", e.Name())
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: strings.TrimSuffix(rest, ".sql"), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrate applies the migrations this schema has not seen, in order, in one
// transaction under an advisory lock (so concurrent Opens of one schema wait
// for each other), and seeds the rules table with its first version.
func (s *Store) migrate(ctx context.Context) error {
	const op = "sql.migrate"
	ms, err := loadMigrations()
	if err != nil {
		return layers.Wrap(err, layers.Internal, op, "")
	}
	var oid *uint32
	if err := s.pool.QueryRow(ctx, s.q.GeometryOID).Scan(&oid); err != nil {
		return dbError(err, op)
	}
	if oid == nil {
		return layers.Errorf(layers.Unavailable, op, "PostGIS is not installed in this database (or not on its search_path); run scripts/postgis.sh as root, or CREATE EXTENSION postgis as a superuser")
	}
	var schema *string
	if err := s.pool.QueryRow(ctx, s.q.CurrentSchema).Scan(&schema); err != nil {
		return dbError(err, op)
	}
	if schema == nil {
		return layers.Errorf(layers.Invalid, op, "no schema of the search_path exists; create the schema first or fix search_path in the database URL")
	}
	if ok, err := s.current(ctx, ms); err != nil || ok {
		return needOwner(err, op)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, s.q.MigrateLock); err != nil {
			return dbError(err, op)
		}
		if _, err := tx.Exec(ctx, s.q.MigrationsTable); err != nil {
			return dbError(err, op)
		}
		done, err := s.applied(ctx, tx)
		if err != nil {
			return dbError(err, op)
		}
		for _, m := range ms {
			if done[m.version] {
				continue
			}
			// No arguments: pgx sends the file with the simple protocol, which
			// allows several statements.
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				if e := dbError(err, op); !layers.IsKind(e, layers.Internal) {
					return e
				}
				return layers.Wrap(err, layers.Internal, op, fmt.Sprintf("database migration %04d_%s failed", m.version, m.name))
			}
			if _, err := tx.Exec(ctx, s.q.MigrationRecord, m.version, m.name); err != nil {
				return dbError(err, op)
			}
		}
		rules, err := json.Marshal(layers.DefaultRules())
		if err != nil {
			return layers.Wrap(err, layers.Internal, op, "")
		}
		if _, err := tx.Exec(ctx, s.q.RulesSeed, "defaults from the national standards and the district plan", rules); err != nil {
			return dbError(err, op)
		}
		return s.writeTileColumns(ctx, tx)
	})
	return needOwner(err, op)
}

// current reports whether the schema needs nothing from migrate: every
// embedded migration applied, the rules seeded and the tile-column list as
// this program writes it. Then Open takes no lock and issues no DDL, so a
// service role without DDL rights opens a schema its owner has migrated.
func (s *Store) current(ctx context.Context, ms []migration) (bool, error) {
	var exists bool
	if err := s.pool.QueryRow(ctx, s.q.MigrationsExist).Scan(&exists); err != nil || !exists {
		return false, err
	}
	done, err := s.applied(ctx, s.pool)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if !done[m.version] {
			return false, nil
		}
	}
	var seeded bool
	if err := s.pool.QueryRow(ctx, s.q.RulesExist).Scan(&seeded); err != nil || !seeded {
		return false, err
	}
	have, err := s.tileColumnList(ctx, s.pool)
	if err != nil {
		return false, err
	}
	return slices.Equal(have, wantTileColumns()), nil
}

// applied is the set of migration versions recorded in the schema.
func (s *Store) applied(ctx context.Context, db querier) (map[int]bool, error) {
	rows, err := db.Query(ctx, s.q.MigrationsApplied)
	if err != nil {
		return nil, err
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, err
	}
	done := map[int]bool{}
	for _, v := range versions {
		done[int(v)] = true
	}
	return done, nil
}
