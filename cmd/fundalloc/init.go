package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"fundalloc/config/sample"
	"fundalloc/reports/msg"
)

func newInitCmd(g *globals) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init DIR",
		Short: g.t(msg.CmdInitShort),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := g.path(args[0])
			var files []string
			err := fs.WalkDir(sample.FS, ".", func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					files = append(files, p)
				}
				return err
			})
			if err != nil {
				return err
			}
			var exists []string
			for _, f := range files {
				if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
					exists = append(exists, filepath.Join(dir, f))
				}
			}
			if len(exists) > 0 && !force {
				return badInput(msg.CmdInitExists, strings.Join(exists, ", "))
			}
			// All or nothing, like every output, under the folder's lock.
			err = g.writeSet(cmd.Context(), dir, "fundalloc init", func(sink *batchSink) error {
				for _, f := range files {
					data, err := fs.ReadFile(sample.FS, f)
					if err != nil {
						return err
					}
					if err := sink.Create(f, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
						return msg.CmdInitFailed.Err(filepath.Join(dir, filepath.FromSlash(f)), err)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			if !g.quiet {
				fmt.Fprintln(g.stdout, g.t(msg.CmdInitDone, dir, thousands(len(files))))
				fmt.Fprintln(g.stdout, g.t(msg.CmdInitNext, dir))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, g.t(msg.CmdFlagForce))
	addLockWaitFlag(cmd, g)
	return cmd
}
