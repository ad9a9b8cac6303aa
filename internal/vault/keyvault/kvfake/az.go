package kvfake

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// AzMode selects how the fake az behaves.
type AzMode int

const (
	// AzOK prints a token for `az account get-access-token`.
	AzOK AzMode = iota
	// AzNotLoggedIn fails as the Azure CLI does before `az login`.
	AzNotLoggedIn
	// AzExpired fails as the Azure CLI does when its refresh token has
	// expired (AADSTS700082) and the user must log in again.
	AzExpired
	// AzHang makes get-access-token and account show wait without output
	// until the parent process goes away, or for at most an hour.
	AzHang
	// AzFail fails with AzOptions.FailMessage.
	AzFail
	// AzSlow waits AzOptions.Delay and then behaves as AzOK.
	AzSlow
)

// Defaults used when the matching AzOptions field is empty.
const (
	// DefaultAzUser is the signed-in user that `az account show` prints.
	DefaultAzUser = "tester@example.com"
	// DefaultAzSubscription is the subscription id the fake az prints. It
	// is made up.
	DefaultAzSubscription = "0c0c0c0c-0000-4000-8000-00000000c0c0"
	// DefaultAzVersion is the version `az --version` prints. It is an
	// arbitrary Azure CLI release number.
	DefaultAzVersion = "2.61.0"
	// DefaultAzFailMessage is what AzFail prints on standard error.
	DefaultAzFailMessage = "ERROR: The command failed with an unexpected error (kvfake AzFail mode)."
)

// azNotLoggedInMessage is the standard error line of Azure CLI 2.45.0
// (Debian's azure-cli package), with exit status 1, for get-access-token and
// account show when no account is logged in. testdata/az-not-logged-in.stderr
// contains the real output, captured by testdata/make-az-golden.sh.
const azNotLoggedInMessage = "ERROR: Please run 'az login' to setup account."

// AzOptions configures WriteAz. Every field is optional.
type AzOptions struct {
	// Token is the access token printed in AzOK and AzSlow modes. Empty
	// means DefaultToken, which the server accepts by default.
	Token string
	// Tenant is the tenant printed when the caller does not pass --tenant.
	// Empty means DefaultTenantID.
	Tenant string
	// User is the user name printed by `az account show`.
	User string
	// Subscription is the subscription id printed by the fake az.
	Subscription string
	// Version is printed by `az --version`.
	Version string
	// Delay is how long AzSlow waits before it prints its output.
	Delay time.Duration
	// ExpiresIn is the token lifetime from the moment az runs. Zero means
	// one hour; a negative value prints a token that has already expired.
	ExpiresIn time.Duration
	// LegacyExpiry omits the expires_on field (Unix seconds) and prints only
	// expiresOn (local time), as Azure CLI 2.45.0 does.
	LegacyExpiry bool
	// FailMessage is printed on standard error in AzFail mode. Empty means
	// DefaultAzFailMessage.
	FailMessage string
	// LogFile, when set, gets one line with the arguments of every az
	// invocation, so tests can count and check them.
	LogFile string
}

// safeValue limits what WriteAz puts into the script and its JSON output, so
// no value needs quoting.
var safeValue = regexp.MustCompile(`^[A-Za-z0-9._~+/=@-]*$`)

// WriteAz writes a POSIX shell script named az into dir and returns its
// path. Put dir first in PATH so that azidentity's AzureCLICredential, which
// runs `az account get-access-token -o json --resource R [--tenant T]`
// through /bin/sh, runs the fake instead of the Azure CLI.
//
// For `az account get-access-token` the script prints the Azure CLI's JSON
// (accessToken, expiresOn, expires_on, subscription, tenant, tokenType). For
// `az account show` it prints an account object (user.name, tenantId, id),
// and it also supports `az --version`. It uses only the shell, date and sleep,
// and contacts no network. It does not run on Windows, where azidentity
// starts az through cmd.exe.
func WriteAz(dir string, mode AzMode, opts AzOptions) (path string, err error) {
	if runtime.GOOS == "windows" {
		return "", errors.New("kvfake: the fake az is a POSIX shell script, and azidentity runs az through cmd.exe on windows")
	}
	if mode < AzOK || mode > AzSlow {
		return "", fmt.Errorf("kvfake: unknown az mode %d", mode)
	}
	opts = azDefaults(opts)
	for field, value := range map[string]string{"Token": opts.Token, "Tenant": opts.Tenant, "User": opts.User, "Subscription": opts.Subscription, "Version": opts.Version} {
		if !safeValue.MatchString(value) {
			return "", fmt.Errorf("kvfake: az option %s %q has characters outside A-Z a-z 0-9 . _ ~ + / = @ -", field, value)
		}
	}
	if strings.ContainsAny(opts.FailMessage, "'\x00") || strings.ContainsAny(opts.LogFile, "'\n\x00") {
		return "", errors.New("kvfake: az FailMessage and LogFile must not contain single quotes, NUL or (for LogFile) newlines")
	}

	path = filepath.Join(dir, "az")
	if err := os.WriteFile(path, []byte(azScript(mode, opts)), 0o755); err != nil {
		return "", fmt.Errorf("kvfake: writing the fake az: %w", err)
	}
	return path, nil
}

func azDefaults(opts AzOptions) AzOptions {
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.Tenant == "" {
		opts.Tenant = DefaultTenantID
	}
	if opts.User == "" {
		opts.User = DefaultAzUser
	}
	if opts.Subscription == "" {
		opts.Subscription = DefaultAzSubscription
	}
	if opts.Version == "" {
		opts.Version = DefaultAzVersion
	}
	if opts.ExpiresIn == 0 {
		opts.ExpiresIn = time.Hour
	}
	if opts.FailMessage == "" {
		opts.FailMessage = DefaultAzFailMessage
	}
	return opts
}

var azModeNames = map[AzMode]string{
	AzOK: "ok", AzNotLoggedIn: "not-logged-in", AzExpired: "expired",
	AzHang: "hang", AzFail: "fail", AzSlow: "slow",
}

// String returns the mode's name as the kvfake runner's -az flag takes it.
func (m AzMode) String() string {
	if name, ok := azModeNames[m]; ok {
		return name
	}
	return "AzMode(" + strconv.Itoa(int(m)) + ")"
}

// ParseAzMode returns the mode with the given name: ok, not-logged-in,
// expired, hang, fail or slow.
func ParseAzMode(name string) (AzMode, error) {
	for mode, modeName := range azModeNames {
		if modeName == name {
			return mode, nil
		}
	}
	return 0, fmt.Errorf("unknown az mode %q; use ok, not-logged-in, expired, hang, fail or slow", name)
}

func azScript(mode AzMode, opts AzOptions) string {
	expiresOnUnix := "true"
	if opts.LegacyExpiry {
		expiresOnUnix = "false"
	}
	values := strings.NewReplacer(
		"@MODE@", mode.String(),
		"@TOKEN@", opts.Token,
		"@TENANT@", opts.Tenant,
		"@USER@", opts.User,
		"@SUBSCRIPTION@", opts.Subscription,
		"@VERSION@", opts.Version,
		"@DELAY@", strconv.FormatFloat(opts.Delay.Seconds(), 'f', -1, 64),
		"@LIFETIME@", strconv.FormatInt(int64(opts.ExpiresIn/time.Second), 10),
		"@UNIX_EXPIRY@", expiresOnUnix,
		"@FAIL_MESSAGE@", opts.FailMessage,
		"@NOT_LOGGED_IN@", azNotLoggedInMessage,
		"@LOG_FILE@", opts.LogFile,
	)
	return values.Replace(azScriptTemplate)
}

// azScriptTemplate is the fake az. The @NAME@ placeholders are filled by
// azScript with values that WriteAz has checked need no quoting inside
// single quotes.
const azScriptTemplate = `#!/bin/sh
# Fake Azure CLI written by kvfake.WriteAz for tests. It never contacts a
# network. Mode: @MODE@.
PATH="$PATH:/usr/bin:/bin"

mode='@MODE@'
token='@TOKEN@'
default_tenant='@TENANT@'
user='@USER@'
subscription='@SUBSCRIPTION@'
version='@VERSION@'
delay='@DELAY@'
lifetime='@LIFETIME@'
unix_expiry='@UNIX_EXPIRY@'
log_file='@LOG_FILE@'

if [ -n "$log_file" ]; then
	printf '%s\n' "$*" >> "$log_file"
fi

# hang waits until the process that started az goes away, for at most an
# hour, so a killed caller leaves no sleeping process behind for long.
hang() {
	parent=$PPID
	i=0
	while [ "$i" -lt 3600 ] && kill -0 "$parent" 2>/dev/null; do
		sleep 1
		i=$((i + 1))
	done
	exit 1
}

not_logged_in() {
	echo "@NOT_LOGGED_IN@" >&2
	exit 1
}

get_access_token() {
	resource='https://management.core.windows.net/'
	scope=''
	tenant="$default_tenant"
	while [ $# -gt 0 ]; do
		case "$1" in
		--resource) resource="$2"; shift ;;
		--scope) scope="$2"; shift ;;
		--tenant|-t) tenant="$2"; shift ;;
		--subscription|--name|-s|-n) subscription="$2"; shift ;;
		-o|--output) shift ;;
		esac
		shift
	done
	if [ -z "$scope" ]; then
		scope="${resource%/}/.default"
	fi

	case "$mode" in
	not-logged-in) not_logged_in ;;
	expired)
		now=$(date -u '+%Y-%m-%d %H:%M:%SZ')
		echo "ERROR: AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2020-01-01T00:00:00.0000000Z and was inactive for 90.00:00:00. Trace ID: 00000000-0000-4000-8000-000000000001 Correlation ID: 00000000-0000-4000-8000-000000000002 Timestamp: $now" >&2
		echo 'Interactive authentication is needed. Please run:' >&2
		echo "az login --scope $scope" >&2
		exit 1 ;;
	hang) hang ;;
	fail)
		echo '@FAIL_MESSAGE@' >&2
		exit 1 ;;
	slow) sleep "$delay" ;;
	esac

	now=$(date '+%s')
	expires=$((now + lifetime))
	# expiresOn is local time; GNU date takes -d @SECONDS, BSD date -r SECONDS.
	expires_local=$(date -d "@$expires" '+%Y-%m-%d %H:%M:%S.000000' 2>/dev/null || date -r "$expires" '+%Y-%m-%d %H:%M:%S.000000')
	printf '{\n'
	printf '  "accessToken": "%s",\n' "$token"
	printf '  "expiresOn": "%s",\n' "$expires_local"
	if [ "$unix_expiry" = true ]; then
		printf '  "expires_on": %s,\n' "$expires"
	fi
	printf '  "subscription": "%s",\n' "$subscription"
	printf '  "tenant": "%s",\n' "$tenant"
	printf '  "tokenType": "Bearer"\n'
	printf '}\n'
}

account_show() {
	case "$mode" in
	not-logged-in) not_logged_in ;;
	hang) hang ;;
	fail)
		echo '@FAIL_MESSAGE@' >&2
		exit 1 ;;
	slow) sleep "$delay" ;;
	esac
	printf '{\n'
	printf '  "environmentName": "AzureCloud",\n'
	printf '  "homeTenantId": "%s",\n' "$default_tenant"
	printf '  "id": "%s",\n' "$subscription"
	printf '  "isDefault": true,\n'
	printf '  "managedByTenants": [],\n'
	printf '  "name": "kvfake subscription",\n'
	printf '  "state": "Enabled",\n'
	printf '  "tenantId": "%s",\n' "$default_tenant"
	printf '  "user": {\n'
	printf '    "name": "%s",\n' "$user"
	printf '    "type": "user"\n'
	printf '  }\n'
	printf '}\n'
}

case "$1 $2" in
"account get-access-token") shift 2; get_access_token "$@" ;;
"account show") account_show ;;
"--version "*|"version "*)
	printf 'azure-cli                         %s\n\n' "$version"
	printf 'core                              %s\n\n' "$version"
	printf 'Python location: kvfake (a shell script that stands in for az)\n'
	;;
*)
	echo "ERROR: '$1' is misspelled or not recognized by the system." >&2
	exit 2 ;;
esac
`
