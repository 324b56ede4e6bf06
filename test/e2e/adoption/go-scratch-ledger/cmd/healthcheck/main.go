// Command healthcheck is the image's HEALTHCHECK on distroless (no shell, curl or wget):
// healthcheck <url> [timeout seconds] [Header: value]... exits 0 on HTTP 200-399, else 1.
package main

import (
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		os.Exit(1)
	}
	timeout := 3 * time.Second
	if len(os.Args) > 2 {
		if s, err := strconv.Atoi(os.Args[2]); err == nil && s > 0 {
			timeout = time.Duration(s) * time.Second
		}
	}
	req, err := http.NewRequest(http.MethodGet, os.Args[1], nil)
	if err != nil {
		os.Exit(1)
	}
	for _, h := range os.Args[min(3, len(os.Args)):] {
		if i := strings.Index(h, ": "); i > 0 {
			req.Header.Set(h[:i], h[i+2:])
		}
	}
	client := &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		os.Exit(1)
	}
	res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 399 {
		os.Exit(1)
	}
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}
