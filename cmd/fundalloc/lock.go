package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"fundalloc/cmd/fundalloc/scheduler"
	"fundalloc/config"
	"fundalloc/reports"
	"fundalloc/reports/msg"
	"fundalloc/reports/outdir"
)

// defaultLockWait is --lock-wait's default.
const defaultLockWait = 10 * time.Second

func addLockWaitFlag(cmd *cobra.Command, g *globals) {
	cmd.Flags().DurationVar(&g.lockWait, "lock-wait", defaultLockWait, g.t(msg.CmdFlagLockWait))
}

// lockOut takes the output folder's lock for a run of command, waiting up to
// --lock-wait for another writer; waiting (if not nil) is told who that is.
func (g *globals) lockOut(ctx context.Context, cfg *config.Config, command string, waiting func(scheduler.Holder)) (*scheduler.Lock, error) {
	return scheduler.Acquire(ctx, cfg.Out, scheduler.OutputLock, g.holder(cfg.Schedule.Location, command), g.lockWait, waiting)
}

// configLocked loads the configuration and takes its output folder's lock
// for the command, as every command that writes there does first; the
// caller releases the lock.
func (g *globals) configLocked(cmd *cobra.Command) (*config.Config, *scheduler.Lock, error) {
	cfg, err := g.loadConfig(cmd)
	if err != nil {
		return nil, nil, err
	}
	lock, err := g.lockOut(cmd.Context(), cfg, "fundalloc "+cmd.Name(), g.waitNotice)
	if err != nil {
		return nil, nil, err
	}
	return cfg, lock, nil
}

// lockFolder takes the output lock of a folder that init, template or
// generate writes to (DESIGN §13): they remove the temporary files they
// find there, which must not be those of a run writing to it now.
func (g *globals) lockFolder(ctx context.Context, dir, command string) (*scheduler.Lock, error) {
	return scheduler.Acquire(ctx, dir, scheduler.OutputLock, g.holder(time.Local, command), g.lockWait, g.waitNotice)
}

// openOut opens the output folder dir through outdir, making it when it
// does not exist, and removes the temporary files a crashed run left there
// (the caller holds the output lock): a folder that cannot be made is named
// as such; a link in its place is refused in outdir's words.
func openOut(dir string) (*outdir.Dir, error) {
	d, _, err := outdir.Make(dir)
	var m *msg.Error
	if err != nil && !errors.As(err, &m) {
		return nil, msg.CmdOutputDir.Wrap(err, dir, msg.OSReason(err))
	}
	if err != nil {
		return nil, err
	}
	if _, err := reports.CleanTempIn(d); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// holder is this process, running command, as a lock names its holder.
func (g *globals) holder(loc *time.Location, command string) scheduler.Holder {
	return scheduler.Holder{PID: os.Getpid(), Command: command, Since: g.clock()().In(loc).Truncate(time.Second)}
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

// stopped is err, or the interruption when ctx is done: a writer that
// stopped because of SIGINT or SIGTERM fails with ctx's error, and the user
// is told the run was interrupted, not that a write failed.
func stopped(ctx context.Context, err error) error {
	if ierr := interrupted(ctx); ierr != nil {
		return ierr
	}
	return err
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
