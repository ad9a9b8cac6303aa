package kvfake

import (
	"bytes"
	"net"
	"os"
	"sync"
	"time"
)

const (
	// linkBufferSize is how many bytes a link connection queues in each
	// direction before the sender blocks. It bounds memory when the other
	// side stops reading.
	// NOTE: a real link's throughput depends on bandwidth and the TCP window.
	// The simulated link models neither, so a large body costs no more time
	// than a small one.
	linkBufferSize = 4 << 20

	// linkReadSize is the largest chunk read from the socket at once.
	linkReadSize = 32 << 10

	// closeLinger is how long Close lets bytes that are still queued wait for
	// a peer that has stopped reading, after they are due.
	closeLinger = 5 * time.Second
)

// linkListener is a net.Listener whose connections behave as if they
// crossed a network link with round-trip time roundTrip.
type linkListener struct {
	net.Listener
	roundTrip time.Duration

	// goroutines counts the running goroutines of the accepted connections,
	// so tests can check that they end.
	goroutines sync.WaitGroup
}

// newLinkListener wraps l so that its connections simulate a link with the
// given round-trip time. The time must be positive.
func newLinkListener(l net.Listener, roundTrip time.Duration) *linkListener {
	return &linkListener{Listener: l, roundTrip: roundTrip}
}

// Accept waits for the next connection and wraps it.
func (l *linkListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newLinkConn(conn, l.roundTrip, &l.goroutines), nil
}

// chunk is a run of bytes in flight, or the error that ended the stream.
type chunk struct {
	data []byte
	// err is the socket's read error after data, such as io.EOF.
	err error
	// due is when the chunk reaches the other end.
	due time.Time
}

// linkConn delays the bytes of a net.Conn in both directions. A receive
// goroutine reads the socket as bytes come in and queues them with the time
// they are due to the server's Read. A send goroutine writes the bytes
// queued by Write to the socket when they are due. Deadlines apply to Read
// and Write only and are never set on the socket, because the socket is used
// later than the calls that queued the bytes.
type linkConn struct {
	conn   net.Conn
	oneWay time.Duration
	// firstArrival is the earliest time any inbound byte is due: one round
	// trip for the TCP handshake after Accept, plus the one-way delay.
	firstArrival time.Time
	goroutines   *sync.WaitGroup

	mu sync.Mutex
	// changed is closed and replaced on every change that a waiting
	// goroutine may care about, so waiters select on it and check again.
	changed       chan struct{}
	inbound       []chunk
	inboundBytes  int
	outbound      []chunk
	outboundBytes int
	// sendErr is the socket's write error, which ends the connection.
	sendErr       error
	readDeadline  time.Time
	writeDeadline time.Time
	closed        bool
}

func newLinkConn(conn net.Conn, roundTrip time.Duration, goroutines *sync.WaitGroup) *linkConn {
	c := &linkConn{
		conn:         conn,
		oneWay:       roundTrip / 2,
		firstArrival: time.Now().Add(roundTrip + roundTrip/2),
		goroutines:   goroutines,
		changed:      make(chan struct{}),
	}
	goroutines.Add(2)
	go c.receive()
	go c.send()
	return c
}

// Read returns the oldest inbound bytes that are due, waiting for them until
// the read deadline or Close.
func (c *linkConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()

	for {
		if c.closed {
			return 0, c.opError("read", net.ErrClosed)
		}
		now := time.Now()
		if passed(c.readDeadline, now) {
			return 0, c.opError("read", os.ErrDeadlineExceeded)
		}

		var due time.Time
		if len(c.inbound) > 0 {
			due = c.inbound[0].due
			if !now.Before(due) {
				return c.takeInboundLocked(p)
			}
		}
		c.waitLocked(due, c.readDeadline)
	}
}

// takeInboundLocked copies bytes from the first inbound chunk into p, or
// returns its error once its bytes are read. The error stays queued, so
// later reads return it too.
func (c *linkConn) takeInboundLocked(p []byte) (int, error) {
	head := &c.inbound[0]
	if len(head.data) == 0 {
		return 0, head.err
	}

	n := copy(p, head.data)
	head.data = head.data[n:]
	c.inboundBytes -= n
	if len(head.data) == 0 && head.err == nil {
		c.inbound[0] = chunk{}
		c.inbound = c.inbound[1:]
	}
	c.broadcastLocked()
	return n, nil
}

// Write queues a copy of p to reach the socket after the one-way delay and
// returns at once. When linkBufferSize bytes are already queued, it first
// waits for room until the write deadline or Close.
func (c *linkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()

	for {
		if c.closed {
			return 0, c.opError("write", net.ErrClosed)
		}
		if c.sendErr != nil {
			return 0, c.sendErr
		}
		if passed(c.writeDeadline, time.Now()) {
			return 0, c.opError("write", os.ErrDeadlineExceeded)
		}
		if c.outboundBytes == 0 || c.outboundBytes+len(p) <= linkBufferSize {
			break
		}
		c.waitLocked(time.Time{}, c.writeDeadline)
	}

	if len(p) == 0 {
		return 0, nil
	}
	c.outbound = append(c.outbound, chunk{data: bytes.Clone(p), due: time.Now().Add(c.oneWay)})
	c.outboundBytes += len(p)
	c.broadcastLocked()
	return len(p), nil
}

// Close makes pending and later Read and Write calls fail with
// net.ErrClosed. The bytes already written still reach the socket when they
// are due, as the kernel would send them after close(2). The send goroutine
// then closes the socket, which ends the receive goroutine. A peer that has
// stopped reading holds the socket open for at most closeLinger more.
func (c *linkConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return c.opError("close", net.ErrClosed)
	}

	c.closed = true
	c.inbound = nil
	c.inboundBytes = 0
	c.conn.SetWriteDeadline(time.Now().Add(c.oneWay + closeLinger))
	c.broadcastLocked()
	return nil
}

// LocalAddr returns the socket's local address.
func (c *linkConn) LocalAddr() net.Addr { return c.conn.LocalAddr() }

// RemoteAddr returns the socket's remote address.
func (c *linkConn) RemoteAddr() net.Addr { return c.conn.RemoteAddr() }

// SetDeadline sets the read and write deadlines.
func (c *linkConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.readDeadline = t
	c.writeDeadline = t
	c.broadcastLocked()
	return nil
}

// SetReadDeadline sets the read deadline, which also applies to a Read that
// is already waiting.
func (c *linkConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.readDeadline = t
	c.broadcastLocked()
	return nil
}

// SetWriteDeadline sets the write deadline, which also applies to a Write
// that is already waiting for room in the queue.
func (c *linkConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writeDeadline = t
	c.broadcastLocked()
	return nil
}

// receive reads the socket until it fails and queues each chunk with the
// time it is due: one-way delay after it arrived, and never before
// firstArrival. It stops reading while linkBufferSize bytes wait for Read,
// so a fast sender is held back as TCP flow control would hold it.
func (c *linkConn) receive() {
	defer c.goroutines.Done()
	buffer := make([]byte, linkReadSize)

	for {
		n, err := c.conn.Read(buffer)
		due := time.Now().Add(c.oneWay)
		if due.Before(c.firstArrival) {
			due = c.firstArrival
		}

		c.mu.Lock()
		if !c.closed && (n > 0 || err != nil) {
			c.inbound = append(c.inbound, chunk{data: bytes.Clone(buffer[:n]), err: err, due: due})
			c.inboundBytes += n
			c.broadcastLocked()
		}
		for !c.closed && err == nil && c.inboundBytes >= linkBufferSize {
			c.waitLocked(time.Time{}, time.Time{})
		}
		closed := c.closed
		c.mu.Unlock()

		if err != nil || closed {
			return
		}
	}
}

// send writes each queued chunk to the socket when it is due, in order. It
// drops the queue when a write fails, and closes the socket after Close once
// the queue is empty.
func (c *linkConn) send() {
	defer c.goroutines.Done()
	defer c.conn.Close()
	c.mu.Lock()
	defer c.mu.Unlock()

	for {
		if len(c.outbound) == 0 {
			if c.closed {
				return
			}
			c.waitLocked(time.Time{}, time.Time{})
			continue
		}
		head := c.outbound[0]
		if time.Now().Before(head.due) {
			c.waitLocked(head.due, time.Time{})
			continue
		}

		c.mu.Unlock()
		_, err := c.conn.Write(head.data)
		c.mu.Lock()

		c.outbound[0] = chunk{}
		c.outbound = c.outbound[1:]
		c.outboundBytes -= len(head.data)
		if err != nil {
			// Write returns sendErr from now on, so the queue stays empty
			// until Close.
			c.sendErr = err
			c.outbound = nil
			c.outboundBytes = 0
		}
		c.broadcastLocked()
	}
}

// waitLocked releases c.mu until the connection changes or until the
// earlier of the non-zero times a and b, then locks c.mu again.
func (c *linkConn) waitLocked(a, b time.Time) {
	wake := a
	if wake.IsZero() || (!b.IsZero() && b.Before(wake)) {
		wake = b
	}
	changed := c.changed
	c.mu.Unlock()
	defer c.mu.Lock()

	if wake.IsZero() {
		<-changed
		return
	}
	timer := time.NewTimer(time.Until(wake))
	defer timer.Stop()
	select {
	case <-changed:
	case <-timer.C:
	}
}

// broadcastLocked wakes every goroutine in waitLocked.
func (c *linkConn) broadcastLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

func (c *linkConn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: c.conn.LocalAddr().Network(), Source: c.conn.LocalAddr(), Addr: c.conn.RemoteAddr(), Err: err}
}

// passed reports whether deadline is set and not after now.
func passed(deadline, now time.Time) bool {
	return !deadline.IsZero() && !deadline.After(now)
}
