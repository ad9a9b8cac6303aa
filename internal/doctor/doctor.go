// Package doctor runs the checks of `totp doctor`: the configuration file,
// the vault and where its choice came from, the Azure CLI and its sign-in,
// Key Vault's reachability, permissions and clock, the local vault file, the
// clipboard and the name cache. Each check gives one Result, and a Report
// prints them one a line.
//
// The checks never print a secret: details come from file metadata, the
// Azure CLI's account (user and tenant), counts, and error messages, which
// never hold a secret in this project.
package doctor

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
)

// Status is the outcome of one check.
type Status int

const (
	// OK means the check passed.
	OK Status = iota
	// Warning means something works less well than it could, or may fail
	// later, but does not stop totp from working.
	Warning
	// Problem means totp cannot work until it is fixed, or that a secret is
	// exposed. A report with a problem makes `totp doctor` exit with status
	// 1.
	Problem
	// Skipped means the check could not run because an earlier one failed.
	Skipped
)

// String returns the status as the report prints it.
func (s Status) String() string {
	switch s {
	case OK:
		return "ok"
	case Warning:
		return "warning"
	case Problem:
		return "problem"
	case Skipped:
		return "skipped"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Result is the outcome of one check.
type Result struct {
	// Check names what was checked, such as "az login".
	Check  string
	Status Status
	// Detail is what the check found, on one line.
	Detail string
	// Hints are the remedies for a warning or a problem, one each.
	Hints []string
}

// Report is the list of results, in the order the checks ran.
type Report struct {
	Results []Result
}

// Add appends results to the report.
func (r *Report) Add(results ...Result) {
	r.Results = append(r.Results, results...)
}

// Problems returns the number of results with status Problem.
func (r *Report) Problems() int {
	n := 0
	for _, res := range r.Results {
		if res.Status == Problem {
			n++
		}
	}
	return n
}

// statusWidth is the width of the status column, the length of the longest
// status word and a space.
const statusWidth = 8

// Write prints one line a result, "STATUS  CHECK: DETAIL", with the status
// padded to 8 columns, and each hint on a line of its own below it, indented
// to the check's column: "        hint: REMEDY". Details and hints are
// folded onto one line, and control characters are dropped, so that a
// message from a server cannot change the terminal.
func (r *Report) Write(w io.Writer) error {
	var b strings.Builder
	for _, res := range r.Results {
		fmt.Fprintf(&b, "%-*s%s: %s\n", statusWidth, res.Status, res.Check, printable(res.Detail))
		for _, h := range res.Hints {
			fmt.Fprintf(&b, "%*shint: %s\n", statusWidth, "", printable(h))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// printable folds s onto one line and drops control characters.
func printable(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// Runner runs an executable and returns its standard output, or an error
// that quotes its standard error.
type Runner func(ctx context.Context, path string, args ...string) ([]byte, error)

// Env holds what the checks need from outside: the PATH lookup, a way to run
// the Azure CLI, the clock and a source of randomness.
type Env struct {
	// LookPath finds an executable, as exec.LookPath does.
	LookPath func(string) (string, error)
	// Run runs an executable found by LookPath.
	Run Runner
	// CLITimeout bounds each run of the Azure CLI.
	CLITimeout time.Duration
	// Now is the local clock.
	Now func() time.Time
	// Rand is the source of the random secret names that the permission
	// probes ask for.
	Rand io.Reader
}

func ok(check, detail string) Result {
	return Result{Check: check, Status: OK, Detail: detail}
}

func skipped(check, reason string) Result {
	return Result{Check: check, Status: Skipped, Detail: reason}
}

// failed returns a result with the error's message as the detail and its
// remedies, from package hint, as the hints.
func failed(check string, status Status, err error, extraHints ...string) Result {
	return Result{Check: check, Status: status, Detail: err.Error(), Hints: append(hintsOf(err), extraHints...)}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
