// Command onemap runs the emergency-management "one map" service and its
// maintenance tasks. `onemap serve` serves the district's geodata over HTTP
// from PostGIS (with -database-url) or from an embedded GeoPackage file that
// is seeded with the synthetic demo district on first start.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "onemap:", err)
		os.Exit(1)
	}
}

// usage is the top-level help.
const usage = `onemap — the district's emergency "one map" (应急一张图)

Usage:
  onemap serve   [-addr 127.0.0.1:8080] [-data onemap.gpkg | -database-url URL]
                 [-database-replica-url URL] [-admin-addr 127.0.0.1:6060]
  onemap demo    [-data onemap.gpkg | -database-url URL] [-seed 1]
  onemap import  FILE (-layer KIND | -new NAME -title T) [-crs EPSG:N] [-encoding GBK]
                 [-gcj02] [-mapping JSON] [-dry-run] [-publish] [-data FILE | -database-url URL]
  onemap admin   create-user -name N -roles admin[,…] [-password-stdin] | token -name N
                 | set-roles -name N -roles R | set-password -name N -password-stdin
  onemap export  -pmtiles FILE -layers a,b|basemap [-minzoom 0] [-maxzoom 14]
                 [-bbox minLon,minLat,maxLon,maxLat] [-data FILE | -database-url URL]
  onemap migrate -database-url OWNER_URL [-service-role ROLE]
  onemap version
  onemap help

Without -database-url (or ONEMAP_DATABASE_URL) the data lives in the
GeoPackage file given by -data, created and filled with the synthetic demo
district on the first start. Run "onemap COMMAND -h" for a command's flags.
`

// errUsage marks a command line that could not be understood; the usage has
// already been printed.
var errUsage = errors.New("usage error")

// run is the whole program, callable from tests: args without the program
// name, the environment through getenv, output to stdout and stderr.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given: %w", errUsage)
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, rest, getenv, stdout, stderr)
	case "demo":
		err = demoCmd(ctx, rest, getenv, stdout, stderr)
	case "import":
		err = importCmd(ctx, rest, getenv, stdout, stderr)
	case "export":
		err = exportCmd(ctx, rest, getenv, stdout, stderr)
	case "admin":
		err = adminCmd(ctx, rest, getenv, os.Stdin, stdout, stderr)
	case "migrate":
		err = migrateCmd(ctx, rest, getenv, stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "onemap", version())
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q: %w", cmd, errUsage)
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}
