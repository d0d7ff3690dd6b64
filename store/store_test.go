package store_test

import (
	"testing"

	"vrs/storetest"
)

func TestConformance(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) { storetest.Run(t, d) })
	}
}
