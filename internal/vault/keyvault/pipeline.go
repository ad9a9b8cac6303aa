package keyvault

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// retryStatuses are the statuses that azcore's retry policy retries by
// default (policy.RetryOptions.StatusCodes).
var retryStatuses = map[int]bool{
	http.StatusRequestTimeout:      true,
	http.StatusTooManyRequests:     true,
	http.StatusInternalServerError: true,
	http.StatusBadGateway:          true,
	http.StatusServiceUnavailable:  true,
	http.StatusGatewayTimeout:      true,
}

// shouldRetry decides azcore's retries: the statuses above and connection
// failures, except those that a retry cannot fix (a host that does not
// resolve, a certificate that does not verify).
func shouldRetry(resp *http.Response, err error) bool {
	if err != nil {
		return !isDNSNotFound(err) && !isCertificateError(err)
	}
	return retryStatuses[resp.StatusCode]
}

// operation records what happened to the requests of one vault call, so that
// its error can report how often it was retried and the last Retry-After.
type operation struct {
	mu         sync.Mutex
	requests   int
	retries    int
	lastFailed bool
	retryAfter string
}

type operationKey struct{}

func withOperation(ctx context.Context) (context.Context, *operation) {
	op := &operation{}
	return context.WithValue(ctx, operationKey{}, op), op
}

func (op *operation) retryCount() int {
	op.mu.Lock()
	defer op.mu.Unlock()
	return op.retries
}

func (op *operation) lastRetryAfter() string {
	op.mu.Lock()
	defer op.mu.Unlock()
	return op.retryAfter
}

// requestPolicy runs once for every HTTP request, after the retry and
// challenge policies. It counts retries for the operation in the context and
// reports the Date header to a DateRecorder in the context. It logs the
// method, path, status and duration, never a header or a body.
type requestPolicy struct {
	logger *slog.Logger
	vault  *Vault
}

func (p requestPolicy) Do(req *policy.Request) (*http.Response, error) {
	raw := req.Raw()
	if !p.vault.sameHost(raw.URL) {
		// A list page's nextLink is a URL that the server chooses. Following
		// one to another host would send that host the token.
		return nil, &nonRetriableError{fmt.Errorf("rejected a request to %s://%s because it is not key vault %s", raw.URL.Scheme, raw.URL.Host, p.vault.url)}
	}
	op, _ := raw.Context().Value(operationKey{}).(*operation)
	retry := 0
	if op != nil {
		op.mu.Lock()
		op.requests++
		if op.lastFailed {
			op.retries++
			retry = op.retries
		}
		op.mu.Unlock()
	}

	start := time.Now()
	dates := startDateSample(raw.Context())
	resp, err := req.Next()
	dates.finish(resp)
	elapsed := time.Since(start).Round(time.Millisecond)

	attrs := []any{"method", raw.Method, "path", raw.URL.Path, "duration", elapsed, "authorized", raw.Header.Get("Authorization") != ""}
	if retry > 0 {
		attrs = append(attrs, "retry", retry)
	}
	if err != nil {
		attrs = append(attrs, "error", err)
	} else {
		attrs = append(attrs, "status", resp.StatusCode)
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			attrs = append(attrs, "retry_after", ra)
		}
	}
	p.logger.Info("key vault request", attrs...)

	if op != nil {
		op.mu.Lock()
		op.lastFailed = (err != nil && shouldRetry(nil, err)) || (err == nil && retryStatuses[resp.StatusCode])
		if err == nil {
			op.retryAfter = resp.Header.Get("Retry-After")
		}
		op.mu.Unlock()
	}
	return resp, err
}

// nonRetriableError is an error that azcore's retry policy does not retry:
// it has the NonRetriable marker method that the policy looks for.
type nonRetriableError struct{ err error }

func (e *nonRetriableError) Error() string { return e.err.Error() }

func (e *nonRetriableError) Unwrap() error { return e.err }

// NonRetriable marks the error as final for azcore's retry policy.
func (*nonRetriableError) NonRetriable() {}
