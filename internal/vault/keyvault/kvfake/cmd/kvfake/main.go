// Command kvfake runs the fake Key Vault from package kvfake until it is
// interrupted, for trying totp by hand and for benchmarks.
//
// It starts the server on 127.0.0.1, writes a fake az into a directory, and
// prints the environment to use, one KEY=VALUE line each:
//
//	TOTP_VAULT=https://127.0.0.1:PORT/
//	TOTP_ALLOW_CUSTOM_ENDPOINT=1
//	SSL_CERT_FILE=/tmp/kvfake-.../kvfake-cert.pem
//	PATH=/tmp/kvfake-az-...:$PATH (expanded)
//
// With -env FILE it also writes those lines as `export` commands to FILE, so
// another shell can source it while kvfake keeps running.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/totp-cli/totp/internal/vault/keyvault/kvfake"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		stop()
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "kvfake:", err)
		os.Exit(1)
	}
}

// config holds the parsed command-line flags.
type config struct {
	azDir     string
	azMode    string
	azDelay   time.Duration
	pageSize  int
	latency   time.Duration
	roundTrip time.Duration
	accessPol bool
	deny      string
	envFile   string
	azLog     string
	verbose   bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	flags := flag.NewFlagSet("kvfake", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprint(stderr, `Usage: kvfake [flags]

kvfake serves a fake Azure Key Vault on 127.0.0.1 over TLS until it is
interrupted, writes a fake az that prints the token it accepts
(`+kvfake.DefaultToken+`), and prints the environment to use on standard output,
one KEY=VALUE line each: TOTP_VAULT, TOTP_ALLOW_CUSTOM_ENDPOINT,
SSL_CERT_FILE and PATH with the fake az first. Secrets live in memory only,
so a restart starts empty.

Flags:
`)
		flags.PrintDefaults()
	}
	flags.StringVar(&c.azDir, "az-dir", "", "directory to write the fake az into (default: a new temporary directory)")
	flags.StringVar(&c.azMode, "az", "ok", "fake az mode: ok, not-logged-in, expired, hang, fail or slow")
	flags.DurationVar(&c.azDelay, "az-delay", 2*time.Second, "how long the fake az waits in slow mode")
	flags.IntVar(&c.pageSize, "page-size", kvfake.MaxPageSize, "secrets per list page, 1 to 25")
	flags.DurationVar(&c.latency, "latency", 0, "delay added before every response")
	flags.DurationVar(&c.roundTrip, "round-trip", 0, "round-trip time of a simulated network link, which also delays the TCP and TLS handshakes; 0 turns it off")
	flags.BoolVar(&c.accessPol, "access-policy", false, "report denied operations as vault access policies do instead of RBAC")
	flags.StringVar(&c.deny, "deny", "", "comma-separated operations to deny with 403: get, list, set, delete, recover, purge")
	flags.StringVar(&c.envFile, "env", "", "also write the environment as export lines to this file")
	flags.StringVar(&c.azLog, "az-log", "", "append one line to this file for each run of the fake az, with its arguments")
	flags.BoolVar(&c.verbose, "v", false, "log every request on standard error")
	if err := flags.Parse(args); err != nil {
		return c, err
	}
	if flags.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q; kvfake takes only flags", flags.Arg(0))
	}
	if c.azLog != "" {
		// The fake az runs in the working directory of the program that calls
		// it, so a relative path would name another file.
		abs, err := filepath.Abs(c.azLog)
		if err != nil {
			return c, fmt.Errorf("invalid -az-log %q: %w", c.azLog, err)
		}
		c.azLog = abs
	}
	return c, nil
}

// run serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	mode, err := kvfake.ParseAzMode(c.azMode)
	if err != nil {
		return err
	}

	opts := kvfake.Options{PageSize: c.pageSize, Latency: c.latency, RoundTrip: c.roundTrip, Denied: map[string]bool{}}
	if c.accessPol {
		opts.Authorization = kvfake.AccessPolicy
	}
	for _, operation := range strings.Split(c.deny, ",") {
		if operation = strings.TrimSpace(operation); operation != "" {
			opts.Denied[operation] = true
		}
	}
	if c.verbose {
		opts.OnRequest = func(r kvfake.Request) {
			fmt.Fprintf(stderr, "%s %s?%s authorized=%v status=%d\n", r.Method, r.Path, r.Query, r.Authorized, r.Status)
		}
	}

	srv, err := kvfake.Start(opts)
	if err != nil {
		return err
	}
	defer srv.Close()

	azDir, removeAzDir, err := prepareAzDir(c.azDir)
	if err != nil {
		return err
	}
	defer removeAzDir()
	if _, err := kvfake.WriteAz(azDir, mode, kvfake.AzOptions{Delay: c.azDelay, LogFile: c.azLog}); err != nil {
		return err
	}

	env := []string{
		"TOTP_VAULT=" + srv.URL,
		"TOTP_ALLOW_CUSTOM_ENDPOINT=1",
		"SSL_CERT_FILE=" + srv.CertFile,
		"PATH=" + azDir + string(os.PathListSeparator) + os.Getenv("PATH"),
	}
	for _, line := range env {
		fmt.Fprintln(stdout, line)
	}
	if c.envFile != "" {
		if err := writeEnvFile(c.envFile, env); err != nil {
			return err
		}
	}

	fmt.Fprintln(stderr, "kvfake: serving until interrupted")
	<-ctx.Done()
	return nil
}

// prepareAzDir returns the directory for the fake az and a function that
// removes it when kvfake created it.
func prepareAzDir(dir string) (string, func(), error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", nil, fmt.Errorf("creating the az directory %s: %w", dir, err)
		}
		return dir, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "kvfake-az-")
	if err != nil {
		return "", nil, fmt.Errorf("creating a directory for the fake az: %w", err)
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// writeEnvFile writes env as POSIX shell export lines with single-quoted
// values.
func writeEnvFile(path string, env []string) error {
	var b strings.Builder
	for _, line := range env {
		key, value, _ := strings.Cut(line, "=")
		fmt.Fprintf(&b, "export %s='%s'\n", key, strings.ReplaceAll(value, "'", `'\''`))
	}
	if err := os.WriteFile(filepath.Clean(path), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("writing the environment file: %w", err)
	}
	return nil
}
