package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"fundalloc/config/sample"
	"fundalloc/reports"
)

func newInitCmd(g *globals) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init DIR",
		Short: "Write the sample city's config and data files to DIR, ready to edit",
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
				return badInput("init: %s already exists; nothing was written (use --force to overwrite)", strings.Join(exists, ", "))
			}
			// All or nothing, like every output: each file goes to a
			// temporary file beside its final name, and all are renamed
			// into place at the end. Temporary files a crashed init left
			// are removed first.
			var b reports.Batch
			cleaned := map[string]bool{}
			for _, f := range files {
				data, err := fs.ReadFile(sample.FS, f)
				if err != nil {
					b.Abort()
					return err
				}
				target := filepath.Join(dir, filepath.FromSlash(f))
				if d := filepath.Dir(target); !cleaned[d] {
					if err := os.MkdirAll(d, 0o755); err != nil {
						b.Abort()
						return err
					}
					if _, err := reports.CleanTemp(d); err != nil {
						b.Abort()
						return err
					}
					cleaned[d] = true
				}
				if err := b.Write(target, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
					b.Abort()
					return errors.Join(fmt.Errorf("init: %s", target), err)
				}
			}
			if err := b.Commit(); err != nil {
				return fmt.Errorf("init: %w", err)
			}
			if !g.quiet {
				fmt.Fprintf(g.stdout, "wrote the sample city to %s (%d files)\n", dir, len(files))
				fmt.Fprintf(g.stdout, "next: cd %s && fundalloc budget\n", dir)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite existing files")
	return cmd
}
