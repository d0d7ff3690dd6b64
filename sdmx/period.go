package sdmx

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period formats the calendar period of freq (FreqAnnual, FreqQuarterly,
// FreqMonthly or FreqDaily) that contains t, in SDMX TIME_PERIOD notation:
// 2024, 2024-Q1, 2024-03, 2024-03-15.
func Period(freq string, t time.Time) (string, error) {
	y, m, d := t.Date()
	if y < 1 || y > 9999 {
		return "", fmt.Errorf("sdmx: year %d out of range", y)
	}
	switch freq {
	case FreqAnnual:
		return fmt.Sprintf("%04d", y), nil
	case FreqQuarterly:
		return fmt.Sprintf("%04d-Q%d", y, (int(m)-1)/3+1), nil
	case FreqMonthly:
		return fmt.Sprintf("%04d-%02d", y, int(m)), nil
	case FreqDaily:
		return fmt.Sprintf("%04d-%02d-%02d", y, int(m), d), nil
	}
	return "", fmt.Errorf("sdmx: unknown frequency %q", freq)
}

// RangePeriod is the SDMX time range from the first to the last day, both
// included, for a view that covers several periods without breaking them
// down: 2023-01-01/P3Y for whole calendar years, 2024-04-01/P2M for whole
// months, 2024-03-15/P10D otherwise.
func RangePeriod(first, last time.Time) (string, error) {
	y1, m1, d1 := first.Date()
	y2, m2, d2 := last.Date()
	a := time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)
	b := time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC)
	if b.Before(a) || y1 < 1 || y2 > 9999 {
		return "", fmt.Errorf("sdmx: range %s to %s is empty or out of range", a.Format(time.DateOnly), b.Format(time.DateOnly))
	}
	start := a.Format(time.DateOnly)
	endsMonth := b.AddDate(0, 0, 1).Day() == 1
	switch months := (y2-y1)*12 + int(m2) - int(m1) + 1; {
	case d1 == 1 && endsMonth && m1 == time.January && m2 == time.December:
		return fmt.Sprintf("%s/P%dY", start, y2-y1+1), nil
	case d1 == 1 && endsMonth:
		return fmt.Sprintf("%s/P%dM", start, months), nil
	}
	days := int(b.Sub(a).Hours()/24) + 1
	return fmt.Sprintf("%s/P%dD", start, days), nil
}

// ParsePeriod checks an SDMX TIME_PERIOD of the forms Period and
// RangePeriod write and returns its frequency code (FreqRange for a range).
func ParsePeriod(s string) (freq string, err error) {
	bad := fmt.Errorf("sdmx: %q is not a TIME_PERIOD VRS writes (2024, 2024-Q1, 2024-03, 2024-03-15, 2024-01-01/P3Y)", s)
	if start, dur, ok := strings.Cut(s, "/"); ok {
		if _, err := time.Parse(time.DateOnly, start); err != nil || len(start) != 10 {
			return "", bad
		}
		if len(dur) < 3 || dur[0] != 'P' || !strings.ContainsRune("YMD", rune(dur[len(dur)-1])) {
			return "", bad
		}
		if n, err := strconv.Atoi(dur[1 : len(dur)-1]); err != nil || n < 1 || dur[1] == '+' || dur[1] == '0' {
			return "", bad
		}
		return FreqRange, nil
	}
	if len(s) < 4 || !digits(s[:4]) || s[:4] == "0000" {
		return "", bad
	}
	switch rest := s[4:]; {
	case rest == "":
		return FreqAnnual, nil
	case len(rest) == 3 && rest[:2] == "-Q" && rest[2] >= '1' && rest[2] <= '4':
		return FreqQuarterly, nil
	case len(rest) == 3:
		if _, err := time.Parse("2006-01", s); err == nil {
			return FreqMonthly, nil
		}
	case len(rest) == 6:
		if _, err := time.Parse(time.DateOnly, s); err == nil {
			return FreqDaily, nil
		}
	}
	return "", bad
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
