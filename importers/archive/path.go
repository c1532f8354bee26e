package archive

import (
	"fmt"
	"path"
	"strings"
)

// safeName turns an entry name into a clean relative slash path, or rejects
// the archive. Nothing is ever written to disk under these names; the check
// exists because a name that climbs out (../../etc/cron.d/x), is absolute
// (/etc/x, C:\x) or holds control bytes says the archive was crafted or
// broken, and the clerk should hear so rather than get half an import.
// Backslashes are folder separators: old Windows zip tools write them.
func safeName(name string) (string, error) {
	const op = "archive.Open"
	reject := func(why, whyEN string) error {
		return message(op,
			fmt.Sprintf("压缩包中的文件路径 %q %s，疑似恶意构造（zip-slip）；请只压缩数据文件本身后重新上传", name, why),
			fmt.Sprintf("the archive holds an entry named %q that %s, which looks crafted (zip-slip); zip only the data files and upload again", name, whyEN))
	}
	if name == "" {
		return "", invalid(op, "压缩包中有文件名为空的条目；请重新压缩后上传", "the archive holds an entry with an empty name; zip the files again")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "", reject("含有控制字符", "contains control characters")
		}
	}
	n := strings.ReplaceAll(name, `\`, "/")
	if strings.HasPrefix(n, "/") || (len(n) >= 2 && n[1] == ':') {
		return "", reject("是绝对路径", "is an absolute path")
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return "", reject("指向上级目录", "climbs out of the archive with ..")
		}
	}
	clean := path.Clean(n)
	if clean == ".." || strings.HasPrefix(clean, "../") || path.IsAbs(clean) {
		return "", reject("指向压缩包之外", "points outside the archive")
	}
	return clean, nil
}
