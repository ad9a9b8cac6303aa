package account

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/totp"
	"github.com/totp-cli/totp/internal/vault"
	"github.com/totp-cli/totp/internal/vault/local"
)

// newStore returns a store on a new local vault file with a fast work factor.
func newStore(t *testing.T) *Store {
	t.Helper()
	v, err := local.Open(filepath.Join(t.TempDir(), "vault.age"), local.Options{
		Passphrase: func(bool) ([]byte, error) { return []byte("test passphrase"), nil },
		WorkFactor: 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Store{Vault: v}
}

func mustParse(t *testing.T, uri string) totp.Key {
	t.Helper()
	k, err := totp.ParseURI(uri)
	if err != nil {
		t.Fatalf("ParseURI: %v", err)
	}
	return k
}

const (
	githubURI = "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
	gitlabURI = "otpauth://totp/GitLab:alice@example.com?secret=ORXXI4BNORSXG5BNNNSXSLJRGY&issuer=GitLab"
)

func TestDeriveName(t *testing.T) {
	tests := []struct {
		issuer, account, want string
	}{
		{"GitHub", "alice@example.com", "github-alice-example-com"},
		{"", "alice@example.com", "alice-example-com"},
		{"AWS", "", "aws"},
		{"Café Crème", "zoë", "cafe-creme-zoe"},
		{"  --Weird__Issuer--  ", "x..y", "weird-issuer-x-y"},
		{"ACME Corp.", "Bob Smith", "acme-corp-bob-smith"},
	}
	for _, tt := range tests {
		if got := DeriveName(tt.issuer, tt.account); got != tt.want {
			t.Errorf("DeriveName(%q, %q) = %q, want %q", tt.issuer, tt.account, got, tt.want)
		}
	}
}

func TestDeriveNameNonASCII(t *testing.T) {
	a := DeriveName("微信", "张三")
	b := DeriveName("微信", "李四")
	if a == b {
		t.Errorf("different accounts got the same name %q", a)
	}
	for _, n := range []string{a, b, DeriveName("Shop 微信", "bob"), DeriveName("", "")} {
		if !ValidName(n) {
			t.Errorf("derived name %q is not a valid secret name", n)
		}
	}
	if got := DeriveName("Shop 微信", "bob"); !strings.HasPrefix(got, "shop-bob-") {
		t.Errorf("DeriveName kept no ASCII part: %q", got)
	}
}

func TestDeriveNameLong(t *testing.T) {
	long := strings.Repeat("verylongissuer", 20)
	a := DeriveName(long, "alice")
	b := DeriveName(long, "bob")
	if len(a) > MaxNameLength || !ValidName(a) {
		t.Errorf("name of %d characters is not valid: %q", len(a), a)
	}
	if a == b {
		t.Errorf("long names collide: %q", a)
	}
	if DeriveName(long, "alice") != a {
		t.Error("DeriveName is not deterministic")
	}
}

func TestToSecretTags(t *testing.T) {
	key := mustParse(t, "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&algorithm=SHA256&digits=8&period=60")
	s := ToSecret("github-alice", key)

	if s.ContentType != ContentType {
		t.Errorf("content type %q, want %q", s.ContentType, ContentType)
	}
	if len(s.Tags) > 15 {
		t.Errorf("%d tags; Key Vault allows 15", len(s.Tags))
	}
	secret := totp.EncodeSecret(key.Secret)
	for k, v := range s.Tags {
		if strings.Contains(strings.ToUpper(v), secret[:8]) {
			t.Errorf("tag %s holds the secret", k)
		}
	}

	a, ok := FromProperties(s.Properties)
	if !ok {
		t.Fatal("FromProperties does not recognise ToSecret's output")
	}
	want := Account{Name: "github-alice", Issuer: "GitHub", Account: "alice", Type: totp.TOTP,
		Digits: 8, Period: 60, Algorithm: totp.SHA256, Enabled: true, Format: Native}
	if a != want {
		t.Errorf("FromProperties = %+v, want %+v", a, want)
	}

	back, err := KeyFromSecret(s)
	if err != nil {
		t.Fatal(err)
	}
	if !sameKey(back, key) {
		t.Errorf("KeyFromSecret(ToSecret(k)) = %s, want %s", back.Redacted(), key.Redacted())
	}
}

func TestTagTruncation(t *testing.T) {
	key := mustParse(t, githubURI)
	key.Account = strings.Repeat("é", 200) // 400 bytes
	s := ToSecret("x", key)
	if got := len(s.Tags[TagAccount]); got > 256 {
		t.Errorf("account tag is %d bytes; Key Vault allows 256", got)
	}
	if !strings.HasPrefix(key.Account, s.Tags[TagAccount]) || strings.ContainsRune(s.Tags[TagAccount], '\uFFFD') {
		t.Error("the tag was not cut at a character boundary")
	}
}

// The Azure Functions TOTP sample stores a bare base32 secret with tags.
func TestAzureSampleSecret(t *testing.T) {
	s := vault.Secret{
		Properties: vault.Properties{
			Name:    "totp-5f0c8b7e-2f1a-4c59-9d59-2f7b6f1f0c11",
			Tags:    map[string]string{"type": "totp-secret", "accountName": "alice@example.com", "issuer": "Contoso"},
			Enabled: true,
		},
		Value: "JBSWY3DPEHPK3PXP",
	}
	a, ok := FromProperties(s.Properties)
	if !ok {
		t.Fatal("sample secret not recognised")
	}
	if a.Format != AzureSample || a.Issuer != "Contoso" || a.Account != "alice@example.com" {
		t.Errorf("FromProperties = %+v", a)
	}
	key, err := KeyFromSecret(s)
	if err != nil {
		t.Fatal(err)
	}
	// oathtool --totp -b JBSWY3DPEHPK3PXP -N @1700000000
	code, err := key.Code(timeUnix(1700000000))
	if err != nil {
		t.Fatal(err)
	}
	if code != "324550" {
		t.Errorf("code = %s, want 324550", code)
	}
}

func TestOtherSecretsIgnored(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	other := vault.Secret{Properties: vault.Properties{Name: "db-password", ContentType: "text/plain", Enabled: true}, Value: "hunter2"}
	if _, err := s.Vault.Set(ctx, other); err != nil {
		t.Fatal(err)
	}
	addOK(t, s, githubURI)

	list, err := s.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "github-alice-example-com" {
		t.Errorf("List = %+v, want only the totp account", list)
	}

	if _, _, err := s.Remove(ctx, "db-password"); err == nil || !errors.Is(err, errNotAccount) {
		t.Errorf("Remove of another secret: %v, want a not-an-account error", err)
	}
	res := s.Add(ctx, []AddRequest{{Name: "db-password", Key: mustParse(t, githubURI)}}, AddOptions{Force: true})
	if res[0].Status != Failed {
		t.Errorf("Add --force over another secret: status %v, want Failed", res[0].Status)
	}
	got, err := s.Vault.Get(ctx, "db-password")
	if err != nil || got.Value != "hunter2" {
		t.Errorf("the other secret changed: %v", err)
	}
}

func addOK(t *testing.T, s *Store, uris ...string) []AddResult {
	t.Helper()
	var reqs []AddRequest
	for _, u := range uris {
		reqs = append(reqs, AddRequest{Key: mustParse(t, u)})
	}
	res := s.Add(context.Background(), reqs, AddOptions{})
	for _, r := range res {
		if r.Err != nil {
			t.Fatalf("Add: %v", r.Err)
		}
	}
	return res
}

func TestFind(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	addOK(t, s, githubURI, gitlabURI)

	tests := []struct {
		query    string
		wantName string
		wantErr  string
	}{
		{query: "github-alice-example-com", wantName: "github-alice-example-com"},
		{query: "GITHUB-ALICE-EXAMPLE-COM", wantName: "github-alice-example-com"},
		{query: "GitHub", wantName: "github-alice-example-com"},
		{query: "lab", wantName: "gitlab-alice-example-com"},
		{query: "alice@example", wantErr: `matches 2 accounts`},
		{query: "git", wantErr: `matches 2 accounts`},
		{query: "nothing", wantErr: `no account matches "nothing"`},
	}
	for _, tt := range tests {
		a, _, err := s.Find(ctx, tt.query)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Find(%q) error = %v, want %q", tt.query, err, tt.wantErr)
			}
			if len(hint.Hints(err)) == 0 {
				t.Errorf("Find(%q) error has no hint", tt.query)
			}
			continue
		}
		if err != nil {
			t.Errorf("Find(%q): %v", tt.query, err)
			continue
		}
		if a.Name != tt.wantName {
			t.Errorf("Find(%q) = %s, want %s", tt.query, a.Name, tt.wantName)
		}
	}

	var amb *AmbiguousError
	_, _, err := s.Find(ctx, "alice")
	if !errors.As(err, &amb) || len(amb.Matches) != 2 {
		t.Errorf("Find(alice) = %v, want an AmbiguousError listing 2 accounts", err)
	}
}

func TestAddStatuses(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	addOK(t, s, githubURI)

	// The same key in another spelling is unchanged.
	same := mustParse(t, "otpauth://totp/GitHub:alice@example.com?secret=jbsw%20y3dp%20ehpk%203pxp&issuer=GitHub")
	res := s.Add(ctx, []AddRequest{{Key: same}}, AddOptions{})
	if res[0].Status != Unchanged {
		t.Errorf("same key: status %v, want Unchanged", res[0].Status)
	}

	// A different key under the same name is refused without Force.
	other := mustParse(t, "otpauth://totp/GitHub:alice@example.com?secret=ORXXI4BNORSXG5BNNNSXSLJRGY&issuer=GitHub")
	res = s.Add(ctx, []AddRequest{{Key: other}}, AddOptions{})
	if res[0].Status != Failed || !errors.Is(res[0].Err, ErrExists) {
		t.Errorf("different key: %v %v, want ErrExists", res[0].Status, res[0].Err)
	}
	if strings.Contains(res[0].Err.Error(), "ORXXI4BN") {
		t.Error("the error shows the secret")
	}

	// Dry run writes nothing.
	res = s.Add(ctx, []AddRequest{{Key: other}}, AddOptions{Force: true, DryRun: true})
	if res[0].Status != Replaced {
		t.Errorf("dry run: status %v, want Replaced", res[0].Status)
	}
	_, key, err := s.Get(ctx, "github-alice-example-com")
	if err != nil || !sameKey(key, same) {
		t.Errorf("dry run changed the account: %v", err)
	}

	res = s.Add(ctx, []AddRequest{{Key: other}}, AddOptions{Force: true})
	if res[0].Status != Replaced || res[0].Err != nil {
		t.Errorf("force: %v %v, want Replaced", res[0].Status, res[0].Err)
	}
	_, key, _ = s.Get(ctx, "github-alice-example-com")
	if !sameKey(key, other) {
		t.Error("force did not replace the key")
	}
}

func TestAddCaseCollision(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	addOK(t, s, githubURI)

	res := s.Add(ctx, []AddRequest{{Name: "GitHub-Alice-Example-Com", Key: mustParse(t, gitlabURI)}}, AddOptions{})
	if res[0].Status != Failed || !errors.Is(res[0].Err, ErrExists) {
		t.Fatalf("case collision: %v %v, want ErrExists", res[0].Status, res[0].Err)
	}
	if !strings.Contains(res[0].Note, "github-alice-example-com") {
		t.Errorf("note %q does not name the existing account", res[0].Note)
	}
}

func TestAddBatch(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	g := mustParse(t, githubURI)
	l := mustParse(t, gitlabURI)
	clash := mustParse(t, "otpauth://totp/GitHub:alice@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=GitHub")

	res := s.Add(ctx, []AddRequest{{Key: g}, {Key: l}, {Key: g}, {Key: clash}}, AddOptions{})
	want := []Status{Added, Added, Unchanged, Failed}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("request %d: status %v (%v), want %v", i, r.Status, r.Err, want[i])
		}
	}
	list, _ := s.List(ctx, "")
	if len(list) != 2 {
		t.Errorf("%d accounts stored, want 2", len(list))
	}

	// Re-running the same batch adds nothing.
	res = s.Add(ctx, []AddRequest{{Key: g}, {Key: l}}, AddOptions{})
	for i, r := range res {
		if r.Status != Unchanged {
			t.Errorf("re-run request %d: status %v, want Unchanged", i, r.Status)
		}
	}
}

func TestAddDeleted(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	addOK(t, s, githubURI)
	if _, _, err := s.Remove(ctx, "github-alice-example-com"); err != nil {
		t.Fatal(err)
	}

	key := mustParse(t, githubURI)
	res := s.Add(ctx, []AddRequest{{Key: key}}, AddOptions{})
	if res[0].Status != Failed || !strings.Contains(res[0].Err.Error(), "deleted") {
		t.Fatalf("add over deleted: %v %v, want a deleted error", res[0].Status, res[0].Err)
	}
	if h := hint.Hints(res[0].Err); len(h) == 0 || !strings.Contains(h[0], "totp recover github-alice-example-com") {
		t.Errorf("hints %q do not offer totp recover", h)
	}

	res = s.Add(ctx, []AddRequest{{Key: key}}, AddOptions{Force: true})
	if res[0].Err != nil {
		t.Fatalf("add --force over deleted: %v", res[0].Err)
	}
	if _, _, err := s.Get(ctx, "github-alice-example-com"); err != nil {
		t.Errorf("account not back after --force: %v", err)
	}
}

func TestRemoveRecoverRename(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	addOK(t, s, githubURI)

	a, d, err := s.Remove(ctx, "github-alice-example-com")
	if err != nil {
		t.Fatal(err)
	}
	if a.Issuer != "GitHub" || d.PurgeOn.IsZero() {
		t.Errorf("Remove = %+v, %+v", a, d)
	}
	if _, _, err := s.Find(ctx, "github"); !errors.Is(err, ErrNoMatch) {
		t.Errorf("deleted account still found: %v", err)
	}
	if _, err := s.Recover(ctx, "github-alice-example-com"); err != nil {
		t.Fatal(err)
	}

	if _, _, err := s.Rename(ctx, "github-alice-example-com", "gh"); err != nil {
		t.Fatal(err)
	}
	_, key, err := s.Get(ctx, "gh")
	if err != nil || key.Issuer != "GitHub" {
		t.Errorf("renamed account: %v", err)
	}
	if _, err := s.Vault.GetDeleted(ctx, "github-alice-example-com"); err != nil {
		t.Errorf("old name not soft-deleted: %v", err)
	}

	addOK(t, s, gitlabURI)
	if _, _, err := s.Rename(ctx, "gh", "gitlab-alice-example-com"); err == nil {
		t.Error("rename onto an existing account succeeded")
	}
}

func TestPurge(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	addOK(t, s, githubURI)
	if _, _, err := s.Remove(ctx, "github-alice-example-com"); err != nil {
		t.Fatal(err)
	}
	if err := s.Purge(ctx, "github-alice-example-com"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Recover(ctx, "github-alice-example-com"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("recover after purge: %v, want ErrNotFound", err)
	}
}

func TestNextHOTP(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	addOK(t, s, "otpauth://hotp/Counter:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Counter&counter=5")

	// oathtool --hotp -b GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ -c 5 -w 1
	for _, want := range []string{"254676", "287922"} {
		a, key, err := s.Find(ctx, "counter")
		if err != nil {
			t.Fatal(err)
		}
		code, err := s.NextHOTP(ctx, a, key)
		if err != nil {
			t.Fatal(err)
		}
		if code != want {
			t.Errorf("code = %s, want %s", code, want)
		}
	}
}
