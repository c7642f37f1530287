package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"fundalloc/reports/msg"
)

// localizeHelp gives --help the command's language: cobra's own words (its
// usage template, the help flag and the help command) come from the
// catalogue. The completion command, for shells, is hidden and keeps
// cobra's English.
func (g *globals) localizeHelp(root *cobra.Command) {
	root.PersistentFlags().BoolP("help", "h", false, g.t(msg.CmdFlagHelp))
	root.SetUsageFunc(g.usage)
	root.CompletionOptions.HiddenDefaultCmd = true
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [command]",
		Short: g.t(msg.CmdHelpShort),
		Run: func(c *cobra.Command, args []string) {
			cmd, _, err := c.Root().Find(args)
			if cmd == nil || err != nil {
				c.Println(g.t(msg.CmdHelpUnknown, strings.Join(args, " ")))
				g.usage(c.Root())
				return
			}
			cmd.InitDefaultHelpFlag()
			cmd.Help()
		},
	})
}

// usage writes a command's usage as cobra's default template does, in the
// command's language: sections apart by a blank line.
func (g *globals) usage(c *cobra.Command) error {
	var sections []string
	use := g.t(msg.CmdUsage)
	if c.Runnable() {
		use += "\n  " + useLine{c}.Localize(g.language)
	}
	if c.HasAvailableSubCommands() {
		use += "\n  " + c.CommandPath() + " " + g.t(msg.CmdUsageCommand)
		var rows [][]string
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				rows = append(rows, []string{sub.Name(), sub.Short})
			}
		}
		sections = append(sections, use, g.t(msg.CmdUsageCmds)+"\n"+columns(rows))
	} else {
		sections = append(sections, use)
	}
	if c.HasAvailableLocalFlags() {
		sections = append(sections, g.t(msg.CmdUsageFlags)+"\n"+g.flagUsages(c.LocalFlags()))
	}
	if c.HasAvailableInheritedFlags() {
		sections = append(sections, g.t(msg.CmdUsageGlobal)+"\n"+g.flagUsages(c.InheritedFlags()))
	}
	if c.HasAvailableSubCommands() {
		sections = append(sections, g.t(msg.CmdUsageMore, c.CommandPath()))
	}
	_, err := fmt.Fprintln(c.OutOrStderr(), strings.Join(sections, "\n\n"))
	return err
}

// useLine is a command's usage line, "fundalloc init DIR [flags]", with
// cobra's [flags] in the catalogue's words.
type useLine struct{ c *cobra.Command }

func (u useLine) Localize(l msg.Lang) string {
	return strings.Replace(u.c.UseLine(), "[flags]", msg.CmdUsageFlagArg.In(l), 1)
}

// flagUsages lists the visible flags of fs, one a line: the flag, the kind
// of value it takes and its usage with its default.
func (g *globals) flagUsages(fs *pflag.FlagSet) string {
	var rows [][]string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		name := "    --" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", --" + f.Name
		}
		switch f.Value.Type() {
		case "bool":
		case "string":
			name += " " + g.t(msg.CmdValString)
		case "duration":
			name += " " + g.t(msg.CmdValDuration)
		case "int", "int64", "uint", "uint64":
			name += " " + g.t(msg.CmdValInt)
		default:
			name += " " + f.Value.Type()
		}
		usage := f.Usage
		switch f.DefValue {
		case "", "0", "false", "0s", "[]":
		default:
			def := f.DefValue
			if f.Value.Type() == "string" {
				def = fmt.Sprintf("%q", def)
			}
			usage += g.t(msg.CmdUsageDefault, def)
		}
		rows = append(rows, []string{name, usage})
	})
	return columns(rows)
}

// columns lays out rows of two cells, indented, the first padded to a
// common display width (CJK characters count two columns), one a line
// without a newline after the last.
func columns(rows [][]string) string {
	width := 0
	for _, r := range rows {
		width = max(width, displayWidth(r[0]))
	}
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = "  " + r[0] + strings.Repeat(" ", width-displayWidth(r[0])) + "   " + r[1]
	}
	return strings.Join(lines, "\n")
}
