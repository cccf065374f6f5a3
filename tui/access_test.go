package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/atlas-iam/atlas-iam/steps"
)

// TestAccessCatalogueColumns: in the list of roles you can grant, every row's
// description starts in the same column, whether the role is suggested,
// current, built-in or custom; the name column is as wide as the longest name,
// but a very long name is cut so that descriptions keep their room at 80
// columns.
func TestAccessCatalogueColumns(t *testing.T) {
	longName := "ordersWriterForTheNightlyReconciliationBatch"
	for _, c := range []struct {
		name   string
		custom string
		width  int
		column int // where descriptions start, in cells from the body's left edge
	}{
		{"the longest name sets the column", "ordersWriter", 76, 2 + len("readWrite@orders") + 2},
		{"a long name is capped at 80 columns", longName, 76, 2 + 24 + 2},
		{"wider terminals give names more room", longName, 196, 2 + len(longName) + 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := accessFixture()
			r.Current = []string{"read@orders"}
			r.Custom = []steps.RoleOption{{Name: c.custom, Description: "insert and update in orders.*", Custom: true}}
			cm := &common{styles: newStyles(newRenderer(nil, true)), keys: DefaultKeyMap(), clock: fixedClock, width: c.width, height: 30}
			p := newAccessPage(cm, 1, r)
			p.init()
			lines := strings.Split(ansi.Strip(p.view()), "\n")
			var rows []string
			for i, l := range lines {
				if strings.HasPrefix(l, "Roles you can grant") {
					for _, row := range lines[i+1:] {
						if row == "" {
							break
						}
						rows = append(rows, row)
					}
				}
			}
			if len(rows) != 6 {
				t.Fatalf("%d catalogue rows, want 6:\n%s", len(rows), strings.Join(lines, "\n"))
			}
			for _, row := range rows {
				if ansi.StringWidth(row) > c.width {
					t.Errorf("row %q is wider than %d", row, c.width)
				}
				desc := ansi.Cut(row, c.column, c.width)
				gap := ansi.Cut(row, c.column-2, c.column)
				if gap != "  " || desc == "" || desc[0] == ' ' {
					t.Errorf("row %q: the description does not start at column %d", row, c.column)
				}
			}
		})
	}
}
