package config

import (
	"errors"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"fundalloc/reports/msg"
	"fundalloc/sources"
)

// MaxFileSize bounds the configuration file, in bytes (DESIGN §13): a
// city's configuration is a few kilobytes.
const MaxFileSize = 1 << 20

// readFile reads the configuration file at path: a regular file of at most
// MaxFileSize bytes, opened like an input (sources.OpenRegular). A FIFO, a
// device or a folder is refused at once, before it is opened for reading: a
// FIFO would wait for a writer, a device such as /dev/zero never ends. A
// link is followed (an administrator may link /etc/fundalloc.yaml to the
// city's file), but what it leads to is held to the same rules.
func readFile(path string) ([]byte, error) {
	f, err := sources.OpenRegular(path)
	if errors.Is(err, sources.ErrNotRegular) {
		st, serr := os.Stat(path)
		if serr != nil {
			return nil, serr
		}
		return nil, msg.ConfigNotRegular.Err(msg.FileKind(st.Mode()))
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if st.Size() > MaxFileSize {
		return nil, msg.ConfigTooLarge.Err(MaxFileSize)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err == nil && len(data) > MaxFileSize {
		err = msg.ConfigTooLarge.Err(MaxFileSize) // it grew as it was read
	}
	return data, err
}

// fractional reports whether a value for an integer key is a number with a
// fraction: viper would turn fiscal_year: 2026.5 into 2026 without a word.
// (A value that is no number at all is the decoder's to report.)
func fractional(v any) bool {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case string:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(x), 64); err != nil {
			return false
		}
	default:
		return false
	}
	return f != math.Trunc(f) || math.IsInf(f, 0)
}

// checkSpec checks what a job's spec means, beyond parsing (DESIGN §13): a
// spec that can never fire (0 0 31 2 *) or an @every interval under a
// second is refused; an interval under a minute is allowed with a warning;
// a TZ= or CRON_TZ= prefix must name schedule.timezone itself (zone is
// that setting as written, loc what it loaded), because the bureau's zone
// is set in one place.
func checkSpec(name, spec string, s cron.Schedule, zone string, loc *time.Location) (warning, problem *msg.Text) {
	text := func(m *msg.Message, args ...any) *msg.Text { t := m.With(args...); return &t }
	body := strings.TrimSpace(spec)
	for _, prefix := range []string{"TZ=", "CRON_TZ="} {
		if !strings.HasPrefix(body, prefix) {
			continue
		}
		z, rest, _ := strings.Cut(strings.TrimPrefix(body, prefix), " ")
		body = strings.TrimSpace(rest)
		if l, err := time.LoadLocation(z); err != nil || loc == nil || l.String() != loc.String() {
			return nil, text(msg.CronZone, name, spec, z, zone, prefix)
		}
	}
	if every, ok := strings.CutPrefix(body, "@every "); ok {
		// robfig has read it with time.ParseDuration already.
		d, _ := time.ParseDuration(strings.TrimSpace(every))
		switch {
		case d < time.Second:
			return nil, text(msg.CronTooOften, name, spec)
		case d < time.Minute:
			return text(msg.CronFrequent, name, d.String()), nil
		}
	}
	now := time.Now()
	if loc != nil {
		now = now.In(loc)
	}
	// robfig looks five years ahead: a date that exists comes round in
	// that time (29 February every four years).
	if s.Next(now).IsZero() {
		return nil, text(msg.CronNever, name, spec)
	}
	return nil, nil
}

// envWarnings warns of every FUNDALLOC_ variable in environ that names no
// setting (known holds the ones that do), with the nearest known name: a
// misspelt FUNDALLOC_STAGES_HUB_AMONUT would otherwise be ignored without a
// word.
func envWarnings(environ []string, known map[string]bool) []msg.Text {
	var out []msg.Text
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix+"_") || known[name] {
			continue
		}
		best, dist := "", math.MaxInt
		for k := range known {
			if d := sources.EditDistance(name, k); d < dist || d == dist && k < best {
				best, dist = k, d
			}
		}
		out = append(out, msg.UnknownEnv.With(name, best))
	}
	return out
}
