package input

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/totp-cli/totp/internal/export"
	"github.com/totp-cli/totp/internal/migration"
	"github.com/totp-cli/totp/internal/totp"
)

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustKey(t *testing.T, uri string) totp.Key {
	t.Helper()
	k, err := totp.ParseURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestReadURIArgument(t *testing.T) {
	r := &Reader{}
	items := r.Read("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub")
	if len(items) != 1 || items[0].Err != nil {
		t.Fatalf("items = %+v", items)
	}
	if items[0].Key.Issuer != "GitHub" || items[0].Source != "argument 1" {
		t.Errorf("item = %+v", items[0])
	}
}

func TestReadBadURIHidesSecret(t *testing.T) {
	r := &Reader{}
	items := r.Read("otpauth://totp/X:y?secret=JBSWY3DPEHPK3PX1&issuer=X")
	if len(items) != 1 || items[0].Err == nil {
		t.Fatalf("items = %+v, want one error", items)
	}
	if strings.Contains(items[0].Err.Error(), "JBSWY3DP") {
		t.Errorf("error shows the secret: %v", items[0].Err)
	}
}

func TestReadMissingFileHidesSecretLikeArgument(t *testing.T) {
	r := &Reader{}
	items := r.Read("JBSWY3DPEHPK3PXPJBSWY3DP")
	if items[0].Err == nil || strings.Contains(items[0].Err.Error(), "JBSWY3DP") {
		t.Errorf("error %v shows what may be a secret", items[0].Err)
	}
	items = r.Read("no-such-file.png")
	if items[0].Err == nil || !strings.Contains(items[0].Err.Error(), `"no-such-file.png": no such file`) {
		t.Errorf("error %v does not name the missing file", items[0].Err)
	}
}

func TestReadStdinLines(t *testing.T) {
	r := &Reader{Stdin: strings.NewReader("# comment\n\notpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A\nnot a uri\n")}
	items := r.Read("-")
	if len(items) != 2 {
		t.Fatalf("%d items, want 2: %+v", len(items), items)
	}
	if items[0].Err != nil || items[0].Key.Issuer != "A" {
		t.Errorf("first item = %+v", items[0])
	}
	if items[1].Err == nil || !strings.Contains(items[1].Source, "line 4") {
		t.Errorf("second item = %+v, want an error at line 4", items[1])
	}
}

func TestReadImageFile(t *testing.T) {
	var png strings.Builder
	if err := export.QRPNG(&png, "otpauth://totp/Img:bob?secret=JBSWY3DPEHPK3PXP&issuer=Img", 4); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "qr.png", []byte(png.String()))

	r := &Reader{}
	items := r.Read(path)
	if len(items) != 1 || items[0].Err != nil || items[0].Key.Account != "bob" {
		t.Fatalf("items = %+v", items)
	}
}

func TestReadImageWithoutOTPAuth(t *testing.T) {
	var png strings.Builder
	if err := export.QRPNG(&png, "https://example.com/", 4); err != nil {
		t.Fatal(err)
	}
	r := &Reader{}
	items := r.Read(writeFile(t, "url.png", []byte(png.String())))
	if len(items) != 1 || items[0].Err == nil || !strings.Contains(items[0].Err.Error(), "no otpauth URI") {
		t.Errorf("items = %+v, want a no-otpauth error", items)
	}
	if strings.Contains(items[0].Err.Error(), "example.com") {
		t.Error("the error shows the QR code's content")
	}
}

func TestReadMigrationBatches(t *testing.T) {
	var keys []totp.Key
	for _, issuer := range []string{"A", "B", "C"} {
		keys = append(keys, mustKey(t, "otpauth://totp/"+issuer+":u?secret=JBSWY3DPEHPK3PXP&issuer="+issuer))
	}
	uris, err := migration.Encode(keys, 1, 42)
	if err != nil {
		t.Fatal(err)
	}

	var progress []string
	r := &Reader{Progress: func(s string) { progress = append(progress, s) }}
	items := r.Read(uris[0])
	items = append(items, r.Read(uris[2])...)

	if len(items) != 2 || items[0].Key.Issuer != "A" || items[1].Key.Issuer != "C" {
		t.Fatalf("items = %+v", items)
	}
	if !strings.Contains(items[0].Note, "period assumed to be 30 s") {
		t.Errorf("note = %q, want the assumed period", items[0].Note)
	}
	if len(progress) != 2 || !strings.HasSuffix(progress[1], "batch 3 of 3") {
		t.Errorf("progress = %q", progress)
	}
	missing := r.Missing()
	if len(missing) != 1 || len(missing[0].Missing) != 1 || missing[0].Missing[0] != 2 {
		t.Fatalf("Missing = %+v, want batch 2", missing)
	}
	if got := missing[0].String(); !strings.Contains(got, "batch 2 of 3 not given") {
		t.Errorf("message %q", got)
	}

	items = r.Read(uris[1])
	if len(items) != 1 || len(r.Missing()) != 0 {
		t.Errorf("after batch 2: items %+v, missing %+v", items, r.Missing())
	}
}

func TestReadBackupFile(t *testing.T) {
	var b strings.Builder
	err := export.WriteJSON(&b, []export.NamedKey{{Name: "my-name", Key: mustKey(t, "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A")}})
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{}
	items := r.Read(writeFile(t, "backup.json", []byte(b.String())))
	if len(items) != 1 || items[0].Err != nil || items[0].Name != "my-name" {
		t.Errorf("items = %+v, want the account with its name", items)
	}
}

func TestReadBinaryFile(t *testing.T) {
	r := &Reader{}
	items := r.Read(writeFile(t, "x.bin", []byte{1, 2, 0, 3}))
	if len(items) != 1 || items[0].Err == nil || !strings.Contains(items[0].Err.Error(), "not an image") {
		t.Errorf("items = %+v", items)
	}
}

func TestReadMigrationLinesTracked(t *testing.T) {
	var keys []totp.Key
	for _, issuer := range []string{"A", "B"} {
		keys = append(keys, mustKey(t, "otpauth://totp/"+issuer+":u?secret=JBSWY3DPEHPK3PXP&issuer="+issuer))
	}
	uris, err := migration.Encode(keys, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{}
	items := r.Read(writeFile(t, "export.txt", []byte(uris[0]+"\n")))
	if len(items) != 1 || items[0].Err != nil {
		t.Fatalf("items = %+v", items)
	}
	if m := r.Missing(); len(m) != 1 || m[0].Missing[0] != 2 {
		t.Errorf("Missing = %+v, want batch 2 of a file of URIs", m)
	}
}
