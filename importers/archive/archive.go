// Package archive opens an uploaded zip without trusting it.
//
// Census uploads are zipped shapefiles, and a zip is the classic carrier of
// a decompression bomb (a few MB that inflate to GBs), of zip-slip paths
// (../../etc/cron.d/x) and of headers that lie about sizes. Archive never
// extracts anything to disk: it checks the central directory against
// Limits before any byte is inflated, then serves entries as an fs.FS whose
// readers count the bytes they really inflate and stop at the size the
// entry declared. Memory use is that of one read buffer per open entry.
package archive

import (
	"archive/zip"
	"errors"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Limits bound what an archive may hold. Zero fields take the defaults.
type Limits struct {
	MaxEntries    int   // entries in the central directory; default 1,000
	MaxTotalBytes int64 // sum of declared uncompressed sizes; default 2 GiB
	MaxEntryBytes int64 // one entry's uncompressed size; default MaxTotalBytes
	// MaxRatio is the largest uncompressed/compressed ratio accepted for an
	// entry bigger than 1 MiB (small files compress oddly well). Deflate
	// reaches about 1,000 only on crafted input; real DBFs full of blank
	// padding stay well under 100. Default 500.
	MaxRatio int64
}

// The default limits.
const (
	DefaultMaxEntries    = 1000
	DefaultMaxTotalBytes = 2 << 30
	DefaultMaxRatio      = 500
	ratioFloor           = 1 << 20 // entries below this size skip the ratio check
)

func (l Limits) withDefaults() Limits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = DefaultMaxTotalBytes
	}
	if l.MaxEntryBytes <= 0 || l.MaxEntryBytes > l.MaxTotalBytes {
		l.MaxEntryBytes = l.MaxTotalBytes
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultMaxRatio
	}
	return l
}

// Archive is a checked zip, readable as an fs.FS with slash-separated,
// cleaned, relative names. Entries that are not data (folders, macOS
// resource forks) are left out and listed by Skipped.
type Archive struct {
	files   map[string]*zip.File       // cleaned name → entry
	dirs    map[string]map[string]bool // directory → child base name → is a directory
	skipped []string
}

// Open checks the zip in r (size bytes) against lim: entry count, declared
// sizes, compression ratios, encryption and paths. It inflates nothing.
func Open(r io.ReaderAt, size int64, lim Limits) (*Archive, error) {
	const op = "archive.Open"
	lim = lim.withDefaults()
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, wrap(err, op, "文件不是有效的 zip 压缩包，请重新压缩后上传", "the file is not a valid zip archive; zip the shapefile again and upload it")
		}
		return nil, wrap(err, op, "无法读取压缩包，请重新压缩后上传", "the zip archive cannot be read; zip it again and upload it")
	}
	if n := len(zr.File); n > lim.MaxEntries {
		return nil, invalid(op, "压缩包内有 %d 个文件，超过 %d 个的上限；请只打包需要导入的 .shp/.shx/.dbf/.prj/.cpg 文件",
			"the archive holds %d entries, more than the limit of %d; zip only the .shp/.shx/.dbf/.prj/.cpg files to import", n, lim.MaxEntries)
	}
	a := &Archive{files: map[string]*zip.File{}, dirs: map[string]map[string]bool{".": {}}}
	var total uint64
	for _, f := range zr.File {
		name := displayName(f)
		clean, err := safeName(name)
		if err != nil {
			return nil, err
		}
		if f.FileInfo().IsDir() || strings.HasSuffix(name, "/") || strings.HasSuffix(name, `\`) {
			if clean != "." {
				a.addDir(clean)
			}
			continue
		}
		if skipEntry(clean) {
			a.skipped = append(a.skipped, clean)
			continue
		}
		if f.Flags&0x1 != 0 {
			return nil, invalid(op, "压缩包中的 %s 已加密；请不加密码重新压缩", "%s in the archive is encrypted; zip it again without a password", clean)
		}
		if f.Mode()&fs.ModeSymlink != 0 {
			a.skipped = append(a.skipped, clean)
			continue
		}
		if err := checkSizes(op, clean, f, lim); err != nil {
			return nil, err
		}
		total += f.UncompressedSize64
		if total > uint64(lim.MaxTotalBytes) {
			return nil, invalid(op, "压缩包解压后超过 %s 上限，疑似压缩炸弹；请检查文件后重新导出",
				"the archive expands beyond the %s limit, which looks like a zip bomb; check the files and export them again", human(lim.MaxTotalBytes))
		}
		if _, dup := a.files[clean]; dup {
			return nil, invalid(op, "压缩包中有两个同名文件 %s；请删除重复文件后重新压缩", "the archive holds two entries named %s; remove the duplicate and zip again", clean)
		}
		a.files[clean] = f
		a.addFile(clean)
	}
	for d := range a.dirs {
		if _, clash := a.files[d]; clash {
			return nil, invalid(op, "压缩包中 %s 既是文件又是文件夹；请重新压缩后上传", "the archive holds %s both as a file and as a folder; zip the files again", d)
		}
	}
	sort.Strings(a.skipped)
	return a, nil
}

// checkSizes rejects an entry whose declared size or compression ratio is
// beyond the limits, before anything is inflated.
func checkSizes(op, name string, f *zip.File, lim Limits) error {
	size := f.UncompressedSize64
	if size > uint64(lim.MaxEntryBytes) {
		return invalid(op, "压缩包中的 %s 解压后超过 %s 上限；请拆分数据后重新导出",
			"%s in the archive expands beyond the %s limit per file; split the data and export again", name, human(lim.MaxEntryBytes))
	}
	if size > ratioFloor && (f.CompressedSize64 == 0 || size/f.CompressedSize64 > uint64(lim.MaxRatio)) {
		return invalid(op, "压缩包中的 %s 压缩比异常（%s 解压为 %s），疑似压缩炸弹；请检查文件后重新导出",
			"%s in the archive has an abnormal compression ratio (%s expands to %s), which looks like a zip bomb; check the files and export them again",
			name, human(int64(f.CompressedSize64)), human(int64(min(size, 1<<62))))
	}
	return nil
}

// displayName decodes an entry name. Zips made on Chinese Windows store
// names in GBK without the UTF-8 flag; Go then hands over the raw bytes.
func displayName(f *zip.File) string {
	if utf8.ValidString(f.Name) {
		return f.Name
	}
	if b, err := simplifiedchinese.GB18030.NewDecoder().String(f.Name); err == nil {
		return b
	}
	return strings.ToValidUTF8(f.Name, "\uFFFD")
}

// skipEntry reports entries that are never data: macOS resource forks and
// Finder metadata, Windows thumbnails.
func skipEntry(name string) bool {
	base := path.Base(name)
	return name == "__MACOSX" || strings.HasPrefix(name, "__MACOSX/") ||
		strings.HasPrefix(base, "._") || base == ".DS_Store" || strings.EqualFold(base, "Thumbs.db")
}

func (a *Archive) addFile(name string) {
	dir := path.Dir(name)
	a.addDir(dir)
	a.dirs[dir][path.Base(name)] = false
}

// addDir registers dir and its ancestors, each listed in its parent.
// "." always exists, which ends the recursion.
func (a *Archive) addDir(dir string) {
	if _, ok := a.dirs[dir]; ok {
		return
	}
	a.dirs[dir] = map[string]bool{}
	parent := path.Dir(dir)
	a.addDir(parent)
	a.dirs[parent][path.Base(dir)] = true
}

// Skipped lists entries left out of the file system (macOS metadata,
// symlinks), for the import report.
func (a *Archive) Skipped() []string { return append([]string(nil), a.skipped...) }

// Names lists every data entry, sorted.
func (a *Archive) Names() []string {
	names := make([]string, 0, len(a.files))
	for n := range a.files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
