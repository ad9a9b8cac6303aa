package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// printReport writes the summary table, then the images that any decoder
// read wrongly, as Markdown.
func printReport(w io.Writer, decoders []decoder, entries []entry, results [][]result, runs int) {
	fmt.Fprintf(w, "Images: %d. Runs of each decoder per image: %d. The time of an image is the median of its runs.\n\n", len(entries), runs)
	fmt.Fprintln(w, "| decoder | images read | median time per image | p90 time per image | slowest image |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	for i, d := range decoders {
		read := 0
		var times []time.Duration
		slowest := 0
		for j, r := range results[i] {
			if r.ok {
				read++
			}
			if r.time > results[i][slowest].time {
				slowest = j
			}
			times = append(times, r.time)
		}
		fmt.Fprintf(w, "| %s | %d of %d | %s | %s | %s, %s |\n", d.name, read, len(entries),
			formatDuration(percentile(times, 50)), formatDuration(percentile(times, 90)),
			entries[slowest].file, formatDuration(results[i][slowest].time))
	}

	var header, rule []string
	for _, d := range decoders {
		header = append(header, d.name)
		rule = append(rule, "---")
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "| image | %s |\n", strings.Join(header, " | "))
	fmt.Fprintf(w, "| --- | %s |\n", strings.Join(rule, " | "))
	for j, e := range entries {
		var cells []string
		failed := false
		for i := range decoders {
			r := results[i][j]
			mark := "read"
			if !r.ok {
				mark, failed = "**missed or wrong**", true
			}
			cells = append(cells, fmt.Sprintf("%s, %s", mark, formatDuration(r.time)))
		}
		if failed {
			fmt.Fprintf(w, "| %s | %s |\n", e.file, strings.Join(cells, " | "))
		}
	}
}

// percentile returns the p-th percentile of times by the nearest-rank
// method.
func percentile(times []time.Duration, p int) time.Duration {
	sorted := slices.Clone(times)
	slices.Sort(sorted)
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

func formatDuration(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%d ms", d.Round(time.Millisecond)/time.Millisecond)
}
