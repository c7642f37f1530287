package sources

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
)

// csvReader reads CSV records exactly as encoding/csv's Reader does with
// the settings csvRows used it with (Comma ',', no comments, LazyQuotes and
// TrimLeadingSpace off, FieldsPerRecord -1): the same records, the same
// *csv.ParseError (StartLine, Line, Column and Err) at the same record,
// the same I/O error. FuzzCSVReader compares the two on arbitrary input.
//
// It is faster on a table of a million rows because it reads records
// ahead in batches of some 64 KB and makes one string of each batch, which
// its records' fields are cut from, instead of one string a record; and it
// keeps no field positions but the record's first line.
type csvReader struct {
	r         *bufio.Reader
	numLine   int
	rawBuffer []byte

	buf  []byte   // the batch's records' fields, back to back
	ends []int    // where each field of the batch ends in buf
	recs []csvRec // the batch's records
	str  string   // buf as a string, once the batch is read
	next int      // the next record of the batch to return
	err  error    // what ends the batch: io.EOF or the error of the record after it

	record []string
}

// csvRec is one record of a batch.
type csvRec struct {
	fields   int // index in ends of its first field
	line     int // the line it starts on
	newlines int // line feeds inside its (quoted) fields
}

// csvBatch is about how many bytes of records a batch holds, and
// csvBatchRecs how many records at most.
const (
	csvBatch     = 64 << 10
	csvBatchRecs = 1024
)

func newCSVReader(r io.Reader) *csvReader {
	return &csvReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// Read returns the next record, the line it starts on and the line feeds
// inside its fields; the record is valid until the next call. At the end
// it returns io.EOF, and on a bad record that record's error.
func (c *csvReader) Read() (record []string, line, newlines int, err error) {
	if c.next == len(c.recs) {
		if c.err != nil {
			return nil, 0, 0, c.err
		}
		c.fill()
		if c.next == len(c.recs) {
			return nil, 0, 0, c.err
		}
	}
	rec := c.recs[c.next]
	c.next++
	end := len(c.ends)
	if c.next < len(c.recs) {
		end = c.recs[c.next].fields
	}
	c.record = c.record[:0]
	pre := 0
	if rec.fields > 0 {
		pre = c.ends[rec.fields-1]
	}
	for _, e := range c.ends[rec.fields:end] {
		c.record = append(c.record, c.str[pre:e])
		pre = e
	}
	return c.record, rec.line, rec.newlines, nil
}

// fill reads the next batch of records.
func (c *csvReader) fill() {
	c.buf, c.ends, c.recs, c.next = c.buf[:0], c.ends[:0], c.recs[:0], 0
	for len(c.buf) < csvBatch && len(c.recs) < csvBatchRecs {
		start, fields := len(c.buf), len(c.ends)
		line, err := c.readRecord()
		if err != nil {
			// The record is not returned: encoding/csv returns a record
			// with an error, which csvRows drops.
			c.buf, c.ends = c.buf[:start], c.ends[:fields]
			c.err = err
			break
		}
		c.recs = append(c.recs, csvRec{fields: fields, line: line, newlines: bytes.Count(c.buf[start:], []byte{'\n'})})
	}
	c.str = string(c.buf)
}

// readLine is encoding/csv's readLine.
func (c *csvReader) readLine() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		c.rawBuffer = append(c.rawBuffer[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = c.r.ReadSlice('\n')
			c.rawBuffer = append(c.rawBuffer, line...)
		}
		line = c.rawBuffer
	}
	readSize := len(line)
	if readSize > 0 && err == io.EOF {
		err = nil
		// Like encoding/csv, drop a trailing \r before EOF.
		if line[readSize-1] == '\r' {
			line = line[:readSize-1]
		}
	}
	c.numLine++
	// Normalize \r\n to \n on all input lines.
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// readRecord is encoding/csv's readRecord for the settings above: it
// appends the record's fields to buf and their ends to ends, and returns
// the line the record starts on. The comma and the quote are single bytes,
// which no byte of a multi-byte UTF-8 sequence equals, so a byte compare
// is what encoding/csv's rune compare amounts to.
func (c *csvReader) readRecord() (int, error) {
	// Read a line, skipping empty lines.
	var line []byte
	var errRead error
	for errRead == nil {
		line, errRead = c.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			line = nil
			continue
		}
		break
	}
	if errRead == io.EOF {
		return 0, errRead
	}
	var err error
	recLine := c.numLine
	posLine, posCol := c.numLine, 1
parseField:
	for {
		if len(line) == 0 || line[0] != '"' {
			// An unquoted field.
			i := bytes.IndexByte(line, ',')
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			if j := bytes.IndexByte(field, '"'); j >= 0 {
				err = &csv.ParseError{StartLine: recLine, Line: c.numLine, Column: posCol + j, Err: csv.ErrBareQuote}
				break parseField
			}
			c.buf = append(c.buf, field...)
			c.ends = append(c.ends, len(c.buf))
			if i >= 0 {
				line = line[i+1:]
				posCol += i + 1
				continue parseField
			}
			break parseField
		}
		// A quoted field.
		line = line[1:]
		posCol++
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				c.buf = append(c.buf, line[:i]...)
				line = line[i+1:]
				posCol += i + 1
				switch {
				case len(line) > 0 && line[0] == '"': // a doubled quote
					c.buf = append(c.buf, '"')
					line = line[1:]
					posCol++
				case len(line) > 0 && line[0] == ',': // the end of the field
					line = line[1:]
					posCol++
					c.ends = append(c.ends, len(c.buf))
					continue parseField
				case lengthNL(line) == len(line): // the end of the line
					c.ends = append(c.ends, len(c.buf))
					break parseField
				default: // a quote inside a quoted field
					err = &csv.ParseError{StartLine: recLine, Line: c.numLine, Column: posCol - 1, Err: csv.ErrQuote}
					break parseField
				}
			case len(line) > 0:
				// The end of the line inside quotes: the field goes on.
				c.buf = append(c.buf, line...)
				if errRead != nil {
					break parseField
				}
				posCol += len(line)
				line, errRead = c.readLine()
				if len(line) > 0 {
					posLine++
					posCol = 1
				}
				if errRead == io.EOF {
					errRead = nil
				}
			default:
				// The end of the file (or an error) inside quotes.
				if errRead == nil {
					err = &csv.ParseError{StartLine: recLine, Line: posLine, Column: posCol, Err: csv.ErrQuote}
					break parseField
				}
				c.ends = append(c.ends, len(c.buf))
				break parseField
			}
		}
	}
	if err == nil {
		err = errRead
	}
	return recLine, err
}
