// Package gpkg is the embedded store: one OGC GeoPackage file that QGIS and
// GDAL open as it is, read and written through pure-Go SQLite, with an
// in-memory R-tree per layer for spatial queries. It lets onemap run with no
// database server and still behave exactly like the PostGIS store (both pass
// layers/storetest).
package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"onemap/layers"
)

var _ layers.Store = (*Store)(nil)

// Store is a layers.Store kept in one GeoPackage file.
//
// SQLite allows one writer at a time, so writes go through a single
// connection (wdb) while reads use a pool (rdb); in WAL mode readers keep
// reading while a write is in progress. The in-memory indexes and the file
// must change together: a query holds mu for reading from its first look at
// an index to its last row, and a write takes mu for writing only around
// COMMIT and the index swap, so no reader ever sees half a batch.
type Store struct {
	path string
	rdb  *sql.DB
	wdb  *sql.DB

	// wmu serializes writers, so that an index snapshot taken at the start
	// of a write is still current when the write commits.
	wmu sync.Mutex

	mu      sync.RWMutex
	indexes map[string]*index // by layer name; changed only under mu's write lock

	closed atomic.Bool
}

// Open opens the GeoPackage at path, creating a valid empty GeoPackage when
// the file does not exist, brings its schema up to date and loads the
// spatial index of every layer into memory.
//
// The in-memory index follows only the writes of this Store: open a file
// with one Store at a time. Reading it meanwhile in QGIS or with ogrinfo is
// fine; editing it there while onemap runs is not (reopen afterwards).
func Open(ctx context.Context, path string) (*Store, error) {
	const op = "gpkg.Open"
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, layers.Wrap(err, layers.Invalid, op, "the GeoPackage path "+path+" is not usable")
	}
	if dir := filepath.Dir(abs); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, layers.Errorf(layers.Invalid, op, "the folder %s for the GeoPackage does not exist; create it first", dir)
		}
	}
	s := &Store{path: abs, indexes: map[string]*index{}}
	if s.wdb, err = openDB(abs, true); err != nil {
		return nil, layers.Wrap(err, layers.Unavailable, op, "cannot open the GeoPackage "+abs)
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetMaxIdleConns(1)
	s.wdb.SetConnMaxLifetime(0)
	s.wdb.SetConnMaxIdleTime(0)
	if err := migrate(ctx, s.wdb); err != nil {
		s.wdb.Close()
		return nil, layers.Wrap(err, layers.KindOf(err), op, "cannot prepare the GeoPackage "+abs)
	}
	if s.rdb, err = openDB(abs, false); err != nil {
		s.wdb.Close()
		return nil, layers.Wrap(err, layers.Unavailable, op, "cannot open the GeoPackage "+abs)
	}
	s.rdb.SetMaxIdleConns(4)
	if err := s.seedRules(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.loadIndexes(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openDB opens a connection pool on the file. Every connection waits up to
// 10 s for a lock instead of failing at once; the writer begins its
// transactions IMMEDIATE so that two writers queue instead of deadlocking on
// a lock upgrade; readers are query-only.
func openDB(path string, writer bool) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if writer {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
		q.Add("_pragma", "mmap_size(268435456)")
		q.Add("_pragma", "cache_size(-32000)")
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	db, err := sql.Open("sqlite", "file:"+u.EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	return db, nil
}

// Path returns the absolute path of the GeoPackage file.
func (s *Store) Path() string { return s.path }

// Ping reports whether the file can be read.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	if err := s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM gpkg_contents`).Scan(&n); err != nil {
		return layers.Wrap(err, layers.Unavailable, "gpkg.Ping", "the GeoPackage "+s.path+" cannot be read")
	}
	return nil
}

// Close releases both connection pools; the file is left consistent (WAL
// checkpointed by SQLite on the last close).
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	var errs []error
	if s.rdb != nil {
		errs = append(errs, s.rdb.Close())
	}
	if s.wdb != nil {
		errs = append(errs, s.wdb.Close())
	}
	return layers.Wrap(errors.Join(errs...), layers.Internal, "gpkg.Close", "cannot close the GeoPackage "+s.path)
}
