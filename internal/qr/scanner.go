package qr

import (
	"fmt"
	"math"
	"sort"

	"github.com/totp-cli/totp/internal/hint"
)

// scanner runs the attempts of the plan on one image and collects the codes.
type scanner struct {
	source  *luma
	scaled  map[resampleKey]*luma // resampled and filtered copies of source
	symbols []symbol              // codes read so far, without duplicates
	unread  [][3]point            // finder-pattern triples that did not decode
	views   int                   // views scanned so far
}

func newScanner(source *luma) *scanner {
	return &scanner{source: source, scaled: map[resampleKey]*luma{}}
}

// run scans the views of the plan until one has read a code and no unread
// triple is left outside the codes read. Each attempt scans the view and its
// inverse, the inverse first when the image is mostly dark.
func (s *scanner) run() {
	attempts := plan(s.source.w, s.source.h)
	darkFirst := s.resampled(attempts[0].scale, noFilter).mean() < 100

	for _, a := range attempts {
		if len(s.symbols) > 0 && !s.pending() {
			return
		}
		for _, invert := range []bool{darkFirst, !darkFirst} {
			s.views++
			res := scanView(s.render(a, invert), a.tryHarder, a.global)
			for _, sym := range res.symbols {
				s.add(sym)
			}
			s.unread = append(s.unread, res.unread...)
		}
	}
}

// pending reports whether a finder-pattern triple that did not decode lies
// outside every code read so far, which hints at another code.
func (s *scanner) pending() bool {
	for _, triple := range s.unread {
		if !s.covered(triple) {
			return true
		}
	}
	return false
}

// covered reports whether a corner of triple lies inside a code read.
func (s *scanner) covered(triple [3]point) bool {
	for _, p := range triple {
		for _, sym := range s.symbols {
			if sym.contains(p) {
				return true
			}
		}
	}
	return false
}

// add keeps sym unless the same code was read before.
func (s *scanner) add(sym symbol) {
	for _, old := range s.symbols {
		if old.text == sym.text && old.sequence == sym.sequence && old.parity == sym.parity {
			return
		}
	}
	s.symbols = append(s.symbols, sym)
}

// resampled returns the source at the given scale, with filter applied.
func (s *scanner) resampled(scale float64, f filter) *luma {
	key := resampleKey{scale, f}
	if l, ok := s.scaled[key]; ok {
		return l
	}

	var l *luma
	switch {
	case f == blurFilter:
		l = s.resampled(scale, noFilter).blur()
	case f == sharpenFilter:
		l = s.resampled(scale, noFilter).sharpened(sharpenRadius, sharpenAmount)
	case scale == 1:
		l = s.source
	default:
		w := max(int(math.Round(float64(s.source.w)*scale)), 1)
		h := max(int(math.Round(float64(s.source.h)*scale)), 1)
		l = s.resizeFrom(scale).resize(w, h)
	}
	s.scaled[key] = l
	return l
}

// resizeFrom returns the image to shrink to scale from: the smallest cached
// copy at least twice as large, which is much cheaper to average than the
// source and gives nearly the same pixels, or else the source.
func (s *scanner) resizeFrom(scale float64) *luma {
	from, fromScale := s.source, 1.0
	for key, l := range s.scaled {
		if key.filter == noFilter && key.scale >= 2*scale && key.scale < fromScale {
			from, fromScale = l, key.scale
		}
	}
	return from
}

// Unsharp masking parameters for sharpenFilter: the mean of a 7-pixel square
// and a strong amount. They were chosen on Gaussian-blurred test codes of 6
// pixels per module, and they read testdata/images/hard-blur-4.0.png (sigma
// 4 pixels), which every other view misses.
const (
	sharpenRadius = 3
	sharpenAmount = 4
)

// resampleKey identifies a cached copy of the source.
type resampleKey struct {
	scale  float64
	filter filter
}

// render builds the view for attempt a, inverted if invert is set. It copies
// the resampled image whenever it changes pixels, because the cached copies
// are shared.
func (s *scanner) render(a attempt, invert bool) view {
	v := view{luma: s.resampled(a.scale, a.filter), scale: a.scale}
	if invert {
		v.luma = v.inverted()
	}
	if len(s.symbols) > 0 {
		if !invert {
			v.luma = v.clone()
		}
		for _, sym := range s.symbols {
			var q [4]point
			for i, p := range sym.quad {
				q[i] = v.toView(p)
			}
			v.fillQuad(q)
		}
	}
	if a.pad {
		v.pad = max(8, max(v.w, v.h)/8)
		v.luma = v.padded(v.pad)
	}
	return v
}

// texts returns the texts of the codes read, in reading order, with the
// parts of each structured-append message joined into one text.
func (s *scanner) texts() ([]string, error) {
	if len(s.symbols) == 0 {
		return nil, errNoCode
	}
	ordered := readingOrder(s.symbols)

	var texts []string
	joined := map[int]bool{}
	for _, sym := range ordered {
		if sym.sequence < 0 {
			texts = append(texts, sym.text)
			continue
		}
		if joined[sym.parity] {
			continue
		}
		text, err := joinParts(ordered, sym.parity)
		if err != nil {
			return nil, err
		}
		joined[sym.parity] = true
		texts = appendNew(texts, text)
	}
	return texts, nil
}

// appendNew appends text unless texts already holds it.
func appendNew(texts []string, text string) []string {
	for _, t := range texts {
		if t == text {
			return texts
		}
	}
	return append(texts, text)
}

// joinParts concatenates the structured-append parts with the given parity,
// in sequence order, and fails when one is missing.
func joinParts(symbols []symbol, parity int) (string, error) {
	var total int
	parts := map[int]string{}
	for _, sym := range symbols {
		if sym.sequence < 0 || sym.parity != parity {
			continue
		}
		total = sym.sequence&0xf + 1
		parts[sym.sequence>>4] = sym.text
	}

	var text string
	for i := 0; i < total; i++ {
		part, ok := parts[i]
		if !ok {
			err := fmt.Errorf("found %d of the %d QR codes that one message is split over, part %d is missing",
				len(parts), total, i+1)
			return "", hint.Wrap(err, "put all the codes of the message in one image")
		}
		text += part
	}
	return text, nil
}

// readingOrder sorts codes into rows from top to bottom, and each row from
// left to right. A code joins a row when its center lies within half a code
// height of the first code in the row.
func readingOrder(symbols []symbol) []symbol {
	out := append([]symbol(nil), symbols...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].center().y < out[j].center().y })

	for start := 0; start < len(out); {
		rowY := out[start].center().y
		limit := out[start].height() / 2
		end := start + 1
		for end < len(out) && out[end].center().y-rowY <= limit {
			end++
		}
		row := out[start:end]
		sort.SliceStable(row, func(i, j int) bool { return row[i].center().x < row[j].center().x })
		start = end
	}
	return out
}
