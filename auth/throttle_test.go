package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func failN(th *Throttle, n int, account, ip string, at time.Time) {
	for range n {
		th.Failure(account, ip, at)
	}
}

func TestThrottleAccountLock(t *testing.T) {
	th := NewThrottle(ThrottleConfig{})
	tests := []struct {
		name     string
		failures int           // before the check, all at t0
		at       time.Duration // check time after t0
		wait     time.Duration
		by       string
	}{
		{"no failures", 0, 0, 0, ""},
		{"4 failures", 4, 0, 0, ""},
		{"5 failures", 5, 0, time.Minute, ByAccount},
		{"5 failures, 20 s later", 5, 20 * time.Second, 40 * time.Second, ByAccount},
		{"5 failures, lock over", 5, time.Minute, 0, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			account, ip := fmt.Sprintf("user%d", i), fmt.Sprintf("192.0.2.%d", i)
			failN(th, tt.failures, account, ip, t0)
			wait, by := th.Check(account, ip, t0.Add(tt.at))
			if wait != tt.wait || by != tt.by {
				t.Errorf("Check = %v, %q; want %v, %q", wait, by, tt.wait, tt.by)
			}
		})
	}
}

// A failure right after each lock ends doubles the next lock, up to an hour.
func TestThrottleDoubling(t *testing.T) {
	th := NewThrottle(ThrottleConfig{})
	now := t0
	failN(th, 4, "alice", "", now)
	for i, want := range []time.Duration{
		time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, time.Hour, time.Hour, time.Hour,
	} {
		t.Run(fmt.Sprintf("failure %d", 5+i), func(t *testing.T) {
			th.Failure("alice", "", now)
			wait, by := th.Check("alice", "", now)
			if wait != want || by != ByAccount {
				t.Errorf("Check = %v, %q; want %v, account", wait, by, want)
			}
			now = now.Add(wait)
			if wait, _ := th.Check("alice", "", now); wait != 0 {
				t.Errorf("still locked for %v when the lock should end", wait)
			}
		})
	}
}

func TestThrottleWindow(t *testing.T) {
	tests := []struct {
		name   string
		spaced time.Duration // between failures 1–4 and failure 5
		after  time.Duration // since the lock ended, for the next run
		locked bool
	}{
		{"fifth failure within the window", 14 * time.Minute, 0, true},
		{"fifth failure after the window", 15 * time.Minute, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := NewThrottle(ThrottleConfig{})
			failN(th, 4, "alice", "", t0)
			at := t0.Add(tt.spaced)
			th.Failure("alice", "", at)
			if wait, _ := th.Check("alice", "", at); (wait > 0) != tt.locked {
				t.Errorf("wait = %v, want locked = %v", wait, tt.locked)
			}
		})
	}
	t.Run("run forgotten a window after the lock", func(t *testing.T) {
		th := NewThrottle(ThrottleConfig{})
		failN(th, 5, "alice", "", t0) // locked until t0+1m
		at := t0.Add(time.Minute + 15*time.Minute)
		th.Failure("alice", "", at)
		if wait, _ := th.Check("alice", "", at); wait != 0 {
			t.Errorf("a failure after the quiet window locked for %v; the run should restart", wait)
		}
	})
	t.Run("run kept within a window after the lock", func(t *testing.T) {
		th := NewThrottle(ThrottleConfig{})
		failN(th, 5, "alice", "", t0)
		at := t0.Add(time.Minute + 14*time.Minute)
		th.Failure("alice", "", at)
		if wait, _ := th.Check("alice", "", at); wait != 2*time.Minute {
			t.Errorf("wait = %v, want the doubled 2m", wait)
		}
	})
}

func TestThrottleAddress(t *testing.T) {
	t.Run("20 failures on different accounts lock the address", func(t *testing.T) {
		th := NewThrottle(ThrottleConfig{})
		for i := range 19 {
			th.Failure(fmt.Sprintf("user%d", i), "198.51.100.7", t0)
		}
		if wait, _ := th.Check("someone", "198.51.100.7", t0); wait != 0 {
			t.Fatalf("locked after 19 failures: %v", wait)
		}
		th.Failure("user19", "198.51.100.7", t0)
		if wait, by := th.Check("someone", "198.51.100.7", t0); wait != time.Minute || by != ByAddress {
			t.Errorf("Check = %v, %q; want 1m, address", wait, by)
		}
		if wait, _ := th.Check("someone", "198.51.100.8", t0); wait != 0 {
			t.Errorf("another address is locked for %v", wait)
		}
	})
	t.Run("account lock does not lock its addresses", func(t *testing.T) {
		th := NewThrottle(ThrottleConfig{})
		for i := range 5 {
			th.Failure("alice", fmt.Sprintf("203.0.113.%d", i), t0)
		}
		if wait, by := th.Check("alice", "203.0.113.200", t0); by != ByAccount || wait == 0 {
			t.Errorf("Check(alice) = %v, %q; want locked by account", wait, by)
		}
		if wait, _ := th.Check("bob", "203.0.113.0", t0); wait != 0 {
			t.Errorf("bob from a used address is locked for %v", wait)
		}
	})
	t.Run("longer wait names the reason", func(t *testing.T) {
		th := NewThrottle(ThrottleConfig{AddressLimit: 5})
		failN(th, 6, "alice", "192.0.2.1", t0)              // both locked 2m
		th.Failure("bob", "192.0.2.1", t0.Add(time.Second)) // address locked 4m from t0+1s
		if wait, by := th.Check("alice", "192.0.2.1", t0.Add(time.Second)); by != ByAddress || wait != 4*time.Minute {
			t.Errorf("Check = %v, %q; want 4m, address", wait, by)
		}
	})
	t.Run("IPv6 counts per /64", func(t *testing.T) {
		th := NewThrottle(ThrottleConfig{})
		for i := range 20 {
			th.Failure(fmt.Sprintf("user%d", i), fmt.Sprintf("2001:db8:1:2::%x", i+1), t0)
		}
		if wait, by := th.Check("x", "2001:db8:1:2:ffff::1", t0); by != ByAddress || wait == 0 {
			t.Errorf("same /64: Check = %v, %q; want locked by address", wait, by)
		}
		if wait, _ := th.Check("x", "2001:db8:1:3::1", t0); wait != 0 {
			t.Errorf("other /64 locked for %v", wait)
		}
	})
}

func TestThrottleSuccess(t *testing.T) {
	th := NewThrottle(ThrottleConfig{})
	for i := range 19 {
		at := t0.Add(time.Duration(i) * time.Second)
		th.Failure("alice", "192.0.2.1", at)
		if i%4 == 3 {
			th.Success("alice", "192.0.2.1")
		}
		if wait, _ := th.Check("alice", "192.0.2.1", at); wait != 0 {
			t.Fatalf("failure %d: locked for %v although each 4 were followed by a success", i+1, wait)
		}
	}
	th.Failure("alice", "192.0.2.1", t0.Add(time.Minute))
	if wait, by := th.Check("alice", "192.0.2.1", t0.Add(time.Minute)); by != ByAddress || wait == 0 {
		t.Errorf("Check = %v, %q; successes must not clear the address's count", wait, by)
	}
}

func TestThrottleAccountNormalised(t *testing.T) {
	th := NewThrottle(ThrottleConfig{})
	for i, name := range []string{"alice", "Alice", " ALICE", "alice ", "aLiCe"} {
		th.Failure(name, fmt.Sprintf("192.0.2.%d", i), t0)
	}
	if wait, _ := th.Check("alice", "", t0); wait == 0 {
		t.Error("spellings of one name were counted apart")
	}
}

func TestThrottleEviction(t *testing.T) {
	const capacity = 10
	th := NewThrottle(ThrottleConfig{MaxEntries: capacity})
	for i := range 100 {
		at := t0.Add(time.Duration(i) * time.Second)
		failN(th, 5, fmt.Sprintf("user%d", i), fmt.Sprintf("192.0.2.%d", i), at)
	}
	if n, m := th.accounts.lru.Len(), len(th.accounts.m); n != capacity || m != capacity {
		t.Errorf("account table holds %d (map %d), want %d", n, m, capacity)
	}
	if n := th.addresses.lru.Len(); n != capacity {
		t.Errorf("address table holds %d, want %d", n, capacity)
	}
	now := t0.Add(100 * time.Second)
	if wait, _ := th.Check("user0", "", now); wait != 0 {
		t.Errorf("oldest account still tracked (wait %v)", wait)
	}
	if wait, _ := th.Check("user99", "", now); wait == 0 {
		t.Error("newest account was evicted")
	}
	t.Run("a failure refreshes an entry", func(t *testing.T) {
		th := NewThrottle(ThrottleConfig{MaxEntries: 3})
		failN(th, 5, "target", "", t0)
		for i := range 10 {
			th.Failure(fmt.Sprintf("spray%d", i), "", t0)
			if i%2 == 1 {
				th.Failure("target", "", t0)
			}
		}
		if wait, _ := th.Check("target", "", t0); wait == 0 {
			t.Error("an account failing all along was evicted")
		}
	})
	t.Run("huge names are cut", func(t *testing.T) {
		th := NewThrottle(ThrottleConfig{})
		big := string(make([]byte, 1<<20))
		th.Failure(big, "", t0)
		for k := range th.accounts.m {
			if len(k) > maxKeyLen {
				t.Errorf("key of %d bytes stored", len(k))
			}
		}
	})
}

func TestThrottleConcurrent(t *testing.T) {
	th := NewThrottle(ThrottleConfig{MaxEntries: 50})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				account := fmt.Sprintf("u%d", (g*500+i)%80)
				ip := fmt.Sprintf("192.0.2.%d", i%60)
				th.Check(account, ip, t0)
				th.Failure(account, ip, t0)
				if i%7 == 0 {
					th.Success(account, ip)
				}
			}
		})
	}
	wg.Wait()
	if n := th.accounts.lru.Len(); n > 50 || n != len(th.accounts.m) {
		t.Errorf("account table: list %d, map %d, cap 50", n, len(th.accounts.m))
	}
}
