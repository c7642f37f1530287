package sources

import (
	"fmt"
	"fundalloc/sources/xlsx"
	"strings"
	"testing"
)

// csvFuzzLimits keep one fuzz input cheap while still reaching every limit.
var csvFuzzLimits = Limits{Limits: xlsx.Limits{MaxCellsPerRow: 64, MaxFieldBytes: 256, MaxRows: 500, UnzipSize: 1 << 20, UnzipXMLSize: 1 << 20}}

// csvFuzzKinds are the readers FuzzReadCSV feeds, by the file name they
// read the bytes as.
var csvFuzzKinds = []string{"units.csv", "funds.csv", "ledger.csv"}

// readAs reads data as the file name through its reader and renders the
// result, problems included, as text: equal text is an equal result.
func readAs(t *testing.T, name string, data []byte) (string, []*Error) {
	t.Helper()
	b := fsWith(map[string]string{name: string(data)})
	srcs := []Source{src(t, b, name)}
	var p Problems
	var out strings.Builder
	switch name {
	case "units.csv":
		ut := ReadUnits(srcs[0], Options{Limits: csvFuzzLimits, Drivers: []string{"population"}}, &p)
		if ut != nil {
			fmt.Fprintf(&out, "%+v\n", *ut)
		}
	case "funds.csv":
		ft := ReadFunds(srcs, Options{Limits: csvFuzzLimits}, testCats, &p)
		fmt.Fprintf(&out, "%v %v %+v\n", ft.Files, ft.Sheets, ft.Lines)
	default:
		knownCodes := []string{"S1", "R1"}
		l := ReadLedgers(srcs, Options{Limits: csvFuzzLimits}, testCats, NewUnits(knownCodes, nil), 2026, &p)
		fmt.Fprintf(&out, "%v %v %+v %+v\n", l.Files, l.Sheets, l.Entries, l.Exceptions)
		if p.Len() == 0 {
			// The listing reads the file a second time: it must see what
			// the first reading saw.
			n := 0
			err := l.List(func(e *Entry, v *Listed) error {
				fmt.Fprintf(&out, "%+v %+v\n", *e, *v)
				n++
				return nil
			})
			if err != nil {
				t.Fatalf("%s: List: %v", name, err)
			}
			if n != len(l.Entries) {
				t.Fatalf("%s: List gave %d entries of %d", name, n, len(l.Entries))
			}
		}
		for _, e := range l.Exceptions {
			if e.File != name || e.Row < 2 || e.Kind.Name() == "" {
				t.Fatalf("%s: exception not located: %+v", name, e)
			}
		}
	}
	for _, e := range p.List() {
		fmt.Fprintln(&out, e.Error())
	}
	return out.String(), p.List()
}

// FuzzReadCSV feeds arbitrary bytes to the units, fund-line and ledger
// readers as a .csv file (bytes that look like a zip go to the xlsx reader,
// as they would in a run): no panic, every problem names the file and is
// located as far as it can be, and the same bytes read the same twice.
func FuzzReadCSV(f *testing.F) {
	// The sample city's files, each as every kind of file, so the fuzzer
	// starts from real headers, Chinese and English, BOM and GBK.
	for _, data := range sampleCSVFiles(f) {
		// Keep the header and a few rows: enough for the column rules, and
		// small, so the fuzzer's minimizing of what it finds stays quick.
		lines := strings.SplitAfterN(string(data), "\n", 5)
		head := strings.Join(lines[:min(len(lines), 4)], "")
		for k := range csvFuzzKinds {
			f.Add([]byte(head), uint8(k))
		}
	}
	for _, s := range []string{
		goodUnits,
		"id,category,provider,amount\nF1,charity,P,\"1,000.00\"\nF1,charity,P,12.345\n",
		"voucher,date,unit,category,amount\nV1,2026-01-05,S1,charity,5\nV1,2026-13-01,S9,x,1e5\n",
		"code,name\n\"unterminated\n",
		"\xef\xbb\xbfcode,name,tier\r\nH,\xb9\xfa,hub\r\n",
		"a,b\n" + strings.Repeat("x,", 70) + "\n",
	} {
		for k := range csvFuzzKinds {
			f.Add([]byte(s), uint8(k))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		name := csvFuzzKinds[int(kind)%len(csvFuzzKinds)]
		got, errs := readAs(t, name, data)
		for _, e := range errs {
			if e.File != name {
				t.Fatalf("problem without the file name: %q", e.Error())
			}
			if e.Err == nil || e.Row < 0 || e.Column < 0 || e.Column > xlsx.MaxColumns {
				t.Fatalf("problem badly located: %+v", e)
			}
			if !strings.HasPrefix(e.Error(), name+":") {
				t.Fatalf("message does not start with the file: %q", e.Error())
			}
		}
		again, _ := readAs(t, name, data)
		if got != again {
			t.Fatalf("two readings differ:\n%s\n---\n%s", got, again)
		}
	})
}
