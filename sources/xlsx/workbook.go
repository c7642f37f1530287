package xlsx

import (
	"archive/zip"
	"net/url"
	"path"
	"strings"
)

// The workbook part and its relationships: the sheet list, the date system,
// and where each sheet's part lies in the zip.

type sheetEntry struct {
	name, rid string
	hidden    bool // state="hidden" or "veryHidden"
}

// readWorkbook reads the sheet list and the date system from workbook.xml.
func (f *File) readWorkbook(part *zip.File) error {
	return f.p.readPart(part, func(s *xmlScanner) error {
		if err := s.root("workbook"); err != nil {
			return err
		}
		return s.walk(func(level int) error {
			switch {
			case level == 2 && s.is("workbookPr"):
				if v, ok, err := s.attr("date1904"); err != nil {
					return err
				} else if ok {
					f.date1904 = string(v) == "1" || string(v) == "true"
				}
			case level == 3 && s.is("sheet"):
				var e sheetEntry
				err := s.attrs(func(local, val []byte) {
					switch string(local) {
					case "name":
						e.name = string(val)
					case "id":
						e.rid = string(val)
					case "state":
						e.hidden = string(val) == "hidden" || string(val) == "veryHidden"
					}
				})
				if err != nil {
					return err
				}
				f.sheets = append(f.sheets, e)
				f.names = append(f.names, e.name)
			}
			return nil
		})
	})
}

type relationship struct{ target, typ string }

// readRels reads a relationships part, resolving each internal target to a
// zip entry name; dir is the directory of the part the rels belong to. A
// missing rels part reads as none.
func (p *pkg) readRels(name, dir string) (map[string]relationship, error) {
	rels := make(map[string]relationship)
	f := p.lookup(name)
	if f == nil {
		return rels, nil
	}
	err := p.readPart(f, func(s *xmlScanner) error {
		if err := s.root("Relationships"); err != nil {
			return err
		}
		return s.walk(func(level int) error {
			if level != 2 || !s.is("Relationship") {
				return nil
			}
			var id, target, typ, mode string
			err := s.attrs(func(local, val []byte) {
				switch string(local) {
				case "Id":
					id = string(val)
				case "Target":
					target = string(val)
				case "Type":
					typ = string(val)
				case "TargetMode":
					mode = string(val)
				}
			})
			if err != nil || mode == "External" {
				return err
			}
			rels[id] = relationship{target: p.resolve(dir, target), typ: typ}
			return nil
		})
	})
	return rels, err
}

// resolve turns a relationship target into a zip entry name: absolute
// targets start at the package root, relative ones at dir.
func (p *pkg) resolve(dir, target string) string {
	t := strings.ReplaceAll(target, `\`, "/")
	if strings.HasPrefix(t, "/") {
		t = path.Clean(t)[1:]
	} else {
		t = path.Join(dir, t)
	}
	if p.lookup(t) == nil {
		if u, err := url.PathUnescape(t); err == nil && p.lookup(u) != nil {
			return u
		}
	}
	return t
}
