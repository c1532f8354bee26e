package pipeline

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"onemap/importers/archive"
	"onemap/importers/shapefile"
	"onemap/layers"
)

// Dataset is one importable dataset found in an upload.
type Dataset struct {
	// Name is its path inside the upload, with the extension for GeoJSON
	// and CSV and without it for a shapefile ("export/roads").
	Name   string `json:"name"`
	Format string `json:"format"`
}

// Upload is an opened upload folder: its files, seen through the zip when
// the upload is one, and the datasets found in them.
type Upload struct {
	fsys      fs.FS
	file      *os.File // the zip, closed by Close
	dir       string   // the upload folder
	tmp       string   // GeoPackages copied out of the zip, removed by Close
	extracted map[string]string
	Datasets  []Dataset
	Ignored   []string // files that are no dataset's (sidecars, metadata)
	Skipped   []string // archive entries left out (macOS metadata, links)
}

// Open opens the upload in folder dir: either one .zip (opened with the
// hostile-input checks of package archive, never extracted) or loose files
// (.shp/.shx/.dbf/.prj/.cpg, .geojson/.json, .csv, .gpkg). It lists the datasets
// and refuses an upload that holds none.
func Open(dir string, lim archive.Limits) (*Upload, error) {
	const op = "pipeline.Open"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, op, "cannot read the upload folder")
	}
	var zips, files []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		files = append(files, e.Name())
		if strings.EqualFold(filepath.Ext(e.Name()), ".zip") {
			zips = append(zips, e.Name())
		}
	}
	u := &Upload{dir: dir}
	switch {
	case len(files) == 0:
		return nil, invalid(op, "上传中没有文件", "the upload holds no file")
	case len(zips) > 1 || len(zips) == 1 && len(files) > 1:
		return nil, invalid(op, "一次只能上传一个 zip 压缩包，或若干散装文件（.shp/.shx/.dbf/.prj/.cpg）；请分开上传",
			"upload one zip archive, or loose files (.shp/.shx/.dbf/.prj/.cpg), not both; upload them separately")
	case len(zips) == 1:
		f, err := os.Open(filepath.Join(dir, zips[0]))
		if err != nil {
			return nil, layers.Wrap(err, layers.Internal, op, "cannot open the uploaded zip")
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, layers.Wrap(err, layers.Internal, op, "cannot open the uploaded zip")
		}
		a, err := archive.Open(f, st.Size(), lim)
		if err != nil {
			f.Close()
			return nil, err
		}
		u.fsys, u.file, u.Skipped = a, f, a.Skipped()
	default:
		u.fsys = os.DirFS(dir)
	}
	if err := u.inventory(); err != nil {
		u.Close()
		return nil, err
	}
	if len(u.Datasets) == 0 {
		u.Close()
		return nil, invalid(op, "上传中没有可导入的数据（需要 .shp 及其 .dbf/.shx/.prj、.geojson、.csv、GeoPackage 的 .gpkg 或 OSM 的 .osm.pbf/.osm）；忽略的文件：%s",
			"the upload holds no dataset to import (a .shp with its .dbf/.shx/.prj, a .geojson, a .csv, a GeoPackage .gpkg or an OSM .osm.pbf/.osm); ignored files: %s", list(u.Ignored))
	}
	return u, nil
}

// inventory finds the datasets: shapefiles by package shapefile's rules,
// GeoJSON, CSV and OpenStreetMap (.osm.pbf, .osm) by extension, and each
// feature table of a GeoPackage (.gpkg) — a damaged GeoPackage fails the
// upload with the reason rather than being passed over.
func (u *Upload) inventory() error {
	shps, ignored, err := shapefile.Find(u.fsys)
	if err != nil {
		return err
	}
	for _, d := range shps {
		u.Datasets = append(u.Datasets, Dataset{Name: d.Base, Format: "shapefile"})
	}
	for _, p := range ignored {
		switch strings.ToLower(path.Ext(p)) {
		case ".geojson", ".json":
			u.Datasets = append(u.Datasets, Dataset{Name: p, Format: "geojson"})
		case ".csv", ".tsv":
			u.Datasets = append(u.Datasets, Dataset{Name: p, Format: "csv"})
		case ".gpkg":
			ds, err := u.gpkgDatasets(p)
			if err != nil {
				return err
			}
			u.Datasets = append(u.Datasets, ds...)
		case ".pbf", ".osm":
			if isOSM(p) {
				u.Datasets = append(u.Datasets, Dataset{Name: p, Format: "osm"})
				continue
			}
			u.Ignored = append(u.Ignored, p)
		default:
			u.Ignored = append(u.Ignored, p)
		}
	}
	sort.Slice(u.Datasets, func(i, j int) bool { return u.Datasets[i].Name < u.Datasets[j].Name })
	return nil
}

// Choose picks the dataset named name, or the first when name is empty.
func (u *Upload) Choose(name string) (Dataset, error) {
	if name == "" {
		return u.Datasets[0], nil
	}
	for _, d := range u.Datasets {
		if d.Name == name || strings.EqualFold(d.Name, name) || strings.EqualFold(path.Base(d.Name), name) {
			return d, nil
		}
	}
	names := make([]string, len(u.Datasets))
	for i, d := range u.Datasets {
		names[i] = d.Name
	}
	return Dataset{}, invalid("pipeline.Choose", "上传中没有数据集 %q；可选：%s", "the upload has no dataset %q; it has: %s", name, strings.Join(names, ", "))
}

// Source opens a dataset of the upload for reading. encodingOverride
// replaces the detected text encoding (shapefile and CSV).
func (u *Upload) Source(d Dataset, encodingOverride string) (Source, error) {
	switch d.Format {
	case "shapefile":
		return openShapefile(u.fsys, d.Name, encodingOverride)
	case "geojson":
		return openGeoJSON(u.fsys, d.Name)
	case "csv":
		return openCSV(u.fsys, d.Name, encodingOverride)
	case "osm":
		return openOSM(u.fsys, d.Name)
	case "geopackage":
		return u.openGeoPackage(d.Name)
	}
	return nil, layers.Errorf(layers.Internal, "pipeline.Source", "unknown dataset format %q", d.Format)
}

// Close releases the zip, if the upload is one, and removes GeoPackages
// copied out of it.
func (u *Upload) Close() error {
	if u.tmp != "" {
		os.RemoveAll(u.tmp)
	}
	if u.file != nil {
		return u.file.Close()
	}
	return nil
}

// list shows at most ten names, for messages.
func list(names []string) string {
	if len(names) == 0 {
		return "—"
	}
	if len(names) > 10 {
		return strings.Join(names[:10], ", ") + " …"
	}
	return strings.Join(names, ", ")
}
