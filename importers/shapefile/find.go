package shapefile

import (
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Dataset is one shapefile found in a folder tree: the files that share a
// base name, compared case-insensitively (Roads.SHP goes with roads.dbf).
type Dataset struct {
	Base  string   // path without extension, as found, e.g. "export/POLYLINE"
	Files []string // its component files, sorted
}

// componentExt lists the files a shapefile is read from. Everything else
// (.sbn/.sbx/.qix spatial indexes, .shp.xml metadata, .qpj, .mshp …) is
// ignored.
var componentExt = map[string]bool{".shp": true, ".shx": true, ".dbf": true, ".prj": true, ".cpg": true}

// maxWalk bounds the folder walk of Find (an archive holds at most 1,000
// entries by default; a folder on disk should not hold more than this).
const maxWalk = 100_000

// Find lists the shapefiles under fsys, sorted by path, and the files it
// ignored. A group with a .dbf but no .shp is listed too, so that Open can
// say what is missing rather than the upload seeming empty.
func Find(fsys fs.FS) (found []Dataset, ignored []string, err error) {
	groups := map[string]*Dataset{}
	seen := 0
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if seen++; seen > maxWalk {
			return invalid("shapefile.Find", "文件夹中文件过多（超过 %d 个）", "the folder holds too many files (more than %d)", maxWalk)
		}
		if d.IsDir() {
			if d.Name() == "__MACOSX" {
				ignored = append(ignored, p+"/")
				return fs.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(path.Ext(p))
		if !componentExt[ext] || strings.HasPrefix(d.Name(), "._") {
			ignored = append(ignored, p)
			return nil
		}
		base := strings.TrimSuffix(p, path.Ext(p))
		key := strings.ToLower(base)
		g := groups[key]
		if g == nil {
			g = &Dataset{Base: base}
			groups[key] = g
		}
		if ext == ".shp" {
			g.Base = base // the .shp's spelling names the layer
		}
		g.Files = append(g.Files, p)
		return nil
	})
	if err != nil {
		return nil, nil, readErr(err, "shapefile.Find", "upload")
	}
	for _, g := range groups {
		if !hasExt(g.Files, ".shp") && !hasExt(g.Files, ".dbf") {
			ignored = append(ignored, g.Files...)
			continue
		}
		sort.Strings(g.Files)
		found = append(found, *g)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Base < found[j].Base })
	sort.Strings(ignored)
	return found, ignored, nil
}

func hasExt(files []string, ext string) bool {
	for _, f := range files {
		if strings.EqualFold(path.Ext(f), ext) {
			return true
		}
	}
	return false
}

// components are the files of one shapefile, by role.
type components struct {
	name                    string // base name, for messages
	shp, shx, dbf, prj, cpg string // paths in the fs.FS; "" when absent
}

// lookup finds the files of the shapefile at base, matching the base name
// and the extensions case-insensitively. base may carry a .shp extension.
func lookup(fsys fs.FS, base string) (components, error) {
	const op = "shapefile.Open"
	if componentExt[strings.ToLower(path.Ext(base))] {
		base = strings.TrimSuffix(base, path.Ext(base))
	}
	dir, stem := path.Dir(base), path.Base(base)
	c := components{name: stem}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return c, invalid(op, "找不到文件夹 %s", "folder %s not found", dir)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		ext := strings.ToLower(path.Ext(e.Name()))
		if !componentExt[ext] || !strings.EqualFold(strings.TrimSuffix(e.Name(), path.Ext(e.Name())), stem) {
			continue
		}
		slot := map[string]*string{".shp": &c.shp, ".shx": &c.shx, ".dbf": &c.dbf, ".prj": &c.prj, ".cpg": &c.cpg}[ext]
		if *slot != "" {
			return c, invalid(op, "%s 与 %s 只有大小写不同，无法确定用哪一个；请删除其一",
				"%s and %s differ only in letter case, so it is unclear which to use; remove one", path.Base(*slot), e.Name())
		}
		*slot = path.Join(dir, e.Name())
	}
	return c, nil
}
