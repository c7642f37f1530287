//go:build !linux

package main

import "errors"

// setChildLimits is for Linux only; the tests that need it skip elsewhere.
func setChildLimits(spec string) error {
	if spec == "" {
		return nil
	}
	return errors.New("resource limits are set on Linux only")
}
