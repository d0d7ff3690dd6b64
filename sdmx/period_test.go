package sdmx

import (
	"testing"
	"time"
	"unicode/utf8"
)

func utf8Valid(s string) bool { return utf8.ValidString(s) }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 15, 4, 5, 0, time.UTC) }

func TestPeriod(t *testing.T) {
	tests := []struct{ freq, want string }{
		{FreqAnnual, "2024"}, {FreqQuarterly, "2024-Q3"}, {FreqMonthly, "2024-08"}, {FreqDaily, "2024-08-05"},
	}
	for _, tt := range tests {
		t.Run(tt.freq, func(t *testing.T) {
			got, err := Period(tt.freq, day(2024, time.August, 5))
			if err != nil || got != tt.want {
				t.Fatalf("Period = %q, %v; want %q", got, err, tt.want)
			}
			if f, err := ParsePeriod(got); err != nil || f != tt.freq {
				t.Errorf("ParsePeriod(%q) = %q, %v", got, f, err)
			}
		})
	}
	t.Run("ErrFreq", func(t *testing.T) {
		if _, err := Period("W", day(2024, 1, 1)); err == nil {
			t.Error("weekly accepted")
		}
	})
	t.Run("QuarterEdges", func(t *testing.T) {
		for m, q := range map[time.Month]string{1: "Q1", 3: "Q1", 4: "Q2", 9: "Q3", 10: "Q4", 12: "Q4"} {
			if got, _ := Period(FreqQuarterly, day(2020, m, 1)); got != "2020-"+q {
				t.Errorf("month %d: %q", m, got)
			}
		}
	})
}

func TestRangePeriod(t *testing.T) {
	tests := []struct {
		name        string
		first, last time.Time
		want        string
	}{
		{"Years", day(2023, 1, 1), day(2025, 12, 31), "2023-01-01/P3Y"},
		{"OneYear", day(2024, 1, 1), day(2024, 12, 31), "2024-01-01/P1Y"},
		{"Months", day(2024, 4, 1), day(2024, 5, 31), "2024-04-01/P2M"},
		{"MonthsAcrossYear", day(2023, 11, 1), day(2024, 2, 29), "2023-11-01/P4M"},
		{"Days", day(2024, 3, 15), day(2024, 3, 24), "2024-03-15/P10D"},
		{"OneDay", day(2024, 2, 29), day(2024, 2, 29), "2024-02-29/P1D"},
		{"YearNotFromJanuary", day(2024, 2, 1), day(2025, 1, 31), "2024-02-01/P12M"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RangePeriod(tt.first, tt.last)
			if err != nil || got != tt.want {
				t.Fatalf("RangePeriod = %q, %v; want %q", got, err, tt.want)
			}
			if f, err := ParsePeriod(got); err != nil || f != FreqRange {
				t.Errorf("ParsePeriod(%q) = %q, %v", got, f, err)
			}
		})
	}
	t.Run("ErrBackwards", func(t *testing.T) {
		if _, err := RangePeriod(day(2024, 2, 2), day(2024, 2, 1)); err == nil {
			t.Error("backwards range accepted")
		}
	})
}

func TestParsePeriodRejects(t *testing.T) {
	for _, s := range []string{"", "24", "0000", "2024-Q0", "2024-Q5", "2024-00", "2024-13", "2024-02-30",
		"2024-1", "2024-W01", "2024-S1", "2024-01-01/P0D", "2024-01-01/P-1Y", "2024-01-01/P+1Y", "2024-01-01/PY",
		"2024-01-01/P1W", "2024-1-01/P1D", "2024-01-01/", "/P1Y", " 2024", "2024 "} {
		t.Run(s, func(t *testing.T) {
			if f, err := ParsePeriod(s); err == nil {
				t.Errorf("ParsePeriod(%q) = %q, accepted", s, f)
			}
		})
	}
}

// FuzzParsePeriod checks that whatever ParsePeriod accepts as a calendar
// period is exactly what Period writes for it.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2024", "2024-Q1", "2024-03", "2024-03-15", "2023-01-01/P3Y", "2024-13", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		freq, err := ParsePeriod(s)
		if err != nil {
			return
		}
		var tm time.Time
		switch freq {
		case FreqAnnual:
			tm, err = time.Parse("2006", s)
		case FreqQuarterly:
			tm, err = time.Parse("2006", s[:4])
			tm = tm.AddDate(0, 3*int(s[6]-'1'), 0)
		case FreqMonthly:
			tm, err = time.Parse("2006-01", s)
		case FreqDaily:
			tm, err = time.Parse(time.DateOnly, s)
		case FreqRange:
			return
		default:
			t.Fatalf("unknown frequency %q", freq)
		}
		if err != nil {
			t.Fatalf("accepted %q but it does not parse: %v", s, err)
		}
		if back, _ := Period(freq, tm); back != s {
			t.Fatalf("accepted %q, which Period writes as %q", s, back)
		}
	})
}
