package sql

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"onemap/layers"
)

// Least privilege in PostGIS. Two roles share a schema:
//
//   - the owner runs the migrations (Migrate, `onemap migrate`) and owns
//     every table, index, sequence and function in it;
//   - the service role, which `onemap serve` connects as, may read and write
//     rows (queries/grant_service.sql lists what, table by table) but owns
//     nothing and creates nothing. The one piece of DDL the service needs at
//     run time, the feature table of a new layer, is made by
//     onemap_create_layer_table, a SECURITY DEFINER function of the owner
//     that builds the table from the layer's catalog row alone.
//
// With one URL (one role for both, as in development) nothing changes: Open
// migrates, and the function runs with the rights its caller already has.

// Migrate brings the schema that ownerURL's search_path selects up to date,
// as the role of ownerURL, which then owns everything in it. When
// serviceRole names another role, that role is granted what the service
// needs and no more, after checking that it is fit for it: not a superuser,
// not a member of the owner, unable to create objects in the schema.
// Migrate may run at every deployment; it is idempotent.
func Migrate(ctx context.Context, ownerURL, serviceRole string) error {
	s, err := Open(ctx, ownerURL)
	if err != nil {
		return err
	}
	defer s.Close()
	if serviceRole == "" {
		return nil
	}
	return s.grantService(ctx, serviceRole)
}

// DatabaseRole is the role a database URL logs in as: its user name, or
// the one libpq's defaults give (PGUSER, then the operating-system user).
func DatabaseRole(databaseURL string) (string, error) {
	cfg, err := pgconn.ParseConfig(databaseURL)
	if err != nil {
		// The parse error may quote the URL with its password.
		return "", layers.Errorf(layers.Invalid, "sql.DatabaseRole", "the database URL is not valid; expected postgres://user:password@host:port/database?sslmode=disable")
	}
	return cfg.User, nil
}

// grantService runs queries/grant_service.sql for role under the migration
// lock, so it never interleaves with a migration or another grant run.
func (s *Store) grantService(ctx context.Context, role string) error {
	const op = "sql.Migrate"
	var owner string
	if err := s.pool.QueryRow(ctx, "SELECT current_user").Scan(&owner); err != nil {
		return dbError(err, op)
	}
	if role == owner {
		// One role for both: it owns everything already.
		return nil
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, s.q.MigrateLock); err != nil {
			return err
		}
		if err := s.checkServiceRole(ctx, tx, role, owner, false); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, s.q.ServiceRoleSet, role); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, s.q.GrantService); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "55000" { // object_not_in_prerequisite_state
				return layers.Wrap(pe, layers.Invalid, op, pe.Message+"; run onemap migrate with the URL of the role that owns the tables, or give them to it (REASSIGN OWNED BY … TO …)")
			}
			return err
		}
		// The grant step revoked the role's own CREATE; one through PUBLIC
		// or another role is the database administrator's to take away.
		return s.checkServiceRole(ctx, tx, role, owner, true)
	})
	return dbError(err, op)
}

// checkServiceRole refuses a role that would make the split pointless, or
// that the grants could not reach. The schema rights are checked only once
// the grants have run (granted).
func (s *Store) checkServiceRole(ctx context.Context, tx pgx.Tx, role, owner string, granted bool) error {
	const op = "sql.Migrate"
	var super, member, create, usage bool
	err := tx.QueryRow(ctx, s.q.ServiceRoleCheck, role).Scan(&super, &member, &create, &usage)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return layers.Errorf(layers.Invalid, op, "the service role %q does not exist; create it first: CREATE ROLE %s LOGIN PASSWORD '…' (docs/operations.md)", role, pgx.Identifier{role}.Sanitize())
	case err != nil:
		return err
	case super:
		return layers.Errorf(layers.Invalid, op, "the service role %q is a superuser or bypasses row security, so no grant can limit it; use an ordinary role (ALTER ROLE %s NOSUPERUSER NOBYPASSRLS)", role, pgx.Identifier{role}.Sanitize())
	case member:
		return layers.Errorf(layers.Invalid, op, "the service role %q is a member of the owner role %q and has all its rights; revoke the membership (REVOKE %s FROM %s)", role, owner, pgx.Identifier{owner}.Sanitize(), pgx.Identifier{role}.Sanitize())
	case granted && create:
		return layers.Errorf(layers.Invalid, op, "the service role %q may still create objects in this schema through PUBLIC or another role; as the schema's owner or a superuser run REVOKE CREATE ON SCHEMA <schema> FROM PUBLIC (and from the roles it belongs to)", role)
	case granted && !usage:
		return layers.Errorf(layers.Invalid, op, "the owner role %q could not let %q use this schema; make %q the schema's owner (ALTER SCHEMA <schema> OWNER TO %s)", owner, role, owner, pgx.Identifier{owner}.Sanitize())
	}
	return nil
}

// needOwner is dbError, except that a refused privilege while changing the
// schema says what to do: migrate as the owner.
func needOwner(err error, op string) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42501" {
		// The cause is the server's error alone: err may already carry
		// dbError's message for the same refusal.
		return layers.Wrap(pe, layers.Forbidden, op, fmt.Sprintf(
			"the database schema needs migrating and this role may not change it (%s); run `onemap migrate -database-url OWNER_URL -service-role ROLE` as the schema's owner first, or start serve with -migrate-database-url (docs/operations.md)", pe.Message))
	}
	return dbError(err, op)
}
