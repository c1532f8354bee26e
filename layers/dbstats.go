package layers

import "time"

// PoolStats is a snapshot of one database connection pool, for the
// service's metrics. It lives here, not in the store package, so that the
// server can report a pool without importing the database driver.
type PoolStats struct {
	// Pool names the pool: "primary", or "replica" for the read replica.
	Pool string
	// Acquired, Idle and Total count connections now; Max is the cap.
	Acquired, Idle, Total, Max int32
	// Acquires counts connections taken from the pool; EmptyAcquires those
	// that had to wait because none was idle; CanceledAcquires those whose
	// caller gave up while waiting.
	Acquires, EmptyAcquires, CanceledAcquires int64
	// AcquireWait is the total time spent waiting for connections.
	AcquireWait time.Duration
}

// ReplicaStats counts where the reads that could go to a read replica went.
type ReplicaStats struct {
	// Served counts reads answered by the replica.
	Served int64
	// Lagging counts reads sent to the primary because the replica had not
	// yet reached the layer version the primary holds.
	Lagging int64
	// Failed counts reads sent to the primary because the replica failed.
	Failed int64
}

// PoolReporter is implemented by stores backed by connection pools (the
// PostGIS store); the embedded store has none. ReplicaStats is zero without
// a replica.
type PoolReporter interface {
	PoolStats() []PoolStats
	ReplicaStats() ReplicaStats
}
