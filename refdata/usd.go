package refdata

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"sync"
)

// usdRatesCSV holds annual average rates in units of a currency per US
// dollar; its header comment and docs/usd-rates.md give the provenance and
// the format.
//
//go:embed usd_rates.csv
var usdRatesCSV []byte

var usdRatesHeader = []string{"currency", "year", "units_per_usd"}

// Years outside this range are refused when the table is read: a typo in
// a replacement file should fail the tests rather than shadow a real year.
const (
	usdRatesFirstYear = 1950
	usdRatesLastYear  = 2100
)

// yearRate is one row of the table.
type yearRate struct {
	year int
	rate float64
}

var loadUSDRates = sync.OnceValue(func() map[string][]yearRate {
	t, err := parseUSDRates(usdRatesCSV)
	if err != nil {
		panic("refdata: embedded usd_rates.csv: " + err.Error())
	}
	return t
})

// parseUSDRates reads the table into per-currency rows sorted by year.
func parseUSDRates(data []byte) (map[string][]yearRate, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comment = '#'
	cr.FieldsPerRecord = len(usdRatesHeader)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if !slices.Equal(header, usdRatesHeader) {
		return nil, fmt.Errorf("unexpected header %q", header)
	}
	out := map[string][]yearRate{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		cur := rec[0]
		if len(cur) != 3 || cur[0] < 'A' || cur[0] > 'Z' || cur[1] < 'A' || cur[1] > 'Z' || cur[2] < 'A' || cur[2] > 'Z' {
			return nil, fmt.Errorf("bad currency %q", cur)
		}
		year, err := strconv.Atoi(rec[1])
		if err != nil || year < usdRatesFirstYear || year > usdRatesLastYear {
			return nil, fmt.Errorf("%s: bad year %q", cur, rec[1])
		}
		rate, err := strconv.ParseFloat(rec[2], 64)
		if err != nil || math.IsNaN(rate) || math.IsInf(rate, 0) || rate <= 0 {
			return nil, fmt.Errorf("%s %d: bad rate %q", cur, year, rec[2])
		}
		out[cur] = append(out[cur], yearRate{year: year, rate: rate})
	}
	if len(out) == 0 {
		return nil, errors.New("no rows")
	}
	for cur, rows := range out {
		slices.SortFunc(rows, func(a, b yearRate) int { return a.year - b.year })
		for i := 1; i < len(rows); i++ {
			if rows[i].year == rows[i-1].year {
				return nil, fmt.Errorf("%s: year %d listed twice", cur, rows[i].year)
			}
		}
	}
	return out, nil
}

// USDRate returns the annual average rate of currency (ISO 4217, upper
// case) in units per US dollar for year. When the table has no figure for
// that year it falls back to the latest earlier year, never a later one, so
// a figure is never applied to amounts from before it was observed;
// exactYear names the year the rate belongs to. ok is false when the table
// has no rate for the currency in or before year.
func USDRate(currency string, year int) (rate float64, exactYear int, ok bool) {
	rows := loadUSDRates()[currency]
	// The first row later than year; the one before it is the answer.
	i, _ := slices.BinarySearchFunc(rows, year+1, func(r yearRate, y int) int { return r.year - y })
	if i == 0 {
		return 0, 0, false
	}
	r := rows[i-1]
	return r.rate, r.year, true
}

// ToUSD converts amount in currency to US dollars at the year's average
// rate (see USDRate for the fallback). ok is false when there is no rate or
// amount is not a finite number.
func ToUSD(amount float64, currency string, year int) (float64, bool) {
	if math.IsNaN(amount) || math.IsInf(amount, 0) {
		return 0, false
	}
	rate, _, ok := USDRate(currency, year)
	if !ok {
		return 0, false
	}
	return amount / rate, true
}

// USDRateCurrencies lists the currencies the table has rates for, sorted.
func USDRateCurrencies() []string {
	t := loadUSDRates()
	out := make([]string, 0, len(t))
	for c := range t {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}
