package refdata

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// requiredUSDCurrencies are the currencies of the region the table must
// cover for every year from 2010 to 2025.
var requiredUSDCurrencies = []string{
	"USD", "EUR", "GBP", "JPY", "CNY", "HKD", "TWD", "KRW", "THB", "VND", "MYR", "SGD", "IDR", "PHP", "MMK", "KHR",
	"LAK", "BND", "AUD", "NZD", "FJD", "PGK", "SBD", "VUV", "WST", "TOP", "INR", "BDT", "PKR", "LKR", "NPR", "AED",
	"SAR", "QAR", "KWD", "RUB",
}

func TestUSDRatesTable(t *testing.T) {
	table, err := parseUSDRates(usdRatesCSV)
	if err != nil {
		t.Fatalf("parseUSDRates: %v", err)
	}
	for cur, rows := range table {
		if !HasCode("currency", cur) {
			t.Errorf("%s is not in the currency code list", cur)
		}
		for i, r := range rows {
			if !(r.rate > 0) || math.IsInf(r.rate, 0) {
				t.Errorf("%s %d: rate %v is not positive and finite", cur, r.year, r.rate)
			}
			// A factor of two from one year to the next is more than any
			// currency here moved (TRY 2022 is 1.87); a slipped digit is ten.
			if i > 0 && rows[i-1].year == r.year-1 {
				if ratio := r.rate / rows[i-1].rate; ratio < 0.5 || ratio > 2 {
					t.Errorf("%s %d: rate %v is %.2f times the year before's: a typo?", cur, r.year, r.rate, ratio)
				}
			}
		}
	}
	for _, cur := range requiredUSDCurrencies {
		for year := 2010; year <= 2025; year++ {
			if _, got, ok := USDRate(cur, year); !ok || got != year {
				t.Errorf("%s %d: no rate of its own (got year %d, ok %v)", cur, year, got, ok)
			}
		}
	}
	for year := 2010; year <= 2025; year++ {
		if rate, _, _ := USDRate("USD", year); rate != 1 {
			t.Errorf("USD %d = %v, want 1", year, rate)
		}
	}
	if got := USDRateCurrencies(); len(got) != len(table) || !slices.IsSorted(got) || !slices.Contains(got, "XCG") {
		t.Errorf("USDRateCurrencies = %v", got)
	}
}

func TestUSDRate(t *testing.T) {
	tests := []struct {
		name      string
		currency  string
		year      int
		wantRate  float64
		wantYear  int
		wantFound bool
	}{
		{"Exact", "EUR", 2015, 0.9013, 2015, true},
		{"Peg", "AED", 2020, 3.6725, 2020, true},
		{"LaterYearFallsBackToLatest", "USD", 2026, 1, 2025, true},
		{"FarFutureFallsBackToLatest", "JPY", 2040, 149.7, 2025, true},
		{"BeforeFirstYear", "EUR", 2009, 0, 0, false},
		{"NeverALaterYear", "XCG", 2024, 0, 0, false},
		{"NewCurrencyFromItsFirstYear", "XCG", 2026, 1.79, 2025, true},
		{"UnknownCurrency", "ZZZ", 2020, 0, 0, false},
		{"LowerCase", "eur", 2020, 0, 0, false},
		{"Empty", "", 2020, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rate, year, ok := USDRate(tt.currency, tt.year)
			if rate != tt.wantRate || year != tt.wantYear || ok != tt.wantFound {
				t.Errorf("USDRate(%q, %d) = %v, %d, %v; want %v, %d, %v",
					tt.currency, tt.year, rate, year, ok, tt.wantRate, tt.wantYear, tt.wantFound)
			}
		})
	}
}

func TestToUSD(t *testing.T) {
	tests := []struct {
		name     string
		amount   float64
		currency string
		year     int
		want     float64
		wantOK   bool
	}{
		{"USD", 250, "USD", 2018, 250, true},
		{"Euro", 1000, "EUR", 2015, 1000 / 0.9013, true},
		{"Rupiah", 15236900, "IDR", 2023, 1000, true},
		{"FallsBack", 3672.5, "AED", 2030, 1000, true},
		{"Zero", 0, "THB", 2020, 0, true},
		{"NoRate", 100, "EUR", 1999, 0, false},
		{"UnknownCurrency", 100, "ZZZ", 2020, 0, false},
		{"NaN", math.NaN(), "USD", 2020, 0, false},
		{"Inf", math.Inf(1), "USD", 2020, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ToUSD(tt.amount, tt.currency, tt.year)
			if ok != tt.wantOK || math.Abs(got-tt.want) > 1e-9*math.Max(1, tt.want) {
				t.Errorf("ToUSD(%v, %q, %d) = %v, %v; want %v, %v", tt.amount, tt.currency, tt.year, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseUSDRatesRefuses(t *testing.T) {
	const header = "currency,year,units_per_usd\n"
	tests := []struct {
		name    string
		data    string
		wantErr string
	}{
		{"Empty", "", "header"},
		{"OnlyComments", "# nothing\n", "header"},
		{"WrongHeader", "code,year,rate\nEUR,2020,0.9\n", "unexpected header"},
		{"NoRows", header, "no rows"},
		{"MissingField", header + "EUR,2020\n", "wrong number of fields"},
		{"LowerCaseCurrency", header + "eur,2020,0.9\n", "bad currency"},
		{"LongCurrency", header + "EURO,2020,0.9\n", "bad currency"},
		{"YearNotANumber", header + "EUR,twenty,0.9\n", "bad year"},
		{"YearOutOfRange", header + "EUR,20200,0.9\n", "bad year"},
		{"Zero", header + "EUR,2020,0\n", "bad rate"},
		{"Negative", header + "EUR,2020,-0.9\n", "bad rate"},
		{"NaN", header + "EUR,2020,NaN\n", "bad rate"},
		{"Inf", header + "EUR,2020,+Inf\n", "bad rate"},
		{"Comma", header + "EUR,2020,\"0,9\"\n", "bad rate"},
		{"RepeatedYear", header + "EUR,2020,0.9\nEUR,2020,0.8\n", "listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseUSDRates([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		got, err := parseUSDRates([]byte("# comment\n" + header + "EUR,2021,0.85\nEUR,2020,0.88\n"))
		if err != nil {
			t.Fatal(err)
		}
		if rows := got["EUR"]; len(rows) != 2 || rows[0].year != 2020 || rows[1].rate != 0.85 {
			t.Errorf("rows = %+v, want sorted by year", rows)
		}
	})
}
