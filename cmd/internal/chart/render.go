package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
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

// encodePNG writes the image with image/png at its fastest compression:
// figures are mostly flat colour, which compresses well anyway.
func encodePNG(img *image.RGBA) []byte {
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&out, img); err != nil {
		panic(err) // a bytes.Buffer does not fail
	}
	return out.Bytes()
}
