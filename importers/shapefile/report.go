package shapefile

import (
	"fmt"
	"sort"
	"strings"
)

// Report says what reading a shapefile did beyond returning records: what
// was skipped, dropped or repaired, and why. Its Warnings are written for
// the uploader, in Chinese and English.
type Report struct {
	ShapeType  ShapeType
	Records    int   // .shp records read, null and deleted ones included
	Returned   int   // records handed out by Next
	NullShapes []int // record numbers (1-based) with no geometry, skipped
	Deleted    []int // record numbers marked deleted in the .dbf, skipped
	ZDropped   int   // records whose Z values were dropped (geometry is 2D)
	MDropped   int   // records whose M (measure) values were dropped
	// RingsClosed counts polygon rings whose closing point was missing and
	// was added; OrphanHoles counts counter-clockwise rings inside no outer
	// ring, kept as polygons of their own.
	RingsClosed int
	OrphanHoles int
	Warnings    []string
}

// notes collects warnings once each, in the order they first occur.
type notes struct {
	list []string
	seen map[string]bool
}

func (n *notes) add(s string) {
	if n.seen == nil {
		n.seen = map[string]bool{}
	}
	if !n.seen[s] {
		n.seen[s] = true
		n.list = append(n.list, s)
	}
}

// summary words the counters as warnings for the uploader.
func (r *Reader) summary() []string {
	var out []string
	list := func(nums []int) string {
		const show = 10
		var b strings.Builder
		for i, n := range nums {
			if i == show {
				b.WriteString(" …")
				break
			}
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprint(&b, n)
		}
		return b.String()
	}
	rep := r.report
	if len(rep.NullShapes) > 0 {
		out = append(out, bilingual(fmt.Sprintf("%d 条记录没有几何（空图形），已跳过：第 %s 条", len(rep.NullShapes), list(rep.NullShapes)),
			fmt.Sprintf("%d records have no geometry (NULL shape) and were skipped: %s", len(rep.NullShapes), list(rep.NullShapes))))
	}
	if len(rep.Deleted) > 0 {
		out = append(out, bilingual(fmt.Sprintf("%d 条记录在 .dbf 中标记为已删除，已跳过：第 %s 条", len(rep.Deleted), list(rep.Deleted)),
			fmt.Sprintf("%d records are marked deleted in the .dbf and were skipped: %s", len(rep.Deleted), list(rep.Deleted))))
	}
	if rep.ZDropped > 0 {
		out = append(out, bilingual(fmt.Sprintf("%d 条记录带有高程（Z）值，只导入平面坐标，Z 值已舍弃", rep.ZDropped),
			fmt.Sprintf("%d records carry Z (height) values; only the plane coordinates were read, Z was dropped", rep.ZDropped)))
	}
	if rep.MDropped > 0 {
		out = append(out, bilingual(fmt.Sprintf("%d 条记录带有测量（M）值，已舍弃", rep.MDropped),
			fmt.Sprintf("%d records carry M (measure) values, which were dropped", rep.MDropped)))
	}
	if rep.RingsClosed > 0 {
		out = append(out, bilingual(fmt.Sprintf("%d 个多边形环未闭合，已自动闭合", rep.RingsClosed),
			fmt.Sprintf("%d polygon rings were not closed and have been closed", rep.RingsClosed)))
	}
	if rep.OrphanHoles > 0 {
		out = append(out, bilingual(fmt.Sprintf("%d 个逆时针环（按规范应为洞）不在任何外环内，已作为独立多边形导入", rep.OrphanHoles),
			fmt.Sprintf("%d counter-clockwise rings (holes by the specification) lie inside no outer ring and were kept as polygons of their own", rep.OrphanHoles)))
	}
	if r.table != nil {
		out = append(out, r.table.valueWarnings()...)
	}
	return out
}

// valueWarnings words the per-field counts of values read as null or cut.
func (t *Table) valueWarnings() []string {
	var out []string
	each := func(m map[string]int, zh, en string) {
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			out = append(out, bilingual(fmt.Sprintf(zh, k, m[k]), fmt.Sprintf(en, k, m[k])))
		}
	}
	v := t.values
	each(v.overflow, "字段 %s 有 %d 个值为 ****（空值，或数值超出字段宽度），已置为空", "field %s: %d values are **** (no value, or a number too wide for the field) and were read as null")
	each(v.bad, "字段 %s 有 %d 个值无法识别，已置为空", "field %s: %d values could not be read and were set to null")
	each(v.cut, "字段 %s 有 %d 个文本值被字段宽度截断在半个字符处，已去掉残缺字符", "field %s: %d text values were cut mid-character by the field width; the broken character was dropped")
	each(v.memo, "字段 %s 有 %d 个备注值未导入", "field %s: %d memo values were not imported")
	return out
}
