package pipeline

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"onemap/layers"
)

// MappingEntry says which source column feeds one field of the target
// layer, and why.
type MappingEntry struct {
	Target      string           `json:"target"`
	Title       string           `json:"title,omitempty"` // the target field's Chinese label
	Type        layers.FieldType `json:"type"`
	Required    bool             `json:"required,omitempty"`
	Source      string           `json:"source,omitempty"`       // "" = no column feeds it
	SourceTitle string           `json:"source_title,omitempty"` // the column's decoded original name
	Reason      string           `json:"reason,omitempty"`
	// Factor multiplies numeric values (10,000 from hm² to m²); 0 or 1
	// means none. Unit is the unit the source column holds.
	Factor float64 `json:"factor,omitempty"`
	Unit   string  `json:"unit,omitempty"`
	// Wrap puts the value into a JSON object under this key.
	Wrap string `json:"wrap,omitempty"`
}

// mapper turns source attributes into target properties.
type mapper struct {
	schema  layers.Schema
	entries []MappingEntry
	dropped map[string]*dropStat // per target field: values that could not be read
}

// dropStat counts the values of an optional field that were left empty
// because they could not be read as the field's type.
type dropStat struct {
	n       int
	example string
	why     string
	record  int // the record the example is from
}

// newMapper decides the mapping: the uploader's choices first (target →
// source column; "" leaves a field empty), then suggestions from names.
// Each source column feeds at most one field.
func newMapper(schema layers.Schema, src []Field, user map[string]string) (*mapper, error) {
	const op = "pipeline.Mapping"
	m := &mapper{schema: schema, dropped: map[string]*dropStat{}}
	bySource := map[string]Field{}
	for _, f := range src {
		bySource[f.Name] = f
	}
	used := map[string]bool{}
	for target := range user {
		if _, ok := schema.Field(target); !ok {
			return nil, invalid(op, "字段对应中的目标字段 %q 不属于该图层；图层字段为：%s", "the mapping names a target field %q that the layer does not have; its fields are: %s",
				target, strings.Join(schema.FieldNames(), ", "))
		}
	}
	m.entries = make([]MappingEntry, len(schema.Fields))
	for i, f := range schema.Fields {
		e := MappingEntry{Target: f.Name, Title: f.Title, Type: f.Type, Required: f.Required}
		if s, ok := user[f.Name]; ok {
			e.Reason = bilingual("上传者指定", "chosen by the uploader")
			if s != "" {
				sf, ok := bySource[s]
				if !ok {
					return nil, invalid(op, "字段对应中的源字段 %q 不在文件中；文件的字段为：%s", "the mapping names a source column %q that the file does not have; its columns are: %s",
						s, strings.Join(fieldNames(src), ", "))
				}
				e.Source, e.SourceTitle = sf.Name, sf.Original
				e.Unit, e.Factor = columnUnit(sf, f.Unit)
				used[s] = true
			}
		}
		m.entries[i] = e
	}
	m.suggest(src, user, used)
	return m, nil
}

// suggest fills the fields the uploader left open, in passes from the
// surest match to the loosest, so that an exact name is never taken away
// by a looser match for an earlier field.
func (m *mapper) suggest(src []Field, user map[string]string, used map[string]bool) {
	dict := dictionary()
	type pass func(f layers.Field, s Field) (reason string, t term, ok bool)
	names := func(s Field) []string {
		out := []string{s.Name}
		if s.Original != "" && s.Original != s.Name {
			out = append(out, s.Original)
		}
		return out
	}
	same := func(f layers.Field, s Field) (string, term, bool) {
		for _, n := range names(s) {
			if normalize(n) == normalize(f.Name) {
				return bilingual("字段名相同", "same name"), term{}, true
			}
		}
		return "", term{}, false
	}
	title := func(f layers.Field, s Field) (string, term, bool) {
		for _, n := range names(s) {
			rest, _, _, _ := unitOf(n, f.Unit)
			if f.Title != "" && (normalize(n) == normalize(f.Title) || rest == normalize(f.Title)) {
				return bilingual("与字段中文名“"+f.Title+"”相同", "same as the field's Chinese title "+f.Title), term{}, true
			}
		}
		return "", term{}, false
	}
	known := func(f layers.Field, s Field) (string, term, bool) {
		for _, n := range names(s) {
			rest, _, _, _ := unitOf(n, f.Unit)
			for _, t := range dict[f.Name] {
				if nt := normalize(t.name); nt == normalize(n) || nt == rest {
					if t.note != "" {
						return bilingual("词典："+t.name+" = "+t.note, "dictionary: "+t.name+" is a "+t.note), t, true
					}
					return bilingual("词典："+t.name, "dictionary: "+t.name), t, true
				}
			}
		}
		return "", term{}, false
	}
	// cut matches a Chinese name that a DBF's 10 bytes cut short ("风险等"
	// for 风险等级) against the start of a title or dictionary name.
	cut := func(f layers.Field, s Field) (string, term, bool) {
		n := normalize(s.Original)
		if s.Width == 0 || utf8.RuneCountInString(n) < 2 || isASCII(n) || len(s.Original) < 8 {
			return "", term{}, false
		}
		cands := []term{{name: f.Title}}
		cands = append(cands, dict[f.Name]...)
		for _, t := range cands {
			if t.name != "" && !isASCII(t.name) && strings.HasPrefix(normalize(t.name), n) {
				return bilingual("字段名被 DBF 10 字节限制截断，按“"+t.name+"”对应", "the name was cut by the DBF 10-byte limit; read as "+t.name), t, true
			}
		}
		return "", term{}, false
	}
	for _, p := range []pass{same, title, known, cut} {
		for i, f := range m.schema.Fields {
			e := &m.entries[i]
			if _, chosen := user[f.Name]; chosen || e.Source != "" {
				continue
			}
			for _, s := range src {
				if used[s.Name] {
					continue
				}
				reason, t, ok := p(f, s)
				if !ok {
					continue
				}
				e.Source, e.SourceTitle, e.Reason, e.Wrap = s.Name, s.Original, reason, t.wrap
				e.Unit, e.Factor = columnUnit(s, f.Unit)
				used[s.Name] = true
				break
			}
		}
	}
}

// clone is a mapper with the same mapping and its own tally of dropped
// values, for one worker goroutine.
func (m *mapper) clone() *mapper {
	return &mapper{schema: m.schema, entries: m.entries, dropped: map[string]*dropStat{}}
}

// merge adds a clone's tally to m's; the example shown is the one from the
// earliest record.
func (m *mapper) merge(o *mapper) {
	for k, d := range o.dropped {
		cur := m.dropped[k]
		if cur == nil {
			c := *d
			m.dropped[k] = &c
			continue
		}
		if d.record < cur.record {
			cur.example, cur.why, cur.record = d.example, d.why, d.record
		}
		cur.n += d.n
	}
}

// Entries returns the mapping, one entry per target field.
func (m *mapper) Entries() []MappingEntry { return append([]MappingEntry(nil), m.entries...) }

// unmapped lists the source columns no field takes.
func (m *mapper) unmapped(src []Field) []string {
	taken := map[string]bool{}
	for _, e := range m.entries {
		taken[e.Source] = true
	}
	var out []string
	for _, f := range src {
		if !taken[f.Name] {
			out = append(out, f.Name)
		}
	}
	return out
}

// missingRequired lists required fields no column feeds, except those
// derive can fill (a shelter's effective area from its capacity is not
// required, so nothing is exempt today).
func (m *mapper) missingRequired() []string {
	var out []string
	for _, e := range m.entries {
		if e.Required && e.Source == "" {
			out = append(out, e.Target)
		}
	}
	return out
}

// applyRecord maps the attributes of record number rec. A value a
// required field cannot take rejects the record (the error says why); one
// an optional field cannot take is left out and counted for the report.
func (m *mapper) applyRecord(rec int, attrs map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(m.entries))
	for i, e := range m.entries {
		if e.Source == "" {
			continue
		}
		v, ok := attrs[e.Source]
		if !ok || v == nil {
			continue
		}
		f := m.schema.Fields[i]
		cv, err := convert(f, v, e.Factor, e.Wrap)
		if err != nil {
			if f.Required {
				return nil, invalid("pipeline.Mapping", "必填字段 %s（%s）的值 %s 无法读取：%s", "the required field %s (%s) cannot take %s: %s",
					f.Name, f.Title, show(v), layers.MessageOf(err))
			}
			d := m.dropped[f.Name]
			if d == nil {
				d = &dropStat{example: show(v), why: layers.MessageOf(err), record: rec}
				m.dropped[f.Name] = d
			}
			d.n++
			continue
		}
		out[f.Name] = cv
	}
	return out, nil
}

// warnings words the dropped-value counts.
func (m *mapper) warnings() []string {
	names := make([]string, 0, len(m.dropped))
	for k := range m.dropped {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []string
	for _, k := range names {
		d := m.dropped[k]
		out = append(out, bilingual(fmt.Sprintf("字段 %s 有 %d 个值无法读取，已置为空（例如 %s：%s）", k, d.n, d.example, d.why),
			fmt.Sprintf("field %s: %d values could not be read and were left empty (e.g. %s: %s)", k, d.n, d.example, d.why)))
	}
	return out
}

// columnUnit is the unit a column's name states and the factor to the
// target unit want; factor 0 means "no conversion".
func columnUnit(s Field, want string) (unit string, factor float64) {
	for _, n := range []string{s.Original, s.Name} {
		if _, u, f, ok := unitOf(n, want); ok {
			if f == 1 {
				f = 0
			}
			return u, f
		}
	}
	return "", 0
}

func fieldNames(fs []Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// show prints a value for a message.
func show(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", preview(s))
	}
	return fmt.Sprint(v)
}
