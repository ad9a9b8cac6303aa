// Command e2e measures the totp binary end to end against the fake Key Vault
// (kvfake), which adds a fixed latency to every response. It reports the
// wall time and the requests of each command, side by side with oneget, a
// minimal program that reads one secret with a single GET over the same TLS
// setup.
//
// Run it from the repository root:
//
//	go run ./bench/e2e
//
// It builds totp and oneget, starts one fake vault per vault size on
// 127.0.0.1, runs each command several times and prints a Markdown table of
// medians and ratios to oneget's median, for docs/benchmarks.md. The watch
// row needs a pseudo-terminal, which only the Linux build opens.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// config holds the command-line flags.
type config struct {
	runs          int
	latency       time.Duration
	listAccounts  int
	watchAccounts int
	keep          bool
}

func main() {
	var c config
	flag.IntVar(&c.runs, "runs", 5, "measured runs of each command")
	flag.DurationVar(&c.latency, "latency", 50*time.Millisecond, "delay the fake vault adds before every response")
	flag.IntVar(&c.listAccounts, "accounts", 500, "accounts in the vault for code and list")
	flag.IntVar(&c.watchAccounts, "watch-accounts", 100, "accounts in the vault for watch")
	flag.BoolVar(&c.keep, "keep", false, "keep the temporary directory with the binaries and home directories")
	flag.Parse()

	if err := run(c, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
}

func run(c config, stdout, stderr io.Writer) error {
	if c.runs < 1 {
		return fmt.Errorf("invalid -runs %d: need at least 1", c.runs)
	}
	dir, err := os.MkdirTemp("", "totp-bench-")
	if err != nil {
		return err
	}
	if c.keep {
		fmt.Fprintln(stderr, "e2e: working directory", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	bin := filepath.Join(dir, "bin")
	fmt.Fprintln(stderr, "e2e: building totp and oneget")
	for pkg, name := range map[string]string{"./cmd/totp": "totp", "./bench/e2e/oneget": "oneget"} {
		if err := goBuild(pkg, filepath.Join(bin, name)); err != nil {
			return err
		}
	}

	b, err := newBench(c, dir, bin)
	if err != nil {
		return err
	}
	defer b.close()

	var rows []row
	for _, s := range scenarios(c) {
		fmt.Fprintf(stderr, "e2e: %s\n", s.label)
		r, err := b.measure(s)
		if err != nil {
			return fmt.Errorf("%s: %w", s.label, err)
		}
		rows = append(rows, r)
	}

	printReport(stdout, c, rows)
	return nil
}

// goBuild builds the package pkg of the module in the working directory
// into out.
func goBuild(pkg, out string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if output, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, output)
	}
	return nil
}

// scenarios lists the measured commands, the baseline first.
func scenarios(c config) []scenario {
	n := c.listAccounts
	name := accountName(n / 2)
	filter := strings.ToLower(issuerName(n / 2))
	return []scenario{
		{label: "oneget: one GET, no sign-in (baseline)", accounts: n, program: "oneget", args: []string{name}},
		{label: "fake az account get-access-token", accounts: n, program: "az", args: []string{"account", "get-access-token", "--resource", "https://vault.azure.net", "--output", "json"}},
		{label: "totp code NAME, cold caches", accounts: n, args: []string{"code", name}},
		{label: "totp code NAME, warm caches", accounts: n, args: []string{"code", name}, warm: true},
		{label: "totp code FILTER, cold caches", accounts: n, args: []string{"code", filter}},
		{label: "totp code FILTER, warm caches", accounts: n, args: []string{"code", filter}, warm: true},
		{label: fmt.Sprintf("totp list, %d accounts", n), accounts: n, args: []string{"list"}},
		{label: fmt.Sprintf("totp watch, first frame of %d accounts", c.watchAccounts), accounts: c.watchAccounts, args: []string{"watch"}, watch: true},
	}
}

// printReport writes the machine, the settings and the table.
func printReport(w io.Writer, c config, rows []row) {
	fmt.Fprintf(w, "Machine: %s\n\n", machine())
	fmt.Fprintf(w, "Fake vault latency %s per response; %d runs of each command; wall time is the median, with the range in brackets.\n\n", c.latency, c.runs)
	fmt.Fprintln(w, "| command | requests (challenge + signed) | wall time | × oneget |")
	fmt.Fprintln(w, "|---|---|---|---|")
	base := rows[0].median
	for _, r := range rows {
		if r.skipped != "" {
			fmt.Fprintf(w, "| %s | – | %s | – |\n", r.label, r.skipped)
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %s (%s–%s) | %.1f |\n",
			r.label, r.requests, ms(r.median), ms(r.min), ms(r.max), float64(r.median)/float64(base))
	}
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
}
