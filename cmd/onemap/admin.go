package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"onemap/layers"
	"onemap/server"
)

// adminUsage lists the account commands run on the server itself: the
// first administrator, API tokens, and getting back in when the last
// administrator is locked out.
const adminUsage = `onemap admin — user accounts, from the server's command line

Usage:
  onemap admin create-user -name NAME -roles admin[,ROLE…] [-password-stdin]
  onemap admin token       -name NAME [-label TEXT] [-days N]
  onemap admin set-roles   -name NAME -roles ROLE[,ROLE…]     (also enables the account)
  onemap admin set-password -name NAME -password-stdin

Each takes -data FILE or -database-url URL like serve. The roles are:
  viewer, operator, census_uploader, data_steward, planner, admin, auditor
-password-stdin reads the password from the first line of standard input,
so that it appears neither in the process list nor in the shell history.
token prints the new token's secret on standard output, once.
`

// adminCmd runs an "onemap admin" subcommand. Every change is written to
// the audit log with the actor "system".
func adminCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" {
		fmt.Fprint(stderr, adminUsage)
		if len(args) == 0 {
			return fmt.Errorf("admin needs a subcommand: %w", errUsage)
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("admin "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	name := fs.String("name", "", "the user's name")
	var roles, label *string
	var days *int
	var fromStdin *bool
	switch sub {
	case "create-user", "set-roles":
		roles = fs.String("roles", "", "comma-separated roles, e.g. admin or operator,planner")
		if sub == "create-user" {
			fromStdin = fs.Bool("password-stdin", false, "read the password from the first line of standard input (without it the user logs in only with API tokens)")
		}
	case "set-password":
		fromStdin = fs.Bool("password-stdin", false, "read the new password from the first line of standard input (required)")
	case "token":
		label = fs.String("label", "command line", "what the token is for, shown in the token list")
		days = fs.Int("days", 0, "days until the token expires; 0: never")
	default:
		fmt.Fprint(stderr, adminUsage)
		return fmt.Errorf("unknown admin command %q: %w", sub, errUsage)
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("admin %s takes no arguments, got %q: %w", sub, fs.Args(), errUsage)
	}
	if *name == "" {
		return fmt.Errorf("admin %s needs -name: %w", sub, errUsage)
	}
	var parsedRoles []layers.Role
	if roles != nil {
		var err error
		if parsedRoles, err = layers.ParseRoles(*roles); err != nil {
			return fmt.Errorf("-roles: %s: %w", layers.MessageOf(err), errUsage)
		}
	}
	password := ""
	if fromStdin != nil && *fromStdin {
		var err error
		if password, err = readPassword(stdin); err != nil {
			return err
		}
	} else if sub == "set-password" {
		return fmt.Errorf("admin set-password needs -password-stdin: %w", errUsage)
	}
	if days != nil && (*days < 0 || *days > 3650) {
		return fmt.Errorf("-days must be from 0 to 3650: %w", errUsage)
	}

	store, err := sf.open(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer store.Close()
	acc, ok := store.(layers.Accounts)
	if !ok {
		return errors.New("this store keeps no user accounts")
	}
	a := admin{ctx: ctx, acc: acc, stdout: stdout, stderr: stderr}
	switch sub {
	case "create-user":
		return a.createUser(*name, parsedRoles, password)
	case "set-roles":
		return a.setRoles(*name, parsedRoles)
	case "set-password":
		return a.setPassword(*name, password)
	default:
		return a.token(*name, *label, time.Duration(*days)*24*time.Hour)
	}
}

// admin carries what the subcommands share.
type admin struct {
	ctx            context.Context
	acc            layers.Accounts
	stdout, stderr io.Writer
}

func (a admin) createUser(name string, roles []layers.Role, password string) error {
	hash := ""
	if password != "" {
		var err error
		if hash, err = layers.HashPassword(password); err != nil {
			return errors.New(layers.MessageOf(err))
		}
	}
	u, err := a.acc.CreateUser(a.ctx, layers.User{Name: name, Roles: roles}, hash)
	a.audit(layers.ActionUserCreate, name, err, map[string]any{"roles": roles, "password": password != ""})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "user %s (id %d) created with roles %s\n", u.Name, u.ID, joinRoles(u.Roles))
	if password == "" {
		fmt.Fprintf(a.stderr, "the user has no password and logs in only with API tokens: onemap admin token -name %s\n", u.Name)
	}
	return nil
}

func (a admin) setRoles(name string, roles []layers.Role) error {
	u, err := a.acc.UserByName(a.ctx, name)
	if err != nil {
		return err
	}
	before := u.Roles
	u.Roles, u.Disabled = roles, false
	u, err = a.acc.UpdateUser(a.ctx, u)
	a.audit(layers.ActionUserUpdate, name, err, map[string]any{"roles_before": before, "roles": roles, "disabled": false})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "user %s now has roles %s and is enabled\n", u.Name, joinRoles(u.Roles))
	return nil
}

func (a admin) setPassword(name, password string) error {
	u, err := a.acc.UserByName(a.ctx, name)
	if err != nil {
		return err
	}
	hash, err := layers.HashPassword(password)
	if err != nil {
		return errors.New(layers.MessageOf(err))
	}
	err = a.acc.SetPassword(a.ctx, u.ID, hash)
	a.audit(layers.ActionUserUpdate, name, err, map[string]any{"password_changed": true})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "the password of %s is changed\n", u.Name)
	return nil
}

func (a admin) token(name, label string, ttl time.Duration) error {
	u, err := a.acc.UserByName(a.ctx, name)
	if err != nil {
		return err
	}
	t, secret, err := layers.IssueToken(a.ctx, a.acc, u.ID, label, ttl)
	a.audit(layers.ActionTokenCreate, name, err, map[string]any{"token": t.ID, "name": label, "expires_in_days": int(ttl / (24 * time.Hour))})
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, secret)
	expiry := "does not expire"
	if !t.ExpiresAt.IsZero() {
		expiry = "expires " + t.ExpiresAt.Format(time.RFC3339)
	}
	fmt.Fprintf(a.stderr, "token %d for %s (%s) %s. This is the only time it is shown: store it now. Send it as \"Authorization: Bearer <token>\".\n", t.ID, u.Name, label, expiry)
	return nil
}

// audit records a command-line change with the actor "system".
func (a admin) audit(action, target string, err error, d map[string]any) {
	d["via"] = "command line"
	outcome := layers.OutcomeSuccess
	if err != nil {
		outcome = layers.OutcomeFailure
		d["error"] = layers.MessageOf(err)
	}
	b, _ := json.Marshal(d)
	if _, aerr := a.acc.AppendAudit(a.ctx, layers.AuditEvent{Actor: layers.SystemActor, Action: action, Target: target, Outcome: outcome, Detail: b}); aerr != nil {
		fmt.Fprintf(a.stderr, "warning: cannot write to the audit log: %v\n", aerr)
	}
}

// readPassword reads the first line of r, without its line ending.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, layers.MaxPasswordBytes+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password from standard input: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", fmt.Errorf("-password-stdin: standard input held no password: %w", errUsage)
	}
	return pw, nil
}

func joinRoles(rs []layers.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

// checkAnonymousRole validates serve's -anonymous-role.
func checkAnonymousRole(role string) error {
	if role == server.AnonymousNone {
		return nil
	}
	if _, err := layers.ParseRole(role); err != nil {
		return fmt.Errorf("-anonymous-role: %s, or none: %w", layers.MessageOf(err), errUsage)
	}
	return nil
}

// envOr is the environment variable key, or def when it is empty.
func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
