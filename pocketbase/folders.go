package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pocketbase/pocketbase"
)

// The folders of a release, beside the markbook binary (see scripts/release.mjs):
//
//	markbook  pb_hooks/  pb_migrations/  pb_public/  pb_data/ (made on the first run)
const (
	hooksFolder      = "pb_hooks"
	migrationsFolder = "pb_migrations"
	publicFolder     = "pb_public"
	dataFolder       = "pb_data"
	// hooksLibrary is the generated library every hook requires
	// (scripts/build-hooks.mjs); without it goja fails with a stack trace.
	hooksLibrary = "lib/markbook.js"
)

// executableDir is the real folder of the running binary (symlinks
// resolved), so `/usr/local/bin/markbook -> /opt/markbook/markbook` still finds
// /opt/markbook/pb_hooks. PocketBase itself uses filepath.Dir(os.Args[0]).
func executableDir() string {
	exe, err := os.Executable()
	if err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			return filepath.Dir(real)
		}
	}
	return filepath.Dir(os.Args[0])
}

// besideExecutable is the path of a folder next to the binary.
func besideExecutable(name string) string {
	return filepath.Join(executableDir(), name)
}

// besideExecutableIfExists is a folder next to the binary when it exists, else
// "" (which leaves PocketBase's own default, pb_data/../<name>, in force).
func besideExecutableIfExists(name string) string {
	path := besideExecutable(name)
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return path
	}
	return ""
}

// command is the sub-command named on the command line ("serve", "migrate",
// …), found after the flags have been parsed eagerly (PocketBase's root command
// lets unknown flags through, so `serve --http=…` parses).
func command(app *pocketbase.PocketBase) string {
	args := app.RootCmd.Flags().Args()
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// effectiveDir is the folder jsvm will use for a flag left empty.
func effectiveDir(flag string, app *pocketbase.PocketBase, name string) string {
	if flag != "" {
		return flag
	}
	return filepath.Join(app.DataDir(), "..", name)
}

// checkFolders returns one sentence naming the first folder `serve` needs and
// cannot find, or nil. Checked before PocketBase starts: a hook that requires a
// missing library otherwise stops the server with a goja stack trace.
func checkFolders(hooksDir, migrationsDir, publicDir string) error {
	isDir := func(path string) bool {
		info, err := os.Stat(path)
		return err == nil && info.IsDir()
	}
	isFile := func(path string) bool {
		info, err := os.Stat(path)
		return err == nil && !info.IsDir()
	}
	if !isDir(migrationsDir) {
		return fmt.Errorf("the migrations folder %s is missing: it comes with the release, beside the markbook binary (or pass --migrationsDir=FOLDER)", migrationsDir)
	}
	if !isDir(hooksDir) {
		return fmt.Errorf("the hooks folder %s is missing: it comes with the release, beside the markbook binary (or pass --hooksDir=FOLDER)", hooksDir)
	}
	entries, _ := os.ReadDir(hooksDir)
	hasHooks := false
	for _, entry := range entries {
		hasHooks = hasHooks || strings.HasSuffix(entry.Name(), ".pb.js")
	}
	if lib := filepath.Join(hooksDir, hooksLibrary); hasHooks && !isFile(lib) {
		return fmt.Errorf("the hooks' library %s is missing: copy pb_hooks/ whole from the release (in a clone, `npm run build:hooks` generates it)", lib)
	}
	if index := filepath.Join(publicDir, "index.html"); !isFile(index) {
		return fmt.Errorf("the app folder %s has no index.html: it comes with the release as pb_public/ beside the markbook binary (in a clone, `npm run build` makes build/; pass --publicDir=FOLDER)", publicDir)
	}
	return nil
}

// exitUnlessFoldersPresent stops a `serve` whose folders are missing, with
// the reason on stderr and exit status 1.
func exitUnlessFoldersPresent(app *pocketbase.PocketBase, hooksDir, migrationsDir, publicDir string) {
	if command(app) != "serve" {
		return
	}
	err := checkFolders(
		effectiveDir(hooksDir, app, hooksFolder),
		effectiveDir(migrationsDir, app, migrationsFolder),
		publicDir,
	)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Markbook cannot start: %v.\n", err)
		os.Exit(1)
	}
}
