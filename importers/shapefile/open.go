package shapefile

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"onemap/importers/encoding"

	"github.com/paulmach/orb"
)

// Options tune Open. The zero value is ready to use.
type Options struct {
	// Encoding overrides the detected DBF text encoding ("GBK", "UTF-8",
	// "Big5", "1252" …); empty means detect.
	Encoding string
	// MaxRecordBytes refuses a .shp record larger than this; default 256 MiB.
	MaxRecordBytes int64
}

// DefaultMaxRecordBytes is the default Options.MaxRecordBytes.
const DefaultMaxRecordBytes = 256 << 20

func (o Options) withDefaults() Options {
	if o.MaxRecordBytes <= 0 {
		o.MaxRecordBytes = DefaultMaxRecordBytes
	}
	return o
}

// Record is one feature as stored: a 2D geometry in the file's own
// coordinates (see Reader.PRJ) and its attributes keyed by Field.Name.
type Record struct {
	Number     int // 1-based position in the file: the .shp record and the .dbf row
	Geometry   orb.Geometry
	Attributes map[string]any
}

// Reader streams the records of one shapefile. It holds one record at a
// time, so memory does not grow with the file.
type Reader struct {
	name   string
	shpF   fs.File
	shp    *shpStream
	typ    ShapeType
	table  *Table
	prj    string
	notes  *notes
	report Report
	n      int   // records read so far
	done   bool  // Next has nothing more to give
	err    error // the final error, returned again by later calls

	ringWork int // polygon-nesting work left for the file (ringWorkPerFile)

	numbersNoted bool
}

// Open opens the shapefile at base, a path in fsys without extension
// ("export/POLYLINE"; a trailing ".shp" is accepted). The .shp is required;
// the .shx, .dbf, .prj and .cpg are used when present, matched
// case-insensitively. Open refuses MultiPatch and unknown shape types.
func Open(fsys fs.FS, base string, opts Options) (r *Reader, err error) {
	const op = "shapefile.Open"
	defer recovered(op, &err)
	opts = opts.withDefaults()
	parts, err := lookup(fsys, base)
	if err != nil {
		return nil, err
	}
	if parts.shp == "" {
		if parts.dbf != "" {
			return nil, invalid(op, "只有属性表 %s.dbf，缺少几何文件 %s.shp；请把 .shp、.shx、.dbf、.prj 一起打包上传",
				"only the attribute table %s.dbf is here, the geometry file %s.shp is missing; zip the .shp, .shx, .dbf and .prj together", parts.name, parts.name)
		}
		return nil, invalid(op, "找不到 %s.shp", "%s.shp not found", parts.name)
	}
	r = &Reader{name: parts.name, notes: &notes{}, ringWork: ringWorkPerFile}
	if err := r.openSHP(fsys, parts, opts); err != nil {
		return nil, err
	}
	if parts.dbf != "" {
		if r.table, err = openTable(fsys, parts, opts, r.notes); err != nil {
			r.shpF.Close()
			return nil, err
		}
	} else {
		r.notes.add(bilingual(fmt.Sprintf("缺少 %s.dbf，要素将没有属性", parts.name), fmt.Sprintf("%s.dbf is missing; the features have no attributes", parts.name)))
	}
	if parts.prj != "" {
		if err := r.readPRJ(fsys, parts.prj); err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

func (r *Reader) openSHP(fsys fs.FS, parts components, opts Options) error {
	const op = "shapefile.Open"
	f, size, err := openSized(fsys, parts.shp)
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(f, 256<<10)
	var head [headerBytes]byte
	n, err := io.ReadFull(br, head[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		f.Close()
		return readErr(err, op, parts.shp) // e.g. an archive entry that lies about its size
	}
	h, ok := parseHeader(head[:n])
	if !ok {
		f.Close()
		return invalid(op, "%s.shp 不是有效的 shapefile 几何文件（文件头标识不符）；请确认上传的是 ArcGIS/QGIS 导出的 .shp",
			"%s.shp is not a shapefile geometry file (wrong file code); make sure it is a .shp exported by ArcGIS or QGIS", parts.name)
	}
	if h.shapeType == MultiPatch {
		f.Close()
		return invalid(op, "%s.shp 是三维多面体（MultiPatch）数据，本系统不支持；请在 GIS 软件中转为普通多边形（如 ArcGIS“多面体转面”）后再导出",
			"%s.shp holds MultiPatch (3D surface) shapes, which are not supported; convert them to polygons in a GIS tool (e.g. ArcGIS Multipatch Footprint) and export again", parts.name)
	}
	if !h.shapeType.known() {
		f.Close()
		return invalid(op, "%s.shp 的几何类型代码 %d 不是有效的 shapefile 类型；文件已损坏",
			"%s.shp declares shape type %d, which is not a shapefile type; the file is damaged", parts.name, int32(h.shapeType))
	}
	r.shpF, r.typ, r.report.ShapeType = f, h.shapeType, h.shapeType
	if h.version != 1000 {
		r.notes.add(bilingual(fmt.Sprintf(".shp 版本号为 %d（应为 1000），仍按标准格式读取", h.version), fmt.Sprintf("the .shp declares version %d instead of 1000; read as standard", h.version)))
	}
	if size >= 0 && h.fileLength != size {
		r.notes.add(bilingual(fmt.Sprintf(".shp 文件头声明长度 %d 字节，实际为 %d 字节；按实际长度读取", h.fileLength, size),
			fmt.Sprintf("the .shp header declares %d bytes but the file has %d; the real length was used", h.fileLength, size)))
	}
	r.shp = &shpStream{r: br, pos: headerBytes, end: size, maxBytes: opts.MaxRecordBytes, warn: r.notes.add}
	if parts.shx == "" {
		r.notes.add(bilingual(fmt.Sprintf("缺少 %s.shx 索引文件，已按顺序读取 .shp", parts.name), fmt.Sprintf("%s.shx, the index, is missing; the .shp was read record by record", parts.name)))
		return nil
	}
	xf, err := fsys.Open(parts.shx)
	if err != nil {
		f.Close()
		return readErr(err, op, parts.shx)
	}
	defer xf.Close()
	r.shp.index, err = loadIndex(xf, size, r.notes.add)
	if err != nil {
		f.Close()
	}
	return err
}

// readPRJ keeps the .prj text when it looks like a coordinate system (WKT);
// anything else (an HTML page saved as .prj, binary junk) is ignored with a
// warning, so the later steps treat the file as having no .prj.
func (r *Reader) readPRJ(fsys fs.FS, name string) error {
	b, err := readSmall(fsys, name, maxPRJBytes+1)
	if err != nil {
		return err
	}
	s := strings.TrimSpace(strings.TrimPrefix(string(b), "\uFEFF"))
	upper := strings.ToUpper(s)
	wkt := false
	for _, k := range []string{"PROJCS[", "GEOGCS[", "GEOCCS[", "COMPD_CS[", "LOCAL_CS[", "VERT_CS[", "PROJCRS[", "GEOGCRS[", "GEODCRS[", "BOUNDCRS[", "COMPOUNDCRS[", "ENGCRS[", "VERTCRS[", "PROJECTEDCRS[", "GEODETICCRS[", "GEOGRAPHICCRS["} {
		if strings.HasPrefix(upper, k) {
			wkt = true
			break
		}
	}
	switch {
	case len(b) > maxPRJBytes:
		r.notes.add(bilingual(".prj 文件过大，不是坐标系定义，已忽略", "the .prj is too large to be a coordinate system definition; ignored"))
	case !wkt:
		show := []rune(strings.ToValidUTF8(s, "?"))
		if len(show) > 40 {
			show = append(show[:40], '…')
		}
		r.notes.add(bilingual(fmt.Sprintf(".prj 文件内容不是坐标系定义（%q），已忽略；请确认坐标系", string(show)),
			fmt.Sprintf("the .prj does not hold a coordinate system but %q; ignored, please confirm the coordinate system", string(show))))
	default:
		r.prj = strings.ToValidUTF8(s, "\uFFFD")
	}
	return nil
}

// Name is the shapefile's base name, e.g. "zones".
func (r *Reader) Name() string { return r.name }

// ShapeType is the type the .shp header declares.
func (r *Reader) ShapeType() ShapeType { return r.typ }

// Fields lists the attribute columns (none without a .dbf).
func (r *Reader) Fields() []Field {
	if r.table == nil {
		return nil
	}
	return r.table.Fields()
}

// Encoding is the chosen text encoding and the reason, e.g. ("GB18030",
// `cpg says CP936 (read as GB18030)`). Both are empty without a .dbf.
func (r *Reader) Encoding() (name, reason string) {
	if r.table == nil {
		return "", ""
	}
	c := r.table.Encoding()
	return c.Name, c.Reason
}

// EncodingChoice is the full choice, for decoding previews.
func (r *Reader) EncodingChoice() encoding.Choice {
	if r.table == nil {
		return encoding.Choice{}
	}
	return r.table.Encoding()
}

// PRJ is the raw WKT of the .prj, or "" when there is none (or it held no
// coordinate system). Coordinates are returned in this system, unprojected.
func (r *Reader) PRJ() string { return r.prj }

// Report says what was skipped, dropped and repaired so far; complete once
// Next has returned io.EOF.
func (r *Reader) Report() Report {
	rep := r.report
	rep.NullShapes = append([]int(nil), rep.NullShapes...)
	rep.Deleted = append([]int(nil), rep.Deleted...)
	rep.Warnings = append(append([]string(nil), r.notes.list...), r.summary()...)
	return rep
}

// Close releases the files.
func (r *Reader) Close() error {
	var err error
	if r.shpF != nil {
		err = r.shpF.Close()
	}
	if r.table != nil {
		if e := r.table.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Next returns the next record with a geometry, skipping null shapes and
// deleted rows (both counted in the Report), or io.EOF after the last. Any
// other error is final and returned again by later calls: the file is
// damaged at that point and the message says where.
func (r *Reader) Next() (rec Record, err error) {
	defer recovered("shapefile.Next", &err)
	fail := func(err error) (Record, error) {
		r.done, r.err = true, err
		return Record{}, err
	}
	for {
		if r.done {
			return Record{}, r.err
		}
		raw, err := r.shp.nextRecord()
		if err == io.EOF {
			r.finish()
			return Record{}, io.EOF
		}
		if err != nil {
			return fail(err)
		}
		r.n++
		r.report.Records++
		if raw.number != int32(r.n) && !r.numbersNoted {
			r.numbersNoted = true
			r.notes.add(bilingual(fmt.Sprintf(".shp 记录编号不连续（第 %d 条记录编号为 %d），已按记录顺序读取", r.n, raw.number),
				fmt.Sprintf("the .shp record numbers are not consecutive (record %d is numbered %d); records were read in file order", r.n, raw.number)))
		}
		attrs, deleted, err := r.attributes()
		if err != nil {
			return fail(err)
		}
		g, info, err := decodeShape(r.typ, r.n, raw.content, &r.ringWork)
		if err != nil {
			return fail(err)
		}
		if deleted {
			r.report.Deleted = append(r.report.Deleted, r.n)
			continue
		}
		if info.null {
			r.report.NullShapes = append(r.report.NullShapes, r.n)
			continue
		}
		if info.z {
			r.report.ZDropped++
		}
		if info.m {
			r.report.MDropped++
		}
		r.report.RingsClosed += info.ringsClosed
		r.report.OrphanHoles += info.orphanHoles
		r.report.Returned++
		return Record{Number: r.n, Geometry: g, Attributes: attrs}, nil
	}
}

// attributes reads the .dbf row that goes with the current .shp record.
func (r *Reader) attributes() (map[string]any, bool, error) {
	if r.table == nil {
		return map[string]any{}, false, nil
	}
	attrs, deleted, err := r.table.next()
	if err == io.EOF && len(r.table.h.fields) == 0 {
		return map[string]any{}, false, nil
	}
	if err == io.EOF {
		r.notes.add(bilingual(fmt.Sprintf(".dbf 的记录比 .shp 少（.shp 第 %d 条起没有属性）；两个文件可能不是同一次导出的", r.n),
			fmt.Sprintf("the .dbf has fewer rows than the .shp (records from %d on have no attributes); the two files may not belong together", r.n)))
		return map[string]any{}, false, nil
	}
	return attrs, deleted, err
}

// finish notes a .dbf longer than the .shp once the .shp is done.
func (r *Reader) finish() {
	r.done, r.err = true, io.EOF
	if r.table != nil && !r.table.ended && r.table.row < r.table.h.count && len(r.table.h.fields) > 0 {
		r.notes.add(bilingual(fmt.Sprintf(".dbf 有 %d 条记录，.shp 只有 %d 条；多出的属性记录已忽略", r.table.h.count, r.n),
			fmt.Sprintf("the .dbf has %d rows but the .shp only %d records; the extra rows were ignored", r.table.h.count, r.n)))
	}
}
