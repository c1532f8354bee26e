package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/paulmach/orb"

	"onemap/importers/archive"
	"onemap/importers/crs"
	"onemap/layers"
)

// Job is one run of the pipeline over an upload folder.
type Job struct {
	// Dir holds the uploaded file(s): one zip, or loose files.
	Dir     string
	Target  Target // see ResolveTarget
	Options Options
	// Rules supply the per-capita values that derive a shelter's effective
	// area from its capacity; the zero value uses layers.DefaultRules.
	Rules  layers.RuleSet
	Limits archive.Limits
	// Staged receives the staged features as newline-delimited GeoJSON;
	// nil counts them only (a dry run).
	Staged io.Writer
	// Progress, when set, is called every ProgressEvery records and at the
	// end with the number of records read so far.
	Progress func(records int)
	// Tee, when set, is called once the run is known to stage its features
	// (the outcome is Ready; before the first record is read) with the
	// report so far, whose Target holds the layer and schema the features
	// fit. The function it returns (if not nil) then receives every staged
	// feature, without ID, in the order of the staged file, from one
	// goroutine. It lets a caller write the features to a store while the
	// run goes on (staging's one-pass publish); the run's outcome and error
	// say whether to keep them.
	Tee func(rep *Report) func(layers.Feature)
}

// ProgressEvery is how often Job.Progress is called, in records.
const ProgressEvery = 1000

// Number of records read, and rows kept, for a preview.
const (
	previewRecords = 1000 // read before stopping at NeedsCRS or NeedsMapping
	previewRows    = 10
	samplesPerCol  = 5
)

// Run reads the chosen dataset of the upload, applies the steps of the
// package doc and writes the staged features to job.Staged. It returns a
// Report for every outcome; an error means the upload cannot be imported
// as it is (a damaged or hostile file, options that name what is not
// there), and its message says why. Run never touches a store.
func Run(ctx context.Context, job Job) (*Report, error) {
	if len(job.Rules.Rules) == 0 {
		job.Rules = layers.RuleSet{Rules: layers.DefaultRules()}
	}
	u, err := Open(job.Dir, job.Limits)
	if err != nil {
		return nil, err
	}
	defer u.Close()
	ds, err := u.Choose(job.Options.Dataset)
	if err != nil {
		return nil, err
	}
	src, err := u.Source(ds, job.Options.Encoding)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	desc := src.Describe()
	rep := &Report{Format: desc.Format, Dataset: ds.Name, Datasets: u.Datasets, Ignored: append(u.Ignored, u.Skipped...), Encoding: desc.Encoding, Target: job.Target}
	if len(u.Datasets) > 1 {
		rep.Warnings = append(rep.Warnings, bilingual(fmt.Sprintf("上传中有 %d 个数据集，本次导入 %s；其他数据集可选择后另行导入", len(u.Datasets), ds.Name),
			fmt.Sprintf("the upload holds %d datasets; this import reads %s, choose another to import it", len(u.Datasets), ds.Name)))
	}
	r := &runner{job: job, rep: rep, desc: desc, src: src}
	if err := r.prepare(); err != nil {
		return nil, err
	}
	if err := r.read(ctx); err != nil {
		return nil, err
	}
	return rep, nil
}

// runner holds the state of one Run.
type runner struct {
	job    Job
	rep    *Report
	desc   Description
	src    Source
	schema layers.Schema
	mapper *mapper
	rename map[string]string // zoning: source column → field name
	crs    *crs.CRS          // nil when the run stops at NeedsCRS
	out    *FeatureWriter
	tee    func(layers.Feature) // see Job.Tee
	pts    []orb.Point          // for guessing the CRS
	bbox   orb.Bound
	seen   map[string]map[string]bool // samples already shown, per column
}

// prepare decides schema, mapping and coordinates, and with them whether
// the run can stage features or stops for the uploader.
func (r *runner) prepare() error {
	rep, desc := r.rep, r.desc
	if r.job.Target.FromSource {
		schema, entries, err := zoningSchema(desc.Geometry, desc.Fields)
		if err != nil {
			return err
		}
		r.schema = schema
		rep.Target.Layer.Schema = schema
		rep.Mapping = entries
		r.rename = map[string]string{}
		for _, e := range entries {
			r.rename[e.Source] = e.Target
		}
	} else {
		r.schema = r.job.Target.Layer.Schema
		m, err := newMapper(r.schema, desc.Fields, r.job.Options.Mapping)
		if err != nil {
			return err
		}
		r.mapper = m
		rep.Mapping = m.Entries()
		rep.Unmapped = m.unmapped(desc.Fields)
		rep.MissingRequired = m.missingRequired()
		r.noteDerivation()
	}
	c, crsRep, warnings, err := chooseCRS(desc, r.job.Options)
	if err != nil {
		return err
	}
	rep.CRS = crsRep
	rep.Warnings = append(rep.Warnings, warnings...)
	switch {
	case c == nil:
		rep.Outcome = NeedsCRS
	case len(rep.MissingRequired) > 0:
		rep.Outcome = NeedsMapping
		rep.Message = bilingual(fmt.Sprintf("目标图层的必填字段 %s 没有对应的源字段；请在字段对应中指定后重新处理", list(rep.MissingRequired)),
			fmt.Sprintf("the required field(s) %s of the target layer have no source column; name them in the mapping and run again", list(rep.MissingRequired)))
	default:
		rep.Outcome = Ready
	}
	if c != nil {
		tr, err := crs.ToLonLat(c) // fails early on a CRS PROJ cannot use
		if err != nil {
			return err
		}
		r.crs = c
		rep.CRS.Warning = tr.Warning()
	}
	if rep.Outcome == Ready && r.job.Staged != nil {
		r.out = NewFeatureWriter(r.job.Staged)
	}
	r.seen = map[string]map[string]bool{}
	for _, f := range desc.Fields {
		rep.Fields = append(rep.Fields, FieldReport{Field: f})
	}
	return nil
}

// noteDerivation marks, in the mapping, a shelter effective area that will
// be derived from capacity.
func (r *runner) noteDerivation() {
	if r.job.Target.Layer.Kind != layers.Shelters {
		return
	}
	var capacity, area *MappingEntry
	for i := range r.rep.Mapping {
		switch r.rep.Mapping[i].Target {
		case "capacity":
			capacity = &r.rep.Mapping[i]
		case "effective_area_m2":
			area = &r.rep.Mapping[i]
		}
	}
	if capacity != nil && area != nil && capacity.Source != "" && area.Source == "" {
		area.Reason = bilingual("无此列：按 容纳人数 × 该类别人均有效面积（规则表）推算，并标记为推算值",
			"no such column: derived as capacity × the class's per-capita area (rules table) and flagged as derived")
	}
}

// read streams the records: all of them through the steps when the
// outcome is Ready (readAll), else the first previewRecords for the preview
// and the CRS guess.
func (r *runner) read(ctx context.Context) error {
	rep := r.rep
	n := 0
	if rep.Outcome == Ready {
		if r.job.Tee != nil {
			r.tee = r.job.Tee(rep)
		}
		var err error
		if n, err = r.readAll(ctx); err != nil {
			return err
		}
		return r.finish(n)
	}
	rep.Counts.Partial = true
	for n < previewRecords {
		if n%ProgressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if n > 0 && r.job.Progress != nil {
				r.job.Progress(n)
			}
		}
		rec, err := r.src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		n++
		r.sample(rec)
		if rep.Outcome == NeedsCRS {
			r.pts = collectPoints(r.pts, rec.Geometry)
		}
		if len(rep.Preview) < previewRows {
			rep.Preview = append(rep.Preview, PreviewRow{Record: rec.Number, Geometry: geometryType(rec.Geometry), Source: rec.Attributes})
		}
	}
	return r.finish(n)
}

// finish completes the report once n records have been read.
func (r *runner) finish(n int) error {
	rep := r.rep
	sum := r.src.Summary()
	rep.Warnings = append(rep.Warnings, sum.Warnings...)
	for _, s := range sum.Skipped {
		addIssue(&rep.Skipped, s.Record, s.Reason)
	}
	rep.Counts.Skipped = len(sum.Skipped)
	rep.Counts.Read = max(sum.Records, n+len(sum.Skipped))
	if rep.Counts.Partial {
		rep.Counts.Read = n + len(sum.Skipped)
	}
	if r.mapper != nil {
		rep.Warnings = append(rep.Warnings, r.mapper.warnings()...) // the workers' tallies, merged
	}
	if rep.Outcome == NeedsCRS {
		rep.CRS.Guesses = crs.Detect(r.pts)
		rep.Message = needsCRSMessage(r.desc, rep.CRS.Guesses)
	}
	if rep.Outcome == Ready && rep.Counts.Imported > 0 {
		b := r.bbox
		rep.BBox = &[4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	}
	if rep.Outcome == Ready && rep.Counts.Imported == 0 {
		rep.Warnings = append(rep.Warnings, bilingual("没有可导入的要素，发布将清空该图层", "no feature can be imported; publishing would empty the layer"))
	}
	if r.out != nil {
		if err := r.out.Flush(); err != nil {
			return layers.Wrap(err, layers.Internal, "pipeline.Run", "cannot write the staged features")
		}
	}
	if r.job.Progress != nil {
		r.job.Progress(n)
	}
	return nil
}

// sample keeps up to samplesPerCol distinct values of each column.
func (r *runner) sample(rec Record) {
	for i := range r.rep.Fields {
		f := &r.rep.Fields[i]
		if len(f.Samples) >= samplesPerCol {
			continue
		}
		v, ok := rec.Attributes[f.Name]
		if !ok || v == nil {
			continue
		}
		key := fmt.Sprint(v)
		if r.seen[f.Name] == nil {
			r.seen[f.Name] = map[string]bool{}
		}
		if !r.seen[f.Name][key] {
			r.seen[f.Name][key] = true
			f.Samples = append(f.Samples, v)
		}
	}
}

// deriveShelterArea fills a shelter's effective area from its capacity
// and the class's per-capita rule when the upload has no area (DOMAIN.md:
// "where an upload has only capacity, derive … and flag it as derived").
// It reports whether it derived one.
func deriveShelterArea(props map[string]any, rules layers.RuleSet) bool {
	if _, ok := props["effective_area_m2"]; ok {
		if _, set := props["effective_area_derived"]; !set {
			props["effective_area_derived"] = false
		}
		return false
	}
	capacity, ok := props["capacity"].(int64)
	class, _ := props["class"].(string)
	if !ok || class == "" {
		return false
	}
	perCapita, ok := rules.Value("shelter." + class + ".per_capita_m2")
	if !ok {
		return false
	}
	props["effective_area_m2"] = float64(capacity) * perCapita
	props["effective_area_derived"] = true
	return true
}

func geometryType(g orb.Geometry) string {
	if g == nil {
		return ""
	}
	return g.GeoJSONType()
}
