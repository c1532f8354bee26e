package archive

import (
	"archive/zip"
	"errors"
	"io"
	"io/fs"
	"path"
	"sort"
	"time"
)

// Open opens a data entry or a folder of the archive (fs.FS). Reading an
// entry inflates it on the fly; see entry.Read for the checks.
func (a *Archive) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if f, ok := a.files[name]; ok {
		rc, err := f.Open()
		if err != nil {
			if errors.Is(err, zip.ErrAlgorithm) {
				return nil, invalid("archive.Open", "压缩包中的 %s 使用了不支持的压缩方式；请用普通 zip（Deflate）重新压缩",
					"%s in the archive uses an unsupported compression method; zip it again with plain Deflate", name)
			}
			return nil, wrap(err, "archive.Open", "压缩包中的 %s 已损坏，无法读取；请重新压缩后上传",
				"%s in the archive is damaged and cannot be read; zip it again and upload", name)
		}
		return &entry{name: name, f: f, rc: rc, limit: f.UncompressedSize64}, nil
	}
	if _, ok := a.dirs[name]; ok {
		entries, _ := a.ReadDir(name)
		return &dir{info: dirInfo(name), entries: entries}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// ReadDir lists a folder of the archive, sorted by name (fs.ReadDirFS).
func (a *Archive) ReadDir(name string) ([]fs.DirEntry, error) {
	children, ok := a.dirs[name]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	out := make([]fs.DirEntry, 0, len(children))
	for child, isDir := range children {
		full := path.Join(name, child)
		if isDir {
			out = append(out, fs.FileInfoToDirEntry(dirInfo(full)))
		} else {
			out = append(out, fs.FileInfoToDirEntry(fileInfo{name: child, f: a.files[full]}))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// Stat describes an entry without inflating it (fs.StatFS). The size is the
// declared one, which every read enforces as an upper bound.
func (a *Archive) Stat(name string) (fs.FileInfo, error) {
	if f, ok := a.files[name]; ok {
		return fileInfo{name: path.Base(name), f: f}, nil
	}
	if _, ok := a.dirs[name]; ok {
		return dirInfo(name), nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

// entry is an open data entry. It counts the bytes really inflated and
// fails as soon as they pass the declared size, so a header that declares
// 100 bytes in front of 50 MiB costs 100 bytes, not 50 MiB.
type entry struct {
	name  string
	f     *zip.File
	rc    io.ReadCloser
	n     uint64 // bytes handed out so far
	limit uint64 // declared uncompressed size
}

func (e *entry) Read(p []byte) (int, error) {
	if e.n >= e.limit {
		// Everything declared has been read: anything more is a lie.
		var probe [1]byte
		k, err := e.rc.Read(probe[:])
		if k > 0 || (err != nil && err != io.EOF) {
			return 0, e.lie()
		}
		return 0, io.EOF
	}
	if rest := e.limit - e.n; uint64(len(p)) > rest {
		p = p[:rest]
	}
	k, err := e.rc.Read(p)
	e.n += uint64(k)
	if err != nil && err != io.EOF {
		if errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) {
			return k, e.lie()
		}
		return k, invalid("archive.Read", "压缩包中的 %s 已损坏，无法解压；请重新压缩后上传",
			"%s in the archive is damaged and cannot be inflated; zip it again and upload", e.name)
	}
	if err == io.EOF && e.n < e.limit {
		return k, invalid("archive.Read", "压缩包中的 %s 比声明的短（%d / %d 字节），文件已损坏；请重新压缩后上传",
			"%s in the archive is shorter than declared (%d of %d bytes); it is damaged, zip it again", e.name, e.n, e.limit)
	}
	return k, err
}

func (e *entry) lie() error {
	return invalid("archive.Read", "压缩包中的 %s 实际内容与声明的大小（%d 字节）不符，疑似恶意构造；请重新导出后上传",
		"%s in the archive holds more or other data than its declared %d bytes, which looks crafted; export and zip it again", e.name, e.limit)
}

func (e *entry) Stat() (fs.FileInfo, error) { return fileInfo{name: path.Base(e.name), f: e.f}, nil }
func (e *entry) Close() error               { return e.rc.Close() }

// dir is an open folder of the archive.
type dir struct {
	info    fs.FileInfo
	entries []fs.DirEntry
	off     int
}

func (d *dir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: fs.ErrInvalid}
}
func (d *dir) Close() error { return nil }

// ReadDir implements fs.ReadDirFile.
func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.off += n
	return rest[:n], nil
}

// fileInfo describes a data entry by its declared header.
type fileInfo struct {
	name string
	f    *zip.File
}

func (i fileInfo) Name() string       { return i.name }
func (i fileInfo) Size() int64        { return int64(min(i.f.UncompressedSize64, 1<<62)) }
func (i fileInfo) Mode() fs.FileMode  { return 0o444 }
func (i fileInfo) ModTime() time.Time { return i.f.Modified }
func (i fileInfo) IsDir() bool        { return false }
func (i fileInfo) Sys() any           { return nil }

// dirInfo describes a folder of the archive.
type dirInfo string

func (d dirInfo) Name() string       { return path.Base(string(d)) }
func (d dirInfo) Size() int64        { return 0 }
func (d dirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o555 }
func (d dirInfo) ModTime() time.Time { return time.Time{} }
func (d dirInfo) IsDir() bool        { return true }
func (d dirInfo) Sys() any           { return nil }
