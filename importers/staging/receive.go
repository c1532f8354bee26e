package staging

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"onemap/importers/pipeline"
	"onemap/layers"
)

// idLength is how many hex digits of the SHA-256 name an upload: 64 bits,
// short enough for a URL, far from any collision among a district's uploads.
const idLength = 16

// Receiver takes the files of one upload and streams them to disk in a
// folder of its own (".incoming-…"), hashing as they arrive. Nothing is
// held in memory but a copy buffer. Commit names the folder by the hash;
// Abort, or any error, removes it.
type Receiver struct {
	s     *Service
	dir   string
	lock  *folderLock
	files []File
	total int64
	done  bool
}

// Receive starts an upload.
func (s *Service) Receive() (*Receiver, error) {
	const op = "staging.Receive"
	dir, err := os.MkdirTemp(s.dir, ".incoming-")
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, op, "cannot create a folder for the upload")
	}
	l, _, err := lockFolder(dir)
	if err != nil || l == nil {
		os.RemoveAll(dir)
		return nil, layers.Wrap(err, layers.Internal, op, "cannot lock the upload folder")
	}
	if err := os.Mkdir(filepath.Join(dir, originalDir), 0o755); err != nil {
		l.release()
		os.RemoveAll(dir)
		return nil, layers.Wrap(err, layers.Internal, op, "cannot create a folder for the upload")
	}
	return &Receiver{s: s, dir: dir, lock: l}, nil
}

// AddFile streams one file of the upload to disk. name is the client's
// file name; only its last element is used, and it must be a plain name.
// The upload's total size is capped at Options.MaxUploadBytes.
func (r *Receiver) AddFile(name string, src io.Reader) error {
	const op = "staging.AddFile"
	base, err := fileName(name)
	if err != nil {
		return err
	}
	for _, f := range r.files {
		if strings.EqualFold(f.Name, base) {
			return invalid(op, "上传中有两个同名文件 %s", "the upload holds two files named %s", base)
		}
	}
	out, err := os.OpenFile(filepath.Join(r.dir, originalDir, base), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return layers.Wrap(err, layers.Internal, op, "cannot store the uploaded file")
	}
	h := sha256.New()
	limit := r.s.opts.MaxUploadBytes - r.total
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(src, limit+1))
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	r.total += n
	if err != nil {
		var le *layers.Error
		if errors.As(err, &le) {
			return err
		}
		return layers.Wrap(err, layers.Invalid, op, bilingual("上传中断，文件未收全；请重新上传", "the upload was interrupted before the file arrived whole; upload it again"))
	}
	if n > limit {
		return invalid(op, "上传超过 %s 的上限；请拆分数据后分批上传", "the upload exceeds the limit of %s; split the data and upload it in parts", human(r.s.opts.MaxUploadBytes))
	}
	r.files = append(r.files, File{Name: base, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
	return nil
}

// fileName keeps the last element of a client's file name and refuses
// names that are not plain file names.
func fileName(name string) (string, error) {
	base := name
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	base = strings.TrimSpace(base)
	bad := base == "" || base == "." || base == ".." || base == lockName || len(base) > 255 || !utf8.ValidString(base) || strings.HasPrefix(base, ".")
	for _, c := range base {
		if c < 0x20 || c == 0x7f {
			bad = true
		}
	}
	if bad {
		return "", invalid("staging.AddFile", "文件名 %q 无效", "the file name %q is not valid", name)
	}
	return base, nil
}

// Abort discards the upload.
func (r *Receiver) Abort() {
	if r.done {
		return
	}
	r.done = true
	r.lock.release()
	os.RemoveAll(r.dir)
}

// Commit finishes the upload: it names it by its hash and starts the
// pipeline with opts in the background. When the same file was uploaded
// before, the folder is discarded and the earlier upload is returned with
// Duplicate set (its options are not changed; use Rerun for that).
func (r *Receiver) Commit(ctx context.Context, opts pipeline.Options) (Upload, error) {
	return r.commit(ctx, opts, false)
}

func (r *Receiver) commit(ctx context.Context, opts pipeline.Options, publish bool) (Upload, error) {
	const op = "staging.Commit"
	if r.done {
		return Upload{}, layers.Errorf(layers.Internal, op, "the upload was already committed or aborted")
	}
	if len(r.files) == 0 {
		r.Abort()
		return Upload{}, invalid(op, "没有收到文件；请选择要上传的文件", "no file was received; choose a file to upload")
	}
	if _, err := pipeline.ResolveTarget(ctx, opts, r.s.store.Layer); err != nil {
		r.Abort()
		return Upload{}, err
	}
	sum := uploadHash(r.files)
	id := sum[:idLength]
	s := r.s
	s.mu.Lock()
	if prev, ok := s.uploads[id]; ok {
		s.mu.Unlock()
		r.Abort()
		rec := prev.snapshot()
		rec.Duplicate = true
		return rec, nil
	}
	final := filepath.Join(s.dir, id)
	if err := os.Rename(r.dir, final); err != nil {
		s.mu.Unlock()
		r.Abort()
		return Upload{}, layers.Wrap(err, layers.Internal, op, "cannot store the upload")
	}
	r.done = true
	now := time.Now().UTC()
	u := &upload{dir: final, done: make(chan struct{}), rec: Upload{
		ID: id, SHA256: sum, Name: mainName(r.files), Files: r.files, Bytes: r.total,
		State: Processing, Options: opts, Layer: layerName(opts), CreatedAt: now, UpdatedAt: now,
	}}
	s.uploads[id] = u
	s.mu.Unlock()
	s.start(u, opts, r.lock, true, publish) // a first run always starts
	return u.snapshot(), nil
}

// uploadHash is the SHA-256 of the one file, or of the sorted list of
// "hash  name" lines of several (loose shapefile parts).
func uploadHash(files []File) string {
	if len(files) == 1 {
		return files[0].SHA256
	}
	lines := make([]string, len(files))
	for i, f := range files {
		lines[i] = f.SHA256 + "  " + strings.ToLower(f.Name) + "\n"
	}
	sort.Strings(lines)
	h := sha256.Sum256([]byte(strings.Join(lines, "")))
	return hex.EncodeToString(h[:])
}

// mainName names an upload by its zip, its .shp, or its first file.
func mainName(files []File) string {
	for _, ext := range []string{".zip", ".shp", ".gpkg", ".geojson", ".json", ".csv"} {
		for _, f := range files {
			if strings.EqualFold(filepath.Ext(f.Name), ext) {
				return f.Name
			}
		}
	}
	return files[0].Name
}

func layerName(o pipeline.Options) string {
	if o.NewLayer != "" {
		return o.NewLayer
	}
	return o.Layer
}

// human prints a byte count.
func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// invalid and bilingual word errors as the importers do: Chinese first,
// English in brackets.
func invalid(op, zh, en string, args ...any) *layers.Error {
	return &layers.Error{Kind: layers.Invalid, Op: op, Msg: bilingual(fmt.Sprintf(zh, args...), fmt.Sprintf(en, args...))}
}

func bilingual(zh, en string) string { return zh + " (" + en + ")" }
