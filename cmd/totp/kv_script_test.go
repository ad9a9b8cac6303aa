package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/totp-cli/totp/internal/vault/keyvault/kvfake"
)

// setupKeyVault starts an in-process Key Vault server for each script whose
// name starts with kv_, and a fake az on PATH. The script gets TOTP_VAULT,
// SSL_CERT_FILE and TOTP_ALLOW_CUSTOM_ENDPOINT set for that server. Scripts
// named kv_policy_* get a vault that uses access policies instead of RBAC.
func setupKeyVault(env *testscript.Env) error {
	name := strings.TrimPrefix(filepath.Base(env.WorkDir), "script-")
	if !strings.HasPrefix(name, "kv_") {
		return nil
	}

	opts := kvfake.Options{}
	if strings.HasPrefix(name, "kv_policy_") {
		opts.Authorization = kvfake.AccessPolicy
	}
	srv, err := kvfake.Start(opts)
	if err != nil {
		return err
	}
	env.Defer(srv.Close)
	env.Values[serverKey{}] = srv

	bin := filepath.Join(env.WorkDir, ".azbin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	azLog := filepath.Join(env.WorkDir, ".az.log")
	if _, err := kvfake.WriteAz(bin, kvfake.AzOK, kvfake.AzOptions{LogFile: azLog}); err != nil {
		return err
	}

	env.Setenv("PATH", bin+string(os.PathListSeparator)+env.Getenv("PATH"))
	env.Setenv("AZBIN", bin)
	env.Setenv("AZLOG", azLog)
	env.Setenv("TOTP_VAULT", srv.URL)
	env.Setenv("KV_URL", srv.URL)
	env.Setenv("SSL_CERT_FILE", srv.CertFile)
	env.Setenv("TOTP_ALLOW_CUSTOM_ENDPOINT", "1")
	env.Setenv("AZURE_CONFIG_DIR", filepath.Join(env.WorkDir, ".azure"))
	return nil
}

type serverKey struct{}

func server(ts *testscript.TestScript) *kvfake.Server {
	srv, ok := ts.Value(serverKey{}).(*kvfake.Server)
	if !ok {
		ts.Fatalf("no Key Vault server: the script's name must start with kv_")
	}
	return srv
}

// requestLine describes a logged request as "METHOD PATH STATUS auth|anon",
// the form kvcount matches.
func requestLine(r kvfake.Request) string {
	auth := "anon"
	if r.Authorized {
		auth = "auth"
	}
	return fmt.Sprintf("%s %s %d %s", r.Method, r.Path, r.Status, auth)
}

// keyVaultCommands returns the script commands that control and inspect the
// Key Vault server.
func keyVaultCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// kvreset clears the request log.
		"kvreset": func(ts *testscript.TestScript, neg bool, args []string) {
			server(ts).ResetRequests()
		},
		// kvcount REGEXP N checks that N logged requests match REGEXP.
		"kvcount": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 2 {
				ts.Fatalf("usage: kvcount REGEXP N")
			}
			re, err := regexp.Compile(args[0])
			ts.Check(err)
			want, err := strconv.Atoi(args[1])
			ts.Check(err)
			var lines []string
			got := 0
			for _, r := range server(ts).Requests() {
				line := requestLine(r)
				lines = append(lines, line)
				if re.MatchString(line) {
					got++
				}
			}
			if (got == want) == neg {
				ts.Fatalf("%d requests match %q, want %d; the log:\n%s", got, args[0], want, strings.Join(lines, "\n"))
			}
		},
		// kvseed NAME VALUE CONTENT-TYPE [TAG=VALUE...] writes a secret
		// directly, as another tool would.
		"kvseed": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) < 3 {
				ts.Fatalf("usage: kvseed NAME VALUE CONTENT-TYPE [TAG=VALUE...]")
			}
			tags := map[string]string{}
			for _, t := range args[3:] {
				k, v, _ := strings.Cut(t, "=")
				tags[k] = v
			}
			server(ts).Seed(args[0], args[1], args[2], tags)
		},
		// kvdisable NAME disables a secret.
		"kvdisable": func(ts *testscript.TestScript, neg bool, args []string) {
			server(ts).SetEnabled(args[0], false)
		},
		// kvvalue NAME REGEXP checks the stored value of a secret.
		"kvvalue": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 2 {
				ts.Fatalf("usage: kvvalue NAME REGEXP")
			}
			value, _, _, ok := server(ts).Secret(args[0])
			if !ok {
				ts.Fatalf("no secret %s", args[0])
			}
			matched, err := regexp.MatchString(args[1], value)
			ts.Check(err)
			if matched == neg {
				ts.Fatalf("value of %s does not match %q as expected", args[0], args[1])
			}
		},
		// kvfault METHOD PATH-PREFIX STATUS [retry-after=S] [times=N] [drop]
		// [delay=D] makes matching requests fail; "-" matches any method.
		"kvfault": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) < 3 {
				ts.Fatalf("usage: kvfault METHOD PATH-PREFIX STATUS [retry-after=S] [times=N] [drop] [delay=D]")
			}
			f := kvfake.Fault{Method: args[0], PathPrefix: args[1]}
			if f.Method == "-" {
				f.Method = ""
			}
			var err error
			f.Status, err = strconv.Atoi(args[2])
			ts.Check(err)
			for _, a := range args[3:] {
				k, v, _ := strings.Cut(a, "=")
				switch k {
				case "retry-after":
					f.RetryAfter = v
				case "times":
					f.Times, err = strconv.Atoi(v)
					ts.Check(err)
				case "drop":
					f.Drop = true
				case "delay":
					f.Delay, err = time.ParseDuration(v)
					ts.Check(err)
				default:
					ts.Fatalf("kvfault: unknown option %q", a)
				}
			}
			server(ts).Inject(f)
		},
		// kvclear removes every fault.
		"kvclear": func(ts *testscript.TestScript, neg bool, args []string) {
			server(ts).ClearFaults()
		},
		// fakeaz MODE rewrites the fake az: ok, not-logged-in, expired, hang,
		// fail or slow.
		"fakeaz": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 1 {
				ts.Fatalf("usage: fakeaz MODE")
			}
			mode, err := kvfake.ParseAzMode(args[0])
			ts.Check(err)
			_, err = kvfake.WriteAz(ts.Getenv("AZBIN"), mode, kvfake.AzOptions{LogFile: ts.Getenv("AZLOG"), Delay: 2 * time.Second})
			ts.Check(err)
		},
	}
}
