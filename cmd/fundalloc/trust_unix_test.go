//go:build unix

package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAConfigFIFOIsNeverOpened: a FIFO as the configuration is refused
// without being opened for reading, so nothing can hold the command up
// (an open for reading waits for a writer; a writer that opens it without
// waiting succeeds only while a reader has it open).
func TestAConfigFIFOIsNeverOpened(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fundalloc.yaml")
	mkfifo(t, fifo)
	done := make(chan result, 1)
	go func() { done <- fundalloc(t, dir, nil, "budget", "--lang", "en") }() // ./fundalloc.yaml is found
	for {
		select {
		case r := <-done:
			if r.code != 2 || !strings.Contains(r.stderr, "the configuration is a named pipe (FIFO)") {
				t.Errorf("exit %d: %s", r.code, r.stderr)
			}
			return
		default:
		}
		if fd, err := syscall.Open(fifo, syscall.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			syscall.Close(fd) // the reader sees the end of the file and is let go
			t.Fatal("fundalloc opened the FIFO for reading")
		}
		time.Sleep(time.Millisecond)
	}
}
