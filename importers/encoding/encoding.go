// Package encoding decides which text encoding a DBF table uses and decodes
// its bytes to UTF-8.
//
// Census staff export shapefiles from Chinese Windows tools, so most DBFs
// hold GBK text, often with no word of it in the file. The decision follows
// DESIGN.md §3: an uploader's override, else the .cpg file, else the DBF's
// language driver byte (LDID), else "every text byte is valid UTF-8", else
// GB18030. GBK and GB2312 are always read as GB18030, their superset, so a
// rare character that a newer tool wrote in GB18030 still decodes. Every
// choice carries the reason in words, because the uploader confirms it by
// looking at a decoded preview.
package encoding

import (
	"strings"
	"unicode/utf8"

	xenc "golang.org/x/text/encoding"
)

// Choice is a decided text encoding: its canonical name (as Lookup accepts
// it), why it was chosen, and what was ignored on the way.
type Choice struct {
	Name     string   // canonical name, e.g. "GB18030", "UTF-8", "windows-1252"
	Reason   string   // e.g. `cpg says "CP936"`, "LDID 0x4D (code page 936)"
	Warnings []string // evidence that was ignored, e.g. an HTML page saved as .cpg

	enc xenc.Encoding // nil for UTF-8
}

// Decode converts b to UTF-8. Bytes that are not valid in the encoding
// become U+FFFD, so a wrong choice shows as visible damage in the preview
// rather than as an error.
func (c Choice) Decode(b []byte) string {
	if c.enc == nil {
		if utf8.Valid(b) {
			return string(b)
		}
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	out, err := c.enc.NewDecoder().Bytes(b)
	if err != nil {
		// x/text decoders replace invalid input rather than fail; keep a
		// safe answer should one ever report an error.
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

// DecodeCut decodes b, which may have been cut at a fixed byte width in the
// middle of a multi-byte character (DBF field names have 10 bytes, values
// their field width). A damaged character at the very end is dropped, not
// shown as U+FFFD; cut reports whether that happened.
func (c Choice) DecodeCut(b []byte) (s string, cut bool) {
	s = c.Decode(b)
	if !strings.HasSuffix(s, "\uFFFD") {
		return s, false
	}
	// A multi-byte character is at most 4 bytes (UTF-8, GB18030): try
	// dropping 1 to 3 trailing bytes and keep the first clean decode.
	for k := 1; k <= 3 && k < len(b); k++ {
		t := c.Decode(b[:len(b)-k])
		if !strings.HasSuffix(t, "\uFFFD") && strings.Count(t, "\uFFFD") == strings.Count(s, "\uFFFD")-1 {
			return t, true
		}
	}
	return s, false
}
