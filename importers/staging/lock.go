package staging

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

// lockName is the lock file of a folder being written. The lock is an
// flock(2): the kernel drops it when the process dies, so a folder whose
// lock can be taken belongs to no running process.
const lockName = ".lock"

// folderLock is a held lock on a staging folder.
type folderLock struct{ f *os.File }

// lockFolder takes the folder's lock without waiting; busy is true when
// another open file (another process, or this one) holds it.
func lockFolder(dir string) (l *folderLock, busy bool, err error) {
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, false, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, true, nil
		}
		return nil, false, err
	}
	return &folderLock{f: f}, false, nil
}

// release drops the lock.
func (l *folderLock) release() {
	if l != nil && l.f != nil {
		syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
		l.f.Close()
		l.f = nil
	}
}
