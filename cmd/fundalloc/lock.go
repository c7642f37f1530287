package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"fundalloc/cmd/fundalloc/scheduler"
	"fundalloc/config"
	"fundalloc/reports/msg"
)

// defaultLockWait is --lock-wait's default.
const defaultLockWait = 10 * time.Second

func addLockWaitFlag(cmd *cobra.Command, g *globals) {
	cmd.Flags().DurationVar(&g.lockWait, "lock-wait", defaultLockWait, g.t(msg.CmdFlagLockWait))
}

// lockOut takes the output folder's lock for a run of command, waiting up to
// --lock-wait for another writer; waiting (if not nil) is told who that is.
func (g *globals) lockOut(ctx context.Context, cfg *config.Config, command string, waiting func(scheduler.Holder)) (*scheduler.Lock, error) {
	return scheduler.Acquire(ctx, cfg.Out, scheduler.OutputLock, g.holder(cfg, command), g.lockWait, waiting)
}

// holder is this process, running command, as a lock names its holder.
func (g *globals) holder(cfg *config.Config, command string) scheduler.Holder {
	return scheduler.Holder{PID: os.Getpid(), Command: command, Since: g.clock()().In(cfg.Schedule.Location).Truncate(time.Second)}
}

// waitNotice tells the user of a manual command why it pauses.
func (g *globals) waitNotice(h scheduler.Holder) {
	fmt.Fprintln(g.stderr, g.t(msg.CmdWaitLock, h, g.lockWait))
}

// clock is the time source: time.Now unless a test set g.now.
func (g *globals) clock() func() time.Time {
	if g.now != nil {
		return g.now
	}
	return time.Now
}

// interrupted is the error of a run stopped between phases because ctx is
// done (SIGINT, SIGTERM, or the scheduler shutting down); nil otherwise.
func interrupted(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	cause := context.Cause(ctx)
	reason := any(cause)
	if cause == context.Canceled {
		reason = msg.CmdCanceled
	}
	return msg.CmdInterrupted.Wrap(cause, reason)
}
