package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/totp-cli/totp/internal/vault"
)

func TestSetGetRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	c := newClock()
	v, _ := openVault(t, path, testPassphrase, c)
	ctx := context.Background()

	props, err := v.Set(ctx, secret("GitHub-alice", "otpauth://totp/one"))
	if err != nil {
		t.Fatalf("Set: %v", err)
	}
	if props.Name != "GitHub-alice" || !props.Enabled || !props.Created.Equal(c.now) || len(props.Version) != 32 {
		t.Errorf("Set returned %+v", props)
	}

	// A second vault on the same file decrypts it from disk.
	other, _ := openVault(t, path, testPassphrase, c)
	got, err := other.Get(ctx, "github-ALICE")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.Value != "otpauth://totp/one" {
		t.Errorf("value = %q, want %q", got.Value, "otpauth://totp/one")
	}
	if got.Name != "GitHub-alice" {
		t.Errorf("name = %q, want the case it was created with", got.Name)
	}
	if got.ContentType != "application/x-totp-test" {
		t.Errorf("content type = %q", got.ContentType)
	}
	if want := map[string]string{"issuer": "Example", "account": "GitHub-alice"}; !maps.Equal(got.Tags, want) {
		t.Errorf("tags = %v, want %v", got.Tags, want)
	}
	if got.Version != props.Version {
		t.Errorf("version = %q, want %q", got.Version, props.Version)
	}
	if v.String() != "local vault "+path || v.Path() != path {
		t.Errorf("String() = %q, Path() = %q", v.String(), v.Path())
	}
}

func TestSetKeepsCreatedCase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	c := newClock()
	v, _ := openVault(t, path, testPassphrase, c)
	ctx := context.Background()

	first, err := v.Set(ctx, secret("GitHub", "one"))
	if err != nil {
		t.Fatal(err)
	}
	c.now = c.now.Add(time.Minute)
	second, err := v.Set(ctx, secret("GITHUB", "two"))
	if err != nil {
		t.Fatal(err)
	}

	if second.Name != "GitHub" {
		t.Errorf("name after Set(GITHUB) = %q, want GitHub", second.Name)
	}
	if second.Version == first.Version {
		t.Error("second Set reused the version id")
	}
	list, err := v.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "GitHub" || list[0].Version != second.Version {
		t.Errorf("List = %+v, want one secret GitHub at the second version", list)
	}
	got, err := v.Get(ctx, "github")
	if err != nil {
		t.Fatal(err)
	}
	if got.Value != "two" || !got.Created.Equal(c.now) {
		t.Errorf("Get = %q created %v, want the second version", got.Value, got.Created)
	}
}

func TestListSortedWithoutDeleted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	v, _ := openVault(t, path, testPassphrase, nil)
	ctx := context.Background()

	for _, name := range []string{"zeta", "Alpha", "mid-1", "beta"} {
		if _, err := v.Set(ctx, secret(name, "v")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := v.Delete(ctx, "mid-1"); err != nil {
		t.Fatal(err)
	}

	list, err := v.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range list {
		names = append(names, p.Name)
	}
	if want := []string{"Alpha", "beta", "zeta"}; !slices.Equal(names, want) {
		t.Errorf("List names = %v, want %v", names, want)
	}
}

func TestVersionsCappedAtTen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	c := newClock()
	v, _ := openVault(t, path, testPassphrase, c)
	ctx := context.Background()

	for i := range 13 {
		c.now = c.now.Add(time.Second)
		if _, err := v.Set(ctx, secret("hotp", fmt.Sprintf("counter=%d", i))); err != nil {
			t.Fatal(err)
		}
	}

	doc := readDocument(t, path, testPassphrase)
	versions := doc.Secrets[0].Versions
	if len(versions) != maxVersions {
		t.Fatalf("file keeps %d versions, want %d", len(versions), maxVersions)
	}
	for i, version := range versions {
		if want := fmt.Sprintf("counter=%d", i+3); version.Value != want {
			t.Errorf("version %d = %q, want %q", i, version.Value, want)
		}
	}
	got, err := v.Get(ctx, "hotp")
	if err != nil {
		t.Fatal(err)
	}
	if got.Value != "counter=12" {
		t.Errorf("Get = %q, want the newest version", got.Value)
	}
}

func TestSoftDeleteLifecycle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	c := newClock()
	v, _ := openVault(t, path, testPassphrase, c)
	ctx := context.Background()

	if _, err := v.Set(ctx, secret("GitHub", "one")); err != nil {
		t.Fatal(err)
	}
	deleted, err := v.Delete(ctx, "github")
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	want := vault.DeletedSecret{
		Name:          "GitHub",
		DeletedOn:     c.now,
		PurgeOn:       c.now.Add(90 * 24 * time.Hour),
		RecoveryLevel: "Recoverable+Purgeable",
	}
	if deleted != want {
		t.Errorf("Delete = %+v, want %+v", deleted, want)
	}

	if _, err := v.Get(ctx, "GitHub"); !errors.Is(err, vault.ErrDeleted) {
		t.Errorf("Get after Delete: %v, want ErrDeleted", err)
	}
	if _, err := v.Set(ctx, secret("GITHUB", "two")); !errors.Is(err, vault.ErrDeleted) {
		t.Errorf("Set after Delete: %v, want ErrDeleted", err)
	}
	if _, err := v.Delete(ctx, "GitHub"); !errors.Is(err, vault.ErrDeleted) {
		t.Errorf("second Delete: %v, want ErrDeleted", err)
	}
	if got, err := v.GetDeleted(ctx, "GITHUB"); err != nil || got != want {
		t.Errorf("GetDeleted = %+v, %v, want %+v", got, err, want)
	}

	// The deleted state is in the file, not only in this Vault.
	other, _ := openVault(t, path, testPassphrase, c)
	if _, err := other.Get(ctx, "github"); !errors.Is(err, vault.ErrDeleted) {
		t.Errorf("Get from a second Vault: %v, want ErrDeleted", err)
	}

	props, err := v.Recover(ctx, "github")
	if err != nil {
		t.Fatalf("Recover: %v", err)
	}
	if props.Name != "GitHub" {
		t.Errorf("Recover name = %q", props.Name)
	}
	if got, err := v.Get(ctx, "github"); err != nil || got.Value != "one" {
		t.Errorf("Get after Recover = %q, %v", got.Value, err)
	}
	if _, err := v.GetDeleted(ctx, "github"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("GetDeleted after Recover: %v, want ErrNotFound", err)
	}
	if _, err := v.Recover(ctx, "github"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Recover of a live secret: %v, want ErrNotFound", err)
	}
	if err := v.Purge(ctx, "github"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Purge of a live secret: %v, want ErrNotFound", err)
	}

	if _, err := v.Delete(ctx, "github"); err != nil {
		t.Fatal(err)
	}
	if err := v.Purge(ctx, "GITHUB"); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if _, err := v.GetDeleted(ctx, "github"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("GetDeleted after Purge: %v, want ErrNotFound", err)
	}
	if _, err := v.Get(ctx, "github"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Get after Purge: %v, want ErrNotFound", err)
	}
	if names := secretNames(readDocument(t, path, testPassphrase)); len(names) != 0 {
		t.Errorf("file after Purge holds %v", names)
	}

	props, err = v.Set(ctx, secret("github", "three"))
	if err != nil {
		t.Fatalf("Set after Purge: %v", err)
	}
	if props.Name != "github" {
		t.Errorf("name after Purge and Set = %q, want the new case", props.Name)
	}
}

func TestDeletedSecretExpires(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	c := newClock()
	v, _ := openVault(t, path, testPassphrase, c)
	ctx := context.Background()

	for _, name := range []string{"old", "keep"} {
		if _, err := v.Set(ctx, secret(name, "v")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := v.Delete(ctx, "old"); err != nil {
		t.Fatal(err)
	}

	c.now = c.now.Add(90*24*time.Hour - time.Second)
	if _, err := v.GetDeleted(ctx, "old"); err != nil {
		t.Errorf("GetDeleted a second before the purge date: %v", err)
	}

	c.now = c.now.Add(time.Second)
	if _, err := v.GetDeleted(ctx, "old"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("GetDeleted at the purge date: %v, want ErrNotFound", err)
	}
	if names := secretNames(readDocument(t, path, testPassphrase)); !slices.Equal(names, []string{"keep", "old"}) {
		t.Errorf("file before the next write holds %v", names)
	}

	if _, err := v.Set(ctx, secret("new", "v")); err != nil {
		t.Fatal(err)
	}
	if names := secretNames(readDocument(t, path, testPassphrase)); !slices.Equal(names, []string{"keep", "new"}) {
		t.Errorf("file after the next write holds %v, want the expired secret dropped", names)
	}
	if _, err := v.Set(ctx, secret("old", "again")); err != nil {
		t.Errorf("Set of an expired name: %v", err)
	}
}

func TestMissingFileReadsEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "vault.age")
	v, calls := openVault(t, path, testPassphrase, nil)
	ctx := context.Background()

	list, err := v.List(ctx)
	if err != nil || len(list) != 0 {
		t.Errorf("List = %v, %v, want empty", list, err)
	}
	if _, err := v.Get(ctx, "x"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Get: %v, want ErrNotFound", err)
	}
	if _, err := v.GetDeleted(ctx, "x"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("GetDeleted: %v, want ErrNotFound", err)
	}
	if _, err := v.Delete(ctx, "x"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Delete: %v, want ErrNotFound", err)
	}
	if _, err := v.Recover(ctx, "x"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Recover: %v, want ErrNotFound", err)
	}
	if err := v.Purge(ctx, "x"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Purge: %v, want ErrNotFound", err)
	}

	if len(calls.calls) != 0 {
		t.Errorf("passphrase asked %d times, want none", len(calls.calls))
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("reads created the directory: %v", err)
	}
}

func TestErrorMessages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	v, _ := openVault(t, path, testPassphrase, nil)
	ctx := context.Background()
	if _, err := v.Set(ctx, secret("gone", "v")); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Delete(ctx, "gone"); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		run  func() error
		want string
		is   error
	}{
		{
			name: "get missing",
			run:  func() error { _, err := v.Get(ctx, "nope"); return err },
			want: `secret "nope" not found in local vault ` + path,
			is:   vault.ErrNotFound,
		},
		{
			name: "get deleted",
			run:  func() error { _, err := v.Get(ctx, "GONE"); return err },
			want: `secret "gone" in local vault ` + path + ` is deleted but recoverable`,
			is:   vault.ErrDeleted,
		},
		{
			name: "recover missing",
			run:  func() error { _, err := v.Recover(ctx, "nope"); return err },
			want: `deleted secret "nope" not found in local vault ` + path,
			is:   vault.ErrNotFound,
		},
		{
			name: "invalid name",
			run:  func() error { _, err := v.Get(ctx, "a b"); return err },
			want: `invalid secret name "a b": use 1 to 127 letters, digits and dashes`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tc.want {
				t.Errorf("error = %q, want %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q does not wrap %v", err, tc.is)
			}
		})
	}
}

func TestSetRejectsInvalidSecrets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	v, calls := openVault(t, path, testPassphrase, nil)
	ctx := context.Background()

	manyTags := map[string]string{}
	for i := range 16 {
		manyTags[fmt.Sprintf("t%d", i)] = "v"
	}
	cases := map[string]vault.Secret{
		"empty name":         secret("", "v"),
		"name with space":    secret("a b", "v"),
		"name with dot":      secret("a.b", "v"),
		"name with unicode":  secret("café", "v"),
		"name of 128":        secret(strings.Repeat("a", 128), "v"),
		"value too large":    secret("big", strings.Repeat("x", 25*1024+1)),
		"content type 256":   {Properties: vault.Properties{Name: "ct", ContentType: strings.Repeat("c", 256)}, Value: "v"},
		"sixteen tags":       {Properties: vault.Properties{Name: "tags", Tags: manyTags}, Value: "v"},
		"name with slash":    secret("a/b", "v"),
		"name with newline":  secret("a\nb", "v"),
		"name with trailing": secret("abc-\n", "v"),
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := v.Set(ctx, s)
			if err == nil {
				t.Fatal("Set accepted it")
			}
			checkOneLine(t, err)
		})
	}

	valid := map[string]vault.Secret{
		"name of 127":     secret(strings.Repeat("a", 127), "v"),
		"digits and dash": secret("0-9-Az", "v"),
		"value at limit":  secret("big", strings.Repeat("x", 25*1024)),
	}
	for name, s := range valid {
		t.Run(name, func(t *testing.T) {
			if _, err := v.Set(ctx, s); err != nil {
				t.Errorf("Set: %v", err)
			}
		})
	}
	if !slices.Equal(calls.calls, []bool{true}) {
		t.Errorf("passphrase calls = %v, want one for creating", calls.calls)
	}
}

func TestGetDisabled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	writeSealed(t, path, `{"format":"totp-vault","version":1,"secrets":[
		{"name":"off","versions":[{"id":"00","value":"v","enabled":false,
		 "created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z"}]}]}`)
	v, _ := openVault(t, path, testPassphrase, nil)
	ctx := context.Background()

	_, err := v.Get(ctx, "OFF")
	if !errors.Is(err, vault.ErrDisabled) {
		t.Fatalf("Get: %v, want ErrDisabled", err)
	}
	if want := `secret "off" in local vault ` + path + ` is disabled`; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	list, err := v.List(ctx)
	if err != nil || len(list) != 1 || list[0].Enabled {
		t.Errorf("List = %+v, %v, want the disabled secret", list, err)
	}
}

func TestPassphraseAskedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	ctx := context.Background()

	creator, calls := openVault(t, path, testPassphrase, nil)
	for _, name := range []string{"a", "b"} {
		if _, err := creator.Set(ctx, secret(name, "v")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := creator.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(calls.calls, []bool{true}) {
		t.Errorf("passphrase calls for a new file = %v, want [true]", calls.calls)
	}

	reader, calls := openVault(t, path, testPassphrase, nil)
	if _, err := reader.List(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := reader.Set(ctx, secret("c", "v")); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(calls.calls, []bool{false}) {
		t.Errorf("passphrase calls for an existing file = %v, want [false]", calls.calls)
	}
}

func TestPassphraseFailures(t *testing.T) {
	ctx := context.Background()

	t.Run("empty when creating", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "vault.age")
		v, _ := openVault(t, path, "", nil)
		_, err := v.Set(ctx, secret("a", "v"))
		if err == nil || err.Error() != "empty passphrase for new local vault "+path {
			t.Errorf("Set = %v, want the empty passphrase error", err)
		}
		if _, statErr := os.Stat(path); !errors.Is(statErr, os.ErrNotExist) {
			t.Errorf("file was created: %v", statErr)
		}
	})

	t.Run("empty when reading", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "vault.age")
		writeSealed(t, path, `{"format":"totp-vault","version":1,"secrets":[]}`)
		v, _ := openVault(t, path, "", nil)
		if _, err := v.List(ctx); err == nil || err.Error() != "empty passphrase for local vault "+path {
			t.Errorf("List = %v, want the empty passphrase error", err)
		}
	})

	t.Run("source fails", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "vault.age")
		failure := errors.New("no terminal")
		calls := 0
		v, err := Open(path, Options{WorkFactor: testWorkFactor, Passphrase: func(bool) ([]byte, error) {
			calls++
			return nil, failure
		}})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			_, err := v.Set(ctx, secret("a", "v"))
			if !errors.Is(err, failure) {
				t.Errorf("Set = %v, want the passphrase error", err)
			}
		}
		if calls != 1 {
			t.Errorf("passphrase source called %d times, want 1", calls)
		}
	})
}

func TestOpenOptions(t *testing.T) {
	pass := func(bool) ([]byte, error) { return []byte("p"), nil }
	for _, factor := range []int{0, 10, 18, 22} {
		if _, err := Open("v.age", Options{Passphrase: pass, WorkFactor: factor}); err != nil {
			t.Errorf("work factor %d: %v", factor, err)
		}
	}
	for _, factor := range []int{-1, 1, 9, 23, 30} {
		_, err := Open("v.age", Options{Passphrase: pass, WorkFactor: factor})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("invalid scrypt work factor %d", factor)) {
			t.Errorf("work factor %d: error %v, want it rejected", factor, err)
		}
	}
	if _, err := Open("", Options{Passphrase: pass}); err == nil {
		t.Error("empty path accepted")
	}
	if _, err := Open("v.age", Options{}); err == nil {
		t.Error("nil passphrase source accepted")
	}

	v, err := Open("rel/v.age", Options{Passphrase: pass})
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(v.Path()) || !strings.HasSuffix(v.Path(), filepath.Join("rel", "v.age")) {
		t.Errorf("Path() = %q, want the absolute path", v.Path())
	}
}

func TestReadsOtherWorkFactors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	ctx := context.Background()

	writer, err := Open(path, Options{
		Passphrase: func(bool) ([]byte, error) { return []byte(testPassphrase), nil },
		WorkFactor: 12,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Set(ctx, secret("a", "v")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "\n-> scrypt ") || !strings.Contains(strings.SplitN(string(data), "\n", 3)[1], " 12") {
		t.Fatalf("file header %q does not name work factor 12", strings.SplitN(string(data), "\n", 3)[:2])
	}

	reader, _ := openVault(t, path, testPassphrase, nil)
	if got, err := reader.Get(ctx, "a"); err != nil || got.Value != "v" {
		t.Errorf("Get = %q, %v", got.Value, err)
	}
}

func TestCacheAvoidsDecrypting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	ctx := context.Background()

	creator, _ := openVault(t, path, testPassphrase, nil)
	for _, name := range []string{"a", "b", "c"} {
		if _, err := creator.Set(ctx, secret(name, "v")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := creator.List(ctx); err != nil {
		t.Fatal(err)
	}
	if creator.decryptions != 0 {
		t.Errorf("creating vault decrypted %d times, want 0", creator.decryptions)
	}

	v, _ := openVault(t, path, testPassphrase, nil)
	if _, err := v.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Set(ctx, secret("d", "v")); err != nil {
		t.Fatal(err)
	}
	if _, err := v.SetMany(ctx, []vault.Secret{secret("e", "v"), secret("f", "v")}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.List(ctx); err != nil {
		t.Fatal(err)
	}
	if v.decryptions != 1 {
		t.Errorf("decrypted %d times for get, set, set many, list; want 1", v.decryptions)
	}

	// Another writer changes the file, so the next read decrypts again.
	if _, err := creator.Set(ctx, secret("g", "v")); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Get(ctx, "g"); err != nil {
		t.Errorf("Get of a secret added by another Vault: %v", err)
	}
	if v.decryptions != 2 {
		t.Errorf("decrypted %d times after the file changed, want 2", v.decryptions)
	}
	if got, err := creator.Get(ctx, "f"); err != nil || got.Value != "v" {
		t.Errorf("first Vault does not see the second one's write: %v", err)
	}
}

func TestSetManyWritesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	v, _ := openVault(t, path, testPassphrase, nil)
	ctx := context.Background()
	if _, err := v.Set(ctx, secret("deleted", "v")); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Delete(ctx, "deleted"); err != nil {
		t.Fatal(err)
	}

	writes := 0
	beforeRename = func(string) error { writes++; return nil }
	t.Cleanup(func() { beforeRename = nil })

	errs, err := v.SetMany(ctx, []vault.Secret{
		secret("one", "1"),
		secret("bad name", "2"),
		secret("DELETED", "3"),
		secret("two", "4"),
	})
	if err != nil {
		t.Fatalf("SetMany: %v", err)
	}
	if writes != 1 {
		t.Errorf("SetMany wrote the file %d times, want 1", writes)
	}
	if len(errs) != 4 {
		t.Fatalf("SetMany returned %d errors, want 4", len(errs))
	}
	if errs[0] != nil || errs[3] != nil {
		t.Errorf("errors for valid secrets: %v, %v", errs[0], errs[3])
	}
	if errs[1] == nil {
		t.Error("no error for an invalid name")
	}
	if !errors.Is(errs[2], vault.ErrDeleted) {
		t.Errorf("error for a deleted name = %v, want ErrDeleted", errs[2])
	}
	if names := secretNames(readDocument(t, path, testPassphrase)); !slices.Equal(names, []string{"deleted", "one", "two"}) {
		t.Errorf("file holds %v", names)
	}

	errs, err = v.SetMany(ctx, []vault.Secret{secret("bad name", "x")})
	if err != nil || len(errs) != 1 || errs[0] == nil {
		t.Errorf("SetMany of only invalid secrets = %v, %v", errs, err)
	}
	if writes != 1 {
		t.Errorf("SetMany of only invalid secrets wrote the file")
	}
}

func TestWaitForLockHonoursContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	v, _ := openVault(t, path, testPassphrase, nil)

	otherLock, err := lockFile(context.Background(), path+".lock")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = v.Set(ctx, secret("a", "v"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Set while locked = %v, want a deadline error", err)
	}
	if err != nil && !strings.Contains(err.Error(), path+".lock") {
		t.Errorf("error %q does not name the lock file", err)
	}

	otherLock.Unlock()
	if _, err := v.Set(context.Background(), secret("a", "v")); err != nil {
		t.Errorf("Set after unlock: %v", err)
	}
}

func TestFilePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permission bits")
	}
	dir := filepath.Join(t.TempDir(), "data", "totp")
	path := filepath.Join(dir, "vault.age")
	v, _ := openVault(t, path, testPassphrase, nil)
	if _, err := v.Set(context.Background(), secret("a", "v")); err != nil {
		t.Fatal(err)
	}

	for p, want := range map[string]os.FileMode{path: 0o600, path + ".lock": 0o600, dir: 0o700 | os.ModeDir} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode() != want {
			t.Errorf("mode of %s = %v, want %v", p, info.Mode(), want)
		}
	}
}

func TestSymlinkKept(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.age")
	link := filepath.Join(dir, "link.age")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot create symbolic links here: %v", err)
	}
	v, _ := openVault(t, link, testPassphrase, nil)
	ctx := context.Background()
	for _, name := range []string{"a", "b"} {
		if _, err := v.Set(ctx, secret(name, "v")); err != nil {
			t.Fatal(err)
		}
	}

	info, err := os.Lstat(link)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("write replaced the symbolic link with a %v", info.Mode())
	}
	if names := secretNames(readDocument(t, target, testPassphrase)); !slices.Equal(names, []string{"a", "b"}) {
		t.Errorf("link target holds %v", names)
	}
}

func TestDocumentFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	c := newClock()
	v, _ := openVault(t, path, testPassphrase, c)
	ctx := context.Background()
	if _, err := v.Set(ctx, secret("GitHub", "otpauth://totp/x")); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Set(ctx, secret("gone", "v")); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Delete(ctx, "gone"); err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "age-encryption.org/v1\n-> scrypt ") {
		t.Errorf("file does not start with an age scrypt header: %q", data[:min(len(data), 40)])
	}
	if strings.Contains(string(data), "otpauth") {
		t.Error("file contains the secret value in plain text")
	}
	plaintext, err := unseal(path, data, []byte(testPassphrase))
	if err != nil {
		t.Fatal(err)
	}

	var got map[string]any
	if err := json.Unmarshal(plaintext, &got); err != nil {
		t.Fatal(err)
	}
	version := got["secrets"].([]any)[0].(map[string]any)["versions"].([]any)[0].(map[string]any)
	delete(version, "id")
	want := map[string]any{
		"format":  "totp-vault",
		"version": 1.0,
		"secrets": []any{
			map[string]any{
				"name": "GitHub",
				"versions": []any{map[string]any{
					"value":       "otpauth://totp/x",
					"contentType": "application/x-totp-test",
					"tags":        map[string]any{"issuer": "Example", "account": "GitHub"},
					"enabled":     true,
					"created":     "2025-03-01T12:00:00Z",
					"updated":     "2025-03-01T12:00:00Z",
				}},
			},
			map[string]any{
				"name":    "gone",
				"deleted": map[string]any{"deletedOn": "2025-03-01T12:00:00Z", "purgeOn": "2025-05-30T12:00:00Z"},
			},
		},
	}
	// The versions of "gone" are checked through its name and state only.
	delete(got["secrets"].([]any)[1].(map[string]any), "versions")
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("document =\n%s\nwant\n%s", gotJSON, wantJSON)
	}
}
