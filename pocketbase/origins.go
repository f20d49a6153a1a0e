package main

import (
	"net/http"
	"os"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// bindCORS makes the API answer cross-origin requests only from the origins
// in MARKBOOK_ORIGINS (comma-separated, e.g.
// "https://markbook.example.school,http://localhost:5173"; "*" for any), and
// by default from none: the app is only ever served from the server's own
// origin, and same-origin requests need no CORS headers. PocketBase's own
// default is "*" (issue 11.14). An explicit `serve --origins=…` still wins.
func bindCORS(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(e *core.ServeEvent) error {
			if originsFlagGiven(os.Args[1:]) {
				return e.Next()
			}
			config := apis.CORSConfig{
				AllowMethods: []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodPost, http.MethodDelete},
			}
			if origins := splitOrigins(os.Getenv("MARKBOOK_ORIGINS")); len(origins) > 0 {
				config.AllowOrigins = origins
			} else {
				// An empty AllowOrigins would mean "*" to apis.CORS.
				config.AllowOriginFunc = func(string) (bool, error) { return false, nil }
			}
			// Same id as PocketBase's CORS middleware: bound after it, it replaces
			// it in every route's chain (hook.Bind replaces by id). Not Unbind:
			// that excludes the id from the child groups for good.
			e.Router.Bind(apis.CORS(config))
			return e.Next()
		},
	})
}

func originsFlagGiven(args []string) bool {
	for _, a := range args {
		if a == "--origins" || a == "-origins" || strings.HasPrefix(a, "--origins=") || strings.HasPrefix(a, "-origins=") {
			return true
		}
	}
	return false
}

func splitOrigins(list string) []string {
	var out []string
	for _, o := range strings.Split(list, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}
