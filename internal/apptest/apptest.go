// Package apptest runs the whole application (store, web, API) in tests,
// on a real store, with clients that sign in as the fixed world's users.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"vrs"
	"vrs/api"
	"vrs/auth"
	"vrs/i18n"
	"vrs/store"
	"vrs/storetest"
	"vrs/web"
)

// Password is every fixture user's password.
const Password = "correct horse battery staple"

// App is a running application over a fresh store with the fixed world.
type App struct {
	DB     *store.DB
	World  *storetest.World
	Server *httptest.Server
	API    *api.API
	Web    *web.Server
	// Secrets holds the TOTP secret of each user that has a second factor.
	Secrets map[string]string

	mu  sync.Mutex
	now time.Time
}

// Now is the application's clock; Advance moves it.
func (a *App) Now() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.now
}

// Advance moves the application's clock forward.
func (a *App) Advance(d time.Duration) {
	a.mu.Lock()
	a.now = a.now.Add(d)
	a.mu.Unlock()
}

// New starts the application on a fresh store of the dialect. Focal points
// and the administrator have a second factor, as their roles require.
func New(t testing.TB, dialect string) *App {
	t.Helper()
	db := storetest.Open(t, dialect)
	a := &App{DB: db, World: storetest.NewWorld(t, db), Secrets: map[string]string{}, now: time.Now()}
	hasher := auth.NewHasher(auth.TestParams, 2)
	hash, err := hasher.Hash(context.Background(), Password)
	if err != nil {
		t.Fatal(err)
	}
	ctx := storetest.System()
	for key, u := range a.World.Users {
		if err := db.SetPassword(ctx, u.ID, hash); err != nil {
			t.Fatal(err)
		}
		if u.NeedsSecondFactor() {
			secret, _, err := auth.NewTOTP("VRS", u.Name)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.SetSecondFactor(ctx, u.ID, secret, []string{auth.HashRecoveryCode("aaaaa-bbbbb")}); err != nil {
				t.Fatal(err)
			}
			a.Secrets[key] = secret
			u.TOTPEnabled = true
		}
	}
	// One clock for the store and the server, so that session times agree.
	db.Now = a.Now
	cat := i18n.MustLoad()
	a.API = api.New(api.Config{Store: db, Catalog: cat, Hasher: hasher, Now: a.Now})
	a.Web, err = web.New(web.Config{
		Store: db, Hasher: hasher, Catalog: cat, Now: a.Now, Mount: a.API.Register,
		Throttle: auth.NewThrottle(auth.ThrottleConfig{}),
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	a.Server = httptest.NewServer(a.Web.Handler())
	t.Cleanup(a.Server.Close)
	return a
}

// Client is a browser: it keeps cookies and the page's CSRF token, and does
// not follow redirects, so that tests see them.
type Client struct {
	App  *App
	HTTP *http.Client
	CSRF string
}

// NewClient returns an anonymous browser.
func (a *App) NewClient() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{App: a, HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// Get fetches a page and remembers its CSRF token.
func (c *Client) Get(t testing.TB, path string) (*http.Response, string) {
	t.Helper()
	return c.Do(t, "GET", path, nil)
}

// Post submits a form with the remembered CSRF token (unless the form
// already names one).
func (c *Client) Post(t testing.TB, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.CSRF)
	}
	return c.Do(t, "POST", path, form)
}

// Do sends a request; a form body is sent url-encoded.
func (c *Client) Do(t testing.TB, method, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.App.Server.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfRE.FindSubmatch(b); m != nil {
		c.CSRF = string(m[1])
	}
	return resp, string(b)
}

// SignIn signs a world user in (password, then second factor if needed)
// and fails the test unless it lands on the home page.
func (a *App) SignIn(t testing.TB, key string) *Client {
	t.Helper()
	u := a.World.Users[key]
	c := a.NewClient()
	c.Get(t, "/signin")
	resp, _ := c.Post(t, "/signin", url.Values{"name": {u.Name}, "password": {Password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: status %d", key, resp.StatusCode)
	}
	if secret, ok := a.Secrets[key]; ok {
		// A code's time step may be used once: move on to a fresh step.
		a.Advance(31 * time.Second)
		code, err := totp.GenerateCode(secret, a.Now())
		if err != nil {
			t.Fatal(err)
		}
		c.Get(t, "/signin/second-factor")
		resp, _ = c.Post(t, "/signin/second-factor", url.Values{"code": {code}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("second factor %s: status %d", key, resp.StatusCode)
		}
	}
	c.Get(t, "/")
	return c
}

// Token creates an API token for a world user and returns it.
func (a *App) Token(t testing.TB, key string) string {
	t.Helper()
	plain, prefix, hash := auth.NewAPIToken()
	tok := &vrs.APIToken{UserID: a.World.Users[key].ID, Name: "test", Prefix: prefix, Hash: hash}
	if err := a.DB.CreateToken(storetest.System(), tok); err != nil {
		t.Fatal(err)
	}
	return plain
}

// Call sends an API request with a bearer token (none when token is "")
// and returns the status and body.
func (a *App) Call(t testing.TB, method, path, token, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.Server.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
