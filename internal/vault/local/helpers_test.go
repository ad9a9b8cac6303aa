package local

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/totp-cli/totp/internal/vault"
)

// testWorkFactor keeps scrypt at a few milliseconds per run.
const testWorkFactor = MinWorkFactor

const testPassphrase = "correct horse battery staple"

// Child process modes, chosen by the environment variable childModeEnv. The
// test binary re-executes itself in these modes to test several processes
// writing one vault file.
const (
	childModeEnv = "TOTP_LOCAL_TEST_CHILD"
	childPathEnv = "TOTP_LOCAL_TEST_PATH"
	childNameEnv = "TOTP_LOCAL_TEST_NAME"
	// childMarkerEnv names the file that a "hold" child creates once its
	// temporary file is written and it waits before the rename.
	childMarkerEnv = "TOTP_LOCAL_TEST_MARKER"
)

func TestMain(m *testing.M) {
	switch os.Getenv(childModeEnv) {
	case "":
		os.Exit(m.Run())
	case "set":
		os.Exit(runChildSet())
	case "hold":
		beforeRename = func(string) error {
			if err := os.WriteFile(os.Getenv(childMarkerEnv), nil, 0o600); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(3)
			}
			select {} // Wait here until the parent kills this process.
		}
		os.Exit(runChildSet())
	default:
		fmt.Fprintf(os.Stderr, "unknown %s %q\n", childModeEnv, os.Getenv(childModeEnv))
		os.Exit(2)
	}
}

// runChildSet stores one secret, as one `totp add` process would.
func runChildSet() int {
	v, err := Open(os.Getenv(childPathEnv), Options{
		Passphrase: func(bool) ([]byte, error) { return []byte(testPassphrase), nil },
		WorkFactor: testWorkFactor,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := os.Getenv(childNameEnv)
	if _, err := v.Set(ctx, vault.Secret{Value: "value of " + name, Properties: vault.Properties{Name: name}}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// childCommand returns a command that runs the test binary in mode to set
// the secret name in the vault file at path.
func childCommand(mode, path, name string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childModeEnv+"="+mode, childPathEnv+"="+path, childNameEnv+"="+name)
	return cmd
}

// clock is a settable time source.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func newClock() *clock {
	return &clock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

// passphraseCalls records the creating argument of each passphrase call.
type passphraseCalls struct {
	pass  string
	calls []bool
}

func (p *passphraseCalls) get(creating bool) ([]byte, error) {
	p.calls = append(p.calls, creating)
	return []byte(p.pass), nil
}

func openVault(t *testing.T, path, pass string, c *clock) (*Vault, *passphraseCalls) {
	t.Helper()
	calls := &passphraseCalls{pass: pass}
	opts := Options{Passphrase: calls.get, WorkFactor: testWorkFactor}
	if c != nil {
		opts.Now = c.Now
	}
	v, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	return v, calls
}

func secret(name, value string) vault.Secret {
	return vault.Secret{
		Properties: vault.Properties{
			Name:        name,
			ContentType: "application/x-totp-test",
			Tags:        map[string]string{"issuer": "Example", "account": name},
		},
		Value: value,
	}
}

// readDocument decrypts the vault file at path independently of any Vault.
func readDocument(t *testing.T, path, pass string) *document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	plaintext, err := unseal(path, data, []byte(pass))
	if err != nil {
		t.Fatalf("decrypting %s: %v", path, err)
	}
	doc, err := decodeDocument(path, plaintext)
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	return doc
}

func secretNames(doc *document) []string {
	var names []string
	for _, s := range doc.Secrets {
		names = append(names, s.Name)
	}
	return names
}

func fileSum(t *testing.T, path string) [sha256.Size]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

func writeSealed(t *testing.T, path string, plaintext string) {
	t.Helper()
	data, err := seal([]byte(plaintext), []byte(testPassphrase), testWorkFactor)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func checkOneLine(t *testing.T, err error) {
	t.Helper()
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q spans several lines", err)
	}
}
