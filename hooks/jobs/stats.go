package jobs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

const (
	// doneRetention is how long done jobs are kept before the sweep deletes them.
	doneRetention = 7 * 24 * time.Hour
	// sweepInterval is how often a started queue sweeps.
	sweepInterval = time.Hour
)

// Stats reports the backlog: queued is how many jobs are queued (due or
// waiting for a retry); oldest is how long the longest-waiting due job has
// been due (0 when none is), which grows when workers fall behind, stall, or
// lack a handler for a kind.
func (q *Queue) Stats(app core.App) (queued int, oldest time.Duration, err error) {
	now := q.opts.Now()
	var row struct {
		N      int    `db:"n"`
		Oldest string `db:"oldest"`
	}
	err = app.DB().NewQuery(`SELECT COUNT(*) AS n,
			COALESCE(MIN(CASE WHEN [[next_at]] <= {:now} THEN [[next_at]] END), '') AS oldest
		FROM {{jobs}} WHERE [[status]] = 'queued'`).
		Bind(dbx.Params{"now": q.stamp(now)}).One(&row)
	if err != nil {
		return 0, 0, fmt.Errorf("jobs stats: %w", err)
	}
	if row.Oldest != "" {
		if t, perr := types.ParseDateTime(row.Oldest); perr == nil && !t.IsZero() {
			oldest = max(now.Sub(t.Time()), 0)
		}
	}
	return row.N, oldest, nil
}

// sweepLoop sweeps when the queue starts and then every sweepInterval.
func (q *Queue) sweepLoop(ctx context.Context) {
	t := time.NewTicker(sweepInterval)
	defer t.Stop()
	for {
		if err := q.sweep(); err != nil && ctx.Err() == nil {
			q.logger().Error("jobs: sweep failed", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweep deletes done jobs older than doneRetention and logs, once per kind,
// queued jobs that no handler of this queue takes.
func (q *Queue) sweep() error {
	cutoff := q.stamp(q.opts.Now().Add(-doneRetention))
	res, err := q.app.NonconcurrentDB().NewQuery(`DELETE FROM {{jobs}} WHERE [[status]] = 'done' AND [[updated]] < {:cutoff}`).
		Bind(dbx.Params{"cutoff": cutoff}).Execute()
	if err != nil {
		return fmt.Errorf("delete done jobs: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		q.logger().Info("jobs: deleted done jobs", "count", n, "older_than", doneRetention.String())
	}

	params := dbx.Params{}
	cond := ""
	if kinds := q.kinds(); len(kinds) > 0 {
		in := make([]string, len(kinds))
		for i, k := range kinds {
			name := fmt.Sprintf("k%d", i)
			params[name] = k
			in[i] = "{:" + name + "}"
		}
		cond = " AND [[kind]] NOT IN (" + strings.Join(in, ", ") + ")"
	}
	var rows []struct {
		Kind string `db:"kind"`
		N    int    `db:"n"`
	}
	if err := q.app.DB().NewQuery(`SELECT [[kind]], COUNT(*) AS n FROM {{jobs}}
		WHERE [[status]] = 'queued'` + cond + ` GROUP BY [[kind]]`).Bind(params).All(&rows); err != nil {
		return fmt.Errorf("find unhandled kinds: %w", err)
	}
	for _, r := range rows {
		q.warnUnhandled(r.Kind, r.N)
	}
	return nil
}
