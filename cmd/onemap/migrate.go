package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"onemap/sql"
)

// migrateCmd brings a PostGIS schema up to date as its owner role and grants
// the service role what `onemap serve` needs — the deployment step that
// lets the service run without any right to change the schema
// (docs/operations.md, "Two database roles").
func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ownerURL := fs.String("database-url", envOr(getenv, "ONEMAP_MIGRATE_DATABASE_URL", getenv("ONEMAP_DATABASE_URL")),
		"PostGIS URL of the schema's owner role (default $ONEMAP_MIGRATE_DATABASE_URL, else $ONEMAP_DATABASE_URL)")
	serviceRole := fs.String("service-role", getenv("ONEMAP_SERVICE_ROLE"),
		"role the service connects as, granted what it needs; empty: only migrate (one role for both) (default $ONEMAP_SERVICE_ROLE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate takes no arguments, got %q: %w", fs.Args(), errUsage)
	}
	if *ownerURL == "" {
		fs.Usage()
		return fmt.Errorf("migrate needs the owner's PostGIS URL (-database-url or ONEMAP_MIGRATE_DATABASE_URL): %w", errUsage)
	}
	if err := sql.Migrate(ctx, *ownerURL, *serviceRole); err != nil {
		return err
	}
	if *serviceRole == "" {
		fmt.Fprintln(stdout, "schema up to date")
	} else {
		fmt.Fprintf(stdout, "schema up to date; role %s may use it\n", *serviceRole)
	}
	return nil
}

// migrateAsOwner runs Migrate with -migrate-database-url before a command
// opens the store as the -database-url role, which is granted what the
// service needs. Without -migrate-database-url, Open migrates as the one
// role, as in development.
func (sf *storeFlags) migrateAsOwner(ctx context.Context, log *slog.Logger) error {
	if sf.migrateURL == "" {
		return nil
	}
	role, err := sql.DatabaseRole(sf.databaseURL)
	if err != nil {
		return err
	}
	if err := sql.Migrate(ctx, sf.migrateURL, role); err != nil {
		return err
	}
	log.Info("schema migrated as its owner", "service_role", role)
	return nil
}
