package store

// SetListCaps changes the caps that choose how ListIncidents searches a
// filter, so that a test on a small store takes every path; the returned
// function restores them.
func SetListCaps(drive, lookup, period int) (restore func()) {
	d, l, p := driveCap, lookupCap, periodCap
	driveCap, lookupCap, periodCap = drive, lookup, period
	return func() { driveCap, lookupCap, periodCap = d, l, p }
}
