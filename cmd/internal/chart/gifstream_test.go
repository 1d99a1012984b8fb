package chart

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"io"
	"math/rand/v2"
	"testing"
)

// streamFrames are made-up frames for the stream tests: random pixels of
// a few colours over a flat background, so that LZW has runs and noise.
func streamFrames(n int, pal color.Palette, w, h int) ([]*image.Paletted, []int, []byte) {
	rng := rand.New(rand.NewPCG(3, uint64(n)))
	var imgs []*image.Paletted
	var delays []int
	var disposals []byte
	for i := range n {
		img := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		for j := range img.Pix {
			if rng.IntN(4) == 0 {
				img.Pix[j] = uint8(rng.IntN(len(pal)))
			}
		}
		imgs = append(imgs, img)
		// Frame 0 has delay 0 and disposal 0, so no graphic control
		// extension. (Only the first: image/gif's decoder resets the delay
		// after each frame but not the disposal, so a later frame without
		// the extension would decode with its predecessor's.)
		delay, disposal := []int{12, 150, 7}[i%3], []byte{gif.DisposalNone, gif.DisposalBackground, gif.DisposalPrevious}[i%3]
		if i == 0 {
			delay, disposal = 0, 0
		}
		delays = append(delays, delay)
		disposals = append(disposals, disposal)
	}
	return imgs, delays, disposals
}

// TestGIFStreamMatchesEncodeAll writes made-up frames one by one, through
// one reused image, and compares the bytes with gif.EncodeAll of all the
// frames at once; then decodes the stream and compares the frames.
func TestGIFStreamMatchesEncodeAll(t *testing.T) {
	for _, c := range []struct {
		n, loop int
		pal     color.Palette
	}{
		{1, 0, animPalette},
		{2, 0, animPalette},
		{7, 0, animPalette},
		{5, -1, animPalette},         // no looping extension
		{4, 3, animPalette},          // three loops
		{3, 0, animPalette[:2]},      // a 2-colour table (size field 0)
		{3, 0, animPalette[:ciDrop]}, // not a power of two: the table is padded
	} {
		const w, h = 37, 23
		imgs, delays, disposals := streamFrames(c.n, c.pal, w, h)
		cfg := image.Config{ColorModel: c.pal, Width: w, Height: h}
		var want bytes.Buffer
		if err := gif.EncodeAll(&want, &gif.GIF{Image: imgs, Delay: delays, Disposal: disposals, LoopCount: c.loop, Config: cfg}); err != nil {
			t.Fatal(err)
		}

		var got bytes.Buffer
		s := newGIFStream(&got, cfg, c.loop, c.n)
		frame := image.NewPaletted(image.Rect(0, 0, w, h), c.pal) // one buffer for every frame
		for i := range c.n {
			copy(frame.Pix, imgs[i].Pix)
			if err := s.Frame(frame, delays[i], disposals[i]); err != nil {
				t.Fatal(err)
			}
			clear(frame.Pix) // the stream must not keep the image
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%d frames, loop %d, %d colours: stream of %d bytes differs from gif.EncodeAll's %d bytes",
				c.n, c.loop, len(c.pal), got.Len(), want.Len())
			continue
		}

		g, err := gif.DecodeAll(bytes.NewReader(got.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Image) != c.n {
			t.Fatalf("decoded %d frames, want %d", len(g.Image), c.n)
		}
		if c.n > 1 && g.LoopCount != c.loop {
			t.Errorf("loop count %d, want %d", g.LoopCount, c.loop)
		}
		for i, f := range g.Image {
			if !bytes.Equal(f.Pix, imgs[i].Pix) || f.Rect != imgs[i].Rect {
				t.Errorf("%d frames: frame %d decodes to other pixels", c.n, i)
			}
			if g.Delay[i] != delays[i] || g.Disposal[i] != disposals[i] {
				t.Errorf("frame %d: delay %d disposal %d, want %d and %d", i, g.Delay[i], g.Disposal[i], delays[i], disposals[i])
			}
		}
	}
}

// TestGIFStreamErrors: the frame count announced is kept to, and a
// failing writer's error comes back.
func TestGIFStreamErrors(t *testing.T) {
	imgs, _, _ := streamFrames(3, animPalette, 10, 10)
	cfg := image.Config{ColorModel: animPalette, Width: 10, Height: 10}

	s := newGIFStream(io.Discard, cfg, 0, 2)
	if err := s.Frame(imgs[0], 1, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err == nil {
		t.Error("Close after 1 frame of 2: no error")
	}

	s = newGIFStream(io.Discard, cfg, 0, 1)
	s.Frame(imgs[0], 1, 0)
	if err := s.Frame(imgs[1], 1, 0); err == nil {
		t.Error("a second frame of 1 announced: no error")
	}

	if err := newGIFStream(io.Discard, cfg, 0, 0).Close(); err == nil {
		t.Error("a GIF of no frames: no error")
	}

	big := image.NewPaletted(image.Rect(0, 0, 11, 10), animPalette)
	if err := newGIFStream(io.Discard, cfg, 0, 1).Frame(big, 1, 0); err == nil {
		t.Error("a frame larger than the screen: no error")
	}

	boom := errors.New("disk full")
	s = newGIFStream(failWriter{boom}, cfg, 0, 2)
	if err := s.Frame(imgs[0], 1, 0); !errors.Is(err, boom) {
		t.Errorf("writer error: got %v, want %v", err, boom)
	}
	if err := s.Close(); !errors.Is(err, boom) {
		t.Errorf("Close after a writer error: got %v, want %v", err, boom)
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }
