package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/vault"
)

// newVaultWithAccounts writes a vault file holding the given secret names.
func newVaultWithAccounts(t *testing.T, path string, names ...string) {
	t.Helper()
	v, _ := openVault(t, path, testPassphrase, nil)
	var secrets []vault.Secret
	for _, name := range names {
		secrets = append(secrets, secret(name, "value of "+name))
	}
	errs, err := v.SetMany(context.Background(), secrets)
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func tempFiles(t *testing.T, path string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(path), tempPrefix(path)+"*"))
	if err != nil {
		t.Fatal(err)
	}
	return matches
}

// checkAccounts checks that the vault file at path decrypts and holds
// exactly the names, each with its value.
func checkAccounts(t *testing.T, path string, names []string) {
	t.Helper()
	doc := readDocument(t, path, testPassphrase)
	if got := secretNames(doc); !slices.Equal(got, names) {
		t.Fatalf("vault holds %v, want %v", got, names)
	}
	for _, s := range doc.Secrets {
		if got, want := s.latest().Value, "value of "+s.Name; got != want {
			t.Errorf("value of %s = %q, want %q", s.Name, got, want)
		}
	}
}

func TestWrongPassphrase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	newVaultWithAccounts(t, path, "a", "b")
	before := fileSum(t, path)

	v, _ := openVault(t, path, "not the passphrase", nil)
	ctx := context.Background()
	_, err := v.Get(ctx, "a")
	if !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("Get = %v, want ErrWrongPassphrase", err)
	}
	if want := "wrong passphrase for local vault " + path; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	hints := hint.Hints(err)
	if len(hints) != 1 || !strings.Contains(hints[0], "TOTP_PASSPHRASE") {
		t.Errorf("hints = %q, want one naming TOTP_PASSPHRASE", hints)
	}

	if _, err := v.Set(ctx, secret("c", "v")); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("Set = %v, want ErrWrongPassphrase", err)
	}
	if fileSum(t, path) != before {
		t.Error("Set with a wrong passphrase changed the file")
	}
}

func TestBadFilesRejected(t *testing.T) {
	valid, err := seal([]byte(`{"format":"totp-vault","version":1,"secrets":[]}`), []byte(testPassphrase), testWorkFactor)
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := bytes.Cut(valid, []byte("\n---"))
	sealed := func(plaintext string) []byte {
		data, err := seal([]byte(plaintext), []byte(testPassphrase), testWorkFactor)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	x25519File := func() []byte {
		identity, err := age.GenerateX25519Identity()
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		w, err := age.Encrypt(&out, identity.Recipient())
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(`{"format":"totp-vault","version":1,"secrets":[]}`))
		w.Close()
		return out.Bytes()
	}
	corrupted := bytes.Clone(valid)
	corrupted[len(corrupted)-1] ^= 1
	// The work factor is checked before any scrypt work, so the header MAC,
	// which this edit breaks, is never reached.
	tooHard := bytes.Replace(valid, []byte(fmt.Sprintf(" %d\n", testWorkFactor)), []byte(" 23\n"), 1)

	cases := []struct {
		name string
		data []byte
		want string // the error after "local vault PATH"
	}{
		{"plain text", []byte("hello\n"), " is not an age-encrypted file"},
		{"empty file", nil, " is an empty file, not an age-encrypted file"},
		{"unencrypted document", []byte(`{"format":"totp-vault","version":1,"secrets":[]}`), " is not an age-encrypted file"},
		{"age key file", x25519File(), " is encrypted to age recipients of type X25519, not to a passphrase"},
		{"truncated header", header[:30], ": failed to read header"},
		{"header only", header, ": failed to read header"},
		{"truncated payload", valid[:len(valid)-5], " is truncated or corrupted"},
		{"corrupted payload", corrupted, " is truncated or corrupted"},
		{"work factor 23", tooHard, ": scrypt work factor too large: 23"},
		{"not json", sealed("format: totp-vault"), " does not contain a totp vault document"},
		{"other format", sealed(`{"format":"pass-store","version":1}`), ` has format "pass-store", expected "totp-vault"`},
		{"no format", sealed(`{"secrets":[]}`), ` has format "", expected "totp-vault"`},
		{"newer version", sealed(`{"format":"totp-vault","version":2,"secrets":[]}`), " has format version 2, but this totp reads only version 1"},
		{"unknown field", sealed(`{"format":"totp-vault","version":1,"secrets":[],"keys":[]}`), ` contains an invalid totp vault document: json: unknown field "keys"`},
		{"duplicate names", sealed(`{"format":"totp-vault","version":1,"secrets":[
			{"name":"A","versions":[{"id":"1","value":"v","enabled":true}]},
			{"name":"a","versions":[{"id":"2","value":"v","enabled":true}]}]}`), ` contains an invalid totp vault document: secret name "a" appears twice`},
		{"no versions", sealed(`{"format":"totp-vault","version":1,"secrets":[{"name":"a","versions":[]}]}`), ` contains an invalid totp vault document: secret "a" has no versions`},
		{"invalid name", sealed(`{"format":"totp-vault","version":1,"secrets":[{"name":"a b","versions":[{"id":"1"}]}]}`), ` contains an invalid totp vault document: secret 0 has the invalid name "a b"`},
		{"null secret", sealed(`{"format":"totp-vault","version":1,"secrets":[null]}`), ` contains an invalid totp vault document: secret 0 is null`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "vault.age")
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			v, _ := openVault(t, path, testPassphrase, nil)
			ctx := context.Background()

			_, err := v.List(ctx)
			if err == nil {
				t.Fatal("List accepted the file")
			}
			if !strings.Contains(err.Error(), "local vault "+path+tc.want) {
				t.Errorf("error = %q, want it to contain %q", err, "local vault "+path+tc.want)
			}
			checkOneLine(t, err)
			if errors.Is(err, ErrWrongPassphrase) {
				t.Errorf("error %q claims a wrong passphrase", err)
			}

			if _, err := v.Set(ctx, secret("new", "v")); err == nil {
				t.Error("Set wrote over the file")
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, tc.data) {
				t.Error("Set changed the file")
			}
			if leftovers := tempFiles(t, path); len(leftovers) != 0 {
				t.Errorf("temporary files left: %v", leftovers)
			}
		})
	}
}

func TestArmoredFileAccepted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	recipient, err := age.NewScryptRecipient(testPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	recipient.SetWorkFactor(testWorkFactor)
	var out bytes.Buffer
	armored := armor.NewWriter(&out)
	w, err := age.Encrypt(armored, recipient)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`{"format":"totp-vault","version":1,"secrets":[{"name":"a","versions":[{"id":"1","value":"value of a","enabled":true}]}]}`))
	w.Close()
	armored.Close()
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	v, _ := openVault(t, path, testPassphrase, nil)
	ctx := context.Background()
	if got, err := v.Get(ctx, "a"); err != nil || got.Value != "value of a" {
		t.Fatalf("Get = %q, %v", got.Value, err)
	}
	if _, err := v.Set(ctx, secret("b", "value of b")); err != nil {
		t.Fatal(err)
	}
	checkAccounts(t, path, []string{"a", "b"})
}

// TestReadsAgeCLIFile opens a file that the age command-line tool encrypted
// (see testdata/make-golden.sh). It runs scrypt at age's work factor of 18,
// about a second.
func TestReadsAgeCLIFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "age-cli.age"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "vault.age")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	c := &clock{now: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)}
	v, _ := openVault(t, path, "totp golden test", c)
	ctx := context.Background()

	list, err := v.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "Example-alice" || list[0].Tags["account"] != "alice@example.com" {
		t.Errorf("List = %+v", list)
	}
	got, err := v.Get(ctx, "example-ALICE")
	if err != nil {
		t.Fatal(err)
	}
	want := "otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example&algorithm=SHA1&digits=6&period=30"
	if got.Value != want || got.Version != "0123456789abcdef0123456789abcdef" {
		t.Errorf("Get = %q version %q", got.Value, got.Version)
	}
	if !got.Created.Equal(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("created = %v", got.Created)
	}
	deleted, err := v.GetDeleted(ctx, "old-account")
	if err != nil {
		t.Fatal(err)
	}
	if !deleted.PurgeOn.Equal(time.Date(2025, 4, 10, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("purge date = %v", deleted.PurgeOn)
	}
}

func TestFailedWriteKeepsOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	accounts := []string{"a", "b", "c", "d", "e"}
	newVaultWithAccounts(t, path, accounts...)
	before := fileSum(t, path)

	v, _ := openVault(t, path, testPassphrase, nil)
	ctx := context.Background()
	if _, err := v.List(ctx); err != nil {
		t.Fatal(err)
	}
	injected := errors.New("disk full")
	beforeRename = func(string) error { return injected }
	t.Cleanup(func() { beforeRename = nil })

	_, err := v.Set(ctx, secret("f", "value of f"))
	if !errors.Is(err, injected) {
		t.Fatalf("Set = %v, want the injected failure", err)
	}
	if fileSum(t, path) != before {
		t.Error("failed write changed the vault file")
	}
	checkAccounts(t, path, accounts)
	if leftovers := tempFiles(t, path); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	// The Vault drops the change that was not written.
	beforeRename = nil
	if _, err := v.Get(ctx, "f"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Get of the unwritten secret = %v, want ErrNotFound", err)
	}
	if _, err := v.Set(ctx, secret("g", "value of g")); err != nil {
		t.Fatal(err)
	}
	checkAccounts(t, path, append(accounts, "g"))
}

// TestKilledWriterKeepsOldFile kills a writer process after it wrote and
// synced its temporary file and before its rename.
func TestKilledWriterKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.age")
	accounts := []string{"a", "b", "c", "d", "e"}
	newVaultWithAccounts(t, path, accounts...)
	before := fileSum(t, path)

	marker := filepath.Join(dir, "holding")
	child := childCommand("hold", path, "killed")
	child.Env = append(child.Env, childMarkerEnv+"="+marker)
	var stderr bytes.Buffer
	child.Stderr = &stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()

	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("writer did not reach the rename within 30s; stderr: %s", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}

	// The writer holds the lock while it waits.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if lock, err := lockFile(ctx, path+".lock"); err == nil {
		lock.Unlock()
		t.Error("lock was free while the writer was between write and rename")
	}

	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	if fileSum(t, path) != before {
		t.Error("killed writer changed the vault file")
	}
	checkAccounts(t, path, accounts)
	if leftovers := tempFiles(t, path); len(leftovers) != 1 {
		t.Errorf("temporary files after the kill: %v, want the writer's one", leftovers)
	}

	// The kill released the lock, and the next write removes the leftover.
	v, _ := openVault(t, path, testPassphrase, nil)
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := v.Set(ctx, secret("after", "value of after")); err != nil {
		t.Fatalf("Set after the kill: %v", err)
	}
	checkAccounts(t, path, []string{"a", "after", "b", "c", "d", "e"})
	if leftovers := tempFiles(t, path); len(leftovers) != 0 {
		t.Errorf("temporary files after the next write: %v", leftovers)
	}
}

// TestConcurrentProcesses starts twenty processes at once that each add one
// secret to the same vault file, which does not exist yet.
func TestConcurrentProcesses(t *testing.T) {
	const processes = 20
	path := filepath.Join(t.TempDir(), "totp", "vault.age")

	type child struct {
		name   string
		stderr bytes.Buffer
		done   chan error
	}
	children := make([]*child, processes)
	var names []string
	for i := range children {
		c := &child{name: fmt.Sprintf("account-%02d", i), done: make(chan error, 1)}
		cmd := childCommand("set", path, c.name)
		cmd.Stderr = &c.stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { c.done <- cmd.Wait() }()
		children[i] = c
		names = append(names, c.name)
	}
	for _, c := range children {
		if err := <-c.done; err != nil {
			t.Errorf("process adding %s: %v: %s", c.name, err, c.stderr.String())
		}
	}

	checkAccounts(t, path, names)
	for _, s := range readDocument(t, path, testPassphrase).Secrets {
		if len(s.Versions) != 1 {
			t.Errorf("%s has %d versions, want 1", s.Name, len(s.Versions))
		}
	}
	if leftovers := tempFiles(t, path); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestDefaultPath(t *testing.T) {
	cases := []struct {
		name string
		goos string
		env  map[string]string
		want string
	}{
		{"linux xdg", "linux", map[string]string{"XDG_DATA_HOME": "/data", "HOME": "/home/me"}, filepath.Join("/data", "totp", "vault.age")},
		{"linux home", "linux", map[string]string{"HOME": "/home/me"}, filepath.Join("/home/me", ".local", "share", "totp", "vault.age")},
		{"linux relative xdg", "linux", map[string]string{"XDG_DATA_HOME": "data", "HOME": "/home/me"}, filepath.Join("/home/me", ".local", "share", "totp", "vault.age")},
		{"freebsd", "freebsd", map[string]string{"HOME": "/home/me"}, filepath.Join("/home/me", ".local", "share", "totp", "vault.age")},
		{"darwin", "darwin", map[string]string{"HOME": "/Users/me", "XDG_DATA_HOME": "/data"}, filepath.Join("/Users/me", "Library", "Application Support", "totp", "vault.age")},
		{"windows", "windows", map[string]string{"LocalAppData": `C:\Users\me\AppData\Local`}, filepath.Join(`C:\Users\me\AppData\Local`, "totp", "vault.age")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := defaultPath(tc.goos, func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("defaultPath = %q, want %q", got, tc.want)
			}
		})
	}

	for _, goos := range []string{"linux", "darwin", "windows"} {
		_, err := defaultPath(goos, func(string) string { return "" })
		if err == nil {
			t.Errorf("%s without environment: no error", goos)
			continue
		}
		if hints := hint.Hints(err); len(hints) != 1 || !strings.Contains(hints[0], "--vault file:PATH") {
			t.Errorf("%s: hints = %q, want one naming --vault file:PATH", goos, hints)
		}
	}

	if runtime.GOOS == "linux" {
		t.Setenv("XDG_DATA_HOME", "/xdg")
		if got, err := DefaultPath(); err != nil || got != "/xdg/totp/vault.age" {
			t.Errorf("DefaultPath() = %q, %v, want /xdg/totp/vault.age", got, err)
		}
	}
}

// TestConcurrentGoroutines writes through two Vaults on one file from many
// goroutines: the mutex orders the goroutines of one Vault, and the file lock
// orders the two Vaults.
func TestConcurrentGoroutines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	first, _ := openVault(t, path, testPassphrase, nil)
	second, _ := openVault(t, path, testPassphrase, nil)
	ctx := context.Background()

	var names []string
	errs := make(chan error, 20)
	for i := range 20 {
		name := fmt.Sprintf("account-%02d", i)
		names = append(names, name)
		v := first
		if i%2 == 1 {
			v = second
		}
		go func() {
			_, err := v.Set(ctx, secret(name, "value of "+name))
			errs <- err
		}()
	}
	for range 20 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	checkAccounts(t, path, names)
}
