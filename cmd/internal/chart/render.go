package chart

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"regexp"

	"codeberg.org/go-pdf/fpdf"
	"git.sr.ht/~sbinet/gg"
	xdraw "golang.org/x/image/draw"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// pngDPI is the resolution of the PNGs: a 16 cm figure is 1512 pixels wide.
const pngDPI = 240

func init() {
	// gofpdf writes the objects of a PDF's fonts and images in map order
	// unless told to sort them; sorted, the same figure gives the same
	// bytes. The setting only orders a PDF's catalogue.
	fpdf.SetDefaultCatalogSort(true)
}

// render draws the figure in one format and returns its bytes.
func (s *figSpec) render(format string) (out []byte, err error) {
	defer func() {
		// gonum/plot panics on some impossible inputs; a figure that
		// cannot be drawn is an error, not a crash of the run.
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("chart: drawing %s as %s: %v", s.name, format, p)
		}
	}()
	var buf bytes.Buffer
	switch format {
	case "png":
		img := image.NewRGBA(image.Rect(0, 0, pixels(s.w), pixels(s.h)))
		ctx := gg.NewContextForRGBA(img)
		ctx.SetLineCapButt()
		ctx.InvertY()
		// Maps are images of cells: scale them up without blurring.
		ctx.SetInterpolator(xdraw.NearestNeighbor)
		c := vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(pngDPI))
		s.draw(draw.New(c))
		return encodePNG(img), nil
	case "svg":
		c := vgsvg.New(s.w, s.h)
		s.draw(draw.New(c))
		if _, err := c.WriteTo(&buf); err != nil {
			return nil, err
		}
		return svgFonts(buf.Bytes()), nil
	case "pdf":
		c := vgpdf.New(s.w, s.h) // fonts embedded, as journals ask
		s.draw(draw.New(c))
		if _, err := c.WriteTo(&buf); err != nil {
			return nil, err
		}
		return pdfNoDates(buf.Bytes()), nil
	}
	return nil, fmt.Errorf("chart: unknown figure format %q", format)
}

// pixels is a length in PNG pixels, rounded as vgimg rounds its canvas.
func pixels(l vg.Length) int { return int(l.Dots(pngDPI) + 0.5) }

var svgFamily = regexp.MustCompile(`font-family:Liberation Sans;`)

// svgFonts lets an SVG fall back on Arial or Helvetica where Liberation
// Sans is not installed: the three share their metrics, so the text keeps
// its layout.
func svgFonts(b []byte) []byte {
	return svgFamily.ReplaceAll(b, []byte(`font-family:Liberation Sans,Arial,Helvetica,sans-serif;`))
}

var pdfDate = regexp.MustCompile(`/(CreationDate|ModDate) \(D:[0-9]{14}\)`)

// pdfNoDates blanks the creation and modification dates that gofpdf
// writes from the clock, so that a figure's PDF depends only on the
// figure. The dates are replaced by as many spaces, which keeps the byte
// offsets of the cross-reference table valid and leaves the document
// information without dates (they are optional).
func pdfNoDates(b []byte) []byte {
	return pdfDate.ReplaceAllFunc(b, func(m []byte) []byte { return bytes.Repeat([]byte(" "), len(m)) })
}

// encodePNG writes an opaque RGBA image as an 8-bit RGB PNG, its rows
// unfiltered and deflated at the fastest level. Figures are mostly flat
// colour, which deflate compresses well without PNG's row filters: this is
// three times as fast as image/png (which tries every filter on every row
// whatever the level) and the files are no larger.
func encodePNG(img *image.RGBA) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		out.Write(n[:])
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		out.WriteString(typ)
		out.Write(data)
		binary.BigEndian.PutUint32(n[:], crc.Sum32())
		out.Write(n[:])
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	hdr := make([]byte, 13)
	binary.BigEndian.PutUint32(hdr[0:], uint32(w))
	binary.BigEndian.PutUint32(hdr[4:], uint32(h))
	hdr[8], hdr[9] = 8, 2 // 8 bits a sample, truecolour; deflate, no filter, no interlace
	chunk("IHDR", hdr)
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	if err != nil {
		panic(err)
	}
	row := make([]byte, 1+3*w) // filter type 0 (none), then RGB
	for y := range h {
		pix := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		for x := range w {
			copy(row[1+3*x:4+3*x], pix[4*x:4*x+3])
		}
		zw.Write(row) // a bytes.Buffer does not fail
	}
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}
