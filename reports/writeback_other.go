//go:build !linux

package reports

import (
	"errors"
	"os"
)

// startWriteback does nothing where sync_file_range does not exist; the
// final sync writes everything.
func startWriteback(*os.File, int64, int64) {}

// setDirect fails where direct writes are not known: everything goes
// through the page cache.
func setDirect(_ *os.File, on bool) error {
	if on {
		return errors.ErrUnsupported
	}
	return nil
}
