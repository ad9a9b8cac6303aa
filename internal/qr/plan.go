package qr

import "math"

// filter is the preprocessing of a view.
type filter int

const (
	noFilter filter = iota
	// blurFilter removes single-pixel noise and fine moire.
	blurFilter
	// sharpenFilter restores the contrast of the modules of a blurred code.
	sharpenFilter
)

// attempt is one way of looking at the image. Each attempt runs twice, on
// the view and on its inverse.
type attempt struct {
	scale     float64 // view size relative to the source
	filter    filter
	tryHarder bool // gozxing's TRY_HARDER hint: scan every row for finder patterns
	global    bool // GlobalHistogramBinarizer instead of HybridBinarizer
	pad       bool // add a white margin for codes without a quiet zone
}

// Sizes in the plan, as the longer side of a view in pixels.
const (
	// maxNativeSide is the largest image whose first view is the image
	// itself, so that the small codes of screenshots up to 2048 pixels stay
	// sharp. Larger images get a view of this size second.
	maxNativeSide = 2048
	// workingSide is the size of the first view of larger images, photos
	// mostly. A version 7 code (45 modules) that spans a fifth of the photo
	// still has about 5 pixels per module there, and the averaging smooths
	// sensor noise and moire.
	workingSide = 1280
	// maxViewSide is the size of the largest view of an image, which
	// bounds the memory and time of one attempt on a large image.
	maxViewSide = 2 * maxNativeSide
	// minSide is the size that smaller images are enlarged to, so that
	// modules of one or two pixels become several.
	minSide = 400
	// smallSide is the size of the smallest view of a larger image, where
	// the averaging removes the most noise.
	smallSide = 640
)

// plan returns the attempts for a w by h image, cheapest and most likely
// first. The plan depends only on the image size, so the work is bounded.
// There are at most 9 attempts. Before padding, every view has at most
// maxNativeSide pixels on its longer side, except one view of a larger
// image, which has at most maxViewSide.
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
		// The largest view: the image itself, or the image shrunk to
		// maxViewSide. Modules of 2*long/maxViewSide pixels or more keep
		// two pixels there. 3-pixel modules on a 5K screen get 2.4 pixels
		// and 5-pixel modules in a 7000-pixel scan 2.9, where the view of
		// maxNativeSide gives them less than 1.5, too few to read.
		out = append(out, attempt{scale: min(1, maxViewSide/float64(long)), tryHarder: true})
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
			{scale: 1, tryHarder: true, filter: blurFilter},
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
