// k6 with its JavaScript engine's own profiler switched on for a window of the run: the CPU profile
// of `k6 run --profiling-enabled` shows Go functions (the interpreter loop, native calls), not which
// JavaScript function the time went to. sobek, k6's engine, can sample the JS call stack itself;
// k6 does not expose that, so bench/jsprofile/run.ts builds this wrapper around k6's own command.
//
//   JSPROF=out.pb JSPROF_FROM=3 JSPROF_FOR=12 k6-jsprofile run script.js
//
// The profile is of execution time, not CPU: a native call that blocks (an HTTP request on the
// network) counts its wait, so run it on scripts whose network is stubbed (bench/hotpath/http-stub.js).
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/grafana/sobek"
	"go.k6.io/k6/v2/cmd"
)

func seconds(name string) time.Duration {
	n, err := strconv.Atoi(os.Getenv(name))
	if err != nil || n < 0 {
		fmt.Fprintf(os.Stderr, "%s must be a whole number of seconds, got %q\n", name, os.Getenv(name))
		os.Exit(2)
	}
	return time.Duration(n) * time.Second
}

func main() {
	if path := os.Getenv("JSPROF"); path != "" {
		from, window := seconds("JSPROF_FROM"), seconds("JSPROF_FOR")
		time.AfterFunc(from, func() {
			f, err := os.Create(path)
			if err != nil {
				panic(err)
			}
			if err := sobek.StartProfile(f); err != nil {
				panic(err)
			}
			time.AfterFunc(window, func() {
				sobek.StopProfile()
				_ = f.Close()
			})
		})
	}
	cmd.Execute()
}
