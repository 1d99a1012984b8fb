package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"io"
)

// gifStream writes an animated GIF frame by frame, holding no frame once it
// is written. image/gif has only EncodeAll, which wants every frame at
// once; but a GIF is a header (signature, logical screen descriptor, global
// colour table), a looping extension, one block a frame that depends on no
// other frame (graphic control extension, image descriptor, LZW data) and a
// trailer. So each frame is encoded alone by gif.EncodeAll, as a one-frame
// GIF of the same configuration, into a reused buffer, and its block is
// copied out; the header is copied out of the first frame's encoding, and
// the looping extension that EncodeAll writes for more than one frame is
// written here. The bytes are those gif.EncodeAll gives for all the frames
// together (TestGIFStreamMatchesEncodeAll).
type gifStream struct {
	w         io.Writer
	g         gif.GIF // a one-frame GIF, the frame swapped for each call
	buf       flushBuffer
	loopCount int
	n, done   int // frames announced, frames written
	headerLen int
	err       error
}

// flushBuffer is a bytes.Buffer that gif.EncodeAll writes into directly,
// without a bufio.Writer of its own for each frame.
type flushBuffer struct{ bytes.Buffer }

func (*flushBuffer) Flush() error { return nil }

// newGIFStream starts a GIF of n frames to w. cfg's ColorModel must be the
// color.Palette of every frame: it becomes the global colour table, and the
// frames need no local one. loopCount is as in gif.GIF.
func newGIFStream(w io.Writer, cfg image.Config, loopCount, n int) *gifStream {
	s := &gifStream{w: w, loopCount: loopCount, n: n}
	s.g = gif.GIF{
		Image:     make([]*image.Paletted, 1),
		Delay:     make([]int, 1),
		Disposal:  make([]byte, 1),
		LoopCount: loopCount,
		Config:    cfg,
	}
	if n <= 0 {
		s.err = errors.New("gif: must provide at least one image")
	}
	return s
}

// Frame writes the next frame, shown for delay hundredths of a second and
// then disposed of as disposal says (gif.DisposalNone and so on). img may
// be reused for the next frame as soon as Frame returns.
func (s *gifStream) Frame(img *image.Paletted, delay int, disposal byte) error {
	if s.err != nil {
		return s.err
	}
	if s.done == s.n {
		s.err = fmt.Errorf("gif: more than the %d frames announced", s.n)
		return s.err
	}
	s.g.Image[0], s.g.Delay[0], s.g.Disposal[0] = img, delay, disposal
	s.buf.Reset()
	err := gif.EncodeAll(&s.buf, &s.g)
	s.g.Image[0] = nil
	if err != nil {
		s.err = err
		return err
	}
	b := s.buf.Bytes()
	if s.done == 0 {
		// "GIF89a", the 7-byte logical screen descriptor, and the global
		// colour table if its flag (the top bit of the descriptor's packed
		// byte) is set: 3 bytes for each of its 2^(size+1) entries.
		s.headerLen = 6 + 7
		if len(b) > 10 && b[10]&0x80 != 0 {
			s.headerLen += 3 << (b[10]&7 + 1)
		}
		if len(b) < s.headerLen+1 {
			s.err = errors.New("gif: encoded frame shorter than its header")
			return s.err
		}
		s.write(b[:s.headerLen])
		if s.n > 1 && s.loopCount >= 0 {
			// The application extension gif.EncodeAll writes for an
			// animation: NETSCAPE2.0, sub-block 1, the loop count.
			s.write([]byte{0x21, 0xff, 0x0b, 'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0',
				0x03, 0x01, byte(s.loopCount), byte(s.loopCount >> 8), 0x00})
		}
	}
	if b[len(b)-1] != 0x3b {
		s.err = errors.New("gif: encoded frame does not end with the trailer")
		return s.err
	}
	s.write(b[s.headerLen : len(b)-1]) // the frame's block, without the trailer
	s.done++
	return s.err
}

// Close writes the trailer. It is an error to close a stream before its n
// frames are written.
func (s *gifStream) Close() error {
	if s.err != nil {
		return s.err
	}
	if s.done != s.n {
		s.err = fmt.Errorf("gif: %d frames written of the %d announced", s.done, s.n)
		return s.err
	}
	s.write([]byte{0x3b})
	return s.err
}

func (s *gifStream) write(p []byte) {
	if s.err == nil {
		_, s.err = s.w.Write(p)
	}
}
