package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// schoolSetting is one of the settings PocketBase ships with a placeholder
// ("Acme", support@example.com) that the school's own must replace: taken from
// the environment, or asked on a terminal, while it still holds the placeholder.
// Once set (here or in the admin UI), it is never touched again.
type schoolSetting struct {
	env         string
	question    string
	placeholder string
	get         func(*core.Settings) string
	set         func(*core.Settings, string)
	// check, when set, refuses what PocketBase's own validation lets through.
	check func(string) error
}

var schoolSettings = []schoolSetting{
	{
		env:         "MARKBOOK_SCHOOL_NAME",
		question:    "The school's name (shown in the app and in emails)",
		placeholder: "Acme",
		get:         func(s *core.Settings) string { return s.Meta.AppName },
		set: func(s *core.Settings, v string) {
			s.Meta.AppName = v
			if s.Meta.SenderName == "Support" {
				s.Meta.SenderName = v
			}
		},
	},
	{
		env:         "MARKBOOK_PUBLIC_URL",
		question:    "The address teachers open, e.g. https://markbook.example.school",
		placeholder: "http://localhost:8090",
		get:         func(s *core.Settings) string { return s.Meta.AppURL },
		set:         func(s *core.Settings, v string) { s.Meta.AppURL = strings.TrimRight(v, "/") },
		// PocketBase accepts "markbook.example.school"; links in emails need the scheme.
		check: func(v string) error {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return errors.New("it must be a full address starting with https://")
			}
			return nil
		},
	},
	{
		env:         "MARKBOOK_OFFICE_EMAIL",
		question:    "The office's email address (sender of password resets and invitations)",
		placeholder: "support@example.com",
		get:         func(s *core.Settings) string { return s.Meta.SenderAddress },
		set:         func(s *core.Settings, v string) { s.Meta.SenderAddress = v },
	},
}

// trustedProxyEnv names the header a reverse proxy puts the client's address
// in (X-Forwarded-For for Caddy), so rate limits and logs see teachers, not
// the proxy. Only set it behind a proxy: otherwise clients could forge it.
const trustedProxyEnv = "MARKBOOK_TRUSTED_PROXY_HEADER"

// checkSetting applies value to a copy of settings and validates it with
// PocketBase's own rules (the other fields hold valid values or placeholders).
func checkSetting(settings *core.Settings, setting schoolSetting, value string) error {
	if setting.check != nil {
		if err := setting.check(value); err != nil {
			return err
		}
	}
	probe, err := settings.Clone()
	if err != nil {
		return err
	}
	setting.set(probe, value)
	return probe.Meta.Validate()
}

// applyFirstRunSettings fills in the school's settings that still hold
// PocketBase's placeholders, from env or, when interactive, from answers read
// on in. It returns an error (and saves nothing) when an environment value is
// invalid; settings nobody gave are left as they are and named in a warning.
func applyFirstRunSettings(app core.App, env func(string) string, in io.Reader, out io.Writer, interactive bool) error {
	settings, err := app.Settings().Clone()
	if err != nil {
		return err
	}
	changed := false
	var missing []string
	reader := bufio.NewReader(in)
	asked := false
	for _, setting := range schoolSettings {
		if setting.get(settings) != setting.placeholder {
			continue
		}
		if value := strings.TrimSpace(env(setting.env)); value != "" {
			if err := checkSetting(settings, setting, value); err != nil {
				return fmt.Errorf("%s=%q is not valid: %v", setting.env, value, err)
			}
			setting.set(settings, value)
			changed = true
			continue
		}
		if !interactive {
			missing = append(missing, setting.env)
			continue
		}
		if !asked {
			fmt.Fprintln(out, "\nFirst run: three settings for your school (change them later in the admin UI, Settings).")
			asked = true
		}
		for {
			fmt.Fprintf(out, "%s: ", setting.question)
			line, readErr := reader.ReadString('\n')
			value := strings.TrimSpace(line)
			if value != "" {
				if err := checkSetting(settings, setting, value); err != nil {
					fmt.Fprintf(out, "  %q is not valid: %v\n", value, err)
				} else {
					setting.set(settings, value)
					changed = true
					break
				}
			}
			if readErr != nil { // end of input: stop asking
				missing = append(missing, setting.env)
				break
			}
		}
	}
	if header := strings.TrimSpace(env(trustedProxyEnv)); header != "" && len(settings.TrustedProxy.Headers) == 0 {
		settings.TrustedProxy.Headers = []string{header}
		changed = true
	}
	if changed {
		if err := app.Save(settings); err != nil {
			return fmt.Errorf("saving the school's settings: %w", err)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(out, "Markbook: the school's settings still hold PocketBase's placeholders; set %s (or change them in the admin UI, Settings).\n", strings.Join(missing, ", "))
	}
	if u, err := url.Parse(app.Settings().Meta.AppURL); err == nil && u.Scheme == "http" && u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1" {
		fmt.Fprintf(out, "Markbook: the public URL %s is not HTTPS: browsers keep the app offline only on an HTTPS address (see DEPLOY.md).\n", u)
	}
	return nil
}

// registerFirstRun fills in the school's settings when `serve` starts, after
// migrations and before the server listens. A refusal is kept in *refused so
// main can exit non-zero (PocketBase exits 0 after a failed serve).
func registerFirstRun(app core.App, refused *error) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "markbookFirstRun",
		Func: func(e *core.ServeEvent) error {
			interactive := isatty.IsTerminal(os.Stdin.Fd())
			if err := applyFirstRunSettings(e.App, os.Getenv, os.Stdin, os.Stderr, interactive); err != nil {
				*refused = fmt.Errorf("Markbook cannot start: %w", err)
				return *refused
			}
			return e.Next()
		},
		Priority: -100, // before anything else is served
	})
}
