package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"onemap/importers/pipeline"
	"onemap/importers/staging"
	"onemap/layers"
)

// importCmd imports a file into a layer: it stages the file in the upload
// folder the server uses, runs the import pipeline, prints the report and,
// with -publish, publishes. -dry-run only reads and reports.
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	var o pipeline.Options
	fs.StringVar(&o.Layer, "layer", "", "target: a layer or built-in kind (shelters, fire_stations, stockpiles, hazard_zones, …)")
	fs.StringVar(&o.NewLayer, "new", "", "or: name of a new zoning layer whose fields come from the file")
	fs.StringVar(&o.Title, "title", "", "Chinese title of the new layer")
	fs.StringVar(&o.CRS, "crs", "", "coordinate system EPSG:N; overrides the .prj, required without one")
	fs.StringVar(&o.Encoding, "encoding", "", "text encoding of the DBF or CSV (GBK, UTF-8, Big5, …); default: detect")
	fs.BoolVar(&o.GCJ02, "gcj02", false, "the coordinates are GCJ-02 (digitised on a Chinese web map): correct them to WGS84")
	fs.StringVar(&o.Dataset, "dataset", "", "which dataset of an upload holding several (e.g. a zip with two shapefiles, a GeoPackage table)")
	mapping := fs.String("mapping", "", `field mapping as JSON, target field → source column, e.g. {"capacity":"bnsrnrs"}`)
	dry := fs.Bool("dry-run", false, "read and check only: print the report; nothing is staged or published")
	publish := fs.Bool("publish", false, "publish into the layer when the import is ready")
	uploads := fs.String("uploads", "", "upload (staging) folder; default: uploads/ beside -data, or ./uploads with -database-url")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the import to this file (for go tool pprof; see scripts/bench-import.sh)")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	batchGC(getenv)
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if len(files) != 1 {
		return fmt.Errorf("import takes one file (a .zip, .shp, .geojson, .csv, .gpkg, or an OSM .osm.pbf/.osm into -layer roads), got %d: %w", len(files), errUsage)
	}
	if *mapping != "" {
		if err := json.Unmarshal([]byte(*mapping), &o.Mapping); err != nil {
			return fmt.Errorf("-mapping must be a JSON object of target field → source column: %v: %w", err, errUsage)
		}
	}
	if err := o.Check(); err != nil {
		return errors.New(layers.MessageOf(err))
	}
	parts, err := uploadParts(files[0])
	if err != nil {
		return err
	}
	log, err := newLogger(stderr, "text")
	if err != nil {
		return err
	}
	if *dry {
		// A dry run looks layers up in the store when there is one, and
		// never creates one.
		var lookup pipeline.LayerLookup
		if _, err := os.Stat(sf.data); !sf.embedded() || err == nil {
			store, err := sf.open(ctx, log)
			if err != nil {
				return err
			}
			defer store.Close()
			lookup = store.Layer
		}
		return dryRun(ctx, files[0], parts, o, lookup, stdout, stderr, *asJSON)
	}
	store, err := sf.open(ctx, log)
	if err != nil {
		return err
	}
	defer store.Close()
	svc, err := staging.Open(uploadsDir(sf, *uploads), store, staging.Options{Logger: log})
	if err != nil {
		return err
	}
	defer svc.Close()
	start := time.Now()
	u, onePass, err := stage(ctx, svc, parts, o, *publish)
	if err != nil {
		return errors.New(layers.MessageOf(err))
	}
	u, err = waitWithProgress(ctx, svc, u.ID, stderr)
	if err != nil {
		return err
	}
	if err := printUpload(stdout, u, *asJSON); err != nil {
		return err
	}
	note := stdout
	if *asJSON {
		note = stderr // keep stdout one JSON document
	}
	switch {
	case u.State == staging.Failed:
		return fmt.Errorf("导入失败 (import failed): %s", u.Error)
	case u.State != staging.Ready && u.State != staging.Published:
		return fmt.Errorf("%s", u.Message)
	case !*publish:
		fmt.Fprintf(note, "\n已暂存，未发布 (staged, not published): publish with `onemap import %s … -publish` or POST /api/imports/%s/publish\n", files[0], u.ID)
		return nil
	}
	var pub staging.Upload
	if onePass {
		// Published while it was read: the run has already ended.
		pub, err = svc.WaitPublished(ctx, u.ID)
	} else {
		start = time.Now()
		pub, err = svc.Publish(ctx, u.ID)
	}
	if err != nil {
		return errors.New(layers.MessageOf(err))
	}
	took := time.Since(start).Round(time.Millisecond)
	p := pub.Publications[len(pub.Publications)-1]
	fmt.Fprintf(note, "\n已发布 (published): layer %s version %d, %d features (previous content kept for rollback: POST /api/layers/%s/rollback)\n", p.Layer, p.Version, p.Features, p.Layer)
	if onePass {
		fmt.Fprintf(note, "导入并发布用时 %s，读取与写入同时进行 (imported and published in %s, writing while reading)\n", took, took)
	} else {
		fmt.Fprintf(note, "发布用时 %s (published in %s)\n", took, took)
	}
	return nil
}

// parseInterleaved parses flags that may come before or after the file
// argument ("onemap import zones.zip -new zones"), returning the arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// uploadParts lists the files of an upload given by one path: a .shp
// brings its .shx, .dbf, .prj and .cpg (same base name, any case).
func uploadParts(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a folder; give the .zip, .shp, .geojson, .csv or .gpkg file: %w", path, errUsage)
	}
	if !strings.EqualFold(filepath.Ext(path), ".shp") {
		return []string{path}, nil
	}
	dir, stem := filepath.Dir(path), strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.Type().IsRegular() && strings.EqualFold(strings.TrimSuffix(e.Name(), filepath.Ext(e.Name())), stem) &&
			(ext == ".shp" || ext == ".shx" || ext == ".dbf" || ext == ".prj" || ext == ".cpg") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// uploadsDir is the staging folder: the flag, else uploads/ beside the
// GeoPackage, else ./uploads (with PostGIS). The server uses the same rule,
// so uploads made here are published there and the other way round.
func uploadsDir(sf storeFlags, flagValue string) string {
	switch {
	case flagValue != "":
		return flagValue
	case sf.embedded():
		return filepath.Join(filepath.Dir(sf.data), "uploads")
	}
	return "uploads"
}

// stage streams the files into the staging area and starts the import. A
// file staged before with other options is run again with these. With
// publish, a run it starts publishes in the same pass (onePass reports it);
// a file already staged with these options is left for Publish.
func stage(ctx context.Context, svc *staging.Service, parts []string, o pipeline.Options, publish bool) (u staging.Upload, onePass bool, err error) {
	r, err := svc.Receive()
	if err != nil {
		return staging.Upload{}, false, err
	}
	for _, p := range parts {
		f, err := os.Open(p)
		if err != nil {
			r.Abort()
			return staging.Upload{}, false, err
		}
		err = r.AddFile(filepath.Base(p), f)
		f.Close()
		if err != nil {
			r.Abort()
			return staging.Upload{}, false, err
		}
	}
	commit, rerun := r.Commit, svc.Rerun
	if publish {
		commit, rerun = r.CommitAndPublish, svc.RerunAndPublish
	}
	u, err = commit(ctx, o)
	if err != nil || !u.Duplicate {
		return u, publish && err == nil, err
	}
	prev, _ := json.Marshal(u.Options)
	now, _ := json.Marshal(o)
	if string(prev) == string(now) {
		return u, false, nil
	}
	if _, err := svc.Wait(ctx, u.ID); err != nil {
		return u, false, err
	}
	u, err = rerun(ctx, u.ID, o)
	return u, publish && err == nil, err
}

// waitWithProgress waits for the import, printing a progress line to w
// while records are being read.
func waitWithProgress(ctx context.Context, svc *staging.Service, id string, w io.Writer) (staging.Upload, error) {
	done := make(chan struct{})
	var u staging.Upload
	var err error
	go func() {
		u, err = svc.Wait(ctx, id)
		close(done)
	}()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	start, shown := time.Now(), false
	for {
		select {
		case <-done:
			if shown {
				fmt.Fprintf(w, "\r已读取 %d 条记录 (%d records read) in %s\n", u.Progress.Records, u.Progress.Records, time.Since(start).Round(time.Millisecond))
			}
			return u, err
		case <-tick.C:
			if cur, gerr := svc.Get(id); gerr == nil && cur.Progress.Records > 0 {
				fmt.Fprintf(w, "\r已读取 %d 条记录 (%d records read) …", cur.Progress.Records, cur.Progress.Records)
				shown = true
			}
		}
	}
}

// dryRun runs the pipeline on a copy of the files in a temporary folder,
// writing nothing to the store or the staging area.
func dryRun(ctx context.Context, name string, parts []string, o pipeline.Options, lookup pipeline.LayerLookup, stdout, stderr io.Writer, asJSON bool) error {
	dir, err := os.MkdirTemp("", "onemap-import-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, p := range parts {
		if err := copyFile(p, filepath.Join(dir, filepath.Base(p))); err != nil {
			return err
		}
	}
	target, err := pipeline.ResolveTarget(ctx, o, lookup)
	if err != nil {
		return errors.New(layers.MessageOf(err))
	}
	start, last := time.Now(), time.Now()
	rep, err := pipeline.Run(ctx, pipeline.Job{Dir: dir, Target: target, Options: o, Progress: func(n int) {
		if time.Since(last) > 500*time.Millisecond {
			fmt.Fprintf(stderr, "\r已读取 %d 条记录 (%d records read) …", n, n)
			last = time.Now()
		}
	}})
	if time.Since(start) > 500*time.Millisecond {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return fmt.Errorf("导入失败 (import failed): %s", layers.MessageOf(err))
	}
	u := staging.Upload{Name: filepath.Base(name), State: staging.State(rep.Outcome), Message: rep.Message, Options: o, Report: rep}
	if err := printUpload(stdout, u, asJSON); err != nil {
		return err
	}
	if rep.Outcome != pipeline.Ready {
		return errors.New(rep.Message)
	}
	note := stdout
	if asJSON {
		note = stderr // keep stdout one JSON document
	}
	fmt.Fprintln(note, "\n试运行，未暂存也未发布 (dry run: nothing staged or published)")
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// startCPUProfile profiles the import into name until the returned stop.
func startCPUProfile(name string) (func(), error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// batchGC lets the collector of a one-off import run less often than a
// server's (GOGC 400 instead of 100, under a soft limit of 1 GiB), unless
// GOGC or GOMEMLIMIT say otherwise: the import allocates a great deal of
// short-lived garbage per record, and on a small machine the collector's
// CPU competed with PostgreSQL's during a publish (200,000 polygons:
// 3.6 → 3.4 s, 3.3 → 2.8 s of CPU, 330 → 440 MB at most).
func batchGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
}
