package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"text/template"

	"go.yaml.in/yaml/v3"
)

// goreleaserConfig models the keys of .goreleaser.yaml that this project
// uses, named as in GoReleaser v2.18's configuration (pkg/config). Decoding
// rejects any other key, as GoReleaser does, so a misspelled or renamed key
// fails here rather than at release time.
type goreleaserConfig struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Before      struct {
		Hooks []string `yaml:"hooks"`
	} `yaml:"before"`
	Builds   []goreleaserBuild   `yaml:"builds"`
	Archives []goreleaserArchive `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
		Disable      bool   `yaml:"disable"`
	} `yaml:"checksum"`
	NFPMs    []goreleaserNFPM `yaml:"nfpms"`
	Snapshot struct {
		VersionTemplate string `yaml:"version_template"`
	} `yaml:"snapshot"`
	Changelog struct {
		Sort string `yaml:"sort"`
	} `yaml:"changelog"`
	Release struct {
		GitHub struct {
			Owner string `yaml:"owner"`
			Name  string `yaml:"name"`
		} `yaml:"github"`
	} `yaml:"release"`
}

type goreleaserBuild struct {
	ID           string   `yaml:"id"`
	Main         string   `yaml:"main"`
	Binary       string   `yaml:"binary"`
	Env          []string `yaml:"env"`
	Goos         []string `yaml:"goos"`
	Goarch       []string `yaml:"goarch"`
	Flags        []string `yaml:"flags"`
	Ldflags      []string `yaml:"ldflags"`
	ModTimestamp string   `yaml:"mod_timestamp"`
}

type goreleaserArchive struct {
	ID              string   `yaml:"id"`
	IDs             []string `yaml:"ids"`
	Formats         []string `yaml:"formats"`
	FormatOverrides []struct {
		Goos    string   `yaml:"goos"`
		Formats []string `yaml:"formats"`
	} `yaml:"format_overrides"`
	NameTemplate    string   `yaml:"name_template"`
	WrapInDirectory bool     `yaml:"wrap_in_directory"`
	Files           []string `yaml:"files"`
}

type goreleaserNFPM struct {
	ID               string              `yaml:"id"`
	IDs              []string            `yaml:"ids"`
	PackageName      string              `yaml:"package_name"`
	FileNameTemplate string              `yaml:"file_name_template"`
	Formats          []string            `yaml:"formats"`
	Vendor           string              `yaml:"vendor"`
	Homepage         string              `yaml:"homepage"`
	Maintainer       string              `yaml:"maintainer"`
	Description      string              `yaml:"description"`
	License          string              `yaml:"license"`
	Section          string              `yaml:"section"`
	Bindir           string              `yaml:"bindir"`
	Contents         []goreleaserContent `yaml:"contents"`
}

type goreleaserContent struct {
	Src      string `yaml:"src"`
	Dst      string `yaml:"dst"`
	Packager string `yaml:"packager"`
	FileInfo struct {
		Mode os.FileMode `yaml:"mode"`
	} `yaml:"file_info"`
}

// loadGoreleaserConfig decodes the repository's .goreleaser.yaml, failing
// the test on a key that goreleaserConfig does not model.
func loadGoreleaserConfig(t *testing.T) goreleaserConfig {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var cfg goreleaserConfig
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf("decoding .goreleaser.yaml: %v", err)
	}
	return cfg
}

func TestGoreleaserVersion(t *testing.T) {
	cfg := loadGoreleaserConfig(t)
	if cfg.Version != 2 {
		t.Errorf("version = %d, want 2 (the GoReleaser v2 configuration format)", cfg.Version)
	}
}

func TestGoreleaserBuildTargets(t *testing.T) {
	cfg := loadGoreleaserConfig(t)
	if len(cfg.Builds) != 1 {
		t.Fatalf("got %d builds, want 1", len(cfg.Builds))
	}
	b := cfg.Builds[0]

	if b.Main != "./cmd/totp" {
		t.Errorf("main = %q, want ./cmd/totp", b.Main)
	}
	if b.Binary != "totp" {
		t.Errorf("binary = %q, want totp", b.Binary)
	}
	if got, want := sorted(b.Goos), []string{"darwin", "linux", "windows"}; !slices.Equal(got, want) {
		t.Errorf("goos = %v, want %v", got, want)
	}
	if got, want := sorted(b.Goarch), []string{"amd64", "arm64"}; !slices.Equal(got, want) {
		t.Errorf("goarch = %v, want %v", got, want)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("env = %v, want CGO_ENABLED=0 in it", b.Env)
	}
}

func TestGoreleaserLdflags(t *testing.T) {
	cfg := loadGoreleaserConfig(t)
	if len(cfg.Builds) != 1 {
		t.Fatalf("got %d builds, want 1", len(cfg.Builds))
	}
	flags := strings.Fields(strings.Join(cfg.Builds[0].Ldflags, " "))

	for _, want := range []string{"-s", "-w"} {
		if !slices.Contains(flags, want) {
			t.Errorf("ldflags %v lack %s", flags, want)
		}
	}
	for _, want := range []string{"main.version={{.Version}}", "main.commit={{.Commit}}", "main.date={{.Date}}"} {
		i := slices.Index(flags, want)
		if i < 1 || flags[i-1] != "-X" {
			t.Errorf("ldflags %v lack -X %s", flags, want)
		}
	}
}

// TestGoreleaserLdflagsSetVersion builds totp with the release ldflags,
// filled in with sample values, and checks that 'totp version' prints them,
// which fails if a -X names a variable that does not exist.
func TestGoreleaserLdflagsSetVersion(t *testing.T) {
	cfg := loadGoreleaserConfig(t)
	if len(cfg.Builds) != 1 {
		t.Fatalf("got %d builds, want 1", len(cfg.Builds))
	}
	ldflags := expandGoreleaserTemplate(t, strings.Join(cfg.Builds[0].Ldflags, " "), map[string]string{
		"Version": "1.2.3",
		"Commit":  "0123456789abcdef0123456789abcdef01234567",
		"Date":    "2026-12-01T00:00:00Z",
	})

	binary := filepath.Join(t.TempDir(), "totp")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	build := exec.Command("go", "build", "-buildvcs=false", "-trimpath", "-ldflags", ldflags, "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -ldflags %q: %v\n%s", ldflags, err, out)
	}
	out, err := exec.Command(binary, "version").Output()
	if err != nil {
		t.Fatalf("totp version: %v", err)
	}

	want := "totp 1.2.3 (0123456789ab, 2026-12-01T00:00:00Z) " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if string(out) != want {
		t.Errorf("totp version = %q, want %q", out, want)
	}
}

// expandGoreleaserTemplate fills in a GoReleaser template, which is a Go
// text/template over fields such as .Version, with values.
func expandGoreleaserTemplate(t *testing.T, text string, values map[string]string) string {
	t.Helper()
	tmpl, err := template.New("ldflags").Option("missingkey=error").Parse(text)
	if err != nil {
		t.Fatalf("parsing template %q: %v", text, err)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, values); err != nil {
		t.Fatalf("expanding template %q: %v", text, err)
	}
	return b.String()
}

func TestGoreleaserArchives(t *testing.T) {
	cfg := loadGoreleaserConfig(t)
	if len(cfg.Archives) != 1 {
		t.Fatalf("got %d archives, want 1", len(cfg.Archives))
	}
	a := cfg.Archives[0]

	if !slices.Equal(a.Formats, []string{"tar.gz"}) {
		t.Errorf("formats = %v, want [tar.gz]", a.Formats)
	}
	var windows []string
	for _, o := range a.FormatOverrides {
		if o.Goos == "windows" {
			windows = o.Formats
		}
	}
	if !slices.Equal(windows, []string{"zip"}) {
		t.Errorf("windows formats = %v, want [zip]", windows)
	}

	for _, want := range []string{"LICENSE", "README.md", "completions/*", "docs/man/*"} {
		if !slices.Contains(a.Files, want) {
			t.Errorf("files = %v, want %s in it", a.Files, want)
		}
	}
	for _, pattern := range a.Files {
		matches, err := filepath.Glob(filepath.Join(repoRoot, filepath.FromSlash(pattern)))
		if err != nil {
			t.Errorf("files pattern %q: %v", pattern, err)
		}
		if len(matches) == 0 {
			t.Errorf("files pattern %q matches no file in the repository", pattern)
		}
	}
}

func TestGoreleaserChecksum(t *testing.T) {
	cfg := loadGoreleaserConfig(t)
	if cfg.Checksum.Disable {
		t.Error("checksum is disabled")
	}
	if cfg.Checksum.NameTemplate == "" {
		t.Error("checksum name_template is empty")
	}
}

// TestGoreleaserPackageContents checks where the deb and rpm packages
// install each file, and that every source file exists. The man pages come
// from the gzip before hook, so the test runs that hook on a copy of
// docs/man first.
func TestGoreleaserPackageContents(t *testing.T) {
	cfg := loadGoreleaserConfig(t)
	if len(cfg.NFPMs) != 1 {
		t.Fatalf("got %d nfpms, want 1", len(cfg.NFPMs))
	}
	p := cfg.NFPMs[0]
	if got, want := sorted(p.Formats), []string{"deb", "rpm"}; !slices.Equal(got, want) {
		t.Errorf("formats = %v, want %v", got, want)
	}
	if p.Bindir != "/usr/bin" {
		t.Errorf("bindir = %q, want /usr/bin", p.Bindir)
	}

	zsh := map[string]string{
		"deb": "/usr/share/zsh/vendor-completions/_totp",
		"rpm": "/usr/share/zsh/site-functions/_totp",
	}
	for _, packager := range []string{"deb", "rpm"} {
		got := packageContents(p.Contents, packager)
		want := map[string]string{
			"/usr/share/man/man1/":                           "build/man/*.1.gz",
			"/usr/share/bash-completion/completions/totp":    "completions/totp.bash",
			zsh[packager]:                                    "completions/_totp",
			"/usr/share/fish/vendor_completions.d/totp.fish": "completions/totp.fish",
		}
		for dst, src := range want {
			if got[dst] != src {
				t.Errorf("%s: %s comes from %q, want %q", packager, dst, got[dst], src)
			}
		}
	}

	dir := runManPageHook(t, cfg.Before.Hooks)
	for _, c := range p.Contents {
		matches, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(c.Src)))
		if err != nil {
			t.Errorf("contents src %q: %v", c.Src, err)
		}
		if len(matches) == 0 {
			t.Errorf("contents src %q matches no file", c.Src)
		}
		if c.FileInfo.Mode != 0o644 {
			t.Errorf("contents src %q: mode %o, want 644", c.Src, c.FileInfo.Mode)
		}
	}
}

// packageContents returns the destination-to-source map of the contents
// that go into the packager's package.
func packageContents(contents []goreleaserContent, packager string) map[string]string {
	m := map[string]string{}
	for _, c := range contents {
		if c.Packager == "" || c.Packager == packager {
			m[c.Dst] = c.Src
		}
	}
	return m
}

func TestGoreleaserHooksCheckGeneratedFiles(t *testing.T) {
	cfg := loadGoreleaserConfig(t)
	found := false
	for _, hook := range cfg.Before.Hooks {
		if strings.HasPrefix(hook, "go test ./cmd/totp ") && strings.Contains(hook, "TestGeneratedFilesUpToDate") && !strings.Contains(hook, "-update") {
			found = true
		}
	}
	if !found {
		t.Errorf("before hooks %q do not run TestGeneratedFilesUpToDate, so a release could ship stale man pages and completions", cfg.Before.Hooks)
	}
}

// TestGoreleaserManPageHook runs the gzip before hook and checks that it
// writes one reproducible gzip file per man page with the page's bytes.
func TestGoreleaserManPageHook(t *testing.T) {
	cfg := loadGoreleaserConfig(t)
	dir := runManPageHook(t, cfg.Before.Hooks)

	pages, err := filepath.Glob(filepath.Join(repoRoot, "docs", "man", "*.1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) == 0 {
		t.Fatal("docs/man has no pages")
	}
	for _, page := range pages {
		want, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		name := path.Join("build/man", filepath.Base(page)+".gz")
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Errorf("hook did not write %s: %v", name, err)
			continue
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			t.Errorf("%s: %v", name, err)
			continue
		}
		got, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}

		if !bytes.Equal(got, want) {
			t.Errorf("%s does not decompress to %s", name, filepath.Base(page))
		}
		if zr.Name != "" || !zr.ModTime.IsZero() {
			t.Errorf("%s: gzip header contains name %q and time %v; want neither (gzip -n) so the packages are reproducible", name, zr.Name, zr.ModTime)
		}
	}
}

// runManPageHook runs the before hook that writes build/man, in a
// temporary directory holding a copy of docs/man, and returns that
// directory. The hook must have the form sh -c '...'.
func runManPageHook(t *testing.T, hooks []string) string {
	t.Helper()
	var script string
	for _, hook := range hooks {
		rest, ok := strings.CutPrefix(hook, "sh -c '")
		if ok && strings.HasSuffix(rest, "'") && strings.Contains(rest, "build/man") {
			script = strings.TrimSuffix(rest, "'")
		}
	}
	if script == "" || strings.Contains(script, "'") {
		t.Fatalf("before hooks %q have no sh -c '...' hook that writes build/man", hooks)
	}
	for _, tool := range []string{"sh", "gzip"} {
		if _, err := exec.LookPath(tool); err != nil {
			// A machine that can run the release hooks has both.
			t.Skipf("the man page hook needs %s, which is not installed: %v", tool, err)
		}
	}

	dir := t.TempDir()
	files, err := readTree(repoRoot, []string{"docs/man", "completions"})
	if err != nil {
		t.Fatal(err)
	}
	files["LICENSE"], err = os.ReadFile(filepath.Join(repoRoot, "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		writeTestFile(t, dir, name, string(content))
	}

	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("man page hook: %v\n%s", err, out)
	}
	return dir
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
