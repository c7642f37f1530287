package msg

import (
	"errors"
	"io/fs"
)

// Why a file could not be opened, for the common reasons.
var (
	FileNotExist   = Def("file.not_exist", "文件不存在", "no such file")
	FilePermission = Def("file.permission", "没有访问权限", "permission denied")
	// PathError puts a path (or a flag) before what went wrong with it.
	PathError = Neutral("file.path_error", "%s: %v")
)

// OSReason returns why a file operation failed: a message of the catalogue
// for the common reasons (no such file, no permission), else the operating
// system's own text without the path that the caller names already. Pass it
// as a message argument.
func OSReason(err error) any {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return FileNotExist
	case errors.Is(err, fs.ErrPermission):
		return FilePermission
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
