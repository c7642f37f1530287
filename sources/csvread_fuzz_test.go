package sources

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// readBoth reads data to its end, or its first error, with encoding/csv
// (as csvRows used it) and with csvReader, and fails at the first record
// or error where they differ. small reads the input a byte at a time.
func readBoth(t *testing.T, data []byte, small bool) {
	t.Helper()
	var in1, in2 io.Reader = bytes.NewReader(data), bytes.NewReader(data)
	if small {
		in1, in2 = iotest.OneByteReader(in1), iotest.OneByteReader(in2)
	}
	std := csv.NewReader(in1)
	std.FieldsPerRecord = -1
	std.ReuseRecord = true
	fast := newCSVReader(in2)
	for n := 1; ; n++ {
		want, wantErr := std.Read()
		got, line, newlines, gotErr := fast.Read()
		if wantErr != nil || gotErr != nil {
			var pw, pg *csv.ParseError
			switch {
			case errors.As(wantErr, &pw) && errors.As(gotErr, &pg):
				if *pw != *pg {
					t.Fatalf("record %d: error %#v, encoding/csv %#v", n, *pg, *pw)
				}
			case !errors.Is(gotErr, wantErr) || wantErr == nil:
				t.Fatalf("record %d: error %v, encoding/csv %v", n, gotErr, wantErr)
			}
			return
		}
		if !slices.Equal(got, want) {
			t.Fatalf("record %d: %q, encoding/csv %q", n, got, want)
		}
		if wantLine, _ := std.FieldPos(0); line != wantLine {
			t.Fatalf("record %d: starts on line %d, encoding/csv %d", n, line, wantLine)
		}
		nl := 0
		for _, f := range want {
			nl += strings.Count(f, "\n")
		}
		if newlines != nl {
			t.Fatalf("record %d: %d line feeds, encoding/csv %d", n, newlines, nl)
		}
	}
}

// FuzzCSVReader compares csvReader with encoding/csv on arbitrary input:
// the same records, lines, line feeds and errors, record by record.
func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{
		"a,b,c\n1,2,3\n",
		"a,\"b\nc\",d\r\n\r\n\n\"x\"\"y\",z",
		"a,b\"c\n",
		"\"a\"b,c\n",
		"\"abc",
		"a,b\r",
		"\"a\r\nb\"\r\n,\n",
		"\xef\xbb\xbfcode,名称\nS1,\"社工站\"\n",
		"\"\",\"\"\"\"\n\n\n,,,\n",
	} {
		f.Add([]byte(s))
	}
	for _, data := range sampleCSVFiles(f) {
		lines := strings.SplitAfterN(string(data), "\n", 5)
		f.Add([]byte(strings.Join(lines[:min(len(lines), 4)], "")))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		readBoth(t, data, false)
		readBoth(t, data, true)
	})
}

// TestCSVReaderBatches crosses csvReader's batch bounds (by bytes and by
// records) with quoted line breaks, long lines and an error after them.
func TestCSVReaderBatches(t *testing.T) {
	var b strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&b, "%d,\"x\ny\",%s\r\n", i, strings.Repeat("z", i%97))
		if i%500 == 0 {
			fmt.Fprintf(&b, "%s\n\n", strings.Repeat("long", 30000))
		}
	}
	data := b.String()
	readBoth(t, []byte(data), false)
	readBoth(t, []byte(data+"a,b\"c\n"), false)
	readBoth(t, []byte(data+"\"open"), false)
}
