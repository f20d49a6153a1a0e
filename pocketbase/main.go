// Command pocketbase is PocketBase with the JS hooks and JS migrations
// plugins and a static file route for the app: the whole Markbook server in
// one binary. It follows PocketBase's examples/base/main.go, with two changes:
//
//   - no self-update plugin: it downloads from GitHub, which a school's
//     locked-down VPS (and our CI) cannot reach;
//   - automigrate and hooks watching are off unless MARKBOOK_DEV=1, so a
//     production server never writes migration files or restarts itself;
//   - a soft memory limit for Go's garbage collector (see memoryLimit) and
//     fewer idle database connections (see idleConns);
//   - a release's folders beside the binary are its defaults, checked before
//     `serve` (folders.go), and the first run fills in the school's settings
//     (firstrun.go).
package main

import (
	"log"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/jsvm"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// memoryLimit is the default soft limit of the Go heap. Without one the heap
// grows to twice its live size between collections: a 5,000-edit flush
// peaked at 255 MB RSS, with this limit 137 MB (issue 5's target for a cheap
// VPS is 150 MB). Soft: a bigger school's live data may exceed it, and then
// the collector runs more often (Go caps it at half the CPU), nothing fails.
// The GOMEMLIMIT environment variable, when set, replaces it.
const memoryLimit = 100 << 20

// idleConns is how many read connections to the data database stay open
// between requests (PocketBase's default is 15). Each keeps its own SQLite
// page cache (see connectDB); a school's few dozen devices need far fewer,
// and more open on demand under load.
const idleConns = 4

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	app := pocketbase.NewWithConfig(pocketbase.Config{
		DataMaxIdleConns: idleConns,
		DBConnect:        connectDB,
		DefaultDataDir:   besideExecutable(dataFolder),
	})
	app.RootCmd.Version = versionString()
	dev := os.Getenv("MARKBOOK_DEV") == "1"

	var hooksDir, migrationsDir, publicDir string
	var hooksPool int
	flags := app.RootCmd.PersistentFlags()
	flags.StringVar(&hooksDir, "hooksDir", besideExecutableIfExists(hooksFolder), "the directory with the JS app hooks")
	flags.IntVar(&hooksPool, "hooksPool", 15, "the total prewarm goja.Runtime instances for the JS app hooks")
	flags.StringVar(&migrationsDir, "migrationsDir", besideExecutableIfExists(migrationsFolder), "the directory with the JS migrations")
	flags.StringVar(&publicDir, "publicDir", besideExecutable(publicFolder), "the directory with the built app to serve")
	_ = app.RootCmd.ParseFlags(os.Args[1:])
	exitUnlessFoldersPresent(app, hooksDir, migrationsDir, publicDir)
	var refused error
	registerFirstRun(app, &refused)

	jsvm.MustRegister(app, jsvm.Config{
		MigrationsDir: migrationsDir,
		HooksDir:      hooksDir,
		HooksWatch:    dev,
		HooksPoolSize: hooksPool,
	})

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{
		TemplateLang: migratecmd.TemplateLangJS,
		Automigrate:  dev,
		Dir:          migrationsDir,
	})

	// The app is a static SPA: unknown paths fall back to index.html.
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(e *core.ServeEvent) error {
			if !e.Router.HasRoute(http.MethodGet, "/{path...}") {
				e.Router.GET("/{path...}", apis.Static(os.DirFS(publicDir), true))
			}
			return e.Next()
		},
		Priority: 999, // after the hooks' own routes
	})

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
	if refused != nil {
		os.Exit(1) // the reason is already printed
	}
}

// connectDB opens a database as PocketBase's DefaultDBConnect does, with a
// page cache of 8 MB per connection instead of 32 MB: SQLite's caches live
// outside the Go heap and its limit. Measured (issue 5, 3 × 15,000 results
// flushed): peak RSS 214 → 130 MB, flush time and a 20,000-result cold start
// unchanged. The pragmas are PocketBase v0.39's; keep them in step on upgrade.
//
// The data database runs with synchronous=FULL: a push is answered only after
// its commit, and with WAL at NORMAL a power loss may still lose the last
// commits, i.e. edits a device was told were stored (and has forgotten). FULL
// syncs the WAL at every commit, one fsync per push transaction (issue 10;
// README, "Durability"). The auxiliary database (logs) keeps NORMAL.
func connectDB(dbPath string) (*dbx.DB, error) {
	return dbx.Open("sqlite", dbPath+pragmasFor(dbPath))
}

// pragmasFor is the connection string's pragmas for a database file.
func pragmasFor(dbPath string) string {
	synchronous := "NORMAL"
	if filepath.Base(dbPath) == "data.db" {
		synchronous = "FULL"
	}
	return "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)&_pragma=synchronous(" + synchronous + ")&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-8000)"
}
