// Command qr compares totp's QR decoder with zbarimg on the test images of
// package qr. Run it from the repository root:
//
//	go run ./bench/qr [-runs 3] [-dir internal/qr/testdata/images]
//
// It decodes every image in the manifest (manifest.tsv) with each decoder,
// runs times, and prints a Markdown table: how many images each decoder
// read exactly, and the median and 90th percentile of the wall time per
// image. Each decoder runs as a separate process, so both times include
// starting the process and decoding the image file. totp's decoder runs as
// this program with -decode, which calls qr.DecodeFile. zbarimg runs with
// -Sbinary, once with its defaults and once with -Stest-inverted.
//
// A totp result is correct when it lists the expected texts in reading
// order. zbarimg does not promise an order, so its result is correct when it
// lists the expected texts in any order, each once. An image without a code
// is correct when the decoder reads nothing.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/totp-cli/totp/internal/qr"
)

// decoder is one column of the comparison.
type decoder struct {
	name string
	// command returns the command that decodes path.
	command func(path string) *exec.Cmd
	// correct reports whether the output of the command is the expected
	// texts.
	correct func(out []byte, want []string) bool
}

func main() {
	log.SetFlags(0)
	decodePath := flag.String("decode", "", "decode one image `file` with totp's decoder and print its texts, one per line, then exit")
	dir := flag.String("dir", "internal/qr/testdata/images", "`directory` with the images and manifest.tsv")
	runs := flag.Int("runs", 3, "number of times each decoder reads each image; the time of an image is the median of its runs")
	flag.Parse()

	if *decodePath != "" {
		os.Exit(decodeOne(*decodePath))
	}
	if *runs < 1 {
		log.Fatalf("invalid -runs %d: must be 1 or more", *runs)
	}
	if err := compare(*dir, *runs); err != nil {
		log.Fatalf("error: %v", err)
	}
}

// decodeOne prints the texts of the codes in path, one per line. It exits
// with 0 when it read a code, 4 when it found none (as zbarimg does) and 1
// on any other error.
func decodeOne(path string) int {
	texts, err := qr.DecodeFile(path)
	if errors.Is(err, qr.ErrNoCode) {
		return 4
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, t := range texts {
		fmt.Println(t)
	}
	return 0
}

func compare(dir string, runs int) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this program's executable: %w", err)
	}
	if _, err := exec.LookPath("zbarimg"); err != nil {
		return fmt.Errorf("zbarimg not found: %w (install the zbar-tools package)", err)
	}
	entries, err := readManifest(filepath.Join(dir, "manifest.tsv"))
	if err != nil {
		return err
	}

	zbar := func(extra ...string) func(string) *exec.Cmd {
		return func(path string) *exec.Cmd {
			args := append([]string{"--raw", "-q", "-Sdisable", "-Sqrcode.enable", "-Sbinary"}, extra...)
			return exec.Command("zbarimg", append(args, path)...)
		}
	}
	decoders := []decoder{
		{"totp", func(path string) *exec.Cmd { return exec.Command(self, "-decode", path) }, inOrder},
		{"zbarimg -Sbinary", zbar(), anyOrder},
		{"zbarimg -Sbinary -Stest-inverted", zbar("-Stest-inverted"), anyOrder},
	}

	results := make([][]result, len(decoders))
	for i, d := range decoders {
		for _, e := range entries {
			results[i] = append(results[i], measure(d, filepath.Join(dir, e.file), e.texts, runs))
		}
	}
	printReport(os.Stdout, decoders, entries, results, runs)
	return nil
}

// entry is one line of the manifest: an image and its expected texts.
type entry struct {
	file  string
	texts []string
}

func readManifest(path string) ([]entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the manifest: %w", err)
	}
	defer f.Close()

	var entries []entry
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		entries = append(entries, entry{file: fields[0], texts: fields[1:]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the manifest %s: %w", path, err)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("manifest %s lists no images", path)
	}
	return entries, nil
}

// result is the outcome of one decoder on one image.
type result struct {
	ok   bool          // every run read exactly the expected texts
	time time.Duration // median wall time of the runs
}

// measure runs d on path runs times. A run that exits with a status other
// than 0 (codes read) or 4 (no code) counts as a wrong result.
func measure(d decoder, path string, want []string, runs int) result {
	ok := true
	var times []time.Duration
	for range runs {
		cmd := d.command(path)
		start := time.Now()
		out, err := cmd.Output()
		times = append(times, time.Since(start))

		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 4) {
			ok = false
			continue
		}
		ok = ok && d.correct(out, want)
	}
	slices.Sort(times)
	return result{ok: ok, time: times[len(times)/2]}
}

// inOrder reports whether out lists want, one text per line, in order.
func inOrder(out []byte, want []string) bool {
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(out) == 0 {
		got = nil
	}
	return slices.Equal(got, want)
}

// anyOrder reports whether out is the texts of want in some order, each
// once. zbarimg in binary mode prints the texts with no separator, so out
// is split by matching the expected texts against its start.
func anyOrder(out []byte, want []string) bool {
	rest := string(out)
	left := slices.Clone(want)
	for rest != "" {
		i := slices.IndexFunc(left, func(t string) bool { return strings.HasPrefix(rest, t) })
		if i < 0 {
			return false
		}
		rest = strings.TrimPrefix(rest, left[i])
		left = slices.Delete(left, i, i+1)
	}
	return len(left) == 0
}
