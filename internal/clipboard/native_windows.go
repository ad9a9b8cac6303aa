//go:build windows

package clipboard

import "github.com/atotto/clipboard"

// nativeWrite and nativeRead use the Windows clipboard API (OpenClipboard,
// SetClipboardData and GetClipboardData with CF_UNICODETEXT) through
// atotto/clipboard.
func nativeWrite(text string) error { return clipboard.WriteAll(text) }

func nativeRead() (string, error) { return clipboard.ReadAll() }
