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
	// quad holds the corners of the code with a one-module margin, in
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

// scanResult is what one attempt found in a view.
type scanResult struct {
	symbols []symbol
	// unread holds finder-pattern triples that look like a code but did
	// not decode, as the centers of their three finder patterns in source
	// image coordinates.
	unread [][3]point
}

// scanView looks for codes in v: first for every code with gozxing's
// multi-code detector, then, if that reads nothing, for the single most
// likely code with the standard detector, which tolerates more skew, and
// finally for a code that fills the whole view. A panic inside gozxing
// ends the attempt with nothing found.
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

func scanMulti(v view, matrix *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) scanResult {
	var res scanResult
	infos, err := multidetector.NewMultiFinderPatternFinder(matrix, nil).FindMulti(hints)
	if err != nil {
		return res
	}

	det := detector.NewDetector(matrix)
	dec := decoder.NewDecoder()
	for _, info := range infos {
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

func scanSingle(v view, matrix *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) (symbol, bool) {
	info, err := detector.NewFinderPatternFinder(matrix, nil).Find(hints)
	if err != nil {
		return symbol{}, false
	}
	return detectAndDecode(v, detector.NewDetector(matrix), decoder.NewDecoder(), info, hints)
}

// scanPure reads a view that shows nothing but one upright code, such as a
// code cropped without a quiet zone. gozxing does not return the position of
// such a code, so the whole view stands for it.
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

// filter is a preprocessing step of an attempt.
type filter int

const (
	noFilter filter = iota
	// blurFilter removes single-pixel noise and fine moire.
	blurFilter
	// sharpenFilter restores the contrast of small modules in a blurred
	// image.
	sharpenFilter
)

// attempt is one way of looking at the image. Each attempt runs twice, on
// the view and on its inverse, because gozxing reads only dark modules on a
// light background.
type attempt struct {
	scale     float64 // view size relative to the source
	filter    filter
	tryHarder bool
	global    bool // GlobalHistogramBinarizer instead of HybridBinarizer
	pad       bool
}

// Sizes that the plan resamples to, as the longer side in pixels.
const (
	// maxNativeSide is the largest image looked at in full first. Screenshots
	// up to 2048 pixels wide keep their small codes sharp this way.
	maxNativeSide = 2048
	// workingSide is the size that larger images, photos mostly, are first
	// shrunk to: big enough for a code that fills a tenth of the picture,
	// small enough to be fast, and the averaging smooths sensor noise and
	// moire.
	workingSide = 1280
	// minSide is the size that smaller images are enlarged to, so that
	// modules of one or two pixels become several.
	minSide = 400
	// smallSide is the size of the smallest view of a larger image. Shrinking
	// a photo this far straightens the edges that perspective and moire
	// bend.
	smallSide = 640
)

// plan returns the attempts for a w by h image, cheapest and most likely
// first. The plan depends only on the image size, so the total work is
// bounded: there are at most 9 attempts, and every view has at most
// maxNativeSide pixels on its longer side, except one full-resolution view
// of an image of up to 4096 pixels.
func plan(w, h int) []attempt {
	long := max(w, h)
	switch {
	case long > maxNativeSide:
		primary := workingSide / float64(long)
		out := []attempt{
			{scale: primary},
			{scale: maxNativeSide / float64(long), tryHarder: true},
			{scale: primary, tryHarder: true},
			{scale: primary, tryHarder: true, filter: blurFilter},
		}
		if long <= 2*maxNativeSide {
			out = append(out, attempt{scale: 1, tryHarder: true})
		}
		return append(out,
			attempt{scale: smallSide / float64(long), tryHarder: true},
			attempt{scale: primary, tryHarder: true, filter: sharpenFilter},
			attempt{scale: primary, tryHarder: true, pad: true},
			attempt{scale: primary, tryHarder: true, global: true})

	case long < minSide:
		up := math.Ceil(minSide / float64(long))
		return []attempt{
			{scale: 1},
			{scale: up, tryHarder: true},
			{scale: up, tryHarder: true, pad: true},
			{scale: 1, tryHarder: true, filter: sharpenFilter},
			{scale: up + 1, tryHarder: true, filter: blurFilter},
			{scale: up, tryHarder: true, global: true},
		}

	default:
		out := []attempt{
			{scale: 1},
			{scale: 1, tryHarder: true},
			{scale: 1, tryHarder: true, pad: true},
			{scale: 1, tryHarder: true, filter: blurFilter},
			{scale: 1, tryHarder: true, filter: sharpenFilter},
		}
		if long > 2*smallSide {
			out = append(out, attempt{scale: 0.5, tryHarder: true})
		}
		if long > smallSide*3/2 {
			out = append(out, attempt{scale: smallSide / float64(long), tryHarder: true})
		}
		if long < 2*minSide {
			out = append(out, attempt{scale: 2, tryHarder: true})
		}
		return append(out, attempt{scale: 1, tryHarder: true, global: true})
	}
}
