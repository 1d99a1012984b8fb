package output

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"dropsim/cmd/internal/input"
)

// ColumnKind is the type of a table column in Parquet.
type ColumnKind uint8

// The kinds of columns: a string column is a required BYTE_ARRAY of the
// String logical type; an int column an optional INT64 and a float column
// an optional DOUBLE, whose empty CSV cells are nulls.
const (
	KindString ColumnKind = iota
	KindInt
	KindFloat
)

func (k ColumnKind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindInt:
		return "int"
	case KindFloat:
		return "float"
	}
	return "ColumnKind(" + strconv.Itoa(int(k)) + ")"
}

// A row group of the Parquet file is written when it holds rowGroupRows
// rows or about rowGroupBytes bytes of cells, whichever comes first:
// parquet-go keeps the row group being written in memory (its pages
// encoded and compressed), so these bound the memory of a conversion
// whatever the length of the table. rowBatch rows are handed to the
// writer at a time.
const (
	rowGroupRows  = 64 << 10
	rowGroupBytes = 32 << 20
	rowBatch      = 256
)

// CSVToParquet writes dir/parquetName from the CSV table dir/csvName
// (header line first): column c has kind kinds(c). Empty cells of KindInt
// and KindFloat columns are nulls (the columns are optional); string
// columns are required, and an empty cell is the empty string. The
// columns are in the CSV's order (see orderedGroup).
//
// Rows stream through row groups of at most 64Ki rows or about 32 MiB of
// cells, so memory does not grow with the length of the table. The file
// is written under a temporary name and renamed into place when complete
// (as every file of the package), so a conversion that fails or is
// interrupted leaves no part of a file under parquetName.
//
// A cell that is not a number of its column's kind is a *TableError
// naming the file, the line, the column and the value.
func CSVToParquet(dir, csvName, parquetName string, kinds func(column string) ColumnKind) error {
	path := filepath.Join(dir, csvName)
	f, err := input.Open(path, "table")
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(input.Lines(f, path, input.MaxLine), 1<<16))
	r.ReuseRecord = true
	t := &table{path: path, csv: r}
	head, err := r.Read()
	switch {
	case err == io.EOF:
		return tableErrorf(path, "%s is empty: it should start with a header line", path)
	case err != nil:
		return t.readError(err, len(head))
	}
	header := append([]string(nil), head...) // head is reused by the reader
	t.header = header
	colKinds := make([]ColumnKind, len(header))
	for c, name := range header {
		colKinds[c] = kinds(name)
	}
	schema, err := tableSchema(path, strings.TrimSuffix(csvName, filepath.Ext(csvName)), header, colKinds)
	if err != nil {
		return err
	}

	a, err := create(dir, parquetName)
	if err != nil {
		return err
	}
	// Snappy, pure Go, is what pyarrow, R's arrow and pandas write by
	// default and every reader reads. (parquet-go's Zstd, also pure Go,
	// keeps an encoder with a 16 MiB history: measured, a conversion
	// peaked at 40 MB of heap with it and 5 MB with Snappy.)
	w := parquet.NewWriter(a.w, schema,
		parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(rowGroupRows))
	fail := func(err error) error {
		a.abort()
		return err
	}

	rows := make([]parquet.Row, rowBatch)
	for i := range rows {
		rows[i] = make(parquet.Row, len(header))
	}
	var (
		text      []byte // the string cells of the batch, which the writer copies
		n         int    // rows of the batch
		groupRows int
		groupSize int
	)
	flush := func() error {
		if n > 0 {
			if _, err := w.WriteRows(rows[:n]); err != nil {
				return err
			}
		}
		n, text = 0, text[:0]
		if groupRows >= rowGroupRows || groupSize >= rowGroupBytes {
			groupRows, groupSize = 0, 0
			return w.Flush()
		}
		return nil
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(t.readError(err, len(rec)))
		}
		// The string cells first, into text, then the values, slicing it.
		// When text grows into a new array, the rows before keep the old
		// one, which is not written again.
		start := len(text)
		for c, s := range rec {
			if colKinds[c] == KindString {
				text = append(text, s...)
			}
		}
		row, off := rows[n], start
		for c, s := range rec {
			var v parquet.Value
			switch colKinds[c] {
			case KindString:
				v = parquet.ByteArrayValue(text[off:off+len(s):off+len(s)]).Level(0, 0, c)
				off += len(s)
			case KindInt:
				if s == "" {
					v = parquet.NullValue().Level(0, 0, c)
					break
				}
				x, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					return fail(badCell(t, c, s, "a whole number", "integer", err))
				}
				v = parquet.Int64Value(x).Level(0, 1, c)
			case KindFloat:
				if s == "" {
					v = parquet.NullValue().Level(0, 0, c)
					break
				}
				x, err := strconv.ParseFloat(s, 64)
				if err != nil {
					return fail(badCell(t, c, s, "a number", "float", err))
				}
				v = parquet.DoubleValue(x).Level(0, 1, c)
			}
			row[c] = v
			groupSize += len(s) + 8
		}
		n++
		groupRows++
		if n == rowBatch || groupRows >= rowGroupRows || groupSize >= rowGroupBytes {
			if err := flush(); err != nil {
				return fail(fmt.Errorf("writing %s: %w", a.final, err))
			}
		}
	}
	if err := flush(); err != nil {
		return fail(fmt.Errorf("writing %s: %w", a.final, err))
	}
	if err := w.Close(); err != nil {
		return fail(fmt.Errorf("writing %s: %w", a.final, err))
	}
	return a.commit()
}

// badCell says that cell c (value s) of the current record of t is not
// what its column holds: what ("a number"), or a number beyond the range
// of a 64-bit bits (an "integer", a "float").
func badCell(t *table, c int, s, what, bits string, err error) error {
	line, _ := t.csv.FieldPos(c)
	is := "is not " + what
	if errors.Is(err, strconv.ErrRange) {
		is = "is beyond the range of a 64-bit " + bits
	}
	return tableErrorf(t.path, "%s line %d, column %d (%s): %s %s; the column holds %ss, or an empty cell for none",
		t.path, line, c+1, t.header[c], shown(s), is, bits)
}

// tableSchema is the Parquet schema of a table of the given header and
// kinds, its columns in the header's order.
func tableSchema(path, name string, header []string, kinds []ColumnKind) (*parquet.Schema, error) {
	if len(header) > parquet.MaxColumnIndex+1 {
		return nil, tableErrorf(path, "%s has %d columns, more than the %d a Parquet file of parquet-go holds", path, len(header), parquet.MaxColumnIndex+1)
	}
	seen := make(map[string]int, len(header))
	nodes := make([]parquet.Node, len(header))
	for c, col := range header {
		if col == "" || strings.ContainsRune(col, ',') {
			return nil, tableErrorf(path, "%s line 1, column %d: %q is not a column name (a name is not empty and has no comma)", path, c+1, col)
		}
		if first, ok := seen[col]; ok {
			return nil, tableErrorf(path, "%s line 1: columns %d and %d are both named %q; a Parquet file names each column once", path, first+1, c+1, col)
		}
		seen[col] = c
		switch kinds[c] {
		case KindString:
			nodes[c] = parquet.String()
		case KindInt:
			nodes[c] = parquet.Optional(parquet.Leaf(parquet.Int64Type))
		case KindFloat:
			nodes[c] = parquet.Optional(parquet.Leaf(parquet.DoubleType))
		default:
			return nil, fmt.Errorf("column %s of %s: %v is not a kind of column", col, path, kinds[c])
		}
	}
	return parquet.NewSchema(name, newOrderedGroup(header, nodes)), nil
}

// orderedGroup is a Parquet group whose fields are in a given order.
// parquet.Group, a map, lists its fields sorted by name, and a writer
// lays out the columns of a file in the order of Fields, so a table
// written through a parquet.Group would have its columns sorted by name
// rather than in the CSV's order. (parquet-go's own variant type uses the
// same device, an unexported orderedGroup.)
type orderedGroup struct {
	parquet.Group // the same fields, by name: the node's type, encoding, ...
	fields        []parquet.Field
}

func newOrderedGroup(names []string, nodes []parquet.Node) orderedGroup {
	g := orderedGroup{Group: make(parquet.Group, len(names)), fields: make([]parquet.Field, len(names))}
	for i, name := range names {
		g.Group[name] = nodes[i]
		// The field of a one-field group is parquet-go's own Field of
		// that name and node.
		g.fields[i] = parquet.Group{name: nodes[i]}.Fields()[0]
	}
	return g
}

// Fields returns the fields in their order.
func (g orderedGroup) Fields() []parquet.Field { return g.fields }

// String prints the group as parquet-go prints a schema, in order.
func (g orderedGroup) String() string {
	var b strings.Builder
	parquet.PrintSchema(&b, "", g)
	return b.String()
}

// GoType is a struct of the fields in their order, each tagged with its
// name as parquet-go's struct schemas are.
func (g orderedGroup) GoType() reflect.Type {
	fields := make([]reflect.StructField, len(g.fields))
	for i, f := range g.fields {
		fields[i] = reflect.StructField{
			Name: "C" + strconv.Itoa(i),
			Type: f.GoType(),
			Tag:  reflect.StructTag("parquet:" + strconv.Quote(f.Name())),
		}
	}
	return reflect.StructOf(fields)
}

// ReadParquetRows reads a Parquet file written by CSVToParquet back to its
// header and rows of text, formatting numbers as the CSV writers do
// (strconv.FormatFloat(v, 'g', -1, 64) for floats, decimal for integers,
// "" for null), so that a Parquet file can be compared with its CSV twin
// cell by cell. It holds the whole table in memory: it is for tests and
// checks of small tables.
func ReadParquetRows(path string) (header []string, rows [][]string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	fields := pf.Schema().Fields()
	kinds := make([]ColumnKind, len(fields))
	for c, field := range fields {
		header = append(header, field.Name())
		k, ok := kindOf(field)
		if !ok {
			return nil, nil, fmt.Errorf("%s: column %s is %v, not a column CSVToParquet writes", path, field.Name(), field)
		}
		kinds[c] = k
	}
	buf := make([]parquet.Row, rowBatch)
	for _, rg := range pf.RowGroups() {
		rs := rg.Rows()
		for {
			n, err := rs.ReadRows(buf)
			for _, row := range buf[:n] {
				if len(row) != len(fields) {
					rs.Close()
					return nil, nil, fmt.Errorf("%s: a row of %d values, but the file has %d columns", path, len(row), len(fields))
				}
				rec := make([]string, len(fields))
				for _, v := range row {
					c := v.Column()
					switch {
					case v.IsNull():
						rec[c] = ""
					case kinds[c] == KindInt:
						rec[c] = strconv.FormatInt(v.Int64(), 10)
					case kinds[c] == KindFloat:
						rec[c] = strconv.FormatFloat(v.Double(), 'g', -1, 64)
					default:
						rec[c] = string(v.ByteArray())
					}
				}
				rows = append(rows, rec)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				rs.Close()
				return nil, nil, fmt.Errorf("reading %s: %w", path, err)
			}
		}
		if err := rs.Close(); err != nil {
			return nil, nil, fmt.Errorf("reading %s: %w", path, err)
		}
	}
	return header, rows, nil
}

// kindOf is the kind of a column as CSVToParquet writes it: a flat leaf,
// not repeated, of INT64, DOUBLE or a BYTE_ARRAY string.
func kindOf(field parquet.Field) (ColumnKind, bool) {
	if !field.Leaf() || field.Repeated() {
		return 0, false
	}
	typ := field.Type()
	switch typ.Kind() {
	case parquet.Int64:
		// parquet-go annotates an INT64 leaf as INT(64, signed).
		lt := typ.LogicalType()
		if lt == nil || lt.Value == nil {
			return KindInt, true
		}
		it, ok := lt.Value.(*format.IntType)
		return KindInt, ok && it.BitWidth == 64 && it.IsSigned
	case parquet.Double:
		return KindFloat, true
	case parquet.ByteArray:
		lt := typ.LogicalType()
		if lt == nil {
			return 0, false
		}
		_, ok := lt.Value.(*format.StringType)
		return KindString, ok
	}
	return 0, false
}
