package qr

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSlowCorpus(t *testing.T) {
	dir := os.Getenv("CORPUS")
	if dir == "" {
		t.Skip()
	}
	files, _ := filepath.Glob(dir + "/*")
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		lines := strings.SplitN(string(raw), "\n", 3)
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil {
			fmt.Println(f, "unquote", err)
			continue
		}
		data := []byte(s)
		start := time.Now()
		img, err := decodeImage(data)
		dims := ""
		if err == nil {
			dims = fmt.Sprint(img.Bounds().Dx(), "x", img.Bounds().Dy(), " ", fmt.Sprintf("%T", img))
		}
		texts, err := Decode(bytes.NewReader(data))
		fmt.Printf("%s %6.0fms len=%d %s texts=%d err=%v\n", filepath.Base(f), float64(time.Since(start).Microseconds())/1000, len(data), dims, len(texts), err)
	}
}
