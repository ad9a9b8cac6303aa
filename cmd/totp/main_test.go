package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/totp-cli/totp/internal/iostreams"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"totp": func() { os.Exit(run(os.Args[1:], iostreams.System(), os.Getenv)) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script against the
// totp command, as a separate process for each command line.
func TestScripts(t *testing.T) {
	images, err := filepath.Abs("../../internal/qr/testdata/images")
	if err != nil {
		t.Fatal(err)
	}
	backups, err := filepath.Abs("../../internal/importer/testdata")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := filepath.Abs("../../docs")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("IMAGES", images)
			env.Setenv("DOCS", docs)
			env.Setenv("BACKUPS", backups)
			env.Setenv("TOTP_SCRYPT_WORK_FACTOR", "10")
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("XDG_DATA_HOME", filepath.Join(env.WorkDir, ".local", "share"))
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("NO_COLOR", "")
			return setupKeyVault(env)
		},
		Cmds: scriptCommands(),
	})
}
