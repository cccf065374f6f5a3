package connect

import "fmt"

// serverVersion names the MongoDB release line of a hello's maxWireVersion.
// Asking buildInfo would cost a round trip; the wire version comes with the hello
// the driver sends anyway. Values follow the server's wire_version.h (13 = 5.0,
// then one per release up to 25 = 8.0); newer numbers are reported as such.
func serverVersion(maxWire int32) string {
	known := map[int32]string{
		9: "4.4", 13: "5.0", 14: "5.1", 15: "5.2", 16: "5.3",
		17: "6.0", 18: "6.1", 19: "6.2", 20: "6.3",
		21: "7.0", 22: "7.1", 23: "7.2", 24: "7.3",
		25: "8.0", 26: "8.1", 27: "8.2",
	}
	switch v, ok := known[maxWire]; {
	case ok:
		return v
	case maxWire > 27:
		return fmt.Sprintf("newer than 8.2 (wire version %d)", maxWire)
	case maxWire <= 0:
		return ""
	}
	return fmt.Sprintf("wire version %d", maxWire)
}
