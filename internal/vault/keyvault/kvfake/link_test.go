package kvfake

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// Tests in this file check lower bounds on time only, because a loaded
// machine can make anything slower but nothing faster than the simulated
// link allows.

// linkPair returns both ends of a TCP connection on loopback whose server
// end crosses a simulated link with the given round-trip time, the time the
// client started dialing, and the listener.
func linkPair(t *testing.T, roundTrip time.Duration) (server, client net.Conn, dialed time.Time, link *linkListener) {
	t.Helper()
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening on 127.0.0.1: %v", err)
	}
	link = newLinkListener(tcp, roundTrip)
	t.Cleanup(func() { link.Close() })

	dialed = time.Now()
	client, err = net.Dial("tcp", link.Addr().String())
	if err != nil {
		t.Fatalf("dialing the link listener: %v", err)
	}
	t.Cleanup(func() { client.Close() })
	server, err = link.Accept()
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	t.Cleanup(func() { server.Close() })
	return server, client, dialed, link
}

// waitGoroutines fails the test when the link's goroutines have not ended
// within a generous time. The limit only catches a leak and bounds no speed.
func waitGoroutines(t *testing.T, link *linkListener) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		link.goroutines.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("link goroutines still running 20s after Close")
	}
}

// awaitError returns the error from errs, or fails the test when none
// comes within a generous time. The limit only catches a hang.
func awaitError(t *testing.T, errs <-chan error, call string) error {
	t.Helper()
	select {
	case err := <-errs:
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("%s still waiting after 20s", call)
		return nil
	}
}

// pattern returns n pseudo-random bytes from a fixed seed.
func pattern(n int, seed uint64) []byte {
	random := rand.New(rand.NewPCG(seed, seed))
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(random.Uint32())
	}
	return data
}

// writeInPieces writes data in pieces of 1 to 40000 bytes.
func writeInPieces(w io.Writer, data []byte) error {
	random := rand.New(rand.NewPCG(7, 7))
	for len(data) > 0 {
		n := min(len(data), 1+random.IntN(40000))
		if _, err := w.Write(data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

func TestLinkDelaysEachDirection(t *testing.T) {
	const roundTrip = 100 * time.Millisecond
	server, client, dialed, _ := linkPair(t, roundTrip)
	buffer := make([]byte, 16)

	if _, err := client.Write([]byte("hello")); err != nil {
		t.Fatalf("client Write: %v", err)
	}
	if _, err := io.ReadFull(server, buffer[:5]); err != nil {
		t.Fatalf("server Read: %v", err)
	}
	if elapsed := time.Since(dialed); elapsed < roundTrip+roundTrip/2 {
		t.Errorf("first bytes reached the server %v after dialing, want at least %v (handshake and one way)", elapsed, roundTrip+roundTrip/2)
	}

	sent := time.Now()
	if _, err := server.Write([]byte("reply")); err != nil {
		t.Fatalf("server Write: %v", err)
	}
	if _, err := io.ReadFull(client, buffer[:5]); err != nil {
		t.Fatalf("client Read: %v", err)
	}
	if elapsed := time.Since(sent); elapsed < roundTrip/2 {
		t.Errorf("reply reached the client %v after the server wrote it, want at least %v", elapsed, roundTrip/2)
	}

	sent = time.Now()
	if _, err := client.Write([]byte("again")); err != nil {
		t.Fatalf("client Write: %v", err)
	}
	if _, err := io.ReadFull(server, buffer[:5]); err != nil {
		t.Fatalf("server Read: %v", err)
	}
	if elapsed := time.Since(sent); elapsed < roundTrip/2 {
		t.Errorf("second message reached the server %v after the client wrote it, want at least %v", elapsed, roundTrip/2)
	}
	if got := string(buffer[:5]); got != "again" {
		t.Errorf("server read %q, want %q", got, "again")
	}
}

func TestLinkKeepsByteOrder(t *testing.T) {
	server, client, _, _ := linkPair(t, 20*time.Millisecond)
	// More than linkBufferSize each way, so both queues fill and the
	// senders wait for room.
	outbound := pattern(linkBufferSize+3<<20, 1)
	inbound := pattern(linkBufferSize+2<<20, 2)

	writeErrs := make(chan error, 2)
	go func() { writeErrs <- writeInPieces(server, outbound) }()
	go func() { writeErrs <- writeInPieces(client, inbound) }()
	serverReceived := make(chan []byte, 1)
	go func() {
		received := make([]byte, len(inbound))
		n, _ := io.ReadFull(server, received)
		serverReceived <- received[:n]
	}()

	clientReceived := make([]byte, len(outbound))
	n, err := io.ReadFull(client, clientReceived)
	if err != nil {
		t.Errorf("client read %d of %d bytes: %v", n, len(outbound), err)
	}
	for range 2 {
		if err := <-writeErrs; err != nil {
			t.Errorf("writing: %v", err)
		}
	}
	if !bytes.Equal(clientReceived[:n], outbound) {
		t.Errorf("client received %d bytes that differ from the %d the server wrote", n, len(outbound))
	}
	if received := <-serverReceived; !bytes.Equal(received, inbound) {
		t.Errorf("server received %d bytes that differ from the %d the client wrote", len(received), len(inbound))
	}
}

func TestLinkReadDeadline(t *testing.T) {
	server, client, _, _ := linkPair(t, 20*time.Millisecond)
	buffer := make([]byte, 16)

	start := time.Now()
	server.SetReadDeadline(start.Add(50 * time.Millisecond))
	_, err := server.Read(buffer)
	var netErr net.Error
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Fatalf("Read with no data before the deadline returned %v, want a timeout", err)
	}
	if elapsed := time.Since(start); elapsed < 50*time.Millisecond {
		t.Errorf("Read timed out after %v, before the deadline", elapsed)
	}

	// A deadline moved into the past ends a Read that is already waiting,
	// as net/http does to stop its background read.
	server.SetReadDeadline(time.Time{})
	readErr := make(chan error, 1)
	go func() {
		_, err := server.Read(buffer)
		readErr <- err
	}()
	time.Sleep(20 * time.Millisecond)
	server.SetReadDeadline(time.Unix(1, 0))
	if err := awaitError(t, readErr, "Read"); !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Fatalf("waiting Read after the deadline moved to the past returned %v, want a timeout", err)
	}

	server.SetReadDeadline(time.Time{})
	if _, err := client.Write([]byte("data")); err != nil {
		t.Fatalf("client Write: %v", err)
	}
	n, err := server.Read(buffer)
	if err != nil || string(buffer[:n]) != "data" {
		t.Errorf("Read after clearing the deadline = %q, %v, want %q", buffer[:n], err, "data")
	}
}

func TestLinkWriteDeadlineWhenQueueFull(t *testing.T) {
	server, _, _, _ := linkPair(t, 20*time.Millisecond)
	server.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))

	// The client never reads, so the kernel's buffers and then the queue
	// fill. 256 MiB is far more than both hold.
	piece := make([]byte, 1<<20)
	var err error
	for range 256 {
		if _, err = server.Write(piece); err != nil {
			break
		}
	}
	var netErr net.Error
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Fatalf("Write to a peer that does not read returned %v, want a timeout", err)
	}
}

func TestLinkCloseEndsWaitingCalls(t *testing.T) {
	server, client, _, link := linkPair(t, 20*time.Millisecond)

	readErr := make(chan error, 1)
	go func() {
		_, err := server.Read(make([]byte, 16))
		readErr <- err
	}()
	// The client never reads, so Write waits for room in the queue.
	writeErr := make(chan error, 1)
	go func() {
		piece := make([]byte, 1<<20)
		for {
			if _, err := server.Write(piece); err != nil {
				writeErr <- err
				return
			}
		}
	}()
	time.Sleep(200 * time.Millisecond)

	if err := server.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := awaitError(t, readErr, "Read"); !errors.Is(err, net.ErrClosed) {
		t.Errorf("waiting Read returned %v after Close, want net.ErrClosed", err)
	}
	if err := awaitError(t, writeErr, "Write"); !errors.Is(err, net.ErrClosed) {
		t.Errorf("waiting Write returned %v after Close, want net.ErrClosed", err)
	}
	if err := server.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second Close returned %v, want net.ErrClosed", err)
	}

	// The queued bytes can only drain once the client reads or goes away.
	client.Close()
	waitGoroutines(t, link)
}

func TestLinkDeliversBytesWrittenBeforeClose(t *testing.T) {
	server, client, _, link := linkPair(t, 100*time.Millisecond)

	closed := time.Now()
	if _, err := server.Write([]byte("last words")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := server.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	received, err := io.ReadAll(client)
	if err != nil {
		t.Fatalf("client reading: %v", err)
	}
	if string(received) != "last words" {
		t.Errorf("client received %q, want %q", received, "last words")
	}
	if elapsed := time.Since(closed); elapsed < 50*time.Millisecond {
		t.Errorf("bytes arrived %v after Write, want at least the one-way 50ms", elapsed)
	}
	waitGoroutines(t, link)
}

func TestRoundTripOption(t *testing.T) {
	const roundTrip = 100 * time.Millisecond
	srv := startServer(t, Options{RoundTrip: roundTrip})
	srv.Seed("acct", "otpauth://totp/x?secret=AAAA", "application/x-totp", nil)
	client, _ := newClient(t, srv, DefaultToken, fastRetry)

	// A new connection: TCP handshake, TLS 1.3 handshake, the challenge
	// request that the SDK sends without a token, then the signed GET.
	start := time.Now()
	resp, err := client.GetSecret(context.Background(), "acct", "", nil)
	if err != nil {
		t.Fatalf("GetSecret: %v", err)
	}
	if elapsed := time.Since(start); elapsed < 4*roundTrip {
		t.Errorf("first GetSecret took %v, want at least 4 round trips (%v)", elapsed, 4*roundTrip)
	}
	if got, want := *resp.Value, "otpauth://totp/x?secret=AAAA"; got != want {
		t.Errorf("value = %q, want %q", got, want)
	}

	// The same connection and a cached token: one round trip.
	start = time.Now()
	if _, err := client.GetSecret(context.Background(), "acct", "", nil); err != nil {
		t.Fatalf("second GetSecret: %v", err)
	}
	if elapsed := time.Since(start); elapsed < roundTrip {
		t.Errorf("second GetSecret took %v, want at least one round trip (%v)", elapsed, roundTrip)
	}
}

func TestRoundTripAddsToLatency(t *testing.T) {
	const roundTrip, latency = 60 * time.Millisecond, 150 * time.Millisecond
	srv := startServer(t, Options{RoundTrip: roundTrip, Latency: latency})

	// TCP handshake, TLS handshake and the request, plus the latency.
	start := time.Now()
	rawGet(t, srv, "/secrets?api-version=2026-04-01", DefaultToken)
	if elapsed, want := time.Since(start), 3*roundTrip+latency; elapsed < want {
		t.Errorf("GET took %v, want at least %v", elapsed, want)
	}
}

func TestRoundTripLargeValues(t *testing.T) {
	srv := startServer(t, Options{RoundTrip: 20 * time.Millisecond})
	value := strings.Repeat("0123456789abcdef", maxValueBytes/16)

	http1Client := srv.Client()
	// An empty TLSNextProto map turns HTTP/2 off.
	http1Client.Transport.(*http.Transport).TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	cases := []struct {
		protocol   string
		secretName string
		transport  *http.Client
	}{
		{"HTTP/2", "large-http2", srv.Client()},
		{"HTTP/1.1", "large-http11", http1Client},
	}

	for _, tc := range cases {
		t.Run(tc.protocol, func(t *testing.T) {
			client, err := azsecrets.NewClient(srv.URL, &staticCredential{token: DefaultToken}, &azsecrets.ClientOptions{
				ClientOptions:                        azcore.ClientOptions{Transport: tc.transport, Retry: fastRetry},
				DisableChallengeResourceVerification: true,
			})
			if err != nil {
				t.Fatalf("azsecrets.NewClient: %v", err)
			}

			_, err = client.SetSecret(context.Background(), tc.secretName, azsecrets.SetSecretParameters{Value: to.Ptr(value)}, nil)
			if err != nil {
				t.Fatalf("SetSecret: %v", err)
			}
			resp, err := client.GetSecret(context.Background(), tc.secretName, "", nil)
			if err != nil {
				t.Fatalf("GetSecret: %v", err)
			}
			if *resp.Value != value {
				t.Errorf("GetSecret returned %d bytes that differ from the %d set", len(*resp.Value), len(value))
			}
		})
	}
}

func TestRoundTripServerCloseEndsGoroutines(t *testing.T) {
	srv, err := Start(Options{RoundTrip: 20 * time.Millisecond})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	link, ok := srv.listener.(*linkListener)
	if !ok {
		srv.Close()
		t.Fatalf("listener is %T, want *linkListener", srv.listener)
	}

	// The client keeps its connection open and idle after the request.
	rawGet(t, srv, "/secrets?api-version=2026-04-01", DefaultToken)
	srv.Close()
	waitGoroutines(t, link)
}

func TestRoundTripZeroKeepsPlainListener(t *testing.T) {
	srv := startServer(t, Options{})
	if _, ok := srv.listener.(*linkListener); ok {
		t.Error("server with RoundTrip 0 wraps its listener")
	}
}

func TestRoundTripNegativeRejected(t *testing.T) {
	srv, err := Start(Options{RoundTrip: -time.Millisecond})
	if err == nil {
		srv.Close()
		t.Fatal("Start accepted a negative round trip")
	}
	if !strings.Contains(err.Error(), "round trip -1ms is negative") {
		t.Errorf("error = %q, want it to name the negative round trip", err)
	}
}
