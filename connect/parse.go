package connect

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
)

// parseURI runs the driver's connection-string parser and validator without
// touching DNS. connstring.ParseAndValidate resolves the SRV and TXT records of a
// mongodb+srv:// string, which would make building a string depend on the network;
// so an SRV string is parsed as the equivalent mongodb:// string, and the few
// rules that only apply to SRV (one host, no port, srvMaxHosts/srvServiceName, no
// direct connection) are checked here with the driver's own messages.
func parseURI(uri string) (*connstring.ConnString, error) {
	rest, srv := strings.CutPrefix(uri, "mongodb+srv://")
	if !srv {
		return connstring.ParseAndValidate(uri)
	}
	p, err := splitURI(uri)
	if err != nil {
		return nil, fmt.Errorf("error parsing uri: %w", err)
	}
	if strings.Contains(p.hosts, ",") {
		return nil, errors.New("error parsing uri: URI with SRV must include one and only one hostname")
	}
	if _, _, err := net.SplitHostPort(p.hosts); err == nil {
		return nil, errors.New("error parsing uri: URI with srv must not include a port number")
	}
	// Take the SRV-only options out before the mongodb:// parse, which rejects them.
	var srvMaxHosts int
	var kept []string
	for _, o := range p.options {
		switch strings.ToLower(o.key) {
		case "srvmaxhosts":
			n, err := strconv.Atoi(o.value)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("error parsing uri: invalid value for %q: %q", o.key, o.value)
			}
			srvMaxHosts = n
		case "srvservicename":
			if len(o.value) < 1 || len(o.value) > 62 {
				return nil, errors.New("error parsing uri: srvServiceName value must be between 1 and 62 characters")
			}
		default:
			kept = append(kept, o.key+"="+o.value)
		}
	}
	head, _, _ := strings.Cut(rest, "?")
	plain := "mongodb://" + head
	if len(kept) > 0 {
		if !strings.Contains(head, "/") {
			plain += "/"
		}
		plain += "?" + strings.Join(kept, "&")
	}
	cs, err := connstring.Parse(plain)
	if err != nil {
		return nil, err
	}
	cs.Original, cs.Scheme, cs.SRVMaxHosts = uri, connstring.SchemeMongoDBSRV, srvMaxHosts
	if !cs.SSLSet { // SRV implies TLS unless the string turns it off
		cs.SSL, cs.SSLSet = true, true
	}
	if err := cs.Validate(); err != nil {
		return nil, fmt.Errorf("error validating uri: %w", err)
	}
	return cs, nil
}
