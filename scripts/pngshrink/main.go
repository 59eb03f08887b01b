// Command pngshrink makes a screenshot small enough to commit: it scales
// the image down by an integer factor (averaging each block of pixels, so
// text stays smooth) and stores it with a palette of at most 256 colours,
// which a terminal screenshot (a dozen colours plus their anti-aliased
// edges) loses nothing visible to. freeze renders at four times the
// screen's resolution; a 1 MB picture per screen would bloat every clone.
//
// Usage: go run ./scripts/pngshrink -width 1100 FILE.png...
// It rewrites each file in place. Standard library only.
package main

import (
	"cmp"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"slices"
)

func main() {
	width := flag.Int("width", 1100, "largest width of the result, in pixels")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "pngshrink: name the PNG files to shrink")
		os.Exit(2)
	}
	for _, path := range flag.Args() {
		if err := shrink(path, *width); err != nil {
			fmt.Fprintf(os.Stderr, "pngshrink: %s: %v\n", path, err)
			os.Exit(1)
		}
	}
}

func shrink(path string, width int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	src, err := png.Decode(f)
	f.Close()
	if err != nil {
		return err
	}
	b := src.Bounds()
	factor := 1
	for b.Dx()/factor > width {
		factor++
	}
	small := downscale(src, factor)
	pal := palette(small, 256)
	out := image.NewPaletted(small.Bounds(), pal)
	// Nearest colour, no dithering: dithering speckles flat backgrounds
	// and text edges.
	draw.Draw(out, out.Bounds(), small, small.Bounds().Min, draw.Src)
	tmp := path + ".tmp"
	w, err := os.Create(tmp)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(w, out); err != nil {
		w.Close()
		os.Remove(tmp)
		return err
	}
	if err := w.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// downscale averages each factor×factor block into one pixel.
func downscale(src image.Image, factor int) *image.NRGBA {
	b := src.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, b.Dx()/factor, b.Dy()/factor))
	n := uint32(factor * factor)
	for y := range dst.Bounds().Dy() {
		for x := range dst.Bounds().Dx() {
			var r, g, bl, a uint32
			for dy := range factor {
				for dx := range factor {
					c := color.NRGBAModel.Convert(src.At(b.Min.X+x*factor+dx, b.Min.Y+y*factor+dy)).(color.NRGBA)
					r += uint32(c.R)
					g += uint32(c.G)
					bl += uint32(c.B)
					a += uint32(c.A)
				}
			}
			dst.SetNRGBA(x, y, color.NRGBA{uint8(r / n), uint8(g / n), uint8(bl / n), uint8(a / n)})
		}
	}
	return dst
}

// palette returns the most frequent colours of img, at most size of them,
// after merging colours that differ only in their lowest bits.
func palette(img *image.NRGBA, size int) color.Palette {
	type bucket struct {
		key   uint32
		count int
		r, g  int
		b, a  int
	}
	buckets := map[uint32]*bucket{}
	for i := 0; i+3 < len(img.Pix); i += 4 {
		r, g, b, a := img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3]
		key := uint32(r>>3)<<15 | uint32(g>>3)<<10 | uint32(b>>3)<<5 | uint32(a>>6)<<20
		bk := buckets[key]
		if bk == nil {
			bk = &bucket{key: key}
			buckets[key] = bk
		}
		bk.count++
		bk.r += int(r)
		bk.g += int(g)
		bk.b += int(b)
		bk.a += int(a)
	}
	all := make([]*bucket, 0, len(buckets))
	for _, bk := range buckets {
		all = append(all, bk)
	}
	slices.SortFunc(all, func(x, y *bucket) int {
		if c := cmp.Compare(y.count, x.count); c != 0 {
			return c
		}
		return cmp.Compare(x.key, y.key)
	})
	var pal color.Palette
	for _, bk := range all[:min(size, len(all))] {
		pal = append(pal, color.NRGBA{uint8(bk.r / bk.count), uint8(bk.g / bk.count), uint8(bk.b / bk.count), uint8(bk.a / bk.count)})
	}
	return pal
}
