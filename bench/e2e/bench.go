package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/totp"
	"github.com/totp-cli/totp/internal/vault/keyvault/kvfake"
)

// scenario is one measured command.
type scenario struct {
	label string
	// accounts is the size of the vault the command runs against.
	accounts int
	// program is "totp" when empty, else "oneget" or "az".
	program string
	args    []string
	// warm reuses one home directory, after an unmeasured first run, so the
	// name cache (and any token cache) is filled. Otherwise each run gets a
	// new, empty home directory.
	warm bool
	// watch runs the command on a pseudo-terminal and measures the time to
	// its first frame.
	watch bool
}

// row is the outcome of a scenario.
type row struct {
	label            string
	requests         string
	median, min, max time.Duration
	// skipped is the reason the scenario was not measured, if it was not.
	skipped string
}

// bench holds the fake vaults and the environment of the runs.
type bench struct {
	c     config
	dir   string
	bin   string
	azBin string
	// vaults are fake vaults by number of accounts.
	vaults map[int]*kvfake.Server
	homes  int
}

func newBench(c config, dir, bin string) (*bench, error) {
	b := &bench{c: c, dir: dir, bin: bin, azBin: filepath.Join(dir, "az"), vaults: map[int]*kvfake.Server{}}
	if err := os.MkdirAll(b.azBin, 0o755); err != nil {
		return nil, err
	}
	if _, err := kvfake.WriteAz(b.azBin, kvfake.AzOK, kvfake.AzOptions{}); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *bench) close() {
	for _, srv := range b.vaults {
		srv.Close()
	}
}

func accountName(i int) string { return fmt.Sprintf("bench-%03d", i) }
func issuerName(i int) string  { return fmt.Sprintf("Issuer%03d", i) }

// vault returns the fake vault with n accounts, starting it on first use.
func (b *bench) vault(n int) (*kvfake.Server, error) {
	if srv, ok := b.vaults[n]; ok {
		return srv, nil
	}
	srv, err := kvfake.Start(kvfake.Options{Latency: b.c.latency, RoundTrip: b.c.roundTrip})
	if err != nil {
		return nil, err
	}
	for i := range n {
		key := totp.Key{
			Type: totp.TOTP, Issuer: issuerName(i), Account: fmt.Sprintf("user%03d@example.com", i),
			Secret: []byte(fmt.Sprintf("benchmark secret %03d", i)), Algorithm: totp.SHA1, Digits: 6, Period: 30,
		}
		s := account.ToSecret(accountName(i), key)
		srv.Seed(s.Name, s.Value, s.ContentType, s.Tags)
	}
	b.vaults[n] = srv
	return srv, nil
}

// newHome returns a new, empty home directory.
func (b *bench) newHome() (string, error) {
	b.homes++
	home := filepath.Join(b.dir, fmt.Sprintf("home-%d", b.homes))
	return home, os.MkdirAll(home, 0o755)
}

// env returns the environment of a run against srv with home as the home
// directory.
func (b *bench) env(srv *kvfake.Server, home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "PATH" || name == "HOME" || strings.HasPrefix(name, "XDG_") || strings.HasPrefix(name, "TOTP_") || strings.HasPrefix(name, "AZURE_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"PATH="+b.azBin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"AZURE_CONFIG_DIR="+filepath.Join(home, ".azure"),
		"TOTP_VAULT="+srv.URL,
		"TOTP_ALLOW_CUSTOM_ENDPOINT=1",
		"SSL_CERT_FILE="+srv.CertFile,
		"ONEGET_TOKEN="+kvfake.DefaultToken,
		"NO_COLOR=1",
		"TERM=xterm-256color",
	)
}

// measure runs s b.c.runs times and summarises the wall times and requests.
func (b *bench) measure(s scenario) (row, error) {
	r := row{label: s.label}
	if s.watch && !ptySupported {
		r.skipped = "needs a pseudo-terminal, which this benchmark opens only on Linux"
		return r, nil
	}
	srv, err := b.vault(s.accounts)
	if err != nil {
		return r, err
	}

	var home string
	if s.warm {
		if home, err = b.newHome(); err != nil {
			return r, err
		}
		if _, err := b.runOnce(s, srv, home); err != nil {
			return r, fmt.Errorf("warm-up run: %w", err)
		}
	}

	var times []time.Duration
	requests := map[string]bool{}
	var order []string
	for range b.c.runs {
		if !s.warm {
			if home, err = b.newHome(); err != nil {
				return r, err
			}
		}
		srv.ResetRequests()
		d, err := b.runOnce(s, srv, home)
		if err != nil {
			return r, err
		}
		times = append(times, d)
		count := countRequests(srv.Requests())
		if !requests[count] {
			requests[count] = true
			order = append(order, count)
		}
	}

	slices.Sort(times)
	r.median = times[len(times)/2]
	r.min, r.max = times[0], times[len(times)-1]
	r.requests = strings.Join(order, " or ")
	return r, nil
}

// countRequests describes a request log as "challenges + signed requests".
func countRequests(log []kvfake.Request) string {
	var anonymous, signed int
	for _, r := range log {
		if r.Authorized {
			signed++
		} else {
			anonymous++
		}
	}
	return fmt.Sprintf("%d + %d", anonymous, signed)
}

// runOnce runs the scenario's program once and returns its wall time: until
// it exits, or until its first frame for watch.
func (b *bench) runOnce(s scenario, srv *kvfake.Server, home string) (time.Duration, error) {
	program := s.program
	if program == "" {
		program = "totp"
	}
	path := filepath.Join(b.bin, program)
	if program == "az" {
		path = filepath.Join(b.azBin, "az")
	}
	env := b.env(srv, home)

	if s.watch {
		// The board's filter prompt, which appears with its first frame.
		// The account count alone would also match the progress line.
		return runWatch(path, s.args, env, []byte("Type to filter"))
	}

	cmd := exec.Command(path, s.args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w\n%s", program, strings.Join(s.args, " "), err, stderr.String())
	}
	if program == "totp" && s.args[0] == "code" && !sixDigits.Match(stdout.Bytes()) {
		return 0, fmt.Errorf("totp %s printed %q, want a 6-digit code", strings.Join(s.args, " "), stdout.String())
	}
	return elapsed, nil
}

var sixDigits = regexp.MustCompile(`^\d{6}\n$`)

// machine describes the computer the benchmark runs on.
func machine() string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	kernel := ""
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = ", Linux " + strings.TrimSpace(string(data))
	}
	return fmt.Sprintf("%s, %d logical CPUs, %s/%s%s, %s", cpu, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, kernel, runtime.Version())
}
