package n8n

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestReplayCache(t *testing.T) {
	var c ReplayCache // the zero value works
	now := fixedNow
	if err := c.Use("a", now.Add(time.Minute), now); err != nil {
		t.Fatal(err)
	}
	if err := c.Use("a", now.Add(time.Minute), now.Add(59*time.Second)); !errors.Is(err, ErrTokenReplayed) {
		t.Fatalf("replay: %v", err)
	}
	if err := c.Use("a", now.Add(3*time.Minute), now.Add(time.Minute)); err != nil {
		t.Fatalf("after forgetAfter: %v", err)
	}
}

func TestReplayCacheBounded(t *testing.T) {
	c := NewReplayCache(3)
	now := fixedNow
	for i := 0; i < 3; i++ {
		if err := c.Use(fmt.Sprint(i), now.Add(time.Duration(i+1)*time.Second), now); err != nil {
			t.Fatal(err)
		}
	}
	// Full of live entries: refuse rather than evict (eviction would allow a replay).
	if err := c.Use("x", now.Add(time.Minute), now); !errors.Is(err, ErrReplayCacheFull) {
		t.Fatalf("full cache: %v", err)
	}
	if err := c.Use("0", now.Add(time.Minute), now); !errors.Is(err, ErrTokenReplayed) {
		t.Fatalf("replay in a full cache: %v", err)
	}
	// Once two entries expired, the sweep on insert frees room.
	if err := c.Use("x", now.Add(time.Minute), now.Add(2*time.Second)); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := c.Len(); n != 2 {
		t.Errorf("Len = %d after sweep, want 2", n)
	}
	if st, _ := ErrorStatus(c.Use("y", now.Add(time.Minute), now.Add(2*time.Second))); st != 200 {
		t.Errorf("room left: status %d", st)
	}
	if st, msg := ErrorStatus(c.Use("z", now.Add(time.Minute), now.Add(2*time.Second))); st != 503 || msg == "" {
		t.Errorf("full: status %d %q", st, msg)
	}
}

func TestReplayCachePeriodicSweep(t *testing.T) {
	c := NewReplayCache(0)
	now := fixedNow
	for i := 0; i < 100; i++ {
		c.Use(fmt.Sprint(i), now.Add(time.Second), now)
	}
	c.Use("late", now.Add(time.Hour), now.Add(2*time.Minute))
	if n := c.Len(); n != 1 {
		t.Errorf("Len = %d after a minute, want 1", n)
	}
}

func TestReplayCacheConcurrent(t *testing.T) {
	c := NewReplayCache(0)
	var ok atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if c.Use("same", fixedNow.Add(time.Minute), fixedNow) == nil {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d goroutines used the same key", ok.Load())
	}
}
