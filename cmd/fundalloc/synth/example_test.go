package synth_test

import (
	"context"
	"fmt"
	"io"

	"fundalloc/cmd/fundalloc/synth"
)

func ExampleGenerate() {
	p, _ := synth.Preset("shenmu")
	p.Stations, p.FundLines, p.Vouchers = 3, 12, 100
	sink := synth.SinkFunc(func(name string, write func(w io.Writer) error) error {
		return write(io.Discard) // a real sink writes a file
	})
	s, err := synth.Generate(context.Background(), p, sink)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Units, "units,", s.FundLines, "fund lines in", s.FundFiles, "files,", s.Vouchers, "vouchers")
	fmt.Println(s.Files[:4])
	// Output:
	// 49 units, 12 fund lines in 2 files, 100 vouchers
	// [fundalloc.yaml data/units.csv data/funds/funds-01.csv data/funds/funds-02.csv]
}
