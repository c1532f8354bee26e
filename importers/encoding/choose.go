package encoding

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Evidence is what a DBF and its sidecars say about their text encoding.
type Evidence struct {
	// CPG is the raw content of the .cpg file; nil when there is none.
	CPG []byte
	// LDID is the DBF header's language driver byte (offset 29); 0 = unset.
	LDID byte
	// Text reports whether every text byte of the table (field names and
	// character values) is valid UTF-8, and whether any byte is non-ASCII.
	// It may read the whole table, so Choose calls it only when the .cpg
	// and the LDID did not decide.
	Text func() (valid, nonASCII bool, err error)
}

// Choose decides the encoding: override (the uploader's word) → .cpg →
// LDID → all text valid UTF-8 → GB18030. Evidence that names no usable
// encoding (an HTML page saved as .cpg, "UTF-16", an unknown LDID) is
// skipped with a warning in the Choice.
func Choose(ev Evidence, override string) (Choice, error) {
	if strings.TrimSpace(override) != "" {
		c, err := Lookup(override)
		if err != nil {
			return Choice{}, err
		}
		c.Reason = fmt.Sprintf("chosen by the uploader (%s)", strings.TrimSpace(override))
		return c, nil
	}
	var warnings []string
	if ev.CPG != nil {
		label, ok, warn := ParseCPG(ev.CPG)
		if ok {
			c, _ := Lookup(label)
			c.Reason = "cpg says " + label
			if squeeze(label) != squeeze(c.Name) {
				c.Reason += " (read as " + c.Name + ")"
			}
			c.Warnings = warnings
			return c, nil
		}
		warnings = append(warnings, warn)
	}
	if ev.LDID != 0 {
		if cp, ok := ldidCodePage(ev.LDID); ok {
			if name, ok := ldidName(cp); ok {
				c, _ := Lookup(name)
				c.Name = name
				c.Reason = fmt.Sprintf("LDID 0x%02X (code page %d)", ev.LDID, cp)
				c.Warnings = warnings
				return c, nil
			}
			warnings = append(warnings, fmt.Sprintf("DBF 语言驱动 LDID 0x%02X 指代码页 %d，本系统不支持，已忽略 (LDID 0x%02X means code page %d, which is not supported; ignored)", ev.LDID, cp, ev.LDID, cp))
		} else {
			warnings = append(warnings, fmt.Sprintf("DBF 语言驱动 LDID 0x%02X 未知，已忽略 (unknown LDID 0x%02X; ignored)", ev.LDID, ev.LDID))
		}
	}
	if ev.Text != nil {
		valid, nonASCII, err := ev.Text()
		if err != nil {
			return Choice{}, err
		}
		if valid {
			c, _ := Lookup("UTF-8")
			c.Reason = "all text is valid UTF-8"
			if !nonASCII {
				c.Reason = "all text is ASCII (read as UTF-8)"
			}
			c.Warnings = warnings
			return c, nil
		}
	}
	c, _ := Lookup("GB18030")
	c.Reason = "fallback GB18030: no .cpg or LDID names a code page and the text is not valid UTF-8"
	c.Warnings = warnings
	return c, nil
}

// ParseCPG reads a .cpg file. It returns the label as written (trimmed) when
// it names a usable encoding; otherwise a bilingual warning saying why the
// file is ignored.
func ParseCPG(raw []byte) (label string, ok bool, warning string) {
	const ignored = "，已忽略"
	s := strings.TrimSpace(strings.TrimPrefix(string(raw), "\uFEFF"))
	show := s
	if len(show) > 40 || !utf8.ValidString(show) {
		show = strings.ToValidUTF8(show, "?")
		if r := []rune(show); len(r) > 40 {
			show = string(r[:40]) + "…"
		}
	}
	switch {
	case s == "":
		return "", false, ".cpg 文件为空" + ignored + " (the .cpg file is empty; ignored)"
	case len(s) > 64 || strings.ContainsAny(s, "<>\n\r{}"):
		return "", false, fmt.Sprintf(".cpg 文件内容不是代码页名称（%q）"+ignored+" (the .cpg file does not hold a code page name but %q; ignored)", show, show)
	}
	name, ok, unusableLabel := canonical(s)
	if ok {
		_, supported := known(name)
		if supported {
			return s, true, ""
		}
	}
	if unusableLabel {
		return "", false, fmt.Sprintf(".cpg 指定的编码 %q 不能用于 DBF 定长字段"+ignored+" (the .cpg names %q, which a DBF's fixed-width fields cannot hold; ignored)", show, show)
	}
	return "", false, fmt.Sprintf(".cpg 指定了不认识的编码 %q"+ignored+" (the .cpg names an unknown encoding %q; ignored)", show, show)
}
