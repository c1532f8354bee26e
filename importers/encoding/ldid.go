package encoding

// ldidCodePage maps a DBF language driver ID (header byte 29) to a code
// page, per the dBase / Visual FoxPro / ESRI table. 0 means "not set".
// 0x57 is ESRI's "ANSI": the exporting PC's ANSI code page, which GDAL and
// ESRI both read as 1252; a Chinese Windows PC would have meant 936, so the
// preview and the override matter for such files.
func ldidCodePage(ldid byte) (int, bool) {
	switch ldid {
	case 0x01, 0x09, 0x0B, 0x0D, 0x0F, 0x11, 0x15, 0x18, 0x19, 0x1B:
		return 437, true
	case 0x02, 0x0A, 0x0E, 0x10, 0x12, 0x14, 0x16, 0x1A, 0x1D, 0x25, 0x37:
		return 850, true
	case 0x03, 0x57, 0x58, 0x59:
		return 1252, true
	case 0x04:
		return 10000, true
	case 0x08, 0x17, 0x66:
		return 865, true
	case 0x13, 0x7B:
		return 932, true
	case 0x1C, 0x6C:
		return 863, true
	case 0x1F, 0x22, 0x23, 0x40, 0x64, 0x87:
		return 852, true
	case 0x24:
		return 860, true
	case 0x26, 0x65:
		return 866, true
	case 0x4D, 0x7A:
		return 936, true
	case 0x4E, 0x79:
		return 949, true
	case 0x4F, 0x78:
		return 950, true
	case 0x50, 0x7C:
		return 874, true
	case 0x67:
		return 861, true
	case 0x6A, 0x86:
		return 737, true
	case 0x6B, 0x88:
		return 857, true
	case 0x96:
		return 10007, true
	case 0x97:
		return 10029, true
	case 0x98:
		return 10006, true
	case 0xC8:
		return 1250, true
	case 0xC9:
		return 1251, true
	case 0xCA:
		return 1254, true
	case 0xCB:
		return 1253, true
	case 0xCC:
		return 1257, true
	}
	return 0, false
}

// ldidName resolves a code page from the LDID table to a canonical name.
func ldidName(cp int) (string, bool) {
	switch cp {
	case 10000:
		return "macintosh", true
	case 10007:
		return "x-mac-cyrillic", true
	}
	return codePageName(cp)
}
