package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"onemap/importers/pipeline"
	"onemap/importers/staging"
)

// printUpload prints an upload's report for the person at the terminal,
// labels in Chinese and English, or as JSON.
func printUpload(w io.Writer, u staging.Upload, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(u)
	}
	line := func(label, format string, args ...any) {
		fmt.Fprintf(w, "%-22s %s\n", label, fmt.Sprintf(format, args...))
	}
	id := ""
	if u.ID != "" {
		id = fmt.Sprintf("  (id %s)", u.ID)
	}
	line("导入 Import", "%s%s", u.Name, id)
	line("状态 State", "%s", u.State)
	if u.Error != "" {
		line("错误 Error", "%s", u.Error)
	}
	if u.Message != "" {
		line("需要 Action", "%s", u.Message)
	}
	r := u.Report
	if r == nil {
		return nil
	}
	t := r.Target
	newNote := ""
	if t.New {
		newNote = ", 新建 new"
	}
	line("数据集 Dataset", "%s (%s)", r.Dataset, r.Format)
	line("目标图层 Target", "%s %s (%s%s)", t.Layer.Name, t.Layer.Title, t.Layer.Kind, newNote)
	if r.Encoding != nil {
		line("编码 Encoding", "%s — %s", r.Encoding.Name, r.Encoding.Reason)
	}
	if r.CRS.Name != "" {
		line("坐标系 CRS", "%s — %s", r.CRS.Name, r.CRS.Reason)
	}
	if r.CRS.GCJ02 {
		line("", "GCJ-02 → WGS84 已纠偏 (corrected)")
	}
	if r.CRS.Warning != nil {
		line("", "%s (%s)", r.CRS.Warning.Zh, r.CRS.Warning.En)
	}
	for i, g := range r.CRS.Guesses {
		if i == 0 {
			fmt.Fprintln(w, "坐标系推测 CRS guesses (confirm one with -crs EPSG:N):")
		}
		if i == 5 {
			fmt.Fprintf(w, "  … %d more in the JSON report (-json)\n", len(r.CRS.Guesses)-i)
			break
		}
		gcj := ""
		if g.GCJ02 {
			gcj = " -gcj02"
		}
		fmt.Fprintf(w, "  -crs EPSG:%d%s  %s: centre at %.4f°E %.4f°N\n", g.EPSG, gcj, g.Name, g.Centre[0], g.Centre[1])
	}
	c := r.Counts
	partial := ""
	if c.Partial {
		partial = " (预览，未全部读取 preview only)"
	}
	line("记录 Records", "读取 read %d, 导入 imported %d, 修复 repaired %d, 拒绝 rejected %d, 跳过 skipped %d%s", c.Read, c.Imported, c.Repaired, c.Rejected, c.Skipped, partial)
	if c.Derived > 0 {
		line("", "%d 个避难场所的有效面积按容纳人数推算 (effective area derived from capacity)", c.Derived)
	}
	if r.BBox != nil {
		line("范围 BBox", "%.6f,%.6f – %.6f,%.6f", r.BBox[0], r.BBox[1], r.BBox[2], r.BBox[3])
	}
	fmt.Fprintln(w, "字段 Fields (source → layer):")
	samples := map[string][]any{}
	for _, f := range r.Fields {
		samples[f.Name] = f.Samples
	}
	for _, m := range r.Mapping {
		src := "—"
		if m.Source != "" {
			src = m.Source
			if s := samples[m.Source]; len(s) > 0 {
				src += "  e.g. " + sampleText(s)
			}
		}
		conv := ""
		if m.Factor != 0 {
			conv = fmt.Sprintf(" ×%g (%s)", m.Factor, m.Unit)
		}
		req := ""
		if m.Required {
			req = "*"
		}
		fmt.Fprintf(w, "  %-22s ← %s%s\n", m.Target+req, src, conv)
		if m.Reason != "" && m.Source != "" && !t.FromSource {
			fmt.Fprintf(w, "  %-22s   %s\n", "", m.Reason)
		}
	}
	if len(r.Unmapped) > 0 {
		line("未用字段 Unused", "%s", strings.Join(r.Unmapped, ", "))
	}
	issues := func(title string, list []pipeline.Issue, total int) {
		if total == 0 {
			return
		}
		fmt.Fprintf(w, "%s (%d):\n", title, total)
		for i, x := range list {
			if i == 20 {
				fmt.Fprintf(w, "  … %d more in the JSON report (-json)\n", total-i)
				break
			}
			fmt.Fprintf(w, "  #%d %s\n", x.Record, x.Reason)
		}
	}
	issues("修复 Repaired", r.Repaired, c.Repaired)
	issues("拒绝 Rejected", r.Rejected, c.Rejected)
	issues("跳过 Skipped", r.Skipped, c.Skipped)
	for i, s := range r.Warnings {
		if i == 0 {
			fmt.Fprintln(w, "提示 Notes:")
		}
		fmt.Fprintf(w, "  %s\n", s)
	}
	for i, p := range r.Preview {
		if i == 0 {
			fmt.Fprintln(w, "预览 Preview:")
		}
		if i == 3 {
			break
		}
		row := p.Properties
		if row == nil {
			row = p.Source
		}
		fmt.Fprintf(w, "  #%d %s\n", p.Record, rowText(row))
	}
	return nil
}

func sampleText(s []any) string {
	parts := make([]string, 0, 3)
	for i, v := range s {
		if i == 3 {
			break
		}
		parts = append(parts, short(fmt.Sprint(v)))
	}
	return strings.Join(parts, " | ")
}

func rowText(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+short(fmt.Sprint(m[k])))
	}
	return strings.Join(parts, " ")
}

func short(s string) string {
	r := []rune(s)
	if len(r) > 24 {
		return string(r[:24]) + "…"
	}
	return s
}
