package shapefile

import (
	"fmt"
	"strings"

	"onemap/importers/encoding"
)

// nameFields decodes the DBF field names with the table's encoding. A DBF
// name has 10 bytes, which cuts a UTF-8 Chinese name after three characters
// and a third of one: the broken character is dropped and reported. Names
// that end up equal (case-insensitively, as most GIS tools compare them) get
// _1, _2 … so that no column silently overwrites another.
func nameFields(fields []Field, enc encoding.Choice, warn func(string)) {
	taken := map[string]bool{}
	for i := range fields {
		f := &fields[i]
		s, cut := enc.DecodeCut(f.raw)
		s = strings.TrimSpace(s)
		if cut {
			warn(bilingual(fmt.Sprintf("字段名 %q 被 10 字节长度限制截断在半个字符处，已去掉残缺字符", s),
				fmt.Sprintf("field name %q was cut mid-character by the 10-byte limit; the broken character was dropped", s)))
		}
		if s == "" {
			s = fmt.Sprintf("field_%d", i+1)
			warn(bilingual(fmt.Sprintf("第 %d 个字段没有名称，已命名为 %s", i+1, s), fmt.Sprintf("field %d has no name; it was named %s", i+1, s)))
		}
		f.Original = s
		name := s
		for k := 1; taken[strings.ToLower(name)]; k++ {
			name = fmt.Sprintf("%s_%d", s, k)
		}
		if name != s {
			warn(bilingual(fmt.Sprintf("字段名 %q 重复（常因 10 字节长度限制截断所致），第二个改名为 %q", s, name),
				fmt.Sprintf("field name %q appears twice (often the 10-byte limit cut two names alike); the later one was renamed %q", s, name)))
		}
		taken[strings.ToLower(name)] = true
		f.Name = name
	}
}
