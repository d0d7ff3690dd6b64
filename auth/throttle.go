package auth

import (
	"container/list"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// What a Throttle names as the reason for a wait, for the UI to say which.
const (
	ByAccount = "account"
	ByAddress = "address"
)

// ThrottleConfig sets a Throttle's limits; zero fields take the defaults.
//
// A run of failures is counted from its first failure: Limit failures
// within Window lock the key for BaseDelay, and every failure after that
// doubles the delay up to MaxDelay. The run is forgotten only once Window
// has passed after the lock ended without a new failure, so a patient
// attacker stays at one guess per MaxDelay rather than starting over.
type ThrottleConfig struct {
	AccountLimit int           // failures that lock an account; 5
	AddressLimit int           // failures that lock a client address; 20
	Window       time.Duration // 15 minutes
	BaseDelay    time.Duration // first lock; 1 minute
	MaxDelay     time.Duration // longest lock; 1 hour
	// MaxEntries bounds each of the account and address tables; when one
	// is full the entry with the oldest failure goes, so that a spray of
	// made-up names cannot grow memory without end. 100,000.
	MaxEntries int
}

func (c ThrottleConfig) withDefaults() ThrottleConfig {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.AccountLimit, 5)
	def(&c.AddressLimit, 20)
	def(&c.MaxEntries, 100_000)
	defDur(&c.Window, 15*time.Minute)
	defDur(&c.BaseDelay, time.Minute)
	defDur(&c.MaxDelay, time.Hour)
	return c
}

// Throttle slows down password guessing, per account (against guessing one
// user's password) and per client address (against trying one common
// password on many users). It lives in memory: a restart forgives, which
// costs little next to the hour-long locks it otherwise keeps. It is safe
// for concurrent use. Time is passed in, so that tests control the clock.
type Throttle struct {
	cfg       ThrottleConfig
	mu        sync.Mutex
	accounts  *table
	addresses *table
}

// NewThrottle returns a Throttle with cfg's limits.
func NewThrottle(cfg ThrottleConfig) *Throttle {
	cfg = cfg.withDefaults()
	return &Throttle{
		cfg:       cfg,
		accounts:  newTable(cfg.AccountLimit, cfg.MaxEntries),
		addresses: newTable(cfg.AddressLimit, cfg.MaxEntries),
	}
}

// Check returns how long a sign-in for account from clientIP must wait,
// and whether the account or the address is the reason (the longer wait
// wins). wait is 0 when the attempt may go ahead. Callers check before
// verifying the password, so that a locked key costs no hashing.
func (t *Throttle) Check(account, clientIP string, now time.Time) (wait time.Duration, by string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if w := t.accounts.wait(accountKey(account), now, t.cfg); w > wait {
		wait, by = w, ByAccount
	}
	if w := t.addresses.wait(addressKey(clientIP), now, t.cfg); w > wait {
		wait, by = w, ByAddress
	}
	return wait, by
}

// Failure records a failed sign-in (wrong password, unknown user or wrong
// second factor) for account from clientIP.
func (t *Throttle) Failure(account, clientIP string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.accounts.failure(accountKey(account), now, t.cfg)
	t.addresses.failure(addressKey(clientIP), now, t.cfg)
}

// Success forgets the account's failures after a sign-in. The address's
// are kept: otherwise an attacker with one valid account could sign in to
// it between guesses at others and never reach the address limit.
func (t *Throttle) Success(account, clientIP string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.accounts.remove(accountKey(account))
}

// maxKeyLen is longer than any user name or address. Keys are cut to it so
// that a megabyte "user name" costs no more memory than a real one.
const maxKeyLen = 128

func accountKey(account string) string {
	// User names are stored lower-case; "Alice" must not get fresh tries.
	return strings.ToLower(strings.TrimSpace(account))
}

func addressKey(ip string) string {
	// One IPv6 client usually holds a whole /64, so the /64 is the address.
	if a, err := netip.ParseAddr(ip); err == nil && a.Is6() && !a.Is4In6() {
		if p, err := a.Prefix(64); err == nil {
			return p.String()
		}
	}
	return ip
}

// table counts failures per key, least recently failed at the back.
type table struct {
	limit int
	max   int
	m     map[string]*list.Element
	lru   *list.List
}

type entry struct {
	key      string
	failures int
	start    time.Time // first failure of the run
	until    time.Time // end of the lock, if failures >= limit
}

func newTable(limit, capacity int) *table {
	return &table{limit: limit, max: capacity, m: map[string]*list.Element{}, lru: list.New()}
}

// expired reports whether e's run is over and its failures forgotten.
func (tb *table) expired(e *entry, now time.Time, cfg ThrottleConfig) bool {
	if e.failures < tb.limit {
		return now.Sub(e.start) >= cfg.Window
	}
	return now.Sub(e.until) >= cfg.Window
}

func (tb *table) wait(key string, now time.Time, cfg ThrottleConfig) time.Duration {
	if key == "" {
		return 0
	}
	el, ok := tb.m[truncate(key)]
	if !ok {
		return 0
	}
	e := el.Value.(*entry)
	if tb.expired(e, now, cfg) {
		tb.removeElement(el)
		return 0
	}
	if now.Before(e.until) {
		return e.until.Sub(now)
	}
	return 0
}

func (tb *table) failure(key string, now time.Time, cfg ThrottleConfig) {
	if key == "" {
		return
	}
	key = truncate(key)
	var e *entry
	if el, ok := tb.m[key]; ok {
		e = el.Value.(*entry)
		tb.lru.MoveToFront(el)
		if tb.expired(e, now, cfg) {
			*e = entry{key: e.key}
		}
	} else {
		for tb.lru.Len() >= tb.max {
			tb.removeElement(tb.lru.Back())
		}
		// Clone: key may point into a large request body.
		e = &entry{key: strings.Clone(key)}
		tb.m[e.key] = tb.lru.PushFront(e)
	}
	e.failures++
	if e.failures == 1 {
		e.start = now
	}
	if e.failures >= tb.limit {
		e.until = now.Add(lockDelay(e.failures-tb.limit, cfg))
	}
}

// lockDelay is BaseDelay doubled once per failure beyond the limit.
func lockDelay(extra int, cfg ThrottleConfig) time.Duration {
	d := cfg.BaseDelay
	for i := 0; i < extra && d < cfg.MaxDelay; i++ {
		d *= 2
	}
	return min(d, cfg.MaxDelay)
}

func (tb *table) remove(key string) {
	if el, ok := tb.m[truncate(key)]; ok {
		tb.removeElement(el)
	}
}

func (tb *table) removeElement(el *list.Element) {
	delete(tb.m, el.Value.(*entry).key)
	tb.lru.Remove(el)
}

func truncate(key string) string {
	if len(key) > maxKeyLen {
		return key[:maxKeyLen]
	}
	return key
}
