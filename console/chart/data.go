package chart

import (
	"slices"
	"time"

	"github.com/buycard/buycard"
)

// maxDays bounds Days, as buycard bounds a funnel query.
const maxDays = 366

// Days lists the DayLayout days from to to inclusive: the x axis of a
// funnel, which stores only the days that had anything. It is empty when
// either day is malformed or to is before from, and stops after a year.
func Days(from, to string) []string {
	start, err1 := time.Parse(buycard.DayLayout, from)
	end, err2 := time.Parse(buycard.DayLayout, to)
	if err1 != nil || err2 != nil {
		return nil
	}
	var days []string
	for d := start; !d.After(end) && len(days) < maxDays; d = d.AddDate(0, 0, 1) {
		days = append(days, d.Format(buycard.DayLayout))
	}
	return days
}

// CountSeries are the daily impressions, clicks, checkouts and sales of
// f over every day of its range, 0 on the days it has no row for.
func CountSeries(f *buycard.Funnel) (days []string, series []Series) {
	days = Days(f.From, f.To)
	byDay := dayIndex(days)
	series = []Series{
		{Name: "Impressions", Values: make([]int64, len(days))},
		{Name: "Clicks", Values: make([]int64, len(days))},
		{Name: "Checkouts", Values: make([]int64, len(days))},
		{Name: "Sales", Values: make([]int64, len(days))},
	}
	for _, d := range f.Days {
		i, ok := byDay[d.Day]
		if !ok {
			continue
		}
		for j, v := range []int64{d.Impressions, d.Clicks, d.Checkouts, d.Sales} {
			series[j].Values[i] = v
		}
	}
	return days, series
}

// RevenueSeries are f's daily revenue and refunded amounts in currency
// (minor units) over every day of its range; format them with Money.
func RevenueSeries(f *buycard.Funnel, currency string) (days []string, series []Series) {
	days = Days(f.From, f.To)
	byDay := dayIndex(days)
	series = []Series{
		{Name: "Revenue", Values: make([]int64, len(days))},
		{Name: "Refunded", Values: make([]int64, len(days))},
	}
	for _, d := range f.Days {
		if i, ok := byDay[d.Day]; ok {
			series[0].Values[i] = d.Revenue[currency]
			series[1].Values[i] = d.Refunded[currency]
		}
	}
	return days, series
}

// Currencies are the currencies f has revenue or refunds in, sorted, one
// revenue chart each.
func Currencies(f *buycard.Funnel) []string {
	var out []string
	for _, m := range []map[string]int64{f.Total.Revenue, f.Total.Refunded} {
		for cur := range m {
			out = append(out, cur)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func dayIndex(days []string) map[string]int {
	m := make(map[string]int, len(days))
	for i, d := range days {
		m[d] = i
	}
	return m
}

// Money returns a Format for amounts in currency's minor units, written
// for localeTag as buycard.Money.Format writes them.
func Money(currency, localeTag string) func(int64) string {
	return func(amount int64) string {
		return buycard.Money{Amount: amount, Currency: currency}.Format(localeTag)
	}
}
