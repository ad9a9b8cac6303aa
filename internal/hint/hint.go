// Package hint attaches a remedy to an error. The command line prints the
// error on one line and each hint on a line of its own that starts with
// "hint:", so a message stays one line while the remedy names the exact
// command or flag to use.
package hint

import "errors"

// Error is an error with a remedy.
type Error struct {
	Err  error
	Hint string
}

func (e *Error) Error() string { return e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// Wrap returns err with the remedy h attached, or nil when err is nil.
func Wrap(err error, h string) error {
	if err == nil {
		return nil
	}
	return &Error{Err: err, Hint: h}
}

// Hints returns the remedies attached anywhere in err's chain, outermost
// first.
func Hints(err error) []string {
	var hints []string
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			break
		}
		hints = append(hints, e.Hint)
		err = e.Err
	}
	return hints
}
