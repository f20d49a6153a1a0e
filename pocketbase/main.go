// Command markbook-pocketbase is PocketBase with the JS hooks and JS
// migrations plugins: the whole Markbook server in one binary.
//
// The self-update plugin is deliberately absent: it downloads from GitHub,
// which a school's locked-down VPS (and our CI) cannot reach.
package main

import (
	"log"
	"os"
	"strings"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/jsvm"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
)

func main() {
	app := pocketbase.New()

	// Automigrate writes migration files when collections change in the admin
	// UI; that is only wanted while developing the schema.
	dev := strings.EqualFold(os.Getenv("MARKBOOK_DEV"), "1")

	jsvm.MustRegister(app, jsvm.Config{
		HooksWatch: dev,
	})
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{
		TemplateLang: migratecmd.TemplateLangJS,
		Automigrate:  dev,
	})

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
