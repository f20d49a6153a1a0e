package main

import (
	"fmt"

	"github.com/pocketbase/pocketbase"
)

// version is Markbook's release version, stamped by scripts/release.mjs with
// `-ldflags "-X main.version=…"` (PocketBase's own is pocketbase.Version).
var version = "dev"

// versionString is what `markbook --version` prints after the binary's name.
func versionString() string {
	return fmt.Sprintf("%s (PocketBase %s)", version, pocketbase.Version)
}
