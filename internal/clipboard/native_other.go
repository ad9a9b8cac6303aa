//go:build !windows

package clipboard

import "errors"

var errNoNative = errors.New("the windows clipboard api exists only on windows")

func nativeWrite(string) error { return errNoNative }

func nativeRead() (string, error) { return "", errNoNative }
