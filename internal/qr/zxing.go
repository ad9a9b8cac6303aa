package qr

import (
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	multidetector "github.com/makiuchi-d/gozxing/multi/qrcode/detector"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// symbol is one decoded QR code.
type symbol struct {
	text string
	// quad contains the corners of the code with a one-module margin, in
	// source image coordinates.
	quad [4]point
	// sequence and parity come from a structured-append header (a message
	// split over up to 16 codes): sequence is the index in the high 4 bits
	// and the count minus one in the low 4 bits. Both are -1 without one.
	sequence, parity int
}

func (s symbol) center() point {
	var c point
	for _, p := range s.quad {
		c.x += p.x / 4
		c.y += p.y / 4
	}
	return c
}

// height returns the vertical extent of the code.
func (s symbol) height() float64 {
	lo, hi := s.quad[0].y, s.quad[0].y
	for _, p := range s.quad[1:] {
		lo = math.Min(lo, p.y)
		hi = math.Max(hi, p.y)
	}
	return hi - lo
}

func (s symbol) contains(p point) bool {
	lo, hi, ok := quadSpan(s.quad, p.y)
	return ok && p.x >= lo && p.x <= hi
}

// view is the image that one attempt hands to gozxing: the source luminance
// resampled, filtered and possibly inverted, with the codes already read
// painted over.
type view struct {
	*luma
	scale float64 // view pixels per source pixel
	pad   int     // margin added on each side, in view pixels
}

func (v view) toSource(x, y float64) point {
	return point{(x - float64(v.pad)) / v.scale, (y - float64(v.pad)) / v.scale}
}

func (v view) toView(p point) point {
	return point{p.x*v.scale + float64(v.pad), p.y*v.scale + float64(v.pad)}
}

// scanResult holds the codes that one view read and the triples it could
// not read.
type scanResult struct {
	symbols []symbol
	// unread contains the finder-pattern triples that look like a code but
	// did not decode, as the centers of their three finder patterns in
	// source image coordinates.
	unread [][3]point
}

// Limits on gozxing's work in one view. Its finder-pattern selection
// compares every triple of candidates and tries to decode every triple that
// forms a right isosceles triangle. An image tiled with finder patterns can
// therefore keep it busy for hours: on a 2-core test machine, a grid of 400
// took 94 seconds without these limits, and 0.2 seconds with them.
const (
	// maxCandidates is the most finder-pattern candidates a view may have.
	// A view with more is skipped. Each code has three, so 150 leaves room
	// for dozens of codes and noise.
	maxCandidates = 150
	// maxTriples is the most candidate triples decoded in one view.
	maxTriples = 40
)

// scanView looks for codes in v with three of gozxing's readers, until one
// reads something: the multi-code detector, the standard detector, which
// tolerates more skew, and the reader for a code that fills the whole view.
// A panic inside gozxing ends the attempt with nothing found.
func scanView(v view, tryHarder, global bool) (res scanResult) {
	defer func() {
		if recover() != nil {
			res = scanResult{}
		}
	}()

	source, err := gozxing.NewPlanarYUVLuminanceSource(v.pix, v.w, v.h, 0, 0, v.w, v.h, false)
	if err != nil {
		return scanResult{}
	}
	var binarizer gozxing.Binarizer
	if global {
		binarizer = gozxing.NewGlobalHistgramBinarizer(source)
	} else {
		binarizer = gozxing.NewHybridBinarizer(source)
	}
	bitmap, err := gozxing.NewBinaryBitmap(binarizer)
	if err != nil {
		return scanResult{}
	}
	matrix, err := bitmap.GetBlackMatrix()
	if err != nil {
		return scanResult{}
	}

	hints := map[gozxing.DecodeHintType]interface{}{}
	if tryHarder {
		hints[gozxing.DecodeHintType_TRY_HARDER] = true
	}
	if countCandidates(matrix, tryHarder, maxCandidates) > maxCandidates {
		return scanResult{}
	}

	res = scanMulti(v, matrix, hints)
	if len(res.symbols) > 0 {
		return res
	}
	if s, ok := scanSingle(v, matrix, hints); ok {
		res.symbols = append(res.symbols, s)
		return res
	}
	if s, ok := scanPure(v, bitmap); ok {
		res.symbols = append(res.symbols, s)
	}
	return res
}

// scanMulti reads the codes of the finder-pattern triples that the
// multi-code finder pairs up, and returns the triples that did not decode
// as unread.
func scanMulti(v view, matrix *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) scanResult {
	var res scanResult
	infos, err := multidetector.NewMultiFinderPatternFinder(matrix, nil).FindMulti(hints)
	if err != nil {
		return res
	}

	det := detector.NewDetector(matrix)
	dec := decoder.NewDecoder()
	for _, info := range infos[:min(len(infos), maxTriples)] {
		s, ok := detectAndDecode(v, det, dec, info, hints)
		if ok {
			res.symbols = append(res.symbols, s)
			continue
		}
		res.unread = append(res.unread, [3]point{
			v.toSource(info.GetTopLeft().GetX(), info.GetTopLeft().GetY()),
			v.toSource(info.GetTopRight().GetX(), info.GetTopRight().GetY()),
			v.toSource(info.GetBottomLeft().GetX(), info.GetBottomLeft().GetY()),
		})
	}
	return res
}

// countCandidates returns the number of finder-pattern candidates in m. It
// stops after the row that takes the count over limit, because gozxing's
// candidate search slows down as the count grows. It scans the rows the way
// gozxing's multi-code finder does, with the exported parts of its row scan.
func countCandidates(m *gozxing.BitMatrix, tryHarder bool, limit int) int {
	finder := detector.NewFinderPatternFinder(m, nil)
	height, width := m.GetHeight(), m.GetWidth()
	skip := 3 * height / (4 * detector.FinderPatternFinder_MAX_MODULES)
	if skip < detector.FinderPatternFinder_MIN_SKIP || tryHarder {
		skip = detector.FinderPatternFinder_MIN_SKIP
	}

	counts := make([]int, 5)
	for y := skip - 1; y < height; y += skip {
		clear(counts)
		state := 0
		for x := 0; x < width; x++ {
			switch {
			case m.Get(x, y):
				if state&1 == 1 {
					state++
				}
				counts[state]++
			case state&1 == 1:
				counts[state]++
			case state < 4:
				state++
				counts[state]++
			case detector.FinderPatternFinder_foundPatternCross(counts) && finder.HandlePossibleCenter(counts, y, x):
				state = 0
				clear(counts)
			default:
				detector.FinderPatternFinder_doShiftCounts2(counts)
				state = 3
			}
		}
		if detector.FinderPatternFinder_foundPatternCross(counts) {
			finder.HandlePossibleCenter(counts, y, width)
		}
		if n := len(finder.GetPossibleCenters()); n > limit {
			return n
		}
	}
	return len(finder.GetPossibleCenters())
}

// scanSingle reads the code of the triple that gozxing's standard finder
// picks. Unlike the multi-code finder, which drops triples whose sides
// differ by 10% or more, it takes the most nearly right isosceles triple.
func scanSingle(v view, matrix *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) (symbol, bool) {
	info, err := detector.NewFinderPatternFinder(matrix, nil).Find(hints)
	if err != nil {
		return symbol{}, false
	}
	return detectAndDecode(v, detector.NewDetector(matrix), decoder.NewDecoder(), info, hints)
}

// scanPure reads a view that shows nothing but one upright code, such as a
// code cropped without a quiet zone. gozxing does not return the position of
// such a code, so the whole view is used as its position.
func scanPure(v view, bitmap *gozxing.BinaryBitmap) (symbol, bool) {
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true}
	result, err := qrcode.NewQRCodeReader().Decode(bitmap, hints)
	if err != nil {
		return symbol{}, false
	}

	s := symbol{text: result.GetText(), sequence: -1, parity: -1}
	w, h := float64(v.w), float64(v.h)
	s.quad = [4]point{v.toSource(0, 0), v.toSource(w, 0), v.toSource(w, h), v.toSource(0, h)}
	meta := result.GetResultMetadata()
	if seq, ok := meta[gozxing.ResultMetadataType_STRUCTURED_APPEND_SEQUENCE].(int); ok {
		s.sequence = seq
		s.parity, _ = meta[gozxing.ResultMetadataType_STRUCTURED_APPEND_PARITY].(int)
	}
	return s, true
}

// detectAndDecode samples the module grid that info outlines and decodes it.
func detectAndDecode(v view, det *detector.Detector, dec *decoder.Decoder, info *detector.FinderPatternInfo, hints map[gozxing.DecodeHintType]interface{}) (symbol, bool) {
	detected, err := det.ProcessFinderPatternInfo(info)
	if err != nil {
		return symbol{}, false
	}
	decoded, err := dec.Decode(detected.GetBits(), hints)
	if err != nil {
		return symbol{}, false
	}

	s := symbol{text: decoded.GetText(), sequence: -1, parity: -1}
	if decoded.HasStructuredAppend() {
		s.sequence = decoded.GetStructuredAppendSequenceNumber()
		s.parity = decoded.GetStructuredAppendParity()
	}
	s.quad = codeQuad(v, detected)
	return s, true
}

// codeQuad maps the corners of the detected module grid, widened by one
// module, back to source coordinates through the same perspective transform
// that the detector sampled the grid with.
func codeQuad(v view, detected *common.DetectorResult) [4]point {
	points := detected.GetPoints()
	var alignment *detector.AlignmentPattern
	if len(points) > 3 {
		alignment, _ = points[3].(*detector.AlignmentPattern)
	}
	dim := detected.GetBits().GetWidth()
	transform := detector.Detector_createTransform(points[1], points[2], points[0], alignment, dim)

	lo, hi := -1.0, float64(dim)+1
	corners := []float64{lo, lo, hi, lo, hi, hi, lo, hi}
	transform.TransformPoints(corners)

	var q [4]point
	for i := range q {
		q[i] = v.toSource(corners[2*i], corners[2*i+1])
	}
	return q
}
