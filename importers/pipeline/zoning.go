package pipeline

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"onemap/layers"
)

// zoningSchema makes the schema of a new zoning layer from a source's
// columns. Field names must be lower-case ASCII identifiers (they become
// database columns), so each column is named:
//
//   - ASCII names: lower-cased, other characters turned into "_"
//     ("Risk Level" → risk_level, "2023年" → f_2023);
//   - Chinese names: from a small word list of zoning data (编号 → code,
//     风险等级 → risk_grade, 面积公顷 → area_hm2), also when a DBF cut the
//     name short (风险等 → risk_grade); otherwise field_N;
//   - fid, id and geom, which the stores use, get a src_ prefix; repeats
//     get _2, _3.
//
// Every field keeps the column's decoded name as its title, so the map and
// the forms show 风险等级, not risk_grade. Types are the source's (DBF N
// with decimals → number, D → date …); the unit of an area column named
// in hm² stays hm² (the values are not converted: the layer is the file's).
func zoningSchema(kind GeometryKind, src []Field) (layers.Schema, []MappingEntry, error) {
	const op = "pipeline.zoningSchema"
	var s layers.Schema
	switch kind {
	case PolygonKind:
		s.Geometry = layers.MultiPolygonType
	case LineKind:
		s.Geometry = layers.MultiLineStringType
	case PointKind:
		s.Geometry = layers.PointType
	default:
		return s, nil, invalid(op, "无法确定数据的几何类型（点、线或面），可能所有记录都没有几何", "the data's geometry type (point, line or polygon) cannot be told; perhaps no record has a geometry")
	}
	taken := map[string]bool{}
	var entries []MappingEntry
	words := zoningWords()
	for i, f := range src {
		// ASCII columns are named by their unique name (a DBF's second
		// risk_level is risk_level_1), Chinese ones by the word they are.
		title, name := f.Name, fieldName(f.Name, i, words)
		if !isASCII(f.Name) && f.Original != "" {
			title, name = f.Original, fieldName(f.Original, i, words)
			if word, ok := completeWord(f.Original, words); ok && f.Width > 0 {
				title = word // 风险等 → 风险等级, cut by the DBF's 10 bytes
			}
		}
		base := name
		for k := 2; taken[name]; k++ {
			suffix := fmt.Sprintf("_%d", k)
			name = base[:min(len(base), 63-len(suffix))] + suffix
		}
		taken[name] = true
		unit, _ := unitWord(title)
		s.Fields = append(s.Fields, layers.Field{Name: name, Type: f.Type, Title: title, Unit: unit})
		entries = append(entries, MappingEntry{Target: name, Title: title, Type: f.Type, Source: f.Name, SourceTitle: f.Original,
			Reason: bilingual("新图层：字段取自文件", "new layer: the field comes from the file")})
	}
	if err := s.Check(); err != nil {
		return s, nil, layers.Wrap(err, layers.Internal, op, "the derived schema is not valid")
	}
	return s, entries, nil
}

// fieldName turns a column name into a valid field name.
func fieldName(name string, i int, words map[string]string) string {
	if isASCII(name) {
		var b strings.Builder
		for _, r := range strings.ToLower(strings.TrimSpace(name)) {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
				b.WriteRune(r)
			default:
				b.WriteByte('_')
			}
		}
		n := strings.Trim(b.String(), "_")
		for strings.Contains(n, "__") {
			n = strings.ReplaceAll(n, "__", "_")
		}
		switch {
		case n == "":
			return fmt.Sprintf("field_%d", i+1)
		case n[0] >= '0' && n[0] <= '9':
			n = "f_" + n
		case n == "id" || n == "fid" || n == "geom" || n == "geom_3857":
			n = "src_" + n
		}
		return n[:min(len(n), 63)]
	}
	if w, ok := words[normalize(name)]; ok {
		return w
	}
	if word, ok := completeWord(name, words); ok {
		return words[word]
	}
	return fmt.Sprintf("field_%d", i+1)
}

// completeWord finds the word of the list that a name cut short by a DBF's
// 10 bytes begins (风险等 → 风险等级); the shortest wins, then the first in
// order. A name that is a whole word is not "cut".
func completeWord(name string, words map[string]string) (string, bool) {
	n := normalize(name)
	if _, whole := words[n]; whole || utf8.RuneCountInString(n) < 2 {
		return "", false
	}
	best := ""
	for k := range words {
		if strings.HasPrefix(k, n) && (best == "" || len(k) < len(best) || len(k) == len(best) && k < best) {
			best = k
		}
	}
	return best, best != ""
}

// unitWord is the unit a column name states, for the field's Unit.
func unitWord(name string) (string, bool) {
	for _, base := range []string{"m²", "m³", "s"} {
		if _, u, _, ok := unitOf(name, base); ok {
			return u, true
		}
		if _, u, _, _ := unitOf(name, base); u != "" {
			return u, true
		}
	}
	return "", false
}
