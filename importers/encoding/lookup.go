package encoding

import (
	"strconv"
	"strings"

	xenc "golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// known maps a canonical encoding name to its decoder (nil for UTF-8).
// GBK, GB2312 and CP936 all resolve to GB18030, their superset.
func known(name string) (xenc.Encoding, bool) {
	switch name {
	case "UTF-8":
		return nil, true
	case "GB18030":
		return simplifiedchinese.GB18030, true
	case "Big5":
		return traditionalchinese.Big5, true
	case "Shift_JIS":
		return japanese.ShiftJIS, true
	case "EUC-JP":
		return japanese.EUCJP, true
	case "EUC-KR":
		return korean.EUCKR, true
	case "KOI8-R":
		return charmap.KOI8R, true
	case "KOI8-U":
		return charmap.KOI8U, true
	case "macintosh":
		return charmap.Macintosh, true
	case "x-mac-cyrillic":
		return charmap.MacintoshCyrillic, true
	}
	if e, ok := windows[name]; ok {
		return e, true
	}
	if e, ok := oem[name]; ok {
		return e, true
	}
	if e, ok := iso8859[name]; ok {
		return e, true
	}
	return nil, false
}

var windows = map[string]xenc.Encoding{
	"windows-874": charmap.Windows874, "windows-1250": charmap.Windows1250,
	"windows-1251": charmap.Windows1251, "windows-1252": charmap.Windows1252,
	"windows-1253": charmap.Windows1253, "windows-1254": charmap.Windows1254,
	"windows-1255": charmap.Windows1255, "windows-1256": charmap.Windows1256,
	"windows-1257": charmap.Windows1257, "windows-1258": charmap.Windows1258,
}

var oem = map[string]xenc.Encoding{
	"IBM437": charmap.CodePage437, "IBM850": charmap.CodePage850, "IBM852": charmap.CodePage852,
	"IBM855": charmap.CodePage855, "IBM858": charmap.CodePage858, "IBM860": charmap.CodePage860,
	"IBM862": charmap.CodePage862, "IBM863": charmap.CodePage863, "IBM865": charmap.CodePage865,
	"IBM866": charmap.CodePage866,
}

var iso8859 = map[string]xenc.Encoding{
	"ISO-8859-1": charmap.ISO8859_1, "ISO-8859-2": charmap.ISO8859_2, "ISO-8859-3": charmap.ISO8859_3,
	"ISO-8859-4": charmap.ISO8859_4, "ISO-8859-5": charmap.ISO8859_5, "ISO-8859-6": charmap.ISO8859_6,
	"ISO-8859-7": charmap.ISO8859_7, "ISO-8859-8": charmap.ISO8859_8, "ISO-8859-9": charmap.ISO8859_9,
	"ISO-8859-10": charmap.ISO8859_10, "ISO-8859-13": charmap.ISO8859_13, "ISO-8859-14": charmap.ISO8859_14,
	"ISO-8859-15": charmap.ISO8859_15, "ISO-8859-16": charmap.ISO8859_16,
}

// aliases maps a squeezed label (upper case, no spaces, dashes or
// underscores) to a canonical name. It covers what .cpg files and uploaders
// actually write: ArcGIS code page numbers, iconv and WHATWG labels, and the
// Chinese names census staff type.
var aliases = map[string]string{
	"UTF8": "UTF-8", "UTF": "UTF-8", "65001": "UTF-8", "CP65001": "UTF-8", "UNICODE": "UTF-8",
	"GB18030": "GB18030", "54936": "GB18030", "CP54936": "GB18030",
	"GBK": "GB18030", "GB2312": "GB18030", "CP936": "GB18030", "936": "GB18030", "MS936": "GB18030",
	"WINDOWS936": "GB18030", "EUCCN": "GB18030", "20936": "GB18030", "CHINESE": "GB18030",
	"简体中文": "GB18030", "国标": "GB18030",
	"BIG5": "Big5", "950": "Big5", "CP950": "Big5", "MS950": "Big5", "WINDOWS950": "Big5",
	"BIG5HKSCS": "Big5", "繁体中文": "Big5", "繁體中文": "Big5",
	"SHIFTJIS": "Shift_JIS", "SJIS": "Shift_JIS", "932": "Shift_JIS", "CP932": "Shift_JIS",
	"MS932": "Shift_JIS", "WINDOWS31J": "Shift_JIS", "MSKANJI": "Shift_JIS",
	"EUCJP": "EUC-JP", "20932": "EUC-JP",
	"EUCKR": "EUC-KR", "949": "EUC-KR", "CP949": "EUC-KR", "UHC": "EUC-KR", "KSC5601": "EUC-KR",
	"KOI8R": "KOI8-R", "20866": "KOI8-R", "KOI8U": "KOI8-U", "21866": "KOI8-U",
	"TIS620": "windows-874", "874": "windows-874", "CP874": "windows-874",
	"LATIN1": "ISO-8859-1", "L1": "ISO-8859-1", "LATIN2": "ISO-8859-2", "L2": "ISO-8859-2",
	"LATIN3": "ISO-8859-3", "LATIN4": "ISO-8859-4", "CYRILLIC": "ISO-8859-5", "ARABIC": "ISO-8859-6",
	"GREEK": "ISO-8859-7", "HEBREW": "ISO-8859-8", "LATIN5": "ISO-8859-9", "LATIN6": "ISO-8859-10",
	"LATIN7": "ISO-8859-13", "LATIN8": "ISO-8859-14", "LATIN9": "ISO-8859-15", "LATIN10": "ISO-8859-16",
	"MAC": "macintosh", "MACINTOSH": "macintosh", "MACROMAN": "macintosh", "10000": "macintosh",
	"XMACCYRILLIC": "x-mac-cyrillic", "MACCYRILLIC": "x-mac-cyrillic", "10007": "x-mac-cyrillic",
	"ASCII": "UTF-8", "USASCII": "UTF-8",
}

// unusable lists labels that name a real encoding a DBF cannot hold:
// fixed-width fields padded with single-byte spaces have no room for
// UTF-16's two-byte units.
var unusable = map[string]bool{
	"UTF16": true, "UTF16LE": true, "UTF16BE": true, "UCS2": true, "1200": true, "1201": true,
	"UTF32": true, "UCS4": true,
}

// canonical resolves a label to a canonical name. unusableLabel reports a
// label that names an encoding a DBF cannot use.
func canonical(label string) (name string, ok, unusableLabel bool) {
	s := squeeze(label)
	if s == "" {
		return "", false, false
	}
	if unusable[s] {
		return "", false, true
	}
	if n, ok := aliases[s]; ok {
		return n, true, false
	}
	// "ANSI 1250", "OEM 866", "CP1252", "WINDOWS-1251", "IBM437", "1252", "ISO-8859-2", "8859-2".
	for _, prefix := range []string{"ANSI", "OEM", "WINDOWS", "CP", "IBM", "MS", "ISO", ""} {
		rest, found := strings.CutPrefix(s, prefix)
		if !found {
			continue
		}
		if n, ok := aliases[rest]; ok && prefix != "" {
			return n, true, false
		}
		if strings.HasPrefix(rest, "8859") {
			if k, err := strconv.Atoi(rest[4:]); err == nil {
				n := "ISO-8859-" + strconv.Itoa(k)
				if _, ok := iso8859[n]; ok {
					return n, true, false
				}
			}
			continue
		}
		if cp, err := strconv.Atoi(rest); err == nil {
			if n, ok := codePageName(cp); ok {
				return n, true, false
			}
		}
	}
	return "", false, false
}

// codePageName maps a Windows or OEM code page number to a canonical name.
func codePageName(cp int) (string, bool) {
	switch {
	case cp >= 1250 && cp <= 1258, cp == 874:
		return "windows-" + strconv.Itoa(cp), true
	case cp == 936, cp == 54936, cp == 20936:
		return "GB18030", true
	case cp == 950:
		return "Big5", true
	case cp == 932:
		return "Shift_JIS", true
	case cp == 949:
		return "EUC-KR", true
	case cp == 65001:
		return "UTF-8", true
	case cp >= 28591 && cp <= 28606:
		n := "ISO-8859-" + strconv.Itoa(cp-28590)
		_, ok := iso8859[n]
		return n, ok
	}
	n := "IBM" + strconv.Itoa(cp)
	_, ok := oem[n]
	return n, ok
}

// squeeze upper-cases a label and drops spaces, dashes, underscores and
// dots, so "Big-5", "big5" and "BIG 5" compare equal.
func squeeze(label string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(label)) {
		switch r {
		case ' ', '-', '_', '.', '\t':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Lookup returns the encoding an uploader named, e.g. "GBK", "cp936",
// "UTF-8", "Big5", "1252". Unknown names are an Invalid error that lists
// the common choices.
func Lookup(name string) (Choice, error) {
	n, ok, bad := canonical(name)
	if !ok {
		if bad {
			return Choice{}, invalid("encoding.Lookup",
				"编码 %q 不能用于 DBF 属性表，请选择 GBK、UTF-8 或 Big5",
				"encoding %q cannot be used for a DBF table; choose GBK, UTF-8 or Big5", name)
		}
		return Choice{}, invalid("encoding.Lookup",
			"不认识的编码 %q，请选择 GBK、UTF-8、Big5 或 Windows 代码页号（如 1252）",
			"unknown encoding %q; choose GBK, UTF-8, Big5 or a Windows code page number such as 1252", name)
	}
	enc, _ := known(n)
	return Choice{Name: n, enc: enc}, nil
}
