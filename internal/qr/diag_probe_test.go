package qr

import (
	"fmt"
	"os"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

func TestDiag(t *testing.T) {
	name := os.Getenv("DIAG")
	if name == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(name)
	img, _ := decodeImage(data)
	src := toLuma(img)
	for _, scale := range []float64{1, 0.75, 0.5} {
		s := newScanner(src)
		v := s.render(attempt{scale: scale}, false)
		ls, _ := gozxing.NewPlanarYUVLuminanceSource(v.pix, v.w, v.h, 0, 0, v.w, v.h, false)
		m, _ := gozxing.NewHybridBinarizer(ls).GetBlackMatrix()
		hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
		f := detector.NewFinderPatternFinder(m, nil)
		info, ferr := f.Find(hints)
		var err error
		if ferr != nil {
			err = ferr
		}
		fmt.Println("scale", scale, "find err", err, "centers", len(f.GetPossibleCenters()))
		if err != nil {
			continue
		}
		tl, tr, bl := info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()
		fmt.Printf(" tl %.0f,%.0f %.2f tr %.0f,%.0f %.2f bl %.0f,%.0f %.2f\n", tl.GetX(), tl.GetY(), tl.GetEstimatedModuleSize(), tr.GetX(), tr.GetY(), tr.GetEstimatedModuleSize(), bl.GetX(), bl.GetY(), bl.GetEstimatedModuleSize())
		dr, err := detector.NewDetector(m).ProcessFinderPatternInfo(info)
		if err != nil {
			fmt.Println(" process err", err)
		} else {
			fmt.Println(" dim", dr.GetBits().GetWidth(), "points", len(dr.GetPoints()))
			_, err = decoder.NewDecoder().Decode(dr.GetBits(), hints)
			fmt.Println(" decode err", err)
		}
		for dim := 45; dim <= 61; dim += 4 {
			tf := detector.Detector_createTransform(tl, tr, bl, nil, dim)
			bits, err := detector.Detector_sampleGrid(m, tf, dim)
			if err != nil {
				fmt.Println("  dim", dim, "sample err", err)
				continue
			}
			r, err := decoder.NewDecoder().Decode(bits, hints)
			if err == nil {
				fmt.Println("  dim", dim, "OK", len(r.GetText()))
			} else {
				fmt.Println("  dim", dim, "err", err)
			}
		}
	}
}
