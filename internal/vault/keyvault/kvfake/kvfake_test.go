package kvfake

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// staticCredential hands out a fixed token and remembers what the challenge
// policy asked for.
type staticCredential struct {
	token string

	mu       sync.Mutex
	requests []policy.TokenRequestOptions
}

func (c *staticCredential) GetToken(_ context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests = append(c.requests, opts)
	return azcore.AccessToken{Token: c.token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func (c *staticCredential) tokenRequests() []policy.TokenRequestOptions {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.requests)
}

// fastRetry retries like the SDK's default policy but with short delays.
var fastRetry = policy.RetryOptions{MaxRetries: 3, RetryDelay: 5 * time.Millisecond, MaxRetryDelay: 2 * time.Second}

var fixedNow = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

func startServer(t *testing.T, opts Options) *Server {
	t.Helper()
	srv, err := Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func newClient(t *testing.T, srv *Server, token string, retry policy.RetryOptions) (*azsecrets.Client, *staticCredential) {
	t.Helper()
	cred := &staticCredential{token: token}
	client, err := azsecrets.NewClient(srv.URL, cred, &azsecrets.ClientOptions{
		ClientOptions:                        azcore.ClientOptions{Transport: srv.Client(), Retry: retry},
		DisableChallengeResourceVerification: true,
	})
	if err != nil {
		t.Fatalf("azsecrets.NewClient: %v", err)
	}
	return client, cred
}

// responseError returns err's *azcore.ResponseError and its raw body.
func responseError(t *testing.T, err error) (*azcore.ResponseError, string) {
	t.Helper()
	var respErr *azcore.ResponseError
	if !errors.As(err, &respErr) {
		t.Fatalf("error %v is not an *azcore.ResponseError", err)
	}
	body, readErr := runtime.Payload(respErr.RawResponse)
	if readErr != nil {
		t.Fatalf("reading the error body: %v", readErr)
	}
	return respErr, string(body)
}

// errorBodyOf decodes a Key Vault error body.
func errorBodyOf(t *testing.T, body string) errorBody {
	t.Helper()
	var decoded errorBody
	if err := json.Unmarshal([]byte(body), &decoded); err != nil {
		t.Fatalf("error body %q is not Key Vault JSON: %v", body, err)
	}
	return decoded
}

func expectServiceError(t *testing.T, err error, status int, code, inner string) errorBody {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %d %s", status, code)
	}
	respErr, body := responseError(t, err)
	if respErr.StatusCode != status {
		t.Errorf("status = %d, want %d (body %s)", respErr.StatusCode, status, body)
	}
	if respErr.ErrorCode != code {
		t.Errorf("error code = %q, want %q", respErr.ErrorCode, code)
	}
	decoded := errorBodyOf(t, body)
	gotInner := ""
	if decoded.Error.InnerError != nil {
		gotInner = decoded.Error.InnerError.Code
	}
	if gotInner != inner {
		t.Errorf("inner error code = %q, want %q", gotInner, inner)
	}
	return decoded
}

func setSecret(t *testing.T, client *azsecrets.Client, name, value string) azsecrets.SetSecretResponse {
	t.Helper()
	resp, err := client.SetSecret(context.Background(), name, azsecrets.SetSecretParameters{Value: to.Ptr(value)}, nil)
	if err != nil {
		t.Fatalf("SetSecret(%q): %v", name, err)
	}
	return resp
}

// rawGet sends a GET with an optional bearer token, outside the SDK.
func rawGet(t *testing.T, srv *Server, path, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, strings.TrimSuffix(srv.URL, "/")+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading GET %s: %v", path, err)
	}
	return resp, string(body)
}

var secretIDPattern = regexp.MustCompile(`^https://127\.0\.0\.1:\d+/secrets/([0-9a-zA-Z-]+)/([0-9a-f]{32})$`)

func TestChallengeThenAuthorizedRequest(t *testing.T) {
	srv := startServer(t, Options{TenantID: "0123abcd-0000-4000-8000-000000000001"})
	srv.Seed("github-alice", "otpauth://totp/x?secret=AAAA", "application/x-totp", nil)
	client, cred := newClient(t, srv, DefaultToken, fastRetry)

	resp, err := client.GetSecret(context.Background(), "github-alice", "", nil)
	if err != nil {
		t.Fatalf("GetSecret: %v", err)
	}
	if got := *resp.Value; got != "otpauth://totp/x?secret=AAAA" {
		t.Errorf("value = %q", got)
	}

	requests := srv.Requests()
	if len(requests) != 2 {
		t.Fatalf("requests = %+v, want a challenge and one authorized request", requests)
	}
	if requests[0].Authorized || requests[0].Status != http.StatusUnauthorized {
		t.Errorf("first request = %+v, want an unauthorized 401", requests[0])
	}
	if !requests[1].Authorized || requests[1].Status != http.StatusOK {
		t.Errorf("second request = %+v, want an authorized 200", requests[1])
	}
	if requests[1].Path != "/secrets/github-alice/" || !strings.Contains(requests[1].Query, "api-version=") {
		t.Errorf("second request path %q query %q", requests[1].Path, requests[1].Query)
	}

	tokenRequests := cred.tokenRequests()
	if len(tokenRequests) != 1 {
		t.Fatalf("token requests = %+v, want 1", tokenRequests)
	}
	if got := tokenRequests[0].TenantID; got != "0123abcd-0000-4000-8000-000000000001" {
		t.Errorf("tenant from challenge = %q", got)
	}
	if got := tokenRequests[0].Scopes; !slices.Equal(got, []string{"https://vault.azure.net/.default"}) {
		t.Errorf("scopes from challenge = %q", got)
	}
}

func TestChallengeHeaderAndBody(t *testing.T) {
	srv := startServer(t, Options{})

	resp, body := rawGet(t, srv, "/secrets?api-version=2026-04-01", "")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status = %d, want 401", resp.StatusCode)
	}
	want := `Bearer authorization="https://login.microsoftonline.com/` + DefaultTenantID + `", resource="https://vault.azure.net"`
	if got := resp.Header.Get("WWW-Authenticate"); got != want {
		t.Errorf("WWW-Authenticate = %q, want %q", got, want)
	}
	if want := `{"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}}`; body != want {
		t.Errorf("body = %s, want %s", body, want)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
}

func TestCustomResourceInChallenge(t *testing.T) {
	srv := startServer(t, Options{Resource: "https://vault.azure.cn"})
	resp, _ := rawGet(t, srv, "/secrets?api-version=2026-04-01", "")
	if got := resp.Header.Get("WWW-Authenticate"); !strings.HasSuffix(got, `resource="https://vault.azure.cn"`) {
		t.Errorf("WWW-Authenticate = %q", got)
	}
}

func TestInvalidTokenRejected(t *testing.T) {
	srv := startServer(t, Options{})
	srv.Seed("a", "v", "", nil)
	client, cred := newClient(t, srv, "not-the-token", fastRetry)

	_, err := client.GetSecret(context.Background(), "a", "", nil)
	decoded := expectServiceError(t, err, http.StatusUnauthorized, "Unauthorized", "")
	if !strings.Contains(decoded.Error.Message, "Error validating token") {
		t.Errorf("message = %q", decoded.Error.Message)
	}

	// The SDK retries once with a token after the challenge and gives up
	// when the token is rejected.
	requests := srv.Requests()
	if len(requests) != 2 {
		t.Fatalf("requests = %+v, want 2", requests)
	}
	for _, request := range requests {
		if request.Authorized || request.Status != http.StatusUnauthorized {
			t.Errorf("request %+v, want unauthorized 401", request)
		}
	}
	if n := len(cred.tokenRequests()); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
}

func TestAcceptTokenOption(t *testing.T) {
	srv := startServer(t, Options{AcceptToken: func(token string) bool { return strings.HasPrefix(token, "good-") }})
	srv.Seed("a", "v", "", nil)

	good, _ := newClient(t, srv, "good-1", fastRetry)
	if _, err := good.GetSecret(context.Background(), "a", "", nil); err != nil {
		t.Errorf("accepted token: %v", err)
	}
	bad, _ := newClient(t, srv, DefaultToken, fastRetry)
	_, err := bad.GetSecret(context.Background(), "a", "", nil)
	expectServiceError(t, err, http.StatusUnauthorized, "Unauthorized", "")
}

func TestSetAndGetSecret(t *testing.T) {
	srv := startServer(t, Options{Now: func() time.Time { return fixedNow }})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	ctx := context.Background()

	set, err := client.SetSecret(ctx, "GitHub-Alice", azsecrets.SetSecretParameters{
		Value:       to.Ptr("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP"),
		ContentType: to.Ptr("application/x-totp"),
		Tags:        map[string]*string{"issuer": to.Ptr("GitHub"), "account": to.Ptr("alice")},
	}, nil)
	if err != nil {
		t.Fatalf("SetSecret: %v", err)
	}
	match := secretIDPattern.FindStringSubmatch(string(*set.ID))
	if match == nil {
		t.Fatalf("id %q is not https://HOST/secrets/NAME/VERSION", *set.ID)
	}
	if match[1] != "GitHub-Alice" {
		t.Errorf("id name = %q", match[1])
	}
	if set.ID.Name() != "GitHub-Alice" || set.ID.Version() != match[2] {
		t.Errorf("ID.Name() = %q, ID.Version() = %q", set.ID.Name(), set.ID.Version())
	}
	if *set.Value != "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP" {
		t.Errorf("set response value = %q", *set.Value)
	}
	attrs := set.Attributes
	if !*attrs.Enabled || !attrs.Created.Equal(fixedNow) || !attrs.Updated.Equal(fixedNow) {
		t.Errorf("attributes = enabled %v created %v updated %v", *attrs.Enabled, attrs.Created, attrs.Updated)
	}
	if *attrs.RecoveryLevel != "Recoverable+Purgeable" || *attrs.RecoverableDays != 90 {
		t.Errorf("recovery level %q, days %d", *attrs.RecoveryLevel, *attrs.RecoverableDays)
	}

	got, err := client.GetSecret(ctx, "github-alice", "", nil)
	if err != nil {
		t.Fatalf("GetSecret: %v", err)
	}
	if *got.ID != *set.ID {
		t.Errorf("get id %q, set id %q", *got.ID, *set.ID)
	}
	if *got.ContentType != "application/x-totp" {
		t.Errorf("content type = %q", *got.ContentType)
	}
	if *got.Tags["issuer"] != "GitHub" || *got.Tags["account"] != "alice" || len(got.Tags) != 2 {
		t.Errorf("tags = %v", got.Tags)
	}

	value, contentType, tags, ok := srv.Secret("GITHUB-ALICE")
	if !ok || value != *set.Value || contentType != "application/x-totp" || tags["issuer"] != "GitHub" {
		t.Errorf("Secret() = %q, %q, %v, %v", value, contentType, tags, ok)
	}
}

func TestSetCreatesVersions(t *testing.T) {
	srv := startServer(t, Options{})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	ctx := context.Background()

	first := setSecret(t, client, "acct", "one")
	second := setSecret(t, client, "ACCT", "two")
	if first.ID.Version() == second.ID.Version() {
		t.Fatalf("both versions are %q", first.ID.Version())
	}
	if n := srv.Versions("acct"); n != 2 {
		t.Errorf("Versions = %d, want 2", n)
	}

	latest, err := client.GetSecret(ctx, "acct", "", nil)
	if err != nil || *latest.Value != "two" {
		t.Fatalf("latest = %v, %v", latest.Value, err)
	}
	old, err := client.GetSecret(ctx, "acct", first.ID.Version(), nil)
	if err != nil || *old.Value != "one" {
		t.Fatalf("first version = %v, %v", old.Value, err)
	}

	_, err = client.GetSecret(ctx, "acct", strings.Repeat("0", 32), nil)
	decoded := expectServiceError(t, err, http.StatusNotFound, "SecretNotFound", "")
	if !strings.Contains(decoded.Error.Message, "acct/"+strings.Repeat("0", 32)) {
		t.Errorf("message = %q", decoded.Error.Message)
	}

	var versions []string
	pager := client.NewListSecretPropertiesVersionsPager("acct", nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatalf("versions page: %v", err)
		}
		for _, item := range page.Value {
			versions = append(versions, item.ID.Version())
		}
	}
	if !slices.Equal(versions, []string{first.ID.Version(), second.ID.Version()}) {
		t.Errorf("versions = %v", versions)
	}
}

func TestGetMissingSecret(t *testing.T) {
	srv := startServer(t, Options{})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)

	_, err := client.GetSecret(context.Background(), "nope", "", nil)
	decoded := expectServiceError(t, err, http.StatusNotFound, "SecretNotFound", "")
	if !strings.HasPrefix(decoded.Error.Message, "A secret with (name/id) nope was not found in this key vault.") {
		t.Errorf("message = %q", decoded.Error.Message)
	}
}

func TestInvalidSecretNames(t *testing.T) {
	srv := startServer(t, Options{})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)

	for _, name := range []string{"bad_name", "dots.are.bad", "space here", "ümlaut", strings.Repeat("a", 128)} {
		_, err := client.SetSecret(context.Background(), name, azsecrets.SetSecretParameters{Value: to.Ptr("v")}, nil)
		decoded := expectServiceError(t, err, http.StatusBadRequest, "BadParameter", "")
		if want := "The request URI contains an invalid name: " + name; decoded.Error.Message != want {
			t.Errorf("name %q: message = %q, want %q", name, decoded.Error.Message, want)
		}
	}
	setSecret(t, client, strings.Repeat("a", 127), "v")
}

func TestListSecretsPages(t *testing.T) {
	srv := startServer(t, Options{})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	var want []string
	for i := range 60 {
		name := fmt.Sprintf("acct-%02d", i)
		srv.Seed(name, "value", "application/x-totp", map[string]string{"n": fmt.Sprint(i)})
		want = append(want, name)
	}

	var got, nextLinks []string
	var pageSizes []int
	pager := client.NewListSecretPropertiesPager(nil)
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		if err != nil {
			t.Fatalf("NextPage: %v", err)
		}
		pageSizes = append(pageSizes, len(page.Value))
		for _, item := range page.Value {
			got = append(got, item.ID.Name())
			if item.ID.Version() != "" {
				t.Errorf("list id %q has a version", *item.ID)
			}
		}
		if page.NextLink != nil {
			nextLinks = append(nextLinks, *page.NextLink)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("names = %v", got)
	}
	if !slices.Equal(pageSizes, []int{25, 25, 10}) {
		t.Errorf("page sizes = %v, want [25 25 10]", pageSizes)
	}
	for _, link := range nextLinks {
		u, err := url.Parse(link)
		if err != nil {
			t.Fatalf("next link %q: %v", link, err)
		}
		if u.Scheme != "https" || u.Host != strings.TrimSuffix(strings.TrimPrefix(srv.URL, "https://"), "/") || u.Path != "/secrets" {
			t.Errorf("next link %q is not an absolute /secrets URL on the server", link)
		}
		if u.Query().Get("$skiptoken") == "" || u.Query().Get("api-version") == "" {
			t.Errorf("next link %q lacks $skiptoken or api-version", link)
		}
	}
}

func TestListHonoursMaxResults(t *testing.T) {
	srv := startServer(t, Options{})
	for i := range 7 {
		srv.Seed(fmt.Sprintf("s%d", i), "v", "", nil)
	}

	resp, body := rawGet(t, srv, "/secrets?api-version=2026-04-01&maxresults=5", DefaultToken)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var page struct {
		Value    []json.RawMessage `json:"value"`
		NextLink string            `json:"nextLink"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Value) != 5 {
		t.Errorf("page has %d items, want 5", len(page.Value))
	}
	if !strings.Contains(body, "&$skiptoken=") {
		t.Errorf("body %s does not spell the next link with a plain &", body)
	}
	next, err := url.Parse(page.NextLink)
	if err != nil || next.Query().Get("maxresults") != "5" {
		t.Fatalf("next link %q does not keep maxresults=5", page.NextLink)
	}

	resp, body = rawGet(t, srv, next.RequestURI(), DefaultToken)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("second page status %d: %s", resp.StatusCode, body)
	}
	page.NextLink = ""
	page.Value = nil
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Value) != 2 || page.NextLink != "" {
		t.Errorf("second page has %d items and next link %q, want 2 and none", len(page.Value), page.NextLink)
	}

	for _, bad := range []string{"0", "26", "x"} {
		resp, body := rawGet(t, srv, "/secrets?api-version=2026-04-01&maxresults="+bad, DefaultToken)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `"BadParameter"`) {
			t.Errorf("maxresults=%s: status %d body %s, want 400 BadParameter", bad, resp.StatusCode, body)
		}
	}
}

func TestListRejectsForeignSkipToken(t *testing.T) {
	srv := startServer(t, Options{})
	resp, body := rawGet(t, srv, "/secrets?api-version=2026-04-01&$skiptoken=bm90LW91cnM", DefaultToken)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "skiptoken") {
		t.Errorf("status %d body %s, want 400 about the skiptoken", resp.StatusCode, body)
	}
}

func TestPageSizeOption(t *testing.T) {
	srv := startServer(t, Options{PageSize: 2})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	for i := range 5 {
		srv.Seed(fmt.Sprintf("s%d", i), "v", "", nil)
	}

	pages := 0
	count := 0
	pager := client.NewListSecretPropertiesPager(nil)
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		count += len(page.Value)
	}
	if pages != 3 || count != 5 {
		t.Errorf("%d pages with %d secrets, want 3 pages with 5", pages, count)
	}
	if n := len(srv.Requests()); n != 4 {
		t.Errorf("requests = %d, want a challenge and 3 pages", n)
	}
}

func TestStartRejectsBadOptions(t *testing.T) {
	for _, opts := range []Options{
		{PageSize: 26},
		{PageSize: -1},
		{RetentionDays: 3},
		{RetentionDays: 91},
		{Authorization: Authorization(7)},
		{Denied: map[string]bool{"backup": true}},
	} {
		srv, err := Start(opts)
		if err == nil {
			srv.Close()
			t.Errorf("Start(%+v) succeeded, want an error", opts)
		}
	}
}

func TestUpdateProperties(t *testing.T) {
	now := fixedNow
	srv := startServer(t, Options{Now: func() time.Time { return now }})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	ctx := context.Background()
	set := setSecret(t, client, "acct", "v1")

	now = fixedNow.Add(time.Hour)
	updated, err := client.UpdateSecretProperties(ctx, "acct", "", azsecrets.UpdateSecretPropertiesParameters{
		ContentType:      to.Ptr("text/plain"),
		Tags:             map[string]*string{"k": to.Ptr("v")},
		SecretAttributes: &azsecrets.SecretAttributes{Enabled: to.Ptr(false)},
	}, nil)
	if err != nil {
		t.Fatalf("UpdateSecretProperties: %v", err)
	}
	if updated.Value != nil {
		t.Errorf("update response has a value")
	}
	if *updated.ID != *set.ID || *updated.ContentType != "text/plain" || *updated.Tags["k"] != "v" || *updated.Attributes.Enabled {
		t.Errorf("update response = id %q type %q tags %v enabled %v", *updated.ID, *updated.ContentType, updated.Tags, *updated.Attributes.Enabled)
	}
	if !updated.Attributes.Updated.Equal(now) || !updated.Attributes.Created.Equal(fixedNow) {
		t.Errorf("created %v updated %v", updated.Attributes.Created, updated.Attributes.Updated)
	}

	_, err = client.GetSecret(ctx, "acct", "", nil)
	expectServiceError(t, err, http.StatusForbidden, "Forbidden", "SecretDisabled")

	_, err = client.UpdateSecretProperties(ctx, "acct", set.ID.Version(), azsecrets.UpdateSecretPropertiesParameters{
		SecretAttributes: &azsecrets.SecretAttributes{Enabled: to.Ptr(true)},
	}, nil)
	if err != nil {
		t.Fatalf("re-enabling by version: %v", err)
	}
	got, err := client.GetSecret(ctx, "acct", "", nil)
	if err != nil || *got.Value != "v1" || *got.ContentType != "text/plain" {
		t.Errorf("after re-enabling: %v, %v", got.Value, err)
	}
	if n := srv.Versions("acct"); n != 1 {
		t.Errorf("update created versions: %d", n)
	}

	_, err = client.UpdateSecretProperties(ctx, "missing", "", azsecrets.UpdateSecretPropertiesParameters{}, nil)
	expectServiceError(t, err, http.StatusNotFound, "SecretNotFound", "")
}

func TestDisabledSecret(t *testing.T) {
	srv := startServer(t, Options{})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	ctx := context.Background()
	srv.Seed("acct", "v", "", nil)
	srv.SetEnabled("ACCT", false)

	_, err := client.GetSecret(ctx, "acct", "", nil)
	decoded := expectServiceError(t, err, http.StatusForbidden, "Forbidden", "SecretDisabled")
	if decoded.Error.Message != "Operation get is not allowed on a disabled secret." {
		t.Errorf("message = %q", decoded.Error.Message)
	}

	page, err := client.NewListSecretPropertiesPager(nil).NextPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Value) != 1 || *page.Value[0].Attributes.Enabled {
		t.Errorf("listing does not show the disabled secret as disabled: %+v", page.Value)
	}

	srv.SetEnabled("acct", true)
	if _, err := client.GetSecret(ctx, "acct", "", nil); err != nil {
		t.Errorf("after enabling: %v", err)
	}
}

func TestDeleteRecoverPurge(t *testing.T) {
	srv := startServer(t, Options{Now: func() time.Time { return fixedNow }})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	ctx := context.Background()
	setSecret(t, client, "Acct", "v1")

	del, err := client.DeleteSecret(ctx, "acct", nil)
	if err != nil {
		t.Fatalf("DeleteSecret: %v", err)
	}
	if del.Value != nil {
		t.Errorf("delete response has a value")
	}
	if want := strings.TrimSuffix(srv.URL, "/") + "/deletedsecrets/Acct"; *del.RecoveryID != want {
		t.Errorf("recoveryId = %q, want %q", *del.RecoveryID, want)
	}
	if !del.DeletedDate.Equal(fixedNow) || !del.ScheduledPurgeDate.Equal(fixedNow.AddDate(0, 0, 90)) {
		t.Errorf("deleted %v, purge %v", del.DeletedDate, del.ScheduledPurgeDate)
	}
	if !secretIDPattern.MatchString(string(*del.ID)) {
		t.Errorf("deleted id %q", *del.ID)
	}
	if !srv.IsDeleted("acct") || srv.Versions("acct") != 0 {
		t.Errorf("after delete: IsDeleted %v Versions %d", srv.IsDeleted("acct"), srv.Versions("acct"))
	}

	_, err = client.GetSecret(ctx, "acct", "", nil)
	expectServiceError(t, err, http.StatusNotFound, "SecretNotFound", "")
	_, err = client.DeleteSecret(ctx, "acct", nil)
	expectServiceError(t, err, http.StatusNotFound, "SecretNotFound", "")

	_, err = client.SetSecret(ctx, "ACCT", azsecrets.SetSecretParameters{Value: to.Ptr("v2")}, nil)
	decoded := expectServiceError(t, err, http.StatusConflict, "Conflict", "ObjectIsDeletedButRecoverable")
	if !strings.Contains(decoded.Error.Message, "deleted but recoverable state") {
		t.Errorf("conflict message = %q", decoded.Error.Message)
	}

	gotDeleted, err := client.GetDeletedSecret(ctx, "acct", nil)
	if err != nil || *gotDeleted.RecoveryID != *del.RecoveryID || gotDeleted.Value != nil {
		t.Fatalf("GetDeletedSecret = %+v, %v", gotDeleted, err)
	}
	deletedPage, err := client.NewListDeletedSecretPropertiesPager(nil).NextPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(deletedPage.Value) != 1 || deletedPage.Value[0].ID.Name() != "Acct" || *deletedPage.Value[0].RecoveryID != *del.RecoveryID {
		t.Errorf("deleted listing = %+v", deletedPage.Value)
	}

	recovered, err := client.RecoverDeletedSecret(ctx, "acct", nil)
	if err != nil {
		t.Fatalf("RecoverDeletedSecret: %v", err)
	}
	if recovered.ID.Name() != "Acct" {
		t.Errorf("recovered id %q", *recovered.ID)
	}
	got, err := client.GetSecret(ctx, "acct", "", nil)
	if err != nil || *got.Value != "v1" {
		t.Fatalf("after recover: %v, %v", got.Value, err)
	}

	if _, err := client.DeleteSecret(ctx, "acct", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := client.PurgeDeletedSecret(ctx, "acct", nil); err != nil {
		t.Fatalf("PurgeDeletedSecret: %v", err)
	}
	if last := srv.Requests()[len(srv.Requests())-1]; last.Method != http.MethodDelete || last.Status != http.StatusNoContent {
		t.Errorf("purge request = %+v, want DELETE 204", last)
	}
	_, err = client.GetDeletedSecret(ctx, "acct", nil)
	expectServiceError(t, err, http.StatusNotFound, "SecretNotFound", "")
	_, err = client.RecoverDeletedSecret(ctx, "acct", nil)
	expectServiceError(t, err, http.StatusNotFound, "SecretNotFound", "")
	_, err = client.PurgeDeletedSecret(ctx, "acct", nil)
	expectServiceError(t, err, http.StatusNotFound, "SecretNotFound", "")

	setSecret(t, client, "acct", "fresh")
	if n := srv.Versions("acct"); n != 1 {
		t.Errorf("versions after purge and set = %d, want 1", n)
	}
}

func TestScheduledPurge(t *testing.T) {
	now := fixedNow
	srv := startServer(t, Options{RetentionDays: 7, Now: func() time.Time { return now }})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	setSecret(t, client, "acct", "v")
	if _, err := client.DeleteSecret(context.Background(), "acct", nil); err != nil {
		t.Fatal(err)
	}

	now = fixedNow.AddDate(0, 0, 7).Add(-time.Second)
	if !srv.IsDeleted("acct") {
		t.Fatalf("purged before the scheduled date")
	}
	now = fixedNow.AddDate(0, 0, 7)
	if srv.IsDeleted("acct") {
		t.Fatalf("not purged at the scheduled date")
	}
	setSecret(t, client, "acct", "again")
}

func TestSoftDeleteOff(t *testing.T) {
	srv := startServer(t, Options{SoftDelete: to.Ptr(false)})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	ctx := context.Background()
	set := setSecret(t, client, "acct", "v")
	if *set.Attributes.RecoveryLevel != "Purgeable" || set.Attributes.RecoverableDays != nil {
		t.Errorf("recovery level %q days %v", *set.Attributes.RecoveryLevel, set.Attributes.RecoverableDays)
	}

	del, err := client.DeleteSecret(ctx, "acct", nil)
	if err != nil {
		t.Fatal(err)
	}
	if del.RecoveryID != nil || del.DeletedDate != nil {
		t.Errorf("delete without soft delete returned recovery data: %+v", del)
	}
	if srv.IsDeleted("acct") {
		t.Errorf("secret kept as deleted")
	}
	setSecret(t, client, "acct", "again")
}

func TestDeniedRBAC(t *testing.T) {
	srv := startServer(t, Options{Denied: map[string]bool{"get": true}})
	srv.Seed("acct", "v", "", nil)
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	ctx := context.Background()

	_, err := client.GetSecret(ctx, "acct", "", nil)
	decoded := expectServiceError(t, err, http.StatusForbidden, "Forbidden", "ForbiddenByRbac")
	for _, want := range []string{
		"Caller is not authorized to perform action on resource.",
		"please observe propagation time",
		"Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'",
		"/providers/microsoft.keyvault/vaults/kvfake/secrets/acct'",
		DefaultTenantID,
	} {
		if !strings.Contains(decoded.Error.Message, want) {
			t.Errorf("message %q lacks %q", decoded.Error.Message, want)
		}
	}

	if _, err := client.NewListSecretPropertiesPager(nil).NextPage(ctx); err != nil {
		t.Errorf("list is not denied but failed: %v", err)
	}
}

func TestDeniedAccessPolicy(t *testing.T) {
	srv := startServer(t, Options{Authorization: AccessPolicy, Denied: map[string]bool{"list": true, "set": true}})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	ctx := context.Background()

	_, err := client.NewListSecretPropertiesPager(nil).NextPage(ctx)
	decoded := expectServiceError(t, err, http.StatusForbidden, "Forbidden", "AccessDenied")
	if !strings.Contains(decoded.Error.Message, "does not have secrets list permission on key vault 'kvfake;location=eastus'") {
		t.Errorf("message = %q", decoded.Error.Message)
	}

	_, err = client.SetSecret(ctx, "acct", azsecrets.SetSecretParameters{Value: to.Ptr("v")}, nil)
	decoded = expectServiceError(t, err, http.StatusForbidden, "Forbidden", "AccessDenied")
	if !strings.Contains(decoded.Error.Message, "does not have secrets set permission") {
		t.Errorf("message = %q", decoded.Error.Message)
	}
	if _, _, _, ok := srv.Secret("acct"); ok {
		t.Errorf("denied set stored the secret")
	}

	_, err = client.UpdateSecretProperties(ctx, "acct", "", azsecrets.UpdateSecretPropertiesParameters{}, nil)
	expectServiceError(t, err, http.StatusForbidden, "Forbidden", "AccessDenied")
}

func TestValueAndTagLimits(t *testing.T) {
	srv := startServer(t, Options{})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)

	manyTags := func(n int) map[string]*string {
		tags := map[string]*string{}
		for i := range n {
			tags[fmt.Sprintf("tag%d", i)] = to.Ptr("v")
		}
		return tags
	}
	tests := []struct {
		name   string
		params azsecrets.SetSecretParameters
		valid  bool
	}{
		{"value at limit", azsecrets.SetSecretParameters{Value: to.Ptr(strings.Repeat("x", 25*1024))}, true},
		{"value over limit", azsecrets.SetSecretParameters{Value: to.Ptr(strings.Repeat("x", 25*1024+1))}, false},
		{"15 tags", azsecrets.SetSecretParameters{Value: to.Ptr("v"), Tags: manyTags(15)}, true},
		{"16 tags", azsecrets.SetSecretParameters{Value: to.Ptr("v"), Tags: manyTags(16)}, false},
		{"tag name at limit", azsecrets.SetSecretParameters{Value: to.Ptr("v"), Tags: map[string]*string{strings.Repeat("n", 512): to.Ptr("v")}}, true},
		{"tag name over limit", azsecrets.SetSecretParameters{Value: to.Ptr("v"), Tags: map[string]*string{strings.Repeat("n", 513): to.Ptr("v")}}, false},
		{"tag value at limit", azsecrets.SetSecretParameters{Value: to.Ptr("v"), Tags: map[string]*string{"k": to.Ptr(strings.Repeat("é", 256))}}, true},
		{"tag value over limit", azsecrets.SetSecretParameters{Value: to.Ptr("v"), Tags: map[string]*string{"k": to.Ptr(strings.Repeat("v", 257))}}, false},
		{"content type at limit", azsecrets.SetSecretParameters{Value: to.Ptr("v"), ContentType: to.Ptr(strings.Repeat("c", 255))}, true},
		{"content type over limit", azsecrets.SetSecretParameters{Value: to.Ptr("v"), ContentType: to.Ptr(strings.Repeat("c", 256))}, false},
		{"missing value", azsecrets.SetSecretParameters{ContentType: to.Ptr("text/plain")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.SetSecret(context.Background(), "limits", tt.params, nil)
			if tt.valid {
				if err != nil {
					t.Errorf("SetSecret: %v", err)
				}
				return
			}
			expectServiceError(t, err, http.StatusBadRequest, "BadParameter", "")
		})
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	srv := startServer(t, Options{})
	srv.Seed("acct", "v", "", nil)
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	srv.Inject(Fault{Method: http.MethodGet, PathPrefix: "/secrets/", Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 2})

	start := time.Now()
	got, err := client.GetSecret(context.Background(), "acct", "", nil)
	if err != nil {
		t.Fatalf("GetSecret after throttling: %v", err)
	}
	if *got.Value != "v" {
		t.Errorf("value = %q", *got.Value)
	}
	if elapsed := time.Since(start); elapsed < 2*time.Second {
		t.Errorf("the client did not wait for Retry-After twice: %v", elapsed)
	}

	var statuses []int
	for _, request := range srv.Requests() {
		if request.Authorized {
			statuses = append(statuses, request.Status)
		}
	}
	if !slices.Equal(statuses, []int{429, 429, 200}) {
		t.Errorf("authorized statuses = %v, want [429 429 200]", statuses)
	}
}

func TestThrottlingBody(t *testing.T) {
	srv := startServer(t, Options{})
	srv.Inject(Fault{Status: http.StatusTooManyRequests, RetryAfter: "7", Times: 1})
	resp, body := rawGet(t, srv, "/secrets?api-version=2026-04-01", DefaultToken)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("status %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if errorBodyOf(t, body).Error.Code != "Throttled" {
		t.Errorf("body = %s", body)
	}
	if resp, _ := rawGet(t, srv, "/secrets?api-version=2026-04-01", DefaultToken); resp.StatusCode != http.StatusOK {
		t.Errorf("fault with Times 1 applied twice: %d", resp.StatusCode)
	}
}

func TestServerErrorsExhaustRetries(t *testing.T) {
	srv := startServer(t, Options{})
	srv.Seed("acct", "v", "", nil)
	retry := fastRetry
	retry.MaxRetries = 2
	client, _ := newClient(t, srv, DefaultToken, retry)
	srv.Inject(Fault{Status: http.StatusServiceUnavailable})

	_, err := client.GetSecret(context.Background(), "acct", "", nil)
	expectServiceError(t, err, http.StatusServiceUnavailable, "ServiceUnavailable", "")
	authorized := 0
	for _, request := range srv.Requests() {
		if request.Authorized {
			authorized++
		}
	}
	if authorized != 3 {
		t.Errorf("authorized attempts = %d, want 3 (one try and two retries)", authorized)
	}

	srv.ClearFaults()
	if _, err := client.GetSecret(context.Background(), "acct", "", nil); err != nil {
		t.Errorf("after ClearFaults: %v", err)
	}
}

func TestInjectedCustomBody(t *testing.T) {
	srv := startServer(t, Options{})
	srv.Inject(Fault{Status: http.StatusInternalServerError, Body: `{"error":{"code":"Custom","message":"m"}}`, Times: 1})
	client, _ := newClient(t, srv, DefaultToken, policy.RetryOptions{MaxRetries: -1})

	_, err := client.GetSecret(context.Background(), "acct", "", nil)
	expectServiceError(t, err, http.StatusInternalServerError, "Custom", "")
}

func TestInjectedForbidden(t *testing.T) {
	srv := startServer(t, Options{})
	srv.Seed("acct", "v", "", nil)
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	srv.Inject(Fault{Status: http.StatusForbidden, Times: 1})

	_, err := client.GetSecret(context.Background(), "acct", "", nil)
	decoded := expectServiceError(t, err, http.StatusForbidden, "Forbidden", "ForbiddenByRbac")
	if !strings.Contains(decoded.Error.Message, "getSecret/action") {
		t.Errorf("message = %q", decoded.Error.Message)
	}
	if _, err := client.GetSecret(context.Background(), "acct", "", nil); err != nil {
		t.Errorf("second get: %v", err)
	}
}

func TestDroppedConnectionIsRetried(t *testing.T) {
	srv := startServer(t, Options{})
	srv.Seed("acct", "v", "", nil)
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	srv.Inject(Fault{Drop: true, Times: 1})

	if _, err := client.GetSecret(context.Background(), "acct", "", nil); err != nil {
		t.Fatalf("GetSecret after a dropped connection: %v", err)
	}
	var statuses []int
	for _, request := range srv.Requests() {
		if request.Authorized {
			statuses = append(statuses, request.Status)
		}
	}
	if !slices.Equal(statuses, []int{0, 200}) {
		t.Errorf("authorized statuses = %v, want [0 200]", statuses)
	}
}

func TestDroppedConnectionEveryTime(t *testing.T) {
	srv := startServer(t, Options{})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	srv.Inject(Fault{Drop: true})

	_, err := client.GetSecret(context.Background(), "acct", "", nil)
	if err == nil {
		t.Fatal("GetSecret succeeded although every connection was dropped")
	}
	var respErr *azcore.ResponseError
	if errors.As(err, &respErr) {
		t.Errorf("got a response error %v, want a transport error", err)
	}
}

func TestDelayedResponseTimesOut(t *testing.T) {
	srv := startServer(t, Options{})
	srv.Seed("acct", "v", "", nil)
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	srv.Inject(Fault{Delay: time.Minute, Times: 1})

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := client.GetSecret(ctx, "acct", "", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
}

func TestDelayOnlyFaultThenServes(t *testing.T) {
	srv := startServer(t, Options{})
	srv.Seed("acct", "v", "", nil)
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	srv.Inject(Fault{Delay: 200 * time.Millisecond, Times: 1})

	start := time.Now()
	if _, err := client.GetSecret(context.Background(), "acct", "", nil); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < 200*time.Millisecond {
		t.Errorf("returned after %v, before the injected delay", elapsed)
	}
}

func TestFaultMatchesMethodAndPath(t *testing.T) {
	srv := startServer(t, Options{})
	srv.Seed("acct", "v", "", nil)
	client, _ := newClient(t, srv, DefaultToken, policy.RetryOptions{MaxRetries: -1})
	srv.Inject(Fault{Method: http.MethodPut, PathPrefix: "/secrets/acct", Status: http.StatusInternalServerError})

	if _, err := client.GetSecret(context.Background(), "acct", "", nil); err != nil {
		t.Errorf("GET matched a PUT fault: %v", err)
	}
	if _, err := client.SetSecret(context.Background(), "other", azsecrets.SetSecretParameters{Value: to.Ptr("v")}, nil); err != nil {
		t.Errorf("PUT to another path matched the fault: %v", err)
	}
	_, err := client.SetSecret(context.Background(), "acct", azsecrets.SetSecretParameters{Value: to.Ptr("v2")}, nil)
	expectServiceError(t, err, http.StatusInternalServerError, "InternalServerError", "")
	if n := srv.Versions("acct"); n != 1 {
		t.Errorf("a faulted set stored a version: %d versions", n)
	}
}

func TestLatencyOption(t *testing.T) {
	srv := startServer(t, Options{Latency: 150 * time.Millisecond})
	start := time.Now()
	rawGet(t, srv, "/secrets?api-version=2026-04-01", DefaultToken)
	if elapsed := time.Since(start); elapsed < 150*time.Millisecond {
		t.Errorf("response after %v, before the latency", elapsed)
	}
}

func TestDateHeaderUsesClockAndSkew(t *testing.T) {
	srv := startServer(t, Options{Now: func() time.Time { return fixedNow }, DateSkew: -10 * time.Minute})
	resp, _ := rawGet(t, srv, "/secrets?api-version=2026-04-01", DefaultToken)
	if got, want := resp.Header.Get("Date"), fixedNow.Add(-10*time.Minute).Format(http.TimeFormat); got != want {
		t.Errorf("Date = %q, want %q", got, want)
	}
}

func TestMissingAPIVersion(t *testing.T) {
	srv := startServer(t, Options{})
	resp, body := rawGet(t, srv, "/secrets", DefaultToken)
	if resp.StatusCode != http.StatusBadRequest || errorBodyOf(t, body).Error.Code != "BadParameter" {
		t.Errorf("status %d body %s", resp.StatusCode, body)
	}
}

func TestUnknownPathAndUnsupportedOperations(t *testing.T) {
	srv := startServer(t, Options{})
	resp, _ := rawGet(t, srv, "/keys?api-version=2026-04-01", DefaultToken)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /keys status %d, want 404", resp.StatusCode)
	}

	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	_, err := client.BackupSecret(context.Background(), "acct", nil)
	expectServiceError(t, err, http.StatusNotImplemented, "NotImplemented", "")
}

func TestRequestLogReset(t *testing.T) {
	var observed []Request
	var mu sync.Mutex
	srv := startServer(t, Options{OnRequest: func(r Request) {
		mu.Lock()
		observed = append(observed, r)
		mu.Unlock()
	}})
	rawGet(t, srv, "/secrets?api-version=2026-04-01&x=1", DefaultToken)

	requests := srv.Requests()
	want := Request{Method: http.MethodGet, Path: "/secrets", Query: "api-version=2026-04-01&x=1", Authorized: true, Status: http.StatusOK}
	if len(requests) != 1 || requests[0] != want {
		t.Errorf("requests = %+v, want [%+v]", requests, want)
	}
	mu.Lock()
	if len(observed) != 1 || observed[0] != want {
		t.Errorf("OnRequest saw %+v", observed)
	}
	mu.Unlock()

	srv.ResetRequests()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("after ResetRequests: %d requests", n)
	}
}

func TestConcurrentClients(t *testing.T) {
	srv := startServer(t, Options{})
	client, _ := newClient(t, srv, DefaultToken, fastRetry)
	ctx := context.Background()

	const workers = 8
	const perWorker = 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker*2)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				params := azsecrets.SetSecretParameters{Value: to.Ptr(fmt.Sprintf("w%d-%d", w, i))}
				if _, err := client.SetSecret(ctx, "shared", params, nil); err != nil {
					errs <- err
				}
				if _, err := client.SetSecret(ctx, fmt.Sprintf("own-%d-%d", w, i), params, nil); err != nil {
					errs <- err
				}
				if _, err := client.GetSecret(ctx, "shared", "", nil); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent request: %v", err)
	}

	if n := srv.Versions("shared"); n != workers*perWorker {
		t.Errorf("shared versions = %d, want %d", n, workers*perWorker)
	}
	count := 0
	pager := client.NewListSecretPropertiesPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		count += len(page.Value)
	}
	if count != workers*perWorker+1 {
		t.Errorf("listed %d secrets, want %d", count, workers*perWorker+1)
	}
}

func TestCertFileTrustsAllLoopbackNames(t *testing.T) {
	srv := startServer(t, Options{})
	pemBytes, err := os.ReadFile(srv.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("CertFile is not a PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"127.0.0.1", "::1", "localhost"} {
		if err := cert.VerifyHostname(host); err != nil {
			t.Errorf("certificate does not cover %s: %v", host, err)
		}
	}

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	_, port, _ := net.SplitHostPort(strings.TrimSuffix(strings.TrimPrefix(srv.URL, "https://"), "/"))
	transport := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+port)
		},
	}
	client := &http.Client{Transport: transport}
	resp, err := client.Get("https://localhost:" + port + "/secrets?api-version=2026-04-01")
	if err != nil {
		t.Fatalf("GET via localhost with the CertFile pool: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d, want 401 challenge", resp.StatusCode)
	}
}

func TestCloseRemovesCertFile(t *testing.T) {
	srv, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	srv.Close()
	if _, err := os.Stat(srv.CertFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("CertFile still there after Close: %v", err)
	}
	if _, err := srv.Client().Get(srv.URL); err == nil {
		t.Errorf("server still answers after Close")
	}
}

func TestDroppedConnectionOverHTTP1(t *testing.T) {
	srv := startServer(t, Options{})
	srv.Seed("acct", "v", "", nil)
	srv.Inject(Fault{Drop: true, Times: 1})
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()}}
	client, err := azsecrets.NewClient(srv.URL, &staticCredential{token: DefaultToken}, &azsecrets.ClientOptions{
		ClientOptions:                        azcore.ClientOptions{Transport: &http.Client{Transport: transport}, Retry: fastRetry},
		DisableChallengeResourceVerification: true,
	})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := client.GetSecret(context.Background(), "acct", "", nil); err != nil {
		t.Fatalf("GetSecret after a dropped HTTP/1.1 connection: %v", err)
	}
	requests := srv.Requests()
	if last := requests[len(requests)-1]; last.Status != http.StatusOK {
		t.Errorf("last request %+v, want 200", last)
	}
	if dropped := requests[len(requests)-2]; dropped.Status != 0 || !dropped.Authorized {
		t.Errorf("dropped request logged as %+v, want authorized with status 0", dropped)
	}
}

func TestCloseEndsPendingDelay(t *testing.T) {
	srv, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.Inject(Fault{Delay: time.Hour})

	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"secrets?api-version=2026-04-01", nil)
		req.Header.Set("Authorization", "Bearer "+DefaultToken)
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	for !srv.started() {
		time.Sleep(10 * time.Millisecond)
	}
	srv.Close()

	select {
	case err := <-done:
		if err == nil {
			t.Errorf("the delayed request got a response after Close")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the delayed request was still pending after Close")
	}
}

// started reports whether the server has begun to serve any request.
func (s *Server) started() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requestID > 0
}

func TestInjectedUnauthorizedRefreshesToken(t *testing.T) {
	srv := startServer(t, Options{})
	srv.Seed("acct", "v", "", nil)
	client, cred := newClient(t, srv, DefaultToken, fastRetry)
	if _, err := client.GetSecret(context.Background(), "acct", "", nil); err != nil {
		t.Fatal(err)
	}
	srv.Inject(Fault{Status: http.StatusUnauthorized, Times: 1})

	if _, err := client.GetSecret(context.Background(), "acct", "", nil); err != nil {
		t.Fatalf("GetSecret after an injected 401: %v", err)
	}
	if n := len(cred.tokenRequests()); n != 2 {
		t.Errorf("token requests = %d, want 2 (the first and one after the 401)", n)
	}
}

func BenchmarkGetSecret(b *testing.B) {
	srv, err := Start(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	srv.Seed("acct", "otpauth://totp/x?secret=AAAA", "", nil)
	cred := &staticCredential{token: DefaultToken}
	client, err := azsecrets.NewClient(srv.URL, cred, &azsecrets.ClientOptions{
		ClientOptions:                        azcore.ClientOptions{Transport: srv.Client()},
		DisableChallengeResourceVerification: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()

	for b.Loop() {
		if _, err := client.GetSecret(ctx, "acct", "", nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListThousandSecrets(b *testing.B) {
	srv, err := Start(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	for i := range 1000 {
		srv.Seed(fmt.Sprintf("acct-%04d", i), "v", "application/x-totp", map[string]string{"issuer": "x"})
	}
	client, err := azsecrets.NewClient(srv.URL, &staticCredential{token: DefaultToken}, &azsecrets.ClientOptions{
		ClientOptions:                        azcore.ClientOptions{Transport: srv.Client()},
		DisableChallengeResourceVerification: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()

	for b.Loop() {
		count := 0
		pager := client.NewListSecretPropertiesPager(nil)
		for pager.More() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				b.Fatal(err)
			}
			count += len(page.Value)
		}
		if count != 1000 {
			b.Fatalf("listed %d secrets, want 1000", count)
		}
	}
}
