package reports

import (
	"archive/zip"
	"bytes"
	"cmp"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"

	"github.com/xuri/excelize/v2"
)

// saveDeterministic writes f to w so that the same workbook always gives
// the same bytes. excelize writes the zip's parts, and the image content
// types of [Content_Types].xml, in map order; this puts both in a fixed order
// ([Content_Types].xml first, then by name) and copies every other part as
// it is, without recompressing it.
func saveDeterministic(f *excelize.File, w io.Writer) error {
	tmp, err := os.CreateTemp("", TempPrefix+"book-*.xlsx")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := f.WriteTo(tmp); err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(tmp, size)
	if err != nil {
		return err
	}
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int {
		return cmp.Or(cmp.Compare(rank(a.Name), rank(b.Name)), cmp.Compare(a.Name, b.Name))
	})
	zw := zip.NewWriter(w)
	for _, zf := range files {
		if zf.Name != "[Content_Types].xml" {
			if err := zw.Copy(zf); err != nil {
				return err
			}
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		out, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		if _, err := out.Write(sortDefaults(data)); err != nil {
			return err
		}
	}
	return zw.Close()
}

func rank(name string) int {
	if name == "[Content_Types].xml" {
		return 0
	}
	return 1
}

var defaultElem = regexp.MustCompile(`<Default [^>]*></Default>|<Default [^>]*/>`)

// sortDefaults sorts the <Default> elements of a content-types part.
func sortDefaults(data []byte) []byte {
	locs := defaultElem.FindAllIndex(data, -1)
	if len(locs) < 2 {
		return data
	}
	elems := make([][]byte, len(locs))
	for i, l := range locs {
		elems[i] = data[l[0]:l[1]]
	}
	sort.Slice(elems, func(i, j int) bool { return bytes.Compare(elems[i], elems[j]) < 0 })
	// The Defaults stand together at the start of the part.
	start, end := locs[0][0], locs[len(locs)-1][1]
	var b bytes.Buffer
	b.Write(data[:start])
	b.Write(bytes.Join(elems, nil))
	b.Write(data[end:])
	return b.Bytes()
}
