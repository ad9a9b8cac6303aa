// Command e2e measures the totp binary end to end against the fake Key Vault
// (kvfake). It reports the wall time and the requests of each command, side
// by side with oneget, a minimal program that reads one secret with a single
// GET from the same fake vault, so both pay the same connection set-up.
//
// The fake vault delays traffic in two ways, which add up when both are set:
//
//   - -latency D (default 50ms) waits D before every response. Opening a
//     connection and the TCP and TLS handshakes cost nothing, so each request
//     costs D whether or not it opens a new connection.
//   - -round-trip D (default 0) simulates a network link with round-trip time
//     D: bytes take D/2 each way, and a new connection's first bytes wait one
//     more D for the TCP handshake. A request on a new TLS connection then
//     costs at least 3 D (TCP, TLS 1.3 and the request itself), as over a
//     network, and a request on an open connection costs D.
//
// Run it from the repository root:
//
//	go run ./bench/e2e
//	go run ./bench/e2e -latency 0 -round-trip 50ms
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
	roundTrip     time.Duration
	listAccounts  int
	watchAccounts int
	keep          bool
}

func main() {
	var c config
	flag.IntVar(&c.runs, "runs", 5, "measured runs of each command")
	flag.DurationVar(&c.latency, "latency", 50*time.Millisecond, "delay the fake vault adds before every response")
	flag.DurationVar(&c.roundTrip, "round-trip", 0, "round-trip time of a simulated link to the fake vault, handshakes included; 0 turns it off")
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
		{label: fmt.Sprintf("totp watch, first frame of %d accounts, cold caches", c.watchAccounts), accounts: c.watchAccounts, args: []string{"watch"}, watch: true},
		{label: fmt.Sprintf("totp watch, first frame of %d accounts, warm caches", c.watchAccounts), accounts: c.watchAccounts, args: []string{"watch"}, watch: true, warm: true},
	}
}

// printReport writes the machine, the settings and the table.
func printReport(w io.Writer, c config, rows []row) {
	fmt.Fprintf(w, "Machine: %s\n\n", machine())
	fmt.Fprintf(w, "Fake vault: %s; %d runs of each command; wall time is the median, with the range in brackets.\n\n", delayModel(c), c.runs)
	fmt.Fprintln(w, "| command | requests (challenge + signed) | wall time | × oneget |")
	fmt.Fprintln(w, "|---|---|---|---|")
	base := rows[0].median
	for _, r := range rows {
		if r.skipped != "" {
			fmt.Fprintf(w, "| %s | – | %s | – |\n", r.label, r.skipped)
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %s (%s–%s) | %.2f |\n",
			r.label, r.requests, ms(r.median), ms(r.min), ms(r.max), float64(r.median)/float64(base))
	}
}

// delayModel describes how the fake vault delays traffic.
func delayModel(c config) string {
	link := fmt.Sprintf("%s round trip on the link (handshakes included)", c.roundTrip)
	perResponse := fmt.Sprintf("%s added before every response", c.latency)
	switch {
	case c.roundTrip > 0 && c.latency > 0:
		return link + ", plus " + perResponse
	case c.roundTrip > 0:
		return link
	case c.latency > 0:
		return perResponse + " (connection set-up costs nothing)"
	default:
		return "no added delay"
	}
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
}
