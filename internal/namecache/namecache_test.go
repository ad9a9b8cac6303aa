package namecache

import (
	"os"
	"runtime"
	"testing"
)

func newCache(t *testing.T, vault string) *Cache {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	c, err := Open(vault)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestKnownWithoutCache(t *testing.T) {
	c := newCache(t, "key vault https://a.vault.azure.net/")
	if _, ok := c.Known("github"); ok {
		t.Error("Known reports a cache that does not exist")
	}
	if c.Entries() != nil {
		t.Error("Entries of a missing cache is not nil")
	}
}

func TestReplacePutRemove(t *testing.T) {
	c := newCache(t, "key vault https://a.vault.azure.net/")
	if err := c.Replace([]Entry{{Name: "github-alice", Issuer: "GitHub"}, {Name: "aws", Issuer: "AWS"}}); err != nil {
		t.Fatal(err)
	}

	// A new Cache reads what the first wrote, as another process would.
	d, _ := Open("key vault https://a.vault.azure.net/")
	if known, ok := d.Known("GITHUB-ALICE"); !ok || !known {
		t.Errorf("Known(GITHUB-ALICE) = %v, %v; want true, true", known, ok)
	}
	if known, _ := d.Known("github"); known {
		t.Error("a filter is reported as a known name")
	}

	if err := d.Put(Entry{Name: "bank", Issuer: "Bank"}); err != nil {
		t.Fatal(err)
	}
	if err := d.Remove("aws"); err != nil {
		t.Fatal(err)
	}
	e, _ := Open("key vault https://a.vault.azure.net/")
	var names []string
	for _, en := range e.Entries() {
		names = append(names, en.Name)
	}
	if got, want := len(names), 2; got != want || names[0] != "bank" || names[1] != "github-alice" {
		t.Errorf("entries %v, want [bank github-alice]", names)
	}

	if runtime.GOOS != "windows" {
		info, err := os.Stat(e.Path())
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("cache file mode %v, want 0600", info.Mode().Perm())
		}
	}
}

func TestVaultsKeptApart(t *testing.T) {
	c := newCache(t, "key vault https://a.vault.azure.net/")
	if err := c.Replace([]Entry{{Name: "github"}}); err != nil {
		t.Fatal(err)
	}
	other, _ := Open("key vault https://b.vault.azure.net/")
	if _, ok := other.Known("github"); ok {
		t.Error("another vault sees the first vault's cache")
	}
}

func TestCorruptCacheIgnored(t *testing.T) {
	c := newCache(t, "local vault /tmp/v.age")
	if err := c.Replace([]Entry{{Name: "x"}}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.Path(), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, _ := Open("local vault /tmp/v.age")
	if _, ok := d.Known("x"); ok {
		t.Error("a corrupt cache is trusted")
	}
}
