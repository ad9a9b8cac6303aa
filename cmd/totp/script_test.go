package main

import (
	"errors"
	"os/exec"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptCommands returns the commands that the scripts add to testscript's
// own.
func scriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	cmds := map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// exitcode N PROGRAM ARGS... runs a program and checks that it exits
		// with status N; its stdout and stderr can be checked afterwards.
		"exitcode": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) < 2 {
				ts.Fatalf("usage: exitcode N program [args...]")
			}
			want, err := strconv.Atoi(args[0])
			if err != nil {
				ts.Fatalf("exitcode: %v", err)
			}
			got := 0
			if err := ts.Exec(args[1], args[2:]...); err != nil {
				var exitErr *exec.ExitError
				if !errors.As(err, &exitErr) {
					ts.Fatalf("exitcode: %v", err)
				}
				got = exitErr.ExitCode()
			}
			if got != want {
				ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
			}
		},
	}
	for name, cmd := range keyVaultCommands() {
		cmds[name] = cmd
	}
	return cmds
}
