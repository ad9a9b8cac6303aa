package doctor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// AzCLI checks that the Azure CLI is on PATH, which version it is, and that
// it is signed in. tenant is the tenant that totp requests tokens for, or ""
// for the CLI's default. signedIn reports whether `az account show`
// succeeded.
//
// It runs `az version`, which prints the installed versions only, rather
// than `az --version`, which also looks for a newer release online.
func AzCLI(ctx context.Context, env Env, tenant string) (results []Result, signedIn bool) {
	path, err := env.LookPath("az")
	if err != nil {
		return []Result{
			{Check: "az", Status: Problem, Detail: "the azure cli (az) is not on PATH",
				Hints: []string{"install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli), then run 'az login'"}},
			skipped("az login", "needs the azure cli"),
		}, false
	}

	out, err := env.runAz(ctx, path, "version", "-o", "json")
	switch {
	case err != nil:
		results = append(results, Result{Check: "az", Status: Warning, Detail: fmt.Sprintf("%s: 'az version' failed: %s", path, err)})
	default:
		results = append(results, ok("az", fmt.Sprintf("%s (azure-cli %s)", path, azVersion(out))))
	}

	out, err = env.runAz(ctx, path, "account", "show", "-o", "json")
	if err != nil {
		return append(results, azLoginProblem(err, tenant)), false
	}
	account, err := parseAzAccount(out)
	if err != nil {
		return append(results, Result{Check: "az login", Status: Problem, Detail: err.Error(),
			Hints: []string{"run 'az account show' to see what it prints"}}), false
	}

	detail := fmt.Sprintf("signed in as %s in tenant %s", account.User.Name, account.TenantID)
	if tenant != "" && !strings.EqualFold(tenant, account.TenantID) {
		detail += fmt.Sprintf("; totp requests tokens for tenant %s", tenant)
	}
	return append(results, ok("az login", detail)), true
}

// runAz runs the Azure CLI under the CLI deadline.
func (e Env) runAz(ctx context.Context, path string, args ...string) ([]byte, error) {
	timeout := e.CLITimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	out, err := e.Run(ctx, path, args...)
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, fmt.Errorf("'az %s' did not finish within %s: %w", strings.Join(args[:2], " "), timeout, context.DeadlineExceeded)
	}
	return out, err
}

func azLoginProblem(err error, tenant string) Result {
	login := "az login"
	if tenant != "" {
		login += " --tenant " + tenant
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return Result{Check: "az login", Status: Problem, Detail: err.Error(),
			Hints: []string{"set a longer deadline with TOTP_AZ_TIMEOUT=2m or 'totp config set az-timeout 2m', or check that 'az account show' works"}}
	}
	return Result{Check: "az login", Status: Problem, Detail: "not signed in: " + err.Error(),
		Hints: []string{"run '" + login + "'"}}
}

// azAccount is the part of `az account show -o json` that the check prints.
type azAccount struct {
	TenantID string `json:"tenantId"`
	User     struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"user"`
}

func parseAzAccount(out []byte) (azAccount, error) {
	var a azAccount
	if err := json.Unmarshal(out, &a); err != nil {
		return a, fmt.Errorf("'az account show' printed something other than a JSON account: %w", err)
	}
	if a.TenantID == "" || a.User.Name == "" {
		return a, errors.New("'az account show' printed an account without a user or tenant")
	}
	return a, nil
}

var azVersionLine = regexp.MustCompile(`(?m)^azure-cli\s+(\S+)`)

// azVersion returns the azure-cli version from the JSON of `az version`, or
// from the first line of `az --version` ("azure-cli   2.45.0"), which some
// stand-ins print instead, or "version unknown".
func azVersion(out []byte) string {
	var versions map[string]any
	if json.Unmarshal(out, &versions) == nil {
		if v, ok := versions["azure-cli"].(string); ok && v != "" {
			return v
		}
	}
	if m := azVersionLine.FindSubmatch(out); m != nil {
		return string(m[1])
	}
	return "version unknown"
}

// ExecRunner runs path with args and returns its standard output. A failure
// returns an error whose message is the first line of standard error, or the
// exit status when standard error is empty.
func ExecRunner(ctx context.Context, path string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, path, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	// The Azure CLI's children may keep the pipes open after a timeout
	// killed it.
	cmd.WaitDelay = time.Second

	err := cmd.Run()
	if err == nil {
		return stdout.Bytes(), nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return nil, &runError{message: line, err: err}
		}
	}
	return nil, err
}

// runError is a failed run, with the first line of its standard error as the
// message.
type runError struct {
	message string
	err     error
}

func (e *runError) Error() string { return e.message }

func (e *runError) Unwrap() error { return e.err }
