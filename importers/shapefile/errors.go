package shapefile

import (
	"errors"
	"fmt"

	"onemap/layers"
)

// invalid builds an Invalid error whose message is Chinese first, then the
// same in English in brackets; zh and en take the same arguments.
func invalid(op, zh, en string, args ...any) *layers.Error {
	return &layers.Error{Kind: layers.Invalid, Op: op, Msg: fmt.Sprintf(zh, args...) + " (" + fmt.Sprintf(en, args...) + ")"}
}

// bilingual joins an already formatted Chinese and English text the way
// every message of this package reads.
func bilingual(zh, en string) string { return zh + " (" + en + ")" }

// errPanic marks an error recovered from a panic in the parser: a bug, never
// a property of the file. The fuzz targets fail on it.
var errPanic = errors.New("shapefile: parser panic")

// recovered turns a panic into an Internal error; use as
// defer recovered(op, &err).
func recovered(op string, err *error) {
	if r := recover(); r != nil {
		*err = &layers.Error{Kind: layers.Internal, Op: op,
			Msg: bilingual("读取 shapefile 时程序内部出错，已记录；请把文件发给管理员", "internal error while reading the shapefile; it has been logged, please send the file to the administrator"),
			Err: fmt.Errorf("%w: %v", errPanic, r)}
	}
}

// readErr passes an onemap error through (a limit of the archive, say) and
// words any other read failure for the clerk.
func readErr(err error, op, file string) error {
	var le *layers.Error
	if errors.As(err, &le) {
		return err
	}
	return &layers.Error{Kind: layers.Invalid, Op: op, Err: err,
		Msg: bilingual(fmt.Sprintf("读取 %s 失败，文件可能不完整；请重新导出后上传", file), fmt.Sprintf("cannot read %s, it may be incomplete; export it again and upload", file))}
}
