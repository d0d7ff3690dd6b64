package store

// SetListCaps changes the caps that choose how ListIncidents searches a
// filter, so that a test on a small store takes every path; the returned
// function restores them.
func SetListCaps(drive, lookup, period int) (restore func()) {
	d, l, p := driveCap, lookupCap, periodCap
	driveCap, lookupCap, periodCap = drive, lookup, period
	return func() { driveCap, lookupCap, periodCap = d, l, p }
}

// SetCubeBatch changes how many stat_units rows the cube reads at a time,
// so that a small store crosses batch boundaries; the returned function
// restores it.
func SetCubeBatch(n int) (restore func()) {
	old := cubeBatch
	cubeBatch = n
	return func() { cubeBatch = old }
}
