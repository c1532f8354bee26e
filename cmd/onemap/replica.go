package main

import (
	"flag"
	"fmt"
)

// registerReplica adds -database-replica-url to fs: serve only, since the
// replica takes reads and the other commands write or export once.
func (sf *storeFlags) registerReplica(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&sf.replicaURL, "database-replica-url", getenv("ONEMAP_DATABASE_REPLICA_URL"),
		"PostGIS hot standby URL for read-only queries (features, tiles, nearest); a read goes to the primary while the standby has not reached the layer version the primary holds (default $ONEMAP_DATABASE_REPLICA_URL)")
}

// checkReplica refuses a replica without a primary.
func (sf *storeFlags) checkReplica() error {
	if sf.replicaURL != "" && sf.embedded() {
		return fmt.Errorf("-database-replica-url needs -database-url: the replica only takes reads off a PostGIS primary: %w", errUsage)
	}
	return nil
}
