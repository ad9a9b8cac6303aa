package qr

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAblate(t *testing.T) {
	dir := os.Getenv("ABLATE")
	if dir == "" {
		t.Skip()
	}
	f, _ := os.Open(filepath.Join(dir, "manifest.tsv"))
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	total, okFull := 0, 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		data, _ := os.ReadFile(filepath.Join(dir, parts[0]))
		img, err := decodeImage(data)
		if err != nil {
			fmt.Println(parts[0], err)
			continue
		}
		src := toLuma(img)
		attempts := plan(src.w, src.h)
		row := ""
		for _, a := range attempts {
			s := newScanner(src)
			got := 0
			for _, inv := range []bool{false, true} {
				res := scanView(s.render(a, inv), a.tryHarder, a.global)
				got += len(res.symbols)
			}
			if got > 0 {
				row += "X"
			} else {
				row += "."
			}
		}
		start := time.Now()
		s := newScanner(src)
		s.run()
		texts, _ := s.texts()
		ok := fmt.Sprint(texts) == fmt.Sprint(parts[1:])
		total++
		if ok {
			okFull++
		}
		fmt.Printf("%-28s %-10s full=%-5v views=%2d %6.0fms\n", parts[0], row, ok, s.views, float64(time.Since(start).Microseconds())/1000)
	}
	fmt.Println(okFull, "/", total)
}
