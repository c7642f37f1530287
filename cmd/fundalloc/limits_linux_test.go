package main

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
)

// setChildLimits sets the resource limits spec names, e.g. "nofile=128",
// on this process (a child the test started).
func setChildLimits(spec string) error {
	if spec == "" {
		return nil
	}
	for _, item := range strings.Split(spec, ",") {
		name, val, _ := strings.Cut(item, "=")
		n, err := strconv.ParseUint(val, 10, 64)
		if err != nil {
			return fmt.Errorf("%s: %v", item, err)
		}
		var res int
		switch name {
		case "nofile":
			res = syscall.RLIMIT_NOFILE
		default:
			return fmt.Errorf("%s: no such limit", item)
		}
		if err := syscall.Setrlimit(res, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
			return fmt.Errorf("%s: %v", item, err)
		}
	}
	return nil
}
