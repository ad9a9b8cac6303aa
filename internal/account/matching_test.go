package account

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/totp-cli/totp/internal/namecache"
	"github.com/totp-cli/totp/internal/vault"
	"github.com/totp-cli/totp/internal/vault/keyvault"
	"github.com/totp-cli/totp/internal/vault/keyvault/kvfake"
)

// withNameCache gives f's store a name cache in a temporary directory.
func withNameCache(t *testing.T, f *kvFixture) *namecache.Cache {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	c, err := namecache.Open(f.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	f.store.Names = c
	return c
}

// checkResults checks that results hold the accounts named want, in order,
// each with the key stored for it.
func checkResults(t *testing.T, f *kvFixture, results []Result, want []string) {
	t.Helper()
	var got []string
	for _, r := range results {
		got = append(got, r.Account.Name)
		if r.Err != nil {
			t.Errorf("%s: %v", r.Account.Name, r.Err)
			continue
		}
		if !r.Key.Equal(f.keys[r.Account.Name]) {
			t.Errorf("%s has another key than the one stored", r.Account.Name)
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("accounts = %v, want %v", got, want)
	}
}

// listAndReadPositions returns the positions in the log of the list
// requests and of the single-secret reads.
func listAndReadPositions(f *kvFixture) (pages, reads []int) {
	for i, r := range f.log() {
		if !r.Authorized {
			continue
		}
		switch {
		case r.Path == "/secrets" || r.Path == "/secrets/":
			pages = append(pages, i)
		case strings.HasPrefix(r.Path, "/secrets/"):
			reads = append(reads, i)
		}
	}
	return pages, reads
}

func TestReadMatchingWithoutCacheReadsAfterListing(t *testing.T) {
	f := newKVFixture(t, 12, 0, keyvault.Options{})
	results, err := f.store.ReadMatching(context.Background(), "", 4)
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, f, results, f.names)
	pages, reads := listAndReadPositions(f)
	if len(pages) != 1 || len(reads) != 12 {
		t.Errorf("%d list pages and %d reads, want 1 and 12", len(pages), len(reads))
	}
}

func TestReadMatchingOverlapsReadsWithListing(t *testing.T) {
	for _, cached := range []bool{false, true} {
		t.Run(fmt.Sprintf("name cache %v", cached), func(t *testing.T) {
			// 20 accounts at 5 a page take 4 pages, one after another.
			f := newKVFixtureWith(t, 20, kvfake.Options{PageSize: 5, Latency: 50 * time.Millisecond}, keyvault.Options{})
			if cached {
				cache := withNameCache(t, f)
				if _, err := f.store.List(context.Background(), ""); err != nil {
					t.Fatal(err)
				}
				if n := len(cache.Entries()); n != 20 {
					t.Fatalf("the name cache holds %d names after listing, want 20", n)
				}
				f.resetLog()
			}

			results, err := f.store.ReadMatching(context.Background(), "", 20)
			if err != nil {
				t.Fatal(err)
			}
			checkResults(t, f, results, f.names)
			pages, reads := listAndReadPositions(f)
			if len(pages) != 4 || len(reads) != 20 {
				t.Fatalf("%d list pages and %d reads, want 4 and 20", len(pages), len(reads))
			}
			// Reads of a page's accounts start as the page arrives, so the
			// 15 accounts of the first 3 pages can be read before the last
			// page ends. With the cache, the last page's accounts are read
			// from the start too, so more than 15 reads end before it.
			last := pages[len(pages)-1]
			before := 0
			for _, r := range reads {
				if r < last {
					before++
				}
			}
			if before == 0 {
				t.Errorf("every read came after the last list page (log positions %v, pages %v), want them to overlap", reads, pages)
			}
			if cached && before <= 15 {
				t.Errorf("with a name cache, %d reads ended before the last page (log positions %v, pages %v), want more than the first 3 pages' 15", before, reads, pages)
			}
		})
	}
}

func TestReadMatchingStaleCache(t *testing.T) {
	f := newKVFixture(t, 5, 0, keyvault.Options{})
	cache := withNameCache(t, f)
	// The cache lists acct-05, which is not in the vault, and lacks acct-00
	// and acct-01.
	var entries []namecache.Entry
	for _, n := range []string{"acct-02", "acct-03", "acct-04", "acct-05"} {
		entries = append(entries, namecache.Entry{Name: n, Issuer: "x"})
	}
	if err := cache.Replace(entries); err != nil {
		t.Fatal(err)
	}
	f.srv.SetEnabled("acct-03", false)

	results, err := f.store.ReadMatching(context.Background(), "", 8)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range results {
		names = append(names, r.Account.Name)
	}
	if got := strings.Join(names, " "); got != "acct-00 acct-01 acct-02 acct-03 acct-04" {
		t.Errorf("accounts = %s, want the listed ones: acct-00 to acct-04", got)
	}
	for _, r := range results {
		switch {
		case r.Account.Name == "acct-03":
			if !errors.Is(r.Err, vault.ErrDisabled) || r.Account.Enabled {
				t.Errorf("disabled acct-03: err %v, enabled %v; want ErrDisabled from the listing", r.Err, r.Account.Enabled)
			}
		case r.Err != nil:
			t.Errorf("%s: %v", r.Account.Name, r.Err)
		case !r.Key.Equal(f.keys[r.Account.Name]):
			t.Errorf("%s has another key than the one stored", r.Account.Name)
		}
	}
}

func TestReadMatchingFilter(t *testing.T) {
	f := newKVFixture(t, 12, 0, keyvault.Options{})
	withNameCache(t, f)
	if _, err := f.store.List(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	f.resetLog()

	// Issuer10 and Issuer11 match by issuer, cached; user03 matches only by
	// the user name, which the cache does not hold.
	results, err := f.store.ReadMatching(context.Background(), "issuer1", 8)
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, f, results, []string{"acct-10", "acct-11"})
	results, err = f.store.ReadMatching(context.Background(), "user03", 8)
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, f, results, []string{"acct-03"})
	_, reads := listAndReadPositions(f)
	if len(reads) != 3 {
		t.Errorf("%d reads for 3 matching accounts, want 3", len(reads))
	}
}

func TestReadMatchingListError(t *testing.T) {
	f := newKVFixture(t, 4, 0, keyvault.Options{MaxRetries: -1})
	withNameCache(t, f)
	if _, err := f.store.List(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	f.srv.Inject(kvfake.Fault{Method: http.MethodGet, PathPrefix: "/secrets", Status: http.StatusForbidden})
	if _, err := f.store.ReadMatching(context.Background(), "", 8); err == nil {
		t.Error("ReadMatching succeeded although listing was forbidden")
	}
}
